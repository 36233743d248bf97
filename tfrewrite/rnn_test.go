package tfrewrite

import (
	"math"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

func loadCTPN(t *testing.T, file string) *graph.Graph {
	t.Helper()
	gd, err := frozen.Load("../testdata/ctpn/" + file)
	if err != nil {
		t.Skipf("fixture: %v", err)
	}
	in, _ := frozen.ParseSpecs("Placeholder:0")
	outs, _ := frozen.ParseSpecs("Reshape_2:0,rpn_bbox_pred/Reshape_1:0")
	g, err := frozen.Extract(gd, in, outs)
	if err != nil {
		t.Fatal(err)
	}
	g.Opset = 17
	return g
}

func opCount(g *graph.Graph) map[string]int {
	m := map[string]int{}
	for _, n := range g.Nodes {
		m[n.Op]++
	}
	return m
}

func TestRNNPassCTPN(t *testing.T) {
	g := loadCTPN(t, "ctpn_narrow.pb")
	k := g.Consts["lstm_o/bidirectional_rnn/fw/lstm_cell/kernel:0"].Float64s()
	bias := g.Consts["lstm_o/bidirectional_rnn/fw/lstm_cell/bias:0"].Float64s()
	changed, err := rnnPass(g)
	if err != nil || !changed {
		t.Fatalf("rnnPass: changed=%v err=%v", changed, err)
	}
	ops := opCount(g)
	if ops["LSTM"] != 1 {
		t.Fatalf("want one LSTM node, got ops %v", ops)
	}
	for _, op := range []string{"Enter", "Exit", "Merge", "Switch", "NextIteration", "LoopCond",
		"TensorArrayV3", "TensorArrayScatterV3", "TensorArrayReadV3", "TensorArrayWriteV3",
		"TensorArrayGatherV3", "ReverseV2"} {
		if ops[op] != 0 {
			t.Errorf("%d %s nodes left", ops[op], op)
		}
	}
	var lstm *graph.Node
	for _, n := range g.Nodes {
		if n.Op == "LSTM" {
			lstm = n
		}
	}
	if d := lstm.Str("direction", ""); d != "bidirectional" {
		t.Errorf("direction %q", d)
	}
	if h := lstm.Int("hidden_size", 0); h != 8 {
		t.Errorf("hidden_size %d", h)
	}
	w, r, b := g.Consts[lstm.Inputs[1]], g.Consts[lstm.Inputs[2]], g.Consts[lstm.Inputs[3]]
	if w == nil || r == nil || b == nil {
		t.Fatalf("weights are not constants: %v", lstm.Inputs)
	}
	if got := w.Shape().String(); got != "[2,32,32]" {
		t.Errorf("W shape %s", got)
	}
	if got := r.Shape().String(); got != "[2,32,8]" {
		t.Errorf("R shape %s", got)
	}
	if got := b.Shape().String(); got != "[2,64]" {
		t.Errorf("B shape %s", got)
	}
	// Gate o (ONNX row block 1) of the forward W is TF's gate 3; its
	// bias has no forget bias; f (block 2) has +1.
	wv, rv, bv := w.Float64s(), r.Float64s(), b.Float64s()
	const H, I = 8, 32
	for j := 0; j < H; j++ {
		for i := 0; i < I; i++ {
			if wv[(1*H+j)*I+i] != k[i*4*H+3*H+j] {
				t.Fatalf("W[o][%d][%d] mismatch", j, i)
			}
		}
		for i := 0; i < H; i++ {
			if rv[(3*H+j)*H+i] != k[(I+i)*4*H+1*H+j] {
				t.Fatalf("R[c][%d][%d] mismatch", j, i)
			}
		}
		if math.Abs(bv[2*H+j]-(bias[2*H+j]+1)) > 1e-6 || bv[1*H+j] != float64(float32(bias[3*H+j])) || bv[4*H+j] != 0 {
			t.Fatalf("B mismatch at %d", j)
		}
	}
	// No TF op of the loop's plumbing is left; the LSTM region's only TF
	// consumer is the dense layer's Reshape.
	if err := g.Verify(graph.VerifyOptions{AllowTF: true}); err != nil {
		t.Fatal(err)
	}
	if err := g.TopoSort(); err != nil {
		t.Fatal(err)
	}
}
