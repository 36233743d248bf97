package fold

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func evalShape(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil {
		return no()
	}
	r := int64(len(x.Dims))
	start, end := int64(0), r
	if c.opset >= 15 {
		start = clampIndex(c.n.Int("start", 0), r)
		end = clampIndex(c.n.Int("end", r), r)
	}
	return one(graph.Int64Tensor(x.Dims[start:max(start, end)]...))
}

// clampIndex maps a possibly negative index into [0, n].
func clampIndex(v, n int64) int64 {
	if v < 0 {
		v += n
	}
	return min(max(v, 0), n)
}

func evalSize(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil {
		return no()
	}
	return one(graph.ScalarInt64(x.NumElements()))
}

func evalConstantOfShape(c *call) ([]*graph.Tensor, bool, error) {
	dims, ok := c.ints(0)
	if !ok {
		return no()
	}
	for _, d := range dims {
		if d < 0 {
			return nil, false, c.errf("negative dim in shape %v", dims)
		}
	}
	if tooBig(dims) {
		return no()
	}
	v := c.n.TensorAttr("value")
	if v == nil {
		v = graph.ScalarOf(graph.Float, 0)
	}
	if !wellFormed(v) || v.NumElements() != 1 {
		return no()
	}
	n := numElements(dims)
	return one(pick(v, dims, make([]int, n), nil))
}

// evalRange counts and accumulates as the runtimes do: the difference in
// the element type, the count in float64, each element the previous one
// plus delta in the element type.
func evalRange(c *call) ([]*graph.Tensor, bool, error) {
	s, l, d := c.arg(0), c.arg(1), c.arg(2)
	if s == nil || l == nil || d == nil {
		return no()
	}
	dt := s.DType
	if !numeric(dt) || l.DType != dt || d.DType != dt {
		return no()
	}
	if s.NumElements() != 1 || l.NumElements() != 1 || d.NumElements() != 1 {
		return nil, false, c.errf("start, limit and delta must be scalars")
	}
	if dt.IsInt() {
		start, limit, delta := s.Int64s()[0], l.Int64s()[0], d.Int64s()[0]
		if delta == 0 {
			return nil, false, c.errf("delta is 0")
		}
		if (limit > start) != (limit-start > 0) {
			return no() // the count overflows int64
		}
		n := max(ceilDiv(limit-start, delta), 0)
		if tooBig([]int64{n}) {
			return no()
		}
		out := newNum(dt, []int64{n})
		for i := range out.i {
			out.i[i] = start + int64(i)*delta
		}
		return one(out.tensor())
	}
	start, limit, delta := s.Float64s()[0], l.Float64s()[0], d.Float64s()[0]
	if delta == 0 {
		return nil, false, c.errf("delta is 0")
	}
	count := math.Ceil(roundTo(dt, limit-start) / delta)
	if math.IsNaN(count) || count > maxElements {
		return no()
	}
	n := max(int64(count), 0)
	out := newNum(dt, []int64{n})
	v := start
	for i := range out.f {
		out.f[i] = v
		v = roundTo(dt, v+delta)
	}
	return one(out.tensor())
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) == (b < 0) {
		q++
	}
	return q
}

// intRange is the closed range of an integer type, as float64 bounds that
// a truncated float must fall within.
func intRange(dt graph.DType) (lo, hi float64) {
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
	case graph.Int64:
		// 2^63 itself is out of range; the largest float64 below it is in.
		return math.MinInt64, math.Nextafter(1<<63, 0)
	case graph.Uint64:
		return 0, math.Nextafter(1<<64, 0)
	}
	return 0, 0
}

// evalCast converts between numeric and bool types. Floats truncate toward
// zero into integers; a NaN, infinity or out-of-range value is undefined
// behaviour in the runtimes, so such casts are not folded. Integers wrap
// into narrower ones.
func evalCast(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	to := c.n.Type("to")
	if x == nil || to == graph.Undefined || tooBig(x.Dims) {
		return no()
	}
	from := x.DType
	srcFloat := isFloat(from) || from == graph.BFloat16
	if !(numeric(to) || to == graph.Bool) || !(srcFloat || from.IsInt() || from == graph.Bool) {
		return no()
	}
	if from == to {
		return one(withDims(x, x.Dims))
	}
	n := int(x.NumElements())
	if srcFloat {
		f := x.Float64s()
		switch {
		case isFloat(to):
			return one(graph.NewTensor(to, x.Dims, f))
		case to == graph.Bool:
			out := newNum(to, x.Dims)
			for i, v := range f {
				out.i[i] = b2i(v != 0)
			}
			return one(out.tensor())
		}
		lo, hi := intRange(to)
		out := newNum(to, x.Dims)
		for i, v := range f {
			t := math.Trunc(v)
			if math.IsNaN(t) || t < lo || t > hi {
				return no()
			}
			if to == graph.Uint64 {
				out.i[i] = int64(uint64(t))
			} else {
				out.i[i] = int64(t)
			}
		}
		return one(out.tensor())
	}
	ints := x.Int64s()
	out := newNum(to, x.Dims)
	for i := 0; i < n; i++ {
		v := ints[i]
		switch {
		case to == graph.Bool:
			out.i[i] = b2i(v != 0)
		case to.IsInt():
			out.i[i] = v
		case to == graph.Float && isUnsigned64(from):
			// Round once, straight to float32.
			out.f[i] = float64(float32(uint64(v)))
		case to == graph.Float:
			out.f[i] = float64(float32(v))
		case isUnsigned64(from):
			out.f[i] = float64(uint64(v))
		default:
			out.f[i] = float64(v)
		}
	}
	return one(out.tensor())
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
