package infer_test

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
)

func TestElementwise(t *testing.T) {
	f, b, i64 := graph.Float, graph.Bool, graph.Int64
	runCases(t, []tcase{
		{name: "relu keeps names", op: "Relu", in: []string{"N,3"}, want: []string{"[N,3]"}, wantDT: []graph.DType{f}},
		{name: "unknown rank", op: "Tanh", in: []string{"*"}, want: []string{"[*]"}},
		{name: "leaky relu", op: "LeakyRelu", in: []string{"2,?"}, want: []string{"[2,?]"}},
		{name: "isnan is bool", op: "IsNaN", in: []string{"N,3"}, want: []string{"[N,3]"}, wantDT: []graph.DType{b}},
		{name: "cast int64 attr", op: "Cast", in: []string{"N"}, attrs: map[string]any{"to": int64(graph.Int64)}, want: []string{"[N]"}, wantDT: []graph.DType{i64}},
		{name: "cast DType attr", op: "Cast", in: []string{"N"}, attrs: map[string]any{"to": graph.Int32}, wantDT: []graph.DType{graph.Int32}},
		{name: "cast without to", op: "Cast", in: []string{"N"}, err: "to"},
		{name: "castlike", op: "CastLike", in: []string{"N,2", "1"}, dts: map[int]graph.DType{1: graph.Double}, want: []string{"[N,2]"}, wantDT: []graph.DType{graph.Double}},
		{name: "broadcast N,1 x 1,5", op: "Add", in: []string{"N,1", "1,5"}, want: []string{"[N,5]"}, wantDT: []graph.DType{f}},
		{name: "broadcast rank", op: "Mul", in: []string{"2,3,4", "4"}, want: []string{"[2,3,4]"}},
		{name: "broadcast scalar", op: "Sub", in: []string{"N,3", ""}, want: []string{"[N,3]"}},
		{name: "broadcast same name", op: "Div", in: []string{"N,3", "N,1"}, want: []string{"[N,3]"}},
		{name: "broadcast different names", op: "Add", in: []string{"N", "M"}, want: []string{"[?]"}},
		{name: "broadcast known wins over unknown", op: "Add", in: []string{"N", "5"}, want: []string{"[5]"}},
		{name: "broadcast 1 and unknown", op: "Add", in: []string{"N", "1"}, want: []string{"[N]"}},
		{name: "broadcast 3 vs 4", op: "Add", in: []string{"3", "4"}, err: "broadcast"},
		{name: "broadcast unknown rank", op: "Add", in: []string{"*", "4"}, want: []string{"[*]"}},
		{name: "pow takes base type", op: "Pow", in: []string{"3", "1"}, dts: map[int]graph.DType{0: graph.Int32}, wantDT: []graph.DType{graph.Int32}},
		{name: "sum variadic", op: "Sum", in: []string{"3,1,1", "1,4,1", "5"}, want: []string{"[3,4,5]"}},
		{name: "max variadic error", op: "Max", in: []string{"3", "3", "2"}, err: "broadcast"},
		{name: "equal is bool", op: "Equal", in: []string{"N,1", "4"}, want: []string{"[N,4]"}, wantDT: []graph.DType{b}},
		{name: "greater bool", op: "GreaterOrEqual", in: []string{"2", "2"}, wantDT: []graph.DType{b}},
		{name: "and", op: "And", in: []string{"2,1", "3"}, dts: map[int]graph.DType{0: b, 1: b}, want: []string{"[2,3]"}, wantDT: []graph.DType{b}},
		{name: "prelu slope fills", op: "PRelu", in: []string{"N,?,H,W", "8,1,1"}, want: []string{"[N,8,H,W]"}},
		{name: "where", op: "Where", in: []string{"N,1", "1,5", ""}, dts: map[int]graph.DType{0: b, 1: graph.Int64, 2: graph.Int64}, want: []string{"[N,5]"}, wantDT: []graph.DType{i64}},
		{name: "clip with omitted min", op: "Clip", in: []string{"N,3", "-", ""}, want: []string{"[N,3]"}},
	})
}

func TestUnknownOpsLeaveOutputsUnset(t *testing.T) {
	for _, n := range []*graph.Node{
		{Name: "n", Op: "NoSuchOp", Inputs: []string{"x"}, Outputs: []string{"y"}},
		{Name: "n", Op: "Relu", Domain: "com.microsoft", Inputs: []string{"x"}, Outputs: []string{"y"}},
		{Name: "n", Op: "Relu", Domain: graph.DomainTF, Inputs: []string{"x"}, Outputs: []string{"y"}},
	} {
		g := graph.New("t")
		g.SetValue("x", graph.Float, sh("2"))
		if err := infer.Node(g, n, 17); err != nil {
			t.Fatalf("%s/%s: %v", n.Domain, n.Op, err)
		}
		if g.Values["y"] != nil {
			t.Errorf("%s/%s: output set to %v", n.Domain, n.Op, g.Values["y"])
		}
	}
}

func TestNodeOnGraphLiteral(t *testing.T) {
	// A Graph built without graph.New has nil maps; inference must cope.
	g := &graph.Graph{Consts: map[string]*graph.Tensor{"x": ints(1, 2)}}
	n := &graph.Node{Name: "n", Op: "Neg", Inputs: []string{"x"}, Outputs: []string{"y"}}
	if err := infer.Node(g, n, 17); err != nil {
		t.Fatal(err)
	}
	if v := g.Values["y"]; v == nil || v.Shape.String() != "[2]" || v.DType != graph.Int64 {
		t.Fatalf("got %v", v)
	}
}

func TestGraphRunsInOrder(t *testing.T) {
	g := graph.New("t")
	g.Inputs = []string{"x"}
	g.SetValue("x", graph.Float, sh("N,3,4"))
	g.AddNode(&graph.Node{Name: "c", Op: "Constant", Outputs: []string{"s"},
		Attrs: map[string]any{"value": ints(0, -1)}})
	g.AddNode(&graph.Node{Name: "r", Op: "Reshape", Inputs: []string{"x", "s"}, Outputs: []string{"r"}})
	g.AddNode(&graph.Node{Name: "t", Op: "Transpose", Inputs: []string{"r"}, Outputs: []string{"t"}})
	g.AddNode(&graph.Node{Name: "m", Op: "MatMul", Inputs: []string{"r", "t"}, Outputs: []string{"m"}})
	if err := infer.Graph(g, 17); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"s": "[2]", "r": "[N,12]", "t": "[12,N]", "m": "[N,N]"} {
		if got := g.ShapeOf(name).String(); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	if dt := g.DTypeOf("s"); dt != graph.Int64 {
		t.Errorf("constant dtype %v", dt)
	}
}
