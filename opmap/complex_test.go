package opmap

import (
	"errors"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// complexGraph is x (float [2, 8]) → RFFT "f" → the given nodes.
func complexGraph(nodes []*graph.Node, outputs ...string) *graph.Graph {
	g := graph.New("t")
	g.Inputs = []string{"x:0"}
	g.SetValue("x:0", graph.Float, graph.ShapeOf(2, 8))
	g.SetConst("len:0", graph.NewIntTensor(graph.Int32, []int64{1}, []int64{8}))
	g.AddNode(&graph.Node{Name: "f", Op: "RFFT", Domain: graph.DomainTF, Inputs: []string{"x:0", "len:0"}, Outputs: []string{"f:0"},
		Attrs: map[string]any{"Treal": graph.Float, "Tcomplex": graph.Complex64}})
	for _, n := range nodes {
		n.Domain = graph.DomainTF
		n.Outputs = []string{n.Name + ":0"}
		g.AddNode(n)
	}
	g.Outputs = outputs
	return g
}

func cx(name, op string, ins ...string) *graph.Node {
	return &graph.Node{Name: name, Op: op, Inputs: ins, Attrs: map[string]any{"T": graph.Complex64}}
}

// TestComplexRefusals: every op on complex values without a complex form,
// and every complex graph output, is named at once, one line each.
func TestComplexRefusals(t *testing.T) {
	abs := cx("a", "ComplexAbs", "m:0")
	abs.Attrs["Tout"] = graph.Float
	g := complexGraph([]*graph.Node{cx("e1", "Tanh", "f:0"), cx("e2", "Sqrt", "f:0"), cx("m", "Mul", "f:0", "f:0"), abs}, "e1:0", "e2:0", "m:0", "a:0")
	_, err := Apply(g, Options{Opset: 17})
	var me MapErrors
	if !errors.As(err, &me) || len(me) != 3 {
		t.Fatalf("want 3 node errors, got %v", err)
	}
	want := map[string]string{"e1": "not converted on complex values", "e2": "not converted on complex values", "m": "complex graph output"}
	for _, e := range me {
		if !strings.Contains(e.Error(), want[e.Node]) || strings.Contains(e.Error(), "\n") {
			t.Errorf("node %s: %v, want one line containing %q", e.Node, e, want[e.Node])
		}
	}
}

// TestComplexConstPacked: a complex constant read by a complex op becomes
// a float pair constant; no complex tensor is left in the model.
func TestComplexConstPacked(t *testing.T) {
	abs := cx("a", "ComplexAbs", "m:0")
	abs.Attrs["Tout"] = graph.Float
	g := complexGraph([]*graph.Node{cx("m", "Mul", "f:0", "k:0"), abs}, "a:0")
	g.SetConst("k:0", &graph.Tensor{DType: graph.Complex64, Dims: []int64{1}, Data: make([]byte, 8)})
	if _, err := Apply(g, Options{Opset: 17}); err != nil {
		t.Fatal(err)
	}
	for name, c := range g.Consts {
		if isComplex(c.DType) {
			t.Errorf("complex constant %s left in the graph", name)
		}
	}
}

// TestComplexFromOutside: a complex graph input (onnxruntime cannot feed
// one) and a complex constant fetched as an output are refused, one line.
func TestComplexFromOutside(t *testing.T) {
	g := graph.New("t")
	g.Inputs = []string{"z:0"}
	g.SetValue("z:0", graph.Complex64, graph.ShapeOf(2))
	abs := cx("a", "ComplexAbs", "z:0")
	abs.Attrs["Tout"] = graph.Float
	abs.Domain, abs.Outputs = graph.DomainTF, []string{"a:0"}
	g.AddNode(abs)
	g.Outputs = []string{"a:0"}
	if _, err := Apply(g, Options{Opset: 17}); err == nil || !strings.Contains(err.Error(), `input "z:0" is a complex graph input`) {
		t.Errorf("complex graph input: %v", err)
	}

	g = graph.New("t")
	g.SetConst("k:0", &graph.Tensor{DType: graph.Complex128, Dims: []int64{1}, Data: make([]byte, 16)})
	g.Outputs = []string{"k:0"}
	if _, err := Apply(g, Options{Opset: 17}); err == nil || !strings.Contains(err.Error(), `graph output "k:0": a complex graph output`) {
		t.Errorf("complex constant output: %v", err)
	}
}

// TestComplexJoinShortcut: a complex form reading a value that another
// made reads its parts, instead of unpacking the pair again.
func TestComplexJoinShortcut(t *testing.T) {
	re, im, sq := cx("r", "Real", "s:0"), cx("i", "Imag", "s:0"), cx("s", "Square", "f:0")
	re.Attrs["Tout"], im.Attrs["Tout"] = graph.Float, graph.Float
	g := complexGraph([]*graph.Node{sq, re, im}, "r:0", "i:0")
	if _, err := Apply(g, Options{Opset: 17}); err != nil {
		t.Fatal(err)
	}
	if n := g.OpCounts()["Gather"]; n != 0 {
		t.Errorf("%d Gather nodes, want none: %v", n, g.OpCounts())
	}
}
