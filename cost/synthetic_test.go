package cost

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/onnxio"
)

func zeros(dims ...int64) *graph.Tensor {
	return graph.NewTensor(graph.Float, dims, make([]float64, prod(dims)))
}

// convNet is input [N?,3,32,32] → Conv 3→8 3×3 (pads 1, bias) → Relu →
// GlobalAveragePool → Flatten → Gemm 8→10.
func convNet(batch graph.Dim) *graph.Graph {
	g := graph.New("convnet")
	g.Opset = 17
	g.Inputs = []string{"x"}
	g.SetValue("x", graph.Float, graph.DimsOf(batch, graph.D(3), graph.D(32), graph.D(32)))
	g.Consts["w"] = zeros(8, 3, 3, 3)
	g.Consts["b"] = zeros(8)
	g.Consts["fw"] = zeros(10, 8)
	g.Consts["fb"] = zeros(10)
	g.AddNode(&graph.Node{Name: "block/conv/Conv", Op: "Conv", Inputs: []string{"x", "w", "b"}, Outputs: []string{"c"},
		Attrs: map[string]any{"kernel_shape": []int64{3, 3}, "pads": []int64{1, 1, 1, 1}}})
	g.AddNode(&graph.Node{Name: "block/relu/Relu", Op: "Relu", Inputs: []string{"c"}, Outputs: []string{"r"}})
	g.AddNode(&graph.Node{Name: "/gap/GlobalAveragePool", Op: "GlobalAveragePool", Inputs: []string{"r"}, Outputs: []string{"p"}})
	g.AddNode(&graph.Node{Name: "/Flatten", Op: "Flatten", Inputs: []string{"p"}, Outputs: []string{"f"}})
	g.AddNode(&graph.Node{Name: "/fc/Gemm", Op: "Gemm", Inputs: []string{"f", "fw", "fb"}, Outputs: []string{"y"},
		Attrs: map[string]any{"transB": int64(1)}})
	g.Outputs = []string{"y"}
	return g
}

func TestBatchFormula(t *testing.T) {
	rep, err := Analyze(convNet(graph.Sym("batch")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	conv := int64(8*32*32) * (27 + 1)
	fc := int64(10*8 + 10)
	if rep.Totals.MACs != conv+fc {
		t.Errorf("MACs at N=1: %d, want %d", rep.Totals.MACs, conv+fc)
	}
	b := rep.Batch
	if b == nil || !b.Linear || b.MACs != (Linear{PerN: conv + fc}) || b.Params != 8*27+8+80+10 {
		t.Fatalf("batch formula %+v", b)
	}
	if len(rep.Inputs) != 1 || rep.Inputs[0].Shape[0] != 1 || len(rep.Inputs[0].Assumed) != 1 ||
		!strings.Contains(rep.Inputs[0].Assumed[0], "batch size N") {
		t.Errorf("inputs %+v", rep.Inputs)
	}
	text, _ := Render(rep, "text", FormatOptions{})
	if !strings.Contains(string(text), commas(conv+fc)+"·N") {
		t.Errorf("text lacks the formula:\n%s", text)
	}
	// A fixed batch gives N times the N=1 count and no formula.
	rep4, err := Analyze(convNet(graph.Sym("batch")), Options{Shapes: map[string][]int64{"x": {4, 3, 32, 32}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep4.Batch != nil || rep4.Totals.MACs != 4*(conv+fc) {
		t.Errorf("N=4: %d MACs, formula %+v", rep4.Totals.MACs, rep4.Batch)
	}
	// Layers: the conv's scope; root nodes are their own layers.
	for _, name := range []string{"block/conv", "block/relu", "gap", "Flatten", "fc"} {
		if rep.Layer(name) == nil {
			t.Errorf("no layer %q", name)
		}
	}
}

func TestUnknownDimStops(t *testing.T) {
	g := convNet(graph.D(1))
	g.SetValue("x", graph.Float, graph.DimsOf(graph.D(1), graph.D(3), graph.Sym("height"), graph.D(32)))
	_, err := Analyze(g, Options{})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Input != "x" || ie.Dim != 2 || !strings.Contains(err.Error(), "--shape x=1x3x<height>x32") {
		t.Fatalf("error %v", err)
	}
	if _, err := Analyze(g, Options{Shapes: map[string][]int64{"x": {1, 3, 32, 32}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Analyze(g, Options{Shapes: map[string][]int64{"y": {1}}}); err == nil || !strings.Contains(err.Error(), "not an input") {
		t.Fatalf("a --shape for no input: %v", err)
	}
	if _, err := Analyze(g, Options{Shapes: map[string][]int64{"x": {1, 3, 32}}}); err == nil {
		t.Fatal("a --shape of the wrong rank must fail")
	}
}

func TestSharedParamsOnceAndUncounted(t *testing.T) {
	g := graph.New("shared")
	g.Opset = 17
	g.Inputs = []string{"x"}
	g.SetValue("x", graph.Float, graph.ShapeOf(2, 16))
	g.Consts["w"] = zeros(16, 16)
	g.AddNode(&graph.Node{Name: "a/MatMul", Op: "MatMul", Inputs: []string{"x", "w"}, Outputs: []string{"h"}})
	g.AddNode(&graph.Node{Name: "b/MatMul", Op: "MatMul", Inputs: []string{"h", "w"}, Outputs: []string{"y"}})
	g.AddNode(&graph.Node{Name: "custom", Op: "FancyOp", Domain: "com.example", Inputs: []string{"y"}, Outputs: []string{"z"}})
	g.Outputs = []string{"z"}
	rep, err := Analyze(g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals.Params != 256 || rep.Layer("a").Params != 256 || rep.Layer("b").Params != 0 {
		t.Errorf("shared weights: total %d, a %d, b %d", rep.Totals.Params, rep.Layer("a").Params, rep.Layer("b").Params)
	}
	if rep.Totals.MACs != 2*2*16*16 {
		t.Errorf("MACs %d", rep.Totals.MACs)
	}
	if len(rep.Uncounted) != 1 || rep.Uncounted[0].Node != "custom" || rep.Uncounted[0].Op != "FancyOp" {
		t.Errorf("uncounted %+v", rep.Uncounted)
	}
	text, _ := Render(rep, "text", FormatOptions{})
	if !strings.Contains(string(text), "Not counted (1 nodes") || !strings.Contains(string(text), "custom (FancyOp)") {
		t.Errorf("the text report must name the uncounted node:\n%s", text)
	}
}

// lstmNet: X [seq 5, batch 3, 7] → bidirectional LSTM, hidden 4.
func lstmNet(zeroRb bool) *graph.Graph {
	g := graph.New("lstm")
	g.Opset = 17
	g.Inputs = []string{"x"}
	g.SetValue("x", graph.Float, graph.ShapeOf(5, 3, 7))
	g.Consts["W"] = zeros(2, 16, 7)
	g.Consts["R"] = zeros(2, 16, 4)
	b := make([]float64, 2*32)
	for i := range b {
		if !zeroRb || i%32 < 16 {
			b[i] = 0.5
		}
	}
	g.Consts["B"] = graph.NewTensor(graph.Float, []int64{2, 32}, b)
	g.AddNode(&graph.Node{Name: "rnn/LSTM", Op: "LSTM", Inputs: []string{"x", "W", "R", "B"}, Outputs: []string{"y"},
		Attrs: map[string]any{"hidden_size": int64(4), "direction": "bidirectional"}})
	g.Outputs = []string{"y"}
	return g
}

func TestLSTM(t *testing.T) {
	steps := int64(5 * 3 * 2)
	for _, zero := range []bool{false, true} {
		rep, err := Analyze(lstmNet(zero), Options{})
		if err != nil {
			t.Fatal(err)
		}
		bias, params := int64(2*4*4), int64(2*16*7+2*16*4+2*32)
		if zero {
			bias, params = 4*4, params-2*16
		}
		// ptflops: 4H(I+H) + 10H gate ops + bias adds, per step and direction.
		want := steps * (4*4*(7+4) + 10*4 + bias)
		if rep.Totals.MACs != want || rep.Totals.BiasMACs != steps*bias || rep.Totals.Params != params {
			t.Errorf("zero Rb %v: MACs %d (want %d), bias %d, params %d (want %d)", zero, rep.Totals.MACs, want,
				rep.Totals.BiasMACs, rep.Totals.Params, params)
		}
		rep, err = Analyze(lstmNet(zero), Options{Convention: "fvcore"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Totals.MACs != steps*4*4*(7+4) || rep.Totals.OtherOps != steps*10*4 {
			t.Errorf("fvcore: MACs %d, other %d", rep.Totals.MACs, rep.Totals.OtherOps)
		}
	}
}

// loopNet: a Loop whose body multiplies a [1,8] state by an [8,8] weight of
// the outer graph, with trip count M.
func loopNet(m *graph.Tensor) *graph.Graph {
	g := graph.New("loop")
	g.Opset = 17
	g.Inputs = []string{"x", "m"}
	g.SetValue("x", graph.Float, graph.ShapeOf(1, 8))
	g.SetValue("m", graph.Int64, graph.ShapeOf())
	g.Consts["w"] = zeros(8, 8)
	mIn := "m"
	if m != nil {
		g.Inputs = []string{"x"}
		delete(g.Values, "m")
		g.Consts["M"] = m
		mIn = "M"
	}
	body := graph.New("body")
	body.Inputs = []string{"i", "cond", "s"}
	body.SetValue("i", graph.Int64, graph.ShapeOf())
	body.SetValue("cond", graph.Bool, graph.ShapeOf())
	body.SetValue("s", graph.Float, graph.ShapeOf(1, 8))
	body.AddNode(&graph.Node{Name: "step/MatMul", Op: "MatMul", Inputs: []string{"s", "w"}, Outputs: []string{"s2"}})
	body.AddNode(&graph.Node{Name: "step/Tanh", Op: "Tanh", Inputs: []string{"s2"}, Outputs: []string{"s3"}})
	body.AddNode(&graph.Node{Name: "step/Identity", Op: "Identity", Inputs: []string{"cond"}, Outputs: []string{"cond2"}})
	body.Outputs = []string{"cond2", "s3"}
	g.AddNode(&graph.Node{Name: "rnn/while/Loop", Op: "Loop", Inputs: []string{mIn, "", "x"}, Outputs: []string{"y"},
		Attrs: map[string]any{"body": body}})
	g.Outputs = []string{"y"}
	return g
}

func TestLoop(t *testing.T) {
	rep, err := Analyze(loopNet(graph.ScalarInt64(6)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := rep.Node("rnn/while/Loop")
	if n == nil || n.Kind != KindControl || n.MACs != 6*64 || n.Params != 64 || !strings.Contains(n.Note, "× 6 iterations") {
		t.Fatalf("loop node %+v", n)
	}
	// Tanh has no ptflops rule: listed by its place in the body.
	if len(rep.NoRule) != 1 || rep.NoRule[0].Node != "rnn/while/Loop/body/step/Tanh" {
		t.Errorf("no-rule %+v", rep.NoRule)
	}
	rep, err = Analyze(loopNet(nil), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Node("rnn/while/Loop"); n.MACs != 64 || !strings.Contains(n.Note, "ONE iteration") {
		t.Errorf("unknown trip count: %+v", n)
	}
}

func TestJSONAndCSV(t *testing.T) {
	rep, err := Analyze(readLeNet(t), Options{Model: "lenet", PeakGFLOPS: 100, MemGBps: 10, FPS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	js, err := Render(rep, "json", FormatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	if m["schema"] != "tf2onnx-cost" || m["schema_version"] != float64(SchemaVersion) {
		t.Errorf("schema %v %v", m["schema"], m["schema_version"])
	}
	var back Report
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if back.Totals.Params != 1007590 || back.Totals.MACs != 1337270 || len(back.Nodes) != len(rep.Nodes) ||
		back.Layer("fc1").WeightBytes["float32"] != 4*1000500 || back.Roofline == nil || back.Compute == nil {
		t.Errorf("JSON round trip lost data: %+v", back.Totals)
	}
	// Roofline: fc1 reads 4 MB of weights for 2 MFLOP: memory bound.
	if l := back.Layer("fc1"); l.Roofline == nil || l.Roofline.Bound != "memory" {
		t.Errorf("fc1 roofline %+v", l.Roofline)
	}
	if c := back.Compute; c.GFLOPSRequired != float64(2*1337270)*1000/1e9 {
		t.Errorf("compute %+v", c)
	}
	cs, err := Render(rep, "csv", FormatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(cs)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + len(rep.Nodes) + len(rep.Layers) + len(rep.OpTypes) + 1; len(recs) != want {
		t.Errorf("%d CSV records, want %d", len(recs), want)
	}
	last := recs[len(recs)-1]
	if last[0] != "total" || last[7] != "1007590" || last[9] != "1337270" {
		t.Errorf("CSV total row %v", last)
	}
}

// ONNX files keep large weights outside: the pass needs their dims only.
func TestExternalDataNotLoaded(t *testing.T) {
	g := convNet(graph.D(2))
	mp, err := onnxio.ToProto(g, onnxio.ModelInfo{Producer: "test", Opset: 17})
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range mp.Graph.Initializer {
		if tp.Name == "w" {
			tp.RawData = nil
			tp.DataLocation = 1 // EXTERNAL
			tp.ExternalData = append(tp.ExternalData, nil)
			tp.ExternalData = tp.ExternalData[:0]
		}
	}
	back, info, err := onnxio.FromProto(mp, onnxio.ReadOptions{MaxDataBytes: 16})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.External) != 1 || info.External[0] != "w" || back.Consts["w"].Data != nil {
		t.Fatalf("external %v, data %v", info.External, back.Consts["w"].Data != nil)
	}
	if len(info.Dropped) == 0 {
		t.Errorf("fw (320 bytes) is past MaxDataBytes 16 and must be dropped")
	}
	rep, err := Analyze(back, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Analyze(g, Options{})
	if rep.Totals.Params != want.Totals.Params || rep.Totals.MACs != want.Totals.MACs || rep.Totals.Params != 8*27+8+90 {
		t.Errorf("without weight data: params %d MACs %d; with: %d %d", rep.Totals.Params, rep.Totals.MACs,
			want.Totals.Params, want.Totals.MACs)
	}
}

func TestReadRoundTrip(t *testing.T) {
	g := loopNet(graph.ScalarInt64(3))
	g.Nodes[0].Attrs["alpha"] = float32(0.5)
	g.Nodes[0].Attrs["names"] = []string{"a", "b"}
	mp, err := onnxio.ToProto(g, onnxio.ModelInfo{Producer: "test", Opset: 17})
	if err != nil {
		t.Fatal(err)
	}
	back, info, err := onnxio.FromProto(mp, onnxio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Opset != 17 || back.Opset != 17 || len(back.Nodes) != 1 || back.Inputs[0] != "x" || back.Outputs[0] != "y" {
		t.Fatalf("graph %+v", back)
	}
	n := back.Nodes[0]
	body, ok := n.Attrs["body"].(*graph.Graph)
	if !ok || len(body.Nodes) != 3 || body.Inputs[2] != "s" || body.Values["s"].Shape.String() != "[1,8]" {
		t.Fatalf("body %+v", n.Attrs["body"])
	}
	if n.Attrs["alpha"] != float32(0.5) || strings.Join(n.Attrs["names"].([]string), ",") != "a,b" {
		t.Errorf("attrs %+v", n.Attrs)
	}
	if m := back.Consts["M"]; m == nil || m.Int64s()[0] != 3 {
		t.Errorf("M %+v", m)
	}
	if v := back.Values["x"]; v == nil || v.DType != graph.Float || v.Shape.String() != "[1,8]" {
		t.Errorf("x %+v", v)
	}
}

func TestLayerNames(t *testing.T) {
	g := graph.New("names")
	for _, n := range []struct{ name, op string }{
		{"conv1/Conv2D", "Conv"}, {"conv1/Conv2D/Transpose__3", "Transpose"}, {"conv2/Conv2D/Conv__1", "Conv"},
		{"/conv1/Conv", "Conv"}, {"/Relu", "Relu"}, {"MaxPool/MaxPool__1", "MaxPool"},
		{"rpn_conv/3x3/Conv2D", "Conv"}, {"/layer1/layer1.0/conv1/Conv", "Conv"},
		{"lstm_o/bidirectional_rnn/fw/fw/while/LSTM/LSTM", "LSTM"},
		// A SavedModel's inlined calls, ours and the Python converter's; Keras 3's lowercase conv op.
		{"StatefulPartitionedCall_1/f/StatefulPartitionedCall/f/sequential_1/conv_a_1/convolution/Conv__1", "Conv"},
		{"StatefulPartitionedCall/sequential/dense/MatMul", "MatMul"}, {"StatefulPartitionedCall_1/f/Relu", "Relu"},
	} {
		g.AddNode(&graph.Node{Name: n.name, Op: n.op})
	}
	want := []string{"conv1", "conv1", "conv2", "conv1", "Relu", "MaxPool", "rpn_conv/3x3", "layer1/layer1.0/conv1",
		"lstm_o/bidirectional_rnn/fw/fw/while", "sequential_1/conv_a_1", "sequential/dense", "Relu"}
	l := newLayerNamer(g, 0)
	for i, n := range g.Nodes {
		if got := l.layer(n); got != want[i] {
			t.Errorf("%s → %q, want %q", n.Name, got, want[i])
		}
	}
	l = newLayerNamer(g, 1)
	if got := l.layer(g.Nodes[8]); got != "lstm_o" {
		t.Errorf("depth 1: %q", got)
	}
}

func TestIfAndScan(t *testing.T) {
	branch := func(name string, k int64) *graph.Graph {
		b := graph.New(name)
		b.Consts[name+"_w"] = zeros(8, k)
		b.AddNode(&graph.Node{Name: name + "/MatMul", Op: "MatMul", Inputs: []string{"x", name + "_w"}, Outputs: []string{name + "_y"}})
		b.Outputs = []string{name + "_y"}
		return b
	}
	g := graph.New("if")
	g.Opset = 17
	g.Inputs = []string{"x", "c"}
	g.SetValue("x", graph.Float, graph.ShapeOf(1, 8))
	g.SetValue("c", graph.Bool, graph.ShapeOf())
	g.AddNode(&graph.Node{Name: "cond/If", Op: "If", Inputs: []string{"c"}, Outputs: []string{"y"},
		Attrs: map[string]any{"then_branch": branch("then", 4), "else_branch": branch("else", 16)}})
	g.Outputs = []string{"y"}
	rep, err := Analyze(g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := rep.Node("cond/If")
	if n.MACs != 8*16 || !strings.Contains(n.Note, "costlier branch (else_branch)") || n.Params != 8*4+8*16 {
		t.Errorf("If: %+v", n)
	}

	s := graph.New("scan")
	s.Opset = 17
	s.Inputs = []string{"seq"}
	s.SetValue("seq", graph.Float, graph.ShapeOf(7, 1, 8))
	s.Consts["w"] = zeros(8, 8)
	body := graph.New("body")
	body.Inputs = []string{"xt"}
	body.SetValue("xt", graph.Float, graph.ShapeOf(1, 8))
	body.AddNode(&graph.Node{Name: "step/MatMul", Op: "MatMul", Inputs: []string{"xt", "w"}, Outputs: []string{"yt"}})
	body.Outputs = []string{"yt"}
	s.AddNode(&graph.Node{Name: "scan/Scan", Op: "Scan", Inputs: []string{"seq"}, Outputs: []string{"ys"},
		Attrs: map[string]any{"body": body, "num_scan_inputs": int64(1)}})
	s.Outputs = []string{"ys"}
	rep, err = Analyze(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Node("scan/Scan"); n.MACs != 7*64 || !strings.Contains(n.Note, "× 7 iterations") {
		t.Errorf("Scan: %+v", n)
	}
}
