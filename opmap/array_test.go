package opmap

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// TestPlanStridedSlice pins the plans of the common TF subscripts.
func TestPlanStridedSlice(t *testing.T) {
	const max, min = arrInt64Max, arrInt64Min
	type dim = arrSliceDim
	c := func(axis, start, end, step int64) dim {
		return dim{Axis: axis, Start: start, End: end, Step: step, StartFrom: -1, EndFrom: -1}
	}
	tests := []struct {
		name      string
		dims      []int64 // nil: unknown rank
		spec      arrStridedSpec
		want      *arrSlicePlan
		wantError bool
	}{
		{"x[:, -1]", []int64{2, 3}, arrStridedSpec{Begin: []int64{0, -1}, End: []int64{0, 0}, Strides: []int64{1, 1}, BeginMask: 1, EndMask: 1, Shrink: 2},
			&arrSlicePlan{Dims: []dim{{Axis: 1, Start: -1, End: max, Step: 1, StartFrom: -1, EndFrom: -1, Shrink: true}}, Squeeze: []int64{1}}, false},
		{"x[..., 1:3]", []int64{2, 3, 4}, arrStridedSpec{Begin: []int64{0, 1}, End: []int64{0, 3}, Strides: []int64{1, 1}, EllipsisMask: 1},
			&arrSlicePlan{Dims: []dim{c(2, 1, 3, 1)}}, false},
		{"x[..., 1:3] unknown rank", nil, arrStridedSpec{Begin: []int64{0, 1}, End: []int64{0, 3}, Strides: []int64{1, 1}, EllipsisMask: 1},
			&arrSlicePlan{Dims: []dim{c(-1, 1, 3, 1)}}, false},
		{"x[::-1]", []int64{-1, 3}, arrStridedSpec{Begin: []int64{0}, End: []int64{0}, Strides: []int64{-1}, BeginMask: 1, EndMask: 1},
			&arrSlicePlan{Dims: []dim{c(0, max, min, -1)}}, false},
		{"shape[0]", []int64{4}, arrStridedSpec{Begin: []int64{0}, End: []int64{1}, Strides: []int64{1}, Shrink: 1},
			&arrSlicePlan{Dims: []dim{{Axis: 0, Start: 0, End: 1, Step: 1, StartFrom: -1, EndFrom: -1, Shrink: true}}, Squeeze: []int64{0}}, false},
		{"x[:, :] is the whole tensor", []int64{2, 3}, arrStridedSpec{Begin: []int64{0, 0}, End: []int64{0, 0}, Strides: []int64{1, 1}, BeginMask: 3, EndMask: 3},
			&arrSlicePlan{}, false},
		{"x[1:, ..., None, 0] unknown rank", nil, arrStridedSpec{Begin: []int64{1, 0, 0, 0}, End: []int64{0, 0, 0, 1}, Strides: []int64{1, 1, 1, 1}, EndMask: 1, EllipsisMask: 2, NewAxisMask: 4, Shrink: 8},
			&arrSlicePlan{Dims: []dim{c(0, 1, max, 1), {Axis: -1, Start: 0, End: 1, Step: 1, StartFrom: -1, EndFrom: -1, Shrink: true}}, Squeeze: []int64{-1}, Unsqueeze: []int64{-1}}, false},
		{"x[1:, ..., None, 0] rank 4", []int64{5, 6, 7, 8}, arrStridedSpec{Begin: []int64{1, 0, 0, 0}, End: []int64{0, 0, 0, 1}, Strides: []int64{1, 1, 1, 1}, EndMask: 1, EllipsisMask: 2, NewAxisMask: 4, Shrink: 8},
			&arrSlicePlan{Dims: []dim{c(0, 1, max, 1), {Axis: 3, Start: 0, End: 1, Step: 1, StartFrom: -1, EndFrom: -1, Shrink: true}}, Squeeze: []int64{3}, Unsqueeze: []int64{3}}, false},
		{"x[None, 2] dynamic begin", []int64{-1, 3}, arrStridedSpec{Strides: []int64{1, 1}, NewAxisMask: 1, Shrink: 2},
			&arrSlicePlan{Dims: []dim{{Axis: 0, Step: 1, StartFrom: 1, EndFrom: -1, Shrink: true}}, Squeeze: []int64{0}, Unsqueeze: []int64{0}}, false},
		{"x[b:e] dynamic", nil, arrStridedSpec{Strides: []int64{2}},
			&arrSlicePlan{Dims: []dim{{Axis: 0, Step: 2, StartFrom: 0, EndFrom: 0}}}, false},
		{"x[:e:-1] masked begin, dynamic end", nil, arrStridedSpec{Strides: []int64{-1}, BeginMask: 1},
			&arrSlicePlan{Dims: []dim{{Axis: 0, Step: -1, Start: max, StartFrom: -1, EndFrom: 0}}}, false},
		{"negative-stride start below the dim is empty", []int64{3}, arrStridedSpec{Begin: []int64{-5}, End: []int64{0}, Strides: []int64{-1}, EndMask: 1},
			&arrSlicePlan{Dims: []dim{c(0, 0, 0, -1)}}, false},
		{"too many indices", []int64{3}, arrStridedSpec{Begin: []int64{0, 0}, End: []int64{1, 1}, Strides: []int64{1, 1}}, nil, true},
		{"two ellipses", []int64{3, 3}, arrStridedSpec{Begin: []int64{0, 0}, End: []int64{1, 1}, Strides: []int64{1, 1}, EllipsisMask: 3}, nil, true},
		{"zero stride", []int64{3}, arrStridedSpec{Begin: []int64{0}, End: []int64{1}, Strides: []int64{0}}, nil, true},
		{"negative stride on an index", []int64{3}, arrStridedSpec{Begin: []int64{0}, End: []int64{1}, Strides: []int64{-1}, Shrink: 1}, nil, true},
		{"index out of range", []int64{3}, arrStridedSpec{Begin: []int64{3}, End: []int64{4}, Strides: []int64{1}, Shrink: 1}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := arrPlanStridedSlice(tt.dims, tt.dims != nil, tt.spec)
			if tt.wantError {
				if err == nil {
					t.Fatalf("got plan %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// arrMapOne maps a graph of one TF node reading input x (of shape xs) and
// the given constants (nil: a run-time int64 vector), and returns the mapped graph or the error.
func arrMapOne(t *testing.T, opset int, op string, attrs map[string]any, xs graph.Shape, consts ...*graph.Tensor) (*graph.Graph, error) {
	t.Helper()
	g := graph.New("t")
	g.Inputs = []string{"x:0"}
	g.SetValue("x:0", graph.Float, xs)
	ins := []string{"x:0"}
	for i, c := range consts {
		if c == nil { // a run-time int64 vector
			name := fmt.Sprintf("r%d:0", i)
			g.Inputs = append(g.Inputs, name)
			g.SetValue(name, graph.Int64, graph.DimsOf(graph.Unk()))
			ins = append(ins, name)
			continue
		}
		name := fmt.Sprintf("c%d:0", i)
		g.SetConst(name, c)
		ins = append(ins, name)
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	g.AddNode(&graph.Node{Name: "n", Op: op, Domain: graph.DomainTF, Inputs: ins, Outputs: []string{"n:0"}, Attrs: attrs})
	g.Outputs = []string{"n:0"}
	_, err := Apply(g, Options{Opset: opset})
	return g, err
}

func arrOps(g *graph.Graph) string {
	var ops []string
	for _, n := range g.Nodes {
		op := n.Op
		if v, ok := n.Attrs["allowzero"]; ok {
			op += fmt.Sprintf("(allowzero=%v)", v)
		}
		ops = append(ops, op)
	}
	return strings.Join(ops, ",")
}

// TestArrayHandlers pins the ONNX ops chosen where the choice matters, and
// the errors for what cannot be served.
func TestArrayHandlers(t *testing.T) {
	unk := graph.DimsOf(graph.Sym("n"), graph.D(1), graph.D(3))
	static := graph.ShapeOf(2, 1, 3)
	i64 := func(v ...int64) *graph.Tensor { return graph.Int64Tensor(v...) }
	i32 := func(v ...int64) *graph.Tensor { return graph.NewIntTensor(graph.Int32, []int64{int64(len(v))}, v) }
	tests := []struct {
		name    string
		opset   int
		op      string
		attrs   map[string]any
		xs      graph.Shape
		consts  []*graph.Tensor
		wantOps string // "" with wantErr
		wantErr string
	}{
		{"reshape", 13, "Reshape", nil, unk, []*graph.Tensor{i32(-1, 3)}, "Reshape", ""},
		{"reshape 0 at 14 sets allowzero", 14, "Reshape", nil, graph.ShapeOf(2, 0, 3), []*graph.Tensor{i64(0, 6)}, "Reshape(allowzero=1)", ""},
		{"reshape 0 and -1", 13, "Reshape", nil, graph.ShapeOf(2, 0, 3), []*graph.Tensor{i64(0, -1)}, "", "both 0 and -1"},
		{"squeeze all, static", 13, "Squeeze", nil, static, nil, "Squeeze", ""},
		{"squeeze all, unknown dim", 13, "Squeeze", nil, unk, nil, "", "dim 0 of [n,1,3] is unknown"},
		{"squeeze all, unknown rank", 13, "Squeeze", nil, graph.UnknownShape(), nil, "", "needs the input rank"},
		{"squeeze dims, unknown dim", 13, "Squeeze", map[string]any{"squeeze_dims": []int64{-2}}, unk, nil, "Squeeze", ""},
		{"split at 18 counts outputs", 18, "SplitV", map[string]any{"num_split": int64(2)}, unk, []*graph.Tensor{i64(1, -1), graph.ScalarInt64(2)}, "Split", ""},
		{"strided slice, strides not constant", 13, "StridedSlice", nil, unk, []*graph.Tensor{i64(0), i64(1), nil}, "", "strides of unknown length"},
		{"mirror pad symmetric, run-time paddings", 13, "MirrorPad", map[string]any{"mode": "SYMMETRIC"}, graph.UnknownShape(), []*graph.Tensor{nil}, "", "needs the input rank"},
		{"transpose, run-time perm", 13, "Transpose", nil, unk, []*graph.Tensor{nil}, "", "perm must be a constant"},
		{"x[1] at 13 is Slice and Squeeze", 13, "StridedSlice", map[string]any{"shrink_axis_mask": int64(1)}, unk, []*graph.Tensor{i64(1), i64(2), i64(1)}, "Slice,Squeeze", ""},
		{"x[i] is a Gather", 13, "StridedSlice", map[string]any{"shrink_axis_mask": int64(1)}, unk, []*graph.Tensor{nil, nil, i64(1)}, "Gather,Gather", ""},
		{"x[:, None, ::-1]", 13, "StridedSlice", map[string]any{"begin_mask": int64(7), "end_mask": int64(7), "new_axis_mask": int64(2)}, unk, []*graph.Tensor{i64(0, 0, 0), i64(0, 0, 0), i64(1, 1, -1)}, "Slice,Unsqueeze", ""},
		{"x[...] is x", 13, "StridedSlice", map[string]any{"ellipsis_mask": int64(1)}, unk, []*graph.Tensor{i64(0), i64(0), i64(1)}, "Identity", ""},
		{"gather batch_dims beyond the indices", 13, "GatherV2", map[string]any{"batch_dims": int64(2)}, unk, []*graph.Tensor{i64(0), graph.ScalarInt64(1)}, "", "batch_dims 2 and axis 1 do not fit"},
		{"mirror pad symmetric needs constant paddings", 13, "MirrorPad", map[string]any{"mode": "SYMMETRIC"}, unk, nil, "", "needs 2 inputs"},
		{"concat without inputs", 13, "ConcatV2", nil, unk, nil, "", "needs 2 inputs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := arrMapOne(t, tt.opset, tt.op, tt.attrs, tt.xs, tt.consts...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := arrOps(g); got != tt.wantOps {
				t.Errorf("ops %s, want %s", got, tt.wantOps)
			}
		})
	}
}

// ndarray is an int64 tensor for checking plans by running them.
type ndarray struct {
	shape []int64
	data  []int64
}

func arange(shape []int64) ndarray {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	a := ndarray{shape: shape, data: make([]int64, n)}
	for i := range a.data {
		a.data[i] = int64(i)
	}
	return a
}

func (a ndarray) strides() []int64 {
	s := make([]int64, len(a.shape))
	m := int64(1)
	for i := len(a.shape) - 1; i >= 0; i-- {
		s[i] = m
		m *= a.shape[i]
	}
	return s
}

// onnxSlice follows the ONNX Slice spec (opset 13).
func onnxSlice(a ndarray, starts, ends, axes, steps []int64) (ndarray, error) {
	r := int64(len(a.shape))
	idx := make([][]int64, r) // kept indices per axis
	for i := range idx {
		for j := int64(0); j < a.shape[i]; j++ {
			idx[i] = append(idx[i], j)
		}
	}
	for k, ax := range axes {
		if ax < 0 {
			ax += r
		}
		if ax < 0 || ax >= r {
			return a, fmt.Errorf("axis %d out of range", axes[k])
		}
		d := a.shape[ax]
		st, en, sp := starts[k], ends[k], steps[k]
		if st < 0 {
			st += d
		}
		if en < 0 && en != arrInt64Min {
			en += d
		}
		if sp > 0 {
			st, en = max(0, min(st, d)), max(0, min(en, d))
		} else {
			st, en = max(0, min(st, d-1)), max(-1, min(en, d-1))
		}
		idx[ax] = nil
		for j := st; sp > 0 && j < en || sp < 0 && j > en; j += sp {
			idx[ax] = append(idx[ax], j)
		}
	}
	out := ndarray{shape: make([]int64, r)}
	for i := range idx {
		out.shape[i] = int64(len(idx[i]))
	}
	str := a.strides()
	var walk func(ax int, off int64)
	walk = func(ax int, off int64) {
		if ax == int(r) {
			out.data = append(out.data, a.data[off])
			return
		}
		for _, j := range idx[ax] {
			walk(ax+1, off+j*str[ax])
		}
	}
	walk(0, 0)
	return out, nil
}

func onnxSqueeze(a ndarray, axes []int64) (ndarray, error) {
	r := int64(len(a.shape))
	drop := map[int64]bool{}
	for _, ax := range axes {
		if ax < 0 {
			ax += r
		}
		if ax < 0 || ax >= r || a.shape[ax] != 1 {
			return a, fmt.Errorf("cannot squeeze axis %d of %v", ax, a.shape)
		}
		drop[ax] = true
	}
	var shape []int64
	for i, d := range a.shape {
		if !drop[int64(i)] {
			shape = append(shape, d)
		}
	}
	return ndarray{shape: shape, data: a.data}, nil
}

func onnxUnsqueeze(a ndarray, axes []int64) (ndarray, error) {
	r := int64(len(a.shape) + len(axes))
	ins := map[int64]bool{}
	for _, ax := range axes {
		if ax < 0 {
			ax += r
		}
		if ax < 0 || ax >= r || ins[ax] {
			return a, fmt.Errorf("bad unsqueeze axis %d", ax)
		}
		ins[ax] = true
	}
	shape := []int64{}
	j := 0
	for i := int64(0); i < r; i++ {
		if ins[i] {
			shape = append(shape, 1)
		} else {
			shape = append(shape, a.shape[j])
			j++
		}
	}
	return ndarray{shape: shape, data: a.data}, nil
}

// runPlan applies a plan as the emitted ONNX nodes would, reading run-time
// bounds from begin and end.
func runPlan(a ndarray, p *arrSlicePlan, begin, end []int64) (ndarray, error) {
	var err error
	if len(p.Dims) > 0 {
		n := len(p.Dims)
		starts, ends, axes, steps := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		for i, d := range p.Dims {
			starts[i], ends[i], axes[i], steps[i] = d.Start, d.End, d.Axis, d.Step
			if d.StartFrom >= 0 {
				starts[i] = begin[d.StartFrom]
			}
			if d.EndFrom >= 0 {
				ends[i] = end[d.EndFrom]
			}
			if d.Shrink && d.StartFrom >= 0 {
				ends[i] = starts[i] + 1
				if ends[i] == 0 {
					ends[i] = arrInt64Max
				}
			}
		}
		if a, err = onnxSlice(a, starts, ends, axes, steps); err != nil {
			return a, err
		}
	}
	if len(p.Squeeze) > 0 {
		if a, err = onnxSqueeze(a, p.Squeeze); err != nil {
			return a, err
		}
	}
	if len(p.Unsqueeze) > 0 {
		if a, err = onnxUnsqueeze(a, p.Unsqueeze); err != nil {
			return a, err
		}
	}
	return a, nil
}

// TestPlanStridedSliceAgainstTF runs plans on arange inputs and compares
// with tf.strided_slice's results for random specs (generated once with
// TensorFlow 2.21), with the rank known, unknown, and with run-time
// begin/end.
func TestPlanStridedSliceAgainstTF(t *testing.T) {
	for i, row := range tfStridedCases {
		m := row[4]
		tc := struct{ shape, begin, end, strides, outShape, out []int64 }{row[0], row[1], row[2], row[3], row[5], row[6]}
		spec := arrStridedSpec{Begin: tc.begin, End: tc.end, Strides: tc.strides, BeginMask: m[0], EndMask: m[1], EllipsisMask: m[2], NewAxisMask: m[3], Shrink: m[4]}
		x := arange(tc.shape)
		unknownDims := make([]int64, len(tc.shape))
		for j := range unknownDims {
			unknownDims[j] = -1
		}
		dyn := spec
		dyn.Begin, dyn.End = nil, nil
		variants := []struct {
			name      string
			dims      []int64
			rankKnown bool
			spec      arrStridedSpec
		}{
			{"static", tc.shape, true, spec},
			{"unknown dims", unknownDims, true, spec},
			{"unknown rank", nil, false, spec},
			{"run-time bounds", tc.shape, true, dyn},
			{"run-time bounds, unknown rank", nil, false, dyn},
		}
		for k, v := range variants {
			if k > 0 && belowDimStart(tc.shape, spec) {
				// A negative-stride start below -dim (x[-5::-1] on 3
				// elements) is empty in TF; ONNX clamps it to 0. The plan
				// fixes that only where the dim is known.
				continue
			}
			p, err := arrPlanStridedSlice(v.dims, v.rankKnown, v.spec)
			if err != nil {
				t.Errorf("case %d %v (%s): %v", i, row, v.name, err)
				continue
			}
			got, err := runPlan(x, p, tc.begin, tc.end)
			if err != nil {
				t.Errorf("case %d %v (%s): plan %+v: %v", i, row, v.name, p, err)
				continue
			}
			if !slices.Equal(got.shape, tc.outShape) && !(len(got.shape) == 0 && len(tc.outShape) == 0) || !slices.Equal(got.data, tc.out) && !(len(got.data) == 0 && len(tc.out) == 0) {
				t.Errorf("case %d %v (%s): plan %+v gives %v %v, TF %v %v", i, row, v.name, p, got.shape, got.data, tc.outShape, tc.out)
			}
		}
	}
}

// belowDimStart reports whether the static plan met a negative-stride start
// below -dim.
func belowDimStart(shape []int64, spec arrStridedSpec) bool {
	p, err := arrPlanStridedSlice(shape, true, spec)
	if err != nil {
		return false
	}
	for _, d := range p.Dims {
		if d.Step < 0 && d.Start == 0 && d.End == 0 {
			return true
		}
	}
	return false
}

// tfStridedCases: shape, begin, end, strides, the begin/end/ellipsis/
// new-axis/shrink masks, then TF's output shape and values for
// arange(shape).
var tfStridedCases = [][][]int64{
	{{2, 4, 1}, {2}, {-3}, {-3}, {1, 0, 0, 0, 0}, {1, 4, 1}, {4, 5, 6, 7}},
	{{4}, {3, 3}, {-5, 0}, {-1, -3}, {1, 2, 1, 0, 0}, {2}, {3, 0}},
	{{1, 2}, {2, -5, 2}, {4, 2, 0}, {-1, -2, 1}, {0, 2, 2, 0, 0}, {0, 0}, {}},
	{{4, 3, 3, 2}, {2, -5}, {1, 2}, {1, 1}, {3, 0, 0, 0, 0}, {1, 2, 3, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	{{4}, {0}, {0}, {2}, {1, 0, 0, 1, 0}, {1, 4}, {0, 1, 2, 3}},
	{{2}, {3}, {-4}, {1}, {1, 0, 0, 1, 0}, {1, 2}, {0, 1}},
	{{4, 1, 1}, {-5, 5, -4, 4}, {-4, -4, 5, -5}, {-2, 3, 3, 1}, {0, 8, 4, 0, 0}, {0, 0, 0}, {}},
	{{3, 1, 1, 4}, {6, 1, -4, 1, 6, -3}, {4, 0, 3, 4, 5, -3}, {1, -2, 2, 1, -2, -3}, {12, 21, 2, 16, 0}, {0, 1, 1, 1, 0}, {}},
	{{2}, {0}, {-6}, {1}, {0, 0, 0, 0, 1}, {}, {0}},
	{{2, 4, 2}, {1}, {-4}, {2}, {0, 0, 0, 0, 1}, {4, 2}, {8, 9, 10, 11, 12, 13, 14, 15}},
	{{4, 2, 3}, {1, -2, 0}, {1, -5, 6}, {-3, 1, 1}, {4, 2, 1, 0, 6}, {4}, {0, 6, 12, 18}},
	{{2, 4, 3, 1}, {-5, -3, 2}, {-2, -5, 0}, {-3, 1, 1}, {0, 2, 1, 0, 0}, {2, 4, 3, 0}, {}},
	{{1, 2}, {-2}, {4}, {1}, {1, 1, 0, 0, 0}, {1, 2}, {0, 1}},
	{{3, 4}, {2, 1}, {-6, -5}, {2, 1}, {2, 0, 0, 0, 1}, {0}, {}},
	{{4, 3, 2, 2}, {-4, 4, 0}, {0, 5, 2}, {1, 1, 1}, {4, 2, 0, 1, 0}, {1, 0, 2, 2, 2}, {}},
	{{1, 2}, {-2, 4, 6, -5}, {5, 0, -6, 0}, {-1, 3, -1, 2}, {8, 0, 2, 12, 0}, {0, 2, 1, 1}, {}},
	{{4, 4}, {-6, 5, 1, 2}, {3, 5, -2, -2}, {-1, 1, -2, 2}, {6, 11, 1, 2, 0}, {1, 1, 1}, {14}},
	{{4, 1, 2, 3}, {2}, {1}, {1}, {1, 0, 0, 0, 0}, {1, 1, 2, 3}, {0, 1, 2, 3, 4, 5}},
	{{2, 2, 1, 1}, {3, -1}, {4, 1}, {3, 1}, {3, 0, 0, 0, 2}, {1, 1, 1}, {1}},
	{{1, 4, 4}, {-6, -4, 6, 2, 1}, {-2, -3, 0, 2, 3}, {-2, 1, -3, -1, -1}, {16, 0, 1, 2, 0}, {1, 0, 0, 0}, {}},
	{{4, 1, 2}, {5, 4}, {5, 0}, {1, -2}, {2, 1, 0, 0, 0}, {0, 0, 2}, {}},
	{{2, 1}, {1, -4}, {-1, -1}, {2, 3}, {0, 2, 0, 0, 0}, {0, 1}, {}},
	{{3}, {1}, {5}, {1}, {0, 1, 0, 0, 1}, {}, {1}},
	{{4, 1, 1, 4}, {-5, 5, -4, -2, 2}, {-3, 5, -3, 2, 3}, {-1, 2, -3, 1, -1}, {16, 31, 4, 2, 0}, {0, 1, 1, 1, 4}, {}},
	{{3, 2, 1, 1}, {-1, 4, 0, 1, -6}, {-3, -2, -5, -6, 6}, {2, -3, 1, 1, 1}, {2, 0, 4, 8, 1}, {1, 1, 1, 1}, {5}},
	{{1, 2, 4, 1}, {5, 0}, {-6, -5}, {-1, 1}, {0, 0, 1, 0, 2}, {1, 2, 4}, {0, 1, 2, 3, 4, 5, 6, 7}},
	{{2, 4}, {-2}, {1}, {1}, {0, 0, 0, 0, 1}, {4}, {0, 1, 2, 3}},
	{{3}, {0}, {-3}, {1}, {0, 1, 0, 0, 1}, {}, {0}},
	{{1, 1, 4, 2}, {5, 0, -2}, {1, -6, -3}, {-3, 1, -2}, {6, 0, 4, 0, 0}, {0, 0, 4, 2}, {}},
	{{3, 3, 3}, {-2, -5, 6, 1, 6}, {-2, -6, 0, -4, -4}, {-3, -1, 1, -3, -1}, {0, 8, 1, 4, 0}, {0, 1, 1, 3}, {}},
	{{3, 3, 3}, {0, 0, 4}, {-3, -2, 1}, {1, -1, -3}, {5, 0, 0, 0, 1}, {0, 1}, {}},
	{{1}, {-1, 3}, {-6, -3}, {1, -2}, {3, 0, 0, 2, 0}, {0, 1}, {}},
	{{2, 4, 3}, {-3}, {-6}, {1}, {0, 0, 1, 0, 0}, {2, 4, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
	{{2, 1, 2}, {-6, -3, 0}, {-1, -6, 4}, {1, 2, 3}, {6, 4, 1, 0, 0}, {2, 0, 1}, {}},
	{{3, 1, 4, 1}, {6, 3, -1, -6, 4, 0}, {-3, -3, -4, 4, 6, 4}, {1, -3, 2, 1, 1, 1}, {2, 33, 8, 16, 4}, {0, 1, 1, 1}, {}},
	{{4, 2, 1, 1}, {3, -5, 2, -1, 4}, {6, -4, 4, 6, 6}, {2, 1, -3, 3, -1}, {12, 0, 8, 16, 0}, {1, 0, 0, 1, 1}, {}},
	{{2, 3, 2, 3}, {-2, -5, 1}, {4, 6, 2}, {1, 3, 3}, {3, 1, 1, 4, 0}, {2, 3, 2, 1, 1}, {0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33}},
	{{1, 1, 2}, {-1, 3}, {-6, -1}, {1, 1}, {2, 2, 0, 0, 1}, {1, 2}, {0, 1}},
	{{3}, {-3, 5, 6}, {-1, -4, -2}, {2, 2, 1}, {2, 0, 4, 3, 0}, {1, 1, 3}, {0, 1, 2}},
	{{1, 1, 3}, {5, -6, -6, 2, 2}, {1, 0, 3, 3, -2}, {-1, -1, 3, 3, -2}, {14, 2, 0, 6, 0}, {0, 1, 1, 1, 1}, {}},
	{{1, 4, 1}, {5, 4, 2, -2}, {4, -6, 5, -2}, {2, -2, 1, -1}, {0, 2, 0, 2, 4}, {0, 1, 0}, {}},
	{{4, 1, 2}, {-1}, {0}, {1}, {0, 1, 0, 0, 0}, {1, 1, 2}, {6, 7}},
	{{1, 3, 4, 1}, {3, 6, 0, 5, 1}, {-2, -6, 1, -3, 6}, {-1, -3, 2, 2, 3}, {12, 2, 0, 16, 4}, {1, 1, 0, 1}, {}},
	{{3}, {5, -2}, {-5, 0}, {1, 3}, {2, 2, 1, 0, 0}, {1}, {0}},
	{{2, 2}, {-3, -4, 4}, {-2, -4, -5}, {-2, 1, 1}, {0, 7, 0, 2, 0}, {0, 1, 0}, {}},
	{{4, 4}, {-3}, {2}, {1}, {0, 0, 1, 0, 0}, {4, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}},
	{{1, 2, 3, 4}, {3}, {3}, {1}, {0, 0, 0, 0, 0}, {0, 2, 3, 4}, {}},
	{{2, 2}, {-5}, {0}, {-1}, {0, 0, 0, 0, 0}, {0, 2}, {}},
	{{2, 3, 4, 4}, {4, -5, -3, 5}, {-4, -6, 2, 1}, {1, 1, 1, 3}, {4, 0, 1, 8, 0}, {2, 3, 0, 2, 1}, {}},
	{{2, 2, 3, 4}, {6, 4, 6, 0}, {1, -2, -2, 3}, {1, 1, 1, -2}, {2, 0, 0, 8, 0}, {0, 0, 0, 1, 4}, {}},
	{{2, 3, 4}, {-4}, {2}, {1}, {0, 0, 1, 0, 0}, {2, 3, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
	{{1}, {-5}, {3}, {-1}, {0, 1, 0, 0, 0}, {0}, {}},
	{{3}, {-6, -4}, {1, 2}, {2, -3}, {1, 2, 0, 1, 0}, {1, 0}, {}},
	{{1, 1}, {-6, 1, 3, 6}, {0, 3, -4, -4}, {1, -3, -2, -2}, {2, 0, 2, 8, 0}, {0, 1, 1}, {}},
	{{1, 4}, {-4}, {6}, {1}, {0, 0, 0, 0, 0}, {1, 4}, {0, 1, 2, 3}},
	{{3, 2, 4}, {-2}, {1}, {1}, {0, 0, 0, 0, 1}, {2, 4}, {8, 9, 10, 11, 12, 13, 14, 15}},
	{{1}, {0}, {-2}, {1}, {0, 0, 0, 0, 0}, {0}, {}},
	{{4}, {-3, -2}, {-2, 3}, {-3, -3}, {0, 2, 0, 1, 0}, {1, 1}, {2}},
	{{4, 1, 3, 1}, {2, 6}, {-1, 5}, {2, 1}, {2, 3, 0, 2, 1}, {1, 1, 3, 1}, {6, 7, 8}},
	{{3, 4, 2}, {-5, -1}, {-1, -2}, {2, 3}, {2, 0, 1, 0, 0}, {3, 4, 0}, {}},
	{{1}, {3}, {3}, {-1}, {0, 0, 0, 1, 0}, {1, 1}, {0}},
	{{3, 2}, {-6, 5}, {2, 5}, {-3, 2}, {2, 0, 0, 1, 0}, {1, 2, 2}, {0, 1, 4, 5}},
	{{3, 3, 3, 4}, {-1}, {-4}, {1}, {0, 0, 0, 0, 1}, {3, 3, 4}, {72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107}},
	{{2}, {5}, {-4}, {2}, {0, 0, 1, 0, 0}, {2}, {0, 1}},
	{{4}, {-3}, {1}, {-2}, {0, 0, 0, 0, 0}, {0}, {}},
	{{2, 3, 2}, {1}, {-4}, {1}, {0, 0, 0, 1, 0}, {1, 2, 3, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	{{4, 2, 2, 1}, {-2, 1, -1}, {1, -6, 0}, {-2, 2, 1}, {5, 2, 0, 0, 2}, {1, 0, 1}, {}},
	{{1, 1, 4, 4}, {-1, -1}, {-6, 2}, {-1, 2}, {1, 1, 0, 0, 0}, {1, 1, 4, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}},
	{{1, 2, 1, 2}, {-2}, {2}, {-3}, {1, 1, 0, 1, 0}, {1, 1, 2, 1, 2}, {0, 1, 2, 3}},
	{{1}, {-3}, {-4}, {2}, {1, 0, 0, 0, 0}, {0}, {}},
	{{2, 3, 4, 3}, {-1, -6, 1, -6, -6}, {-3, -1, -2, -4, 2}, {-1, -1, 1, 3, 1}, {12, 9, 16, 0, 0}, {2, 0, 2, 1}, {}},
	{{3, 1, 2, 2}, {-2, 1, 2, 0}, {3, -2, 3, 6}, {2, -1, -2, 1}, {4, 0, 0, 0, 1}, {1, 0, 2}, {}},
	{{4, 3, 2, 3}, {-1, -6}, {-1, -6}, {-1, -3}, {2, 1, 0, 0, 0}, {4, 1, 2, 3}, {66, 67, 68, 69, 70, 71, 48, 49, 50, 51, 52, 53, 30, 31, 32, 33, 34, 35, 12, 13, 14, 15, 16, 17}},
	{{2, 2, 4}, {3, 5}, {4, 5}, {-3, 3}, {2, 3, 1, 0, 0}, {2, 2, 2}, {0, 3, 4, 7, 8, 11, 12, 15}},
	{{4, 1}, {-5, 0}, {-5, 6}, {-1, -3}, {0, 1, 0, 1, 0}, {1, 0, 1}, {}},
	{{3}, {-2}, {4}, {-2}, {0, 1, 0, 0, 0}, {1}, {1}},
	{{3}, {0}, {3}, {-3}, {0, 1, 0, 0, 0}, {1}, {0}},
	{{1, 2, 2, 2}, {-6}, {1}, {1}, {0, 1, 0, 1, 0}, {1, 1, 2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}},
	{{4, 2, 2, 3}, {3, 1, 1}, {-3, 4, 3}, {1, -1, 1}, {0, 2, 0, 1, 0}, {1, 2, 1, 2, 3}, {18, 19, 20, 21, 22, 23, 6, 7, 8, 9, 10, 11}},
	{{4, 2}, {2, -6}, {-2, 0}, {1, -2}, {1, 2, 2, 0, 0}, {2, 2}, {0, 1, 2, 3}},
	{{2, 3}, {-1, -5}, {6, -3}, {3, 1}, {3, 0, 0, 0, 0}, {1, 0}, {}},
	{{4, 3}, {4, 5, 0}, {-4, -1, -1}, {1, 1, -2}, {0, 0, 4, 2, 0}, {0, 1, 3}, {}},
	{{4, 3, 1}, {-6}, {3}, {-3}, {0, 1, 0, 0, 0}, {0, 3, 1}, {}},
	{{1, 1}, {-5, 2, 5}, {0, -5, 2}, {1, 1, 2}, {0, 2, 0, 1, 0}, {1, 0, 0}, {}},
	{{2}, {1, -2}, {6, -4}, {-1, 3}, {0, 0, 2, 0, 0}, {0}, {}},
	{{2, 3}, {-5, 1}, {-3, -3}, {1, -1}, {1, 0, 0, 2, 0}, {0, 1, 3}, {}},
	{{4}, {5}, {-4}, {-1}, {0, 1, 0, 0, 0}, {4}, {3, 2, 1, 0}},
	{{1, 4, 2}, {-3, -2}, {-5, -2}, {1, -1}, {0, 2, 2, 0, 0}, {0, 4, 2}, {}},
	{{3}, {3, 6}, {-1, 1}, {1, -2}, {3, 2, 0, 2, 0}, {2, 1}, {0, 1}},
	{{3, 1, 4}, {-1, -2, 0, 0}, {-5, 4, -4, -4}, {1, -1, 1, 2}, {0, 4, 4, 0, 8}, {0, 0}, {}},
	{{4, 2, 3}, {-2, 5, -4}, {-3, 0, -2}, {-3, -3, -2}, {1, 0, 2, 1, 0}, {1, 4, 2, 0}, {}},
	{{2, 2}, {-6, 3}, {1, 6}, {2, 3}, {0, 3, 0, 2, 0}, {1, 1, 2}, {0, 1}},
	{{3, 4, 2, 3}, {-3, 2, -1}, {4, 3, -5}, {2, 1, 1}, {6, 0, 0, 0, 4}, {2, 3, 3}, {3, 4, 5, 9, 10, 11, 15, 16, 17, 51, 52, 53, 57, 58, 59, 63, 64, 65}},
	{{2, 4, 4}, {4}, {4}, {1}, {1, 1, 0, 0, 0}, {2, 4, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}},
	{{2, 4, 4, 2}, {-2, -1, -2, 4, -1}, {-4, 3, 1, -4, -1}, {-3, 2, 1, -1, 2}, {16, 4, 0, 10, 20}, {1, 1, 1, 2}, {22, 23}},
	{{1}, {-1}, {6}, {1}, {0, 0, 0, 0, 0}, {1}, {0}},
	{{2, 2, 2}, {0}, {3}, {1}, {0, 0, 0, 0, 0}, {2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}},
	{{3, 2, 3, 3}, {5, -2, 3, 5, 4}, {-6, 2, -6, -4, -1}, {-1, -2, -2, -3, -3}, {1, 1, 1, 30, 0}, {3, 2, 3, 3, 1, 1, 1, 1}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53}},
	{{3, 3}, {-1}, {-4}, {-3}, {0, 0, 0, 0, 0}, {1, 3}, {6, 7, 8}},
	{{3, 3, 3, 2}, {6, -5, 6}, {-1, -6, -4}, {-1, -1, 1}, {2, 4, 1, 4, 0}, {3, 3, 3, 2, 1}, {1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14, 17, 16, 19, 18, 21, 20, 23, 22, 25, 24, 27, 26, 29, 28, 31, 30, 33, 32, 35, 34, 37, 36, 39, 38, 41, 40, 43, 42, 45, 44, 47, 46, 49, 48, 51, 50, 53, 52}},
	{{2, 2, 2}, {1, 6, 0, 0, -3}, {-3, -6, 4, 4, -3}, {1, -2, 1, -1, 1}, {20, 3, 1, 24, 0}, {2, 1, 2, 1, 1}, {2, 3, 6, 7}},
	{{1, 2}, {0, -6, -4}, {-4, -4, 1}, {1, 1, 1}, {0, 6, 1, 4, 0}, {1, 2, 1}, {0, 1}},
	{{4}, {-1, -4}, {-6, 2}, {-1, -1}, {0, 2, 0, 2, 0}, {4, 1}, {3, 2, 1, 0}},
	{{1, 1, 1, 3}, {-4}, {2}, {1}, {1, 0, 0, 0, 0}, {1, 1, 1, 3}, {0, 1, 2}},
	{{2}, {2}, {-5}, {3}, {1, 0, 0, 0, 0}, {0}, {}},
	{{4, 1, 3}, {-5, -3}, {-2, 2}, {-1, -3}, {2, 1, 2, 0, 0}, {0, 1, 3}, {}},
	{{3, 4, 3, 4}, {2, 5, 3, 3, -1}, {-1, 0, 4, 6, 2}, {3, 1, 1, 1, 2}, {2, 0, 1, 8, 16}, {3, 0, 0, 1}, {}},
	{{1, 3}, {-4, 4}, {-4, -6}, {2, 1}, {0, 1, 0, 2, 0}, {1, 1, 3}, {0, 1, 2}},
	{{3, 4, 1, 4}, {4, 0}, {6, -2}, {3, 2}, {0, 2, 0, 0, 0}, {0, 2, 1, 4}, {}},
	{{3, 3, 3}, {1, -6}, {-5, 5}, {1, 2}, {2, 0, 0, 0, 1}, {2, 3}, {9, 10, 11, 15, 16, 17}},
	{{3, 1, 3, 4}, {0, 5, -5, 2}, {3, 3, 6, 6}, {-1, 1, 2, 1}, {6, 0, 4, 0, 8}, {0, 1, 3}, {}},
	{{4, 4, 4, 4}, {2, -6}, {6, 4}, {-3, 1}, {0, 0, 0, 0, 0}, {0, 4, 4, 4}, {}},
	{{4, 4, 1}, {-5}, {1}, {-2}, {1, 0, 0, 1, 0}, {1, 4, 4, 1}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}},
	{{4, 1}, {5, -6}, {5, 4}, {1, -1}, {2, 1, 0, 0, 0}, {0, 0}, {}},
	{{3, 2, 1}, {-1, 0}, {0, 4}, {1, -3}, {3, 1, 0, 0, 0}, {3, 0, 1}, {}},
	{{3, 2, 4}, {-6, 5, 0, -1}, {-3, 3, 2, -6}, {3, -1, 2, 1}, {9, 5, 8, 0, 4}, {1, 0}, {}},
	{{4, 3}, {1, 4}, {0, -5}, {2, -3}, {2, 2, 0, 2, 0}, {0, 1, 3}, {}},
	{{1, 4}, {-4, -3}, {1, 2}, {-1, -1}, {0, 2, 1, 0, 0}, {1, 2}, {1, 0}},
	{{2, 1}, {0, -6, -3, -2}, {-3, 5, 3, -1}, {1, -1, 1, 3}, {0, 4, 1, 4, 0}, {0, 1, 0}, {}},
	{{4}, {3}, {2}, {-2}, {1, 0, 0, 1, 0}, {1, 4}, {0, 1, 2, 3}},
	{{2, 4}, {3, -3, -3}, {-2, -4, -1}, {-3, 1, 1}, {2, 2, 4, 0, 0}, {1, 4}, {4, 5, 6, 7}},
	{{1, 3}, {-5}, {6}, {-1}, {0, 0, 0, 0, 0}, {0, 3}, {}},
	{{3, 2, 3}, {5, -6, -4, 3}, {2, 1, -2, -5}, {3, -1, -3, -2}, {6, 10, 0, 2, 0}, {0, 1, 1, 2}, {}},
	{{2, 2}, {-5}, {-6}, {-1}, {1, 0, 0, 0, 0}, {2, 2}, {2, 3, 0, 1}},
	{{3, 3}, {-6}, {-1}, {1}, {0, 0, 0, 0, 0}, {2, 3}, {0, 1, 2, 3, 4, 5}},
	{{1, 1, 2, 2}, {6, -5, -5, 6, 6, -6}, {-4, -6, 6, 0, 1, 5}, {-1, 2, -2, -2, 2, 2}, {3, 0, 4, 42, 0}, {1, 1, 1, 2, 1, 0, 1}, {}},
	{{4, 3, 4, 4}, {4}, {3}, {1}, {0, 0, 0, 1, 0}, {1, 4, 3, 4, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191}},
	{{4, 3, 4}, {-3, -3, 5}, {-4, 1, 6}, {1, 1, 3}, {2, 2, 0, 0, 0}, {0, 3, 0}, {}},
	{{4}, {6}, {-3}, {1}, {0, 1, 0, 0, 0}, {0}, {}},
	{{3, 2, 2, 3}, {3, -2, 2, 4, 3, 3}, {4, 6, -5, 0, -2, -3}, {-1, -1, 1, 1, -2, -1}, {0, 0, 1, 20, 0}, {3, 0, 1, 0, 1, 2}, {}},
	{{1, 3, 1}, {-1, 2, 2}, {-3, -6, 1}, {-3, 2, -2}, {0, 5, 1, 0, 0}, {1, 0, 1}, {}},
	{{4, 4}, {-4, 6, -2, -5}, {-2, -3, 5, -1}, {-1, -1, -3, -1}, {4, 3, 2, 1, 0}, {1, 0, 0}, {}},
	{{4, 2, 4, 2}, {0, 6}, {-6, -6}, {-3, -1}, {1, 2, 1, 0, 0}, {4, 2, 4, 2}, {1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14, 17, 16, 19, 18, 21, 20, 23, 22, 25, 24, 27, 26, 29, 28, 31, 30, 33, 32, 35, 34, 37, 36, 39, 38, 41, 40, 43, 42, 45, 44, 47, 46, 49, 48, 51, 50, 53, 52, 55, 54, 57, 56, 59, 58, 61, 60, 63, 62}},
	{{3}, {4, -5}, {-3, -5}, {-3, -1}, {0, 0, 0, 2, 0}, {1, 1}, {2}},
	{{1, 2}, {1}, {-6}, {1}, {1, 1, 0, 0, 0}, {1, 2}, {0, 1}},
	{{3}, {-1, 0}, {-4, -5}, {1, -2}, {1, 2, 0, 2, 1}, {1}, {2}},
	{{1, 1, 2}, {-2}, {-4}, {2}, {1, 0, 1, 0, 0}, {1, 1, 2}, {0, 1}},
	{{2, 1, 1}, {-3}, {2}, {1}, {0, 0, 1, 0, 0}, {2, 1, 1}, {0, 1}},
	{{4, 2, 1, 1}, {0}, {6}, {-3}, {1, 0, 0, 0, 0}, {0, 2, 1, 1}, {}},
	{{1, 2, 3}, {-1}, {0}, {1}, {1, 0, 0, 0, 0}, {0, 2, 3}, {}},
	{{1, 1, 4}, {-3, -3}, {0, -3}, {3, 1}, {1, 2, 0, 1, 0}, {1, 1, 1, 4}, {0, 1, 2, 3}},
	{{1, 4}, {-1, 6}, {-2, 4}, {-3, 1}, {3, 2, 1, 0, 0}, {1, 4}, {0, 1, 2, 3}},
	{{2, 1, 2}, {4, -4, 5, 1}, {-5, -1, -2, 6}, {-1, 1, 1, 1}, {6, 10, 1, 2, 8}, {2, 1, 0}, {}},
	{{4}, {0}, {1}, {-3}, {0, 0, 0, 0, 0}, {0}, {}},
	{{2, 4, 3}, {-4}, {5}, {-1}, {0, 0, 0, 0, 0}, {0, 4, 3}, {}},
	{{4}, {1, -1, 1}, {-4, 0, -1}, {-1, 2, 3}, {1, 7, 1, 4, 2}, {1}, {3}},
	{{2, 2, 2, 4}, {-1, -2}, {-1, 6}, {1, 1}, {0, 3, 0, 0, 3}, {2, 4}, {16, 17, 18, 19, 20, 21, 22, 23}},
	{{4}, {1, 0}, {1, -4}, {1, -1}, {0, 0, 2, 0, 1}, {}, {1}},
	{{3, 4, 4}, {-2, 4, -1}, {-5, -5, -1}, {-3, 2, 1}, {1, 1, 0, 1, 0}, {1, 0, 0, 4}, {}},
	{{2, 4, 1}, {-1, 6}, {2, -2}, {2, 1}, {1, 2, 0, 0, 1}, {0, 1}, {}},
	{{1, 4}, {5}, {2}, {1}, {1, 0, 0, 1, 0}, {1, 1, 4}, {0, 1, 2, 3}},
	{{1}, {-4}, {-3}, {-1}, {1, 1, 0, 0, 0}, {1}, {0}},
	{{2, 1, 1}, {1}, {-1}, {-2}, {1, 1, 1, 0, 0}, {2, 1, 1}, {0, 1}},
	{{3, 3, 4}, {-2, -2, 1, -2}, {-4, -4, 6, -5}, {1, 1, 1, 1}, {0, 12, 2, 0, 12}, {0}, {}},
	{{2, 4}, {4, -5, 2, -2}, {1, 4, -1, -3}, {1, 2, -3, 2}, {7, 9, 8, 6, 0}, {2, 1, 1, 4}, {0, 1, 2, 3, 4, 5, 6, 7}},
	{{3}, {-3, 2, -5}, {1, -1, 3}, {-3, 2, 1}, {3, 4, 0, 3, 0}, {1, 1, 3}, {0, 1, 2}},
	{{4, 1, 3, 2}, {1, -6, 2, -5}, {5, -5, -4, 6}, {2, 2, -2, 1}, {0, 12, 4, 0, 1}, {0, 3, 2}, {}},
	{{2, 1, 3}, {3, -3, -1, -1, -1}, {-1, 4, -6, -3, 3}, {1, 1, 1, 1, 1}, {20, 5, 4, 2, 0}, {0, 1, 0, 3}, {}},
	{{4, 3, 1, 2}, {3}, {6}, {-1}, {0, 0, 0, 0, 0}, {0, 3, 1, 2}, {}},
	{{2}, {0}, {0}, {1}, {1, 0, 0, 0, 0}, {0}, {}},
}
