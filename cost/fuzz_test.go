package cost_test

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/cost"
	"github.com/tf2onnx-go/tf2onnx/internal/fuzzseed"
	"github.com/tf2onnx-go/tf2onnx/onnxio"
)

// FuzzCost: any ONNX bytes the reader accepts go through the cost pass and
// every report format without a panic. Seeds: the convert package's seed
// graphs converted (loops, conds, LSTMs, convs); dim fixes every unknown
// input dim.
func FuzzCost(f *testing.F) {
	for _, b := range fuzzseed.ONNXModels(f, "../convert/testdata/seeds") {
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
