package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// mathRules: elementwise math beyond the 1:1 tables, matmuls, reductions,
// comparisons and casts.
var mathRules = []Rule{
	// elementwise
	{"Rsqrt", MinOpset, mathRsqrt},
	{"Square", MinOpset, mathSquare},
	{"Erfc", MinOpset, mathErfc},
	{"SquaredDifference", MinOpset, mathSquaredDifference},
	{"Div", MinOpset, mathDiv},
	{"TruncateDiv", MinOpset, mathDiv},
	{"DivNoNan", MinOpset, mathDivNoNan},
	{"FloorDiv", MinOpset, mathFloorDiv},
	{"FloorMod", MinOpset, mathFloorMod},
	{"TruncateMod", MinOpset, mathTruncateMod},
	{"Mod", MinOpset, mathTruncateMod},
	{"AddN", MinOpset, mathAddN},
	{"NotEqual", MinOpset, mathNotEqual},
	{"ClipByValue", MinOpset, mathClipByValue},
	{"Cast", MinOpset, mathCast},
	{"Select", MinOpset, mathSelect},
	{"SelectV2", MinOpset, mathSelectV2},

	// matmuls (math_matmul.go)
	{"MatMul", MinOpset, mathMatMul},
	{"BatchMatMul", MinOpset, mathBatchMatMul},
	{"BatchMatMulV2", MinOpset, mathBatchMatMul},
	{"BatchMatMulV3", MinOpset, mathBatchMatMul},
	{"Einsum", MinOpset, mathEinsum},

	// reductions (math_reduce.go)
	{"Mean", MinOpset, mathReduce("ReduceMean")},
	{"Sum", MinOpset, mathReduce("ReduceSum")},
	{"Max", MinOpset, mathReduce("ReduceMax")},
	{"Min", MinOpset, mathReduce("ReduceMin")},
	{"Prod", MinOpset, mathReduce("ReduceProd")},
	{"All", MinOpset, mathAll},
	{"Any", MinOpset, mathAny},
	{"ArgMax", MinOpset, mathArg("ArgMax")},
	{"ArgMin", MinOpset, mathArg("ArgMin")},
	{"TopKV2", MinOpset, mathTopK},
	{"Cumsum", MinOpset, mathCumsum},

	// generators (math_gen.go)
	{"OneHot", MinOpset, mathOneHot},
	{"Range", MinOpset, mathRange},
	{"ZerosLike", MinOpset, mathFillLike(0)},
	{"OnesLike", MinOpset, mathFillLike(1)},
	{"Fill", MinOpset, mathFill},
}

// mathErfc is 1 − erf(x) (ONNX has no Erfc); TF's exact GELU is written
// with it, 0.5·x·erfc(−x/√2).
func mathErfc(c *Ctx) error {
	x := c.In(0)
	c.OpTo(c.Out(0), "Sub", nil, c.Scalar(c.DType(x), 1), c.Op("Erf", nil, x))
	return nil
}

// mathCastTo casts v to dt unless it already has that type.
func mathCastTo(c *Ctx, v string, dt graph.DType) string {
	if c.DType(v) == dt {
		return v
	}
	return c.Op("Cast", Attrs{"to": int64(dt)}, v)
}

// mathCastOut writes v, cast to dt when needed, to TF output k.
func mathCastOut(c *Ctx, k int, v string, dt graph.DType) {
	if dt == graph.Undefined || c.DType(v) == dt {
		c.Alias(c.Out(k), v)
		return
	}
	c.OpTo(c.Out(k), "Cast", Attrs{"to": int64(dt)}, v)
}

// mathT is the node's element type: its T attribute, else its first
// input's type.
func mathT(c *Ctx) graph.DType {
	if dt := c.Node.Type("T"); dt != graph.Undefined {
		return dt
	}
	return c.DType(c.In(0))
}

func mathRsqrt(c *Ctx) error {
	c.OpTo(c.Out(0), "Reciprocal", nil, c.Op("Sqrt", nil, c.In(0)))
	return nil
}

func mathSquare(c *Ctx) error {
	c.OpTo(c.Out(0), "Mul", nil, c.In(0), c.In(0))
	return nil
}

func mathSquaredDifference(c *Ctx) error {
	d := c.Op("Sub", nil, c.In(0), c.In(1))
	c.OpTo(c.Out(0), "Mul", nil, d, d)
	return nil
}

// mathDiv serves Div and TruncateDiv: TF's integer Div is C++ division,
// which truncates toward zero like ONNX Div.
func mathDiv(c *Ctx) error {
	c.OpTo(c.Out(0), "Div", nil, c.In(0), c.In(1))
	return nil
}

// mathDivNoNan gives 0 wherever the divisor is 0 (even for 0/0 and x/0).
func mathDivNoNan(c *Ctx) error {
	x, y := c.In(0), c.In(1)
	dt := mathT(c)
	zero := c.Scalar(dt, 0)
	isZero := c.Op("Equal", nil, y, zero)
	q := c.Op("Div", nil, x, y)
	c.OpTo(c.Out(0), "Where", nil, isZero, zero, q)
	return nil
}

// mathFloorDiv rounds the quotient toward −∞. Floats: Floor(x/y). Signed
// integers: ONNX Div truncates, but x − (x floor-mod y) is an exact multiple
// of y, so dividing it truncates to the floored quotient.
func mathFloorDiv(c *Ctx) error {
	x, y := c.In(0), c.In(1)
	dt := mathT(c)
	switch {
	case dt.IsFloat():
		c.OpTo(c.Out(0), "Floor", nil, c.Op("Div", nil, x, y))
	case dt.IsSigned():
		m := c.Op("Mod", Attrs{"fmod": int64(0)}, x, y)
		c.OpTo(c.Out(0), "Div", nil, c.Op("Sub", nil, x, m), y)
	default: // unsigned: truncation is flooring
		c.OpTo(c.Out(0), "Div", nil, x, y)
	}
	return nil
}

// mathFloorMod is Python's %: the result takes the divisor's sign. ONNX Mod
// with fmod=0 is exactly that for integers; for floats ONNX only has C fmod
// (the dividend's sign), so the remainder is moved by y where the signs
// differ, as TF's own kernel does.
func mathFloorMod(c *Ctx) error {
	x, y := c.In(0), c.In(1)
	dt := mathT(c)
	if !dt.IsFloat() {
		c.OpTo(c.Out(0), "Mod", Attrs{"fmod": int64(0)}, x, y)
		return nil
	}
	r := c.Op("Mod", Attrs{"fmod": int64(1)}, x, y)
	zero := c.Scalar(dt, 0)
	nonzero := c.Op("Not", nil, c.Op("Equal", nil, r, zero))
	signsDiffer := c.Op("Xor", nil, c.Op("Less", nil, y, zero), c.Op("Less", nil, r, zero))
	fix := c.Op("And", nil, nonzero, signsDiffer)
	c.OpTo(c.Out(0), "Where", nil, fix, c.Op("Add", nil, r, y), r)
	return nil
}

// mathTruncateMod (TruncateMod and TF's Mod) is C's %, the dividend's sign: ONNX Mod fmod=1 (which ONNX
// allows for integers too).
func mathTruncateMod(c *Ctx) error {
	c.OpTo(c.Out(0), "Mod", Attrs{"fmod": int64(1)}, c.In(0), c.In(1))
	return nil
}

func mathAddN(c *Ctx) error {
	switch c.NumIn() {
	case 0:
		return c.Errorf("AddN without inputs")
	case 1:
		c.Alias(c.Out(0), c.In(0))
		return nil
	case 2:
		c.OpTo(c.Out(0), "Add", nil, c.In(0), c.In(1))
		return nil
	}
	if !mathT(c).IsFloat() {
		// ONNX Sum is for floats only.
		acc := c.Op("Add", nil, c.In(0), c.In(1))
		for i := 2; i < c.NumIn()-1; i++ {
			acc = c.Op("Add", nil, acc, c.In(i))
		}
		c.OpTo(c.Out(0), "Add", nil, acc, c.In(c.NumIn()-1))
		return nil
	}
	c.OpTo(c.Out(0), "Sum", nil, c.Node.Inputs...)
	return nil
}

func mathNotEqual(c *Ctx) error {
	if c.DType(c.In(0)) == graph.String && c.Opset < stringEqualOpset {
		eq, err := stringEqual(c, c.In(0), c.In(1))
		if err != nil {
			return err
		}
		c.OpTo(c.Out(0), "Not", nil, eq)
		return nil
	}
	c.OpTo(c.Out(0), "Not", nil, c.Op("Equal", nil, c.In(0), c.In(1)))
	return nil
}

// mathClipByValue: TF takes the min first, then the max; ONNX Clip does the
// same but wants scalar bounds, so tensor bounds go through Min and Max.
func mathClipByValue(c *Ctx) error {
	x, lo, hi := c.In(0), c.In(1), c.In(2)
	if c.Rank(lo) == 0 && c.Rank(hi) == 0 {
		c.OpTo(c.Out(0), "Clip", nil, x, lo, hi)
		return nil
	}
	c.OpTo(c.Out(0), "Max", nil, c.Op("Min", nil, x, hi), lo)
	return nil
}

// mathCast: TF and ONNX agree on float→int (truncation toward zero), on
// x→bool (x != 0) and on bool→x (0 or 1). Truncate=true only changes
// float narrowing (mantissa chopped rather than rounded), which ONNX Cast
// cannot do.
func mathCast(c *Ctx) error {
	src, dst := c.DType(c.In(0)), c.Node.Type("DstT")
	if s := c.Node.Type("SrcT"); s != graph.Undefined {
		src = s
	}
	if dst == graph.Undefined {
		return c.Errorf("Cast without DstT")
	}
	if src == graph.String || dst == graph.String || src == graph.Complex64 || dst == graph.Complex64 ||
		src == graph.Complex128 || dst == graph.Complex128 {
		return c.Errorf("Cast from %v to %v is not supported", src, dst)
	}
	if c.Node.Bool("Truncate", false) && src.IsFloat() && dst.IsFloat() && dst.Size() < src.Size() {
		if src != graph.Double || dst != graph.Float {
			return c.Errorf("Cast with Truncate=true from %v to %v is not supported", src, dst)
		}
		return mathCastTruncate(c)
	}
	if src == dst {
		c.Alias(c.Out(0), c.In(0))
		return nil
	}
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dst)}, c.In(0))
	return nil
}

// mathSelect is TF1's Select: a condition of rank 1 under operands of
// higher rank picks whole rows, so it gets trailing unit dims before Where
// broadcasts it.
func mathSelect(c *Ctx) error {
	cond, t, e := c.In(0), c.In(1), c.In(2)
	rc, rt := c.Rank(cond), c.Rank(t)
	if rt < 0 {
		rt = c.Rank(e)
	}
	switch {
	case rc == 0 || (rc >= 0 && rc == rt) || rt == 1 || rt == 0:
		// same shapes, or a scalar condition: Where's broadcast is right
	case rc == 1 && rt > 1:
		axes := make([]int64, rt-1)
		for i := range axes {
			axes[i] = int64(i + 1)
		}
		cond = c.Op("Unsqueeze", nil, cond, c.Int64s(axes...))
	default:
		return c.Errorf("Select needs the ranks of its condition and operands (got %d and %d)", rc, rt)
	}
	mathWhere(c, c.Out(0), cond, t, e)
	return nil
}

func mathSelectV2(c *Ctx) error {
	mathWhere(c, c.Out(0), c.In(0), c.In(1), c.In(2))
	return nil
}

// mathWhere picks a where cond holds, else b, into out ("" for a fresh
// value). onnxruntime's Where has no bool, int16 or uint16 kernel: bools
// are picked with logic ops, 16-bit ints through int32.
func mathWhere(c *Ctx, out, cond, a, b string) string {
	emit := func(op string, inputs ...string) string {
		if out == "" {
			return c.Op(op, nil, inputs...)
		}
		c.OpTo(out, op, nil, inputs...)
		return out
	}
	dt := c.DType(a)
	if dt == graph.Undefined {
		dt = c.DType(b)
	}
	switch dt {
	case graph.Bool:
		return emit("Or", c.Op("And", nil, cond, a), c.Op("And", nil, c.Op("Not", nil, cond), b))
	case graph.Int16, graph.Uint16:
		w := c.Op("Where", nil, cond, mathCastTo(c, a, graph.Int32), mathCastTo(c, b, graph.Int32))
		if out == "" {
			return c.Op("Cast", Attrs{"to": int64(dt)}, w)
		}
		c.OpTo(out, "Cast", Attrs{"to": int64(dt)}, w)
		return out
	}
	return emit("Where", cond, a, b)
}
