package opmap

import (
	"math"
	"slices"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// signalRules: real FFTs and the complex ops that read them. ONNX tensors
// (and onnxruntime) have no complex type, so a complex value is carried
// packed as floats [..., 2] (real, imaginary) from the FFT to an op that
// makes it real again (ComplexAbs, Real, Imag); any other reader of a
// complex tensor is refused (complexGuard). The transforms are MatMuls
// with cos/sin matrices, which every opset has (ONNX DFT needs 17) and
// which onnxruntime runs fast for the frame lengths of audio front ends.
var signalRules = []Rule{
	{"RFFT", MinOpset, arrNeeds(2, signalRFFT(1))},
	{"RFFT2D", MinOpset, arrNeeds(2, signalRFFT(2))},
	{"ComplexAbs", MinOpset, signalAbs},
	{"Real", MinOpset, signalPart(0)},
	{"Imag", MinOpset, signalPart(1)},
}

// complexReaders are the ops that understand packed complex values.
var complexReaders = map[string]bool{"ComplexAbs": true, "Real": true, "Imag": true}

// complexGuard refuses a TF node that reads or passes on complex tensors
// the converter carries packed (an FFT's output anywhere but into
// ComplexAbs/Real/Imag), which would otherwise compute on the packing.
func complexGuard(n *graph.Node) error {
	if complexReaders[n.Op] || n.Op == "RFFT" || n.Op == "RFFT2D" {
		return nil
	}
	for _, k := range []string{"T", "Tcomplex", "Tout", "dtype"} {
		if t := n.Type(k); t == graph.Complex64 || t == graph.Complex128 {
			return errComplex
		}
	}
	return nil
}

type complexError struct{}

func (complexError) Error() string {
	return "complex tensors are supported only from RFFT/RFFT2D into ComplexAbs, Real or Imag (ONNX has no complex type)"
}

var errComplex error = complexError{}

// signalDFTMatrices are cos and sin of 2π·j·k/n for j < n (input index)
// and k < m (output index), as [n, m] float32 matrices.
func signalDFTMatrices(n, m int64) (*graph.Tensor, *graph.Tensor) {
	cs, sn := make([]float64, n*m), make([]float64, n*m)
	for j := range n {
		for k := range m {
			// j·k mod n keeps the angle small, so that float64 sin/cos stay
			// exact to float32 for long frames.
			a := 2 * math.Pi * float64((j*k)%n) / float64(n)
			cs[j*m+k], sn[j*m+k] = math.Cos(a), math.Sin(a)
		}
	}
	return graph.NewTensor(graph.Float, []int64{n, m}, cs), graph.NewTensor(graph.Float, []int64{n, m}, sn)
}

// signalRFFT: RFFT over the last axis (RFFT2D then a complex DFT over the
// one before) with the frame cut or zero-padded to fft_length: input
// elements past the frame are sliced off, and the missing ones are the
// matrix rows that the run-time slice of the matrix leaves out.
func signalRFFT(dims int) Handler {
	return func(c *Ctx) error {
		x := c.In(0)
		if dt := c.DType(x); dt != graph.Float {
			return c.Errorf("%s of %v is not supported", c.Node.Op, dt)
		}
		if slices.Contains(c.G.Outputs, c.Out(0)) {
			return errComplex
		}
		lens, ok := c.ConstInts(c.In(1))
		if !ok || len(lens) != dims {
			return c.Errorf("fft_length must be a constant of %d values", dims)
		}
		for _, l := range lens {
			if l < 1 {
				return c.Errorf("fft_length %v must be positive", lens)
			}
		}
		n := lens[dims-1]
		k := n/2 + 1
		frame := c.Op("Slice", nil, x, c.Int64s(0), c.Int64s(n), c.Int64s(-1))
		if dims == 2 {
			frame = c.Op("Slice", nil, frame, c.Int64s(0), c.Int64s(lens[0]), c.Int64s(-2))
		}
		cm, sm := signalDFTMatrices(n, k)
		rows := arrDim(c, frame, -1)
		cut := func(t *graph.Tensor, axis int64) string {
			return c.Op("Slice", nil, c.AddConst(t), c.Int64s(0), rows, c.Int64s(axis))
		}
		re := c.Op("MatMul", nil, frame, cut(cm, 0))
		im := c.Op("Neg", nil, c.Op("MatMul", nil, frame, cut(sm, 0)))
		if dims == 2 {
			// Along axis -2, for complex a+ib: Re = C·a + S·b, Im = C·b − S·a.
			n0 := lens[0]
			c0, s0 := signalDFTMatrices(n0, n0) // symmetric
			rows = arrDim(c, frame, -2)
			cc, ss := cut(c0, 1), cut(s0, 1) // [n0 out, rows in]
			re, im = c.Op("Add", nil, c.Op("MatMul", nil, cc, re), c.Op("MatMul", nil, ss, im)),
				c.Op("Sub", nil, c.Op("MatMul", nil, cc, im), c.Op("MatMul", nil, ss, re))
		}
		last := c.Int64s(-1)
		c.OpTo(c.Out(0), "Concat", Attrs{"axis": int64(-1)}, c.Op("Unsqueeze", nil, re, last), c.Op("Unsqueeze", nil, im, last))
		return nil
	}
}

// signalAbs is the modulus of a packed complex value.
func signalAbs(c *Ctx) error {
	x := c.In(0)
	attrs := Attrs{"keepdims": int64(0)}
	var sq string
	if c.Opset >= 18 {
		sq = c.Op("ReduceSumSquare", attrs, x, c.Int64s(-1))
	} else {
		attrs["axes"] = []int64{-1}
		sq = c.Op("ReduceSumSquare", attrs, x)
	}
	c.OpTo(c.Out(0), "Sqrt", nil, sq)
	return nil
}

// signalPart picks the real (0) or imaginary (1) half of a packed value.
func signalPart(i int64) Handler {
	return func(c *Ctx) error {
		c.OpTo(c.Out(0), "Gather", Attrs{"axis": int64(-1)}, c.In(0), c.AddConst(graph.ScalarInt64(i)))
		return nil
	}
}
