package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// axesInputSince is the opset from which a reduction takes its axes as an
// input rather than an attribute.
func axesInputSince(op string) int {
	if op == "ReduceSum" {
		return 13
	}
	return 18
}

func inferReduce(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	keep := c.n.Int("keepdims", 1) != 0
	axes, present, known := c.axesArg(1, axesInputSince(c.n.Op))
	if !x.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	r := len(x.Dims)
	if !known {
		switch k := c.rankFromShapeInput(1); {
		case keep:
			// Dims known to be 1 stay 1 whether reduced or not.
			out := x.Clone()
			for i, d := range out.Dims {
				if !d.Known() || d.Size != 1 {
					out.Dims[i] = graph.Unk()
				}
			}
			c.set(0, dt, out)
		case k >= 0 && k <= r:
			c.set(0, dt, unknownDims(r-k))
		default:
			c.set(0, dt, graph.UnknownShape())
		}
		return nil
	}
	red := make([]bool, r)
	if !present || len(axes) == 0 {
		if c.opset >= axesInputSince(c.n.Op) && c.n.Int("noop_with_empty_axes", 0) != 0 {
			c.set(0, dt, x)
			return nil
		}
		for i := range red {
			red[i] = true
		}
	} else {
		ax, err := c.axesOf(axes, r)
		if err != nil {
			return err
		}
		for _, a := range ax {
			red[a] = true
		}
	}
	c.set(0, dt, reduced(x, red, keep))
	return nil
}

// reduced drops (or sets to 1, with keepdims) the marked dims.
func reduced(x graph.Shape, red []bool, keep bool) graph.Shape {
	out := []graph.Dim{}
	for i, d := range x.Dims {
		switch {
		case !red[i]:
			out = append(out, d)
		case keep:
			out = append(out, graph.D(1))
		}
	}
	return graph.DimsOf(out...)
}

func inferArg(c *ctx) error {
	x := c.shape(0)
	if !x.Known {
		c.set(0, graph.Int64, graph.UnknownShape())
		return nil
	}
	axis, ok := normAxis(c.n.Int("axis", 0), len(x.Dims))
	if !ok {
		return c.errf("axis %d out of range for %v", c.n.Int("axis", 0), x)
	}
	red := make([]bool, len(x.Dims))
	red[axis] = true
	c.set(0, graph.Int64, reduced(x, red, c.n.Int("keepdims", 1) != 0))
	return nil
}
