package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// broadcastDim merges two dims under numpy rules; ok is false when both are
// known and neither is 1.
func broadcastDim(a, b graph.Dim) (graph.Dim, bool) {
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
	// N against M (or against ?) may be either one, or 1 against the other.
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
			m, ok := broadcastDim(out[off+i], d)
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

// product multiplies dims. An unknown dim times dims known to be 1 keeps its
// name (Flatten of [N,1,1] is [N]); any other unknown makes it anonymous.
func product(dims []graph.Dim) graph.Dim {
	size := int64(1)
	var unknown []graph.Dim
	for _, d := range dims {
		if d.Known() {
			size *= d.Size
		} else {
			unknown = append(unknown, d)
		}
	}
	switch {
	case len(unknown) == 0:
		return graph.D(size)
	case len(unknown) == 1 && size == 1:
		return unknown[0]
	case size == 0:
		return graph.D(0)
	}
	return graph.Unk()
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

// divDim divides a dim by a known factor, keeping it unknown when it is.
func divDim(d graph.Dim, k int64) graph.Dim {
	if d.Known() && k > 0 {
		return graph.D(d.Size / k)
	}
	if k == 1 {
		return d
	}
	return graph.Unk()
}

// mulDim multiplies a dim by a known factor.
func mulDim(d graph.Dim, k int64) graph.Dim {
	switch {
	case d.Known():
		return graph.D(d.Size * k)
	case k == 1:
		return d
	case k == 0:
		return graph.D(0)
	}
	return graph.Unk()
}

// addDim adds a known amount to a dim.
func addDim(d graph.Dim, k int64) graph.Dim {
	switch {
	case d.Known():
		return graph.D(d.Size + k)
	case k == 0:
		return d
	}
	return graph.Unk()
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
