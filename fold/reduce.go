package fold

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// intBounds is the smallest and largest value of an integer type (uint64's
// largest as its bit pattern).
func intBounds(dt graph.DType) (lo, hi int64) {
	switch dt {
	case graph.Int8:
		return math.MinInt8, math.MaxInt8
	case graph.Uint8:
		return 0, math.MaxUint8
	case graph.Int16:
		return math.MinInt16, math.MaxInt16
	case graph.Uint16:
		return 0, math.MaxUint16
	case graph.Int32:
		return math.MinInt32, math.MaxInt32
	case graph.Uint32:
		return 0, math.MaxUint32
	case graph.Uint64:
		return 0, -1
	}
	return math.MinInt64, math.MaxInt64
}

// evalReduce folds ReduceSum/Prod/Max/Min/Mean. Axes are an input since
// opset 13 for ReduceSum and 18 for the others. Reducing nothing yields the
// identity of the op (the lowest value for Max, the highest for Min).
func evalReduce(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil || !numeric(x.DType) || tooBig(x.Dims) {
		return no()
	}
	since := 18
	if c.n.Op == "ReduceSum" {
		since = 13
	}
	axes, _ := c.axes(1, since)
	r := len(x.Dims)
	red := make([]bool, r)
	if len(axes) == 0 {
		if c.opset >= since && c.n.Int("noop_with_empty_axes", 0) != 0 {
			return one(withDims(x, x.Dims))
		}
		for i := range red {
			red[i] = true
		}
	} else {
		ax, err := c.normAxes(axes, r)
		if err != nil {
			return nil, false, err
		}
		for _, a := range ax {
			red[a] = true
		}
	}
	keep := c.n.Int("keepdims", 1) != 0
	var outDims, walkStrides []int64
	acc := int64(1)
	walkStrides = make([]int64, r)
	for i := r - 1; i >= 0; i-- {
		if !red[i] {
			walkStrides[i] = acc
			acc *= x.Dims[i]
		}
	}
	count := int64(1)
	for i, d := range x.Dims {
		switch {
		case red[i]:
			count *= d
			if keep {
				outDims = append(outDims, 1)
			}
		default:
			outDims = append(outDims, d)
		}
	}
	if outDims == nil {
		outDims = []int64{}
	}
	dst := offsets(x.Dims, walkStrides, 0)
	in := decode(x)
	out := newNum(x.DType, outDims)
	op := c.n.Op
	if isFloat(x.DType) {
		init := map[string]float64{"ReduceSum": 0, "ReduceMean": 0, "ReduceProd": 1,
			"ReduceMax": math.Inf(-1), "ReduceMin": math.Inf(1)}[op]
		for i := range out.f {
			out.f[i] = init
		}
		for i, v := range in.f {
			o := &out.f[dst[i]]
			switch op {
			case "ReduceSum", "ReduceMean":
				*o += v
			case "ReduceProd":
				*o *= v
			case "ReduceMax":
				if v > *o || math.IsNaN(v) {
					*o = v
				}
			case "ReduceMin":
				if v < *o || math.IsNaN(v) {
					*o = v
				}
			}
		}
		if op == "ReduceMean" {
			for i := range out.f {
				out.f[i] /= float64(count) // 0/0 is NaN for an empty mean
			}
		}
		return one(out.tensor())
	}
	u := isUnsigned64(x.DType)
	lo, hi := intBounds(x.DType)
	init := map[string]int64{"ReduceProd": 1, "ReduceMax": lo, "ReduceMin": hi}[op]
	for i := range out.i {
		out.i[i] = init
	}
	for i, v := range in.i {
		o := &out.i[dst[i]]
		switch op {
		case "ReduceSum", "ReduceMean":
			*o += v
		case "ReduceProd":
			*o *= v
		case "ReduceMax":
			if less(*o, v, u) {
				*o = v
			}
		case "ReduceMin":
			if less(v, *o, u) {
				*o = v
			}
		}
	}
	if op == "ReduceMean" {
		if count == 0 {
			return no()
		}
		for i := range out.i {
			out.i[i], _ = intDiv(out.i[i], count, u)
		}
	}
	return one(out.tensor())
}

// evalCumSum keeps the running sum in the element type, as runtimes do.
func evalCumSum(c *call) ([]*graph.Tensor, bool, error) {
	x, at := c.arg(0), c.arg(1)
	if x == nil || at == nil || !numeric(x.DType) || at.NumElements() != 1 || tooBig(x.Dims) {
		return no()
	}
	ax, err := c.normAxes(at.Int64s(), len(x.Dims))
	if err != nil {
		return nil, false, err
	}
	axis := ax[0]
	exclusive := c.n.Int("exclusive", 0) != 0
	reverse := c.n.Int("reverse", 0) != 0
	in := decode(x)
	out := newNum(x.DType, x.Dims)
	n := int(x.Dims[axis])
	inner := numElements(x.Dims[axis+1:])
	outer := numElements(x.Dims[:axis])
	for o := 0; o < outer; o++ {
		for k := 0; k < inner; k++ {
			var fs float64
			var is int64
			for j := 0; j < n; j++ {
				jj := j
				if reverse {
					jj = n - 1 - j
				}
				idx := (o*n+jj)*inner + k
				if isFloat(x.DType) {
					if exclusive {
						out.f[idx] = fs
					}
					fs = roundTo(x.DType, fs+in.f[idx])
					if !exclusive {
						out.f[idx] = fs
					}
				} else {
					if exclusive {
						out.i[idx] = is
					}
					is += in.i[idx]
					if !exclusive {
						out.i[idx] = is
					}
				}
			}
		}
	}
	return one(out.tensor())
}
