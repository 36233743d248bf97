package fold_test

import (
	"math"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestReduce(t *testing.T) {
	x := I(graph.Int64, dims(2, 3), 1, 2, 3, 4, 5, 6)
	fx := F(graph.Float, dims(2, 3), 1, 2, 3, 4, 5, 6)
	no := attrs{"keepdims": int64(0)}
	runFold(t, []fcase{
		{name: "sum axis input", op: "ReduceSum", opset: 13, in: []*graph.Tensor{x, i64(1)}, want: []*graph.Tensor{I(graph.Int64, dims(2, 1), 6, 15)}},
		{name: "sum negative axis no keep", op: "ReduceSum", opset: 13, attrs: no, in: []*graph.Tensor{x, i64(-2)}, want: []*graph.Tensor{i64(5, 7, 9)}},
		{name: "sum all", op: "ReduceSum", opset: 13, attrs: no, in: []*graph.Tensor{x}, want: []*graph.Tensor{graph.ScalarInt64(21)}},
		{name: "sum noop", op: "ReduceSum", opset: 13, attrs: attrs{"noop_with_empty_axes": int64(1)}, in: []*graph.Tensor{x, i64()}, want: []*graph.Tensor{x}},
		{name: "sum attr opset 11", op: "ReduceSum", opset: 11, attrs: attrs{"axes": []int64{0}}, in: []*graph.Tensor{x}, want: []*graph.Tensor{I(graph.Int64, dims(1, 3), 5, 7, 9)}},
		{name: "prod", op: "ReduceProd", opset: 13, attrs: attrs{"axes": []int64{1}, "keepdims": int64(0)}, in: []*graph.Tensor{x}, want: []*graph.Tensor{i64(6, 120)}},
		{name: "max float", op: "ReduceMax", opset: 18, attrs: no, in: []*graph.Tensor{fx, i64(0)}, want: []*graph.Tensor{f32(4, 5, 6)}},
		{name: "max nan", op: "ReduceMax", attrs: no, in: []*graph.Tensor{f32(1, math.NaN(), 3)}, want: []*graph.Tensor{F(graph.Float, nil, math.NaN())}},
		{name: "min int", op: "ReduceMin", attrs: attrs{"axes": []int64{1}, "keepdims": int64(0)}, in: []*graph.Tensor{x}, want: []*graph.Tensor{i64(1, 4)}},
		{name: "mean float", op: "ReduceMean", attrs: attrs{"axes": []int64{1}, "keepdims": int64(0)}, in: []*graph.Tensor{fx}, want: []*graph.Tensor{f32(2, 5)}},
		{name: "mean int truncates", op: "ReduceMean", attrs: no, in: []*graph.Tensor{i64(-1, -2)}, want: []*graph.Tensor{graph.ScalarInt64(-1)}},
		{name: "max of empty", op: "ReduceMax", attrs: no, in: []*graph.Tensor{i32()}, want: []*graph.Tensor{I(graph.Int32, nil, math.MinInt32)}},
		{name: "sum of empty", op: "ReduceSum", attrs: no, in: []*graph.Tensor{f32()}, want: []*graph.Tensor{F(graph.Float, nil, 0)}},
		{name: "sum int32 wraps", op: "ReduceSum", attrs: no, in: []*graph.Tensor{i32(math.MaxInt32, 1)}, want: []*graph.Tensor{I(graph.Int32, nil, math.MinInt32)}},
		{name: "bad axis", op: "ReduceSum", in: []*graph.Tensor{x, i64(2)}, err: "out of range"},
	})
}

func TestCumSum(t *testing.T) {
	x := I(graph.Int64, dims(2, 3), 1, 2, 3, 4, 5, 6)
	runFold(t, []fcase{
		{name: "axis 1", op: "CumSum", in: []*graph.Tensor{x, graph.ScalarInt64(1)}, want: []*graph.Tensor{I(graph.Int64, dims(2, 3), 1, 3, 6, 4, 9, 15)}},
		{name: "axis 0 int32 axis", op: "CumSum", in: []*graph.Tensor{x, I(graph.Int32, nil, 0)}, want: []*graph.Tensor{I(graph.Int64, dims(2, 3), 1, 2, 3, 5, 7, 9)}},
		{name: "exclusive", op: "CumSum", attrs: attrs{"exclusive": int64(1)}, in: []*graph.Tensor{i64(1, 2, 3), graph.ScalarInt64(0)}, want: []*graph.Tensor{i64(0, 1, 3)}},
		{name: "reverse", op: "CumSum", attrs: attrs{"reverse": int64(1)}, in: []*graph.Tensor{i64(1, 2, 3), graph.ScalarInt64(0)}, want: []*graph.Tensor{i64(6, 5, 3)}},
		{name: "reverse exclusive float", op: "CumSum", attrs: attrs{"reverse": int64(1), "exclusive": int64(1)}, in: []*graph.Tensor{f32(1, 2, 3), graph.ScalarInt64(-1)},
			want: []*graph.Tensor{f32(5, 3, 0)}},
	})
}
