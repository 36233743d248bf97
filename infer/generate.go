package infer

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// inferShape: a 1-D int64 of the rank, cut by start/end since opset 15.
func inferShape(c *ctx) error {
	x := c.shape(0)
	if !x.Known {
		c.set(0, graph.Int64, graph.DimsOf(graph.Unk()))
		return nil
	}
	r := int64(len(x.Dims))
	start, end := int64(0), r
	if c.opset >= 15 {
		start = clampIndex(c.n.Int("start", 0), r)
		end = clampIndex(c.n.Int("end", r), r)
	}
	c.set(0, graph.Int64, graph.ShapeOf(max(end-start, 0)))
	return nil
}

// clampIndex maps a possibly negative index into [0, n].
func clampIndex(v, n int64) int64 {
	if v < 0 {
		v += n
	}
	return min(max(v, 0), n)
}

func inferSize(c *ctx) error {
	c.set(0, graph.Int64, graph.ShapeOf())
	return nil
}

func inferConstantOfShape(c *ctx) error {
	dt := graph.Float
	if t := c.n.TensorAttr("value"); t != nil {
		dt = t.DType
	}
	if dims := c.shapeArg(0); dims != nil {
		for _, d := range dims {
			if isVal(d) && d.Size < 0 {
				return c.errf("negative dim in shape %v", targetString(dims))
			}
		}
		c.set(0, dt, graph.DimsOf(dims...))
		return nil
	}
	if k := c.rankFromShapeInput(0); k >= 0 {
		c.set(0, dt, unknownDims(k))
	} else {
		c.set(0, dt, graph.UnknownShape())
	}
	return nil
}

func inferRange(c *ctx) error {
	dt := c.dtype(0)
	start, ok1 := c.floats(0)
	limit, ok2 := c.floats(1)
	delta, ok3 := c.floats(2)
	if !ok1 || !ok2 || !ok3 || len(start) != 1 || len(limit) != 1 || len(delta) != 1 {
		n := graph.Unk()
		// range(0, n, 1) of a size computed from a shape has n elements.
		if s, l, d := c.contents(0), c.contents(1), c.contents(2); len(s) == 1 && len(l) == 1 && len(d) == 1 &&
			isVal(s[0]) && s[0].Size == 0 && isVal(d[0]) && d[0].Size == 1 && !isVal(l[0]) {
			n = l[0]
		}
		c.set(0, dt, graph.DimsOf(n))
		return nil
	}
	if delta[0] == 0 {
		return c.errf("delta is 0")
	}
	var n int64
	if dt.IsInt() {
		s, l, d := c.constant(0).Int64s()[0], c.constant(1).Int64s()[0], c.constant(2).Int64s()[0]
		if (l > s) != (l-s > 0) {
			// The count overflows int64: no static size to state.
			c.set(0, dt, graph.DimsOf(graph.Unk()))
			return nil
		}
		n = ceilDiv(l-s, d)
	} else {
		f := math.Ceil((limit[0] - start[0]) / delta[0])
		if math.IsNaN(f) || f >= math.MaxInt64 {
			c.set(0, dt, graph.DimsOf(graph.Unk()))
			return nil
		}
		n = int64(max(f, 0))
	}
	c.set(0, dt, graph.ShapeOf(max(n, 0)))
	return nil
}

func inferEyeLike(c *ctx) error {
	dt := c.n.Type("dtype")
	if dt == graph.Undefined {
		dt = c.dtype(0)
	}
	x := c.shape(0)
	if x.Known && len(x.Dims) != 2 {
		return c.errf("input %v must be 2-D", x)
	}
	c.set(0, dt, x)
	return nil
}

// inferConstant types a Constant node from whichever value attribute it
// carries and remembers the value for the shape inputs of later nodes.
func inferConstant(c *ctx) error {
	var t *graph.Tensor
	a := c.n.Attrs
	switch {
	case a["value"] != nil:
		t = c.n.TensorAttr("value")
	case a["value_int"] != nil:
		t = graph.ScalarInt64(c.n.Int("value_int", 0))
	case a["value_ints"] != nil:
		t = graph.Int64Tensor(c.n.Ints("value_ints")...)
	case a["value_float"] != nil:
		t = graph.ScalarOf(graph.Float, float64(c.n.Float("value_float", 0)))
	case a["value_floats"] != nil:
		t = graph.Float32Tensor([]int64{int64(len(c.n.Floats("value_floats")))}, c.n.Floats("value_floats"))
	case a["value_string"] != nil:
		c.set(0, graph.String, graph.ShapeOf())
		return nil
	case a["value_strings"] != nil:
		s, _ := a["value_strings"].([]string)
		c.set(0, graph.String, graph.ShapeOf(int64(len(s))))
		return nil
	}
	if t == nil {
		return nil // sparse_value, or a kind this package does not read
	}
	c.set(0, t.DType, t.Shape())
	if len(c.n.Outputs) > 0 && c.n.Outputs[0] != "" {
		if c.s.consts == nil {
			c.s.consts = map[string]*graph.Tensor{}
		}
		c.s.consts[c.n.Outputs[0]] = t
	}
	return nil
}

func inferNonZero(c *ctx) error {
	x := c.shape(0)
	r := graph.Unk()
	if x.Known {
		r = graph.D(int64(len(x.Dims)))
	}
	c.set(0, graph.Int64, graph.DimsOf(r, graph.Unk()))
	return nil
}

// inferOneHot inserts the depth at axis (default -1: last) of the indices'
// shape; the output takes the type of the on/off values.
func inferOneHot(c *ctx) error {
	ind, dt := c.shape(0), c.dtype(2)
	if !ind.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	r := len(ind.Dims) + 1
	axis, ok := normAxis(c.n.Int("axis", -1), r)
	if !ok {
		return c.errf("axis %d out of range for rank %d", c.n.Int("axis", -1), r)
	}
	depth := graph.Unk()
	if v, ok := c.floats(1); ok && len(v) == 1 {
		depth = graph.D(int64(v[0]))
	}
	out := append([]graph.Dim{}, ind.Dims[:axis]...)
	out = append(out, depth)
	out = append(out, ind.Dims[axis:]...)
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}
