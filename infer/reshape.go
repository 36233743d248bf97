package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// rankFromShapeInput is the rank given by a non-constant 1-D shape input
// of known length, or -1.
func (c *ctx) rankFromShapeInput(i int) int {
	s := c.shape(i)
	if s.Known && len(s.Dims) == 1 && s.Dims[0].Known() {
		return int(s.Dims[0].Size)
	}
	return -1
}

func inferReshape(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	target := c.shapeArg(1)
	if target == nil {
		if k := c.rankFromShapeInput(1); k >= 0 {
			c.set(0, dt, unknownDims(k))
		} else {
			c.set(0, dt, graph.UnknownShape())
		}
		return nil
	}
	allowZero := c.opset >= 14 && c.n.Int("allowzero", 0) != 0
	out := make([]graph.Dim, len(target))
	src := make([]int, len(target)) // input axis a dim was copied from, or -1
	infer, zeros := -1, false
	for i, t := range target {
		src[i] = -1
		if !isVal(t) {
			// A size computed at run time (Shape → … → Concat).
			out[i] = t
			continue
		}
		switch v := t.Size; {
		case v == -1:
			if infer >= 0 {
				return c.errf("shape %v has more than one -1", targetString(target))
			}
			infer = i
		case v == 0 && !allowZero:
			switch {
			case !x.Known:
				out[i] = graph.Unk()
			case i >= len(x.Dims):
				return c.errf("shape %v copies dim %d of %v, which has none", targetString(target), i, x)
			default:
				out[i], src[i] = x.Dims[i], i
			}
		case v < 0:
			return c.errf("shape %v has a negative size", targetString(target))
		default:
			zeros = zeros || v == 0
			out[i] = graph.D(v)
		}
	}
	if infer >= 0 {
		if zeros {
			return c.errf("shape %v has both -1 and 0 with allowzero", targetString(target))
		}
		d, err := c.inferredDim(x, out, src, infer)
		if err != nil {
			return err
		}
		out[infer] = d
	} else if x.Static() {
		if n, m := x.NumElements(), graph.DimsOf(out...).NumElements(); m >= 0 && n != m {
			return c.errf("cannot reshape %v (%d elements) to %v (%d)", x, n, targetString(target), m)
		}
	}
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

// targetString prints a shape argument, values as numbers (-1 included).
func targetString(t []graph.Dim) string {
	s := "["
	for i, d := range t {
		if i > 0 {
			s += " "
		}
		if isVal(d) {
			s += itoa(d.Size)
		} else {
			s += d.Name
		}
	}
	return s + "]"
}

// inferredDim solves for the -1 of a Reshape: input elements over the
// other output dims. Dims copied by 0 cancel with their source; the rest
// go through the dim algebra, so that [N,3,4] to [-1,12] gives N and
// [N*H, W, 16] to [N, H, -1] gives 16·W.
func (c *ctx) inferredDim(x graph.Shape, out []graph.Dim, src []int, infer int) (graph.Dim, error) {
	if !x.Known {
		return graph.Unk(), nil
	}
	used := make([]bool, len(x.Dims))
	num, den := term{k: 1}, term{k: 1}
	for i, d := range out {
		if i == infer {
			continue
		}
		if src[i] >= 0 {
			used[src[i]] = true
			continue
		}
		t, ok := c.termOf(d)
		if !ok {
			return graph.Unk(), nil
		}
		if den, ok = mulTerms(den, t); !ok {
			return graph.Unk(), nil
		}
	}
	for i, d := range x.Dims {
		if used[i] {
			continue
		}
		t, ok := c.termOf(d)
		if !ok {
			return graph.Unk(), nil
		}
		if num, ok = mulTerms(num, t); !ok {
			return graph.Unk(), nil
		}
	}
	d, ok := c.quotient(num, den)
	if !ok {
		return graph.Dim{}, c.errf("cannot reshape %v to %v: %d elements do not divide by %d", x, graph.DimsOf(out...), num.k, den.k)
	}
	return d, nil
}

func inferFlatten(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	if !x.Known {
		c.set(0, dt, unknownDims(2))
		return nil
	}
	r := int64(len(x.Dims))
	axis := c.n.Int("axis", 1)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis > r {
		return c.errf("axis %d out of range for %v", c.n.Int("axis", 1), x)
	}
	c.set(0, dt, graph.DimsOf(c.mulDims(x.Dims[:axis]...), c.mulDims(x.Dims[axis:]...)))
	return nil
}

func inferTranspose(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	perm := c.n.Ints("perm")
	if !x.Known {
		if perm != nil {
			c.set(0, dt, unknownDims(len(perm)))
		} else {
			c.set(0, dt, graph.UnknownShape())
		}
		return nil
	}
	r := len(x.Dims)
	if perm == nil {
		perm = make([]int64, r)
		for i := range perm {
			perm[i] = int64(r - 1 - i)
		}
	}
	if len(perm) != r {
		return c.errf("perm %v does not fit %v", perm, x)
	}
	seen := make([]bool, r)
	out := make([]graph.Dim, r)
	for i, p := range perm {
		if p < 0 || p >= int64(r) || seen[p] {
			return c.errf("perm %v is not a permutation of the axes of %v", perm, x)
		}
		seen[p] = true
		out[i] = x.Dims[p]
	}
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

// axesArg reads the axes of Squeeze/Unsqueeze/Reduce*: an attribute before
// opset `since`, an optional input from then on. present is false when
// there are none; known is false when they come from a non-constant input.
func (c *ctx) axesArg(input, since int) (axes []int64, present, known bool) {
	if c.opset < since {
		a, ok := c.n.Attrs["axes"].([]int64)
		return a, ok, true
	}
	if !c.has(input) {
		return nil, false, true
	}
	a, ok := c.ints(input)
	return a, true, ok
}

func inferSqueeze(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	axes, present, known := c.axesArg(1, 13)
	if !x.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	if !known {
		if k := c.rankFromShapeInput(1); k >= 0 && k <= len(x.Dims) {
			c.set(0, dt, unknownDims(len(x.Dims)-k))
		} else {
			c.set(0, dt, graph.UnknownShape())
		}
		return nil
	}
	drop := make([]bool, len(x.Dims))
	// Empty axes squeeze every 1, as no axes do.
	if present && len(axes) > 0 {
		ax, err := c.axesOf(axes, len(x.Dims))
		if err != nil {
			return err
		}
		for _, a := range ax {
			if d := x.Dims[a]; d.Known() && d.Size != 1 {
				return c.errf("cannot squeeze axis %d of %v", a, x)
			}
			drop[a] = true
		}
	} else {
		for i, d := range x.Dims {
			if !d.Known() {
				// Whether it is 1 decides the rank.
				c.set(0, dt, graph.UnknownShape())
				return nil
			}
			drop[i] = d.Size == 1
		}
	}
	var out []graph.Dim
	for i, d := range x.Dims {
		if !drop[i] {
			out = append(out, d)
		}
	}
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

func inferUnsqueeze(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	axes, present, known := c.axesArg(1, 13)
	if !present && known {
		return c.errf("missing axes")
	}
	if !x.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	if !known {
		if k := c.rankFromShapeInput(1); k >= 0 {
			c.set(0, dt, unknownDims(len(x.Dims)+k))
		} else {
			c.set(0, dt, graph.UnknownShape())
		}
		return nil
	}
	r := len(x.Dims) + len(axes)
	ax, err := c.axesOf(axes, r)
	if err != nil {
		return err
	}
	ins := make([]bool, r)
	for _, a := range ax {
		if ins[a] {
			return c.errf("axes %v repeat an axis", axes)
		}
		ins[a] = true
	}
	out := make([]graph.Dim, r)
	j := 0
	for i := range out {
		if ins[i] {
			out[i] = graph.D(1)
		} else {
			out[i] = x.Dims[j]
			j++
		}
	}
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

func inferExpand(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	if target := c.shapeArg(1); target != nil {
		sh, err := c.broadcast(x, graph.DimsOf(asDims(target)...))
		if err != nil {
			return err
		}
		c.set(0, dt, sh)
		return nil
	}
	k := c.rankFromShapeInput(1)
	if !x.Known || k < 0 {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	// A known input dim other than 1 survives any valid target.
	r := max(k, len(x.Dims))
	out := unknownDims(r)
	for i, d := range x.Dims {
		if d.Known() && d.Size != 1 {
			out.Dims[r-len(x.Dims)+i] = d
		}
	}
	c.set(0, dt, out)
	return nil
}

func inferTile(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	if !x.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	reps := c.shapeArg(1)
	if reps == nil {
		c.set(0, dt, unknownDims(len(x.Dims)))
		return nil
	}
	if len(reps) != len(x.Dims) {
		return c.errf("repeats %v do not fit %v", targetString(reps), x)
	}
	out := make([]graph.Dim, len(reps))
	for i, r := range reps {
		if isVal(r) && r.Size < 0 {
			return c.errf("negative repeats %v", targetString(reps))
		}
		out[i] = c.mulDims(x.Dims[i], r)
	}
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

func inferDepthToSpace(c *ctx) error { return c.blockRearrange(false) }
func inferSpaceToDepth(c *ctx) error { return c.blockRearrange(true) }

// blockRearrange moves blocksize² channels into (or out of) each spatial
// position of an NCHW tensor.
func (c *ctx) blockRearrange(toDepth bool) error {
	x, dt := c.shape(0), c.dtype(0)
	b := c.n.Int("blocksize", 0)
	if b <= 0 {
		return c.errf("blocksize %d must be positive", b)
	}
	if !x.Known {
		c.set(0, dt, unknownDims(4))
		return nil
	}
	if len(x.Dims) != 4 {
		return c.errf("input %v must be 4-D", x)
	}
	n, ch, h, w := x.Dims[0], x.Dims[1], x.Dims[2], x.Dims[3]
	if toDepth {
		for _, d := range []graph.Dim{h, w} {
			if d.Known() && d.Size%b != 0 {
				return c.errf("spatial dims of %v do not divide by blocksize %d", x, b)
			}
		}
		c.set(0, dt, graph.DimsOf(n, c.mulDim(ch, b*b), c.divDim(h, b), c.divDim(w, b)))
		return nil
	}
	if ch.Known() && ch.Size%(b*b) != 0 {
		return c.errf("channels of %v do not divide by blocksize² %d", x, b*b)
	}
	c.set(0, dt, graph.DimsOf(n, c.divDim(ch, b*b), c.mulDim(h, b), c.mulDim(w, b)))
	return nil
}

// asDims reads shape-argument elements as dims: negative values (invalid
// as sizes) become unknown.
func asDims(t []graph.Dim) []graph.Dim {
	out := make([]graph.Dim, len(t))
	for i, d := range t {
		out[i] = d
		if isVal(d) && d.Size < 0 {
			out[i] = graph.Unk()
		}
	}
	return out
}
