package convert

import (
	"slices"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// lower12 builds a one-node graph over x (float [2,3,4]) and the given
// constants, and lowers it.
func lower12(t *testing.T, n *graph.Node, consts map[string]*graph.Tensor, xShape graph.Shape) (*graph.Graph, error) {
	t.Helper()
	g := graph.New("t")
	g.Inputs = []string{"x", "dyn"}
	g.SetValue("x", graph.Float, xShape)
	g.SetValue("dyn", graph.Int64, graph.ShapeOf(1))
	for k, v := range consts {
		g.SetConst(k, v)
	}
	if n.Attrs == nil {
		n.Attrs = map[string]any{}
	}
	g.AddNode(n)
	g.Outputs = n.Outputs
	return g, lowerTo12(g, g, nil)
}

func TestLowerTo12(t *testing.T) {
	x3 := graph.ShapeOf(2, 3, 4)
	one := map[string]*graph.Tensor{"a": graph.Int64Tensor(1), "s": graph.Int64Tensor(1, 2), "none": graph.Int64Tensor()}
	node := func(op string, attrs map[string]any, ins ...string) *graph.Node {
		return &graph.Node{Name: "n", Op: op, Inputs: ins, Outputs: []string{"y"}, Attrs: attrs}
	}
	for _, tt := range []struct {
		name  string
		n     *graph.Node
		shape graph.Shape
		ops   string         // node ops after lowering
		attrs map[string]any // expected attributes of the node n
		ins   int            // inputs left on n
		err   string
	}{
		{"Unsqueeze", node("Unsqueeze", nil, "x", "a"), x3, "Unsqueeze", map[string]any{"axes": []int64{1}}, 1, ""},
		{"Squeeze all", node("Squeeze", nil, "x"), x3, "Squeeze", map[string]any{}, 1, ""},
		{"Squeeze run-time axes", node("Squeeze", nil, "x", "dyn"), x3, "", nil, 0, "axes computed at run time"},
		{"ReduceSum", node("ReduceSum", map[string]any{"keepdims": int64(0)}, "x", "a"), x3, "ReduceSum", map[string]any{"axes": []int64{1}, "keepdims": int64(0)}, 1, ""},
		{"ReduceSum over no axes, noop", node("ReduceSum", map[string]any{"noop_with_empty_axes": int64(1)}, "x", "none"), x3, "Identity", map[string]any{}, 1, ""},
		{"ReduceSum over all", node("ReduceSum", nil, "x"), x3, "ReduceSum", map[string]any{}, 1, ""},
		{"ReduceSum run-time axes", node("ReduceSum", map[string]any{"noop_with_empty_axes": int64(1)}, "x", "dyn"), x3, "", nil, 0, "axes computed at run time"},
		{"Split", node("Split", map[string]any{"axis": int64(1)}, "x", "s"), x3, "Split", map[string]any{"axis": int64(1), "split": []int64{1, 2}}, 1, ""},
		{"Split run-time", node("Split", nil, "x", "dyn"), x3, "", nil, 0, "split sizes computed at run time"},
		{"Softmax last axis", node("Softmax", nil, "x"), x3, "Softmax", map[string]any{"axis": int64(-1)}, 1, ""},
		{"Softmax axis 2 of 3", node("LogSoftmax", map[string]any{"axis": int64(2)}, "x"), x3, "LogSoftmax", map[string]any{"axis": int64(-1)}, 1, ""},
		{"Softmax axis 1", node("Softmax", map[string]any{"axis": int64(1)}, "x"), x3, "Transpose,Softmax,Transpose", map[string]any{"axis": int64(-1)}, 1, ""},
		{"Hardmax axis 0, unknown rank", node("Hardmax", map[string]any{"axis": int64(0)}, "x"), graph.UnknownShape(), "", nil, 0, "unknown rank"},
		{"Dequantize per-tensor", node("DequantizeLinear", map[string]any{"axis": int64(1)}, "x", "sc"), x3, "DequantizeLinear", map[string]any{}, 2, ""},
		{"Dequantize per-axis", node("DequantizeLinear", map[string]any{"axis": int64(1)}, "x", "sv"), x3, "", nil, 0, "per-axis quantization"},
		{"Resize sizes only", node("Resize", nil, "x", "", "", "sz"), x3, "Resize", map[string]any{}, 4, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			consts := map[string]*graph.Tensor{"sc": graph.ScalarOf(graph.Float, 0.5), "sv": graph.Float32Tensor([]int64{3}, []float32{1, 2, 3}), "sz": graph.Int64Tensor(2, 3, 8)}
			for k, v := range one {
				consts[k] = v
			}
			g, err := lower12(t, tt.n, consts, tt.shape)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), `node "n"`) {
					t.Fatalf("error %v, want one naming node n and containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ops []string
			for _, m := range g.Nodes {
				ops = append(ops, m.Op)
			}
			if got := strings.Join(ops, ","); got != tt.ops {
				t.Errorf("ops %s, want %s", got, tt.ops)
			}
			n := tt.n
			if len(n.Inputs) != tt.ins {
				t.Errorf("inputs %v, want %d", n.Inputs, tt.ins)
			}
			for k, v := range tt.attrs {
				got := n.Attrs[k]
				if a, ok := v.([]int64); ok {
					if b, _ := got.([]int64); !slices.Equal(a, b) {
						t.Errorf("attr %s = %v, want %v", k, got, v)
					}
				} else if got != v {
					t.Errorf("attr %s = %v, want %v", k, got, v)
				}
			}
			for k := range n.Attrs {
				if _, ok := tt.attrs[k]; !ok {
					t.Errorf("attr %s left (%v)", k, n.Attrs[k])
				}
			}
			for _, in := range n.Inputs {
				if in == "" {
					t.Errorf("an omitted input left: %v", n.Inputs)
				}
			}
			if g.Outputs[0] != "y" || g.Nodes[len(g.Nodes)-1].Outputs[0] != "y" {
				t.Errorf("the output is no longer y")
			}
		})
	}
}

func TestLowerTo12RefusesBFloat16(t *testing.T) {
	g := graph.New("t")
	g.Inputs = []string{"x"}
	g.SetValue("x", graph.BFloat16, graph.ShapeOf(2))
	if err := noBFloat16(g); err == nil || !strings.Contains(err.Error(), "bfloat16") {
		t.Errorf("error %v, want one about bfloat16", err)
	}
	// An initializer with no value record of its own.
	c := graph.New("c")
	c.Consts["w"] = &graph.Tensor{DType: graph.BFloat16, Dims: []int64{1}, Data: make([]byte, 2)}
	if err := noBFloat16(c); err == nil || !strings.Contains(err.Error(), "w is bfloat16") {
		t.Errorf("constant: error %v, want one about w being bfloat16", err)
	}
}

// LeNet at opset 12: the model and its graph say 12, and no node keeps an
// opset-13 form (axes or split sizes as inputs).
func TestLeNetAtOpset12(t *testing.T) {
	m, _ := convertFile(t, "../testdata/lenet/lenet_tf.pb", "Placeholder:0", "output:0", Options{Opset: 12})
	if m.Opset != 12 || m.Graph.Opset != 12 {
		t.Fatalf("model opset %d, graph opset %d, want 12", m.Opset, m.Graph.Opset)
	}
	for _, n := range m.Graph.Nodes {
		switch n.Op {
		case "Squeeze", "Unsqueeze", "ReduceSum", "Split":
			if len(n.Inputs) > 1 {
				t.Errorf("node %s (%s) keeps %d inputs at opset 12", n.Name, n.Op, len(n.Inputs))
			}
		case "Softmax", "LogSoftmax", "Hardmax":
			if n.Attrs["axis"] != int64(-1) {
				t.Errorf("node %s (%s) axis %v at opset 12", n.Name, n.Op, n.Attrs["axis"])
			}
		}
	}
}
