package pb

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// versionLine matches the generator's header lines that name tool versions,
// which may differ between machines without the code differing.
var versionLine = regexp.MustCompile(`(?m)^// \s*(protoc|protoc-gen-go) .*$`)

// TestGeneratedIsFresh regenerates the Go code from proto/ into a temp
// folder and fails when the committed files differ (run `make generate`).
func TestGeneratedIsFresh(t *testing.T) {
	if _, err := exec.LookPath("protoc"); err != nil {
		t.Skip("protoc is not installed; cannot check that the generated code is fresh")
	}
	if _, err := exec.LookPath("protoc-gen-go"); err != nil {
		t.Skip("protoc-gen-go is not on PATH; cannot check that the generated code is fresh")
	}
	out := t.TempDir()
	cmd := exec.Command("protoc", "--proto_path=../../proto", "--go_out="+out,
		"--go_opt=module=github.com/tf2onnx-go/tf2onnx/internal/pb",
		"tensorflow/graph.proto", "tensorflow/saved_model.proto", "tensorflow/saved_object_graph.proto",
		"tensorflow/trackable_object_graph.proto", "tensorflow/tensor_bundle.proto", "onnx/onnx.proto")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("protoc: %v\n%s", err, msg)
	}
	for _, f := range []string{"tfpb/graph.pb.go", "tfpb/saved_model.pb.go", "tfpb/saved_object_graph.pb.go",
		"tfpb/trackable_object_graph.pb.go", "tfpb/tensor_bundle.pb.go", "onnxpb/onnx.pb.go"} {
		fresh, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fresh = versionLine.ReplaceAll(fresh, nil)
		committed = versionLine.ReplaceAll(committed, nil)
		if !bytes.Equal(fresh, committed) {
			t.Errorf("%s is stale: run `make generate` and commit the result", f)
		}
	}
}
