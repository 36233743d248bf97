package infer_test

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestReshape(t *testing.T) {
	runCases(t, []tcase{
		{name: "infer -1", op: "Reshape", in: []string{"2,3,4", "c"}, consts: map[int]*graph.Tensor{1: ints(4, -1)}, want: []string{"[4,6]"}},
		{name: "copy 0 and infer", op: "Reshape", in: []string{"N,3,4", "c"}, consts: map[int]*graph.Tensor{1: ints(0, -1)}, want: []string{"[N,12]"}},
		{name: "symbolic -1", op: "Reshape", in: []string{"N,3,4", "c"}, consts: map[int]*graph.Tensor{1: ints(-1, 12)}, want: []string{"[N,12]"}},
		{name: "symbolic -1 partial", op: "Reshape", in: []string{"N,3,4", "c"}, consts: map[int]*graph.Tensor{1: ints(-1, 6)}, want: []string{"[?,6]"}},
		{name: "cancel copied dim", op: "Reshape", in: []string{"?,T,6", "c"}, consts: map[int]*graph.Tensor{1: ints(0, 0, 2, -1)}, want: []string{"[?,T,2,3]"}},
		{name: "allowzero", op: "Reshape", in: []string{"0,3", "c"}, consts: map[int]*graph.Tensor{1: ints(3, 0)}, attrs: attrs{"allowzero": int64(1)}, opset: 14, want: []string{"[3,0]"}},
		{name: "zero copies before 14", op: "Reshape", in: []string{"2,3", "c"}, consts: map[int]*graph.Tensor{1: ints(0, 3)}, attrs: attrs{"allowzero": int64(1)}, opset: 13, want: []string{"[2,3]"}},
		{name: "non-constant shape of known length", op: "Reshape", in: []string{"N,3", "3"}, dts: map[int]graph.DType{1: graph.Int64}, want: []string{"[?,?,?]"}},
		{name: "non-constant shape of unknown length", op: "Reshape", in: []string{"N,3", "?"}, want: []string{"[*]"}},
		{name: "element mismatch", op: "Reshape", in: []string{"2,3,4", "c"}, consts: map[int]*graph.Tensor{1: ints(5, 5)}, err: "cannot reshape"},
		{name: "indivisible", op: "Reshape", in: []string{"2,3,4", "c"}, consts: map[int]*graph.Tensor{1: ints(5, -1)}, err: "divide"},
		{name: "two -1", op: "Reshape", in: []string{"2,3", "c"}, consts: map[int]*graph.Tensor{1: ints(-1, -1)}, err: "more than one -1"},
		{name: "copy past rank", op: "Reshape", in: []string{"6", "c"}, consts: map[int]*graph.Tensor{1: ints(2, 0)}, err: "copies dim 1"},
	})
}

func TestFlattenTransposeSqueeze(t *testing.T) {
	c := func(v ...int64) map[int]*graph.Tensor { return map[int]*graph.Tensor{1: ints(v...)} }
	runCases(t, []tcase{
		{name: "flatten", op: "Flatten", in: []string{"N,3,4"}, want: []string{"[N,12]"}},
		{name: "flatten axis 0", op: "Flatten", in: []string{"N,3"}, attrs: attrs{"axis": int64(0)}, want: []string{"[1,?]"}},
		{name: "flatten negative axis", op: "Flatten", in: []string{"2,3,4,5"}, attrs: attrs{"axis": int64(-1)}, want: []string{"[24,5]"}},
		{name: "flatten keeps name with ones", op: "Flatten", in: []string{"1,1,N,7"}, attrs: attrs{"axis": int64(3)}, want: []string{"[N,7]"}},
		{name: "flatten bad axis", op: "Flatten", in: []string{"2,3"}, attrs: attrs{"axis": int64(3)}, err: "out of range"},
		{name: "transpose default", op: "Transpose", in: []string{"N,3,4"}, want: []string{"[4,3,N]"}},
		{name: "transpose perm", op: "Transpose", in: []string{"N,H,W,C"}, attrs: attrs{"perm": []int64{0, 3, 1, 2}}, want: []string{"[N,C,H,W]"}},
		{name: "transpose bad perm", op: "Transpose", in: []string{"2,3"}, attrs: attrs{"perm": []int64{0, 0}}, err: "permutation"},
		{name: "squeeze attr opset 11", op: "Squeeze", in: []string{"N,1,3,1"}, attrs: attrs{"axes": []int64{1, -1}}, opset: 11, want: []string{"[N,3]"}},
		{name: "squeeze input opset 13", op: "Squeeze", in: []string{"N,1,3,1", "c"}, consts: c(1), opset: 13, want: []string{"[N,3,1]"}},
		{name: "squeeze all ones", op: "Squeeze", in: []string{"1,3,1"}, opset: 13, want: []string{"[3]"}},
		{name: "squeeze no axes unknown dim", op: "Squeeze", in: []string{"1,N"}, opset: 13, want: []string{"[*]"}},
		{name: "squeeze non-1", op: "Squeeze", in: []string{"2,3", "c"}, consts: c(0), opset: 13, err: "cannot squeeze"},
		{name: "unsqueeze attr", op: "Unsqueeze", in: []string{"N,3"}, attrs: attrs{"axes": []int64{0, 3}}, opset: 11, want: []string{"[1,N,3,1]"}},
		{name: "unsqueeze input negative", op: "Unsqueeze", in: []string{"N,3", "c"}, consts: c(-1), opset: 13, want: []string{"[N,3,1]"}},
		{name: "unsqueeze scalar", op: "Unsqueeze", in: []string{"", "c"}, consts: c(0), opset: 13, want: []string{"[1]"}},
		{name: "unsqueeze repeated", op: "Unsqueeze", in: []string{"3", "c"}, consts: c(0, 0), opset: 13, err: "repeat"},
		{name: "unsqueeze non-constant axes", op: "Unsqueeze", in: []string{"N,3", "2"}, opset: 13, want: []string{"[?,?,?,?]"}},
	})
}

func TestExpandTile(t *testing.T) {
	c := func(v ...int64) map[int]*graph.Tensor { return map[int]*graph.Tensor{1: ints(v...)} }
	runCases(t, []tcase{
		{name: "expand", op: "Expand", in: []string{"3,1", "c"}, consts: c(2, 1, 6), want: []string{"[2,3,6]"}},
		{name: "expand keeps name", op: "Expand", in: []string{"N,1", "c"}, consts: c(1, 4), want: []string{"[N,4]"}},
		{name: "expand bad", op: "Expand", in: []string{"3", "c"}, consts: c(4), err: "broadcast"},
		{name: "expand non-constant", op: "Expand", in: []string{"3,1", "3"}, want: []string{"[?,3,?]"}},
		{name: "tile", op: "Tile", in: []string{"N,3", "c"}, consts: c(1, 2), want: []string{"[N,6]"}},
		{name: "tile bad length", op: "Tile", in: []string{"2,3", "c"}, consts: c(2), err: "repeats"},
		{name: "tile non-constant", op: "Tile", in: []string{"2,3", "2"}, want: []string{"[?,?]"}},
		{name: "depth to space", op: "DepthToSpace", in: []string{"N,16,H,5"}, attrs: attrs{"blocksize": int64(2)}, want: []string{"[N,4,?,10]"}},
		{name: "space to depth", op: "SpaceToDepth", in: []string{"1,3,8,6"}, attrs: attrs{"blocksize": int64(2)}, want: []string{"[1,12,4,3]"}},
		{name: "space to depth indivisible", op: "SpaceToDepth", in: []string{"1,3,7,6"}, attrs: attrs{"blocksize": int64(2)}, err: "divide"},
	})
}
