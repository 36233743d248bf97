package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMalformedCorpus: every file of testdata/malformed/ (see gen.go there)
// handed to --graphdef exits 1 with exactly one stderr line that names the
// file and the problem, and leaves no output file and no temp file.
func TestMalformedCorpus(t *testing.T) {
	want := map[string]string{
		"empty.pb":                     "the file is empty",
		"noise.pb":                     "cannot parse as a binary GraphDef, the file is corrupt or truncated",
		"truncated_first_node.pb":      "the file is corrupt or truncated",
		"truncated_in_weights.pb":      "the file is corrupt or truncated",
		"truncated_last_byte.pb":       "the file is corrupt or truncated",
		"text_garbage.pbtxt":           "cannot parse as a text GraphDef",
		"saved_model.pb":               "SavedModel",
		"model.onnx":                   "this is an ONNX model, not a TensorFlow GraphDef",
		"size_mismatch.pb":             `node "c": constant of type float32 and shape [4] needs 16 bytes but tensor_content holds 10`,
		"lying_const.pb":               `node "c": 4 bytes for 2^40 float32 elements`,
		"size_overflow.pb":             `node "c": constant of shape [4611686018427387905] has more than 2^63 bytes`,
		"unknown_dtype.pb":             `node "c": constant of type DT_RESOURCE has no ONNX equivalent`,
		"unknown_dtype_placeholder.pb": "cannot tell the dtype of x:0",
		"cycle.pb":                     `the graph has a cycle through node`,
		"dangling_input.pb":            `node "y" reads "ghost", which is not in the graph`,
		"duplicate_names.pb":           `node "y" is defined twice`,
		"huge_output_index.pb":         `reads output 2147483647 of node "x"; no TensorFlow op has that many outputs`,
		"function_recursion.pb":        `function "f" calls itself`,
	}
	src := filepath.Join("..", "..", "testdata", "malformed")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".py") {
			continue
		}
		seen++
		problem, ok := want[name]
		if !ok {
			t.Errorf("%s: not in the table; say what its error must name", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "m.onnx")
			path := filepath.Join(src, name)
			code, stdout, stderr := runCLI("--graphdef", path, "--inputs", "x:0", "--outputs", "y:0", "--output", out)
			if code != exitConvert {
				t.Errorf("exit %d, want 1 (stderr %q)", code, stderr)
			}
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.Contains(stderr, path) || !strings.Contains(stderr, problem) {
				t.Errorf("stderr %q: want one line naming %s and %q", stderr, path, problem)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			left, _ := os.ReadDir(dir)
			for _, f := range left {
				t.Errorf("left behind: %s", f.Name())
			}
		})
	}
	if seen != len(want) {
		t.Errorf("%d corpus files for %d table entries", seen, len(want))
	}
}
