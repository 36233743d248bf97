package opmap

import (
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// TestDetectRefusals: what the detection and colour handlers cannot honour
// is one error naming the node.
func TestDetectRefusals(t *testing.T) {
	noBoxes := graph.Float32Tensor([]int64{1, 0, 4}, nil)
	cover := graph.ScalarOf(graph.Float, 0.5)
	tests := []struct {
		name   string
		opset  int
		op     string
		attrs  map[string]any
		x      graph.Shape
		consts []*graph.Tensor
		want   string
	}{
		{"sampled crop at opset 22", 22, "SampleDistortedBoundingBoxV2", nil, graph.ShapeOf(3),
			[]*graph.Tensor{graph.Float32Tensor([]int64{1, 1, 4}, []float32{0, 0, 1, 1}), cover}, "--opset 21 or lower"},
		{"sampled crop without boxes or image", 17, "SampleDistortedBoundingBoxV2", nil, graph.ShapeOf(3),
			[]*graph.Tensor{noBoxes, cover}, "use_image_if_no_bounding_boxes is false"},
		{"sampled crop without attempts", 17, "SampleDistortedBoundingBox", map[string]any{"max_attempts": int64(0)}, graph.ShapeOf(3),
			[]*graph.Tensor{noBoxes}, "max_attempts must be positive"},
		{"combined NMS with boxes of rank 3", 17, "CombinedNonMaxSuppression", nil, graph.ShapeOf(2, 5, 4),
			[]*graph.Tensor{graph.Float32Tensor([]int64{2, 5, 1}, make([]float32, 10)), graph.ScalarOf(graph.Int32, 2),
				graph.ScalarOf(graph.Int32, 4), cover, cover}, "known q"},
		{"hue of 4 channels", 17, "AdjustHue", nil, graph.ShapeOf(2, 2, 4), []*graph.Tensor{cover}, "last dim 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := arrMapOne(t, tt.opset, tt.op, tt.attrs, tt.x, tt.consts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `node "n"`) {
				t.Fatalf("error %v, want one naming node n and containing %q", err, tt.want)
			}
		})
	}
}

// TestDetectForms: the ONNX ops the handlers are built on.
func TestDetectForms(t *testing.T) {
	tests := []struct {
		name   string
		op     string
		attrs  map[string]any
		x      graph.Shape
		consts []*graph.Tensor
		has    []string
		hasNot string
	}{
		{"combined NMS, a box per class", "CombinedNonMaxSuppression", map[string]any{"pad_per_class": true}, graph.ShapeOf(2, 3, 2, 4),
			[]*graph.Tensor{graph.Float32Tensor([]int64{2, 3, 2}, make([]float32, 12)), graph.ScalarOf(graph.Int32, 2), graph.ScalarOf(graph.Int32, 4), graph.ScalarOf(graph.Float, 0.5),
				graph.ScalarOf(graph.Float, 0.1)}, []string{"NonMaxSuppression", "ScatterND", "TopK", "GatherND", "Clip"}, ""},
		{"area resize of static sizes is two constant MatMuls", "ResizeArea", nil, graph.ShapeOf(1, 4, 6, 2),
			[]*graph.Tensor{graph.NewIntTensor(graph.Int32, []int64{2}, []int64{3, 5})}, []string{"MatMul"}, "Range"},
		{"saturation", "AdjustSaturation", nil, graph.ShapeOf(4, 4, 3), []*graph.Tensor{graph.ScalarOf(graph.Float, 2)}, []string{"Split", "Where", "Concat"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := arrMapOne(t, 17, tt.op, tt.attrs, tt.x, tt.consts...)
			if err != nil {
				t.Fatal(err)
			}
			ops := arrOps(g)
			if tt.hasNot != "" && strings.Contains(ops, tt.hasNot) {
				t.Errorf("ops %s, want no %s (the weights fold)", ops, tt.hasNot)
			}
			for _, h := range tt.has {
				if !strings.Contains(ops, h) {
					t.Errorf("ops %s, want %s among them", ops, h)
				}
			}
		})
	}
}
