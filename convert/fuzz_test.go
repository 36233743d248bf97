package convert

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Seeds under testdata/seeds are small frozen graphs of parity cases (made
// by the suite's own builders), each with a .io file naming its inputs and
// outputs: loops, conds, an LSTM, convs, resizes, dynamic reshapes.
func seeds(t testing.TB) map[string][2]string {
	files, _ := filepath.Glob("testdata/seeds/*.pb")
	out := map[string][2]string{}
	for _, f := range files {
		io, err := os.ReadFile(f + ".io")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(io)), "\n")
		out[f] = [2]string{lines[0], lines[1]}
	}
	if len(out) == 0 {
		t.Fatal("no seeds in testdata/seeds")
	}
	return out
}

func convertBytes(data []byte, ins, outs string, opset int) error {
	gd, err := frozen.Parse("seed.pb", data)
	if err != nil {
		return err
	}
	in, err := frozen.ParseSpecs(ins)
	if err != nil {
		return err
	}
	out, err := frozen.ParseSpecs(outs)
	if err != nil {
		return err
	}
	_, _, err = GraphDef(context.Background(), gd, Options{Inputs: in, Outputs: out, Opset: opset, Debug: true})
	return err
}

// TestSeedsConvert: every seed converts at the lowest and highest opset
// with the verifier on after each pass.
func TestSeedsConvert(t *testing.T) {
	for f, io := range seeds(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, opset := range []int{13, 21} {
			if err := convertBytes(append([]byte(nil), data...), io[0], io[1], opset); err != nil {
				t.Errorf("%s at opset %d: %v", filepath.Base(f), opset, err)
			}
		}
	}
}

// FuzzConvert: mutated graphs either convert or fail with an error; no
// pass panics, and no error is an internal one (graph.ErrInternal: a pass
// broke the graph, a rule failed on its own) — either would be a bug a user
// sees as exit code 4. The verifier runs after every stage (Debug); flags
// picks boundary options: bit 0 renames the outputs, bit 1 asks the first
// output as NCHW, bit 2 targets opset 13 instead of 21, bit 3 keeps
// unsupported ops.
func FuzzConvert(f *testing.F) {
	for p, io := range seeds(f) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, io[0], io[1], uint8(0))
		f.Add(data, io[0], io[1], uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, ins, outs string, flags uint8) {
		gd, err := frozen.Parse("seed.pb", data)
		if err != nil {
			return
		}
		in, err1 := frozen.ParseSpecs(ins)
		out, err2 := frozen.ParseSpecs(outs)
		if err1 != nil || err2 != nil || len(out) > 8 {
			return
		}
		opts := Options{Inputs: in, Outputs: out, Opset: 21, Debug: true, ContinueOnError: flags&8 != 0}
		if flags&1 != 0 {
			for i := range out {
				opts.RenameOutputs = append(opts.RenameOutputs, fmt.Sprintf("out%d", i))
			}
		}
		if flags&2 != 0 && len(out) > 0 {
			opts.OutputsAsNCHW = []string{out[0].Tensor()}
		}
		if flags&4 != 0 {
			opts.Opset = 13
		}
		_, _, err = GraphDef(context.Background(), gd, opts)
		if errors.Is(err, graph.ErrInternal) {
			t.Fatalf("internal error: %v", err)
		}
	})
}
