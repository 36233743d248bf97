package opmap

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// scatterRules: scatters into tensors and reductions over segments.
var scatterRules = []Rule{
	{"ScatterNd", MinOpset, arrNeeds(3, scatterNd)},
	{"TensorScatterUpdate", MinOpset, arrNeeds(3, tensorScatter("none"))},
	{"TensorScatterAdd", 16, arrNeeds(3, tensorScatter("add"))},
	{"TensorScatterSub", 16, arrNeeds(3, tensorScatter("sub"))},
	{"TensorScatterMax", 18, arrNeeds(3, tensorScatter("max"))},
	{"TensorScatterMin", 18, arrNeeds(3, tensorScatter("min"))},

	{"SegmentSum", MinOpset, arrNeeds(2, segmentOp("sum", segSorted))},
	{"SegmentProd", MinOpset, arrNeeds(2, segmentOp("prod", segSorted))},
	{"SegmentMax", MinOpset, arrNeeds(2, segmentOp("max", segSorted))},
	{"SegmentMin", MinOpset, arrNeeds(2, segmentOp("min", segSorted))},
	{"SegmentMean", MinOpset, arrNeeds(2, segmentOp("mean", segSorted))},
	{"UnsortedSegmentSum", MinOpset, arrNeeds(3, segmentOp("sum", segUnsorted))},
	{"UnsortedSegmentProd", MinOpset, arrNeeds(3, segmentOp("prod", segUnsorted))},
	{"UnsortedSegmentMax", MinOpset, arrNeeds(3, segmentOp("max", segUnsorted))},
	{"UnsortedSegmentMin", MinOpset, arrNeeds(3, segmentOp("min", segUnsorted))},
	{"SparseSegmentSum", MinOpset, arrNeeds(3, segmentOp("sum", segSparse))},
	{"SparseSegmentMean", MinOpset, arrNeeds(3, segmentOp("mean", segSparse))},
	{"SparseSegmentSqrtN", MinOpset, arrNeeds(3, segmentOp("sqrtn", segSparse))},
	{"SparseSegmentSumWithNumSegments", MinOpset, arrNeeds(4, segmentOp("sum", segSparseNum))},
	{"SparseSegmentMeanWithNumSegments", MinOpset, arrNeeds(4, segmentOp("mean", segSparseNum))},
	{"SparseSegmentSqrtNWithNumSegments", MinOpset, arrNeeds(4, segmentOp("sqrtn", segSparseNum))},
}

// ScatterNd(indices, updates, shape): updates summed into zeros. Repeated
// indices add up in TF; ONNX ScatterND only adds them from opset 16 (its
// reduction attribute); before, the last write wins where indices repeat.
func scatterNd(c *Ctx) error {
	idx, upd, shape := arrInt64(c, c.In(0)), c.In(1), c.In(2)
	dt := c.DType(upd)
	zeros := c.Op("ConstantOfShape", Attrs{"value": graph.NewTensor(dt, []int64{1}, []float64{0})}, mathVec1D(c, shape))
	attrs := Attrs{}
	if c.Opset >= 16 {
		attrs["reduction"] = "add"
	}
	c.OpTo(c.Out(0), "ScatterND", attrs, zeros, idx, upd)
	return nil
}

// tensorScatter: TensorScatter{Update,Add,Sub,Max,Min}(tensor, indices,
// updates) are ScatterND with the matching reduction (Sub adds -updates).
func tensorScatter(kind string) Handler {
	return func(c *Ctx) error {
		x, idx, upd := c.In(0), arrInt64(c, c.In(1)), c.In(2)
		attrs := Attrs{}
		switch kind {
		case "none":
		case "sub":
			upd = c.Op("Neg", nil, upd)
			attrs["reduction"] = "add"
		default:
			attrs["reduction"] = kind
		}
		c.OpTo(c.Out(0), "ScatterND", attrs, x, idx, upd)
		return nil
	}
}

// Where the segment ids and their count come from.
const (
	segSorted    = iota // (data, segment_ids): count = max id + 1
	segUnsorted         // (data, segment_ids, num_segments)
	segSparse           // (data, indices, segment_ids): rows gathered first
	segSparseNum        // (data, indices, segment_ids, num_segments)
)

// segmentOp reduces the rows of data that share a segment id. Each segment
// picks its rows with a one-hot mask [S, N] (S segments, N rows): float
// sums are a MatMul of the mask with the rows flattened to [N, R]; other
// reductions mask the rows to [S, N, rest...] with the reduction's identity
// elsewhere and reduce over N. Ids outside [0, S) match no segment, as
// TF's unsorted ops drop negative ids. Empty segments give 0 for the
// sorted and sparse ops (TF's choice) and the identity (lowest/highest
// value) for the unsorted max/min.
func segmentOp(kind string, form int) Handler {
	return func(c *Ctx) error {
		data, ids := c.In(0), c.In(1)
		numSeg := ""
		switch form {
		case segUnsorted:
			numSeg = c.In(2)
		case segSparse, segSparseNum:
			data = c.Op("Gather", Attrs{"axis": int64(0)}, data, arrInt64(c, c.In(1)))
			ids = c.In(2)
			if form == segSparseNum {
				numSeg = c.In(3)
			}
		}
		dt := c.DType(data)
		k := c.Rank(ids)
		if k < 0 {
			return c.Errorf("%s needs the rank of the segment ids", c.Node.Op)
		}
		ids = arrInt64(c, ids)
		if k != 1 {
			ids = c.Op("Reshape", nil, ids, c.Int64s(-1))
		}
		// The rows flattened to [N, R]; the result [S, R] gets the row
		// shape back at the end.
		var tail string // data's dims after the ids' dims
		if r := c.Rank(data); r == k {
			data = c.Op("Reshape", nil, data, c.Int64s(-1, 1))
		} else {
			shape := c.Op("Shape", nil, data)
			tail = c.Op("Slice", nil, shape, c.Int64s(int64(k)), c.Int64s(arrInt64Max))
			width := c.Op("ReduceProd", Attrs{"keepdims": int64(1)}, tail)
			data = c.Op("Reshape", nil, data, c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(-1), width))
		}
		var s string // the segment count, a scalar int64
		if numSeg != "" {
			s = mathCastTo(c, numSeg, graph.Int64)
			if c.Rank(s) != 0 {
				s = c.Op("Reshape", nil, s, c.Int64s())
			}
		} else {
			last := c.Op("ReduceMax", Attrs{"keepdims": int64(0)}, ids)
			s = c.Op("Add", nil, last, c.AddConst(graph.ScalarInt64(1)))
		}
		seg := c.Op("Range", nil, c.AddConst(graph.ScalarInt64(0)), s, c.AddConst(graph.ScalarInt64(1)))
		mask := c.Op("Equal", nil, c.Op("Unsqueeze", nil, seg, c.Int64s(1)), c.Op("Unsqueeze", nil, ids, c.Int64s(0))) // [S, N]
		needCount := kind == "mean" || kind == "sqrtn" || ((kind == "max" || kind == "min") && form != segUnsorted)
		var count string // [S, 1] rows per segment, in dt
		if needCount {
			cnt := c.Op("ReduceSum", Attrs{"keepdims": int64(1)}, c.Op("Cast", Attrs{"to": int64(graph.Int64)}, mask), c.Int64s(1))
			count = c.Op("Cast", Attrs{"to": int64(dt)}, cnt)
		}
		var red string
		if kind == "sum" || kind == "mean" || kind == "sqrtn" {
			red = segSum(c, dt, mask, data)
		} else {
			red = segMasked(c, kind, dt, mask, data)
		}
		switch kind {
		case "mean":
			red = c.Op("Div", nil, red, c.Op("Max", nil, count, c.Scalar(dt, 1)))
		case "sqrtn":
			red = c.Op("Div", nil, red, c.Op("Sqrt", nil, c.Op("Max", nil, count, c.Scalar(dt, 1))))
		case "max", "min":
			if form != segUnsorted {
				zero := c.Scalar(dt, 0)
				red = c.Op("Where", nil, c.Op("Greater", nil, count, zero), red, zero)
			}
		}
		if tail == "" {
			c.OpTo(c.Out(0), "Reshape", nil, red, c.Int64s(-1))
			return nil
		}
		c.OpTo(c.Out(0), "Reshape", nil, red, c.Op("Concat", Attrs{"axis": int64(0)}, c.Op("Reshape", nil, s, c.Int64s(1)), tail))
		return nil
	}
}

// segAxes is the constant [from, from+1, ..., from+n-1].
func segAxes(c *Ctx, from, n int) string {
	axes := make([]int64, n)
	for i := range axes {
		axes[i] = int64(from + i)
	}
	return c.Int64s(axes...)
}

// segSum sums rows per segment. Floats multiply the mask into the rows;
// integers take the masked reduction (exact).
func segSum(c *Ctx, dt graph.DType, mask, data string) string {
	if dt != graph.Float && dt != graph.Double && dt != graph.Float16 {
		return segMasked(c, "sum", dt, mask, data)
	}
	return c.Op("MatMul", nil, c.Op("Cast", Attrs{"to": int64(dt)}, mask), data)
}

// segMasked reduces Where(mask, rows, identity) [S, N, R] over the rows.
func segMasked(c *Ctx, kind string, dt graph.DType, mask, data string) string {
	mask = c.Op("Unsqueeze", nil, mask, c.Int64s(2))
	op, id := map[string]string{"sum": "ReduceSum", "prod": "ReduceProd", "max": "ReduceMax", "min": "ReduceMin"}[kind], 0.0
	switch kind {
	case "prod":
		id = 1
	case "max":
		id = segLowest(dt)
	case "min":
		id = -segLowest(dt)
	}
	var idT *graph.Tensor
	if dt.IsInt() {
		v := int64(id)
		switch {
		case kind == "max":
			v = segIntMin(dt)
		case kind == "min":
			v = segIntMax(dt)
		}
		idT = graph.NewIntTensor(dt, nil, []int64{v})
	} else {
		idT = graph.ScalarOf(dt, id)
	}
	picked := mathWhere(c, "", mask, c.Op("Unsqueeze", nil, data, c.Int64s(0)), c.AddConst(idT))
	attrs := Attrs{"keepdims": int64(0)}
	if op != "ReduceSum" && c.Opset < 18 {
		attrs["axes"] = []int64{1}
		return c.Op(op, attrs, picked)
	}
	return c.Op(op, attrs, picked, c.Int64s(1))
}

// segLowest is numeric_limits<T>::lowest() of a float type, what TF's
// unsorted max gives an empty segment.
func segLowest(dt graph.DType) float64 {
	switch dt {
	case graph.Float16:
		return -65504
	case graph.Double:
		return -math.MaxFloat64
	}
	return -math.MaxFloat32
}

func segIntMin(dt graph.DType) int64 {
	switch dt {
	case graph.Int8:
		return math.MinInt8
	case graph.Int16:
		return math.MinInt16
	case graph.Int32:
		return math.MinInt32
	case graph.Int64:
		return math.MinInt64
	}
	return 0 // unsigned
}

func segIntMax(dt graph.DType) int64 {
	switch dt {
	case graph.Int8:
		return math.MaxInt8
	case graph.Int16:
		return math.MaxInt16
	case graph.Int32:
		return math.MaxInt32
	case graph.Int64:
		return math.MaxInt64
	case graph.Uint8:
		return math.MaxUint8
	case graph.Uint16:
		return math.MaxUint16
	case graph.Uint32:
		return math.MaxUint32
	}
	return -1 // uint64: all bits
}
