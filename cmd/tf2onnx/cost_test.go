package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/cost"
)

func costCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"tf2onnx"}, args...), &out, &errb)
	return out.String(), errb.String(), code
}

func readReport(t *testing.T, path string) *cost.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep cost.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if rep.Schema != "tf2onnx-cost" || rep.SchemaVersion != cost.SchemaVersion {
		t.Fatalf("schema %q v%d", rep.Schema, rep.SchemaVersion)
	}
	return &rep
}

type lenetLayer struct {
	name         string
	params, macs int64
	pct          string
}

var lenetLayers = []lenetLayer{
	{"conv1", 260, 149760, "11.20"},
	{"conv2", 1820, 182000, "13.61"},
	{"fc1", 1000500, 1000500, "74.82"},
	{"fc2", 5010, 5010, "0.37"},
}

func checkLeNet(t *testing.T, rep *cost.Report) {
	t.Helper()
	for _, w := range lenetLayers {
		l := rep.Layer(w.name)
		if l == nil {
			t.Errorf("no layer %s; layers: %v", w.name, layerNames(rep))
			continue
		}
		if got := fmt.Sprintf("%.2f", l.MACsPct); l.Params != w.params || l.MACs != w.macs || got != w.pct {
			t.Errorf("layer %s: %d params, %d MACs (%s%%); want %d, %d (%s%%)", w.name, l.Params, l.MACs,
				got, w.params, w.macs, w.pct)
		}
	}
	if rep.Totals.Params != 1007590 || rep.Totals.MACs != 1337270 {
		t.Errorf("totals: %d params, %d MACs", rep.Totals.Params, rep.Totals.MACs)
	}
}

func layerNames(rep *cost.Report) []string {
	var out []string
	for _, l := range rep.Layers {
		out = append(out, l.Name)
	}
	return out
}

func TestCostCommandLeNetTorch(t *testing.T) {
	out, errs, code := costCLI(t, "cost", "../../testdata/lenet/lenet_torch.onnx")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"conv1", "149,760", "11.20%", "13.61%", "74.82%", "0.37%",
		"1,007,590 (1.01 M)", "1,337,270 (1.34 MMac)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	dir := t.TempDir()
	js := filepath.Join(dir, "lenet.json")
	// Flags after the model path work too.
	out, errs, code = costCLI(t, "cost", "../../testdata/lenet/lenet_torch.onnx", "--format", "json", "--cost-out", js, "--count-all")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "written to "+js) {
		t.Errorf("stdout %q", out)
	}
	rep := readReport(t, js)
	if rep.Totals.MACTotal != 1351290 || !rep.Convention.CountAll {
		t.Errorf("--count-all: MAC total %d", rep.Totals.MACTotal)
	}
	for _, f := range []string{"csv", "markdown", "text"} {
		if _, errs, code := costCLI(t, "cost", "--format", f, "--device", "t4", "--fps", "30", "../../testdata/lenet/lenet_torch.onnx"); code != 0 {
			t.Errorf("--format %s: exit %d: %s", f, code, errs)
		}
	}
	for _, bad := range [][]string{
		{"cost", "--format", "yaml", "../../testdata/lenet/lenet_torch.onnx"},
		{"cost", "--convention", "mine", "../../testdata/lenet/lenet_torch.onnx"},
		{"cost", "--device", "abacus", "../../testdata/lenet/lenet_torch.onnx"},
		{"cost", "--peak-gflops", "100", "../../testdata/lenet/lenet_torch.onnx"},
		{"cost", "--shape", "nosuch=1x2", "../../testdata/lenet/lenet_torch.onnx"},
		{"cost", "--shape", "input=1xAx28x28", "../../testdata/lenet/lenet_torch.onnx"},
		{"cost"},
	} {
		if _, errs, code := costCLI(t, bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", bad, code, exitUsage, errs)
		}
	}
	if _, _, code := costCLI(t, "cost", filepath.Join(dir, "missing.onnx")); code != exitConvert {
		t.Errorf("a missing model: exit %d", code)
	}
}

// The same network written in TensorFlow (NHWC), converted by this tool,
// gives the same per-layer numbers, layers named by TF scope.
func TestConvertCostLeNetTF(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "lenet_tf.json")
	out, errs, code := costCLI(t, "--graphdef", "../../testdata/lenet/lenet_tf.pb", "--inputs", "Placeholder:0",
		"--outputs", "output:0", "--output", filepath.Join(dir, "lenet_tf.onnx"), "--cost", "--cost-out", js, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"schema": "tf2onnx-cost"`) {
		t.Errorf("--cost must print the report too:\n%s", out)
	}
	checkLeNet(t, readReport(t, js))
	// And the ONNX file written, costed on its own, agrees.
	js2 := filepath.Join(dir, "lenet_tf2.json")
	if _, errs, code := costCLI(t, "cost", "--format", "json", "--cost-out", js2, filepath.Join(dir, "lenet_tf.onnx")); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	checkLeNet(t, readReport(t, js2))
}

// CTPN at 1×600×600×3: every layer's count equals one computed here from
// the layer shapes.
func TestCostCTPN(t *testing.T) {
	if testing.Short() {
		t.Skip("converts a 72 MB model")
	}
	dir := t.TempDir()
	js := filepath.Join(dir, "ctpn.json")
	_, errs, code := costCLI(t, "--graphdef", "../../testdata/ctpn/ctpn.pb", "--inputs", "Placeholder:0",
		"--outputs", "Reshape_2:0,rpn_bbox_pred/Reshape_1:0", "--output", filepath.Join(dir, "ctpn.onnx"),
		"--cost-out", js, "--format", "json", "--shape", "Placeholder:0=1x600x600x3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rep := readReport(t, js)
	if rep.Totals.Params != 17893244 {
		t.Errorf("params %d, want 17,893,244", rep.Totals.Params)
	}
	if len(rep.Uncounted) != 0 {
		t.Errorf("uncounted: %+v", rep.Uncounted)
	}

	// VGG16 convs and the rpn conv: 3×3 SAME, stride 1; 2×2 VALID pools.
	type conv struct {
		name      string
		cin, cout int64
	}
	blocks := [][]conv{
		{{"conv1_1", 3, 64}, {"conv1_2", 64, 64}},
		{{"conv2_1", 64, 128}, {"conv2_2", 128, 128}},
		{{"conv3_1", 128, 256}, {"conv3_2", 256, 256}, {"conv3_3", 256, 256}},
		{{"conv4_1", 256, 512}, {"conv4_2", 512, 512}, {"conv4_3", 512, 512}},
		{{"conv5_1", 512, 512}, {"conv5_2", 512, 512}, {"conv5_3", 512, 512}, {"rpn_conv/3x3", 512, 512}},
	}
	h, w := int64(600), int64(600)
	var convNoBias, total int64
	for bi, block := range blocks {
		for _, c := range block {
			outputs := h * w * c.cout
			macs := outputs*(9*c.cin) + outputs // + one add per output for the bias
			convNoBias += outputs * 9 * c.cin
			total += macs
			l := rep.Layer(c.name)
			if l == nil {
				t.Errorf("no layer %s", c.name)
				continue
			}
			if l.MACs != macs || l.Params != 9*c.cin*c.cout+c.cout {
				t.Errorf("%s: %d MACs, %d params; want %d, %d", c.name, l.MACs, l.Params, macs, 9*c.cin*c.cout+c.cout)
			}
		}
		if bi < 4 {
			h, w = h/2, w/2
		}
	}
	if convNoBias != 113074384896 {
		t.Errorf("the convolutions before bias: %d, want 113,074,384,896", convNoBias)
	}
	// The bidirectional LSTM runs over the rows: batch N·H' = 37 sequences
	// of W' = 37 steps of 512 inputs, hidden 128 (docs/cost.md):
	// per step and direction 4·H·(I+H) + 10·H gate ops + 4·H bias adds
	// (TensorFlow's cell has one bias; ONNX's Rb is all zeros).
	const hid, in = 128, 512
	lstm := int64(2*37*37) * (4*hid*(in+hid) + 10*hid + 4*hid)
	var lstmLayer *cost.Layer
	for _, n := range rep.Nodes {
		if n.Op == "LSTM" {
			lstmLayer = rep.Layer(n.Layer)
		}
	}
	if lstmLayer == nil {
		t.Fatalf("no LSTM node; layers %v", layerNames(rep))
	}
	if lstmLayer.MACs != lstm || lstmLayer.Params != 2*(4*hid*(in+hid)+4*hid) {
		t.Errorf("LSTM layer %s: %d MACs, %d params; want %d, %d", lstmLayer.Name, lstmLayer.MACs, lstmLayer.Params,
			lstm, 2*(4*hid*(in+hid)+4*hid))
	}
	total += lstm
	// Dense layers on the 37·37 positions: the LSTM output projection and
	// the two heads.
	rows := int64(37 * 37)
	for _, d := range []struct {
		name    string
		in, out int64
	}{{"lstm_o", 256, 512}, {"rpn_bbox_pred", 512, 40}, {"rpn_cls_score", 512, 20}} {
		macs := rows*d.out*d.in + rows*d.out
		total += macs
		if l := rep.Layer(d.name); l == nil || l.MACs != macs || l.Params != d.in*d.out+d.out {
			t.Errorf("%s: %+v; want %d MACs, %d params", d.name, l, macs, d.in*d.out+d.out)
		}
	}
	if rep.Totals.MACs != total {
		t.Errorf("total MACs %d, want %d", rep.Totals.MACs, total)
	}
}

func TestCostUnknownDims(t *testing.T) {
	dir := t.TempDir()
	_, errs, code := costCLI(t, "--graphdef", "../../testdata/ctpn/ctpn_narrow.pb", "--inputs", "Placeholder:0",
		"--outputs", "Reshape_2:0,rpn_bbox_pred/Reshape_1:0", "--output", filepath.Join(dir, "n.onnx"), "--cost")
	if code != exitUsage || !strings.Contains(errs, "dim 1 is unknown") || !strings.Contains(errs, "--shape Placeholder:0=") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestCostBatchFormulaCLI(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "narrow.json")
	_, errs, code := costCLI(t, "--graphdef", "../../testdata/ctpn/ctpn_narrow.pb", "--inputs", "Placeholder:0",
		"--outputs", "Reshape_2:0,rpn_bbox_pred/Reshape_1:0", "--output", filepath.Join(dir, "n.onnx"),
		"--cost-out", js, "--format", "json", "--shape", "Placeholder:0=Nx64x96x3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rep := readReport(t, js)
	if rep.Batch == nil || !rep.Batch.Linear || rep.Batch.MACs.Const != 0 || rep.Batch.MACs.PerN != rep.Totals.MACs {
		t.Fatalf("batch formula %+v (MACs at N=1: %d)", rep.Batch, rep.Totals.MACs)
	}
	if rep.Totals.Params != 72224 {
		t.Errorf("narrow CTPN params %d, want 72,224", rep.Totals.Params)
	}
}

func TestParseShapes(t *testing.T) {
	got, err := parseShapes([]string{"Placeholder:0=1x600x600x3", "b=[N,3]", "c=2,3"})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "map[Placeholder:0:[1 600 600 3] b:[-1 3] c:[2 3]]" {
		t.Errorf("%v", got)
	}
	for _, bad := range []string{"x", "=1x2", "a=1xNx3", "a=0x3", "a=1xfoo"} {
		if _, err := parseShapes([]string{bad}); err == nil {
			t.Errorf("%q must fail", bad)
		}
	}
}
