package opmap

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// mathExtraRules: elementwise math ONNX has no single op for, bit
// operations, cumulative products, rolls and the one-input Where.
var mathExtraRules = []Rule{
	{"Atan2", MinOpset, mathAtan2},
	{"Rint", MinOpset, unary("Round")}, // both round half to even
	{"IsFinite", MinOpset, mathIsFinite},
	{"Cumprod", MinOpset, arrNeeds(2, mathCumprod)},
	{"Roll", MinOpset, arrNeeds(3, mathRoll)},
	{"BitwiseAnd", 18, binary("BitwiseAnd")},
	{"BitwiseOr", 18, binary("BitwiseOr")},
	{"BitwiseXor", 18, binary("BitwiseXor")},
	{"Invert", MinOpset, mathInvert},
	{"LeftShift", MinOpset, arrNeeds(2, mathShift("LEFT"))},
	{"RightShift", MinOpset, arrNeeds(2, mathShift("RIGHT"))},
	{"Where", MinOpset, arrNeeds(1, mathWhereIndices)},
}

// mathAtan2 is atan(y/x) moved to the quadrant of (x, y): ±π where x < 0,
// ±π/2 (0 at the origin) where x = 0.
func mathAtan2(c *Ctx) error {
	y, x := c.In(0), c.In(1)
	dt := mathT(c)
	if !dt.IsFloat() {
		return c.Errorf("Atan2 of %v is not supported", dt)
	}
	atan2To(c, c.Out(0), y, x, dt)
	return nil
}

// atan2To writes atan2(y, x) of float type dt into out, or a fresh value
// when out is "", and returns it (Angle and complex Log use it too).
func atan2To(c *Ctx, out, y, x string, dt graph.DType) string {
	zero := c.Scalar(dt, 0)
	ratio := c.Op("Div", nil, y, x)
	var q string
	if dt == graph.Double {
		// onnxruntime has no float64 Atan: the arctangent is taken in
		// float32 (relative error about 1e-7), the rest stays float64.
		q = c.Op("Cast", Attrs{"to": int64(dt)}, c.Op("Atan", nil, c.Op("Cast", Attrs{"to": int64(graph.Float)}, ratio)))
	} else {
		q = c.Op("Atan", nil, ratio)
	}
	pi := c.Op("Where", nil, c.Op("Less", nil, y, zero), c.Scalar(dt, -math.Pi), c.Scalar(dt, math.Pi))
	adj := c.Op("Where", nil, c.Op("Less", nil, x, zero), pi, zero)
	r := c.Op("Add", nil, q, adj)
	onAxis := c.Op("Mul", nil, c.Op("Sign", nil, y), c.Scalar(dt, math.Pi/2))
	return arrEmit(c, out, "Where", nil, c.Op("Equal", nil, x, zero), onAxis, r)
}

func mathIsFinite(c *Ctx) error {
	x := c.In(0)
	bad := c.Op("Or", nil, c.Op("IsNaN", nil, x), c.Op("IsInf", nil, x))
	c.OpTo(c.Out(0), "Not", nil, bad)
	return nil
}

// mathCumprod has no ONNX op: along the (constant) axis, moved last, each
// output element is the product of a masked row, x[..., j] where j is in
// the prefix of i (or the suffix, reversed; strictly, when exclusive) and 1
// elsewhere. The [..., n, n] intermediate is quadratic in the axis length,
// which is small where cumulative products are used (sequence lengths).
func mathCumprod(c *Ctx) error {
	x := c.In(0)
	dt := mathT(c)
	switch dt {
	case graph.Float, graph.Double, graph.Int32, graph.Int64, graph.Float16:
	default:
		return c.Errorf("Cumprod of %v is not supported", dt)
	}
	a, err := arrConstAxis(c, c.In(1))
	if err != nil {
		return err
	}
	r := int64(c.Rank(x))
	if r < 0 {
		return c.Errorf("Cumprod needs the input rank")
	}
	if a < 0 {
		a += r
	}
	if a < 0 || a >= r {
		return c.Errorf("axis %d is out of range for rank %d", a, r)
	}
	perm := make([]int64, 0, r)
	for i := range r {
		if i != a {
			perm = append(perm, i)
		}
	}
	perm = append(perm, a)
	inv := make([]int64, r)
	for i, p := range perm {
		inv[p] = int64(i)
	}
	xt := x
	if a != r-1 {
		xt = c.Op("Transpose", Attrs{"perm": perm}, x)
	}
	n := arrDim(c, xt, -1)
	idx := c.Op("Range", nil, c.AddConst(graph.ScalarInt64(0)), c.Op("Squeeze", nil, n, c.Int64s(0)), c.AddConst(graph.ScalarInt64(1)))
	j := c.Op("Unsqueeze", nil, idx, c.Int64s(0)) // [1, n]: the summed index
	i := c.Op("Unsqueeze", nil, idx, c.Int64s(1)) // [n, 1]: the output index
	cmp := map[[2]bool]string{
		{false, false}: "LessOrEqual", {true, false}: "Less",
		{false, true}: "GreaterOrEqual", {true, true}: "Greater",
	}[[2]bool{c.Node.Bool("exclusive", false), c.Node.Bool("reverse", false)}]
	mask := c.Op(cmp, nil, j, i) // [n, n]
	rows := c.Op("Unsqueeze", nil, xt, c.Int64s(-2))
	picked := c.Op("Where", nil, mask, rows, c.Scalar(dt, 1))
	if a == r-1 {
		c.OpTo(c.Out(0), "ReduceProd", mathReduceAttrs(c, -1), mathReduceInputs(c, picked, -1)...)
		return nil
	}
	p := c.Op("ReduceProd", mathReduceAttrs(c, -1), mathReduceInputs(c, picked, -1)...)
	c.OpTo(c.Out(0), "Transpose", Attrs{"perm": inv}, p)
	return nil
}

// mathReduceAttrs and mathReduceInputs reduce one constant axis without
// keeping it, with axes as an attribute before opset 18, an input after.
func mathReduceAttrs(c *Ctx, axis int64) Attrs {
	a := Attrs{"keepdims": int64(0)}
	if c.Opset < 18 {
		a["axes"] = []int64{axis}
	}
	return a
}

func mathReduceInputs(c *Ctx, x string, axis int64) []string {
	if c.Opset < 18 {
		return []string{x}
	}
	return []string{x, c.Int64s(axis)}
}

// mathRoll rolls along each (constant) axis in turn: the last shift mod n
// elements come first. Shifts may be run-time values; an axis named twice
// rolls by the sum, as TF's does.
func mathRoll(c *Ctx) error {
	x := c.In(0)
	axes, ok := c.ConstInts(c.In(2))
	if !ok {
		return c.Errorf("the axes of Roll must be constant")
	}
	shift := mathVec1D(c, c.In(1))
	if s, ok := c.ConstInts(c.In(1)); ok && len(s) != len(axes) && len(s) != 1 {
		return c.Errorf("shift and axis differ in length (%d, %d)", len(s), len(axes))
	}
	v := x
	for k, a := range axes {
		n := arrDim(c, v, a)
		sk := shift
		if len(axes) > 1 {
			sk = c.Op("Slice", nil, shift, c.Int64s(int64(k)), c.Int64s(int64(k+1)))
		}
		s := c.Op("Mod", Attrs{"fmod": int64(0)}, sk, n)
		cut := c.Op("Sub", nil, n, s)
		ax := c.Int64s(a)
		tail := c.Op("Slice", nil, v, cut, c.Int64s(arrInt64Max), ax)
		head := c.Op("Slice", nil, v, c.Int64s(0), cut, ax)
		out := ""
		if k == len(axes)-1 {
			out = c.Out(0)
		}
		v = arrEmit(c, out, "Concat", Attrs{"axis": a}, tail, head)
	}
	if len(axes) == 0 {
		c.Alias(c.Out(0), x)
	}
	return nil
}

// mathInvert is ~x without BitwiseNot (opset 18): -x-1 for signed
// integers (two's complement, wrapping at the minimum as ~ does), MAX-x
// for unsigned ones.
func mathInvert(c *Ctx) error {
	x := c.In(0)
	dt := mathT(c)
	switch {
	case c.Opset >= 18 && dt.IsInt():
		c.OpTo(c.Out(0), "BitwiseNot", nil, x)
	case dt.IsSigned() && (dt == graph.Int32 || dt == graph.Int64):
		c.OpTo(c.Out(0), "Sub", nil, c.Op("Neg", nil, x), c.Scalar(dt, 1))
	case (dt == graph.Uint8 || dt == graph.Uint16) && c.Opset < 14:
		// Sub takes 8- and 16-bit ints from opset 14.
		max := c.Scalar(graph.Int32, float64(int64(1)<<(8*dt.Size())-1))
		inv := c.Op("Sub", nil, max, c.Op("Cast", Attrs{"to": int64(graph.Int32)}, x))
		c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dt)}, inv)
	case dt == graph.Uint8 || dt == graph.Uint16 || dt == graph.Uint32 || dt == graph.Uint64:
		max := graph.NewIntTensor(dt, nil, []int64{-1}) // all bits set
		c.OpTo(c.Out(0), "Sub", nil, c.AddConst(max), x)
	case dt == graph.Int8 || dt == graph.Int16:
		w := c.Op("Cast", Attrs{"to": int64(graph.Int32)}, x)
		inv := c.Op("Sub", nil, c.Op("Neg", nil, w), c.Scalar(graph.Int32, 1))
		c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dt)}, inv)
	default:
		return c.Errorf("Invert of %v is not supported", dt)
	}
	return nil
}

// mathUnsigned is the unsigned type of a signed integer's width.
func mathUnsigned(dt graph.DType) graph.DType {
	return map[graph.DType]graph.DType{
		graph.Int8: graph.Uint8, graph.Int16: graph.Uint16, graph.Int32: graph.Uint32, graph.Int64: graph.Uint64,
	}[dt]
}

// mathShift: ONNX BitShift is for unsigned types. Signed left shifts are
// the same bits unsigned; TF's signed right shift is arithmetic, so a
// negative x shifts its complement (-x-1 ≥ 0) and complements back.
func mathShift(dir string) Handler {
	return func(c *Ctx) error {
		x, s := c.In(0), c.In(1)
		dt := mathT(c)
		if !dt.IsInt() {
			return c.Errorf("%s of %v is not supported", c.Node.Op, dt)
		}
		attrs := Attrs{"direction": dir}
		if !dt.IsSigned() {
			c.OpTo(c.Out(0), "BitShift", attrs, x, s)
			return nil
		}
		u := mathUnsigned(dt)
		us := c.Op("Cast", Attrs{"to": int64(u)}, s)
		if dir == "LEFT" {
			r := c.Op("BitShift", attrs, c.Op("Cast", Attrs{"to": int64(u)}, x), us)
			c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dt)}, r)
			return nil
		}
		w := x
		wt := dt
		if dt == graph.Int8 || dt == graph.Int16 {
			// Where and Neg want 32-bit ints on onnxruntime's CPU.
			wt = graph.Int32
			w = c.Op("Cast", Attrs{"to": int64(wt)}, x)
		}
		neg := c.Op("Less", nil, w, c.Scalar(wt, 0))
		one := c.Scalar(wt, 1)
		comp := c.Op("Where", nil, neg, c.Op("Sub", nil, c.Op("Neg", nil, w), one), w)
		r := c.Op("BitShift", attrs, c.Op("Cast", Attrs{"to": int64(u)}, comp), us)
		rs := c.Op("Cast", Attrs{"to": int64(wt)}, r)
		res := c.Op("Where", nil, neg, c.Op("Sub", nil, c.Op("Neg", nil, rs), one), rs)
		mathCastOut(c, 0, res, dt)
		return nil
	}
}

// mathWhereIndices is tf.where(cond) with one input: the coordinates of the
// true (non-zero) elements, one row each, as int64 [n, rank].
func mathWhereIndices(c *Ctx) error {
	if c.NumIn() > 1 {
		return c.Errorf("Where with %d inputs (the three-input form is SelectV2)", c.NumIn())
	}
	x := c.In(0)
	switch c.DType(x) {
	case graph.Bool, graph.Float, graph.Int32, graph.Int64, graph.Uint8:
	default:
		x = c.Op("Cast", Attrs{"to": int64(graph.Bool)}, x)
	}
	nz := c.Op("NonZero", nil, x)
	c.OpTo(c.Out(0), "Transpose", Attrs{"perm": []int64{1, 0}}, nz)
	return nil
}

// mathCastTruncate narrows float64 to float32 toward zero (TF's
// Truncate=true): where rounding went away from zero, the float32 one step
// nearer zero is y·(1−2⁻²⁴) rounded (that product lies within half a step
// of it, also below a power of two). Past the float32 range TF still gives
// ±Inf, as the plain Cast does (Inf·c stays Inf).
func mathCastTruncate(c *Ctx) error {
	x := c.In(0)
	y := c.Op("Cast", Attrs{"to": int64(graph.Float)}, x)
	away := c.Op("Greater", nil, c.Op("Abs", nil, c.Op("Cast", Attrs{"to": int64(graph.Double)}, y)), c.Op("Abs", nil, x))
	down := c.Op("Mul", nil, y, c.Scalar(graph.Float, 1-math.Pow(2, -24)))
	c.OpTo(c.Out(0), "Where", nil, away, down, y)
	return nil
}
