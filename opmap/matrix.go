package opmap

import (
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// matrixRules: band parts, diagonals and determinants of (batched)
// matrices. The diagonal ops index run-time grids: every bound (k, the
// sizes) may be a tensor, as TF allows.
var matrixRules = []Rule{
	{"MatrixBandPart", MinOpset, arrNeeds(3, matrixBandPart)},
	{"MatrixDiag", MinOpset, arrNeeds(1, matrixDiag(1))},
	{"MatrixDiagV2", MinOpset, arrNeeds(5, matrixDiag(2))},
	{"MatrixDiagV3", MinOpset, arrNeeds(5, matrixDiag(3))},
	{"MatrixDiagPart", MinOpset, arrNeeds(1, matrixDiagPart(1))},
	{"MatrixDiagPartV2", MinOpset, arrNeeds(3, matrixDiagPart(2))},
	{"MatrixDiagPartV3", MinOpset, arrNeeds(3, matrixDiagPart(3))},
	{"MatrixSetDiag", MinOpset, arrNeeds(2, matrixSetDiag(1))},
	{"MatrixSetDiagV2", MinOpset, arrNeeds(3, matrixSetDiag(2))},
	{"MatrixSetDiagV3", MinOpset, arrNeeds(3, matrixSetDiag(3))},
	{"MatrixDeterminant", MinOpset, matrixDet},
	{"MatrixInverse", MinOpset, matrixInverse},
}

// mx holds the run-time scalars (0-D int64) of one diagonal op.
type mx struct {
	c *Ctx
}

func (m mx) i64(v int64) string { return m.c.AddConst(graph.ScalarInt64(v)) }
func (m mx) op(op string, in ...string) string {
	return m.c.Op(op, nil, in...)
}

// scalar is v (an int scalar or 1-element vector) as a 0-D int64.
func (m mx) scalar(v string) string {
	v = mathCastTo(m.c, v, graph.Int64)
	if m.c.Rank(v) != 0 {
		v = m.c.Op("Reshape", nil, v, m.c.Int64s())
	}
	return v
}

// dim is dim i (negative from the end) of x as a 0-D int64.
func (m mx) dim(x string, i int64) string {
	return m.c.Op("Gather", Attrs{"axis": int64(0)}, m.c.Op("Shape", nil, x), m.i64(i))
}

// ks reads TF's k (a scalar or [lo, hi]) as two 0-D int64s; single is true
// when k statically names one diagonal (the output has no diagonal axis).
func (m mx) ks(k string) (lo, hi string, single bool) {
	if k == "" {
		return m.i64(0), m.i64(0), true
	}
	if v, ok := m.c.ConstInts(k); ok {
		return m.i64(v[0]), m.i64(v[len(v)-1]), v[0] == v[len(v)-1]
	}
	kk := m.c.Op("Reshape", nil, mathCastTo(m.c, k, graph.Int64), m.c.Int64s(-1))
	sh := m.c.Shape(k)
	single = sh.Rank() == 0 || sh.Rank() == 1 && sh.Dims[0].Size == 1
	lo = m.c.Op("Gather", Attrs{"axis": int64(0)}, kk, m.i64(0))
	hi = m.c.Op("Gather", Attrs{"axis": int64(0)}, kk, m.i64(-1))
	return lo, hi, single
}

// rng is Range(0, n) unsqueezed at axis.
func (m mx) rng(n string, axis int64) string {
	r := m.c.Op("Range", nil, m.i64(0), n, m.i64(1))
	return m.c.Op("Unsqueeze", nil, r, m.c.Int64s(axis))
}

// diagLen is the length of diagonal d of an M×N matrix.
func (m mx) diagLen(M, N, d string) string {
	zero := m.i64(0)
	return m.op("Min", m.op("Add", M, m.op("Min", d, zero)), m.op("Sub", N, m.op("Max", d, zero)))
}

// offset is where diagonal d starts in its packed row of length L: 0 when
// left-aligned, L - len(d) when right-aligned (align names the
// superdiagonals', d >= 0, then the subdiagonals' side).
func (m mx) offset(align string, L, dlen, d string) string {
	super, sub := true, true // V1/V2 pack left
	if align != "" {
		parts := strings.SplitN(align, "_", 2)
		super, sub = parts[0] == "LEFT", len(parts) < 2 || parts[1] == "LEFT"
	}
	pad := m.op("Sub", L, dlen)
	zero := m.i64(0)
	switch {
	case super && sub:
		return zero
	case !super && !sub:
		return pad
	}
	isSuper := m.op("GreaterOrEqual", d, zero)
	if super {
		return m.op("Where", isSuper, zero, pad)
	}
	return m.op("Where", isSuper, pad, zero)
}

func matrixAlign(c *Ctx, version int) string {
	if version < 3 {
		return ""
	}
	return c.Node.Str("align", "RIGHT_LEFT")
}

// matrixBandPart keeps x[..., r, c] where c-r is within [-lower, upper]
// (a negative bound keeps that whole triangle) and zeroes the rest.
func matrixBandPart(c *Ctx) error {
	x := c.In(0)
	m := mx{c}
	lower, upper := m.scalar(c.In(1)), m.scalar(c.In(2))
	r := m.rng(m.dim(x, -2), 1)
	col := m.rng(m.dim(x, -1), 0)
	d := m.op("Sub", col, r)
	zero := m.i64(0)
	lowOK := m.op("Or", m.op("Less", lower, zero), m.op("LessOrEqual", m.op("Neg", d), lower))
	upOK := m.op("Or", m.op("Less", upper, zero), m.op("LessOrEqual", d, upper))
	keep := m.op("And", lowOK, upOK)
	dt := c.DType(x)
	mathWhere(c, c.Out(0), keep, x, c.AddConst(matrixZero(dt)))
	return nil
}

func matrixZero(dt graph.DType) *graph.Tensor {
	if dt.IsFloat() {
		return graph.ScalarOf(dt, 0)
	}
	return graph.NewIntTensor(dt, nil, []int64{0})
}

// matrixDiagPart packs diagonals lo..hi of x [..., M, N] into
// [..., hi-lo+1, L] (row i is diagonal hi-i), padded with padding_value.
func matrixDiagPart(version int) Handler {
	return func(c *Ctx) error {
		x := c.In(0)
		m := mx{c}
		k, pad := "", c.AddConst(matrixZero(c.DType(x)))
		if version > 1 {
			k, pad = c.In(1), c.In(2)
		}
		lo, hi, single := m.ks(k)
		M, N := m.dim(x, -2), m.dim(x, -1)
		zero := m.i64(0)
		L := m.op("Min", m.op("Add", M, m.op("Min", hi, zero)), m.op("Sub", N, m.op("Max", lo, zero)))
		D := m.op("Add", m.op("Sub", hi, lo), m.i64(1))
		i := m.rng(D, 1) // [D, 1]
		j := m.rng(L, 0) // [1, L]
		d := m.op("Sub", hi, i)
		dlen := m.diagLen(M, N, d)
		t := m.op("Sub", j, m.offset(matrixAlign(c, version), L, dlen, d))
		valid := m.op("And", m.op("GreaterOrEqual", t, zero), m.op("Less", t, dlen))
		row := m.op("Add", t, m.op("Max", m.op("Neg", d), zero))
		flat := m.op("Add", m.op("Mul", row, N), m.op("Add", row, d))
		flat = m.op("Where", valid, flat, zero)
		if single {
			flat = c.Op("Squeeze", nil, flat, c.Int64s(0))
			valid = c.Op("Squeeze", nil, valid, c.Int64s(0))
		}
		g := c.Op("Gather", Attrs{"axis": int64(-1)}, matrixFlatten(c, x), flat)
		mathWhere(c, c.Out(0), valid, g, pad)
		return nil
	}
}

// matrixFlatten merges the last two dims of x.
func matrixFlatten(c *Ctx, x string) string {
	lead := c.Op("Slice", nil, c.Op("Shape", nil, x), c.Int64s(0), c.Int64s(-2))
	return c.Op("Reshape", nil, x, c.Op("Concat", Attrs{"axis": int64(0)}, lead, c.Int64s(-1)))
}

// matrixScatterDiag builds [..., M, N] from packed diagonals: cell (r, c)
// on diagonal d = c-r within [lo, hi] reads diag[..., hi-d, min(r, c) +
// offset(d)]; the others read from `other` (the padding or the input).
func matrixScatterDiag(c *Ctx, version int, diag, k, M, N, L string, other string) {
	m := mx{c}
	lo, hi, single := m.ks(k)
	zero := m.i64(0)
	r := m.rng(M, 1)
	col := m.rng(N, 0)
	d := m.op("Sub", col, r)
	valid := m.op("And", m.op("GreaterOrEqual", d, lo), m.op("LessOrEqual", d, hi))
	dlen := m.diagLen(M, N, d)
	j := m.op("Add", m.op("Min", r, col), m.offset(matrixAlign(c, version), L, dlen, d))
	flat := j
	src := diag
	if !single {
		flat = m.op("Add", m.op("Mul", m.op("Sub", hi, d), L), j)
		src = matrixFlatten(c, diag)
	}
	flat = m.op("Where", valid, flat, zero)
	g := c.Op("Gather", Attrs{"axis": int64(-1)}, src, flat)
	mathWhere(c, c.Out(0), valid, g, other)
}

// matrixDiag: MatrixDiag(diagonal) and V2/V3(diagonal, k, num_rows,
// num_cols, padding_value); a size of -1 is the smallest that fits.
func matrixDiag(version int) Handler {
	return func(c *Ctx) error {
		diag := c.In(0)
		m := mx{c}
		L := m.dim(diag, -1)
		if version == 1 {
			matrixScatterDiag(c, version, diag, "", L, L, L, c.AddConst(matrixZero(c.DType(diag))))
			return nil
		}
		lo, hi, _ := m.ks(c.In(1))
		zero, minus := m.i64(0), m.i64(-1)
		minRows := m.op("Sub", L, m.op("Min", hi, zero))
		minCols := m.op("Add", L, m.op("Max", lo, zero))
		both := m.op("Max", minRows, minCols)
		nr, nc := m.scalar(c.In(2)), m.scalar(c.In(3))
		rowsAuto, colsAuto := m.op("Equal", nr, minus), m.op("Equal", nc, minus)
		M := m.op("Where", rowsAuto, m.op("Where", colsAuto, both, minRows), nr)
		N := m.op("Where", colsAuto, m.op("Where", rowsAuto, both, minCols), nc)
		matrixScatterDiag(c, version, diag, c.In(1), M, N, L, c.In(4))
		return nil
	}
}

// matrixSetDiag replaces diagonals of the input (V1: the main one).
func matrixSetDiag(version int) Handler {
	return func(c *Ctx) error {
		x, diag := c.In(0), c.In(1)
		m := mx{c}
		k := ""
		if version > 1 {
			k = c.In(2)
		}
		M, N := m.dim(x, -2), m.dim(x, -1)
		matrixScatterDiag(c, version, diag, k, M, N, m.dim(diag, -1), x)
		return nil
	}
}

func matrixDet(c *Ctx) error {
	dt := c.DType(c.In(0))
	if dt != graph.Float && dt != graph.Double && dt != graph.Float16 {
		return c.Errorf("the determinant of %v matrices is not supported", dt)
	}
	if dt == graph.Double {
		// onnxruntime has no float64 Det: computed in float32.
		d := c.Op("Det", nil, c.Op("Cast", Attrs{"to": int64(graph.Float)}, c.In(0)))
		c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dt)}, d)
		return nil
	}
	c.OpTo(c.Out(0), "Det", nil, c.In(0))
	return nil
}

// matrixInverse: ONNX has had no Inverse since opset 12 (it never reached
// the default domain); onnxruntime's com.microsoft Inverse inverts the last
// two dims of a batch, in float16, float32 and float64. Spelling out an LU
// decomposition in ONNX would be a loop per matrix, so without that domain
// the op is refused with what to pass.
func matrixInverse(c *Ctx) error {
	if c.DomainVersion(DomainMS) < 1 {
		return c.Errorf("MatrixInverse needs com.microsoft's Inverse (ONNX has no matrix inverse since opset 12): pass --extra_opset %s:1", DomainMS)
	}
	x := c.In(0)
	dt := c.DType(x)
	if dt != graph.Float && dt != graph.Double && dt != graph.Float16 {
		return c.Errorf("the inverse of %v matrices is not supported (com.microsoft Inverse takes float16, float32 and float64)", dt)
	}
	if c.Node.Bool("adjoint", false) {
		// For real matrices the adjoint is the transpose, and the inverse
		// of the transpose is the transpose of the inverse.
		r := c.Rank(x)
		if r < 2 {
			return c.Errorf("adjoint needs an input of known rank 2 or more")
		}
		perm := make([]int64, r)
		for i := range perm {
			perm[i] = int64(i)
		}
		perm[r-2], perm[r-1] = perm[r-1], perm[r-2]
		x = c.Op("Transpose", Attrs{"perm": perm}, x)
	}
	c.OpDomainTo(c.Out(0), DomainMS, "Inverse", nil, dt, c.Shape(x).Clone(), x)
	return nil
}
