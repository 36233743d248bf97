// Package fuzzseed gives the fuzz tests of the ONNX side (the reader, the
// cost pass) their seeds: the convert package's small seed graphs (loops,
// conds, LSTMs, convs), converted and serialized as ONNX models. It exists
// only for tests.
package fuzzseed

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/convert"
	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/onnxio"
)

// ONNXModels converts every seed graph of at most 16 kB under dir (a .pb
// with a .io file whose two lines are its inputs and outputs) and returns
// the ONNX models' bytes.
func ONNXModels(tb testing.TB, dir string) [][]byte {
	files, _ := filepath.Glob(filepath.Join(dir, "*.pb"))
	var out [][]byte
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil || len(data) > 16<<10 {
			continue
		}
		io, err := os.ReadFile(p + ".io")
		if err != nil {
			tb.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(io)), "\n")
		gd, err := frozen.Parse(p, data)
		if err != nil {
			tb.Fatal(err)
		}
		in, _ := frozen.ParseSpecs(lines[0])
		outs, _ := frozen.ParseSpecs(lines[1])
		m, _, err := convert.GraphDef(context.Background(), gd, convert.Options{Inputs: in, Outputs: outs})
		if err != nil {
			tb.Fatal(err)
		}
		mp, err := onnxio.ToProto(m.Graph, onnxio.ModelInfo{Producer: "seed", Opset: m.Opset})
		if err != nil {
			tb.Fatal(err)
		}
		b, err := proto.Marshal(mp)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		tb.Fatalf("no seed graphs in %s", dir)
	}
	return out
}
