package infer_test

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestGenerate(t *testing.T) {
	i64 := graph.Int64
	runCases(t, []tcase{
		{name: "shape", op: "Shape", in: []string{"N,3,4"}, want: []string{"[3]"}, wantDT: []graph.DType{i64}},
		{name: "shape start end", op: "Shape", in: []string{"N,3,4,5"}, attrs: attrs{"start": int64(1), "end": int64(-1)}, opset: 15, want: []string{"[2]"}},
		{name: "shape start ignored before 15", op: "Shape", in: []string{"N,3,4,5"}, attrs: attrs{"start": int64(1)}, opset: 14, want: []string{"[4]"}},
		{name: "shape unknown rank", op: "Shape", in: []string{"*"}, want: []string{"[?]"}},
		{name: "size", op: "Size", in: []string{"N,3"}, want: []string{"[]"}, wantDT: []graph.DType{i64}},
		{name: "constant of shape", op: "ConstantOfShape", in: []string{"c"}, consts: map[int]*graph.Tensor{0: ints(2, 3)},
			attrs: attrs{"value": graph.NewIntTensor(graph.Int32, []int64{1}, []int64{7})}, want: []string{"[2,3]"}, wantDT: []graph.DType{graph.Int32}},
		{name: "constant of shape default float", op: "ConstantOfShape", in: []string{"3"}, dts: map[int]graph.DType{0: i64},
			want: []string{"[?,?,?]"}, wantDT: []graph.DType{graph.Float}},
		{name: "range int", op: "Range", in: []string{"a", "b", "c"},
			consts: map[int]*graph.Tensor{0: graph.ScalarInt64(10), 1: graph.ScalarInt64(0), 2: graph.ScalarInt64(-3)}, want: []string{"[4]"}, wantDT: []graph.DType{i64}},
		{name: "range float", op: "Range", in: []string{"a", "b", "c"},
			consts: map[int]*graph.Tensor{0: graph.ScalarOf(graph.Float, 0), 1: graph.ScalarOf(graph.Float, 1), 2: graph.ScalarOf(graph.Float, 0.3)}, want: []string{"[4]"}},
		{name: "range empty", op: "Range", in: []string{"a", "b", "c"},
			consts: map[int]*graph.Tensor{0: graph.ScalarInt64(5), 1: graph.ScalarInt64(0), 2: graph.ScalarInt64(1)}, want: []string{"[0]"}},
		{name: "range non-constant", op: "Range", in: []string{"", "", ""}, dts: map[int]graph.DType{0: graph.Int32}, want: []string{"[?]"}, wantDT: []graph.DType{graph.Int32}},
		{name: "range zero delta", op: "Range", in: []string{"a", "b", "c"},
			consts: map[int]*graph.Tensor{0: graph.ScalarInt64(0), 1: graph.ScalarInt64(3), 2: graph.ScalarInt64(0)}, err: "delta"},
		{name: "eyelike dtype", op: "EyeLike", in: []string{"3,N"}, attrs: attrs{"dtype": int64(graph.Int32)}, want: []string{"[3,N]"}, wantDT: []graph.DType{graph.Int32}},
		{name: "nonzero", op: "NonZero", in: []string{"N,3,4"}, want: []string{"[3,?]"}, wantDT: []graph.DType{i64}},
		{name: "onehot last", op: "OneHot", in: []string{"N,5", "d", "2"}, consts: map[int]*graph.Tensor{1: graph.ScalarInt64(10)},
			dts: map[int]graph.DType{0: i64, 2: graph.Int32}, want: []string{"[N,5,10]"}, wantDT: []graph.DType{graph.Int32}},
		{name: "onehot axis 0", op: "OneHot", in: []string{"N", "1", "2"}, attrs: attrs{"axis": int64(0)}, want: []string{"[?,N]"}},
		{name: "constant value_ints", op: "Constant", attrs: attrs{"value_ints": []int64{1, 2, 3}}, want: []string{"[3]"}, wantDT: []graph.DType{i64}},
		{name: "constant value_float", op: "Constant", attrs: attrs{"value_float": float32(1)}, want: []string{"[]"}, wantDT: []graph.DType{graph.Float}},
		{name: "constant tensor", op: "Constant", attrs: attrs{"value": graph.NewTensor(graph.Double, []int64{2, 2}, make([]float64, 4))},
			want: []string{"[2,2]"}, wantDT: []graph.DType{graph.Double}},
		{name: "constant strings", op: "Constant", attrs: attrs{"value_strings": []string{"a", "b"}}, want: []string{"[2]"}, wantDT: []graph.DType{graph.String}},
	})
}
