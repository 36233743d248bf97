package frozen

import (
	"strings"
	"testing"
)

// Pipeline outputs named by --inputs take their dtype and shape from the
// op's attributes (and a queue's), and a spec's shape still overrides.
func TestPipelineInputs(t *testing.T) {
	const txt = `
node { name: "it" op: "IteratorV2" }
node { name: "next" op: "IteratorGetNext" input: "it"
  attr { key: "output_types" value { list { type: DT_FLOAT type: DT_INT64 } } }
  attr { key: "output_shapes" value { list { shape { dim { size: -1 } dim { size: 3 } } shape { dim { size: -1 } } } } } }
node { name: "q" op: "FIFOQueueV2" attr { key: "shapes" value { list { shape { dim { size: 2 } } } } } }
node { name: "n" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 5 } } } }
node { name: "many" op: "QueueDequeueManyV2" input: "q" input: "n" attr { key: "component_types" value { list { type: DT_INT32 } } } }
node { name: "upto" op: "QueueDequeueUpToV2" input: "q" input: "n" attr { key: "component_types" value { list { type: DT_INT32 } } } }
node { name: "bare" op: "FIFOQueueV2" }
node { name: "one" op: "QueueDequeueV2" input: "bare" attr { key: "component_types" value { list { type: DT_STRING } } } }
node { name: "ph" op: "PlaceholderV2" attr { key: "dtype" value { type: DT_HALF } } attr { key: "shape" value { shape { dim { size: 4 } } } } }
node { name: "out" op: "IdentityN" input: "next:0" input: "next:1" input: "many" input: "upto" input: "one" input: "ph" }
`
	gd, err := Parse("p.pbtxt", []byte(txt))
	if err != nil {
		t.Fatal(err)
	}
	ins, err := ParseSpecs("next:0,next:1,many:0,upto:0,one:0,ph:0")
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := ParseSpecs("out:0")
	g, err := Extract(gd, ins, outs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"next:0": "float32[next_dim0,3]", "next:1": "int64[next_dim0]", "many:0": "int32[5,2]",
		"upto:0": "int32[upto_dim0,2]", "one:0": "string[*]", "ph:0": "float16[4]",
	}
	for v, w := range want {
		val := g.Values[v]
		if got := val.DType.String() + val.Shape.String(); got != w {
			t.Errorf("%s: %s, want %s", v, got, w)
		}
	}
	// A spec gives the shape a queue without shapes lacks.
	ins, _ = ParseSpecs("next:0,next:1,many:0,upto:0,one:0[2,2],ph:0")
	if g, err = Extract(gd, ins, outs); err != nil {
		t.Fatal(err)
	}
	if s := g.Values["one:0"].Shape.String(); s != "[2,2]" {
		t.Errorf("one:0 with a spec: %s", s)
	}
	// A PlaceholderV2 the outputs need must be listed, as a Placeholder.
	ins, _ = ParseSpecs("next:0,next:1,many:0,upto:0,one:0")
	if _, err := Extract(gd, ins, outs); err == nil {
		t.Error("no error for the unlisted PlaceholderV2")
	}
}

// A resource Placeholder (a TF2 capture convert_variables_to_constants_v2
// left) cannot be a model input: the error says what it is.
func TestResourcePlaceholder(t *testing.T) {
	const txt = `
node { name: "h" op: "Placeholder" attr { key: "dtype" value { type: DT_RESOURCE } } }
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } }
node { name: "d" op: "Const" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { } int64_val: -1 } } } }
node { name: "find" op: "LookupTableFindV2" input: "h" input: "x" input: "d" }
`
	gd, err := Parse("r.pbtxt", []byte(txt))
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := ParseSpecs("x:0")
	outs, _ := ParseSpecs("find:0")
	_, err = Extract(gd, ins, outs)
	if err == nil || !strings.Contains(err.Error(), `resource handle Placeholder "h"`) {
		t.Errorf("error %v", err)
	}
}
