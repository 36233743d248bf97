package opmap

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// ONNX Slice clamps starts and ends to the dim, so these stand for "from the
// far end" and "past the near end" whatever the dim is.
const (
	arrInt64Max = math.MaxInt64
	arrInt64Min = math.MinInt64
)

// arrStridedSpec is the sparse spec of a TF StridedSlice: one entry per index
// of the Python subscript. Begin or End is nil when that input is not a
// constant; Strides must be constant.
type arrStridedSpec struct {
	Begin, End, Strides                                   []int64
	BeginMask, EndMask, EllipsisMask, NewAxisMask, Shrink int64
	// DynStrides: the strides are read at run time (Strides holds 1s).
	DynStrides bool
}

// arrSliceDim is one input axis that the ONNX Slice cuts.
type arrSliceDim struct {
	// Axis is the input axis; negative counts from the end, which lets
	// indices after an ellipsis work when the rank is unknown.
	Axis int64
	Step int64
	// Start and End are the constant bounds, used when StartFrom/EndFrom
	// are -1; otherwise the bound is element StartFrom/EndFrom of the
	// StridedSlice's begin/end input, read at run time.
	Start, End         int64
	StartFrom, EndFrom int
	// Shrink marks an index (x[i]). With a run-time start the end is
	// start+1, or "to the end" when start is -1; the emitter uses a Gather
	// instead.
	Shrink bool
	// DynStep: the step is element StepIdx of the strides input, read at
	// run time; BeginMasked/EndMasked then mark bounds whose value follows
	// the step's sign.
	DynStep                bool
	StepIdx                int
	BeginMasked, EndMasked bool
}

// arrSlicePlan is StridedSlice as ONNX Slice, then Squeeze (axes of the Slice
// output), then Unsqueeze (axes of the final output). Axes may be negative
// when the input rank is unknown.
type arrSlicePlan struct {
	Dims      []arrSliceDim
	Squeeze   []int64
	Unsqueeze []int64
}

// arrPlanStridedSlice turns TF's masks into Slice/Squeeze/Unsqueeze, following
// TF's BuildDenseSpec and canonicalization (strided_slice_op.cc). dims are
// the input's dims (-1 unknown), nil when the rank is unknown.
func arrPlanStridedSlice(dims []int64, rankKnown bool, s arrStridedSpec) (*arrSlicePlan, error) {
	n := len(s.Strides)
	if s.Begin != nil && len(s.Begin) != n || s.End != nil && len(s.End) != n {
		return nil, fmt.Errorf("begin, end and strides differ in length (%d, %d, %d)", len(s.Begin), len(s.End), n)
	}
	if n > 63 {
		return nil, fmt.Errorf("%d slice indices are more than the masks can address", n)
	}
	bit := func(mask int64, i int) bool { return mask&(1<<uint(i)) != 0 }
	lowBits := int64(1)<<uint(n) - 1
	if bits.OnesCount64(uint64(s.EllipsisMask&lowBits)) > 1 {
		return nil, fmt.Errorf("multiple ellipses in a slice spec are not allowed")
	}
	type kind int
	const (
		kDim kind = iota
		kNew
		kEllipsis
	)
	kinds := make([]kind, n)
	ellipsis := -1
	for i := range n {
		switch {
		case bit(s.EllipsisMask, i):
			kinds[i] = kEllipsis
			ellipsis = i
		case bit(s.NewAxisMask, i):
			kinds[i] = kNew
		default:
			kinds[i] = kDim
		}
	}
	// Input dims consumed before and after the ellipsis (without an
	// explicit ellipsis, TF puts one at the end).
	pre, post := 0, 0
	for i, k := range kinds {
		if k != kDim {
			continue
		}
		if ellipsis >= 0 && i > ellipsis {
			post++
		} else {
			pre++
		}
	}
	rank := len(dims)
	if rankKnown && pre+post > rank {
		return nil, fmt.Errorf("%d indices for a tensor of rank %d", pre+post, rank)
	}
	// Output dims each entry contributes: kept dims and new axes; shrunk
	// dims vanish; the ellipsis contributes an unknown number.
	contributes := func(i int) bool {
		return kinds[i] == kNew || kinds[i] == kDim && !bit(s.Shrink, i)
	}
	nOut := 0 // final rank, when known
	if rankKnown {
		nOut = rank
		for i, k := range kinds {
			if k == kNew {
				nOut++
			} else if k == kDim && bit(s.Shrink, i) {
				nOut--
			}
		}
	}
	p := &arrSlicePlan{}
	inAxis, outAxis := int64(0), int64(0)
	for i, k := range kinds {
		if k == kEllipsis {
			// Continue from the end: the axes after the ellipsis count
			// back from the last input axis and the last output axis.
			inAxis = -int64(post)
			outAxis = 0
			for j := i + 1; j < n; j++ {
				if contributes(j) {
					outAxis--
				}
			}
			if rankKnown {
				inAxis += int64(rank)
				outAxis += int64(nOut)
			}
			continue
		}
		if k == kNew {
			p.Unsqueeze = append(p.Unsqueeze, outAxis)
			outAxis++
			continue
		}
		d := arrSliceDim{Axis: inAxis, Step: s.Strides[i], StartFrom: -1, EndFrom: -1}
		dim := int64(-1)
		if rankKnown {
			dim = dims[inAxis]
		}
		inAxis++
		if d.Step == 0 {
			return nil, fmt.Errorf("stride %d is 0", i)
		}
		if bit(s.Shrink, i) {
			if d.Step < 0 {
				return nil, fmt.Errorf("only stride 1 is allowed on an index (shrink_axis_mask)")
			}
			// TF ignores the masks on an index and takes begin.
			d.Step, d.Shrink = 1, true
			if s.Begin == nil {
				d.StartFrom = i
			} else {
				b := s.Begin[i]
				if dim >= 0 && (b >= dim || b < -dim) {
					return nil, fmt.Errorf("index %d is out of range for a dim of %d", b, dim)
				}
				d.Start, d.End = b, b+1
				if b == -1 {
					d.End = arrInt64Max
				}
			}
			p.Squeeze = append(p.Squeeze, d.Axis)
			p.Dims = append(p.Dims, d)
			continue
		}
		outAxis++
		if s.DynStrides {
			d.DynStep, d.StepIdx = true, i
			d.BeginMasked, d.EndMasked = bit(s.BeginMask, i), bit(s.EndMask, i)
		}
		switch {
		case bit(s.BeginMask, i):
			d.Start = 0
			if d.Step < 0 {
				d.Start = arrInt64Max
			}
		case s.Begin == nil:
			d.StartFrom = i
		default:
			d.Start = s.Begin[i]
			// TF clamps a negative-stride start below -dim to "before the
			// first element" (empty); ONNX would clamp it to 0. Fixed
			// where the dim is known; with an unknown dim (or a run-time
			// start) such a degenerate slice keeps ONNX's reading.
			if d.Step < 0 && dim >= 0 && d.Start < -dim {
				d.Start, d.End = 0, 0
				p.Dims = append(p.Dims, d)
				continue
			}
		}
		switch {
		case bit(s.EndMask, i):
			d.End = arrInt64Max
			if d.Step < 0 {
				d.End = arrInt64Min
			}
		case s.End == nil:
			d.EndFrom = i
		default:
			d.End = s.End[i]
			if d.Step < 0 && d.End < 0 && dim >= 0 && d.End < -dim {
				d.End = arrInt64Min // ONNX would add dim and still clamp to -1; be explicit
			}
		}
		if d.DynStep {
			p.Dims = append(p.Dims, d)
			continue
		}
		if d.StartFrom < 0 && d.EndFrom < 0 && d.Step == 1 && d.Start == 0 && d.End == arrInt64Max {
			continue // the whole axis
		}
		if d.StartFrom < 0 && d.EndFrom < 0 && d.Step == 1 && d.Start == 0 && dim >= 0 && d.End >= dim {
			continue
		}
		p.Dims = append(p.Dims, d)
	}
	return p, nil
}

// arrStridedSlice maps StridedSlice(input, begin, end, strides).
func arrStridedSlice(c *Ctx) error {
	x := c.In(0)
	strides, ok := c.ConstInts(c.In(3))
	dyn := false
	if !ok {
		n, known := c.KnownInts(c.In(3))
		if !known {
			return c.Errorf("strides of unknown length")
		}
		strides = make([]int64, len(n))
		for i, v := range n {
			strides[i] = v
			if v < 0 || v == 0 {
				strides[i], dyn = 1, true
			}
		}
	}
	s := arrStridedSpec{
		DynStrides:   dyn,
		Strides:      strides,
		BeginMask:    c.Node.Int("begin_mask", 0),
		EndMask:      c.Node.Int("end_mask", 0),
		EllipsisMask: c.Node.Int("ellipsis_mask", 0),
		NewAxisMask:  c.Node.Int("new_axis_mask", 0),
		Shrink:       c.Node.Int("shrink_axis_mask", 0),
	}
	s.Begin, _ = c.ConstInts(c.In(1))
	s.End, _ = c.ConstInts(c.In(2))
	sh := c.Shape(x)
	p, err := arrPlanStridedSlice(sh.Sizes(), sh.Known, s)
	if err != nil {
		return err
	}
	return arrEmitSlicePlan(c, x, c.In(1), c.In(2), c.In(3), p, c.Out(0))
}

// arrEmitSlicePlan emits a plan, writing its last node to out: a Gather for
// each index read at run time (x[i]: Gather takes a negative i as TF does,
// where a Slice would need i+1 mended at -1), then Slice, Squeeze and
// Unsqueeze. begin and end are the run-time bounds the plan may refer to.
func arrEmitSlicePlan(c *Ctx, x, begin, end, strides string, p *arrSlicePlan, out string) error {
	var gathers, dims []arrSliceDim
	for _, d := range p.Dims {
		if d.Shrink && d.StartFrom >= 0 {
			gathers = append(gathers, d)
		} else {
			dims = append(dims, d)
		}
	}
	squeeze := slices.Clone(p.Squeeze)
	var steps []func(in, out string) string
	for k, g := range gathers {
		a := g.Axis
		steps = append(steps, func(in, out string) string {
			i := c.Op("Gather", Attrs{"axis": int64(0)}, begin, c.AddConst(graph.ScalarInt64(int64(g.StartFrom))))
			return arrEmit(c, out, "Gather", Attrs{"axis": a}, in, i)
		})
		// The Gather drops axis a: later axes move toward it.
		squeeze = slices.DeleteFunc(squeeze, func(b int64) bool { return b == a })
		for i := range squeeze {
			squeeze[i] = arrAfterRemoving(squeeze[i], a)
		}
		for i := k + 1; i < len(gathers); i++ {
			gathers[i].Axis = arrAfterRemoving(gathers[i].Axis, a)
		}
		for i := range dims {
			dims[i].Axis = arrAfterRemoving(dims[i].Axis, a)
		}
	}
	if len(dims) > 0 {
		steps = append(steps, func(in, out string) string {
			starts, ends := arrSliceBounds(c, begin, end, dims)
			axes := make([]int64, len(dims))
			stepv := make([]int64, len(dims))
			for i, d := range dims {
				axes[i], stepv[i] = d.Axis, d.Step
			}
			if slices.ContainsFunc(dims, func(d arrSliceDim) bool { return d.DynStep }) {
				return arrEmitDynSteps(c, in, out, starts, ends, strides, axes, stepv, dims)
			}
			ins := []string{in, starts, ends, c.Int64s(axes...)}
			if slices.ContainsFunc(stepv, func(s int64) bool { return s != 1 }) {
				ins = append(ins, c.Int64s(stepv...))
			}
			return arrEmit(c, out, "Slice", nil, ins...)
		})
	}
	if len(squeeze) > 0 {
		steps = append(steps, func(in, out string) string {
			return arrEmit(c, out, "Squeeze", nil, in, c.Int64s(squeeze...))
		})
	}
	if len(p.Unsqueeze) > 0 {
		steps = append(steps, func(in, out string) string {
			return arrEmit(c, out, "Unsqueeze", nil, in, c.Int64s(p.Unsqueeze...))
		})
	}
	if len(steps) == 0 {
		c.Alias(out, x)
		return nil
	}
	v := x
	for i, step := range steps {
		o := ""
		if i == len(steps)-1 {
			o = out
		}
		v = step(v, o)
	}
	return nil
}

// arrAfterRemoving is axis b once axis a is gone. Axes of one plan are all
// counted from the front, or, after an ellipsis in a tensor of unknown rank,
// from the back: only those on a's side of the ellipsis move.
func arrAfterRemoving(b, a int64) int64 {
	switch {
	case a >= 0 && b > a:
		return b - 1
	case a < 0 && b < a:
		return b + 1
	}
	return b
}

// arrSliceBounds builds the starts and ends inputs of a Slice: constants when
// every bound is known, else picked from the run-time begin/end tensors.
func arrSliceBounds(c *Ctx, begin, end string, ds []arrSliceDim) (starts, ends string) {
	pick := func(src string, from func(arrSliceDim) int, val func(arrSliceDim) int64) string {
		idx := make([]int64, len(ds))
		isConst := make([]bool, len(ds))
		consts := make([]int64, len(ds))
		dyn, inOrder := false, true
		for i, d := range ds {
			if f := from(d); f >= 0 {
				idx[i], dyn = int64(f), true
				inOrder = inOrder && f == i
			} else {
				isConst[i], consts[i], inOrder = true, val(d), false
			}
		}
		if !dyn {
			return c.Int64s(consts...)
		}
		src = arrInt64(c, src)
		if sh := c.Shape(src); inOrder && sh.Rank() == 1 && sh.Dims[0].Size == int64(len(ds)) {
			return src // every bound, in order
		}
		g := c.Op("Gather", Attrs{"axis": int64(0)}, src, c.Int64s(idx...))
		if !slices.Contains(isConst, true) {
			return g
		}
		return c.Op("Where", nil, c.AddConst(arrBoolTensor(isConst...)), c.Int64s(consts...), g)
	}
	starts = pick(begin, func(d arrSliceDim) int { return d.StartFrom }, func(d arrSliceDim) int64 { return d.Start })
	ends = pick(end, func(d arrSliceDim) int { return d.EndFrom }, func(d arrSliceDim) int64 { return d.End })
	return starts, ends
}

// arrBoolTensor is a 1-D bool constant.
func arrBoolTensor(v ...bool) *graph.Tensor {
	ints := make([]int64, len(v))
	for i, b := range v {
		if b {
			ints[i] = 1
		}
	}
	return graph.NewIntTensor(graph.Bool, []int64{int64(len(v))}, ints)
}

// arrEmitDynSteps is the Slice of a plan whose steps are (partly) read at
// run time: a masked bound of such a dim is 0/"past the end" for a
// positive step and "the end"/"before the start" for a negative one.
func arrEmitDynSteps(c *Ctx, in, out, starts, ends, strides string, axes, stepv []int64, dims []arrSliceDim) string {
	n := len(dims)
	idx, isDyn := make([]int64, n), make([]bool, n)
	bm, em := make([]bool, n), make([]bool, n)
	for i, d := range dims {
		idx[i], isDyn[i] = int64(d.StepIdx), d.DynStep
		bm[i], em[i] = d.DynStep && d.BeginMasked, d.DynStep && d.EndMasked
	}
	g := c.Op("Gather", Attrs{"axis": int64(0)}, arrInt64(c, strides), c.Int64s(idx...))
	steps := c.Op("Where", nil, c.AddConst(arrBoolTensor(isDyn...)), g, c.Int64s(stepv...))
	neg := c.Op("Less", nil, steps, c.AddConst(graph.ScalarInt64(0)))
	max, min := c.AddConst(graph.ScalarInt64(arrInt64Max)), c.AddConst(graph.ScalarInt64(arrInt64Min))
	starts = c.Op("Where", nil, c.Op("And", nil, neg, c.AddConst(arrBoolTensor(bm...))), max, starts)
	ends = c.Op("Where", nil, c.Op("And", nil, neg, c.AddConst(arrBoolTensor(em...))), min, ends)
	return arrEmit(c, out, "Slice", nil, in, starts, ends, c.Int64s(axes...), steps)
}
