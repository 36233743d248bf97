package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// sparseRules: sparse and ragged tensors that ONNX expresses as their
// dense parts (indices, values, shapes, row splits).
var sparseRules = []Rule{
	{"SparseReshape", MinOpset, arrNeeds(3, sparseReshape)},
	{"RaggedRange", MinOpset, arrNeeds(3, raggedRange)},
}

// sparseStrides is the row-major strides of a 1-D int64 shape v: element
// i is the product of v[i+1:] (a masked [R, R] product).
func sparseStrides(c *Ctx, v string) string {
	n := c.Op("Squeeze", nil, arrDim(c, v, 0), c.Int64s(0))
	r := c.Op("Range", nil, c.AddConst(graph.ScalarInt64(0)), n, c.AddConst(graph.ScalarInt64(1)))
	later := c.Op("Greater", nil, c.Op("Unsqueeze", nil, r, c.Int64s(0)), c.Op("Unsqueeze", nil, r, c.Int64s(1))) // [i, j]: j > i
	picked := c.Op("Where", nil, later, c.Op("Unsqueeze", nil, v, c.Int64s(0)), c.AddConst(graph.ScalarInt64(1)))
	return c.Op("ReduceProd", mathReduceAttrs(c, 1), mathReduceInputs(c, picked, 1)...)
}

// sparseReshape(indices [N, R], shape [R], new_shape [R']): each index
// is flattened by the old strides and unflattened by the new ones; one -1
// in new_shape takes what the others leave of the element count.
func sparseReshape(c *Ctx) error {
	idx, shape, ns := arrInt64(c, c.In(0)), arrInt64(c, c.In(1)), arrInt64(c, c.In(2))
	total := c.Op("ReduceProd", Attrs{"keepdims": int64(0)}, shape)
	minus := c.Op("Equal", nil, ns, c.AddConst(graph.ScalarInt64(-1)))
	known := c.Op("ReduceProd", Attrs{"keepdims": int64(0)}, c.Op("Where", nil, minus, c.AddConst(graph.ScalarInt64(1)), ns))
	newShape := c.Op("Where", nil, minus, c.Op("Div", nil, total, known), ns)
	flat := c.Op("ReduceSum", Attrs{"keepdims": int64(1)}, c.Op("Mul", nil, idx, c.Op("Unsqueeze", nil, sparseStrides(c, shape), c.Int64s(0))), c.Int64s(1)) // [N, 1]
	q := c.Op("Div", nil, flat, c.Op("Unsqueeze", nil, sparseStrides(c, newShape), c.Int64s(0)))
	c.OpTo(c.Out(0), "Mod", Attrs{"fmod": int64(0)}, q, c.Op("Unsqueeze", nil, newShape, c.Int64s(0)))
	c.Alias(c.Out(1), newShape)
	return nil
}

// raggedRange: row i is range(starts[i], limits[i], deltas[i]) (scalars
// broadcast). Row sizes are ceil((limit−start)/delta), at least 0 (in
// float64, exact for int32 bounds); each value finds its row as the number
// of row ends at or before its position.
func raggedRange(c *Ctx) error {
	st, lim, del := c.In(0), c.In(1), c.In(2)
	dt := c.DType(st)
	zeroT := c.AddConst(matrixZero(dt))
	bc := func(v string) string { // broadcast to the common shape, 1-D
		z := c.Op("Add", nil, c.Op("Mul", nil, st, zeroT), c.Op("Add", nil, c.Op("Mul", nil, lim, zeroT), c.Op("Mul", nil, del, zeroT)))
		return c.Op("Reshape", nil, c.Op("Add", nil, v, z), c.Int64s(-1))
	}
	st, lim, del = bc(st), bc(lim), bc(del)
	d := func(v string) string { return c.Op("Cast", Attrs{"to": int64(graph.Double)}, v) }
	size := c.Op("Ceil", nil, c.Op("Div", nil, c.Op("Sub", nil, d(lim), d(st)), d(del)))
	size = c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.Op("Max", nil, size, c.Scalar(graph.Double, 0)))
	ends := c.Op("CumSum", nil, size, c.AddConst(graph.ScalarInt64(0)))
	splits := c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(0), ends)
	st64 := c.Op("Squeeze", nil, c.Op("Slice", nil, splits, c.Int64s(-1), c.Int64s(arrInt64Max)), c.Int64s(0))
	pos := c.Op("Range", nil, c.AddConst(graph.ScalarInt64(0)), st64, c.AddConst(graph.ScalarInt64(1)))
	row := c.Op("ReduceSum", Attrs{"keepdims": int64(0)}, c.Op("Cast", Attrs{"to": int64(graph.Int64)},
		c.Op("LessOrEqual", nil, c.Op("Unsqueeze", nil, ends, c.Int64s(0)), c.Op("Unsqueeze", nil, pos, c.Int64s(1)))), c.Int64s(1))
	off := c.Op("Sub", nil, pos, c.Op("Gather", Attrs{"axis": int64(0)}, splits, row))
	g := func(v string) string { return c.Op("Gather", Attrs{"axis": int64(0)}, v, row) }
	c.OpTo(c.Out(1), "Add", nil, g(st), c.Op("Mul", nil, mathCastTo(c, off, dt), g(del)))
	sdt := c.Node.Type("Tsplits")
	if sdt == graph.Undefined {
		sdt = graph.Int64
	}
	mathCastOut(c, 0, splits, sdt)
	return nil
}
