package opmap

import (
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// TestCudnnRNNRefusals: the cuDNN layouts without a Keras reference to
// check them against are refused in one line naming the reason.
func TestCudnnRNNRefusals(t *testing.T) {
	const I, H = 3, 2
	tests := []struct {
		name  string
		attrs map[string]any
		hDims []int64
		want  string
	}{
		{"bidirectional", map[string]any{"direction": "bidirectional"}, []int64{2, 1, H}, "unidirectional"},
		{"rnn_tanh", map[string]any{"rnn_mode": "rnn_tanh"}, []int64{1, 1, H}, "rnn_tanh"},
		{"two layers", nil, []int64{2, 1, H}, "2 layers"},
		{"skip_input", map[string]any{"input_mode": "skip_input"}, []int64{1, 1, H}, "linear_input"},
		{"training dropout", map[string]any{"dropout": float32(0.5), "is_training": true}, []int64{1, 1, H}, "dropout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := graph.New("t")
			g.Inputs = []string{"x", "h", "c", "p"}
			g.SetValue("x", graph.Float, graph.ShapeOf(4, 1, I))
			g.SetValue("h", graph.Float, graph.ShapeOf(tt.hDims...))
			g.SetValue("c", graph.Float, graph.ShapeOf(tt.hDims...))
			g.SetValue("p", graph.Float, graph.ShapeOf(-1))
			attrs := map[string]any{"T": graph.Float, "rnn_mode": "lstm"}
			for k, v := range tt.attrs {
				attrs[k] = v
			}
			g.AddNode(&graph.Node{Name: "rnn", Op: "CudnnRNN", Domain: graph.DomainTF, Attrs: attrs,
				Inputs: []string{"x", "h", "c", "p"}, Outputs: []string{"rnn:0", "rnn:1", "rnn:2", "rnn:3"}})
			g.Outputs = []string{"rnn:0"}
			_, err := Apply(g, Options{Opset: 17})
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line naming %q", err, tt.want)
			}
		})
	}
}
