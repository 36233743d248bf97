package cost

import (
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/onnxio"
)

func readLeNet(t *testing.T) *graph.Graph {
	t.Helper()
	g, info, err := onnxio.ReadFile("../testdata/lenet/lenet_torch.onnx", onnxio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Opset != 11 || g.Opset != 11 {
		t.Fatalf("opset %d/%d, want 11", info.Opset, g.Opset)
	}
	return g
}

type layerWant struct {
	name   string
	params int64
	macs   int64
	pct    string // share of the MAC total, as the report prints it
}

func checkLayers(t *testing.T, rep *Report, want []layerWant) {
	t.Helper()
	for _, w := range want {
		l := rep.Layer(w.name)
		if l == nil {
			t.Errorf("no layer %q", w.name)
			continue
		}
		if l.Params != w.params || l.MACTotal != w.macs || pctString(l.MACsPct) != w.pct {
			t.Errorf("layer %s: params %d, MACs %d (%s); want %d, %d (%s)", w.name, l.Params, l.MACTotal,
				pctString(l.MACsPct), w.params, w.macs, w.pct)
		}
	}
}

// The ptflops example network, exported from PyTorch: the default
// convention gives ptflops' numbers exactly (testdata/lenet/ptflops_report.txt).
func TestLeNetTorchPtflops(t *testing.T) {
	rep, err := Analyze(readLeNet(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkLayers(t, rep, []layerWant{
		{"conv1", 260, 149760, "11.20%"},
		{"conv2", 1820, 182000, "13.61%"},
		{"fc1", 1000500, 1000500, "74.82%"},
		{"fc2", 5010, 5010, "0.37%"},
	})
	tot := rep.Totals
	if tot.Params != 1007590 || tot.MACs != 1337270 || tot.MACTotal != 1337270 || tot.FLOPs != 2*1337270 {
		t.Errorf("totals: params %d, MACs %d, MAC total %d, FLOPs %d", tot.Params, tot.MACs, tot.MACTotal, tot.FLOPs)
	}
	if got := human(float64(tot.Params), "", "k"); got != "1.01 M" {
		t.Errorf("params print as %q, want 1.01 M", got)
	}
	if got := human(float64(tot.MACs), "Mac", "K"); got != "1.34 MMac" {
		t.Errorf("MACs print as %q, want 1.34 MMac", got)
	}
	// Bias adds: conv1 10·24·24, conv2 20·10·10, fc1 500, fc2 10.
	if tot.BiasMACs != 5760+2000+500+10 {
		t.Errorf("bias MACs %d", tot.BiasMACs)
	}
	// ReLU per element, max_pool2d per input element.
	if tot.OtherOps != 5760+5760+2000+500 {
		t.Errorf("other ops %d, want 14,020", tot.OtherOps)
	}
	// ptflops has no rule for log_softmax: listed, not counted.
	if len(rep.NoRule) != 1 || rep.NoRule[0].Op != "LogSoftmax" || rep.NoRule[0].Ops != 10 {
		t.Errorf("no-rule list %+v", rep.NoRule)
	}
	if len(rep.Uncounted) != 0 {
		t.Errorf("uncounted: %+v", rep.Uncounted)
	}
	if n := rep.Node("/fc1/Add"); n == nil || n.Kind != KindBias || n.MACs != 500 {
		t.Errorf("/fc1/Add: %+v", n)
	}
	if n := rep.Node("/conv1/Conv"); n == nil || n.Params != 260 || n.Layer != "conv1" {
		t.Errorf("/conv1/Conv: %+v", n)
	}
	if rep.Batch != nil {
		t.Errorf("a static model has no batch formula")
	}
}

// ptflops' functional mode (count_functional=True) adds ReLU per element
// and max_pool2d per input element: 1,351,290, and the layer shares drop.
func TestLeNetTorchCountAll(t *testing.T) {
	rep, err := Analyze(readLeNet(t), Options{CountAll: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Totals.MACTotal; got != 1351290 {
		t.Errorf("MAC total with --count-all %d, want 1,351,290", got)
	}
	if got := rep.Totals.FLOPs; got != 2*1337270+14020 {
		t.Errorf("FLOPs %d", got)
	}
	// ptflops_report.txt, run 2: 11.083%, 13.469%, 74.040%, 0.371%.
	checkLayers(t, rep, []layerWant{
		{"conv1", 260, 149760, "11.08%"},
		{"conv2", 1820, 182000, "13.47%"},
		{"fc1", 1000500, 1000500, "74.04%"},
		{"fc2", 5010, 5010, "0.37%"},
		{"Relu", 0, 5760, "0.43%"},
		{"MaxPool", 0, 5760, "0.43%"},
	})
}

func TestLeNetTorchNoBias(t *testing.T) {
	for _, conv := range []string{"fvcore", "thop"} {
		rep, err := Analyze(readLeNet(t), Options{Convention: conv})
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Totals.MACs; got != 1337270-8270 {
			t.Errorf("%s: MACs %d, want %d", conv, got, 1337270-8270)
		}
		if l := rep.Layer("conv1"); l.MACs != 10*24*24*25 {
			t.Errorf("%s: conv1 MACs %d, want 144,000", conv, l.MACs)
		}
		// Without ptflops' tables, LogSoftmax is counted as an other op.
		if len(rep.NoRule) != 0 || rep.Totals.OtherOps != 14020+10 {
			t.Errorf("%s: other ops %d, no-rule %+v", conv, rep.Totals.OtherOps, rep.NoRule)
		}
	}
	yes := true
	rep, err := Analyze(readLeNet(t), Options{Convention: "thop", Bias: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals.MACs != 1337270 {
		t.Errorf("thop with --bias: %d", rep.Totals.MACs)
	}
}

func TestLeNetTorchFormats(t *testing.T) {
	rep, err := Analyze(readLeNet(t), Options{Model: "lenet_torch.onnx", FPS: 100, Device: "t4"})
	if err != nil {
		t.Fatal(err)
	}
	text, err := Render(rep, "text", FormatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"conv1", "149,760", "11.20%", "1,007,590 (1.01 M)", "1,337,270 (1.34 MMac)",
		"Roofline on t4", "Required at 100 runs/s"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	md, err := Render(rep, "markdown", FormatOptions{PerNode: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| `conv1` | Conv | [1,10,24,24] | 260 | 0.03% | 149,760 | 11.20% |") {
		t.Errorf("markdown:\n%s", md)
	}
	if _, err := Render(rep, "yaml", FormatOptions{}); err == nil {
		t.Error("an unknown format must fail")
	}
}
