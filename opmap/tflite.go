package opmap

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// tfliteRules map the pseudo ops the TFLite reader (package tflite) emits
// where TensorFlow has no op of the same meaning: affine quantization,
// TFLite's PRELU, HARD_SWISH, GELU, WHERE and its fused LSTMs.
var tfliteRules = []Rule{
	{"_TFLQuantize", MinOpset, tflQuantize},
	{"_TFLDequantize", MinOpset, tflDequantize},
	{"_TFLPRelu", MinOpset, binary("PRelu")},
	{"_TFLHardSwish", MinOpset, tflHardSwish},
	{"_TFLHardSwish", 14, unary("HardSwish")},
	{"_TFLGelu", MinOpset, tflGelu},
	{"_TFLGelu", 20, tflGelu20},
	{"_TFLLSTM", MinOpset, tflLSTM},
	{"_TFLWhere", MinOpset, tflWhere},
}

// tflWhere: WHERE of one input, the coordinates of the true (non-zero)
// elements, [n, rank] int64 in row-major order: NonZero gives them
// transposed.
func tflWhere(c *Ctx) error {
	nz := c.Op("NonZero", nil, c.In(0))
	c.OpTo(c.Out(0), "Transpose", Attrs{"perm": []int64{1, 0}}, nz)
	return nil
}

// tflQuantParams adds the scale and zero point of a quantized tensor: scalars
// for per-tensor quantization, vectors along attr axis for per-channel.
func tflQuantParams(c *Ctx, dt graph.DType) (scale, zero string, attrs Attrs, err error) {
	scales := c.Node.Floats("scale")
	zeros := c.Node.Ints("zero_point")
	if len(scales) == 0 || len(zeros) != len(scales) {
		return "", "", nil, c.Errorf("%d scales and %d zero points", len(scales), len(zeros))
	}
	switch dt {
	case graph.Int8, graph.Uint8, graph.Int32:
	case graph.Int16, graph.Uint16:
		if c.Opset < 21 {
			return "", "", nil, c.Errorf("16-bit quantization needs --opset 21")
		}
	default:
		return "", "", nil, c.Errorf("quantized type %v has no ONNX QuantizeLinear", dt)
	}
	var dims []int64
	attrs = Attrs{}
	if len(scales) > 1 {
		dims = []int64{int64(len(scales))}
		attrs["axis"] = c.Node.Int("axis", 0)
	}
	sv := make([]float64, len(scales))
	for i, s := range scales {
		sv[i] = float64(s)
	}
	scale = c.AddConst(graph.NewTensor(graph.Float, dims, sv))
	zero = c.AddConst(graph.NewIntTensor(dt, dims, zeros))
	return scale, zero, attrs, nil
}

// tflQuantize: float → the stored integer type, TFLite's
// q = clamp(round(x/scale) + zero) (ties to even, as ONNX rounds).
func tflQuantize(c *Ctx) error {
	dt := c.Node.Type("T")
	if dt == graph.Int32 {
		return c.Errorf("quantizing to int32 has no ONNX QuantizeLinear")
	}
	scale, zero, attrs, err := tflQuantParams(c, dt)
	if err != nil {
		return err
	}
	c.OpTo(c.Out(0), "QuantizeLinear", attrs, c.In(0), scale, zero)
	return nil
}

// tflDequantize: scale·(q − zero) in float.
func tflDequantize(c *Ctx) error {
	scale, zero, attrs, err := tflQuantParams(c, c.DType(c.In(0)))
	if err != nil {
		return err
	}
	c.OpTo(c.Out(0), "DequantizeLinear", attrs, c.In(0), scale, zero)
	return nil
}

// tflHardSwish before opset 14: x·HardSigmoid(x) with alpha 1/6, beta 1/2.
func tflHardSwish(c *Ctx) error {
	hs := c.Op("HardSigmoid", Attrs{"alpha": float32(1.0 / 6), "beta": float32(0.5)}, c.In(0))
	c.OpTo(c.Out(0), "Mul", nil, c.In(0), hs)
	return nil
}

// tflGelu before opset 20: ½x(1 + erf(x/√2)), or with approximate
// ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
func tflGelu(c *Ctx) error {
	x := c.In(0)
	dt := c.DType(x)
	var inner string
	if c.Node.Bool("approximate", false) {
		cube := c.Op("Mul", nil, x, c.Op("Mul", nil, x, x))
		poly := c.Op("Add", nil, x, c.Op("Mul", nil, cube, c.Scalar(dt, 0.044715)))
		inner = c.Op("Tanh", nil, c.Op("Mul", nil, poly, c.Scalar(dt, math.Sqrt(2/math.Pi))))
	} else {
		inner = c.Op("Erf", nil, c.Op("Mul", nil, x, c.Scalar(dt, 1/math.Sqrt2)))
	}
	half := c.Op("Mul", nil, x, c.Scalar(dt, 0.5))
	c.OpTo(c.Out(0), "Mul", nil, half, c.Op("Add", nil, inner, c.Scalar(dt, 1)))
	return nil
}

func tflGelu20(c *Ctx) error {
	approx := "none"
	if c.Node.Bool("approximate", false) {
		approx = "tanh"
	}
	c.OpTo(c.Out(0), "Gelu", Attrs{"approximate": approx}, c.In(0))
	return nil
}

// tflLSTM: _TFLLSTM(x, W [4H, I], R [4H, H], B [8H]) with the gates in
// ONNX's order is one forward ONNX LSTM with zero initial states; with
// direction bidirectional, W, R and B are stacked [2, ...] and the outputs
// are the two directions' (or one, concatenated, with merge_outputs). x
// and the results are [batch, time, ·] unless time_major.
func tflLSTM(c *Ctx) error {
	timeMajor := c.Node.Bool("time_major", false)
	dir := c.Node.Str("direction", "forward")
	x := c.In(0)
	if !timeMajor {
		x = c.Op("Transpose", Attrs{"perm": []int64{1, 0, 2}}, x)
	}
	w, r, b := c.In(1), c.In(2), c.In(3)
	if dir == "forward" {
		axis0 := c.Int64s(0)
		w = c.Op("Unsqueeze", nil, w, axis0)
		r = c.Op("Unsqueeze", nil, r, axis0)
		b = c.Op("Unsqueeze", nil, b, axis0)
	}
	hidden := c.Node.Int("hidden_size", 0)
	y := c.OpN("LSTM", 1, Attrs{"hidden_size": hidden, "direction": dir}, x, w, r, b)[0] // [time, dirs, batch, H]
	// batchMajor puts a [time, batch, ·] value in the output's layout.
	layout := func(out, v string) {
		if timeMajor {
			c.Alias(out, v)
			return
		}
		c.OpTo(out, "Transpose", Attrs{"perm": []int64{1, 0, 2}}, v)
	}
	switch {
	case dir == "forward":
		layout(c.Out(0), c.Op("Squeeze", nil, y, c.Int64s(1)))
	case c.Node.Bool("merge_outputs", false):
		t := c.Op("Transpose", Attrs{"perm": []int64{0, 2, 1, 3}}, y) // [time, batch, 2, H]
		layout(c.Out(0), c.Op("Reshape", nil, t, c.Int64s(0, 0, 2*hidden)))
	default:
		a := Attrs{"axis": int64(1)}
		if c.Opset >= 18 {
			a["num_outputs"] = int64(2)
		}
		parts := c.OpN("Split", 2, a, y)
		for i, p := range parts {
			layout(c.Out(i), c.Op("Squeeze", nil, p, c.Int64s(1)))
		}
	}
	return nil
}
