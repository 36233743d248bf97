package optimize

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// dq-transpose: a Transpose between the DequantizeLinear of an int8 graph
// input and a Conv moves above the DequantizeLinear, and the other passes
// leave it there.
func TestDQTranspose(t *testing.T) {
	b := newBuilder("dq")
	x := b.input("x", 1, 4, 4, 2)
	b.g.SetValue(x, graph.Int8, graph.ShapeOf(1, 4, 4, 2))
	b.g.SetConst("scale", graph.ScalarOf(graph.Float, 0.5))
	b.g.SetConst("zero", graph.NewIntTensor(graph.Int8, nil, []int64{3}))
	d := b.op("dq", "DequantizeLinear", nil, x, "scale", "zero")
	b.g.SetValue(d, graph.Float, graph.ShapeOf(1, 4, 4, 2))
	y := b.tr("t", d, 0, 3, 1, 2)
	b.g.SetValue(y, graph.Float, graph.ShapeOf(1, 2, 4, 4))
	w := b.weights("w", 3, 2, 1, 1)
	g := b.output(b.op("out", "Conv", nil, y, w))
	b.g.SetValue("out", graph.Float, graph.ShapeOf(1, 3, 4, 4))
	if err := Run(g, 21, Passes(), nil); err != nil {
		t.Fatal(err)
	}
	tr, dq := nodeByOp(g, "Transpose"), nodeByOp(g, "DequantizeLinear")
	if tr == nil || dq == nil || tr.Inputs[0] != "x" || dq.Inputs[0] != tr.Outputs[0] {
		t.Fatalf("want x → Transpose → DequantizeLinear:\n%s", g.Dump())
	}
	if got := g.DTypeOf(tr.Outputs[0]); got != graph.Int8 {
		t.Errorf("the transposed input is %v, want int8", got)
	}
	if got := g.ShapeOf(dq.Outputs[0]).String(); got != "[1,2,4,4]" {
		t.Errorf("the dequantized value has shape %s", got)
	}
}
