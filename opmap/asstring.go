package opmap

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// AsString of floats. TF prints a float with C's printf "%.<p>f" (p is the
// precision attribute, 6 by default) of the value widened to double:
// "1.500000", "-0.000000", "0.007812" (ties go to even on the exact binary
// value), "inf", "-nan", and every digit of a large value
// ("339999995214436424907732413799364296704.000000"). ONNX's Cast to string
// gives the shortest form instead ("1.5", "INF", "NaN"), so the digits are
// computed here, exactly, in int64 arithmetic on the float's bits:
//
//   - BitCast (opset 26) gives sign, exponent and mantissa: the value is
//     M·2^e with M < 2^24 and e in [-149, 104]. It is also the only way to
//     read the sign of a NaN, which TF prints ("-nan" for 0/0 on x86).
//   - e < 0: N = round-half-even(M·10^p / 2^-e) in int64 (M·10^p < 2^61
//     for p ≤ 11; a shift past 2^62 gives 0), integer part N div 10^p,
//     fraction N mod 10^p.
//   - e ≥ 0: the value is the integer M·2^e, below 2^128: M times the
//     base-10^9 limbs of 2^e (a constant table), with carries, in five
//     limbs; the highest non-zero limb is printed as is, the others padded
//     to nine digits by a table of "000".."999".
//   - The pieces are joined with StringConcat (opset 20).
//
// float16 and bfloat16 widen to float32 exactly. float64 would need 128-bit
// products (M < 2^53) and is refused, as are scientific and shortest (other
// formats), precisions above 11 and widths above asStringMaxWidth. The fill
// flags and width are printf's (layout).

// asStringMinOpset is the opset float AsString needs (BitCast).
const asStringMinOpset = 26

// asStringMaxPrecision bounds p so that M·10^p stays below 2^61.
const asStringMaxPrecision = 11

// asStringLimbs: 2^104·(2^24−1) < 10^45, five limbs of base 10^9.
const asStringLimbs = 5

func asStringFloat(c *Ctx) error {
	x := c.In(0)
	dt := c.DType(x)
	if dt != graph.Float && dt != graph.Float16 && dt != graph.BFloat16 {
		return c.Errorf("AsString of %v is not supported: only float16, bfloat16 and float32 are printed exactly (TF's \"%%f\" of a float64 needs wider integers than ONNX has)", dt)
	}
	for _, a := range []string{"scientific", "shortest"} {
		if c.Node.Bool(a, false) {
			return c.Errorf("AsString of floats with %s=true is not supported (only TF's fixed \"%%f\" format is reproduced exactly)", a)
		}
	}
	fill, width, err := asStringFlags(c)
	if err != nil {
		return err
	}
	p := c.Node.Int("precision", -1)
	if p < 0 {
		p = 6
	}
	if p > asStringMaxPrecision {
		return c.Errorf("AsString of floats with precision %d is not supported (at most %d digits are computed exactly)", p, asStringMaxPrecision)
	}
	if c.Opset < asStringMinOpset {
		return c.Errorf("AsString of floats needs --opset %d or higher: TF prints \"%%f\" (\"1.500000\", \"-nan\"), which takes StringConcat and BitCast (the sign of a NaN)", asStringMinOpset)
	}
	f := asFmt{c: c, tables: map[int]string{}}
	x = mathCastTo(c, x, graph.Float)
	bits := c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.Op("BitCast", Attrs{"to": int64(graph.Uint32)}, x))
	neg := c.Op("Greater", nil, bits, f.i64(1<<31-1))
	ef := f.op("Mod", f.op("Div", bits, f.i64(1<<23)), f.i64(256))
	mf := f.op("Mod", bits, f.i64(1<<23))
	normal := c.Op("Greater", nil, ef, f.i64(0))
	m := f.op("Add", mf, f.op("Mul", c.Op("Cast", Attrs{"to": int64(graph.Int64)}, normal), f.i64(1<<23)))
	e := f.op("Sub", f.op("Max", ef, f.i64(1)), f.i64(150))

	// e < 0: round M·10^p / 2^k, k = −e, to an integer, ties to even.
	pow10 := f.i64(pow10i(p))
	k := f.op("Min", f.op("Max", f.op("Neg", e), f.i64(1)), f.i64(62))
	pow2 := c.Op("Gather", Attrs{"axis": int64(0)}, c.AddConst(pow2Table(62)), k)
	a := f.op("Mul", m, pow10)
	q := f.op("Div", a, pow2)
	r := f.op("Sub", a, f.op("Mul", q, pow2))
	half := f.op("Div", pow2, f.i64(2))
	odd := c.Op("Equal", nil, f.op("Mod", q, f.i64(2)), f.i64(1))
	up := c.Op("Or", nil, c.Op("Greater", nil, r, half), c.Op("And", nil, c.Op("Equal", nil, r, half), odd))
	n := f.op("Add", q, c.Op("Cast", Attrs{"to": int64(graph.Int64)}, up))

	// The integer part is IM·2^IE: N div 10^p for e < 0, M·2^e otherwise.
	whole := c.Op("GreaterOrEqual", nil, e, f.i64(0))
	im := c.Op("Where", nil, whole, m, f.op("Div", n, pow10))
	ie := f.op("Min", f.op("Max", e, f.i64(0)), f.i64(104))
	limbs := c.Op("Gather", Attrs{"axis": int64(0)}, c.AddConst(pow2Limbs(104)), ie)
	prod := f.op("Mul", c.Op("Unsqueeze", nil, im, c.Int64s(-1)), limbs)
	body, ndigits := f.integer(prod)
	fracLen := p
	if p > 0 {
		frac := c.Op("Where", nil, whole, f.i64(0), f.op("Mod", n, pow10))
		body = f.cat(body, f.str("."), f.padded(frac, int(p)))
		fracLen++
	} else if fill == "#" {
		body = f.cat(body, f.str(".")) // "%#.0f": the point stays
		fracLen++
	}

	special := c.Op("Equal", nil, ef, f.i64(255))
	nan := c.Op("Where", nil, c.Op("Equal", nil, mf, f.i64(0)), f.str("inf"), f.str("nan"))
	body = c.Op("Where", nil, special, nan, body)
	bodyLen := ""
	if width > 0 {
		bodyLen = c.Op("Where", nil, special, f.i64(3), f.op("Add", ndigits, f.i64(fracLen)))
	}
	f.layout(c.Out(0), neg, special, body, bodyLen, fill, width)
	return nil
}

// asStringMaxWidth bounds the width attribute: padding comes from a table
// of that many strings.
const asStringMaxWidth = 128

// asStringFlags reads fill (TF passes it to printf as a flag: "", " ",
// "+", "-", "0" or "#") and width (-1 or 0: none).
func asStringFlags(c *Ctx) (fill string, width int64, err error) {
	fill, width = c.Node.Str("fill", ""), c.Node.Int("width", -1)
	switch fill {
	case "", " ", "+", "-", "0", "#":
	default:
		return "", 0, c.Errorf("AsString fill %q is not one TF accepts (\"\", \" \", \"+\", \"-\", \"0\" or \"#\")", fill)
	}
	if width > asStringMaxWidth {
		return "", 0, c.Errorf("AsString with width %d is not supported (at most %d)", width, asStringMaxWidth)
	}
	return fill, width, nil
}

// layout writes to out what printf prints for a sign (neg) and body under
// the fill flag and width: '+' or ' ' before non-negative values, padding
// to width with spaces on the left, on the right ('-'), or with zeros
// after the sign ('0', but spaces for inf and nan: special, "" when there
// are none). bodyLen is the body's length, needed when width > 0.
func (f asFmt) layout(out, neg, special, body, bodyLen, fill string, width int64) {
	c := f.c
	plus := ""
	if fill == "+" || fill == " " {
		plus = fill
	}
	sign := c.Op("Where", nil, neg, f.str("-"), f.str(plus))
	if width <= 0 {
		c.OpTo(out, "StringConcat", nil, sign, body)
		return
	}
	signLen := c.Op("Where", nil, neg, f.i64(1), f.i64(int64(len(plus))))
	pad := f.op("Max", f.op("Sub", f.i64(width), f.op("Add", signLen, bodyLen)), f.i64(0))
	spaces := c.Op("Gather", Attrs{"axis": int64(0)}, c.AddConst(padTable(" ", width)), pad)
	switch fill {
	case "-":
		c.OpTo(out, "StringConcat", nil, f.cat(sign, body), spaces)
	case "0":
		zeros := c.Op("Gather", Attrs{"axis": int64(0)}, c.AddConst(padTable("0", width)), pad)
		zeroed := f.cat(sign, zeros, body)
		if special == "" {
			c.Alias(out, zeroed)
			return
		}
		c.OpTo(out, "Where", nil, special, f.cat(spaces, sign, body), zeroed)
	default:
		c.OpTo(out, "StringConcat", nil, spaces, f.cat(sign, body))
	}
}

// padTable is the strings of 0 … width copies of s.
func padTable(s string, width int64) *graph.Tensor {
	strs := make([][]byte, width+1)
	for i := range strs {
		strs[i] = []byte(strings.Repeat(s, i))
	}
	return &graph.Tensor{DType: graph.String, Dims: []int64{width + 1}, Strings: strs}
}

// asStringIntPadded prints integers under width and fill (without them
// Cast to string gives TF's digits): the magnitude, split into base-10^9
// limbs without overflow (from the non-positive side: −2^63 has no
// positive int64), printed as a float's integer part is.
func asStringIntPadded(c *Ctx, fill string, width int64) error {
	f := asFmt{c: c, tables: map[int]string{}}
	x := mathCastTo(c, c.In(0), graph.Int64)
	neg := c.Op("Less", nil, x, f.i64(0))
	nx := c.Op("Where", nil, neg, x, f.op("Neg", x)) // −|x|, never overflows
	base := f.i64(1e9)
	q1 := f.op("Div", nx, base) // integer Div truncates toward zero
	l0 := f.op("Neg", f.op("Sub", nx, f.op("Mul", q1, base)))
	q2 := f.op("Div", q1, base)
	l1 := f.op("Neg", f.op("Sub", q1, f.op("Mul", q2, base)))
	l2 := f.op("Neg", q2)
	zero := f.op("Mul", l2, f.i64(0))
	var cols []string
	for _, l := range []string{l0, l1, l2, zero, zero} {
		cols = append(cols, c.Op("Unsqueeze", nil, l, c.Int64s(-1)))
	}
	body, ndigits := f.integer(c.Op("Concat", Attrs{"axis": int64(-1)}, cols...))
	if fill == "#" {
		fill = "" // no alternate form for %d
	}
	f.layout(c.Out(0), neg, "", body, ndigits, fill, width)
	return nil
}

// asFmt emits the int64 and string pieces of a float's digits.
type asFmt struct {
	c      *Ctx
	tables map[int]string // digitTable(w), added once
}

func (f asFmt) i64(v int64) string { return f.c.AddConst(graph.ScalarInt64(v)) }

func (f asFmt) op(op string, in ...string) string { return f.c.Op(op, nil, in...) }

func (f asFmt) str(s string) string {
	return f.c.AddConst(&graph.Tensor{DType: graph.String, Strings: [][]byte{[]byte(s)}})
}

// cat joins strings left to right.
func (f asFmt) cat(parts ...string) string {
	out := parts[0]
	for _, p := range parts[1:] {
		out = f.c.Op("StringConcat", nil, out, p)
	}
	return out
}

// padded prints v (0 ≤ v < 10^w) with w digits, leading zeros kept, three
// at a time from tables of zero-padded numbers.
func (f asFmt) padded(v string, w int) string {
	var parts []string
	for w > 0 {
		head := w % 3
		if head == 0 {
			head = 3
		}
		w -= head
		chunk := f.op("Mod", f.op("Div", v, f.i64(pow10i(int64(w)))), f.i64(pow10i(int64(head))))
		if f.tables[head] == "" {
			f.tables[head] = f.c.AddConst(digitTable(head))
		}
		parts = append(parts, f.c.Op("Gather", Attrs{"axis": int64(0)}, f.tables[head], chunk))
	}
	return f.cat(parts...)
}

// integer prints the number whose base-10^9 limbs (least significant first,
// each below 2^54, on a last axis of asStringLimbs) are prod: carries, then
// the highest non-zero limb unpadded and those below it padded to nine
// digits, all limbs at once on the last axis.
func (f asFmt) integer(prod string) (digits, ndigits string) {
	c := f.c
	base := f.i64(1e9)
	var limbs []string
	carry := ""
	for i := 0; i < asStringLimbs; i++ {
		col := c.Op("Gather", Attrs{"axis": int64(-1)}, prod, f.i64(int64(i)))
		if carry != "" {
			col = f.op("Add", col, carry)
		}
		if i < asStringLimbs-1 {
			// The value is below 10^45: the top limb has no carry out.
			carry = f.op("Div", col, base)
			col = f.op("Mod", col, base)
		}
		limbs = append(limbs, c.Op("Unsqueeze", nil, col, c.Int64s(-1)))
	}
	l := c.Op("Concat", Attrs{"axis": int64(-1)}, limbs...)
	pos := c.Int64s(0, 1, 2, 3, 4)
	nz := f.op("Mul", c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.Op("Greater", nil, l, f.i64(0))), pos)
	top := c.Op("ReduceMax", Attrs{"keepdims": int64(1)}, nz, c.Int64s(-1)) // 0 for zero
	plain := c.Op("Cast", Attrs{"to": int64(graph.String)}, l)
	pieces := c.Op("Where", nil, c.Op("Equal", nil, top, pos), plain,
		c.Op("Where", nil, c.Op("Greater", nil, top, pos), f.padded(l, 9), f.str("")))
	parts := make([]string, asStringLimbs)
	for i := range parts {
		parts[i] = c.Op("Gather", Attrs{"axis": int64(-1)}, pieces, f.i64(int64(asStringLimbs-1-i)))
	}
	// The digit count: nine per limb below the top one, and the top
	// limb's own (one more than the powers of ten it reaches).
	isTopI := c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.Op("Equal", nil, top, pos))
	topLimb := c.Op("ReduceSum", Attrs{"keepdims": int64(1)}, f.op("Mul", l, isTopI), c.Int64s(-1))
	reach := c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.Op("GreaterOrEqual", nil, topLimb, c.Int64s(10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000)))
	n := f.op("Add", c.Op("ReduceSum", Attrs{"keepdims": int64(0)}, f.op("Mul", top, f.i64(9)), c.Int64s(-1)),
		f.op("Add", c.Op("ReduceSum", Attrs{"keepdims": int64(0)}, reach, c.Int64s(-1)), f.i64(1)))
	return f.cat(parts...), n
}

func pow10i(p int64) int64 {
	v := int64(1)
	for ; p > 0; p-- {
		v *= 10
	}
	return v
}

// pow2Table is [2^0 … 2^n] as int64.
func pow2Table(n int) *graph.Tensor {
	vals := make([]int64, n+1)
	for i := range vals {
		vals[i] = 1 << i
	}
	return graph.Int64Tensor(vals...)
}

// pow2Limbs is [n+1, asStringLimbs]: the base-10^9 limbs of 2^e, least
// significant first.
func pow2Limbs(n int) *graph.Tensor {
	vals := make([]int64, 0, (n+1)*asStringLimbs)
	base := big.NewInt(1e9)
	for e := 0; e <= n; e++ {
		v := new(big.Int).Lsh(big.NewInt(1), uint(e))
		for k := 0; k < asStringLimbs; k++ {
			r := new(big.Int)
			v.QuoRem(v, base, r)
			vals = append(vals, r.Int64())
		}
	}
	return graph.NewIntTensor(graph.Int64, []int64{int64(n + 1), asStringLimbs}, vals)
}

// digitTable is the 10^w numbers below 10^w printed with w digits.
func digitTable(w int) *graph.Tensor {
	n := int(pow10i(int64(w)))
	strs := make([][]byte, n)
	for i := range strs {
		strs[i] = []byte(fmt.Sprintf("%0*d", w, i))
	}
	return &graph.Tensor{DType: graph.String, Dims: []int64{int64(n)}, Strings: strs}
}
