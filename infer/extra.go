package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// Ops the TF op handlers of the wider op families emit (determinants,
// detection, quantization, signal, random generators, sets).

// inferDet drops the two matrix dims.
func inferDet(c *ctx) error {
	x := c.shape(0)
	if !x.Known || len(x.Dims) < 2 {
		c.set(0, c.dtype(0), graph.UnknownShape())
		return nil
	}
	c.set(0, c.dtype(0), graph.DimsOf(x.Dims[:len(x.Dims)-2]...))
	return nil
}

// inferNMS: [selected, 3] int64 rows (batch, class, box).
func inferNMS(c *ctx) error {
	c.set(0, graph.Int64, graph.DimsOf(graph.Unk(), graph.D(3)))
	return nil
}

// inferRandom: dtype attribute (float by default) and shape attribute.
func inferRandom(c *ctx) error {
	dt := c.n.TypeOr("dtype", graph.Float)
	c.set(0, dt, graph.ShapeOf(c.n.Ints("shape")...))
	return nil
}

// inferRandomLike: the input's shape; dtype attribute or the input's type.
func inferRandomLike(c *ctx) error {
	dt := c.n.Type("dtype")
	if dt == graph.Undefined {
		dt = c.dtype(0)
	}
	c.set(0, dt, c.shape(0))
	return nil
}

// inferMultinomial: [batch, sample_size], int32 unless dtype says.
func inferMultinomial(c *ctx) error {
	dt := c.n.TypeOr("dtype", graph.Int32)
	x := c.shape(0)
	b := graph.Unk()
	if x.Known && len(x.Dims) == 2 {
		b = x.Dims[0]
	}
	c.set(0, dt, graph.DimsOf(b, graph.D(c.n.Int("sample_size", 1))))
	return nil
}

// inferUnique: flattened (no axis) or along an axis; the index outputs are
// int64.
func inferUnique(c *ctx) error {
	x := c.shape(0)
	dt := c.dtype(0)
	if _, ok := c.n.Attrs["axis"]; ok && x.Known {
		axis, ok := normAxis(c.n.Int("axis", 0), len(x.Dims))
		if !ok {
			return c.errf("axis out of range for %v", x)
		}
		d := append([]graph.Dim{}, x.Dims...)
		d[axis] = graph.Unk()
		c.set(0, dt, graph.DimsOf(d...))
		c.set(2, graph.Int64, graph.DimsOf(x.Dims[axis]))
	} else {
		c.set(0, dt, unknownDims(1))
		n := graph.Unk()
		if k := x.NumElements(); k >= 0 {
			n = graph.D(k)
		}
		c.set(2, graph.Int64, graph.DimsOf(n))
	}
	c.set(1, graph.Int64, unknownDims(1))
	c.set(3, graph.Int64, unknownDims(1))
	return nil
}

// inferDFT: the signal [batch, ..., n, 1|2] becomes complex [..., n', 2];
// n' is dft_length (or the input's), halved plus one when onesided.
func inferDFT(c *ctx) error {
	x := c.shape(0)
	if !x.Known {
		c.set(0, c.dtype(0), graph.UnknownShape())
		return nil
	}
	r := len(x.Dims)
	axis := c.n.Int("axis", 1)
	if c.opset >= 20 {
		axis = -2
		if v, ok := c.ints(2); ok && len(v) == 1 {
			axis = v[0]
		}
	}
	a, ok := normAxis(axis, r)
	if !ok {
		return c.errf("axis %d out of range for %v", axis, x)
	}
	d := append([]graph.Dim{}, x.Dims...)
	n := d[a]
	if v, ok := c.ints(1); ok && len(v) == 1 {
		n = graph.D(v[0])
	}
	if c.n.Int("onesided", 0) == 1 {
		if n.Known() {
			n = graph.D(n.Size/2 + 1)
		} else {
			n = graph.Unk()
		}
	}
	d[a] = n
	d[r-1] = graph.D(2)
	c.set(0, c.dtype(0), graph.DimsOf(d...))
	return nil
}

// inferCompress: the compressed axis (or the flattened input) has an
// unknown length.
func inferCompress(c *ctx) error {
	x := c.shape(0)
	if _, ok := c.n.Attrs["axis"]; !ok {
		c.set(0, c.dtype(0), unknownDims(1))
		return nil
	}
	if !x.Known {
		c.set(0, c.dtype(0), graph.UnknownShape())
		return nil
	}
	axis, ok := normAxis(c.n.Int("axis", 0), len(x.Dims))
	if !ok {
		return c.errf("axis out of range for %v", x)
	}
	d := append([]graph.Dim{}, x.Dims...)
	d[axis] = graph.Unk()
	c.set(0, c.dtype(0), graph.DimsOf(d...))
	return nil
}
