package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// setOperation: DenseToDenseSetOperation(set1 [..., n1], set2 [..., n2])
// applies a set operation to each pair of rows (the last dim; the batch
// dims must match) and gives a sparse tensor: each batch position's result
// set, ascending, at [batch..., 0..size), and the dense shape [batch...,
// largest set]. With the batch flattened to B rows, an element of a row is
// a member when no earlier element of its row equals it (duplicates count
// once); it is kept by its presence in the other row. The kept elements of
// a row are distinct, so each one's rank in its row is the kept elements
// below it, and its place in the output is its row's start plus its rank.
func setOperation(c *Ctx) error {
	a, b := c.In(0), c.In(1)
	r := c.Rank(a)
	if r < 2 || c.Rank(b) != r {
		return c.Errorf("set1 and set2 must have the same known rank of at least 2 (ranks %d, %d)", r, c.Rank(b))
	}
	dt := c.DType(a)
	if dt == graph.String || dt == graph.Uint64 {
		return c.Errorf("%v sets are not supported", dt)
	}
	op := c.Node.Str("set_operation", "")
	batch := c.Op("Slice", nil, c.Op("Shape", nil, a), c.Int64s(0), c.Int64s(-1))
	// The row count is spelled out: Reshape cannot infer a -1 next to an
	// empty set dim (a set side of size 0).
	nrows := c.Op("ReduceProd", Attrs{"keepdims": int64(1)}, batch)
	rows := func(x string) string {
		return c.Op("Reshape", nil, x, c.Op("Concat", Attrs{"axis": int64(0)}, nrows, arrDim(c, x, -1)))
	}
	a, b = rows(a), rows(b) // [B, n]
	key := func(x string) string { return mathCastTo(c, x, graph.Int64) }
	eq := func(x, y string) string { // [B, n, m]: x[b, i] == y[b, j]
		return c.Op("Equal", nil, c.Op("Unsqueeze", nil, key(x), c.Int64s(2)), c.Op("Unsqueeze", nil, key(y), c.Int64s(1)))
	}
	anyOf := func(m string) string { return c.Op("Greater", nil, spCount(c, m, 2), spI64(c, 0)) }
	first := func(x string) string { // [B, n]: no earlier equal element in the row
		i := c.Op("Range", nil, spI64(c, 0), c.Op("Squeeze", nil, arrDim(c, x, 1), c.Int64s(0)), spI64(c, 1))
		before := c.Op("Less", nil, c.Op("Unsqueeze", nil, i, c.Int64s(0)), c.Op("Unsqueeze", nil, i, c.Int64s(1))) // [i, j]: j < i
		return c.Op("Not", nil, anyOf(c.Op("And", nil, eq(x, x), before)))
	}
	not := func(v string) string { return c.Op("Not", nil, v) }
	var cand, keep string
	switch op {
	case "a-b", "b-a":
		if op == "b-a" {
			a, b = b, a
		}
		cand, keep = a, c.Op("And", nil, first(a), not(anyOf(eq(a, b))))
	case "intersection":
		cand, keep = a, c.Op("And", nil, first(a), anyOf(eq(a, b)))
	case "union":
		cand = c.Op("Concat", Attrs{"axis": int64(1)}, a, b)
		keep = c.Op("Concat", Attrs{"axis": int64(1)}, first(a), c.Op("And", nil, first(b), not(anyOf(eq(b, a)))))
	default:
		return c.Errorf("set_operation %q is not supported", op)
	}
	below := c.Op("And", nil, c.Op("Less", nil, c.Op("Unsqueeze", nil, key(cand), c.Int64s(1)), c.Op("Unsqueeze", nil, key(cand), c.Int64s(2))),
		c.Op("Unsqueeze", nil, keep, c.Int64s(1))) // [B, k, m]: cand[m] kept and below cand[k]
	rank := spCount(c, below, 2)  // [B, K]
	counts := spCount(c, keep, 1) // [B]
	starts := c.Op("CumSum", Attrs{"exclusive": int64(1)}, counts, spI64(c, 0))
	total := c.Op("ReduceSum", Attrs{"keepdims": int64(1)}, counts, c.Int64s(0))
	at := c.Op("NonZero", nil, keep) // [2, M]: (batch row, candidate)
	bRow := c.Op("Squeeze", nil, c.Op("Slice", nil, at, c.Int64s(0), c.Int64s(1)), c.Int64s(0))
	atT := c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, at)
	r1 := c.Op("GatherND", nil, rank, atT)
	place := c.Op("Unsqueeze", nil, c.Op("Add", nil, c.Op("Gather", Attrs{"axis": int64(0)}, starts, bRow), r1), c.Int64s(1))
	idx := c.Op("Concat", Attrs{"axis": int64(1)}, spUnravel(c, bRow, batch), c.Op("Unsqueeze", nil, r1, c.Int64s(1)))
	c.OpTo(c.Out(0), "ScatterND", nil, c.Op("Expand", nil, spI64(c, 0), c.Op("Concat", Attrs{"axis": int64(0)}, total, c.Int64s(int64(r)))), place, idx)
	c.OpTo(c.Out(1), "ScatterND", nil, c.Op("Expand", nil, c.AddConst(matrixZero(dt)), total), place, c.Op("GatherND", nil, cand, atT))
	c.OpTo(c.Out(2), "Concat", Attrs{"axis": int64(0)}, batch, spMaxOr0(c, counts))
	return nil
}
