package opmap

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// signalRules: the Fourier transforms and the ops that make, unmake and
// read complex values (carried packed as float pairs, see complex.go). A
// transform is MatMuls with cos/sin matrices, which every opset has (ONNX
// DFT needs 17) and which onnxruntime runs fast for the frame lengths of
// audio front ends.
var signalRules = []Rule{
	{"RFFT", MinOpset, arrNeeds(2, signalFFT(1, dftR2C))},
	{"RFFT2D", MinOpset, arrNeeds(2, signalFFT(2, dftR2C))},
	{"IRFFT", MinOpset, arrNeeds(2, signalFFT(1, dftC2R))},
	{"IRFFT2D", MinOpset, arrNeeds(2, signalFFT(2, dftC2R))},
	{"FFT", MinOpset, arrNeeds(1, signalFFT(1, dftForward))},
	{"FFT2D", MinOpset, arrNeeds(1, signalFFT(2, dftForward))},
	{"IFFT", MinOpset, arrNeeds(1, signalFFT(1, dftInverse))},
	{"IFFT2D", MinOpset, arrNeeds(1, signalFFT(2, dftInverse))},
	{"Complex", MinOpset, arrNeeds(2, signalComplex)},
	{"ComplexAbs", MinOpset, signalAbs},
	{"Real", MinOpset, signalPart(0)},
	{"Imag", MinOpset, signalPart(1)},
	{"Angle", MinOpset, signalAngle},
	{"Conj", MinOpset, signalConj},
	// tf.linspace with array bounds (in linear_to_mel_weight_matrix, so in
	// every mel front end) broadcasts its bounds' shapes.
	{"BroadcastArgs", MinOpset, arrNeeds(2, signalBroadcastArgs)},
}

// signalBroadcastArgs is the numpy broadcast of two shape vectors: both
// padded in front with 1s to one length, then b where a is 1, else a.
func signalBroadcastArgs(c *Ctx) error {
	s0, s1 := c.In(0), c.In(1)
	a, okA := c.KnownInts(s0)
	b, okB := c.KnownInts(s1)
	if !okA || !okB {
		return c.Errorf("BroadcastArgs needs shape vectors of known length")
	}
	n := max(len(a), len(b))
	dt := c.DType(s0)
	pad := func(v string, l int) string {
		if l == n {
			return v
		}
		ones := make([]int64, n-l)
		for i := range ones {
			ones[i] = 1
		}
		return c.Op("Concat", Attrs{"axis": int64(0)}, c.AddConst(graph.NewIntTensor(dt, []int64{int64(n - l)}, ones)), v)
	}
	pa, pb := pad(s0, len(a)), pad(mathCastTo(c, s1, dt), len(b))
	one := c.AddConst(graph.NewIntTensor(dt, nil, []int64{1}))
	c.OpTo(c.Out(0), "Where", nil, c.Op("Equal", nil, pa, one), pb, pa)
	return nil
}

// dftKind is one kind of one-axis discrete Fourier transform.
type dftKind int

const (
	dftForward dftKind = iota // complex → complex, e^{−2πijk/n}
	dftInverse                // complex → complex, e^{+2πijk/n}/n
	dftR2C                    // real → the first n/2+1 forward bins
	dftC2R                    // the first n/2+1 bins of a Hermitian spectrum → n reals
)

// dftMatrices are the real matrices of one transform of length n along an
// axis, [rows in, cols out]: out_re = re·A + im·B and out_im = im·A − re·B
// (for C2R, out_re only). C2R reads only bins 0..n/2 and weighs the ones
// whose mirror image it stands for twice; the sines at bin 0 and n/2 are
// 0 there, so that the imaginary parts of DC and Nyquist are ignored, as
// TF's C2R kernel does.
func dftMatrices(kind dftKind, n int64, dt graph.DType) (rows int64, a, b *graph.Tensor) {
	rows, cols := n, n
	switch kind {
	case dftR2C:
		cols = n/2 + 1
	case dftC2R:
		rows = n/2 + 1
	}
	av, bv := make([]float64, rows*cols), make([]float64, rows*cols)
	for j := range rows {
		for k := range cols {
			cs, sn := dftSinCos(j*k, n)
			w := 1.0 // forward: e^{−iθ}, so A = cos, B = sin
			switch kind {
			case dftInverse: // e^{+iθ}/n
				w, sn = 1/float64(n), 0-sn
			case dftC2R:
				w, sn = 2/float64(n), 0-sn
				if j == 0 || 2*j == n {
					w = 1 / float64(n)
				}
			}
			av[j*cols+k], bv[j*cols+k] = cs*w, sn*w
		}
	}
	return rows, graph.NewTensor(dt, []int64{rows, cols}, av), graph.NewTensor(dt, []int64{rows, cols}, bv)
}

// dftSinCos is cos and sin of 2π·m/n. m mod n keeps the angle small, so
// that float64 sin/cos stay exact to float32 for long frames; quarter
// turns are exact (+0, not sin(π) ≈ 1e-16), so that the imaginary part
// of a real input's Nyquist bin is 0 as in TF's FFT, and its angle is
// π, not −π.
func dftSinCos(m, n int64) (float64, float64) {
	m %= n
	if (4*m)%n == 0 {
		switch 4 * m / n {
		case 0:
			return 1, 0
		case 1:
			return 0, 1
		case 2:
			return -1, 0
		default:
			return 0, -1
		}
	}
	t := 2 * math.Pi * float64(m) / float64(n)
	return math.Cos(t), math.Sin(t)
}

// signalDFT transforms parts re and im (im "" for a real input) along
// axis -1 or -2, with the input cut or zero-padded to the transform's
// rows: elements past them are sliced off, and missing ones are matrix
// rows that the run-time slice of the matrices leaves out. The result's
// im is "" for C2R.
func signalDFT(c *Ctx, kind dftKind, re, im string, axis, n int64) (string, string) {
	if c.Opset >= 17 && n >= dftOnnxMin && n&(n-1) == 0 {
		return signalDFTOnnx(c, kind, re, im, axis, n)
	}
	dt := c.DType(re)
	rows, a, b := dftMatrices(kind, n, dt)
	cut := func(x string) string {
		if x == "" {
			return ""
		}
		if s := c.Shape(x); s.Known && s.Rank() >= int(-axis) {
			if dim := s.Dims[s.Rank()+int(axis)]; dim.Known() && dim.Size <= rows {
				return x
			}
		}
		return c.Op("Slice", nil, x, c.Int64s(0), c.Int64s(rows), c.Int64s(axis))
	}
	re, im = cut(re), cut(im)
	have := arrDim(c, re, axis)
	// The rows the input has: M[:have] (a constant when the length is).
	// Along -1: x·M; along -2: Mᵀ·x (MatMul broadcasts the 2-D matrix over
	// the batch dims).
	rowsOf := func(m *graph.Tensor) string {
		mm := c.Op("Slice", nil, c.AddConst(m), c.Int64s(0), have, c.Int64s(0))
		if axis == -2 {
			mm = c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, mm)
		}
		return mm
	}
	am, bm := rowsOf(a), rowsOf(b)
	mat := func(x, m string) string {
		if axis == -1 {
			return c.Op("MatMul", nil, x, m)
		}
		return c.Op("MatMul", nil, m, x)
	}
	if im == "" { // real input
		return mat(re, am), c.Op("Neg", nil, mat(re, bm))
	}
	outRe := c.Op("Add", nil, mat(re, am), mat(im, bm))
	if kind == dftC2R {
		return outRe, ""
	}
	return outRe, c.Op("Sub", nil, mat(im, am), mat(re, bm))
}

// dftOnnxMin is the shortest transform done by ONNX DFT (opset 17 on)
// rather than MatMuls, whose matrices grow as n² (a complex FFT of 4096
// would carry 128 MB). Only powers of two: onnxruntime's DFT of other
// lengths is off by ~1e-3 relative in float32 (n=1000), its radix-2 FFT is
// as exact as TF's.
const dftOnnxMin = 1024

// signalDFTOnnx is signalDFT by ONNX DFT, whose [..., n, 1 or 2] input and
// output are the packed form, and whose dft_length cuts or zero-pads the
// axis as TF's fft_length does. C2R is the real part of the inverse DFT of
// the bins 0..n/2 weighted as in dftMatrices (the zero padding stands for
// the mirrored bins): the imaginary parts of DC and Nyquist drop out of it.
func signalDFTOnnx(c *Ctx, kind dftKind, re, im string, axis, n int64) (string, string) {
	var x string
	if im == "" {
		x = c.Op("Unsqueeze", nil, re, c.Int64s(-1))
	} else {
		if kind == dftC2R {
			h := n/2 + 1
			cut := func(v string) string { return c.Op("Slice", nil, v, c.Int64s(0), c.Int64s(h), c.Int64s(axis)) }
			re, im = cut(re), cut(im)
			w := make([]float64, h)
			for k := range w {
				w[k] = 2
			}
			w[0], w[h-1] = 1, 1 // n is even
			dims := []int64{h}
			if axis == -2 {
				dims = []int64{h, 1}
			}
			wt := c.Op("Slice", nil, c.AddConst(graph.NewTensor(c.DType(re), dims, w)), c.Int64s(0), arrDim(c, re, axis), c.Int64s(0))
			re, im = c.Op("Mul", nil, re, wt), c.Op("Mul", nil, im, wt)
		}
		x = cxJoin(c, "", re, im)
	}
	attrs := Attrs{}
	if kind == dftInverse || kind == dftC2R {
		attrs["inverse"] = int64(1)
	}
	if kind == dftR2C {
		attrs["onesided"] = int64(1)
	}
	ins := []string{x, c.AddConst(graph.ScalarInt64(n))}
	if c.Opset >= 20 {
		ins = append(ins, c.AddConst(graph.ScalarInt64(axis-1)))
	} else {
		attrs["axis"] = axis - 1
	}
	y := c.Op("DFT", attrs, ins...)
	if kind == dftC2R {
		return c.Op("Gather", Attrs{"axis": int64(-1)}, y, c.AddConst(graph.ScalarInt64(0))), ""
	}
	return cxSplit(c, y)
}

// signalFFT maps the 1-D and 2-D transforms. RFFT/IRFFT take fft_length
// (input 1) and cut or zero-pad the input to it (to n/2+1 bins for the
// inverse); FFT/IFFT transform the whole inner dims, whose sizes must be
// known. A 2-D transform is a complex one along axis -2 after (RFFT) or
// before (IRFFT) the real one along the last axis, as TF's kernels do.
func signalFFT(dims int, kind dftKind) Handler {
	return func(c *Ctx) error {
		var x, re, im string
		if kind == dftR2C {
			x = c.In(0)
			re = x
		} else {
			x = cxIn(c, 0)
			re, im = cxSplit(c, x)
		}
		if dt := c.DType(re); dt != graph.Float && dt != graph.Double {
			return c.Errorf("%s of %v is not supported", c.Node.Op, c.DType(x))
		}
		var lens []int64
		if kind == dftR2C || kind == dftC2R {
			var ok bool
			lens, ok = c.ConstInts(c.In(1))
			if !ok || len(lens) != dims {
				return c.Errorf("fft_length must be a constant of %d values", dims)
			}
		} else {
			s := c.Shape(re)
			for i := dims; i >= 1; i-- {
				if !s.Known || s.Rank() < dims || !s.Dims[s.Rank()-i].Known() {
					return c.Errorf("%s needs the sizes of the inner %d dim(s) of its input, and %v has an unknown one (give the input shape with --inputs)", c.Node.Op, dims, s)
				}
				lens = append(lens, s.Dims[s.Rank()-i].Size)
			}
		}
		for _, l := range lens {
			if l < 1 {
				return c.Errorf("fft length %v must be positive", lens)
			}
		}
		inner := lens[dims-1]
		switch kind {
		case dftR2C:
			re, im = signalDFT(c, kind, re, "", -1, inner)
			if dims == 2 {
				re, im = signalDFT(c, dftForward, re, im, -2, lens[0])
			}
		case dftC2R:
			if dims == 2 {
				re, im = signalDFT(c, dftInverse, re, im, -2, lens[0])
			}
			re, _ = signalDFT(c, kind, re, im, -1, inner)
			c.Alias(c.Out(0), re)
			return nil
		default:
			re, im = signalDFT(c, kind, re, im, -1, inner)
			if dims == 2 {
				re, im = signalDFT(c, kind, re, im, -2, lens[0])
			}
		}
		cxJoin(c, c.Out(0), re, im)
		return nil
	}
}

// signalAbs is the modulus of a packed complex value.
func signalAbs(c *Ctx) error {
	x := cxIn(c, 0)
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
		x := cxIn(c, 0)
		if p, ok := cxJoined(c, x); ok {
			c.Alias(c.Out(0), p[i])
			return nil
		}
		c.OpTo(c.Out(0), "Gather", Attrs{"axis": int64(-1)}, x, c.AddConst(graph.ScalarInt64(i)))
		return nil
	}
}
