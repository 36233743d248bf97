package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/convert"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// TestExitCodes asserts the README's exit-code table, one row per cause it
// names: the code, exactly one line on stderr, and no model written (nor a
// temp file left) unless the conversion succeeded.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.pb", binaryGraph(t, goodPbtxt))
	nhwc := writeFile(t, dir, "nhwc.pbtxt", []byte(`
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "shape" value { shape { dim { size: 1 } dim { size: 3 } } } } }
node { name: "y" op: "Relu" input: "x" attr { key: "T" value { type: DT_FLOAT } } }`))
	unsup := writeFile(t, dir, "unsup.pbtxt", []byte(goodPbtxt+`node { name: "f" op: "FancyOp" input: "output" }`))
	internal := func(context.Context, *tfpb.GraphDef, convert.Options) (*convert.Model, convert.Diagnostics, error) {
		return nil, convert.Diagnostics{}, fmt.Errorf("%w after pass transpose: node %q reads %q before it is defined", graph.ErrInternal, "t", "v")
	}
	panics := func(context.Context, *tfpb.GraphDef, convert.Options) (*convert.Model, convert.Diagnostics, error) {
		var m map[string]int
		m["boom"] = 1 // a nil map write, as a bug would
		return nil, convert.Diagnostics{}, nil
	}
	base := []string{"--graphdef", good, "--inputs", "x:0", "--outputs", "output:0"}
	with := func(extra ...string) []string { return append(append([]string(nil), base...), extra...) }
	tests := []struct {
		name string
		args []string
		fake func(context.Context, *tfpb.GraphDef, convert.Options) (*convert.Model, convert.Diagnostics, error)
		code int
		want string
	}{
		{"converted", with(), nil, 0, ""},
		// 1: the model cannot be read or converted.
		{"bad file", []string{"--graphdef", unsup + ".missing", "--outputs", "y:0"}, nil, 1, "no such file"},
		{"unknown node", []string{"--graphdef", good, "--inputs", "x:0", "--outputs", "nope:0"}, nil, 1, `no node named "nope"`},
		{"unsupported ops", []string{"--graphdef", unsup, "--inputs", "x:0", "--outputs", "f:0"}, nil, 1, `FancyOp ×1 (e.g. "f")`},
		// 2: bad command line, including options that cannot apply as given.
		{"unknown flag", with("--frobnicate"), nil, 2, "frobnicate"},
		{"tensor spec", []string{"--graphdef", good, "--inputs", "x:0[1,a]", "--outputs", "output:0"}, nil, 2, "bad tensor spec"},
		{"opset", with("--opset", "99"), nil, 2, "--opset 99 is not supported"},
		{"output listed twice", []string{"--graphdef", good, "--inputs", "x:0", "--outputs", "output:0,output"}, nil, 2, "--outputs: output:0 is listed twice"},
		{"rename count", with("--rename-outputs", "a,b"), nil, 2, "--rename-outputs: 2 names for 1 outputs"},
		{"rename collision", with("--rename-outputs", "x:0"), nil, 2, "--rename-outputs: x:0 would name both input x:0 and output output:0"},
		{"nchw rank", []string{"--graphdef", nhwc, "--inputs", "x:0", "--outputs", "y:0", "--inputs-as-nchw", "x:0"}, nil, 2, "--inputs-as-nchw: x:0 has shape [1,3]; only rank-4 inputs can be NCHW"},
		{"nchw not an output", with("--outputs-as-nchw", "x:0"), nil, 2, "--outputs-as-nchw: x:0 is not among --outputs"},
		{"cost convention", with("--cost", "--convention", "bogus"), nil, 2, "--convention"},
		{"cost format", with("--cost", "--format", "yaml"), nil, 2, `--format "yaml"`},
		{"cost shape", with("--cost", "--shape", "x:0=1xq"), nil, 2, "--shape"},
		{"dump-after name", with("--dump-after", "trnaspose"), nil, 2, `--dump-after: no pass is called "trnaspose"; choose one of extract,`},
		{"extra opset", with("--extra-opset", "contrib"), nil, 2, "--extra-opset"},
		// 3: the output cannot be written.
		{"output dir", with("--output", filepath.Join(dir, "no", "such", "m.onnx")), nil, 3, "no such file or directory"},
		// 4: internal errors, detected or recovered.
		{"internal error", with(), internal, 4, "internal error after pass transpose"},
		{"panic", with(), panics, 4, "internal error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fake != nil {
				convertGraphDef = tc.fake
				defer func() { convertGraphDef = convert.GraphDef }()
			}
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".onnx")
			args := tc.args
			if !strings.Contains(strings.Join(args, " "), "--output ") {
				args = append(args, "--output", out)
			}
			code, _, stderr := runCLI(args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			_, statErr := os.Stat(out)
			if tc.code == 0 {
				if statErr != nil || stderr != "" {
					t.Errorf("no model written (%v) or stderr %q", statErr, stderr)
				}
				return
			}
			if statErr == nil {
				t.Errorf("model %s written despite exit %d", out, code)
			}
			if lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n"); len(lines) != 1 {
				t.Errorf("stderr has %d lines, want 1: %q", len(lines), stderr)
			}
			if !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "goroutine ") {
				t.Errorf("stderr %q, want it to contain %q and no stack", stderr, tc.want)
			}
			if tc.code == 4 && !strings.Contains(stderr, "please report") {
				t.Errorf("internal error does not ask for a report: %q", stderr)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("temp file left behind: %s", e.Name())
				}
			}
		})
	}
}
