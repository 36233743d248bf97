package infer

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func inferConcat(c *ctx) error {
	dt := c.firstDType()
	var ref graph.Shape
	anyUnknown := false
	for i := range c.n.Inputs {
		if !c.has(i) {
			continue
		}
		s := c.shape(i)
		switch {
		case !s.Known:
			anyUnknown = true
		case !ref.Known:
			ref = s.Clone()
		case len(s.Dims) != len(ref.Dims):
			return c.errf("inputs differ in rank: %v and %v", ref, s)
		}
	}
	if !ref.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	axis, ok := normAxis(c.n.Int("axis", 0), len(ref.Dims))
	if !ok {
		return c.errf("axis %d out of range for %v", c.n.Int("axis", 0), ref)
	}
	out := ref.Clone()
	var parts []graph.Dim
	for i := range c.n.Inputs {
		s := c.shape(i)
		if !c.has(i) || !s.Known {
			continue
		}
		for k, d := range s.Dims {
			if k == axis {
				parts = append(parts, d)
				continue
			}
			m, ok := unifyDim(out.Dims[k], d)
			if !ok {
				return c.errf("inputs %v and %v differ off the concat axis %d", ref, s, axis)
			}
			out.Dims[k] = m
		}
	}
	if anyUnknown {
		out.Dims[axis] = graph.Unk()
	} else {
		out.Dims[axis] = c.sumDims(parts...)
	}
	c.set(0, dt, out)
	return nil
}

func inferSplit(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	nout := len(c.n.Outputs)
	if !x.Known {
		for i := 0; i < nout; i++ {
			c.set(i, dt, graph.UnknownShape())
		}
		return nil
	}
	axis, ok := normAxis(c.n.Int("axis", 0), len(x.Dims))
	if !ok {
		return c.errf("axis %d out of range for %v", c.n.Int("axis", 0), x)
	}
	d := x.Dims[axis]
	sizes := make([]graph.Dim, nout)
	var split []int64
	splitKnown := true
	if c.opset < 13 {
		split = c.n.Ints("split")
	} else if c.has(1) {
		split, splitKnown = c.ints(1)
	}
	switch {
	case split != nil:
		if len(split) != nout {
			return c.errf("split %v has %d parts for %d outputs", split, len(split), nout)
		}
		sum := int64(0)
		for i, s := range split {
			sizes[i] = graph.D(s)
			sum += s
		}
		if d.Known() && sum != d.Size {
			return c.errf("split %v does not add up to dim %d of %v", split, d.Size, x)
		}
	case !splitKnown:
		for i := range sizes {
			sizes[i] = graph.Unk()
		}
	case c.opset >= 18 && c.n.Attrs["num_outputs"] != nil:
		// Chunks of ceil(dim/n), the last one smaller.
		n := c.n.Int("num_outputs", 0)
		if n != int64(nout) || n <= 0 {
			return c.errf("num_outputs %d for %d outputs", n, nout)
		}
		for i := range sizes {
			sizes[i] = graph.Unk()
			if d.Known() {
				chunk := ceilDiv(d.Size, n)
				sizes[i] = graph.D(max(min(chunk, d.Size-chunk*int64(i)), 0))
			}
		}
	default:
		if d.Known() && d.Size%int64(nout) != 0 {
			return c.errf("dim %d of %v does not split evenly into %d", d.Size, x, nout)
		}
		for i := range sizes {
			sizes[i] = c.divDim(d, int64(nout))
		}
	}
	for i, s := range sizes {
		o := x.Clone()
		o.Dims[axis] = s
		c.set(i, dt, o)
	}
	return nil
}

// wholeDim reports a slice that keeps every element of a dim of any size,
// so that an unknown dim keeps its name.
func wholeDim(start, end, step int64) bool {
	const big = math.MaxInt32
	return step == 1 && start == 0 && end >= big ||
		step == -1 && start == -1 && end <= -big
}

func inferSlice(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	if !x.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	r := len(x.Dims)
	var starts, ends, axes, steps []int64
	var okS, okE, okA, okP = true, true, true, true
	if c.opset < 10 {
		starts, ends, axes = c.n.Ints("starts"), c.n.Ints("ends"), c.n.Ints("axes")
	} else {
		starts, okS = c.ints(1)
		ends, okE = c.ints(2)
		if c.has(3) {
			axes, okA = c.ints(3)
		}
		if c.has(4) {
			steps, okP = c.ints(4)
		}
	}
	if !okA {
		// Any axis may be cut.
		c.set(0, dt, unknownDims(r))
		return nil
	}
	// n is the number of sliced axes, -1 when nothing tells.
	n := len(starts)
	switch {
	case okS:
	case okE:
		n = len(ends)
	case axes != nil:
		n = len(axes)
	default:
		n = c.rankFromShapeInput(1)
	}
	if axes == nil {
		if n < 0 {
			c.set(0, dt, unknownDims(r))
			return nil
		}
		if n > r {
			return c.errf("%d starts for %v", n, x)
		}
		axes = make([]int64, n)
		for i := range axes {
			axes[i] = int64(i)
		}
	}
	if okS && okE && (len(starts) != len(axes) || len(ends) != len(axes)) ||
		steps != nil && len(steps) != len(axes) {
		return c.errf("starts %v, ends %v, axes %v and steps %v differ in length", starts, ends, axes, steps)
	}
	ax, err := c.axesOf(axes, r)
	if err != nil {
		return err
	}
	out := x.Clone()
	seen := make([]bool, r)
	for i, a := range ax {
		if seen[a] {
			return c.errf("axes %v repeat an axis", axes)
		}
		seen[a] = true
		if !okS || !okE || !okP {
			out.Dims[a] = graph.Unk()
			continue
		}
		step := int64(1)
		if steps != nil {
			step = steps[i]
		}
		if step == 0 {
			return c.errf("step 0 on axis %d", a)
		}
		d := x.Dims[a]
		switch {
		case d.Known():
			_, count := graph.SliceRange(d.Size, starts[i], ends[i], step)
			out.Dims[a] = graph.D(count)
		case wholeDim(starts[i], ends[i], step):
		case d.Name != "":
			out.Dims[a] = c.symFor("slice", d.Name, itoa(starts[i]), itoa(ends[i]), itoa(step))
		default:
			out.Dims[a] = graph.Unk()
		}
	}
	c.set(0, dt, out)
	return nil
}

func inferGather(c *ctx) error {
	x, ind, dt := c.shape(0), c.shape(1), c.dtype(0)
	if !x.Known || !ind.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	axis, ok := normAxis(c.n.Int("axis", 0), len(x.Dims))
	if !ok {
		return c.errf("axis %d out of range for %v", c.n.Int("axis", 0), x)
	}
	out := append([]graph.Dim{}, x.Dims[:axis]...)
	out = append(out, ind.Dims...)
	out = append(out, x.Dims[axis+1:]...)
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

func inferGatherElements(c *ctx) error {
	x, ind := c.shape(0), c.shape(1)
	if x.Known && ind.Known && len(x.Dims) != len(ind.Dims) {
		return c.errf("data %v and indices %v differ in rank", x, ind)
	}
	c.set(0, c.dtype(0), ind)
	return nil
}

// inferGatherND: indices[:-1] followed by the data dims that each index
// tuple leaves unaddressed.
func inferGatherND(c *ctx) error {
	x, ind, dt := c.shape(0), c.shape(1), c.dtype(0)
	if !x.Known || !ind.Known || len(ind.Dims) == 0 || !ind.Dims[len(ind.Dims)-1].Known() {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	b := int(c.n.Int("batch_dims", 0))
	last := int(ind.Dims[len(ind.Dims)-1].Size)
	if b < 0 || b+last > len(x.Dims) || b >= len(ind.Dims) {
		return c.errf("indices %v with batch_dims %d do not fit data %v", ind, b, x)
	}
	out := append([]graph.Dim{}, ind.Dims[:len(ind.Dims)-1]...)
	out = append(out, x.Dims[b+last:]...)
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

func inferPad(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	if !x.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	r := len(x.Dims)
	var pads, axes []int64
	ok := true
	if c.opset < 11 {
		pads = c.n.Ints("pads")
	} else {
		pads, ok = c.ints(1)
	}
	if ok && c.opset >= 18 && c.has(3) {
		axes, ok = c.ints(3)
	}
	if !ok {
		c.set(0, dt, unknownDims(r))
		return nil
	}
	if axes == nil {
		axes = make([]int64, r)
		for i := range axes {
			axes[i] = int64(i)
		}
	}
	if len(pads) != 2*len(axes) {
		return c.errf("pads %v do not fit %d axes of %v", pads, len(axes), x)
	}
	ax, err := c.axesOf(axes, r)
	if err != nil {
		return err
	}
	out := x.Clone()
	for i, a := range ax {
		total := pads[i] + pads[len(ax)+i]
		if d := out.Dims[a]; d.Known() && d.Size+total < 0 {
			return c.errf("pads %v remove more than dim %d of %v", pads, a, x)
		}
		out.Dims[a] = c.addDim(out.Dims[a], total)
	}
	c.set(0, dt, out)
	return nil
}

func inferTopK(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	if !x.Known {
		c.set(0, dt, graph.UnknownShape())
		c.set(1, graph.Int64, graph.UnknownShape())
		return nil
	}
	axis, ok := normAxis(c.n.Int("axis", -1), len(x.Dims))
	if !ok {
		return c.errf("axis %d out of range for %v", c.n.Int("axis", -1), x)
	}
	k := graph.Unk()
	if v := c.contents(1); len(v) == 1 && (!isVal(v[0]) || v[0].Size >= 0) {
		k = v[0]
	}
	if d := x.Dims[axis]; k.Known() && d.Known() && k.Size > d.Size {
		return c.errf("k %d exceeds dim %d of %v", k.Size, d.Size, x)
	}
	out := x.Clone()
	out.Dims[axis] = k
	out = c.named(out, 0)
	c.set(0, dt, out)
	c.set(1, graph.Int64, out)
	return nil
}
