package infer_test

import (
	"math"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestConcatSplit(t *testing.T) {
	c1 := func(v ...int64) map[int]*graph.Tensor { return map[int]*graph.Tensor{1: ints(v...)} }
	runCases(t, []tcase{
		{name: "concat axis 1", op: "Concat", in: []string{"N,3", "N,5"}, attrs: attrs{"axis": int64(1)}, want: []string{"[N,8]"}},
		{name: "concat negative axis", op: "Concat", in: []string{"2,3", "4,3", "1,3"}, attrs: attrs{"axis": int64(-2)}, want: []string{"[7,3]"}},
		{name: "concat unknown along axis", op: "Concat", in: []string{"N,3", "2,3"}, attrs: attrs{"axis": int64(0)}, want: []string{"[?,3]"}},
		{name: "concat fills unknown off axis", op: "Concat", in: []string{"?,3", "4,N"}, attrs: attrs{"axis": int64(0)}, want: []string{"[?,3]"}},
		{name: "concat single input keeps name", op: "Concat", in: []string{"N,3"}, attrs: attrs{"axis": int64(0)}, want: []string{"[N,3]"}},
		{name: "concat unknown rank input", op: "Concat", in: []string{"2,3", "*"}, attrs: attrs{"axis": int64(0)}, want: []string{"[?,3]"}},
		{name: "concat mismatch", op: "Concat", in: []string{"2,3", "2,4"}, attrs: attrs{"axis": int64(0)}, err: "differ off the concat axis"},
		{name: "concat rank mismatch", op: "Concat", in: []string{"2,3", "2"}, attrs: attrs{"axis": int64(0)}, err: "rank"},
		{name: "split equal", op: "Split", in: []string{"N,6"}, attrs: attrs{"axis": int64(1)}, want: []string{"[N,2]", "[N,2]", "[N,2]"}},
		{name: "split attr opset 11", op: "Split", in: []string{"10,N"}, attrs: attrs{"split": []int64{3, 7}}, opset: 11, want: []string{"[3,N]", "[7,N]"}},
		{name: "split input opset 13", op: "Split", in: []string{"10", "s"}, consts: c1(4, 6), opset: 13, want: []string{"[4]", "[6]"}},
		{name: "split num_outputs uneven", op: "Split", in: []string{"10"}, attrs: attrs{"num_outputs": int64(3)}, opset: 18, want: []string{"[4]", "[4]", "[2]"}},
		{name: "split bad sum", op: "Split", in: []string{"10", "s"}, consts: c1(4, 5), opset: 13, want: []string{"", ""}, err: "add up"},
		{name: "split uneven without sizes", op: "Split", in: []string{"10"}, opset: 13, nout: 3, err: "evenly"},
		{name: "split unknown dim", op: "Split", in: []string{"N"}, want: []string{"[?]", "[?]"}},
	})
}

func TestSlice(t *testing.T) {
	big := int64(math.MaxInt64)
	sl := func(starts, ends, axes, steps []int64) map[int]*graph.Tensor {
		m := map[int]*graph.Tensor{1: ints(starts...), 2: ints(ends...)}
		if axes != nil {
			m[3] = ints(axes...)
		}
		if steps != nil {
			m[4] = ints(steps...)
		}
		return m
	}
	runCases(t, []tcase{
		{name: "basic", op: "Slice", in: []string{"N,10", "s", "e", "a"}, consts: sl([]int64{2}, []int64{5}, []int64{1}, nil), want: []string{"[N,3]"}},
		{name: "default axes", op: "Slice", in: []string{"10,8", "s", "e"}, consts: sl([]int64{1, 0}, []int64{-1, 4}, nil, nil), want: []string{"[8,4]"}},
		{name: "clamped", op: "Slice", in: []string{"10", "s", "e"}, consts: sl([]int64{-100}, []int64{100}, nil, nil), want: []string{"[10]"}},
		{name: "negative step reverse", op: "Slice", in: []string{"10", "s", "e", "a", "p"}, consts: sl([]int64{-1}, []int64{-big}, []int64{0}, []int64{-1}), want: []string{"[10]"}},
		{name: "negative step 2", op: "Slice", in: []string{"10", "s", "e", "a", "p"}, consts: sl([]int64{8}, []int64{1}, []int64{0}, []int64{-2}), want: []string{"[4]"}},
		{name: "step 3", op: "Slice", in: []string{"10", "s", "e", "a", "p"}, consts: sl([]int64{0}, []int64{10}, []int64{0}, []int64{3}), want: []string{"[4]"}},
		{name: "empty", op: "Slice", in: []string{"10", "s", "e"}, consts: sl([]int64{5}, []int64{2}, nil, nil), want: []string{"[0]"}},
		{name: "whole unknown keeps name", op: "Slice", in: []string{"N,T", "s", "e", "a"}, consts: sl([]int64{0}, []int64{big}, []int64{1}, nil), want: []string{"[N,T]"}},
		{name: "reverse unknown keeps name", op: "Slice", in: []string{"N,T", "s", "e", "a", "p"}, consts: sl([]int64{-1}, []int64{-big}, []int64{-1}, []int64{-1}), want: []string{"[N,T]"}},
		{name: "partial unknown", op: "Slice", in: []string{"N,T", "s", "e", "a"}, consts: sl([]int64{1}, []int64{big}, []int64{1}, nil), want: []string{"[N,?]"}},
		{name: "non-constant starts", op: "Slice", in: []string{"N,4,5", "2", "e", "a"}, consts: map[int]*graph.Tensor{2: ints(3, 3), 3: ints(1, 2)}, want: []string{"[N,?,?]"}},
		{name: "non-constant starts of unknown length", op: "Slice", in: []string{"N,4", "?", "?"}, want: []string{"[?,?]"}},
		{name: "non-constant starts of known length", op: "Slice", in: []string{"N,4", "1", "1"}, want: []string{"[?,4]"}},
		{name: "non-constant axes", op: "Slice", in: []string{"N,4", "s", "e", "1"}, consts: sl([]int64{0}, []int64{1}, nil, nil), want: []string{"[?,?]"}},
		{name: "attrs opset 9", op: "Slice", in: []string{"6,7"}, attrs: attrs{"starts": []int64{1}, "ends": []int64{3}, "axes": []int64{1}}, opset: 9, want: []string{"[6,2]"}},
		{name: "zero step", op: "Slice", in: []string{"10", "s", "e", "a", "p"}, consts: sl([]int64{0}, []int64{1}, []int64{0}, []int64{0}), err: "step 0"},
		{name: "repeated axis", op: "Slice", in: []string{"10", "s", "e", "a"}, consts: sl([]int64{0, 0}, []int64{1, 1}, []int64{0, 0}, nil), err: "repeat"},
	})
}

func TestGatherPadTopK(t *testing.T) {
	i64 := graph.Int64
	runCases(t, []tcase{
		{name: "gather", op: "Gather", in: []string{"V,D", "N,T"}, dts: map[int]graph.DType{1: i64}, want: []string{"[N,T,D]"}},
		{name: "gather axis 1 scalar", op: "Gather", in: []string{"A,B,C", ""}, attrs: attrs{"axis": int64(1)}, want: []string{"[A,C]"}},
		{name: "gather bad axis", op: "Gather", in: []string{"A,B", "2"}, attrs: attrs{"axis": int64(2)}, err: "out of range"},
		{name: "gather elements", op: "GatherElements", in: []string{"3,4", "3,2"}, want: []string{"[3,2]"}},
		{name: "gather nd", op: "GatherND", in: []string{"2,3,4", "5,2"}, want: []string{"[5,4]"}},
		{name: "gather nd batch", op: "GatherND", in: []string{"B,3,4", "B,5,1"}, attrs: attrs{"batch_dims": int64(1)}, want: []string{"[B,5,4]"}},
		{name: "scatter nd", op: "ScatterND", in: []string{"N,4", "2,1", "2,4"}, want: []string{"[N,4]"}},
		{name: "pad", op: "Pad", in: []string{"N,3,H,W", "p"}, consts: map[int]*graph.Tensor{1: ints(0, 0, 1, 2, 0, 0, 1, 2)}, want: []string{"[N,3,?,?]"}},
		{name: "pad known", op: "Pad", in: []string{"1,3,5,5", "p", "-"}, consts: map[int]*graph.Tensor{1: ints(0, 0, 1, -1, 0, 0, 1, 3)}, want: []string{"[1,3,7,7]"}},
		{name: "pad axes opset 18", op: "Pad", in: []string{"N,5", "p", "-", "a"}, consts: map[int]*graph.Tensor{1: ints(2, 3), 3: ints(-1)}, opset: 18, want: []string{"[N,10]"}},
		{name: "pad attr opset 10", op: "Pad", in: []string{"2,2"}, attrs: attrs{"pads": []int64{1, 1, 1, 1}}, opset: 10, want: []string{"[4,4]"}},
		{name: "pad non-constant", op: "Pad", in: []string{"2,2", "4"}, want: []string{"[?,?]"}},
		{name: "pad too negative", op: "Pad", in: []string{"2", "p"}, consts: map[int]*graph.Tensor{1: ints(-2, -1)}, err: "remove more"},
		{name: "topk", op: "TopK", in: []string{"N,10", "k"}, consts: map[int]*graph.Tensor{1: ints(3)}, want: []string{"[N,3]", "[N,3]"}, wantDT: []graph.DType{graph.Float, i64}},
		{name: "topk non-constant k", op: "TopK", in: []string{"N,10", "1"}, attrs: attrs{"axis": int64(0)}, want: []string{"[?,10]", "[?,10]"}},
		{name: "topk too large", op: "TopK", in: []string{"N,10", "k"}, consts: map[int]*graph.Tensor{1: ints(11)}, nout: 2, err: "exceeds"},
		{name: "cumsum", op: "CumSum", in: []string{"N,3", ""}, want: []string{"[N,3]"}},
		{name: "trilu", op: "Trilu", in: []string{"B,4,4"}, want: []string{"[B,4,4]"}},
	})
}
