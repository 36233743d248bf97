package tflite

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedIsFresh regenerates fb/ from fb/tflite.fbs into a temp folder
// and fails when the committed files differ (run `go generate ./tflite`).
func TestGeneratedIsFresh(t *testing.T) {
	if _, err := exec.LookPath("flatc"); err != nil {
		t.Skip("flatc is not installed; cannot check that the generated code is fresh")
	}
	out := t.TempDir()
	if msg, err := exec.Command("flatc", "--go", "-o", out, "fb/tflite.fbs").CombinedOutput(); err != nil {
		t.Fatalf("flatc: %v\n%s", err, msg)
	}
	fresh, _ := filepath.Glob(filepath.Join(out, "fb", "*.go"))
	committed, _ := filepath.Glob(filepath.Join("fb", "*.go"))
	if len(fresh) != len(committed) {
		t.Fatalf("flatc makes %d files, fb/ holds %d: run `go generate ./tflite` and commit the result", len(fresh), len(committed))
	}
	for _, f := range fresh {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		have, err := os.ReadFile(filepath.Join("fb", filepath.Base(f)))
		if err != nil {
			t.Fatalf("%s is missing: run `go generate ./tflite`", filepath.Base(f))
		}
		if !bytes.Equal(want, have) {
			t.Errorf("fb/%s is stale: run `go generate ./tflite` and commit the result", filepath.Base(f))
		}
	}
}
