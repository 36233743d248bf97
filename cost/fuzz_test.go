package cost_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/convert"
	"github.com/tf2onnx-go/tf2onnx/cost"
	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/onnxio"
)

// FuzzCost: any ONNX bytes the reader accepts go through the cost pass and
// every report format without a panic. Seeds: the convert package's seed
// graphs converted (loops, conds, LSTMs, convs); dim fixes every unknown
// input dim.
func FuzzCost(f *testing.F) {
	files, _ := filepath.Glob("../convert/testdata/seeds/*.pb")
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
		f.Add(b, uint8(3), "ptflops")
	}
	f.Fuzz(func(t *testing.T, data []byte, dim uint8, convention string) {
		g, _, err := onnxio.Parse(data, onnxio.ReadOptions{MaxDataBytes: 1 << 10})
		if err != nil {
			return
		}
		shapes := map[string][]int64{}
		for _, in := range g.Inputs {
			s := g.ShapeOf(in)
			if !s.Known {
				continue
			}
			d := make([]int64, len(s.Dims))
			for i, x := range s.Dims {
				d[i] = x.Size
				if d[i] < 0 {
					d[i] = int64(dim)
				}
			}
			shapes[in] = d
		}
		rep, err := cost.Analyze(g, cost.Options{Convention: convention, Shapes: shapes, CountAll: dim%2 == 1, FPS: 30, Device: "a100"})
		if err != nil {
			return
		}
		for _, format := range cost.Formats {
			if _, err := cost.Render(rep, format, cost.FormatOptions{PerNode: true}); err != nil {
				t.Fatalf("render %s: %v", format, err)
			}
		}
	})
}
