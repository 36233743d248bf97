package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Shared steps of the sparse, ragged, set and CTC rules. They work on int64
// index tensors; everything is computed with comparisons against all rows
// (an [N, R] matrix) rather than loops, which ONNX runs as plain tensor ops.

func spI64(c *Ctx, v int64) string { return c.AddConst(graph.ScalarInt64(v)) }

// spSum sums x along axis (the axes input exists for ReduceSum from 13).
func spSum(c *Ctx, x string, axis int64) string {
	return c.Op("ReduceSum", Attrs{"keepdims": int64(0)}, x, c.Int64s(axis))
}

// spMax is the largest element of x along axis.
func spMax(c *Ctx, x string, axis int64) string {
	return c.Op("ReduceMax", mathReduceAttrs(c, axis), mathReduceInputs(c, x, axis)...)
}

// spCount counts the true elements of bool b along axis, as int64.
func spCount(c *Ctx, b string, axis int64) string {
	return spSum(c, c.Op("Cast", Attrs{"to": int64(graph.Int64)}, b), axis)
}

// spLen is the length of 1-D v as an int64 scalar.
func spLen(c *Ctx, v string) string {
	return c.Op("Squeeze", nil, arrDim(c, v, 0), c.Int64s(0))
}

// spRowOf gives, for each position in pos [P], the row it falls in: the
// number of row ends [R] at or before it (ends ascending, positions below
// the last end). From opset 16 that is a histogram of the ends (a
// ScatterElements that adds) summed up to each position, O(P + R);
// before, a [P, R] comparison.
func spRowOf(c *Ctx, ends, pos string) string {
	if c.Opset < 16 {
		return spCount(c, c.Op("LessOrEqual", nil, c.Op("Unsqueeze", nil, ends, c.Int64s(0)), c.Op("Unsqueeze", nil, pos, c.Int64s(1))), 1)
	}
	size := c.Op("Add", nil, spMaxOr0(c, ends), c.Int64s(1))
	hist := spHistogram(c, ends, size)
	return c.Op("Gather", Attrs{"axis": int64(0)}, c.Op("CumSum", nil, hist, spI64(c, 0)), pos)
}

// spHistogram counts the occurrences of each value 0..size−1 in 1-D int64
// v (all within range), as int64 [size]; opset 16 and later.
func spHistogram(c *Ctx, v, size string) string {
	zeros := c.Op("Expand", nil, spI64(c, 0), size)
	ones := c.Op("Expand", nil, spI64(c, 1), c.Op("Shape", nil, v))
	return c.Op("ScatterElements", Attrs{"axis": int64(0), "reduction": "add"}, zeros, v, ones)
}

// spMaxOr0 is the largest element of 1-D int64 v, 0 when v is empty, as a
// 1-element tensor.
func spMaxOr0(c *Ctx, v string) string {
	return c.Op("ReduceMax", Attrs{"keepdims": int64(1)}, c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(0), v))
}

// spUnravel turns flat row-major offsets [N] into coordinates [N, R] of
// a tensor of 1-D int64 shape [R].
func spUnravel(c *Ctx, flat, shape string) string {
	q := c.Op("Div", nil, c.Op("Unsqueeze", nil, flat, c.Int64s(1)), c.Op("Unsqueeze", nil, sparseStrides(c, shape), c.Int64s(0)))
	return c.Op("Mod", Attrs{"fmod": int64(0)}, q, c.Op("Unsqueeze", nil, shape, c.Int64s(0)))
}

// raggedLevel decodes one level of row splits t for positions pos into
// it: each position's row and column, and the level's longest row (a
// 1-element tensor, 0 when there are no rows).
func raggedLevel(c *Ctx, t, pos string) (row, col, width string) {
	ends := c.Op("Slice", nil, t, c.Int64s(1), c.Int64s(arrInt64Max))
	row = spRowOf(c, ends, pos)
	col = c.Op("Sub", nil, pos, c.Op("Gather", Attrs{"axis": int64(0)}, t, row))
	width = spMaxOr0(c, c.Op("Sub", nil, ends, c.Op("Slice", nil, t, c.Int64s(0), c.Int64s(-1))))
	return row, col, width
}

// raggedRanges concatenates the ranges [starts[i], starts[i]+lens[i]):
// it gives the row splits [R+1] of the result and the result itself.
func raggedRanges(c *Ctx, starts, lens string) (splits, vals string) {
	ends := c.Op("CumSum", nil, lens, spI64(c, 0))
	splits = c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(0), ends)
	total := c.Op("Squeeze", nil, c.Op("Slice", nil, splits, c.Int64s(-1), c.Int64s(arrInt64Max)), c.Int64s(0))
	pos := c.Op("Range", nil, spI64(c, 0), total, spI64(c, 1))
	row := spRowOf(c, ends, pos)
	off := c.Op("Sub", nil, pos, c.Op("Gather", Attrs{"axis": int64(0)}, splits, row))
	return splits, c.Op("Add", nil, c.Op("Gather", Attrs{"axis": int64(0)}, starts, row), off)
}

// raggedGather(params_nested_splits..., params_dense_values, indices):
// the rows the indices pick, with all their nested rows. Level by level,
// the picked rows' ranges in the next level are concatenated; their
// lengths make the level's new splits. Indices of rank k > 1 add k−1
// uniform outer levels.
func raggedGather(c *Ctx) error {
	k := int(c.Node.Int("PARAMS_RAGGED_RANK", -1))
	if k < 1 || c.NumIn() != k+2 {
		return c.Errorf("PARAMS_RAGGED_RANK %d does not match %d inputs", k, c.NumIn())
	}
	idxIn := c.In(k + 1)
	r := c.Rank(idxIn)
	if r < 1 {
		return c.Errorf("indices must have a known rank of at least 1 (rank %d)", r)
	}
	if want := int(c.Node.Int("OUTPUT_RAGGED_RANK", int64(k+r-1))); want != k+r-1 {
		return c.Errorf("OUTPUT_RAGGED_RANK %d is not PARAMS_RAGGED_RANK %d + indices rank %d - 1", want, k, r)
	}
	sdt := c.DType(c.In(0))
	var outSplits []string
	if r > 1 {
		shape := c.Op("Shape", nil, idxIn)
		for i := 0; i < r-1; i++ {
			rows := c.Op("ReduceProd", Attrs{"keepdims": int64(0)}, c.Op("Slice", nil, shape, c.Int64s(0), c.Int64s(int64(i+1))))
			width := c.Op("Gather", Attrs{"axis": int64(0)}, shape, spI64(c, int64(i+1)))
			outSplits = append(outSplits, c.Op("Mul", nil, c.Op("Range", nil, spI64(c, 0), c.Op("Add", nil, rows, spI64(c, 1)), spI64(c, 1)), width))
		}
	}
	cur := c.Op("Reshape", nil, arrInt64(c, idxIn), c.Int64s(-1))
	for lvl := 0; lvl < k; lvl++ {
		t := arrInt64(c, c.In(lvl))
		starts := c.Op("Gather", Attrs{"axis": int64(0)}, t, cur)
		lens := c.Op("Sub", nil, c.Op("Gather", Attrs{"axis": int64(0)}, t, c.Op("Add", nil, cur, spI64(c, 1))), starts)
		var splits string
		splits, cur = raggedRanges(c, starts, lens)
		outSplits = append(outSplits, splits)
	}
	for i, s := range outSplits {
		mathCastOut(c, i, s, sdt)
	}
	c.OpTo(c.Out(len(outSplits)), "Gather", Attrs{"axis": int64(0)}, c.In(k), cur)
	return nil
}

// raggedToSparse(rt_nested_splits..., rt_dense_values): every element of
// the ragged tensor as a sparse entry, in row-major order. Each flat value
// row gets its coordinates level by level (innermost first); its inner
// dims add the coordinates of a dense tensor. The dense shape is the
// bounding shape: the row count, each level's longest row, the inner dims.
func raggedToSparse(c *Ctx) error {
	k := int(c.Node.Int("RAGGED_RANK", -1))
	if k < 1 || c.NumIn() != k+1 {
		return c.Errorf("RAGGED_RANK %d does not match %d inputs", k, c.NumIn())
	}
	values := c.In(k)
	if c.Rank(values) < 1 {
		return c.Errorf("rt_dense_values must have a known rank of at least 1")
	}
	pos := c.Op("Range", nil, spI64(c, 0), c.Op("Squeeze", nil, arrDim(c, values, 0), c.Int64s(0)), spI64(c, 1))
	var cols, widths []string
	for lvl := k - 1; lvl >= 0; lvl-- {
		row, col, width := raggedLevel(c, arrInt64(c, c.In(lvl)), pos)
		cols = append([]string{c.Op("Unsqueeze", nil, col, c.Int64s(1))}, cols...)
		widths = append([]string{width}, widths...)
		pos = row
	}
	nrows := c.Op("Sub", nil, arrDim(c, c.In(0), 0), c.Int64s(1))
	idx := c.Op("Concat", Attrs{"axis": int64(1)}, append([]string{c.Op("Unsqueeze", nil, pos, c.Int64s(1))}, cols...)...)
	dims := c.Op("Concat", Attrs{"axis": int64(0)}, append([]string{nrows}, widths...)...)
	if c.Rank(values) == 1 {
		c.Alias(c.Out(0), idx)
		c.Alias(c.Out(1), values)
		c.Alias(c.Out(2), dims)
		return nil
	}
	inner := c.Op("Slice", nil, c.Op("Shape", nil, values), c.Int64s(1), c.Int64s(arrInt64Max))
	flat := c.Op("Reshape", nil, values, c.Int64s(-1))
	m := c.Op("ReduceProd", Attrs{"keepdims": int64(0)}, inner)
	e := c.Op("Range", nil, spI64(c, 0), spLen(c, flat), spI64(c, 1))
	outer := c.Op("Gather", Attrs{"axis": int64(0)}, idx, c.Op("Div", nil, e, m))
	innerIdx := spUnravel(c, c.Op("Mod", Attrs{"fmod": int64(0)}, e, m), inner)
	c.OpTo(c.Out(0), "Concat", Attrs{"axis": int64(1)}, outer, innerIdx)
	c.Alias(c.Out(1), flat)
	c.OpTo(c.Out(2), "Concat", Attrs{"axis": int64(0)}, dims, inner)
	return nil
}
