package infer_test

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestReduce(t *testing.T) {
	ax := func(v ...int64) map[int]*graph.Tensor { return map[int]*graph.Tensor{1: ints(v...)} }
	runCases(t, []tcase{
		{name: "sum input 13", op: "ReduceSum", in: []string{"N,3,4", "a"}, consts: ax(1), opset: 13, want: []string{"[N,1,4]"}},
		{name: "sum keepdims 0", op: "ReduceSum", in: []string{"N,3,4", "a"}, consts: ax(-1, 1), attrs: attrs{"keepdims": int64(0)}, opset: 13, want: []string{"[N]"}},
		{name: "sum attr 11", op: "ReduceSum", in: []string{"N,3,4"}, attrs: attrs{"axes": []int64{0}, "keepdims": int64(0)}, opset: 11, want: []string{"[3,4]"}},
		{name: "sum no axes reduces all", op: "ReduceSum", in: []string{"N,3"}, opset: 13, want: []string{"[1,1]"}},
		{name: "sum empty axes noop", op: "ReduceSum", in: []string{"N,3", "a"}, consts: ax(), attrs: attrs{"noop_with_empty_axes": int64(1)}, opset: 13, want: []string{"[N,3]"}},
		{name: "mean attr at 17", op: "ReduceMean", in: []string{"N,3,4"}, attrs: attrs{"axes": []int64{2}}, opset: 17, want: []string{"[N,3,1]"}},
		{name: "mean input at 18", op: "ReduceMean", in: []string{"N,3,4", "a"}, consts: ax(2), attrs: attrs{"keepdims": int64(0)}, opset: 18, want: []string{"[N,3]"}},
		{name: "max all no keep", op: "ReduceMax", in: []string{"N,3"}, attrs: attrs{"keepdims": int64(0)}, want: []string{"[]"}},
		{name: "non-constant axes keepdims", op: "ReduceProd", in: []string{"N,1,4", "1"}, opset: 18, want: []string{"[?,1,?]"}},
		{name: "non-constant axes drop", op: "ReduceL2", in: []string{"N,1,4", "2"}, attrs: attrs{"keepdims": int64(0)}, opset: 18, want: []string{"[?]"}},
		{name: "bad axis", op: "ReduceMin", in: []string{"N,3"}, attrs: attrs{"axes": []int64{2}}, opset: 13, err: "out of range"},
		{name: "logsumexp", op: "ReduceLogSumExp", in: []string{"N,3"}, attrs: attrs{"axes": []int64{1}}, opset: 13, want: []string{"[N,1]"}},
		{name: "argmax", op: "ArgMax", in: []string{"N,3,4"}, attrs: attrs{"axis": int64(-1)}, want: []string{"[N,3,1]"}, wantDT: []graph.DType{graph.Int64}},
		{name: "argmin no keep", op: "ArgMin", in: []string{"N,3,4"}, attrs: attrs{"axis": int64(1), "keepdims": int64(0)}, want: []string{"[N,4]"}},
	})
}

func TestResize(t *testing.T) {
	runCases(t, []tcase{
		{name: "scales", op: "Resize", in: []string{"N,3,5,7", "-", "s"}, consts: map[int]*graph.Tensor{2: floats(1, 1, 2, 0.5)}, want: []string{"[N,3,10,3]"}},
		{name: "sizes", op: "Resize", in: []string{"N,3,5,7", "", "-", "z"}, consts: map[int]*graph.Tensor{3: ints(1, 3, 20, 30)}, want: []string{"[1,3,20,30]"}},
		{name: "empty scales uses sizes", op: "Resize", in: []string{"N,3,5,7", "r", "s", "z"},
			consts: map[int]*graph.Tensor{1: floats(), 2: floats(), 3: ints(2, 3, 8, 8)}, want: []string{"[2,3,8,8]"}},
		{name: "axes opset 18", op: "Resize", in: []string{"N,3,5,7", "-", "s"}, consts: map[int]*graph.Tensor{2: floats(3, 2)},
			attrs: attrs{"axes": []int64{2, 3}}, opset: 18, want: []string{"[N,3,15,14]"}},
		{name: "not_larger", op: "Resize", in: []string{"1,3,4,8", "-", "-", "z"}, consts: map[int]*graph.Tensor{3: ints(8, 8)},
			attrs: attrs{"axes": []int64{2, 3}, "keep_aspect_ratio_policy": "not_larger"}, opset: 18, want: []string{"[1,3,4,8]"}},
		{name: "not_smaller", op: "Resize", in: []string{"1,3,4,8", "-", "-", "z"}, consts: map[int]*graph.Tensor{3: ints(8, 8)},
			attrs: attrs{"axes": []int64{2, 3}, "keep_aspect_ratio_policy": "not_smaller"}, opset: 18, want: []string{"[1,3,8,16]"}},
		{name: "non-constant scales", op: "Resize", in: []string{"N,3,5,7", "-", "4"}, want: []string{"[?,?,?,?]"}},
		{name: "upsample", op: "Upsample", in: []string{"1,3,5,7", "s"}, consts: map[int]*graph.Tensor{1: floats(1, 1, 2, 2)}, opset: 9, want: []string{"[1,3,10,14]"}},
		{name: "scales length", op: "Resize", in: []string{"1,3,5,7", "-", "s"}, consts: map[int]*graph.Tensor{2: floats(2, 2)}, err: "scales"},
	})
}

func TestRNN(t *testing.T) {
	runCases(t, []tcase{
		{name: "lstm forward", op: "LSTM", in: []string{"T,N,16", "1,128,16", "1,128,32"}, attrs: attrs{"hidden_size": int64(32)},
			want: []string{"[T,1,N,32]", "[1,N,32]", "[1,N,32]"}},
		{name: "lstm hidden from R", op: "LSTM", in: []string{"T,N,16", "2,128,16", "2,128,32"}, attrs: attrs{"direction": "bidirectional"},
			want: []string{"[T,2,N,32]", "[2,N,32]", "[2,N,32]"}},
		{name: "gru layout 1", op: "GRU", in: []string{"N,T,16", "1,24,16", "1,24,8"}, attrs: attrs{"layout": int64(1)}, opset: 14,
			want: []string{"[N,T,1,8]", "[N,1,8]"}},
		{name: "rnn", op: "RNN", in: []string{"5,2,3", "1,4,3", "1,4,4"}, attrs: attrs{"hidden_size": int64(4)},
			want: []string{"[5,1,2,4]", "[1,2,4]"}},
		{name: "direction mismatch", op: "LSTM", in: []string{"T,N,16", "2,128,16", "2,128,32"}, nout: 1, err: "directions"},
		{name: "gate mismatch", op: "GRU", in: []string{"T,N,16", "1,30,16", "1,24,8"}, attrs: attrs{"hidden_size": int64(8)}, err: "gates"},
	})
}
