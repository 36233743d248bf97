package convert

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/frozen"
)

// unknownRank reshapes x to a shape fed at run time: y's rank is unknown.
const unknownRank = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "shape" value { shape { dim { size: -1 } } } } }
node { name: "s" op: "Placeholder" attr { key: "dtype" value { type: DT_INT32 } }
  attr { key: "shape" value { shape { dim { size: -1 } } } } }
node { name: "r" op: "Reshape" input: "x" input: "s"
  attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tshape" value { type: DT_INT32 } } }
node { name: "y" op: "Neg" input: "r" attr { key: "T" value { type: DT_FLOAT } } }
`

// TestOutputShapes: a shape in --outputs (`y:0[?,3]`) becomes the graph
// output's shape, an output of unknown rank without one is a warning (the
// model then fails onnx.checker), and a shape that contradicts inference
// is an error on the flag.
func TestOutputShapes(t *testing.T) {
	gd, err := frozen.Parse("unknown_rank.pbtxt", []byte(unknownRank))
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := frozen.ParseSpecs("x:0,s:0")
	run := func(outputs string) (*Model, Diagnostics, error) {
		outs, err := frozen.ParseSpecs(outputs)
		if err != nil {
			t.Fatal(err)
		}
		return GraphDef(context.Background(), gd, Options{Inputs: ins, Outputs: outs})
	}

	m, diag, err := run("y:0")
	if err != nil {
		t.Fatal(err)
	}
	if v := m.Graph.Values[m.Graph.Outputs[0]]; v.Shape.Known {
		t.Fatalf("y has shape %v; the test wants an unknown rank", v.Shape)
	}
	if w := strings.Join(diag.Warnings, "\n"); !strings.Contains(w, "output y:0 has a rank") || !strings.Contains(w, "y:0[?,?]") {
		t.Errorf("warnings %q; want one about y:0's unknown rank with a spec to give", diag.Warnings)
	}

	m, diag, err = run("y:0[?,3]")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Graph.Values[m.Graph.Outputs[0]].Shape.String(); got != "[y_dim0,3]" {
		t.Errorf("y has shape %s, want [y_dim0,3]", got)
	}
	if len(diag.Warnings) != 0 {
		t.Errorf("warnings %q with the shape stated", diag.Warnings)
	}

	lenet, err := frozen.Load("../testdata/lenet/lenet_tf.pb")
	if err != nil {
		t.Fatal(err)
	}
	lin, _ := frozen.ParseSpecs("Placeholder:0")
	for spec, want := range map[string]string{
		"output:0[?,?,?]": "the converted model gives rank 2",
		"output:0[?,7]":   "the spec says [?,7]",
	} {
		outs, _ := frozen.ParseSpecs(spec)
		_, _, err := GraphDef(context.Background(), lenet, Options{Inputs: lin, Outputs: outs})
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Flag != "--outputs" || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want an --outputs error containing %q", spec, err, want)
		}
	}
}
