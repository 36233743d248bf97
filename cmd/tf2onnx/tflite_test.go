package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/onnxpb"
)

const tfliteFixture = "../../testdata/tflite/cnn_int8.tflite"

func TestTFLite(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.tflite", []byte("not a flatbuffer at all"))
	out := filepath.Join(dir, "m.onnx")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"converts", []string{"--tflite", tfliteFixture, "--output", out}, exitOK, ""},
		{"dequantize", []string{"--tflite", tfliteFixture, "--output", out, "--dequantize"}, exitOK, ""},
		{"both models", []string{"--tflite", tfliteFixture, "--graphdef", "x.pb", "--output", out}, exitUsage, "give one model"},
		{"bad file", []string{"--tflite", bad, "--output", out}, exitConvert, "no TFL3 identifier"},
		{"missing file", []string{"--tflite", filepath.Join(dir, "none.tflite"), "--output", out}, exitConvert, "none.tflite"},
		{"unknown output", []string{"--tflite", tfliteFixture, "--output", out, "--outputs", "StatefulPartitionedCall_1"},
			exitConvert, `did you mean "StatefulPartitionedCall_1:0"`},
		{"no output file", []string{"--tflite", tfliteFixture}, exitUsage, "--output is required"},
	} {
		os.Remove(out)
		code, _, stderr := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%s: exit %d (%q), want %d and %q", tc.name, code, stderr, tc.code, tc.stderr)
		}
		if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%s: more than one line on stderr: %q", tc.name, stderr)
		}
		if _, err := os.Stat(out); (err == nil) != (tc.code == exitOK) {
			t.Errorf("%s: output exists: %v, want %v", tc.name, err == nil, tc.code == exitOK)
		}
	}
	// The model keeps the TFLite tensor names and is a QDQ model.
	if code, _, stderr := runCLI("--tflite", tfliteFixture, "--output", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m := &onnxpb.ModelProto{}
	if err := proto.Unmarshal(data, m); err != nil {
		t.Fatal(err)
	}
	g := m.GetGraph()
	if got := g.GetInput()[0].GetName(); got != "serving_default_keras_tensor:0" {
		t.Errorf("input %q", got)
	}
	if got := g.GetOutput()[0].GetName(); got != "StatefulPartitionedCall_1:0" {
		t.Errorf("output %q", got)
	}
	ops := map[string]int{}
	for _, n := range g.GetNode() {
		ops[n.GetOpType()]++
	}
	if ops["QuantizeLinear"] == 0 || ops["DequantizeLinear"] == 0 || ops["Conv"] != 2 {
		t.Errorf("ops %v: want a QDQ model with two Convs", ops)
	}
}

// The cost pass counts an int8 model's weights as int8 parameters and its
// convolutions' MACs (5,364 for the fixture: 144 outputs × 27 + 144 × 9 + 5 × 36).
func TestTFLiteCost(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.onnx")
	code, stdout, stderr := runCLI("--tflite", tfliteFixture, "--output", out, "--cost")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"parameters       324 ", "MACs             5,364 ", "weights          int8 324 B"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the cost report lacks %q:\n%s", want, stdout)
		}
	}
}
