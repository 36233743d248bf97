package fold_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/fold"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// F builds a float tensor of type dt; I an integer or bool one.
func F(dt graph.DType, dims []int64, v ...float64) *graph.Tensor { return graph.NewTensor(dt, dims, v) }
func I(dt graph.DType, dims []int64, v ...int64) *graph.Tensor {
	return graph.NewIntTensor(dt, dims, v)
}

// f32 and i64 are 1-D shorthands.
func f32(v ...float64) *graph.Tensor { return F(graph.Float, []int64{int64(len(v))}, v...) }
func i64(v ...int64) *graph.Tensor   { return graph.Int64Tensor(v...) }
func i32(v ...int64) *graph.Tensor   { return I(graph.Int32, []int64{int64(len(v))}, v...) }
func bools(v ...int64) *graph.Tensor { return I(graph.Bool, []int64{int64(len(v))}, v...) }
func dims(d ...int64) []int64        { return d }

type attrs = map[string]any

type fcase struct {
	name  string
	op    string
	attrs attrs
	opset int
	in    []*graph.Tensor
	nout  int
	want  []*graph.Tensor
	notOK bool   // Eval must decline
	err   string // substring of the expected error
}

func runFold(t *testing.T, cases []fcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := &graph.Node{Name: "n", Op: tc.op, Attrs: tc.attrs}
			if n.Attrs == nil {
				n.Attrs = attrs{}
			}
			for i := range tc.in {
				n.Inputs = append(n.Inputs, fmt.Sprintf("x%d", i))
			}
			nout := max(tc.nout, len(tc.want), 1)
			for i := 0; i < nout; i++ {
				n.Outputs = append(n.Outputs, fmt.Sprintf("y%d", i))
			}
			opset := tc.opset
			if opset == 0 {
				opset = 17
			}
			out, ok, err := fold.Eval(n, tc.in, opset)
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), `"n"`) {
					t.Fatalf("want error with %q naming the node, got ok=%v err=%v", tc.err, ok, err)
				}
				return
			case err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.notOK:
				if ok {
					t.Fatalf("folded, want decline: %v", describe(out...))
				}
				return
			case !ok:
				t.Fatalf("declined to fold")
			}
			if len(out) != len(tc.want) {
				t.Fatalf("got %d outputs, want %d", len(out), len(tc.want))
			}
			for i := range out {
				if !same(out[i], tc.want[i]) {
					t.Errorf("output %d = %s, want %s", i, describe(out[i]), describe(tc.want[i]))
				}
			}
		})
	}
}

// same compares type, dims and values; floats compare bit for bit except
// that any NaN equals any NaN.
func same(a, b *graph.Tensor) bool {
	if a.DType != b.DType || len(a.Dims) != len(b.Dims) {
		return false
	}
	for i := range a.Dims {
		if a.Dims[i] != b.Dims[i] {
			return false
		}
	}
	if a.DType == graph.Float || a.DType == graph.Double || a.DType == graph.Float16 {
		x, y := a.Float64s(), b.Float64s()
		if len(a.Data) != len(b.Data) {
			return false
		}
		for i := range x {
			if math.IsNaN(x[i]) && math.IsNaN(y[i]) {
				continue
			}
			if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
				return false
			}
		}
		return true
	}
	return string(a.Data) == string(b.Data)
}

func describe(ts ...*graph.Tensor) string {
	var parts []string
	for _, t := range ts {
		if t == nil {
			parts = append(parts, "<nil>")
			continue
		}
		var vals string
		if t.DType == graph.Float || t.DType == graph.Double || t.DType == graph.Float16 {
			vals = fmt.Sprint(t.Float64s())
		} else {
			vals = fmt.Sprint(t.Int64s())
		}
		parts = append(parts, fmt.Sprintf("%v%v%s", t.DType, t.Dims, vals))
	}
	return strings.Join(parts, ", ")
}
