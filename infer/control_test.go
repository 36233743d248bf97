package infer_test

import (
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
)

// loopBody is (i, cond, v) -> (cond, v + x, Relu(v)), reading x from the
// enclosing graph. typed says whether its inputs' values are set.
func loopBody(typed bool) *graph.Graph {
	b := graph.New("body")
	b.Inputs = []string{"i", "cond_in", "v"}
	if typed {
		b.SetValue("i", graph.Int64, sh(""))
		b.SetValue("cond_in", graph.Bool, sh(""))
		b.SetValue("v", graph.Float, sh("N,3"))
	}
	b.AddNode(&graph.Node{Name: "add", Op: "Add", Inputs: []string{"v", "x"}, Outputs: []string{"v2"}})
	b.AddNode(&graph.Node{Name: "relu", Op: "Relu", Inputs: []string{"v"}, Outputs: []string{"r"}})
	b.AddNode(&graph.Node{Name: "id", Op: "Identity", Inputs: []string{"cond_in"}, Outputs: []string{"cond_out"}})
	b.Outputs = []string{"cond_out", "v2", "r"}
	return b
}

func TestLoop(t *testing.T) {
	cases := []struct {
		name   string
		inputs []string
		typed  bool
		consts map[string]*graph.Tensor
		want   []string
	}{
		{"for loop", []string{"m", "", "v0"}, true, map[string]*graph.Tensor{"m": graph.ScalarInt64(5)}, []string{"[N,3]", "[5,N,3]"}},
		{"while loop", []string{"", "c", "v0"}, true, nil, []string{"[N,3]", "[?,N,3]"}},
		{"cond passed through", []string{"m", "t", "v0"}, true,
			map[string]*graph.Tensor{"m": graph.ScalarInt64(4), "t": graph.NewIntTensor(graph.Bool, nil, []int64{1})}, []string{"[N,3]", "[4,N,3]"}},
		{"untyped body", []string{"m", "", "v0"}, false, map[string]*graph.Tensor{"m": graph.ScalarInt64(5)}, []string{"[*]", "[*]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := graph.New("t")
			g.SetValue("x", graph.Float, sh("N,3"))
			g.SetValue("v0", graph.Float, sh("N,3"))
			g.SetValue("c", graph.Bool, sh(""))
			for k, v := range tc.consts {
				g.SetConst(k, v)
			}
			body := loopBody(tc.typed)
			n := &graph.Node{Name: "n", Op: "Loop", Inputs: tc.inputs, Outputs: []string{"y0", "y1"},
				Attrs: map[string]any{"body": body}}
			if err := infer.Node(g, n, 17); err != nil {
				t.Fatal(err)
			}
			checkOutputs(t, g, n, tc.want, []graph.DType{graph.Float, graph.Float})
			if v := body.Values["v2"]; v == nil || v.DType != graph.Float {
				t.Errorf("body not inferred: %v", v)
			}
		})
	}
}

func TestLoopCarriedShapeChanges(t *testing.T) {
	// The body grows v along axis 0: the loop output may be either size.
	b := graph.New("body")
	b.Inputs = []string{"i", "c", "v"}
	b.SetValue("i", graph.Int64, sh(""))
	b.SetValue("c", graph.Bool, sh(""))
	b.SetValue("v", graph.Float, sh("?,3"))
	b.AddNode(&graph.Node{Name: "cat", Op: "Concat", Inputs: []string{"v", "v"}, Outputs: []string{"v2"}, Attrs: map[string]any{"axis": int64(0)}})
	b.Outputs = []string{"c", "v2"}
	g := graph.New("t")
	g.SetValue("v0", graph.Float, sh("2,3"))
	g.SetValue("m", graph.Int64, sh(""))
	n := &graph.Node{Name: "n", Op: "Loop", Inputs: []string{"m", "", "v0"}, Outputs: []string{"y"}, Attrs: map[string]any{"body": b}}
	if err := infer.Node(g, n, 17); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, g, n, []string{"[?,3]"}, nil)
}

func TestIf(t *testing.T) {
	mk := func() (*graph.Graph, *graph.Node) {
		g := graph.New("t")
		g.SetValue("x", graph.Float, sh("N,1,1"))
		g.SetValue("c", graph.Bool, sh(""))
		thenB := graph.New("then")
		thenB.AddNode(&graph.Node{Name: "t", Op: "Expand", Inputs: []string{"x", "ts"}, Outputs: []string{"to"}})
		thenB.SetConst("ts", ints(1, 3, 4))
		thenB.Outputs = []string{"to"}
		elseB := graph.New("else")
		elseB.AddNode(&graph.Node{Name: "e", Op: "Expand", Inputs: []string{"x", "es"}, Outputs: []string{"eo"}})
		elseB.SetConst("es", ints(1, 3, 5))
		elseB.Outputs = []string{"eo"}
		return g, &graph.Node{Name: "n", Op: "If", Inputs: []string{"c"}, Outputs: []string{"y"},
			Attrs: map[string]any{"then_branch": thenB, "else_branch": elseB}}
	}
	g, n := mk()
	if err := infer.Node(g, n, 17); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, g, n, []string{"[N,3,?]"}, []graph.DType{graph.Float})

	g, n = mk()
	g.SetConst("c", graph.NewIntTensor(graph.Bool, nil, []int64{1}))
	if err := infer.Node(g, n, 17); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, g, n, []string{"[N,3,4]"}, nil)

	// An error inside a branch names the If node and the branch.
	g, n = mk()
	n.Attrs["else_branch"].(*graph.Graph).SetConst("es", ints(2, 3, 5))
	g.SetValue("x", graph.Float, sh("3,1,1"))
	err := infer.Node(g, n, 17)
	if err == nil || !strings.Contains(err.Error(), `"n" (If) else_branch`) || !strings.Contains(err.Error(), `"e"`) {
		t.Fatalf("got %v", err)
	}
}

func TestScan(t *testing.T) {
	mk := func(outAxes []int64) (*graph.Graph, *graph.Node, *graph.Graph) {
		b := graph.New("body")
		b.Inputs = []string{"s", "xt"}
		b.SetValue("s", graph.Float, sh("3")) // xt is left for Scan to type
		b.AddNode(&graph.Node{Name: "sum", Op: "ReduceSum", Inputs: []string{"xt", "ax"}, Outputs: []string{"rs"},
			Attrs: map[string]any{"keepdims": int64(0)}})
		b.SetConst("ax", ints(0))
		b.AddNode(&graph.Node{Name: "acc", Op: "Add", Inputs: []string{"s", "rs"}, Outputs: []string{"s2"}})
		b.AddNode(&graph.Node{Name: "relu", Op: "Relu", Inputs: []string{"xt"}, Outputs: []string{"y"}})
		b.Outputs = []string{"s2", "y"}
		g := graph.New("t")
		g.SetValue("s0", graph.Float, sh("3"))
		g.SetValue("x", graph.Float, sh("T,N,3"))
		attrs := map[string]any{"body": b, "num_scan_inputs": int64(1)}
		if outAxes != nil {
			attrs["scan_output_axes"] = outAxes
		}
		return g, &graph.Node{Name: "n", Op: "Scan", Inputs: []string{"s0", "x"}, Outputs: []string{"o0", "o1"}, Attrs: attrs}, b
	}
	g, n, b := mk(nil)
	if err := infer.Node(g, n, 17); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, g, n, []string{"[3]", "[T,N,3]"}, []graph.DType{graph.Float, graph.Float})
	if got := b.Values["xt"].Shape.String(); got != "[N,3]" {
		t.Errorf("scan slice typed as %s", got)
	}
	g, n, _ = mk([]int64{-1})
	if err := infer.Node(g, n, 17); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, g, n, []string{"[3]", "[N,3,T]"}, nil)
}
