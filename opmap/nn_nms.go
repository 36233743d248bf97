package opmap

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// imgCombinedNMS maps CombinedNonMaxSuppression (boxes [B, N, q, 4] with
// q = 1 or one box per class, scores [B, N, C]). TF runs hard NMS per batch
// and class (score > score_threshold kept, IoU > iou_threshold suppressed,
// at most max_output_size_per_class kept), then sorts every kept box of a
// batch by score and keeps the first P: P = max_total_size, or with
// pad_per_class min(max_total_size, max_output_size_per_class·C). Outputs:
// boxes [B, P, 4] (clipped to [0, 1] with clip_boxes), scores and classes
// (float) [B, P], zero past valid_detections [B] = min(kept, P).
//
// ONNX NonMaxSuppression does the per-class part with the same comparisons
// (one NMS batch per batch and class when each class has its own boxes).
// The kept scores are scattered into a −inf [B, C·N] grid, whose TopK gives
// TF's order (score descending; ties by class, then box); the index gives
// the class (÷N) and the box (mod N).
func imgCombinedNMS(c *Ctx) error {
	boxes, scores := c.In(0), c.In(1)
	bs := c.Shape(boxes)
	if bs.Rank() != 4 || !bs.Dims[2].Known() || (bs.Dims[3].Known() && bs.Dims[3].Size != 4) {
		return c.Errorf("CombinedNonMaxSuppression needs boxes [batch, boxes, q, 4] with a known q (got %v)", bs)
	}
	q := bs.Dims[2].Size
	if sr := c.Rank(scores); sr >= 0 && sr != 3 {
		return c.Errorf("CombinedNonMaxSuppression needs scores [batch, boxes, classes] (got rank %d)", sr)
	}
	f := graph.Float
	boxes, scores = mathCastTo(c, boxes, f), mathCastTo(c, scores, f)
	i64 := func(v string) string { return c.Op("Reshape", nil, mathCastTo(c, v, graph.Int64), c.Int64s(1)) }
	f1 := func(v string) string { return c.Op("Reshape", nil, mathCastTo(c, v, f), c.Int64s(1)) }
	perClass, maxTotal := i64(c.In(2)), i64(c.In(3))
	shape := c.Op("Shape", nil, scores)
	dim := func(i int64) string { return c.Op("Slice", nil, shape, c.Int64s(i), c.Int64s(i+1)) } // [1]
	b, n, cl := dim(0), dim(1), dim(2)
	cat := func(vs ...string) string { return c.Op("Concat", Attrs{"axis": int64(0)}, vs...) }

	sT := c.Op("Transpose", Attrs{"perm": []int64{0, 2, 1}}, scores) // [B, C, N]
	var nmsBoxes, nmsScores string
	if q == 1 {
		nmsBoxes, nmsScores = c.Op("Squeeze", nil, boxes, c.Int64s(2)), sT
	} else {
		// One NMS batch per (batch, class): batch' = b·C + class.
		// The batch count is spelled out: Reshape cannot infer a -1 next
		// to N = 0 (no candidate boxes).
		bT := c.Op("Transpose", Attrs{"perm": []int64{0, 2, 1, 3}}, boxes) // [B, q, N, 4]
		bc := c.Op("Mul", nil, b, cl)
		nmsBoxes = c.Op("Reshape", nil, bT, cat(bc, n, c.Int64s(4)))
		nmsScores = c.Op("Reshape", nil, sT, cat(bc, c.Int64s(1), n))
	}
	sel := c.Op("NonMaxSuppression", nil, nmsBoxes, nmsScores, perClass, f1(c.In(4)), f1(c.In(5))) // [K, 3]
	kept := c.Op("GatherND", nil, nmsScores, sel)
	negInf := c.Op("ConstantOfShape", Attrs{"value": graph.NewTensor(f, []int64{1}, []float64{math.Inf(-1)})}, c.Op("Shape", nil, nmsScores))
	grid := c.Op("Reshape", nil, c.Op("ScatterND", nil, negInf, sel, kept), cat(b, c.Int64s(-1))) // [B, C·N]
	count := c.Op("ReduceSum", Attrs{"keepdims": int64(0)},
		c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.Op("Greater", nil, grid, c.Scalar(f, math.Inf(-1)))), c.Int64s(1)) // [B]

	p := maxTotal
	if c.Node.Bool("pad_per_class", false) {
		p = c.Op("Min", nil, maxTotal, c.Op("Mul", nil, perClass, cl))
	}
	k := c.Op("Min", nil, p, c.Op("Mul", nil, n, cl))
	tk := c.OpN("TopK", 2, Attrs{"axis": int64(-1), "largest": int64(1), "sorted": int64(1)}, grid, k) // [B, k]
	valid := c.Op("Min", nil, count, p)
	c.OpTo(c.Out(3), "Cast", Attrs{"to": int64(graph.Int32)}, valid)
	pos := c.Op("Range", nil, c.AddConst(graph.ScalarInt64(0)), c.Op("Squeeze", nil, k, c.Int64s(0)), c.AddConst(graph.ScalarInt64(1)))
	live := c.Op("Less", nil, c.Op("Unsqueeze", nil, pos, c.Int64s(0)), c.Op("Unsqueeze", nil, valid, c.Int64s(1))) // [B, k]
	zero := c.Scalar(f, 0)

	// With N = 0 there is nothing to pick (k = 0), but an integer
	// division by 0 fails even on no elements.
	nSafe := c.Op("Max", nil, n, c.Int64s(1))
	class := c.Op("Div", nil, tk[1], nSafe)
	box := c.Op("Mod", nil, tk[1], nSafe)
	if q > 1 {
		box = c.Op("Add", nil, c.Op("Mul", nil, box, c.AddConst(graph.ScalarInt64(q))), class)
	}
	flatBoxes := c.Op("Reshape", nil, boxes, cat(b, c.Int64s(-1, 4))) // [B, N·q, 4]
	picked := c.Op("GatherND", Attrs{"batch_dims": int64(1)}, flatBoxes, c.Op("Unsqueeze", nil, box, c.Int64s(2)))
	if c.Node.Bool("clip_boxes", true) {
		picked = c.Op("Clip", nil, picked, zero, c.Scalar(f, 1))
	}
	outBoxes := c.Op("Where", nil, c.Op("Unsqueeze", nil, live, c.Int64s(2)), picked, zero)
	outScores := c.Op("Where", nil, live, tk[0], zero)
	outClasses := c.Op("Where", nil, live, c.Op("Cast", Attrs{"to": int64(f)}, class), zero)

	// Past C·N candidates TF pads with zeros up to P.
	missing := c.Op("Sub", nil, p, k)
	c.OpTo(c.Out(0), "Pad", Attrs{"mode": "constant"}, outBoxes, cat(c.Int64s(0, 0, 0, 0), missing, c.Int64s(0)))
	c.OpTo(c.Out(1), "Pad", Attrs{"mode": "constant"}, outScores, cat(c.Int64s(0, 0, 0), missing))
	c.OpTo(c.Out(2), "Pad", Attrs{"mode": "constant"}, outClasses, cat(c.Int64s(0, 0, 0), missing))
	return nil
}
