package fold

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestWorthFolding(t *testing.T) {
	f32 := func(dims ...int64) *graph.Tensor {
		n := int64(1)
		for _, d := range dims {
			n *= d
		}
		return &graph.Tensor{DType: graph.Float, Dims: dims, Data: make([]byte, 4*n)}
	}
	i8 := func(n int64) *graph.Tensor {
		return &graph.Tensor{DType: graph.Int8, Dims: []int64{n}, Data: make([]byte, n)}
	}
	shape := graph.Int64Tensor(2000000, 4)
	for _, tt := range []struct {
		name    string
		in, out []*graph.Tensor
		want    bool
	}{
		{"small Tile", []*graph.Tensor{f32(2, 2), graph.Int64Tensor(100, 2)}, []*graph.Tensor{f32(200, 4)}, true},
		{"32 MB Tile of a 16-byte constant", []*graph.Tensor{f32(2, 2), graph.Int64Tensor(1000000, 2)}, []*graph.Tensor{f32(2000000, 4)}, false},
		{"32 MB Expand", []*graph.Tensor{f32(1, 4), shape}, []*graph.Tensor{f32(2000000, 4)}, false},
		{"32 MB ConstantOfShape", []*graph.Tensor{shape}, []*graph.Tensor{f32(2000000, 4)}, false},
		{"1 MB ConstantOfShape", []*graph.Tensor{graph.Int64Tensor(512, 512)}, []*graph.Tensor{f32(512, 512)}, true},
		{"broadcasting Add to 4 MB", []*graph.Tensor{f32(1000, 1), f32(1, 1000)}, []*graph.Tensor{f32(1000, 1000)}, false},
		{"8 MB weights transposed", []*graph.Tensor{f32(1024, 2048), graph.Int64Tensor(1, 0)}, []*graph.Tensor{f32(2048, 1024)}, true},
		{"int8 weights cast to float (4× bytes)", []*graph.Tensor{i8(4 << 20)}, []*graph.Tensor{f32(4 << 20)}, true},
		{"Pad by a border", []*graph.Tensor{f32(1000, 1000), graph.Int64Tensor(1, 1, 1, 1)}, []*graph.Tensor{f32(1002, 1002)}, true},
		{"over 64 MB", []*graph.Tensor{f32(5000, 4000)}, []*graph.Tensor{f32(5000, 4000)}, false},
	} {
		if got := WorthFolding(tt.in, tt.out); got != tt.want {
			t.Errorf("%s: WorthFolding = %v, want %v", tt.name, got, tt.want)
		}
	}
}
