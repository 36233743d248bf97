package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// window holds the sliding-window attributes shared by Conv, ConvTranspose
// and the pools, expanded to one entry per spatial axis.
type window struct {
	autoPad   string
	kernel    []graph.Dim
	strides   []int64
	dilations []int64
	pads      []int64 // begins then ends
	ceil      bool
}

func (c *ctx) window(spatial int, kernel []graph.Dim) (window, error) {
	w := window{
		autoPad:   c.n.Str("auto_pad", "NOTSET"),
		kernel:    kernel,
		strides:   ones(c.n.Ints("strides"), spatial),
		dilations: ones(c.n.Ints("dilations"), spatial),
		pads:      c.n.Ints("pads"),
		ceil:      c.n.Int("ceil_mode", 0) != 0,
	}
	if ks := c.n.Ints("kernel_shape"); ks != nil {
		w.kernel = dimsOf(ks)
	}
	if w.pads == nil {
		w.pads = make([]int64, 2*spatial)
	}
	if len(w.kernel) != spatial || len(w.strides) != spatial ||
		len(w.dilations) != spatial || len(w.pads) != 2*spatial {
		return w, c.errf("window attributes (kernel %v, strides %v, dilations %v, pads %v) do not fit %d spatial dims",
			w.kernel, w.strides, w.dilations, w.pads, spatial)
	}
	return w, nil
}

// ones is v, or spatial ones when the attribute is absent.
func ones(v []int64, spatial int) []int64 {
	if v != nil {
		return v
	}
	out := make([]int64, spatial)
	for i := range out {
		out[i] = 1
	}
	return out
}

// out is the output size along spatial axis i of a convolution or pool.
func (w window) out(c *ctx, i int, in graph.Dim) (graph.Dim, error) {
	s, d, k := w.strides[i], w.dilations[i], w.kernel[i]
	if s <= 0 || d <= 0 {
		return graph.Dim{}, c.errf("strides %v and dilations %v must be positive", w.strides, w.dilations)
	}
	pb, pe := w.pads[i], w.pads[len(w.kernel)+i]
	switch w.autoPad {
	case "SAME_UPPER", "SAME_LOWER":
		if !in.Known() {
			if s == 1 || in.Name == "" {
				return in, nil
			}
			return c.symFor("ceildiv", in.Name, itoa(s)), nil
		}
		return graph.D(ceilDiv(in.Size, s)), nil
	case "VALID":
		pb, pe = 0, 0
	}
	if !k.Known() {
		return graph.Unk(), nil
	}
	eff := (k.Size-1)*d + 1
	if !in.Known() {
		// Padding that exactly makes up for the window keeps the size.
		if s == 1 && pb+pe == eff-1 || in.Name == "" {
			return in, nil
		}
		ceil := "floor"
		if w.ceil && w.autoPad != "VALID" {
			ceil = "ceil"
		}
		// What the size depends on: the input, the window, the stride, the
		// pads (the begin pad too, for ceil mode).
		return c.symFor("window", in.Name, itoa(eff), itoa(s), itoa(pb), itoa(pe), ceil), nil
	}
	span := in.Size + pb + pe - eff
	if span < 0 {
		return graph.Dim{}, c.errf("window %d (dilated) does not fit input size %d with pads %d+%d", eff, in.Size, pb, pe)
	}
	n := span/s + 1
	if w.ceil && w.autoPad != "VALID" {
		n = ceilDiv(span, s) + 1
		// The last window must start inside the input or its left pad.
		if (n-1)*s >= in.Size+pb {
			n--
		}
	}
	return graph.D(n), nil
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) == (b < 0)) {
		q++
	}
	return q
}

func inferConv(c *ctx) error {
	x, w := c.shape(0), c.shape(1)
	dt := c.dtype(0)
	rank := -1
	switch {
	case x.Known:
		rank = len(x.Dims)
	case w.Known:
		rank = len(w.Dims)
	}
	if rank < 3 {
		if rank >= 0 {
			return c.errf("Conv input %v needs rank 3 or more", x)
		}
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	if !x.Known {
		x = unknownDims(rank)
	}
	if !w.Known {
		w = unknownDims(rank)
	}
	if len(w.Dims) != rank {
		return c.errf("Conv input %v and weights %v differ in rank", x, w)
	}
	group := c.n.Int("group", 1)
	if cin, wc := x.Dims[1], w.Dims[1]; cin.Known() && wc.Known() && cin.Size != wc.Size*group {
		return c.errf("input channels %d of %v do not match weights %v with group %d", cin.Size, x, w, group)
	}
	win, err := c.window(rank-2, w.Dims[2:])
	if err != nil {
		return err
	}
	out := []graph.Dim{x.Dims[0], w.Dims[0]}
	for i := 0; i < rank-2; i++ {
		d, err := win.out(c, i, x.Dims[2+i])
		if err != nil {
			return err
		}
		out = append(out, d)
	}
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

func inferConvTranspose(c *ctx) error {
	x, w := c.shape(0), c.shape(1)
	dt := c.dtype(0)
	if !x.Known || len(x.Dims) < 3 {
		if x.Known {
			return c.errf("ConvTranspose input %v needs rank 3 or more", x)
		}
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	rank := len(x.Dims)
	if !w.Known {
		w = unknownDims(rank)
	}
	if len(w.Dims) != rank {
		return c.errf("ConvTranspose input %v and weights %v differ in rank", x, w)
	}
	spatial := rank - 2
	group := c.n.Int("group", 1)
	win, err := c.window(spatial, w.Dims[2:])
	if err != nil {
		return err
	}
	outPad := c.n.Ints("output_padding")
	if outPad == nil {
		outPad = make([]int64, spatial)
	}
	outShape := c.n.Ints("output_shape")
	if len(outShape) == rank {
		// Some producers give the full shape; the spatial part is what counts.
		outShape = outShape[2:]
	}
	if len(outPad) != spatial || (outShape != nil && len(outShape) != spatial) {
		return c.errf("output_padding %v or output_shape %v do not fit %d spatial dims", outPad, outShape, spatial)
	}
	out := []graph.Dim{x.Dims[0], c.mulDim(w.Dims[1], group)}
	for i := 0; i < spatial; i++ {
		if outShape != nil {
			out = append(out, graph.D(outShape[i]))
			continue
		}
		in, k := x.Dims[2+i], win.kernel[i]
		s := win.strides[i]
		switch win.autoPad {
		case "SAME_UPPER", "SAME_LOWER":
			out = append(out, c.mulDim(in, s))
			continue
		}
		if !k.Known() || !in.Known() && in.Name == "" {
			out = append(out, graph.Unk())
			continue
		}
		pb, pe := win.pads[i], win.pads[spatial+i]
		if win.autoPad == "VALID" {
			pb, pe = 0, 0
		}
		eff := (k.Size-1)*win.dilations[i] + 1
		if !in.Known() {
			// s·(in-1) + outPad + eff - pads
			out = append(out, c.addDim(c.mulDim(in, s), outPad[i]+eff-pb-pe-s))
			continue
		}
		n := s*(in.Size-1) + outPad[i] + eff - pb - pe
		if n < 0 {
			return c.errf("negative output size %d along spatial axis %d", n, i)
		}
		out = append(out, graph.D(n))
	}
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

// inferPool covers MaxPool (and its optional int64 Indices output),
// AveragePool and LpPool.
func inferPool(c *ctx) error {
	x := c.shape(0)
	dt := c.dtype(0)
	if !x.Known {
		c.set(0, dt, graph.UnknownShape())
		c.set(1, graph.Int64, graph.UnknownShape())
		return nil
	}
	if len(x.Dims) < 3 {
		return c.errf("%s input %v needs rank 3 or more", c.n.Op, x)
	}
	if c.n.Ints("kernel_shape") == nil {
		return c.errf("missing attribute kernel_shape")
	}
	win, err := c.window(len(x.Dims)-2, nil)
	if err != nil {
		return err
	}
	out := []graph.Dim{x.Dims[0], x.Dims[1]}
	for i := range win.kernel {
		d, err := win.out(c, i, x.Dims[2+i])
		if err != nil {
			return err
		}
		out = append(out, d)
	}
	sh := c.named(graph.DimsOf(out...), 0)
	c.set(0, dt, sh)
	c.set(1, graph.Int64, sh)
	return nil
}

func inferGlobalPool(c *ctx) error {
	x := c.shape(0)
	if !x.Known {
		c.set(0, c.dtype(0), x)
		return nil
	}
	if len(x.Dims) < 2 {
		return c.errf("%s input %v needs rank 2 or more", c.n.Op, x)
	}
	out := append([]graph.Dim{}, x.Dims[:2]...)
	for range x.Dims[2:] {
		out = append(out, graph.D(1))
	}
	c.set(0, c.dtype(0), graph.DimsOf(out...))
	return nil
}
