package tfrewrite

import (
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/opmap"
)

// blockLSTMGraph is x → BlockLSTM → h (and cs[-1] when readCS, every
// step's cs when allCS), with constant weights of hidden size 2.
func blockLSTMGraph(attrs map[string]any, readCS, allCS bool) *graph.Graph {
	g := graph.New("t")
	const H, I = 2, 3
	g.Inputs = []string{"n", "x", "c0", "h0"}
	g.SetValue("n", graph.Int64, graph.ShapeOf())
	g.SetValue("x", graph.Float, graph.ShapeOf(4, 1, I))
	g.SetValue("c0", graph.Float, graph.ShapeOf(1, H))
	g.SetValue("h0", graph.Float, graph.ShapeOf(1, H))
	g.SetConst("w", graph.NewTensor(graph.Float, []int64{I + H, 4 * H}, make([]float64, (I+H)*4*H)))
	g.SetConst("b", graph.NewTensor(graph.Float, []int64{4 * H}, make([]float64, 4*H)))
	g.SetConst("p", graph.NewTensor(graph.Float, []int64{H}, make([]float64, H)))
	a := map[string]any{"T": graph.Float}
	for k, v := range attrs {
		a[k] = v
	}
	outs := make([]string, 7)
	for i := range outs {
		outs[i] = "lstm:" + string(rune('0'+i))
	}
	g.AddNode(&graph.Node{Name: "lstm", Op: "BlockLSTM", Domain: graph.DomainTF, Attrs: a, Outputs: outs,
		Inputs: []string{"n", "x", "c0", "h0", "w", "p", "p", "p", "b"}})
	g.Outputs = []string{outs[6]}
	if readCS {
		g.SetConst("begin", graph.Int64Tensor(-1))
		g.SetConst("end", graph.Int64Tensor(0))
		g.SetConst("one", graph.Int64Tensor(1))
		g.AddNode(&graph.Node{Name: "last", Op: "StridedSlice", Domain: graph.DomainTF, Outputs: []string{"last:0"},
			Inputs: []string{outs[1], "begin", "end", "one"}, Attrs: map[string]any{"T": graph.Float, "Index": graph.Int64, "shrink_axis_mask": int64(1)}})
		g.Outputs = append(g.Outputs, "last:0")
	}
	if allCS {
		g.Outputs = append(g.Outputs, outs[1])
	}
	return g
}

func TestBlockLSTM(t *testing.T) {
	tests := []struct {
		name          string
		attrs         map[string]any
		readCS, allCS bool
		fused         bool
		err           string // opmap's refusal when not fused
	}{
		{"no clip, h", map[string]any{"cell_clip": float32(-1)}, false, false, true, ""},
		{"no clip, h and cs[-1]", map[string]any{"cell_clip": float32(-1), "use_peephole": true}, true, false, true, ""},
		{"default clip 3", nil, false, false, false, "cell_clip 3 clips the cell state"},
		{"every step's cs", map[string]any{"cell_clip": float32(-1)}, false, true, false, "per-step cs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := blockLSTMGraph(tt.attrs, tt.readCS, tt.allCS)
			changed, err := blockLSTMPass(g)
			if err != nil || changed != tt.fused {
				t.Fatalf("changed=%v err=%v, want changed=%v", changed, err, tt.fused)
			}
			ops := opCount(g)
			if tt.fused {
				if ops["LSTM"] != 1 || ops["BlockLSTM"] != 0 {
					t.Fatalf("ops %v", ops)
				}
				return
			}
			_, err = opmap.Apply(g, opmap.Options{Opset: 17})
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("opmap error %v, want one naming %q", err, tt.err)
			}
			if strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("the refusal is more than one line: %q", err)
			}
		})
	}
}
