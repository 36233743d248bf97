package frozen

import (
	"errors"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// A small graph in text form: x (placeholder) and w (const) feed a MatMul;
// d is a PlaceholderWithDefault; u is a Placeholder only `unused` needs.
const smallPbtxt = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
node { name: "w" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 2 } } float_val: 1 } } } }
node { name: "m" op: "MatMul" input: "x" input: "w" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "dflt" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 3 } } } }
node { name: "d" op: "PlaceholderWithDefault" input: "dflt" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "out" op: "Mul" input: "m" input: "d" input: "^w" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "u" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "unused" op: "Neg" input: "u" }
`

func small(t *testing.T) *tfpb.GraphDef {
	gd, err := Parse("small.pbtxt", []byte(smallPbtxt))
	if err != nil {
		t.Fatal(err)
	}
	return gd
}

func specs(t *testing.T, s string) []Spec {
	sp, err := ParseSpecs(s)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestExtract(t *testing.T) {
	g, err := Extract(small(t), specs(t, "x:0"), specs(t, "out:0"))
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, n := range g.Nodes {
		ops = append(ops, n.Name+"="+n.Op)
	}
	if got := strings.Join(ops, " "); got != "m=MatMul d=PlaceholderWithDefault out=Mul" {
		t.Errorf("nodes: %s", got)
	}
	if g.Consts["w:0"] == nil || g.Consts["dflt:0"] == nil {
		t.Errorf("constants not extracted: %v", g.Consts)
	}
	if in := g.Nodes[2].Inputs; len(in) != 2 {
		t.Errorf("control input kept: %v", in)
	}
	if s := g.ShapeOf("x:0"); s.String() != "[x_dim0,2]" {
		t.Errorf("input shape %v", s)
	}
	if g.DTypeOf("x:0") != graph.Float {
		t.Errorf("input dtype %v", g.DTypeOf("x:0"))
	}
}

func TestExtractShapeOverride(t *testing.T) {
	g, err := Extract(small(t), specs(t, "x:0[5,2]"), specs(t, "out:0"))
	if err != nil {
		t.Fatal(err)
	}
	if s := g.ShapeOf("x:0"); s.String() != "[5,2]" {
		t.Errorf("input shape %v", s)
	}
	_, err = Extract(small(t), specs(t, "x:0[5,3]"), specs(t, "out:0"))
	var se *SpecError
	if !errors.As(err, &se) {
		t.Errorf("conflicting dim: %v", err)
	}
}

func TestExtractErrors(t *testing.T) {
	tests := []struct{ in, out, want string }{
		{"x:0", "outt:0", `--outputs: no node named "outt" in the graph; did you mean "out"`},
		{"xx:0", "out:0", `--inputs: no node named "xx"`},
		{"", "out:0", `depend on Placeholder "x", which is not listed`},
		{"x:0", "unused:0", `depend on Placeholder "u"`},
	}
	for _, tc := range tests {
		var ins []Spec
		if tc.in != "" {
			ins = specs(t, tc.in)
		}
		_, err := Extract(small(t), ins, specs(t, tc.out))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("in=%q out=%q: error %v, want %q", tc.in, tc.out, err, tc.want)
		}
	}
}

func TestExtractCycle(t *testing.T) {
	gd, err := Parse("c.pbtxt", []byte(`
node { name: "a" op: "Neg" input: "b" }
node { name: "b" op: "Neg" input: "a" }`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Extract(gd, nil, specs(t, "a:0"))
	if err == nil || !strings.Contains(err.Error(), "cycle") || !errors.Is(err, ErrBadFile) {
		t.Errorf("cycle: %v", err)
	}
}

func TestParseBadFiles(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty.pb", nil, "the file is empty"},
		{"saved_model.pb", []byte{0x08, 0x01, 0x12, 0x00}, "SavedModel"},
		{"junk.pb", []byte("this is not a protobuf at all\xff\xff\xff"), "cannot parse as a binary GraphDef"},
		{"bad.pbtxt", []byte("node { name: "), "cannot parse as a text GraphDef"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.name, tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrBadFile) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// A TF1 cond whose branches are bare constants ties them to their sides only
// by control edges from the pivots; extraction keeps those edges as inputs
// of _GuardedConst nodes. A while loop's Switch (data input not the
// predicate) is no pivot, so loop constants stay plain constants.
func TestGuardedConst(t *testing.T) {
	gd, err := Parse("c.pbtxt", []byte(`
node { name: "p" op: "Placeholder" attr { key: "dtype" value { type: DT_BOOL } } attr { key: "shape" value { shape { } } } }
node { name: "sw" op: "Switch" input: "p" input: "p" }
node { name: "switch_t" op: "Identity" input: "sw:1" }
node { name: "switch_f" op: "Identity" input: "sw" }
node { name: "a" op: "Const" input: "^switch_t" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 2 } } } }
node { name: "b" op: "Const" input: "^switch_f" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: -1 } } } }
node { name: "m" op: "Merge" input: "b" input: "a" }
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { } } } }
node { name: "lsw" op: "Switch" input: "x" input: "p" }
node { name: "lid" op: "Identity" input: "lsw:1" }
node { name: "c" op: "Const" input: "^lid" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 3 } } } }
node { name: "m2" op: "Merge" input: "c" input: "x" }
node { name: "out" op: "Mul" input: "m" input: "m2" }`))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Extract(gd, specs(t, "p:0,x:0"), specs(t, "out:0"))
	if err != nil {
		t.Fatal(err)
	}
	guarded := map[string]string{}
	for _, n := range g.Nodes {
		if n.Op == graph.GuardedConst {
			guarded[n.Name] = n.Inputs[0]
		}
	}
	if guarded["a"] != "switch_t:0" || guarded["b"] != "switch_f:0" || len(guarded) != 2 {
		t.Errorf("guarded constants: %v", guarded)
	}
	if g.Consts["c:0"] == nil {
		t.Errorf("the constant behind a non-cond Switch should stay a plain constant")
	}
}
