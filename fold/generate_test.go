package fold_test

import (
	"math"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/fold"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestGenerate(t *testing.T) {
	x := iota64(2, 3, 4)
	s := func(dt graph.DType, v float64) *graph.Tensor { return graph.ScalarOf(dt, v) }
	runFold(t, []fcase{
		{name: "shape", op: "Shape", in: []*graph.Tensor{x}, want: []*graph.Tensor{i64(2, 3, 4)}},
		{name: "shape start end", op: "Shape", opset: 15, attrs: attrs{"start": int64(-2), "end": int64(10)}, in: []*graph.Tensor{x}, want: []*graph.Tensor{i64(3, 4)}},
		{name: "shape of scalar", op: "Shape", in: []*graph.Tensor{graph.ScalarInt64(1)}, want: []*graph.Tensor{i64()}},
		{name: "size", op: "Size", in: []*graph.Tensor{x}, want: []*graph.Tensor{graph.ScalarInt64(24)}},
		{name: "constant of shape default", op: "ConstantOfShape", in: []*graph.Tensor{i64(2)}, want: []*graph.Tensor{f32(0, 0)}},
		{name: "constant of shape value", op: "ConstantOfShape", attrs: attrs{"value": I(graph.Int32, dims(1), 7)}, in: []*graph.Tensor{i64(1, 2)},
			want: []*graph.Tensor{I(graph.Int32, dims(1, 2), 7, 7)}},
		{name: "constant of shape scalar", op: "ConstantOfShape", in: []*graph.Tensor{i64()}, want: []*graph.Tensor{F(graph.Float, nil, 0)}},
		{name: "constant of shape too big", op: "ConstantOfShape", in: []*graph.Tensor{i64(5000, 5000)}, notOK: true},
		{name: "range int", op: "Range", in: []*graph.Tensor{graph.ScalarInt64(10), graph.ScalarInt64(0), graph.ScalarInt64(-3)}, want: []*graph.Tensor{i64(10, 7, 4, 1)}},
		{name: "range int32", op: "Range", in: []*graph.Tensor{s(graph.Int32, 0), s(graph.Int32, 5), s(graph.Int32, 2)}, want: []*graph.Tensor{i32(0, 2, 4)}},
		{name: "range empty", op: "Range", in: []*graph.Tensor{graph.ScalarInt64(3), graph.ScalarInt64(0), graph.ScalarInt64(1)}, want: []*graph.Tensor{i64()}},
		{name: "range float accumulates in float32", op: "Range", in: []*graph.Tensor{s(graph.Float, 0), s(graph.Float, 1), s(graph.Float, 0.3)},
			want: []*graph.Tensor{f32(0, float64(float32(0.3)), float64(float32(0.3)+float32(0.3)), float64(float32(0.3)+float32(0.3)+float32(0.3)))}},
		{name: "range zero delta", op: "Range", in: []*graph.Tensor{graph.ScalarInt64(0), graph.ScalarInt64(1), graph.ScalarInt64(0)}, err: "delta"},
		{name: "range mixed types declines", op: "Range", in: []*graph.Tensor{graph.ScalarInt64(0), s(graph.Int32, 1), graph.ScalarInt64(1)}, notOK: true},
	})
}

func TestCast(t *testing.T) {
	to := func(dt graph.DType) attrs { return attrs{"to": int64(dt)} }
	runFold(t, []fcase{
		{name: "float to int truncates", op: "Cast", attrs: to(graph.Int32), in: []*graph.Tensor{f32(2.7, -2.7, 0.5)}, want: []*graph.Tensor{i32(2, -2, 0)}},
		{name: "DType attr", op: "Cast", attrs: attrs{"to": graph.Int64}, in: []*graph.Tensor{f32(3.9)}, want: []*graph.Tensor{i64(3)}},
		{name: "float to uint8 out of range declines", op: "Cast", attrs: to(graph.Uint8), in: []*graph.Tensor{f32(256)}, notOK: true},
		{name: "nan to int declines", op: "Cast", attrs: to(graph.Int64), in: []*graph.Tensor{f32(math.NaN())}, notOK: true},
		{name: "float to bool", op: "Cast", attrs: to(graph.Bool), in: []*graph.Tensor{f32(0, 0.1, math.NaN())}, want: []*graph.Tensor{bools(0, 1, 1)}},
		{name: "int64 to float32 rounds once", op: "Cast", attrs: to(graph.Float), in: []*graph.Tensor{i64(1<<53+1, 16777217)},
			want: []*graph.Tensor{f32(float64(float32(int64(1<<53+1))), 16777216)}},
		{name: "int to int wraps", op: "Cast", attrs: to(graph.Int8), in: []*graph.Tensor{i64(200, -129)}, want: []*graph.Tensor{I(graph.Int8, dims(2), -56, 127)}},
		{name: "uint64 to double", op: "Cast", attrs: to(graph.Double), in: []*graph.Tensor{I(graph.Uint64, dims(1), -1)},
			want: []*graph.Tensor{F(graph.Double, dims(1), math.MaxUint64)}},
		{name: "bool to float", op: "Cast", attrs: to(graph.Float), in: []*graph.Tensor{bools(1, 0)}, want: []*graph.Tensor{f32(1, 0)}},
		{name: "float to float16", op: "Cast", attrs: to(graph.Float16), in: []*graph.Tensor{f32(1.0009765625, 70000)},
			want: []*graph.Tensor{F(graph.Float16, dims(2), 1.0009765625, math.Inf(1))}},
		{name: "double to float", op: "Cast", attrs: to(graph.Float), in: []*graph.Tensor{F(graph.Double, dims(1), 0.1)}, want: []*graph.Tensor{f32(0.1)}},
		{name: "to string declines", op: "Cast", attrs: to(graph.String), in: []*graph.Tensor{f32(1)}, notOK: true},
	})
}

func TestEvalDeclines(t *testing.T) {
	str := &graph.Tensor{DType: graph.String, Dims: []int64{1}, Strings: [][]byte{[]byte("a")}}
	short := &graph.Tensor{DType: graph.Float, Dims: []int64{3}, Data: make([]byte, 4)}
	for _, tc := range []struct {
		name string
		n    *graph.Node
		in   []*graph.Tensor
	}{
		{"unknown op", &graph.Node{Op: "NoSuchOp"}, []*graph.Tensor{f32(1)}},
		{"other domain", &graph.Node{Op: "Add", Domain: "com.microsoft"}, []*graph.Tensor{f32(1), f32(1)}},
		{"string input", &graph.Node{Op: "Identity"}, []*graph.Tensor{str}},
		{"malformed input", &graph.Node{Op: "Identity"}, []*graph.Tensor{short}},
		{"missing input", &graph.Node{Op: "Add"}, []*graph.Tensor{f32(1), nil}},
		{"bfloat16 math", &graph.Node{Op: "Add"}, []*graph.Tensor{F(graph.BFloat16, dims(1), 1), F(graph.BFloat16, dims(1), 1)}},
	} {
		tc.n.Name = "n"
		tc.n.Outputs = []string{"y"}
		out, ok, err := fold.Eval(tc.n, tc.in, 17)
		if ok || err != nil || out != nil {
			t.Errorf("%s: got %v %v %v", tc.name, out, ok, err)
		}
	}
}

func TestFoldedTensorsDoNotAlias(t *testing.T) {
	x := i64(1, 2)
	out, ok, err := fold.Eval(&graph.Node{Name: "n", Op: "Identity", Outputs: []string{"y"}}, []*graph.Tensor{x}, 17)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	out[0].Data[0] = 9
	if x.Int64s()[0] != 1 {
		t.Fatal("output shares the input's bytes")
	}
}

func TestBigOutputsDecline(t *testing.T) {
	big := &graph.Tensor{DType: graph.Uint8, Dims: []int64{17 << 20}, Data: make([]byte, 17<<20)}
	for _, op := range []string{"Identity", "Cast"} {
		n := &graph.Node{Name: "n", Op: op, Outputs: []string{"y"}, Attrs: map[string]any{"to": int64(graph.Int8)}}
		if _, ok, err := fold.Eval(n, []*graph.Tensor{big}, 17); ok || err != nil {
			t.Errorf("%s: ok=%v err=%v", op, ok, err)
		}
	}
	n := &graph.Node{Name: "n", Op: "Shape", Outputs: []string{"y"}}
	if out, ok, _ := fold.Eval(n, []*graph.Tensor{big}, 17); !ok || out[0].Int64s()[0] != 17<<20 {
		t.Errorf("Shape of a big constant should fold")
	}
}
