package fold_test

import (
	"math"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/fold"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// iota64 is 0..n-1 as an int64 tensor of the given dims.
func iota64(d ...int64) *graph.Tensor {
	n := int64(1)
	for _, v := range d {
		n *= v
	}
	v := make([]int64, n)
	for i := range v {
		v[i] = int64(i)
	}
	return I(graph.Int64, d, v...)
}

func TestReshapeFamily(t *testing.T) {
	x := iota64(2, 3, 4)
	runFold(t, []fcase{
		{name: "reshape -1", op: "Reshape", in: []*graph.Tensor{x, i64(4, -1)}, want: []*graph.Tensor{iota64(4, 6)}},
		{name: "reshape 0 copies", op: "Reshape", in: []*graph.Tensor{x, i64(0, -1)}, want: []*graph.Tensor{iota64(2, 12)}},
		{name: "reshape 0 and -1", op: "Reshape", in: []*graph.Tensor{x, i64(-1, 0, 2)}, want: []*graph.Tensor{iota64(4, 3, 2)}},
		{name: "reshape allowzero", op: "Reshape", opset: 14, attrs: attrs{"allowzero": int64(1)}, in: []*graph.Tensor{iota64(0, 3), i64(3, 0)},
			want: []*graph.Tensor{iota64(3, 0)}},
		{name: "reshape mismatch", op: "Reshape", in: []*graph.Tensor{x, i64(5, 5)}, err: "cannot reshape"},
		{name: "reshape indivisible", op: "Reshape", in: []*graph.Tensor{x, i64(5, -1)}, err: "cannot reshape"},
		{name: "reshape two -1", op: "Reshape", in: []*graph.Tensor{x, i64(-1, -1)}, err: "more than one"},
		{name: "reshape float16 bits", op: "Reshape", in: []*graph.Tensor{F(graph.Float16, dims(4), 1, 2, 3, 4), i64(2, 2)},
			want: []*graph.Tensor{F(graph.Float16, dims(2, 2), 1, 2, 3, 4)}},
		{name: "flatten", op: "Flatten", in: []*graph.Tensor{x}, want: []*graph.Tensor{iota64(2, 12)}},
		{name: "flatten axis 0", op: "Flatten", attrs: attrs{"axis": int64(0)}, in: []*graph.Tensor{x}, want: []*graph.Tensor{iota64(1, 24)}},
		{name: "squeeze input", op: "Squeeze", in: []*graph.Tensor{iota64(1, 3, 1), i64(-1)}, want: []*graph.Tensor{iota64(1, 3)}},
		{name: "squeeze all", op: "Squeeze", in: []*graph.Tensor{iota64(1, 3, 1)}, want: []*graph.Tensor{iota64(3)}},
		{name: "squeeze attr opset 11", op: "Squeeze", opset: 11, attrs: attrs{"axes": []int64{0}}, in: []*graph.Tensor{iota64(1, 3, 1)}, want: []*graph.Tensor{iota64(3, 1)}},
		{name: "squeeze non-1", op: "Squeeze", in: []*graph.Tensor{iota64(2, 3), i64(0)}, err: "cannot squeeze"},
		{name: "unsqueeze", op: "Unsqueeze", in: []*graph.Tensor{iota64(3), i64(0, -1)}, want: []*graph.Tensor{iota64(1, 3, 1)}},
		{name: "unsqueeze scalar", op: "Unsqueeze", in: []*graph.Tensor{graph.ScalarInt64(7), i64(0)}, want: []*graph.Tensor{i64(7)}},
		{name: "unsqueeze attr opset 11", op: "Unsqueeze", opset: 11, attrs: attrs{"axes": []int64{1}}, in: []*graph.Tensor{iota64(3)}, want: []*graph.Tensor{iota64(3, 1)}},
		{name: "identity", op: "Identity", in: []*graph.Tensor{x}, want: []*graph.Tensor{x}},
	})
}

func TestTransposeExpandTile(t *testing.T) {
	runFold(t, []fcase{
		{name: "transpose default", op: "Transpose", in: []*graph.Tensor{iota64(2, 3)}, want: []*graph.Tensor{I(graph.Int64, dims(3, 2), 0, 3, 1, 4, 2, 5)}},
		{name: "transpose perm", op: "Transpose", attrs: attrs{"perm": []int64{1, 0, 2}}, in: []*graph.Tensor{iota64(2, 2, 2)},
			want: []*graph.Tensor{I(graph.Int64, dims(2, 2, 2), 0, 1, 4, 5, 2, 3, 6, 7)}},
		{name: "transpose bad perm", op: "Transpose", attrs: attrs{"perm": []int64{0}}, in: []*graph.Tensor{iota64(2, 2)}, err: "perm"},
		{name: "expand", op: "Expand", in: []*graph.Tensor{I(graph.Int64, dims(2, 1), 1, 2), i64(2, 3)},
			want: []*graph.Tensor{I(graph.Int64, dims(2, 3), 1, 1, 1, 2, 2, 2)}},
		{name: "expand bidirectional", op: "Expand", in: []*graph.Tensor{i64(1, 2, 3), i64(2, 1)},
			want: []*graph.Tensor{I(graph.Int64, dims(2, 3), 1, 2, 3, 1, 2, 3)}},
		{name: "expand bad", op: "Expand", in: []*graph.Tensor{i64(1, 2, 3), i64(2)}, err: "expand"},
		{name: "expand too big", op: "Expand", in: []*graph.Tensor{i64(1), i64(1<<13, 1<<12)}, notOK: true},
		{name: "tile", op: "Tile", in: []*graph.Tensor{iota64(2, 2), i64(2, 3)},
			want: []*graph.Tensor{I(graph.Int64, dims(4, 6), 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3)}},
		{name: "tile zero", op: "Tile", in: []*graph.Tensor{iota64(2), i64(0)}, want: []*graph.Tensor{iota64(0)}},
	})
}

func TestExportedTranspose(t *testing.T) {
	// HWIO weights to OIHW, as the Conv mapper does.
	w := iota64(2, 2, 1, 3)
	got := fold.Transpose(w, []int64{3, 2, 0, 1})
	want := I(graph.Int64, dims(3, 1, 2, 2), 0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11)
	if !same(got, want) {
		t.Fatalf("got %s", describe(got))
	}
	if fold.Transpose(w, []int64{0, 1, 2}) != nil || fold.Transpose(w, []int64{0, 1, 2, 2}) != nil {
		t.Fatal("bad perm accepted")
	}
	s := &graph.Tensor{DType: graph.String, Dims: []int64{2, 1}, Strings: [][]byte{[]byte("a"), []byte("b")}}
	if r := fold.Transpose(s, nil); len(r.Strings) != 2 || string(r.Strings[1]) != "b" || r.Dims[0] != 1 {
		t.Fatalf("strings: %+v", r)
	}
}

func TestConcatSplitSliceGather(t *testing.T) {
	big := int64(math.MaxInt64)
	runFold(t, []fcase{
		{name: "concat axis 1", op: "Concat", attrs: attrs{"axis": int64(1)}, in: []*graph.Tensor{iota64(2, 1), I(graph.Int64, dims(2, 2), 7, 8, 9, 10)},
			want: []*graph.Tensor{I(graph.Int64, dims(2, 3), 0, 7, 8, 1, 9, 10)}},
		{name: "concat negative axis with empty", op: "Concat", attrs: attrs{"axis": int64(-1)}, in: []*graph.Tensor{i64(1, 2), i64(), i64(3)},
			want: []*graph.Tensor{i64(1, 2, 3)}},
		{name: "concat mismatch", op: "Concat", attrs: attrs{"axis": int64(0)}, in: []*graph.Tensor{iota64(1, 2), iota64(1, 3)}, err: "differ"},
		{name: "split equal", op: "Split", nout: 2, in: []*graph.Tensor{iota64(4)}, want: []*graph.Tensor{i64(0, 1), i64(2, 3)}},
		{name: "split input axis 1", op: "Split", attrs: attrs{"axis": int64(1)}, in: []*graph.Tensor{iota64(2, 3), i64(1, 2)},
			want: []*graph.Tensor{I(graph.Int64, dims(2, 1), 0, 3), I(graph.Int64, dims(2, 2), 1, 2, 4, 5)}},
		{name: "split attr opset 11", op: "Split", opset: 11, attrs: attrs{"split": []int64{2, 1}}, in: []*graph.Tensor{iota64(3)},
			want: []*graph.Tensor{i64(0, 1), i64(2)}},
		{name: "split num_outputs", op: "Split", opset: 18, attrs: attrs{"num_outputs": int64(3)}, in: []*graph.Tensor{iota64(5)},
			want: []*graph.Tensor{i64(0, 1), i64(2, 3), i64(4)}},
		{name: "split bad", op: "Split", in: []*graph.Tensor{iota64(3), i64(1, 1)}, nout: 2, err: "split"},
		{name: "slice basic", op: "Slice", in: []*graph.Tensor{iota64(10), i64(2), i64(5)}, want: []*graph.Tensor{i64(2, 3, 4)}},
		{name: "slice negative step", op: "Slice", in: []*graph.Tensor{iota64(10), i64(8), i64(1), i64(0), i64(-3)}, want: []*graph.Tensor{i64(8, 5, 2)}},
		{name: "slice reverse all", op: "Slice", in: []*graph.Tensor{iota64(4), i64(-1), i64(-big), i64(0), i64(-1)}, want: []*graph.Tensor{i64(3, 2, 1, 0)}},
		{name: "slice clamped", op: "Slice", in: []*graph.Tensor{iota64(4), i64(-100), i64(big)}, want: []*graph.Tensor{i64(0, 1, 2, 3)}},
		{name: "slice clamped negative step", op: "Slice", in: []*graph.Tensor{iota64(4), i64(100), i64(-100), i64(0), i64(-2)}, want: []*graph.Tensor{i64(3, 1)}},
		{name: "slice empty", op: "Slice", in: []*graph.Tensor{iota64(4), i64(3), i64(1)}, want: []*graph.Tensor{iota64(0)}},
		{name: "slice 2d axes", op: "Slice", in: []*graph.Tensor{iota64(3, 4), i64(1, -1), i64(big, -big), i64(1, 0), i64(2, -1)},
			want: []*graph.Tensor{I(graph.Int64, dims(3, 2), 9, 11, 5, 7, 1, 3)}},
		{name: "slice attrs opset 9", op: "Slice", opset: 9, attrs: attrs{"starts": []int64{1}, "ends": []int64{3}}, in: []*graph.Tensor{iota64(4)},
			want: []*graph.Tensor{i64(1, 2)}},
		{name: "slice step 0", op: "Slice", in: []*graph.Tensor{iota64(4), i64(0), i64(1), i64(0), i64(0)}, err: "step 0"},
		{name: "gather", op: "Gather", in: []*graph.Tensor{iota64(3, 2), i64(2, -3)}, want: []*graph.Tensor{I(graph.Int64, dims(2, 2), 4, 5, 0, 1)}},
		{name: "gather axis 1 scalar index", op: "Gather", attrs: attrs{"axis": int64(1)}, in: []*graph.Tensor{iota64(2, 3), I(graph.Int32, nil, 1)},
			want: []*graph.Tensor{i64(1, 4)}},
		{name: "gather shape element", op: "Gather", in: []*graph.Tensor{i64(5, 7, 9), graph.ScalarInt64(-1)}, want: []*graph.Tensor{graph.ScalarInt64(9)}},
		{name: "gather out of range", op: "Gather", in: []*graph.Tensor{i64(5, 7), i64(2)}, err: "out of range"},
	})
}

func TestPad(t *testing.T) {
	runFold(t, []fcase{
		{name: "pad constant", op: "Pad", in: []*graph.Tensor{iota64(2, 2), i64(1, 0, 0, 1), I(graph.Int64, nil, 9)},
			want: []*graph.Tensor{I(graph.Int64, dims(3, 3), 9, 9, 9, 0, 1, 9, 2, 3, 9)}},
		{name: "pad zero default", op: "Pad", in: []*graph.Tensor{f32(1, 2), i64(1, 1)}, want: []*graph.Tensor{f32(0, 1, 2, 0)}},
		{name: "pad negative crops", op: "Pad", in: []*graph.Tensor{iota64(4), i64(-1, 1)}, want: []*graph.Tensor{i64(1, 2, 3, 0)}},
		{name: "pad axes opset 18", op: "Pad", opset: 18, in: []*graph.Tensor{iota64(2, 2), i64(1, 0), nil, i64(-1)},
			want: []*graph.Tensor{I(graph.Int64, dims(2, 3), 0, 0, 1, 0, 2, 3)}},
		{name: "pad attr opset 10", op: "Pad", opset: 10, attrs: attrs{"pads": []int64{1, 1}, "value": float32(2.5)}, in: []*graph.Tensor{f32(1)},
			want: []*graph.Tensor{f32(2.5, 1, 2.5)}},
		{name: "pad reflect declines", op: "Pad", attrs: attrs{"mode": "reflect"}, in: []*graph.Tensor{f32(1, 2), i64(1, 1)}, notOK: true},
		{name: "pad too negative", op: "Pad", in: []*graph.Tensor{iota64(2), i64(-2, -1)}, err: "remove more"},
	})
}
