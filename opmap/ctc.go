package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// ctcGreedyDecoder: CTCGreedyDecoder(inputs [T, B, C], sequence_length
// [B]). At each step t below a batch entry's length the best class (the
// first of equal ones) is taken; blanks are dropped and, with
// merge_repeated, so is a class equal to the previous step's best (a
// blank between two equal classes keeps both). The decoded sequences are
// a sparse [B, longest] tensor whose entries, row by row, are the kept
// steps in order: NonZero over the kept mask [B, T] lists them so, and
// each one's column is the kept steps before it. log_probability [B, 1]
// is minus the sum of the best scores over the steps taken.
func ctcGreedyDecoder(c *Ctx) error {
	x, lens := c.In(0), arrInt64(c, c.In(1))
	if c.Rank(x) != 3 {
		return c.Errorf("inputs must have rank 3 [max_time, batch, classes] (rank %d)", c.Rank(x))
	}
	merge := c.Node.Bool("merge_repeated", false)
	blank := c.Node.Int("blank_index", -1)
	classes := arrDim(c, x, 2)
	blankT := c.Int64s(blank)
	if blank < 0 {
		blankT = c.Op("Add", nil, classes, blankT) // -1: the last class
	}
	best := c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, c.Op("ArgMax", Attrs{"axis": int64(2), "keepdims": int64(0)}, x)) // [B, T]
	score := c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, spMax(c, x, 2))
	t := c.Op("Range", nil, spI64(c, 0), c.Op("Squeeze", nil, arrDim(c, x, 0), c.Int64s(0)), spI64(c, 1))
	valid := c.Op("Less", nil, c.Op("Unsqueeze", nil, t, c.Int64s(0)), c.Op("Unsqueeze", nil, lens, c.Int64s(1))) // [B, T]
	keep := c.Op("And", nil, valid, c.Op("Not", nil, c.Op("Equal", nil, best, blankT)))
	if merge {
		// The previous step's best; -1 before the first step.
		prev := c.Op("Concat", Attrs{"axis": int64(1)},
			c.Op("Expand", nil, c.Int64s(-1), c.Op("Concat", Attrs{"axis": int64(0)}, arrDim(c, best, 0), c.Int64s(1))),
			c.Op("Slice", nil, best, c.Int64s(0), c.Int64s(-1), c.Int64s(1)))
		keep = c.Op("And", nil, keep, c.Op("Not", nil, c.Op("Equal", nil, best, prev)))
	}
	at := c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, c.Op("NonZero", nil, keep)) // [N, 2]
	col := c.Op("CumSum", Attrs{"exclusive": int64(1)}, c.Op("Cast", Attrs{"to": int64(graph.Int64)}, keep), spI64(c, 1))
	b := c.Op("Slice", nil, at, c.Int64s(0), c.Int64s(1), c.Int64s(1))
	c.OpTo(c.Out(0), "Concat", Attrs{"axis": int64(1)}, b, c.Op("Unsqueeze", nil, c.Op("GatherND", nil, col, at), c.Int64s(1)))
	c.OpTo(c.Out(1), "GatherND", nil, best, at)
	c.OpTo(c.Out(2), "Concat", Attrs{"axis": int64(0)}, arrDim(c, x, 1), spMaxOr0(c, spCount(c, keep, 1)))
	taken := c.Op("Where", nil, valid, score, c.AddConst(matrixZero(c.DType(x))))
	c.OpTo(c.Out(3), "Neg", nil, c.Op("ReduceSum", Attrs{"keepdims": int64(1)}, taken, c.Int64s(1)))
	return nil
}
