package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// broadcastDim merges two dims under numpy rules; ok is false when both are
// known and neither is 1.
func (c *ctx) broadcastDim(a, b graph.Dim) (graph.Dim, bool) {
	switch {
	case a.Known() && b.Known():
		switch {
		case a.Size == b.Size, b.Size == 1:
			return a, true
		case a.Size == 1:
			return b, true
		}
		return graph.Dim{}, false
	case a.Known():
		// The unknown side must be 1 or equal to a known non-1 size.
		if a.Size == 1 {
			return b, true
		}
		return a, true
	case b.Known():
		if b.Size == 1 {
			return a, true
		}
		return b, true
	}
	if a.Name != "" && a.Name == b.Name {
		return a, true
	}
	// N against M may be either one, or 1 against the other: a symbol of
	// its own, the same for every N against M. Against an anonymous dim,
	// nothing.
	if a.Name != "" && b.Name != "" {
		x, y := a.Name, b.Name
		if y < x {
			x, y = y, x
		}
		return c.symFor("bcast", x, y), true
	}
	return graph.Unk(), true
}

// broadcast applies multidirectional broadcasting to the shapes. The
// result has unknown rank when any input does.
func (c *ctx) broadcast(shapes ...graph.Shape) (graph.Shape, error) {
	rank := 0
	for _, s := range shapes {
		if !s.Known {
			return graph.UnknownShape(), nil
		}
		rank = max(rank, len(s.Dims))
	}
	out := make([]graph.Dim, rank)
	for i := range out {
		out[i] = graph.D(1)
	}
	for _, s := range shapes {
		off := rank - len(s.Dims)
		for i, d := range s.Dims {
			m, ok := c.broadcastDim(out[off+i], d)
			if !ok {
				return graph.Shape{}, c.errf("cannot broadcast shapes %v", shapeList(shapes))
			}
			out[off+i] = m
		}
	}
	return graph.DimsOf(out...), nil
}

func shapeList(shapes []graph.Shape) string {
	s := ""
	for i, sh := range shapes {
		if i > 0 {
			s += " and "
		}
		s += sh.String()
	}
	return s
}

// unifyDim merges two dims that the op requires to be equal; ok is false
// when both are known and differ. A known size beats a name, a name beats
// an anonymous dim.
func unifyDim(a, b graph.Dim) (graph.Dim, bool) {
	switch {
	case a.Known() && b.Known():
		return a, a.Size == b.Size
	case a.Known():
		return a, true
	case b.Known():
		return b, true
	case a.Name != "":
		return a, true
	}
	return b, true
}

// joinDim is a dim that may be either a or b (the two branches of an If,
// a loop-carried value before and after an iteration).
func joinDim(a, b graph.Dim) graph.Dim {
	if a == b {
		return a
	}
	return graph.Unk()
}

// joinShape is a shape that may be either a or b.
func joinShape(a, b graph.Shape) graph.Shape {
	if !a.Known || !b.Known || len(a.Dims) != len(b.Dims) {
		return graph.UnknownShape()
	}
	out := make([]graph.Dim, len(a.Dims))
	for i := range out {
		out[i] = joinDim(a.Dims[i], b.Dims[i])
	}
	return graph.DimsOf(out...)
}

// normAxis maps a possibly negative axis into [0, rank).
func normAxis(axis int64, rank int) (int, bool) {
	if axis < 0 {
		axis += int64(rank)
	}
	if axis < 0 || axis >= int64(rank) {
		return 0, false
	}
	return int(axis), true
}

// unknownDims is a shape of the given rank with every dim unknown.
func unknownDims(rank int) graph.Shape {
	d := make([]graph.Dim, rank)
	for i := range d {
		d[i] = graph.Unk()
	}
	return graph.DimsOf(d...)
}

// dimsOf turns sizes into dims (negative sizes unknown).
func dimsOf(sizes []int64) []graph.Dim {
	return graph.ShapeOf(sizes...).Dims
}

// axesOf normalizes a list of axes against rank, reporting out-of-range
// ones as an error.
func (c *ctx) axesOf(axes []int64, rank int) ([]int, error) {
	out := make([]int, len(axes))
	for i, a := range axes {
		ax, ok := normAxis(a, rank)
		if !ok {
			return nil, c.errf("axis %d out of range for rank %d", a, rank)
		}
		out[i] = ax
	}
	return out, nil
}
