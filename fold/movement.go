package fold

import (
	"unsafe"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// The ops here only move elements, so they work on raw bytes and serve
// every numeric type (float16, bfloat16 and bool included) bit-exactly.

func evalIdentity(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil || tooBig(x.Dims) {
		return no()
	}
	return one(withDims(x, x.Dims))
}

func evalReshape(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	shape, ok := c.ints(1)
	if x == nil || !ok || tooBig(x.Dims) {
		return no()
	}
	allowZero := c.opset >= 14 && c.n.Int("allowzero", 0) != 0
	out := make([]int64, len(shape))
	infer := -1
	known := int64(1)
	for i, v := range shape {
		switch {
		case v == -1:
			if infer >= 0 {
				return nil, false, c.errf("shape %v has more than one -1", shape)
			}
			infer = i
			continue
		case v == 0 && !allowZero:
			if i >= len(x.Dims) {
				return nil, false, c.errf("shape %v copies dim %d of %v, which has none", shape, i, x.Dims)
			}
			out[i] = x.Dims[i]
		case v < 0:
			return nil, false, c.errf("shape %v has a negative size", shape)
		default:
			out[i] = v
		}
		known *= out[i]
	}
	n := x.NumElements()
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			return nil, false, c.errf("cannot reshape %v to %v", x.Dims, shape)
		}
		out[infer] = n / known
	} else if known != n {
		return nil, false, c.errf("cannot reshape %v (%d elements) to %v", x.Dims, n, shape)
	}
	return one(withDims(x, out))
}

func evalFlatten(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil || tooBig(x.Dims) {
		return no()
	}
	r := int64(len(x.Dims))
	axis := c.n.Int("axis", 1)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis > r {
		return nil, false, c.errf("axis %d out of range for %v", c.n.Int("axis", 1), x.Dims)
	}
	a, b := int64(1), int64(1)
	for i, d := range x.Dims {
		if int64(i) < axis {
			a *= d
		} else {
			b *= d
		}
	}
	return one(withDims(x, []int64{a, b}))
}

// axes reads the axes of Squeeze, Unsqueeze and the reductions: an
// attribute before opset since, an optional input from then on.
func (c *call) axes(input, since int) (axes []int64, present bool) {
	if c.opset < since {
		a, ok := c.n.Attrs["axes"].([]int64)
		return a, ok
	}
	return c.ints(input)
}

// normAxes maps possibly negative axes into [0, rank).
func (c *call) normAxes(axes []int64, rank int) ([]int, error) {
	out := make([]int, len(axes))
	for i, a := range axes {
		if a < 0 {
			a += int64(rank)
		}
		if a < 0 || a >= int64(rank) {
			return nil, c.errf("axis %d out of range for rank %d", axes[i], rank)
		}
		out[i] = int(a)
	}
	return out, nil
}

func evalSqueeze(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil || tooBig(x.Dims) {
		return no()
	}
	axes, _ := c.axes(1, 13)
	drop := make([]bool, len(x.Dims))
	// Empty axes squeeze every 1, as no axes do.
	if len(axes) > 0 {
		ax, err := c.normAxes(axes, len(x.Dims))
		if err != nil {
			return nil, false, err
		}
		for _, a := range ax {
			if x.Dims[a] != 1 {
				return nil, false, c.errf("cannot squeeze axis %d of %v", a, x.Dims)
			}
			drop[a] = true
		}
	} else {
		for i, d := range x.Dims {
			drop[i] = d == 1
		}
	}
	out := []int64{}
	for i, d := range x.Dims {
		if !drop[i] {
			out = append(out, d)
		}
	}
	return one(withDims(x, out))
}

func evalUnsqueeze(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	axes, present := c.axes(1, 13)
	if x == nil || !present || tooBig(x.Dims) {
		return no()
	}
	r := len(x.Dims) + len(axes)
	ax, err := c.normAxes(axes, r)
	if err != nil {
		return nil, false, err
	}
	ins := make([]bool, r)
	for _, a := range ax {
		if ins[a] {
			return nil, false, c.errf("axes %v repeat an axis", axes)
		}
		ins[a] = true
	}
	out := make([]int64, r)
	j := 0
	for i := range out {
		if ins[i] {
			out[i] = 1
		} else {
			out[i] = x.Dims[j]
			j++
		}
	}
	return one(withDims(x, out))
}

// Transpose permutes t's axes: output axis i is input axis perm[i]; a nil
// perm reverses them. It returns nil when perm is not a permutation of t's
// axes. Other packages use it to pre-transpose weights.
func Transpose(t *graph.Tensor, perm []int64) *graph.Tensor {
	r := len(t.Dims)
	if perm == nil {
		perm = make([]int64, r)
		for i := range perm {
			perm[i] = int64(r - 1 - i)
		}
	}
	if len(perm) != r {
		return nil
	}
	seen := make([]bool, r)
	st := stridesOf(t.Dims)
	dims := make([]int64, r)
	strides := make([]int64, r)
	for i, p := range perm {
		if p < 0 || p >= int64(r) || seen[p] {
			return nil
		}
		seen[p] = true
		dims[i], strides[i] = t.Dims[p], st[p]
	}
	if t.DType == graph.String {
		return pick(t, dims, offsets(dims, strides, 0), nil)
	}
	return transposeRaw(t, dims, strides)
}

// transposeRaw walks the output in order with an odometer over the input
// strides, moving elements of 1, 2, 4 or 8 bytes without an offset table:
// weight transposes (HWIO → OIHW) are most of a CNN's conversion time.
func transposeRaw(t *graph.Tensor, dims, strides []int64) *graph.Tensor {
	sz := t.DType.Size()
	n := numElements(dims)
	out := &graph.Tensor{DType: t.DType, Dims: append([]int64{}, dims...), Data: make([]byte, n*sz)}
	if n == 0 {
		return out
	}
	r := len(dims)
	coord := make([]int64, r)
	last := r - 1
	var inner, innerStride int64 = 1, 0
	if r > 0 {
		inner, innerStride = dims[last], strides[last]
	}
	src, dst := t.Data, out.Data
	off := int64(0)
	for o := 0; o < n; o += int(inner) {
		// Copy one innermost row.
		switch sz {
		case 4:
			// Moving 4-byte units as uint32 keeps the bytes as they are on
			// any host byte order.
			s32 := unsafe.Slice((*uint32)(unsafe.Pointer(&src[0])), len(src)/4)
			d32 := unsafe.Slice((*uint32)(unsafe.Pointer(&dst[0])), len(dst)/4)
			row := d32[o : int64(o)+inner]
			for j := range row {
				row[j] = s32[off+int64(j)*innerStride]
			}
		default:
			for j := int64(0); j < inner; j++ {
				s := (off + j*innerStride) * int64(sz)
				d := (int64(o) + j) * int64(sz)
				copy(dst[d:d+int64(sz)], src[s:s+int64(sz)])
			}
		}
		off += advance(coord, dims, strides, last-1)
	}
	return out
}

func evalTranspose(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil || tooBig(x.Dims) {
		return no()
	}
	out := Transpose(x, c.n.Ints("perm"))
	if out == nil {
		return nil, false, c.errf("perm %v does not fit %v", c.n.Ints("perm"), x.Dims)
	}
	return one(out)
}

func evalExpand(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	shape, ok := c.ints(1)
	if x == nil || !ok {
		return no()
	}
	out, ok := broadcastDims(x.Dims, shape)
	if !ok {
		return nil, false, c.errf("cannot expand %v to %v", x.Dims, shape)
	}
	if tooBig(out) {
		return no()
	}
	return one(pick(x, out, broadcastOffsets(x.Dims, out), nil))
}

// evalTile views the output [r0*d0, r1*d1, ...] as [r0, d0, r1, d1, ...]
// and reads it with stride 0 along each repeat axis.
func evalTile(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	reps, ok := c.ints(1)
	if x == nil || !ok {
		return no()
	}
	if len(reps) != len(x.Dims) {
		return nil, false, c.errf("repeats %v do not fit %v", reps, x.Dims)
	}
	st := stridesOf(x.Dims)
	var walk, strides []int64
	out := make([]int64, len(reps))
	for i, r := range reps {
		if r < 0 {
			return nil, false, c.errf("negative repeats %v", reps)
		}
		walk = append(walk, r, x.Dims[i])
		strides = append(strides, 0, st[i])
		out[i] = r * x.Dims[i]
	}
	if tooBig(walk) {
		return no()
	}
	return one(pick(x, out, offsets(walk, strides, 0), nil))
}

func evalConcat(c *call) ([]*graph.Tensor, bool, error) {
	if len(c.in) == 0 {
		return no()
	}
	first := c.in[0]
	for _, t := range c.in {
		if t == nil {
			return no()
		}
		if t.DType != first.DType || len(t.Dims) != len(first.Dims) {
			return nil, false, c.errf("inputs %v %v and %v %v differ in type or rank", first.DType, first.Dims, t.DType, t.Dims)
		}
	}
	r := len(first.Dims)
	if r == 0 {
		return nil, false, c.errf("cannot concatenate scalars")
	}
	ax, err := c.normAxes([]int64{c.n.Int("axis", 0)}, r)
	if err != nil {
		return nil, false, err
	}
	axis := ax[0]
	out := append([]int64{}, first.Dims...)
	out[axis] = 0
	for _, t := range c.in {
		for k, d := range t.Dims {
			if k != axis && d != first.Dims[k] {
				return nil, false, c.errf("inputs %v and %v differ off the concat axis", first.Dims, t.Dims)
			}
		}
		out[axis] += t.Dims[axis]
	}
	if tooBig(out) {
		return no()
	}
	outer := numElements(out[:axis])
	sz := first.DType.Size()
	res := &graph.Tensor{DType: first.DType, Dims: out, Data: make([]byte, 0, numElements(out)*sz)}
	for o := 0; o < outer; o++ {
		for _, t := range c.in {
			block := numElements(t.Dims[axis:]) * sz
			res.Data = append(res.Data, t.Data[o*block:(o+1)*block]...)
		}
	}
	return one(res)
}

func evalSplit(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil || len(x.Dims) == 0 {
		return no()
	}
	ax, err := c.normAxes([]int64{c.n.Int("axis", 0)}, len(x.Dims))
	if err != nil {
		return nil, false, err
	}
	axis := ax[0]
	d := x.Dims[axis]
	nout := int64(len(c.n.Outputs))
	var split []int64
	switch {
	case c.opset < 13 && c.n.Ints("split") != nil:
		split = c.n.Ints("split")
	case c.opset >= 13 && c.arg(1) != nil:
		split = c.arg(1).Int64s()
	case c.opset >= 18 && c.n.Attrs["num_outputs"] != nil:
		// Chunks of ceil(d/n), the last one smaller.
		n := c.n.Int("num_outputs", 0)
		if n <= 0 || n != nout {
			return nil, false, c.errf("num_outputs %d for %d outputs", n, nout)
		}
		chunk := (d + n - 1) / n
		for i := int64(0); i < n; i++ {
			split = append(split, max(min(chunk, d-chunk*i), 0))
		}
	default:
		if nout == 0 || d%nout != 0 {
			return nil, false, c.errf("dim %d does not split evenly into %d", d, nout)
		}
		for i := int64(0); i < nout; i++ {
			split = append(split, d/nout)
		}
	}
	sum := int64(0)
	for _, s := range split {
		if s < 0 {
			return nil, false, c.errf("negative split %v", split)
		}
		sum += s
	}
	if sum != d || int64(len(split)) != nout {
		return nil, false, c.errf("split %v does not cut dim %d into %d parts", split, d, nout)
	}
	st := stridesOf(x.Dims)
	var outs []*graph.Tensor
	start := int64(0)
	for _, s := range split {
		dims := append([]int64{}, x.Dims...)
		dims[axis] = s
		outs = append(outs, pick(x, dims, offsets(dims, st, start*st[axis]), nil))
		start += s
	}
	return outs, true, nil
}

func evalSlice(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	var starts, ends, axes, steps []int64
	if c.opset < 10 {
		starts, ends, axes = c.n.Ints("starts"), c.n.Ints("ends"), c.n.Ints("axes")
	} else {
		var ok1, ok2 bool
		starts, ok1 = c.ints(1)
		ends, ok2 = c.ints(2)
		if !ok1 || !ok2 {
			return no()
		}
		axes, _ = c.ints(3)
		steps, _ = c.ints(4)
	}
	if x == nil {
		return no()
	}
	r := len(x.Dims)
	if axes == nil {
		for i := range starts {
			axes = append(axes, int64(i))
		}
	}
	if len(starts) != len(axes) || len(ends) != len(axes) || (steps != nil && len(steps) != len(axes)) {
		return nil, false, c.errf("starts %v, ends %v, axes %v and steps %v differ in length", starts, ends, axes, steps)
	}
	ax, err := c.normAxes(axes, r)
	if err != nil {
		return nil, false, err
	}
	st := stridesOf(x.Dims)
	dims := append([]int64{}, x.Dims...)
	strides := append([]int64{}, st...)
	base := int64(0)
	seen := make([]bool, r)
	for i, a := range ax {
		if seen[a] {
			return nil, false, c.errf("axes %v repeat an axis", axes)
		}
		seen[a] = true
		step := int64(1)
		if steps != nil {
			step = steps[i]
		}
		if step == 0 {
			return nil, false, c.errf("step 0 on axis %d", a)
		}
		first, n := graph.SliceRange(x.Dims[a], starts[i], ends[i], step)
		dims[a] = n
		if n > 0 {
			base += first * st[a]
		}
		strides[a] = st[a] * step
	}
	return one(pick(x, dims, offsets(dims, strides, base), nil))
}

func evalGather(c *call) ([]*graph.Tensor, bool, error) {
	x, ind := c.arg(0), c.arg(1)
	if x == nil || ind == nil || !ind.DType.IsInt() || len(x.Dims) == 0 {
		return no()
	}
	ax, err := c.normAxes([]int64{c.n.Int("axis", 0)}, len(x.Dims))
	if err != nil {
		return nil, false, err
	}
	axis := ax[0]
	out := append([]int64{}, x.Dims[:axis]...)
	out = append(out, ind.Dims...)
	out = append(out, x.Dims[axis+1:]...)
	if tooBig(out) {
		return no()
	}
	d := x.Dims[axis]
	idx := ind.Int64s()
	for i, v := range idx {
		if v < 0 {
			v += d
		}
		if v < 0 || v >= d {
			return nil, false, c.errf("index %d out of range for dim %d of %v", idx[i], d, x.Dims)
		}
		idx[i] = v
	}
	outer := numElements(x.Dims[:axis])
	inner := numElements(x.Dims[axis+1:])
	offs := make([]int, 0, numElements(out))
	for o := 0; o < outer; o++ {
		for _, v := range idx {
			base := (o*int(d) + int(v)) * inner
			for k := 0; k < inner; k++ {
				offs = append(offs, base+k)
			}
		}
	}
	return one(pick(x, out, offs, nil))
}

// evalPad folds constant-mode padding; negative pads crop.
func evalPad(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil || c.n.Str("mode", "constant") != "constant" {
		return no()
	}
	r := len(x.Dims)
	var pads, axes []int64
	var fill []byte
	if c.opset < 11 {
		pads = c.n.Ints("pads")
		fill = graph.NewTensor(x.DType, nil, []float64{float64(c.n.Float("value", 0))}).Data
	} else {
		var ok bool
		if pads, ok = c.ints(1); !ok {
			return no()
		}
		if v := c.arg(2); v != nil && v.NumElements() > 0 {
			if v.DType != x.DType {
				return nil, false, c.errf("constant_value is %v for data of %v", v.DType, x.DType)
			}
			fill = v.Data[:x.DType.Size()]
		}
		if c.opset >= 18 {
			axes, _ = c.ints(3)
		}
	}
	if axes == nil {
		for i := 0; i < r; i++ {
			axes = append(axes, int64(i))
		}
	}
	if len(pads) != 2*len(axes) {
		return nil, false, c.errf("pads %v do not fit %d axes", pads, len(axes))
	}
	ax, err := c.normAxes(axes, r)
	if err != nil {
		return nil, false, err
	}
	begin := make([]int64, r)
	out := append([]int64{}, x.Dims...)
	for i, a := range ax {
		begin[a] = pads[i]
		out[a] += pads[i] + pads[len(ax)+i]
		if out[a] < 0 {
			return nil, false, c.errf("pads %v remove more than dim %d of %v", pads, a, x.Dims)
		}
	}
	if tooBig(out) {
		return no()
	}
	st := stridesOf(x.Dims)
	offs := make([]int, numElements(out))
	coord := make([]int64, r)
	for i := range offs {
		off := int64(0)
		for k := 0; k < r; k++ {
			src := coord[k] - begin[k]
			if src < 0 || src >= x.Dims[k] {
				off = -1
				break
			}
			off += src * st[k]
		}
		offs[i] = int(off)
		for k := r - 1; k >= 0; k-- {
			if coord[k]++; coord[k] < out[k] {
				break
			}
			coord[k] = 0
		}
	}
	return one(pick(x, out, offs, fill))
}
