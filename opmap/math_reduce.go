package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// mathVec1D makes a 1-D int64 value of v (an int scalar or vector), as
// ONNX's axes, K and shape inputs want.
func mathVec1D(c *Ctx, v string) string {
	if vals, ok := c.ConstInts(v); ok {
		return c.Int64s(vals...)
	}
	v = mathCastTo(c, v, graph.Int64)
	if c.Rank(v) == 1 {
		return v
	}
	return c.Op("Reshape", nil, v, c.Int64s(-1))
}

// mathReduceTo reduces x over the axes held by value axes (TF's
// reduction_indices: int32 or int64, scalar or vector, possibly negative,
// possibly not constant) into out ("" for a fresh value) and returns the
// result. An empty axes list reduces nothing in TF (ONNX would reduce
// everything), so it aliases the input. Axes are an input for ReduceSum
// since opset 13 and for the other reductions since 18.
func mathReduceTo(c *Ctx, out, op, x, axes string, keep bool) (string, error) {
	attrs := Attrs{"keepdims": int64(0)}
	if keep {
		attrs["keepdims"] = int64(1)
	}
	emit := func(inputs ...string) string {
		if out == "" {
			return c.Op(op, attrs, inputs...)
		}
		c.OpTo(out, op, attrs, inputs...)
		return out
	}
	axesAsInput := op == "ReduceSum" || c.Opset >= 18
	if vals, ok := c.ConstInts(axes); ok {
		if len(vals) == 0 {
			if out == "" {
				return x, nil
			}
			c.Alias(out, x)
			return out, nil
		}
		if axesAsInput {
			return emit(x, c.Int64s(vals...)), nil
		}
		attrs["axes"] = vals
		return emit(x), nil
	}
	if !axesAsInput {
		return "", c.Errorf("%s with non-constant axes needs opset 18", op)
	}
	attrs["noop_with_empty_axes"] = int64(1)
	return emit(x, mathVec1D(c, axes)), nil
}

func mathReduce(op string) Handler {
	return func(c *Ctx) error {
		_, err := mathReduceTo(c, c.Out(0), op, c.In(0), c.In(1), c.Node.Bool("keep_dims", false))
		return err
	}
}

// mathAny: ONNX reductions do not take bools before opset 20, so the
// flags are counted as int64 (a sum over an empty range is 0: false).
func mathAny(c *Ctx) error {
	n := c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.In(0))
	s, err := mathReduceTo(c, "", "ReduceSum", n, c.In(1), c.Node.Bool("keep_dims", false))
	if err != nil {
		return err
	}
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(graph.Bool)}, s)
	return nil
}

// mathAll counts the false flags: all is true when there are none.
func mathAll(c *Ctx) error {
	n := c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.Op("Not", nil, c.In(0)))
	s, err := mathReduceTo(c, "", "ReduceSum", n, c.In(1), c.Node.Bool("keep_dims", false))
	if err != nil {
		return err
	}
	c.OpTo(c.Out(0), "Not", nil, c.Op("Cast", Attrs{"to": int64(graph.Bool)}, s))
	return nil
}

// mathArg: ONNX ArgMax/ArgMin take a constant axis and give int64; TF's
// output_type may be int32.
func mathArg(op string) Handler {
	return func(c *Ctx) error {
		axis, ok := c.ConstInts(c.In(1))
		if !ok || len(axis) != 1 {
			return c.Errorf("%s needs a constant scalar axis", c.Node.Op)
		}
		r := c.Op(op, Attrs{"axis": axis[0], "keepdims": int64(0)}, c.In(0))
		dt := c.Node.TypeOr("output_type", graph.Int64)
		mathCastOut(c, 0, r, dt)
		return nil
	}
}

// mathTopK: TF's k is a scalar int32; ONNX's K a 1-D int64. TF's indices
// are int32 unless index_type says otherwise. Both put the lower index
// first among equal values; an unsorted TopK is returned sorted, which is
// one of the orders TF allows.
func mathTopK(c *Ctx) error {
	k := mathVec1D(c, c.In(1))
	attrs := Attrs{"axis": int64(-1), "largest": int64(1), "sorted": int64(1)}
	it := c.Node.TypeOr("index_type", graph.Int32)
	if it == graph.Int64 {
		c.OpOuts("TopK", attrs, []string{c.Out(0), c.Out(1)}, c.In(0), k)
		return nil
	}
	idx := c.G.UniqueName(c.Node.Name + "/TopK:1")
	c.OpOuts("TopK", attrs, []string{c.Out(0), idx}, c.In(0), k)
	c.OpTo(c.Out(1), "Cast", Attrs{"to": int64(it)}, idx)
	return nil
}

func mathCumsum(c *Ctx) error {
	attrs := Attrs{
		"exclusive": int64(0),
		"reverse":   int64(0),
	}
	if c.Node.Bool("exclusive", false) {
		attrs["exclusive"] = int64(1)
	}
	if c.Node.Bool("reverse", false) {
		attrs["reverse"] = int64(1)
	}
	c.OpTo(c.Out(0), "CumSum", attrs, c.In(0), c.In(1))
	return nil
}
