package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// mathOneHot: ONNX OneHot takes values as [off, on] and reads a negative
// index from the end, where TF gives an all-off row for any index outside
// [0, depth); negative indices are therefore moved to depth. onnxruntime
// serves OneHot for int64 indices with float or int64 values only, so other
// value types pick on/off through Where from an int64 one-hot mask.
func mathOneHot(c *Ctx) error {
	ind, depth, on, off := c.In(0), c.In(1), c.In(2), c.In(3)
	dt := c.Node.Type("T")
	if dt == graph.Undefined {
		dt = c.DType(on)
	}
	if dt == graph.String || dt == graph.Complex64 || dt == graph.Complex128 {
		return c.Errorf("OneHot of %v is not supported", dt)
	}
	signed := c.DType(ind).IsSigned()
	ind = mathCastTo(c, ind, graph.Int64)
	depth = mathCastTo(c, depth, graph.Int64)
	if signed {
		neg := c.Op("Less", nil, ind, c.AddConst(graph.ScalarInt64(0)))
		ind = c.Op("Where", nil, neg, depth, ind)
	}
	attrs := Attrs{"axis": c.Node.Int("axis", -1)}
	if dt == graph.Float || dt == graph.Int64 {
		shape1 := c.Int64s(1)
		values := c.Op("Concat", Attrs{"axis": int64(0)},
			c.Op("Reshape", nil, off, shape1), c.Op("Reshape", nil, on, shape1))
		c.OpTo(c.Out(0), "OneHot", attrs, ind, depth, values)
		return nil
	}
	mask := c.Op("OneHot", attrs, ind, depth, c.Int64s(0, 1))
	mask = c.Op("Cast", Attrs{"to": int64(graph.Bool)}, mask)
	mathWhere(c, c.Out(0), mask, on, off)
	return nil
}

// mathRange: ONNX Range has TF's meaning (max(ceil((limit−start)/delta), 0)
// elements) for ints and floats.
//
// When the model imports com.microsoft, a Range that stays a node (its
// bounds are not all constants) is onnxruntime's com.microsoft Range, as
// the Python converter emits it there: same inputs, same count, same
// dtypes (float, double, int16, int32, int64). A constant Range folds first.
func mathRange(c *Ctx) error {
	dt := c.DType(c.In(0))
	msDT := dt == graph.Float || dt == graph.Double || dt == graph.Int16 || dt == graph.Int32 || dt == graph.Int64
	allConst := c.Const(c.In(0)) != nil && c.Const(c.In(1)) != nil && c.Const(c.In(2)) != nil
	if c.DomainVersion(DomainMS) >= 1 && msDT && !allConst {
		c.OpDomainTo(c.Out(0), DomainMS, "Range", nil, dt, graph.ShapeOf(-1), c.In(0), c.In(1), c.In(2))
		return nil
	}
	c.OpTo(c.Out(0), "Range", nil, c.In(0), c.In(1), c.In(2))
	return nil
}

func mathFillable(dt graph.DType) bool {
	return dt == graph.Bool || dt.IsInt() || dt.IsFloat()
}

// mathFillLike serves ZerosLike and OnesLike: ConstantOfShape of the
// input's shape, which folds to a constant when the shape is static.
func mathFillLike(val float64) Handler {
	return func(c *Ctx) error {
		dt := mathT(c)
		if !mathFillable(dt) {
			return c.Errorf("%s of %v is not supported", c.Node.Op, dt)
		}
		shape := c.Op("Shape", nil, c.In(0))
		value := graph.NewTensor(dt, []int64{1}, []float64{val})
		c.OpTo(c.Out(0), "ConstantOfShape", Attrs{"value": value}, shape)
		return nil
	}
}

// mathFill: a constant value becomes ConstantOfShape's attribute; a
// computed one is expanded to the shape.
func mathFill(c *Ctx) error {
	dims, val := c.In(0), c.In(1)
	dt := mathT(c)
	if !mathFillable(dt) {
		return c.Errorf("Fill of %v is not supported", dt)
	}
	shape := mathVec1D(c, dims)
	if t := c.Const(val); t != nil && t.NumElements() == 1 {
		value := &graph.Tensor{DType: t.DType, Dims: []int64{1}, Data: append([]byte{}, t.Data...)}
		c.OpTo(c.Out(0), "ConstantOfShape", Attrs{"value": value}, shape)
		return nil
	}
	c.OpTo(c.Out(0), "Expand", nil, val, shape)
	return nil
}
