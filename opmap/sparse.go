package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// sparseRules: sparse and ragged tensors that ONNX expresses as their
// dense parts (indices, values, shapes, row splits).
var sparseRules = []Rule{
	{"SparseReshape", MinOpset, arrNeeds(3, sparseReshape)},
	{"RaggedRange", MinOpset, arrNeeds(3, raggedRange)},
	{"RaggedTensorToTensor", MinOpset, arrNeeds(4, raggedToTensor)},
	{"RaggedGather", MinOpset, raggedGather},
	{"RaggedTensorToSparse", MinOpset, raggedToSparse},
	{"SparseFillEmptyRows", MinOpset, arrNeeds(4, sparseFillEmptyRows)},
	{"DenseToDenseSetOperation", MinOpset, arrNeeds(2, setOperation)},
	{"CTCGreedyDecoder", MinOpset, arrNeeds(2, ctcGreedyDecoder)},
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
	row := spRowOf(c, ends, pos)
	off := c.Op("Sub", nil, pos, c.Op("Gather", Attrs{"axis": int64(0)}, splits, row))
	g := func(v string) string { return c.Op("Gather", Attrs{"axis": int64(0)}, v, row) }
	c.OpTo(c.Out(1), "Add", nil, g(st), c.Op("Mul", nil, mathCastTo(c, off, dt), g(del)))
	sdt := c.Node.TypeOr("Tsplits", graph.Int64)
	mathCastOut(c, 0, splits, sdt)
	return nil
}

// raggedToTensor scatters the flat values of a ragged tensor into a dense
// one filled with default_value. Each value's coordinates come from its
// position, level by level from the innermost: with row splits s, the row
// is the number of row ends at or before the position and the column its
// distance from the row start; with value row ids, the row is the id and
// the column the number of earlier ids equal to it. Dims are the row count
// and each level's longest row, or the shape input where it gives one
// (values outside it are dropped, as TF's shape constraint does).
func raggedToTensor(c *Ctx) error {
	types, _ := c.Node.Attrs["row_partition_types"].([]string)
	parts := c.Node.Inputs[3:]
	if len(types) == 0 || len(types) != len(parts) {
		return c.Errorf("row_partition_types %v do not match %d partition tensors", types, len(parts))
	}
	shapeIn, values, def := c.In(0), c.In(1), c.In(2)
	i64 := func(v int64) string { return c.AddConst(graph.ScalarInt64(v)) }
	n := c.Op("Squeeze", nil, arrDim(c, values, 0), c.Int64s(0))
	pos := c.Op("Range", nil, i64(0), n, i64(1))
	var cols, widths []string
	var nrows string
	start := 0
	if types[0] == "FIRST_DIM_SIZE" {
		nrows = c.Op("Reshape", nil, arrInt64(c, parts[0]), c.Int64s())
		start = 1
	}
	for k := len(parts) - 1; k >= start; k-- {
		t := arrInt64(c, parts[k])
		var row, col string
		switch types[k] {
		case "ROW_SPLITS":
			var width string
			row, col, width = raggedLevel(c, t, pos)
			widths = append(widths, width)
			if k == 0 {
				nrows = c.Op("Sub", nil, c.Op("Squeeze", nil, arrDim(c, t, 0), c.Int64s(0)), i64(1))
			}
		case "VALUE_ROWIDS":
			row = c.Op("Gather", Attrs{"axis": int64(0)}, t, pos)
			before := c.Op("Less", nil, c.Op("Unsqueeze", nil, t, c.Int64s(0)), c.Op("Unsqueeze", nil, row, c.Int64s(1)))
			col = c.Op("Sub", nil, pos, c.Op("ReduceSum", Attrs{"keepdims": int64(0)}, c.Op("Cast", Attrs{"to": int64(graph.Int64)}, before), c.Int64s(1)))
			widths = append(widths, c.Op("Add", nil, c.Op("ReduceMax", Attrs{"keepdims": int64(1)}, c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(-1), col)), c.Int64s(1)))
		default:
			return c.Errorf("row partition type %q is not supported", types[k])
		}
		cols = append([]string{col}, cols...)
		pos = row
	}
	if nrows == "" {
		return c.Errorf("the row count is unknown (row_partition_types %v)", types)
	}
	slicesDims := []string{c.Op("Reshape", nil, nrows, c.Int64s(1))}
	for i := len(widths) - 1; i >= 0; i-- {
		slicesDims = append(slicesDims, widths[i])
	}
	ragged := c.Op("Concat", Attrs{"axis": int64(0)}, slicesDims...) // [K+1]
	inner := c.Op("Slice", nil, c.Op("Shape", nil, values), c.Int64s(1), c.Int64s(arrInt64Max))
	full := c.Op("Concat", Attrs{"axis": int64(0)}, ragged, inner)
	coords := []string{c.Op("Unsqueeze", nil, pos, c.Int64s(1))}
	for _, col := range cols {
		coords = append(coords, c.Op("Unsqueeze", nil, col, c.Int64s(1)))
	}
	idx := c.Op("Concat", Attrs{"axis": int64(1)}, coords...) // [N, K+1]
	if c.Rank(shapeIn) == 1 {
		// Dims the shape input gives replace the computed ones; values
		// outside them are dropped.
		want := arrInt64(c, shapeIn)
		full = c.Op("Where", nil, c.Op("Less", nil, want, i64(0)), full, want)
		lim := c.Op("Slice", nil, full, c.Int64s(0), c.Op("Shape", nil, ragged))
		keep := c.Op("Cast", Attrs{"to": int64(graph.Bool)}, c.Op("ReduceMin", Attrs{"keepdims": int64(0), "axes": []int64{1}},
			c.Op("Cast", Attrs{"to": int64(graph.Int32)}, c.Op("Less", nil, idx, c.Op("Unsqueeze", nil, lim, c.Int64s(0))))))
		if c.Opset >= 18 {
			keep = c.Op("Cast", Attrs{"to": int64(graph.Bool)}, c.Op("ReduceMin", Attrs{"keepdims": int64(0)},
				c.Op("Cast", Attrs{"to": int64(graph.Int32)}, c.Op("Less", nil, idx, c.Op("Unsqueeze", nil, lim, c.Int64s(0)))), c.Int64s(1)))
		}
		idx = c.Op("Compress", Attrs{"axis": int64(0)}, idx, keep)
		values = c.Op("Compress", Attrs{"axis": int64(0)}, values, keep)
	}
	dense := c.Op("Expand", nil, mathCastTo(c, def, c.DType(values)), full)
	c.OpTo(c.Out(0), "ScatterND", nil, dense, idx, values)
	return nil
}

// sparseFillEmptyRows(indices [N, R], values [N], dense_shape [R],
// default_value): every row (first coordinate) with no entry gets one at
// [row, 0, ..., 0] holding the default. As TF orders the result: by row,
// and within a row the entries in their input order, the added entry alone
// in its row. Each entry's place is its row's start (the rows before it,
// counting an empty row as one) plus the entries of its row before it; the
// outputs are scattered there. reverse_index_map is each input entry's
// place.
func sparseFillEmptyRows(c *Ctx) error {
	idx, vals, shape, def := arrInt64(c, c.In(0)), c.In(1), arrInt64(c, c.In(2)), c.In(3)
	nrows := c.Op("Squeeze", nil, c.Op("Slice", nil, shape, c.Int64s(0), c.Int64s(1)), c.Int64s(0))
	rows := c.Op("Squeeze", nil, c.Op("Slice", nil, idx, c.Int64s(0), c.Int64s(1), c.Int64s(1)), c.Int64s(1)) // [N]
	counts, before := sparseRowRanks(c, rows, nrows)
	empty := c.Op("Equal", nil, counts, spI64(c, 0))
	filled := c.Op("Max", nil, counts, spI64(c, 1))
	starts := c.Op("CumSum", Attrs{"exclusive": int64(1)}, filled, spI64(c, 0))
	total := c.Op("ReduceSum", Attrs{"keepdims": int64(1)}, filled, c.Int64s(0))
	place := c.Op("Add", nil, c.Op("Gather", Attrs{"axis": int64(0)}, starts, rows), before)
	emptyRows := c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, c.Op("NonZero", nil, empty)) // [E, 1]
	emptyPlace := c.Op("Gather", Attrs{"axis": int64(0)}, starts, emptyRows)                  // [E, 1]
	rank := c.Op("Shape", nil, shape)
	pads := c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(0, 0, 0), c.Op("Sub", nil, rank, c.Int64s(1)))
	emptyIdx := c.Op("Pad", nil, emptyRows, pads) // [E, R]: [row, 0, ..., 0]
	where := c.Op("Concat", Attrs{"axis": int64(0)}, c.Op("Unsqueeze", nil, place, c.Int64s(1)), emptyPlace)
	outIdx := c.Op("Concat", Attrs{"axis": int64(0)}, idx, emptyIdx)
	dt := c.DType(vals)
	if dt == graph.String {
		return c.Errorf("string values are not supported")
	}
	defs := c.Op("Expand", nil, mathCastTo(c, def, dt), c.Op("Shape", nil, c.Op("Squeeze", nil, emptyRows, c.Int64s(1))))
	outVals := c.Op("Concat", Attrs{"axis": int64(0)}, vals, defs)
	c.OpTo(c.Out(0), "ScatterND", nil, c.Op("Expand", nil, spI64(c, 0), c.Op("Concat", Attrs{"axis": int64(0)}, total, rank)), where, outIdx)
	c.OpTo(c.Out(1), "ScatterND", nil, c.Op("Expand", nil, c.AddConst(matrixZero(dt)), total), where, outVals)
	c.Alias(c.Out(2), empty)
	c.Alias(c.Out(3), place)
	return nil
}

// sparseRowRanks gives each row's entry count [nrows] and, for each entry
// of rows [N], the entries of its row before it. From opset 16 the counts
// are a histogram and the ranks come from a stable sort by row (TopK on
// row·N + position, whose keys are distinct): an entry's place in the
// sorted order less the entries of earlier rows. Before, [nrows, N] and
// [N, N] comparisons.
func sparseRowRanks(c *Ctx, rows, nrows string) (counts, before string) {
	n := c.Op("Range", nil, spI64(c, 0), spLen(c, rows), spI64(c, 1))
	if c.Opset < 16 {
		r := c.Op("Range", nil, spI64(c, 0), nrows, spI64(c, 1))
		counts = spCount(c, c.Op("Equal", nil, c.Op("Unsqueeze", nil, r, c.Int64s(1)), c.Op("Unsqueeze", nil, rows, c.Int64s(0))), 1)
		earlier := c.Op("And", nil, c.Op("Equal", nil, c.Op("Unsqueeze", nil, rows, c.Int64s(1)), c.Op("Unsqueeze", nil, rows, c.Int64s(0))),
			c.Op("Less", nil, c.Op("Unsqueeze", nil, n, c.Int64s(0)), c.Op("Unsqueeze", nil, n, c.Int64s(1))))
		return counts, spCount(c, earlier, 1)
	}
	counts = spHistogram(c, rows, c.Op("Reshape", nil, nrows, c.Int64s(1)))
	size := arrDim(c, rows, 0)
	key := c.Op("Add", nil, c.Op("Mul", nil, rows, size), n)
	order := c.OpN("TopK", 2, Attrs{"largest": int64(0), "sorted": int64(1)}, key, size)[1]
	sortedAt := c.Op("ScatterElements", Attrs{"axis": int64(0)}, n, order, n) // entry → its place in the order
	firsts := c.Op("CumSum", Attrs{"exclusive": int64(1)}, counts, spI64(c, 0))
	return counts, c.Op("Sub", nil, sortedAt, c.Op("Gather", Attrs{"axis": int64(0)}, firsts, rows))
}
