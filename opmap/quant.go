package opmap

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// quantRules: TF's fake quantization (quantization-aware training) becomes
// ONNX QuantizeLinear → DequantizeLinear pairs where the integer grid is
// 8 bits wide, so that onnxruntime can run the model quantized; other
// widths are the same arithmetic in floats.
var quantRules = []Rule{
	{"FakeQuantWithMinMaxArgs", MinOpset, arrNeeds(1, fakeQuant("args"))},
	{"FakeQuantWithMinMaxVars", MinOpset, arrNeeds(3, fakeQuant("vars"))},
	{"FakeQuantWithMinMaxVarsPerChannel", MinOpset, arrNeeds(3, fakeQuant("vars"))},
	{"QuantizeAndDequantizeV2", MinOpset, arrNeeds(3, quantizeDequantize(2))},
	{"QuantizeAndDequantizeV3", MinOpset, arrNeeds(4, quantizeDequantize(3))},
	{"QuantizeAndDequantizeV4", MinOpset, arrNeeds(3, quantizeDequantize(4))},
}

// fakeQuant follows TF's nudging: the range [min, max] moves so that 0.0
// falls on the grid of 2^bits-1 steps (1..2^bits-1 with narrow_range);
// the zero point is then an integer within the grid, which is exactly a
// uint8 QuantizeLinear/DequantizeLinear pair after clamping to the nudged
// range. TF rounds halves up where QuantizeLinear rounds them to even.
func fakeQuant(kind string) Handler {
	return func(c *Ctx) error {
		x := c.In(0)
		var mins, maxs []float64
		if kind == "args" {
			mins, maxs = []float64{float64(c.Node.Float("min", -6))}, []float64{float64(c.Node.Float("max", 6))}
		} else {
			lo, hi := c.Const(c.In(1)), c.Const(c.In(2))
			if lo == nil || hi == nil {
				return c.Errorf("%s needs constant min and max", c.Node.Op)
			}
			mins, maxs = lo.Float64s(), hi.Float64s()
			if len(mins) != len(maxs) || len(mins) == 0 {
				return c.Errorf("min and max differ in length (%d, %d)", len(mins), len(maxs))
			}
		}
		bits := c.Node.Int("num_bits", 8)
		narrow := c.Node.Bool("narrow_range", false)
		qmin, qmax := 0.0, float64(int64(1)<<bits-1)
		if narrow {
			qmin = 1
		}
		n := len(mins)
		scale, zp, nmin, nmax := make([]float64, n), make([]int64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			s := float64(float32((maxs[i] - mins[i]) / (qmax - qmin)))
			z := qmin - mins[i]/s
			nz := math.Max(qmin, math.Min(qmax, math.Round(z)))
			scale[i], zp[i] = s, int64(nz)
			nmin[i], nmax[i] = (qmin-nz)*s, (qmax-nz)*s
		}
		perChannel := c.Node.Op == "FakeQuantWithMinMaxVarsPerChannel"
		dims := []int64(nil)
		axis := int64(0)
		if perChannel {
			dims = []int64{int64(n)}
			axis = -1
		}
		lo := c.AddConst(graph.NewTensor(graph.Float, dims, nmin))
		hi := c.AddConst(graph.NewTensor(graph.Float, dims, nmax))
		clamped := c.Op("Max", nil, c.Op("Min", nil, x, hi), lo)
		sc := c.AddConst(graph.NewTensor(graph.Float, dims, scale))
		if bits != 8 {
			// (x - nmin)/scale rounded half up, back on the float grid.
			q := c.Op("Floor", nil, c.Op("Add", nil, c.Op("Div", nil, c.Op("Sub", nil, clamped, lo), sc), c.Scalar(graph.Float, 0.5)))
			c.OpTo(c.Out(0), "Add", nil, c.Op("Mul", nil, q, sc), lo)
			return nil
		}
		z := c.AddConst(graph.NewIntTensor(graph.Uint8, dims, zp))
		quantQDQ(c, clamped, sc, z, axis)
		return nil
	}
}

// quantQDQ writes DequantizeLinear(QuantizeLinear(x)) to the node's output.
func quantQDQ(c *Ctx, x, scale, zp string, axis int64) {
	attrs := Attrs{"axis": axis}
	q := c.Op("QuantizeLinear", attrs, x, scale, zp)
	c.OpTo(c.Out(0), "DequantizeLinear", Attrs{"axis": axis}, q, scale, zp)
}

// quantizeDequantize follows TF's QuantizeAndDequantize kernel: the range
// (given, or the input's own min and max, per channel with axis) picks a
// symmetric scale, zero at 0, from the side that fits; values outside
// [qmin, qmax]·1/scale clamp. 8 bits map to an int8/uint8 QDQ pair (with
// a clamp first for narrow_range), other widths to the float arithmetic.
func quantizeDequantize(version int) Handler {
	return func(c *Ctx) error {
		x := c.In(0)
		dt := c.DType(x)
		if dt != graph.Float {
			return c.Errorf("%s of %v is not supported", c.Node.Op, dt)
		}
		bits := c.Node.Int("num_bits", 8)
		if version == 3 {
			b, ok := c.ConstInts(c.In(3))
			if !ok || len(b) != 1 {
				return c.Errorf("num_bits must be a constant")
			}
			bits = b[0]
		}
		signed := c.Node.Bool("signed_input", true)
		narrow := c.Node.Bool("narrow_range", false)
		halfUp := c.Node.Str("round_mode", "HALF_TO_EVEN") == "HALF_UP"
		axis := c.Node.Int("axis", -1)
		r := int64(c.Rank(x))
		if axis >= 0 && r < 0 {
			return c.Errorf("a per-channel range needs the input rank")
		}
		lo, hi := c.In(1), c.In(2)
		if !c.Node.Bool("range_given", false) {
			lo, hi = quantRange(c, x, axis, r)
		}
		var qmin, qmax float64
		if signed {
			qmin, qmax = -float64(int64(1)<<(bits-1)), float64(int64(1)<<(bits-1)-1)
			if narrow {
				qmin++
			}
		} else {
			qmin, qmax = 0, float64(int64(1)<<bits-1)
		}
		f := func(v float64) string { return c.Scalar(graph.Float, v) }
		zero, big := f(0), f(math.MaxFloat32)
		side := func(q float64, bound string) string {
			qb := c.Op("Mul", nil, f(q), bound)
			return c.Op("Where", nil, c.Op("Greater", nil, qb, zero), c.Op("Div", nil, f(q), bound), big)
		}
		scale := c.Op("Min", nil, side(qmin, lo), side(qmax, hi))
		inv := c.Op("Div", nil, f(1), scale)
		qaxis := int64(0)
		if axis >= 0 {
			qaxis = axis
		}
		if bits == 8 && !halfUp {
			xin := x
			if narrow {
				xin = quantClamp(c, x, c.Op("Mul", nil, f(qmin), inv), c.Op("Mul", nil, f(qmax), inv), axis, r)
			}
			zt := graph.Uint8
			if signed {
				zt = graph.Int8
			}
			zp := c.Op("Cast", Attrs{"to": int64(zt)}, c.Op("Mul", nil, inv, zero))
			quantQDQ(c, xin, inv, zp, qaxis)
			return nil
		}
		clamped := quantClamp(c, x, c.Op("Mul", nil, f(qmin), inv), c.Op("Mul", nil, f(qmax), inv), axis, r)
		s, iv := quantBroadcast(c, scale, axis, r), quantBroadcast(c, inv, axis, r)
		v := c.Op("Mul", nil, clamped, s)
		if halfUp {
			v = c.Op("Floor", nil, c.Op("Add", nil, v, f(0.5)))
		} else {
			v = c.Op("Round", nil, v)
		}
		c.OpTo(c.Out(0), "Mul", nil, v, iv)
		return nil
	}
}

// quantRange is the input's min and max, over everything or per channel.
func quantRange(c *Ctx, x string, axis, r int64) (string, string) {
	var axes []int64
	for i := range r {
		if i != axis {
			axes = append(axes, i)
		}
	}
	red := func(op string) string {
		if axis < 0 {
			return c.Op(op, Attrs{"keepdims": int64(0)}, x)
		}
		attrs := Attrs{"keepdims": int64(0)}
		if c.Opset < 18 {
			attrs["axes"] = axes
			return c.Op(op, attrs, x)
		}
		return c.Op(op, attrs, x, c.Int64s(axes...))
	}
	return red("ReduceMin"), red("ReduceMax")
}

// quantBroadcast shapes a per-channel vector to broadcast along axis.
func quantBroadcast(c *Ctx, v string, axis, r int64) string {
	if axis < 0 || axis == r-1 {
		return v
	}
	var axes []int64
	for i := axis + 1; i < r; i++ {
		axes = append(axes, i-axis)
	}
	return c.Op("Unsqueeze", nil, v, c.Int64s(axes...))
}

func quantClamp(c *Ctx, x, lo, hi string, axis, r int64) string {
	return c.Op("Max", nil, c.Op("Min", nil, x, quantBroadcast(c, hi, axis, r)), quantBroadcast(c, lo, axis, r))
}
