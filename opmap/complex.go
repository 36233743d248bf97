package opmap

import (
	"fmt"
	"maps"
	"slices"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Complex values. ONNX tensors (and onnxruntime) have no complex type, so a
// complex tensor of shape S is carried packed as a float (complex64) or
// double (complex128) tensor of shape S+[2]: (real, imaginary) on a
// trailing pair axis. That is also the byte layout of a TF complex
// constant. The decision is made here, once, for every TF node: a node
// that reads or makes complex values (its type attributes say so) is
// mapped by its complex form in complexOps, or refused; a complex value
// that would leave the graph is refused, since the caller could not tell
// the pair from a data axis.
//
// Two kinds of forms share the helpers below: ops with their own complex
// arithmetic (Mul, Angle, the transforms), and shape ops that run their
// ordinary rule on the packed tensor once their axis, perm or shape
// arguments are shifted for the pair (cxVia).

// cxOp is the complex form of one TF op.
type cxOp struct {
	h Handler // nil: the op's rule serves the packed tensor (cxVia)
	// adjust rewrites a copy of the node (its arguments, its attributes)
	// for the trailing pair before the op's own rule runs on it.
	adjust func(c *Ctx, n *graph.Node) error
	out    string // the attribute holding the output dtype ("" = "T")
}

// complexOps lists every op converted on complex values.
var complexOps = map[string]cxOp{
	// Making and unmaking complex values.
	"RFFT": {out: "Tcomplex"}, "RFFT2D": {out: "Tcomplex"},
	"FFT": {out: "Tcomplex"}, "FFT2D": {out: "Tcomplex"},
	"IFFT": {out: "Tcomplex"}, "IFFT2D": {out: "Tcomplex"},
	"IRFFT": {out: "Treal"}, "IRFFT2D": {out: "Treal"},
	"Complex": {out: "Tout"}, "ComplexAbs": {out: "Tout"},
	"Real": {out: "Tout"}, "Imag": {out: "Tout"}, "Angle": {out: "Tout"},
	"Cast": {h: cxCast, out: "DstT"},

	// Arithmetic. Add, Sub, sums and means are linear: they act on the
	// pairs as they are (both operands are packed, so numpy broadcasting
	// aligns pair with pair).
	"Add": {}, "AddV2": {}, "Sub": {}, "Neg": {}, "AddN": {},
	"Sum":  {adjust: cxAdjustAxisInput(1)},
	"Mean": {adjust: cxAdjustAxisInput(1)},
	"Mul":  {h: cxMul}, "RealDiv": {h: cxDiv}, "Div": {h: cxDiv},
	"Square": {h: cxSquare}, "Conj": {}, "Exp": {h: cxExp}, "Log": {h: cxLog},
	"MatMul": {h: cxMatMul}, "BatchMatMul": {h: cxMatMul}, "BatchMatMulV2": {h: cxMatMul},
	"BatchMatMulV3": {h: cxMatMul, out: "Tout"},

	// Shapes: the pair stays last.
	"Identity": {}, "StopGradient": {}, "Snapshot": {}, "PreventGradient": {}, "EnsureShape": {},
	"ZerosLike":   {},
	"Shape":       {h: cxShape, out: "out_type"},
	"Size":        {h: cxSize, out: "out_type"},
	"ShapeN":      {h: cxShapeN, out: "out_type"},
	"Rank":        {h: cxRank, out: "out_type"},
	"Reshape":     {adjust: cxAppend(1, 2)},
	"BroadcastTo": {adjust: cxAppend(1, 2)},
	"Tile":        {adjust: cxAppend(1, 1)},
	"Pad":         {adjust: cxAdjustPad},
	"MirrorPad":   {adjust: cxAdjustPad},
	"Transpose":   {adjust: cxAdjustTranspose},
	"ExpandDims":  {adjust: cxAdjustAxisInput(1)},
	"Squeeze":     {adjust: cxAdjustAxisAttr("squeeze_dims")},
	"ConcatV2":    {adjust: cxAdjustAxisInput(-1)},
	"Pack":        {adjust: cxAdjustAxisAttr("axis")},
	"Unpack":      {adjust: cxAdjustAxisAttr("axis")},
	"Split":       {adjust: cxAdjustAxisInput(0)},
	"SplitV":      {adjust: cxAdjustAxisInput(2)},
	"ReverseV2":   {adjust: cxAdjustAxisInput(1)},
	"Roll":        {adjust: cxAdjustAxisInput(2)},
	"GatherV2":    {adjust: cxAdjustAxisInput(2), out: "Tparams"},
	"SelectV2":    {adjust: cxAdjustSelect},
	// Slice and StridedSlice without an ellipsis name the leading axes
	// only, which leaves the pair whole.
	"Slice":        {},
	"StridedSlice": {adjust: cxAdjustStridedSlice},
}

// cxTypeAttrs are the TF attributes that may carry a complex dtype.
var cxTypeAttrs = []string{"T", "Tparams", "Tcomplex", "Treal", "Tout", "Tin", "dtype", "SrcT", "DstT", "output_types"}

func isComplex(dt graph.DType) bool { return dt == graph.Complex64 || dt == graph.Complex128 }

// cxPartType is the real dtype of a complex dtype's parts.
func cxPartType(dt graph.DType) graph.DType {
	switch dt {
	case graph.Complex64:
		return graph.Float
	case graph.Complex128:
		return graph.Double
	}
	return dt
}

// cxNode tells whether a TF node reads or makes complex values.
func cxNode(n *graph.Node) bool {
	for _, k := range cxTypeAttrs {
		if isComplex(n.Type(k)) || slices.ContainsFunc(n.Types(k), isComplex) {
			return true
		}
	}
	return false
}

// complexForm picks the handler for c.Node: h itself for a node without
// complex values, else the op's complex form, or an error naming why not.
func complexForm(c *Ctx, h Handler) (Handler, error) {
	n := c.Node
	if n.Domain != graph.DomainTF || !cxNode(n) {
		return h, nil
	}
	op, ok := complexOps[n.Op]
	if !ok {
		return nil, errComplexOp
	}
	for _, v := range n.Inputs {
		if isComplex(c.DType(v)) && slices.Contains(c.G.Inputs, v) {
			return nil, fmt.Errorf("input %q is a complex graph input; onnxruntime cannot take one: feed its real and imaginary parts and join them with tf.complex", v)
		}
	}
	key := op.out
	if key == "" {
		key = "T"
	}
	if isComplex(n.Type(key)) {
		for _, o := range n.Outputs {
			if slices.Contains(c.G.Outputs, o) {
				return nil, errComplexOut
			}
		}
	}
	if op.h != nil {
		return op.h, nil
	}
	return cxVia(h, op.adjust), nil
}

type complexError struct{ out bool }

func (e complexError) Error() string {
	if e.out {
		return "a complex graph output cannot be converted (ONNX and onnxruntime cannot return complex tensors); fetch tf.math.real/imag/abs of it"
	}
	return "this op is not converted on complex values (ONNX has none; they are carried packed as float pairs through the ops docs/ops.md lists under complex values)"
}

var (
	errComplexOp  error = complexError{}
	errComplexOut error = complexError{out: true}
)

// cxIn is the packed value of input i: a complex constant becomes the
// float constant of its bytes, shape S+[2].
func cxIn(c *Ctx, i int) string {
	return cxPacked(c, c.In(i))
}

func cxPacked(c *Ctx, v string) string {
	t := c.Const(v)
	if t == nil || !isComplex(t.DType) {
		return v
	}
	p := &graph.Tensor{DType: cxPartType(t.DType), Dims: append(slices.Clone(t.Dims), 2), Data: t.Data}
	return c.AddConst(p)
}

// cxSplit is the real and imaginary parts of a packed value: the parts it
// was joined from when a complex form made it, so that chained complex
// ops do not unpack what the one before packed.
func cxSplit(c *Ctx, x string) (re, im string) {
	if p, ok := cxJoined(c, x); ok {
		return p[0], p[1]
	}
	pick := func(i int64) string {
		return c.Op("Gather", Attrs{"axis": int64(-1)}, x, c.AddConst(graph.ScalarInt64(i)))
	}
	return pick(0), pick(1)
}

// cxJoined is the parts a packed value was joined from, if a complex form
// made it. A constant part that the pruner dropped since (the join folded,
// so no emitted node pinned it) is not there to read any more.
func cxJoined(c *Ctx, x string) ([2]string, bool) {
	p, ok := c.cxParts[x]
	return p, ok && c.G.Value(p[0]) != nil && c.G.Value(p[1]) != nil
}

// cxJoins maps each value cxJoin made to its parts.
type cxJoins map[string][2]string

// cxJoin packs parts (of one shape) into out, or a fresh value when out is "".
func cxJoin(c *Ctx, out, re, im string) string {
	last := c.Int64s(-1)
	out = arrEmit(c, out, "Concat", Attrs{"axis": int64(-1)}, c.Op("Unsqueeze", nil, re, last), c.Op("Unsqueeze", nil, im, last))
	if c.cxParts == nil {
		c.cxParts = cxJoins{}
	}
	c.cxParts[out] = [2]string{re, im}
	return out
}

// cxVia runs the op's own rule h on a copy of the node whose complex
// constants are packed, whose type attributes are the parts' type, and
// whose arguments adjust has shifted for the pair. The node's TF shapes
// (which lack the pair) are dropped from the copy.
func cxVia(h Handler, adjust func(c *Ctx, n *graph.Node) error) Handler {
	return func(c *Ctx) error {
		orig := c.Node
		n := *orig
		n.Inputs = slices.Clone(orig.Inputs)
		n.Attrs = maps.Clone(orig.Attrs)
		delete(n.Attrs, "_output_shapes")
		for _, k := range cxTypeAttrs {
			if dt := n.Type(k); isComplex(dt) {
				n.Attrs[k] = cxPartType(dt)
			}
		}
		for i, v := range n.Inputs {
			n.Inputs[i] = cxPacked(c, v)
		}
		c.Node = &n
		defer func() { c.Node = orig }()
		if adjust != nil {
			if err := adjust(c, &n); err != nil {
				return err
			}
		}
		return h(c)
	}
}

// cxAxisShift is a data axis of a packed value: a negative axis counts one
// further back, past the pair. v is an integer scalar or 1-D value; the
// result keeps its type (constant in, constant out).
func cxAxisShift(c *Ctx, v string) string {
	if t := c.Const(v); t != nil {
		a := t.Int64s()
		for i := range a {
			if a[i] < 0 {
				a[i]--
			}
		}
		return c.AddConst(graph.NewIntTensor(t.DType, t.Dims, a))
	}
	dt := c.DType(v)
	zero, one := graph.NewIntTensor(dt, nil, []int64{0}), graph.NewIntTensor(dt, nil, []int64{1})
	neg := c.Op("Less", nil, v, c.AddConst(zero))
	return c.Op("Where", nil, neg, c.Op("Sub", nil, v, c.AddConst(one)), v)
}

func cxAdjustAxisInput(i int) func(c *Ctx, n *graph.Node) error {
	return func(c *Ctx, n *graph.Node) error {
		j := i
		if j < 0 {
			j += len(n.Inputs)
		}
		if j < 0 || j >= len(n.Inputs) {
			return c.Errorf("needs input %d but the node has %d", i, len(n.Inputs))
		}
		n.Inputs[j] = cxAxisShift(c, n.Inputs[j])
		return nil
	}
}

func cxAdjustAxisAttr(name string) func(c *Ctx, n *graph.Node) error {
	return func(c *Ctx, n *graph.Node) error {
		switch v := n.Attrs[name].(type) {
		case int64:
			if v < 0 {
				n.Attrs[name] = v - 1
			}
		case []int64:
			a := slices.Clone(v)
			for i := range a {
				if a[i] < 0 {
					a[i]--
				}
			}
			n.Attrs[name] = a
		}
		if name == "squeeze_dims" {
			if _, ok := n.Attrs["axis"]; ok {
				return cxAdjustAxisAttr("axis")(c, n)
			}
		}
		return nil
	}
}

// cxAppend appends the pair's entry v to the shape-like input i: the pair
// for a target shape (2), no repeat for Tile's multiples (1).
func cxAppend(i int, v int64) func(c *Ctx, n *graph.Node) error {
	return func(c *Ctx, n *graph.Node) error {
		shp := n.Inputs[i]
		tail := c.AddConst(graph.NewIntTensor(c.DType(shp), []int64{1}, []int64{v}))
		n.Inputs[i] = c.Op("Concat", Attrs{"axis": int64(0)}, mathVec1DKeep(c, shp), tail)
		return nil
	}
}

// cxAdjustSelect lines the condition up with the data axes.
func cxAdjustSelect(c *Ctx, n *graph.Node) error {
	n.Inputs[0] = c.Op("Unsqueeze", nil, n.Inputs[0], c.Int64s(-1))
	return nil
}

// mathVec1DKeep makes a scalar shape argument 1-D, keeping its type.
func mathVec1DKeep(c *Ctx, v string) string {
	if c.Rank(v) == 0 {
		return c.Op("Unsqueeze", nil, v, c.Int64s(0))
	}
	return v
}

// cxAdjustPad leaves the pair unpadded: paddings + [[0, 0]].
func cxAdjustPad(c *Ctx, n *graph.Node) error {
	p := n.Inputs[1]
	zero := c.AddConst(graph.NewIntTensor(c.DType(p), []int64{1, 2}, []int64{0, 0}))
	n.Inputs[1] = c.Op("Concat", Attrs{"axis": int64(0)}, p, zero)
	return nil
}

// cxAdjustTranspose keeps the pair last: perm + [rank].
func cxAdjustTranspose(c *Ctx, n *graph.Node) error {
	perm, err := arrConstPerm(c, n.Inputs[1])
	if err != nil {
		return err
	}
	n.Inputs[1] = c.Int64s(append(perm, int64(len(perm)))...)
	return nil
}

// cxAdjustStridedSlice: without an ellipsis the slice names leading axes
// and leaves the pair whole; with one, the ellipsis would swallow the pair
// too, so a last full-range spec keeps it out.
func cxAdjustStridedSlice(c *Ctx, n *graph.Node) error {
	if n.Int("ellipsis_mask", 0) == 0 {
		return nil
	}
	k, ok := c.KnownInts(n.Inputs[3])
	if !ok {
		return c.Errorf("strides of unknown length")
	}
	bit := int64(1) << len(k)
	for i, v := range []int64{0, 0, 1} {
		in := n.Inputs[1+i]
		one := c.AddConst(graph.NewIntTensor(c.DType(in), []int64{1}, []int64{v}))
		n.Inputs[1+i] = c.Op("Concat", Attrs{"axis": int64(0)}, in, one)
	}
	n.Attrs["begin_mask"] = n.Int("begin_mask", 0) | bit
	n.Attrs["end_mask"] = n.Int("end_mask", 0) | bit
	return nil
}

// cxShape is the complex shape: the packed shape without the pair.
func cxShape(c *Ctx) error {
	cxShapeTo(c, c.Out(0), cxIn(c, 0))
	return nil
}

func cxShapeN(c *Ctx) error {
	for i := range c.Node.Inputs {
		cxShapeTo(c, c.Out(i), cxIn(c, i))
	}
	return nil
}

func cxShapeTo(c *Ctx, out, x string) {
	dt := c.Node.TypeOr("out_type", graph.Int32)
	s := c.Op("Shape", nil, x)
	s = c.Op("Slice", nil, s, c.Int64s(0), c.Int64s(-1), c.Int64s(0))
	arrCastTo(c, out, s, dt)
}

// cxRank is the packed rank less the pair's axis.
func cxRank(c *Ctx) error {
	x := cxIn(c, 0)
	if r := c.Rank(x); r >= 1 {
		c.Alias(c.Out(0), c.AddConst(graph.NewIntTensor(graph.Int32, nil, []int64{int64(r - 1)})))
		return nil
	}
	r := c.Op("Size", nil, c.Op("Shape", nil, x))
	r = c.Op("Sub", nil, r, c.AddConst(graph.ScalarInt64(1)))
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(graph.Int32)}, r)
	return nil
}

// cxSize counts complex elements: half the packed ones.
func cxSize(c *Ctx) error {
	dt := c.Node.TypeOr("out_type", graph.Int32)
	x := cxIn(c, 0)
	if n := c.Shape(x).NumElements(); n >= 0 {
		c.Alias(c.Out(0), c.AddConst(graph.NewIntTensor(dt, nil, []int64{n / 2})))
		return nil
	}
	half := c.Op("Div", nil, c.Op("Size", nil, x), c.AddConst(graph.ScalarInt64(2)))
	arrCastTo(c, c.Out(0), half, dt)
	return nil
}

// cxCast: real → complex pairs the value with zeros; complex → complex
// casts the pairs; complex → real keeps the real part, as TF does.
func cxCast(c *Ctx) error {
	src, dst := c.Node.Type("SrcT"), c.Node.Type("DstT")
	x := cxIn(c, 0)
	switch {
	case isComplex(src) && isComplex(dst):
		arrCastTo(c, c.Out(0), x, cxPartType(dst))
	case isComplex(src):
		re, _ := cxSplit(c, x)
		arrCastTo(c, c.Out(0), re, dst)
	default:
		pt := cxPartType(dst)
		re := mathCastTo(c, x, pt)
		zero := graph.NewTensor(pt, []int64{1}, []float64{0})
		im := c.Op("ConstantOfShape", Attrs{"value": zero}, c.Op("Shape", nil, re))
		cxJoin(c, c.Out(0), re, im)
	}
	return nil
}

// signalComplex is Complex(real, imag), the parts broadcast to one shape.
func signalComplex(c *Ctx) error {
	re, im := c.In(0), c.In(1)
	if !slices.Equal(c.Shape(re).Sizes(), c.Shape(im).Sizes()) || !c.Shape(re).Static() {
		re, im = c.Op("Expand", nil, re, c.Op("Shape", nil, im)), c.Op("Expand", nil, im, c.Op("Shape", nil, re))
	}
	cxJoin(c, c.Out(0), re, im)
	return nil
}

func cxMul(c *Ctx) error {
	ar, ai := cxSplit(c, cxIn(c, 0))
	br, bi := cxSplit(c, cxIn(c, 1))
	re := c.Op("Sub", nil, c.Op("Mul", nil, ar, br), c.Op("Mul", nil, ai, bi))
	im := c.Op("Add", nil, c.Op("Mul", nil, ar, bi), c.Op("Mul", nil, ai, br))
	cxJoin(c, c.Out(0), re, im)
	return nil
}

// cxDiv is (a·conj b)/|b|².
func cxDiv(c *Ctx) error {
	ar, ai := cxSplit(c, cxIn(c, 0))
	br, bi := cxSplit(c, cxIn(c, 1))
	d := c.Op("Add", nil, c.Op("Mul", nil, br, br), c.Op("Mul", nil, bi, bi))
	re := c.Op("Add", nil, c.Op("Mul", nil, ar, br), c.Op("Mul", nil, ai, bi))
	im := c.Op("Sub", nil, c.Op("Mul", nil, ai, br), c.Op("Mul", nil, ar, bi))
	cxJoin(c, c.Out(0), c.Op("Div", nil, re, d), c.Op("Div", nil, im, d))
	return nil
}

func cxSquare(c *Ctx) error {
	re, im := cxSplit(c, cxIn(c, 0))
	r := c.Op("Sub", nil, c.Op("Mul", nil, re, re), c.Op("Mul", nil, im, im))
	i := c.Op("Mul", nil, c.Op("Mul", nil, re, im), c.Scalar(c.DType(re), 2))
	cxJoin(c, c.Out(0), r, i)
	return nil
}

// cxMatMul is (Ar + iAi)(Br + iBi) in four real products. MatMul's
// transpose_a/b transpose; BatchMatMul's adj_x/y also conjugate.
func cxMatMul(c *Ctx) error {
	operand := func(i int, transpose, adjoint string) (string, string, error) {
		re, im := cxSplit(c, cxIn(c, i))
		if c.Node.Bool(transpose, false) || c.Node.Bool(adjoint, false) {
			var err error
			if re, err = mathSwapLast(c, re); err != nil {
				return "", "", err
			}
			if im, err = mathSwapLast(c, im); err != nil {
				return "", "", err
			}
		}
		if c.Node.Bool(adjoint, false) {
			im = c.Op("Neg", nil, im)
		}
		return re, im, nil
	}
	ar, ai, err := operand(0, "transpose_a", "adj_x")
	if err != nil {
		return err
	}
	br, bi, err := operand(1, "transpose_b", "adj_y")
	if err != nil {
		return err
	}
	mm := func(x, y string) string { return c.Op("MatMul", nil, x, y) }
	re := c.Op("Sub", nil, mm(ar, br), mm(ai, bi))
	im := c.Op("Add", nil, mm(ar, bi), mm(ai, br))
	cxJoin(c, c.Out(0), re, im)
	return nil
}

// cxLog is log|z| + i·angle(z), log|z| = ½·log(re² + im²).
func cxLog(c *Ctx) error {
	re, im := cxSplit(c, cxIn(c, 0))
	dt := c.DType(re)
	sq := c.Op("Add", nil, c.Op("Mul", nil, re, re), c.Op("Mul", nil, im, im))
	mag := c.Op("Mul", nil, c.Op("Log", nil, sq), c.Scalar(dt, 0.5))
	cxJoin(c, c.Out(0), mag, atan2To(c, "", im, re, dt))
	return nil
}

// cxExp is e^re·(cos im + i sin im).
func cxExp(c *Ctx) error {
	re, im := cxSplit(c, cxIn(c, 0))
	e := c.Op("Exp", nil, re)
	cxJoin(c, c.Out(0), c.Op("Mul", nil, e, c.Op("Cos", nil, im)), c.Op("Mul", nil, e, c.Op("Sin", nil, im)))
	return nil
}

// signalConj negates the imaginary halves.
func signalConj(c *Ctx) error {
	x := cxIn(c, 0)
	sign := graph.NewTensor(c.DType(x), []int64{2}, []float64{1, -1})
	c.OpTo(c.Out(0), "Mul", nil, x, c.AddConst(sign))
	return nil
}

// signalAngle is atan2(imag, real).
func signalAngle(c *Ctx) error {
	re, im := cxSplit(c, cxIn(c, 0))
	dt := c.DType(re)
	if !dt.IsFloat() {
		return fmt.Errorf("Angle of %v is not supported", dt)
	}
	atan2To(c, c.Out(0), im, re, dt)
	return nil
}
