package fold

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// intOp is integer math on int64 values (uint64 as bit patterns when u);
// ok is false where the result is undefined (division by zero).
type intOp func(a, b int64, u bool) (r int64, ok bool)

type floatOp func(a, b float64) float64

// numArgs decodes every input; ok is false when one is missing or not of
// the same type, or when want rejects that type.
func (c *call) numArgs(want func(graph.DType) bool) ([]*num, bool) {
	if len(c.in) == 0 {
		return nil, false
	}
	var xs []*num
	for _, t := range c.in {
		if t == nil || t.DType != c.in[0].DType || !want(t.DType) || tooBig(t.Dims) {
			return nil, false
		}
		xs = append(xs, decode(t))
	}
	return xs, true
}

// binary applies the op elementwise over the broadcast of a and b, giving
// a result of type dt. Floats are rounded to dt at once so that a chain of
// them (variadic Sum) rounds as the runtime would.
func (c *call) binary(a, b *num, dt graph.DType, f floatOp, g intOp) (*num, bool, error) {
	dims, ok := broadcastDims(a.dims, b.dims)
	if !ok {
		return nil, false, c.errf("cannot broadcast %v and %v", a.dims, b.dims)
	}
	if tooBig(dims) {
		return nil, false, nil
	}
	oa, ob := broadcastOffsets(a.dims, dims), broadcastOffsets(b.dims, dims)
	out := newNum(dt, dims)
	if isFloat(dt) {
		for i := range out.f {
			out.f[i] = roundTo(dt, f(a.f[oa[i]], b.f[ob[i]]))
		}
		return out, true, nil
	}
	u := isUnsigned64(dt)
	for i := range out.i {
		r, ok := g(a.i[oa[i]], b.i[ob[i]], u)
		if !ok {
			return nil, false, nil
		}
		out.i[i] = r
	}
	return out, true, nil
}

// fold left-folds a variadic op over the inputs.
func (c *call) foldArgs(xs []*num, f floatOp, g intOp) ([]*graph.Tensor, bool, error) {
	acc := xs[0]
	for _, x := range xs[1:] {
		var ok bool
		var err error
		if acc, ok, err = c.binary(acc, x, acc.dt, f, g); !ok || err != nil {
			return nil, false, err
		}
	}
	return one(acc.tensor())
}

func add(a, b float64) float64 { return a + b }
func iadd(a, b int64, _ bool) (int64, bool) {
	return a + b, true
}

func evalArith(c *call) ([]*graph.Tensor, bool, error) {
	xs, ok := c.numArgs(numeric)
	if !ok || (c.n.Op != "Sum" && len(xs) != 2) {
		return no()
	}
	var f floatOp
	var g intOp
	switch c.n.Op {
	case "Add", "Sum":
		f, g = add, iadd
	case "Sub":
		f = func(a, b float64) float64 { return a - b }
		g = func(a, b int64, _ bool) (int64, bool) { return a - b, true }
	case "Mul":
		f = func(a, b float64) float64 { return a * b }
		g = func(a, b int64, _ bool) (int64, bool) { return a * b, true }
	case "Div":
		f = func(a, b float64) float64 { return a / b }
		g = intDiv
	case "Mod":
		if c.n.Int("fmod", 0) == 0 {
			if isFloat(xs[0].dt) {
				return nil, false, c.errf("Mod of %v needs fmod=1", xs[0].dt)
			}
			g = floorMod
		} else {
			f, g = math.Mod, truncMod
		}
	}
	return c.foldArgs(xs, f, g)
}

// intDiv truncates toward zero, as ONNX (and C) define integer division.
func intDiv(a, b int64, u bool) (int64, bool) {
	switch {
	case b == 0:
		return 0, false
	case u:
		return int64(uint64(a) / uint64(b)), true
	}
	return a / b, true // MinInt64 / -1 wraps to MinInt64 in Go, as in C
}

// truncMod (fmod=1) takes the sign of the dividend, like C's fmod and %.
func truncMod(a, b int64, u bool) (int64, bool) {
	switch {
	case b == 0:
		return 0, false
	case u:
		return int64(uint64(a) % uint64(b)), true
	}
	return a % b, true
}

// floorMod (fmod=0) takes the sign of the divisor, like Python's %.
func floorMod(a, b int64, u bool) (int64, bool) {
	r, ok := truncMod(a, b, u)
	if ok && !u && r != 0 && (r < 0) != (b < 0) {
		r += b
	}
	return r, ok
}

// evalPow: the result has the base's type; the exponent may have another.
func evalPow(c *call) ([]*graph.Tensor, bool, error) {
	a, b := c.arg(0), c.arg(1)
	if a == nil || b == nil || !numeric(a.DType) || !numeric(b.DType) || tooBig(a.Dims) || tooBig(b.Dims) {
		return no()
	}
	x, y := decode(a), decode(b)
	if isFloat(a.DType) {
		if !isFloat(b.DType) {
			y.f = b.Float64s()
		}
		out, ok, err := c.binary(x, y, a.DType, math.Pow, nil)
		return result(out, ok, err)
	}
	if isFloat(b.DType) {
		// Runtimes compute in double and convert back; keep the defined cases.
		x.f = a.Float64s()
		out, ok, err := c.binary(x, y, graph.Double, math.Pow, nil)
		if !ok || err != nil {
			return nil, ok, err
		}
		lo, hi := intRange(a.DType)
		res := newNum(a.DType, out.dims)
		for i, v := range out.f {
			t := math.Trunc(v)
			if math.IsNaN(t) || t < lo || t > hi {
				return no()
			}
			res.i[i] = int64(t)
		}
		return one(res.tensor())
	}
	if isUnsigned64(a.DType) || isUnsigned64(b.DType) {
		return no()
	}
	out, ok, err := c.binary(x, y, a.DType, nil, ipow)
	return result(out, ok, err)
}

func result(x *num, ok bool, err error) ([]*graph.Tensor, bool, error) {
	if !ok || err != nil {
		return nil, false, err
	}
	return one(x.tensor())
}

// ipow is exact integer power with wrapping; a negative exponent gives the
// truncated reciprocal (0 unless the base is ±1), undefined for base 0.
func ipow(a, e int64, _ bool) (int64, bool) {
	if e < 0 {
		switch a {
		case 0:
			return 0, false
		case 1:
			return 1, true
		case -1:
			if e%2 == 0 {
				return 1, true
			}
			return -1, true
		}
		return 0, true
	}
	r := int64(1)
	for e > 0 {
		if e&1 == 1 {
			r *= a
		}
		a *= a
		e >>= 1
	}
	return r, true
}

// evalMinMax: variadic, broadcasting; a NaN operand wins, as in numpy and
// TensorFlow.
func evalMinMax(c *call) ([]*graph.Tensor, bool, error) {
	xs, ok := c.numArgs(numeric)
	if !ok {
		return no()
	}
	isMax := c.n.Op == "Max"
	f := func(a, b float64) float64 {
		switch {
		case math.IsNaN(a) || math.IsNaN(b):
			return math.NaN()
		case (a > b) == isMax:
			return a
		}
		return b
	}
	g := func(a, b int64, u bool) (int64, bool) {
		if less(a, b, u) == isMax {
			return b, true
		}
		return a, true
	}
	return c.foldArgs(xs, f, g)
}

// less compares integers, as unsigned when u.
func less(a, b int64, u bool) bool {
	if u {
		return uint64(a) < uint64(b)
	}
	return a < b
}

func evalUnary(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil || !numeric(x.DType) || tooBig(x.Dims) {
		return no()
	}
	in := decode(x)
	out := newNum(x.DType, x.Dims)
	if isFloat(x.DType) {
		f := floatUnary[c.n.Op]
		for i, v := range in.f {
			out.f[i] = f(v)
		}
		return one(out.tensor())
	}
	unsigned := x.DType == graph.Uint8 || x.DType == graph.Uint16 || x.DType == graph.Uint32 || x.DType == graph.Uint64
	var g func(int64) int64
	switch c.n.Op {
	case "Abs":
		g = func(v int64) int64 {
			if v < 0 && !unsigned {
				return -v
			}
			return v
		}
	case "Sign":
		g = func(v int64) int64 {
			switch {
			case v == 0:
				return 0
			case v < 0 && !unsigned:
				return -1
			}
			return 1
		}
	case "Neg":
		if unsigned {
			return no()
		}
		g = func(v int64) int64 { return -v }
	case "Relu":
		if unsigned {
			return no()
		}
		g = func(v int64) int64 { return max(v, 0) }
	default:
		// Floor, Ceil, Round, Sqrt, Reciprocal, Exp, Log take floats only.
		return no()
	}
	for i, v := range in.i {
		out.i[i] = g(v)
	}
	return one(out.tensor())
}

var floatUnary = map[string]func(float64) float64{
	"Neg":        func(v float64) float64 { return -v },
	"Abs":        math.Abs,
	"Floor":      math.Floor,
	"Ceil":       math.Ceil,
	"Round":      math.RoundToEven, // ONNX rounds halves to even
	"Sqrt":       math.Sqrt,
	"Reciprocal": func(v float64) float64 { return 1 / v },
	"Exp":        math.Exp,
	"Log":        math.Log,
	"Sign": func(v float64) float64 {
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return v // ±0 and NaN
	},
	"Relu": func(v float64) float64 {
		if v < 0 {
			return 0
		}
		return v
	},
}

// evalClip bounds by min then max (so min > max gives max everywhere, as
// the spec says); NaN stays NaN. Bounds are inputs since opset 11,
// attributes before.
func evalClip(c *call) ([]*graph.Tensor, bool, error) {
	x := c.arg(0)
	if x == nil || !numeric(x.DType) || tooBig(x.Dims) {
		return no()
	}
	in := decode(x)
	out := newNum(x.DType, x.Dims)
	if c.opset < 11 {
		if !isFloat(x.DType) {
			return no()
		}
		lo := float64(c.n.Float("min", -math.MaxFloat32))
		hi := float64(c.n.Float("max", math.MaxFloat32))
		for i, v := range in.f {
			out.f[i] = clipFloat(v, lo, hi)
		}
		return one(out.tensor())
	}
	var bounds [2]*num
	for k := 0; k < 2; k++ {
		if t := c.arg(1 + k); t != nil {
			if t.DType != x.DType || t.NumElements() != 1 {
				return no()
			}
			bounds[k] = decode(t)
		}
	}
	if isFloat(x.DType) {
		lo, hi := math.Inf(-1), math.Inf(1)
		if bounds[0] != nil {
			lo = bounds[0].f[0]
		}
		if bounds[1] != nil {
			hi = bounds[1].f[0]
		}
		for i, v := range in.f {
			out.f[i] = clipFloat(v, lo, hi)
		}
		return one(out.tensor())
	}
	u := isUnsigned64(x.DType)
	for i, v := range in.i {
		if bounds[0] != nil && less(v, bounds[0].i[0], u) {
			v = bounds[0].i[0]
		}
		if bounds[1] != nil && less(bounds[1].i[0], v, u) {
			v = bounds[1].i[0]
		}
		out.i[i] = v
	}
	return one(out.tensor())
}

func clipFloat(v, lo, hi float64) float64 {
	if v < lo {
		v = lo
	}
	if v > hi {
		v = hi
	}
	return v
}
