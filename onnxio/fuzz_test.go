package onnxio_test

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

// modelSeeds converts the convert package's seed graphs (loops, conds,
// LSTMs, convs) and returns the ONNX bytes: small models with subgraphs,
// initializers and value_info for the reader's fuzzer to mutate.
func modelSeeds(f *testing.F) [][]byte {
	files, _ := filepath.Glob("../convert/testdata/seeds/*.pb")
	var out [][]byte
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil || len(data) > 16<<10 {
			continue
		}
		io, err := os.ReadFile(p + ".io")
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(io)), "\n")
		gd, err := frozen.Parse(p, data)
		if err != nil {
			f.Fatal(err)
		}
		in, _ := frozen.ParseSpecs(lines[0])
		outs, _ := frozen.ParseSpecs(lines[1])
		m, _, err := convert.GraphDef(context.Background(), gd, convert.Options{Inputs: in, Outputs: outs})
		if err != nil {
			f.Fatal(err)
		}
		mp, err := onnxio.ToProto(m.Graph, onnxio.ModelInfo{Producer: "seed", Opset: m.Opset})
		if err != nil {
			f.Fatal(err)
		}
		b, err := proto.Marshal(mp)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		f.Fatal("no seeds")
	}
	return out
}

// FuzzReadModel: no byte string makes the ONNX reader panic.
func FuzzReadModel(f *testing.F) {
	for _, b := range modelSeeds(f) {
		f.Add(b, int64(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, maxData int64) {
		_, _, _ = onnxio.Parse(data, onnxio.ReadOptions{MaxDataBytes: maxData})
	})
}
