package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/onnxpb"
)

const smFixtures = "../../testdata/savedmodel"

func onnxNames(t *testing.T, path string) (ins, outs []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := &onnxpb.ModelProto{}
	if err := proto.Unmarshal(data, m); err != nil {
		t.Fatal(err)
	}
	for _, i := range m.Graph.Input {
		ins = append(ins, i.Name)
	}
	for _, o := range m.Graph.Output {
		outs = append(outs, o.Name)
	}
	return ins, outs
}

// The built binary converts a SavedModel on a PATH where python, python3
// and pip are decoys that leave a mark when run, with no PYTHONPATH or
// virtualenv: it never execs Python or TensorFlow.
func TestSavedModelWithoutPython(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("decoys are shell scripts")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "tf2onnx")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	decoys := filepath.Join(tmp, "bin")
	marker := filepath.Join(tmp, "ran")
	if err := os.Mkdir(decoys, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"python", "python3", "pip", "pip3", "saved_model_cli"} {
		script := "#!/bin/sh\necho \"$0 $*\" >> " + marker + "\nexit 1\n"
		if err := os.WriteFile(filepath.Join(decoys, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ fixture, ins, outs string }{
		{"tf1", "input", "output"},             // TF1 SavedModelBuilder
		{"module", "features", "logits,probs"}, // TF2 tf.Module (calls inlined)
	} {
		out := filepath.Join(tmp, c.fixture+".onnx")
		cmd := exec.Command(bin, "--saved-model", filepath.Join(smFixtures, c.fixture), "--output", out)
		cmd.Env = []string{"PATH=" + decoys, "HOME=" + tmp}
		msg, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tf2onnx %s: %v\n%s", c.fixture, err, msg)
		}
		if ran, err := os.ReadFile(marker); err == nil {
			t.Fatalf("the converter ran %s", ran)
		}
		ins, outs := onnxNames(t, out)
		if strings.Join(ins, ",") != c.ins || strings.Join(outs, ",") != c.outs {
			t.Errorf("%s: ONNX inputs %v, outputs %v; want the signature's keys", c.fixture, ins, outs)
		}
	}
}

// Flag errors and SavedModel errors: one line, exit 2 for the command
// line, 1 for the model, no output file.
func TestSavedModelFlags(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.onnx")
	tf1 := filepath.Join(smFixtures, "tf1")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--saved-model", tf1, "--graphdef", "x.pb", "--output", out}, 2, "--graphdef and --saved-model: give one model"},
		{[]string{"--saved-model", tf1, "--checkpoint", "m.meta", "--output", out}, 2, "--saved-model and --checkpoint: give one model"},
		{[]string{"--checkpoint", "m.meta", "--output", out}, 2, "--checkpoint needs --outputs"},
		{[]string{"--saved-model", tf1}, 2, "--output is required"},
		{[]string{"--saved-model", dir, "--output", out}, 1, "is not a SavedModel"},
		{[]string{"--saved_model", tf1, "--signature_def", "nope", "--output", out}, 1, `no signature "nope"; the SavedModel has serving_default`},
		{[]string{"--saved-model", tf1, "--tag", "train", "--output", out}, 1, "no meta graph with tags train"},
		{[]string{"--saved-model", tf1, "--outputs", "nope:0", "--output", out}, 1, "nope"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and one line with %q", c.args, code, stderr, c.code, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v: wrote %s", c.args, out)
		}
	}
	// --inputs/--outputs pick tensors of the graph and keep their names.
	code, _, stderr := runCLI("--saved-model", tf1, "--inputs", "x:0", "--outputs", "y:0", "--output", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if ins, outs := onnxNames(t, out); strings.Join(ins, ",") != "x:0" || strings.Join(outs, ",") != "y:0" {
		t.Errorf("ONNX inputs %v, outputs %v; want the graph's names", ins, outs)
	}
	// The cost pass reads the converted SavedModel.
	code, stdout, stderr := runCLI("--saved-model", tf1, "--output", out, "--cost")
	if code != 0 || !strings.Contains(stdout, "Total") || !strings.Contains(stdout, "parameters       15") {
		t.Fatalf("--cost: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// A checkpoint with its tensors named.
	ck := filepath.Join(smFixtures, "partitioned", "model.ckpt.meta")
	code, _, stderr = runCLI("--checkpoint", ck, "--inputs", "x:0", "--outputs", "y:0", "--output", out)
	if code != 0 {
		t.Fatalf("checkpoint: exit %d: %s", code, stderr)
	}
}
