package opmap

import (
	"slices"
	"strconv"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// arrayRules: shapes, slicing, joining, gathering, padding, tiling.
var arrayRules = []Rule{
	{"Reshape", MinOpset, arrNeeds(2, arrReshape)},
	{"Transpose", MinOpset, arrNeeds(2, arrTranspose)},
	{"ConcatV2", MinOpset, arrNeeds(2, arrConcatV2)},
	{"Concat", MinOpset, arrNeeds(2, arrConcatV1)},
	{"Pack", MinOpset, arrNeeds(1, arrPack)},
	{"Unpack", MinOpset, arrNeeds(1, arrUnpack)},
	{"Split", MinOpset, arrNeeds(2, arrSplit)},
	{"SplitV", MinOpset, arrNeeds(3, arrSplitV)},
	{"Squeeze", MinOpset, arrNeeds(1, arrSqueezeOp)},
	{"ExpandDims", MinOpset, arrNeeds(2, arrExpandDims)},
	{"Shape", MinOpset, arrNeeds(1, arrShape)},
	{"ShapeN", MinOpset, arrNeeds(1, arrShapeN)},
	{"Size", MinOpset, arrNeeds(1, arrSize)},
	{"Rank", MinOpset, arrNeeds(1, arrRank)},
	{"StridedSlice", MinOpset, arrNeeds(4, arrStridedSlice)},
	{"Slice", MinOpset, arrNeeds(3, arrSliceOp)},
	{"GatherV2", MinOpset, arrNeeds(3, arrGatherV2)},
	{"Gather", MinOpset, arrNeeds(2, arrGatherV1)},
	{"GatherNd", MinOpset, arrNeeds(2, arrGatherNd)},
	{"Pad", MinOpset, arrNeeds(2, arrPad)},
	{"PadV2", MinOpset, arrNeeds(3, arrPad)},
	{"MirrorPad", MinOpset, arrNeeds(2, arrMirrorPad)},
	{"Tile", MinOpset, arrNeeds(2, arrTile)},
	{"BroadcastTo", MinOpset, arrNeeds(2, arrBroadcastTo)},
	{"ReverseV2", MinOpset, arrNeeds(2, arrReverseV2)},
	{"Reverse", MinOpset, arrNeeds(2, arrReverseV1)},
}

// arrNeeds guards a handler against a node with fewer inputs than its op
// has (a malformed graph), so that no handler indexes past them.
func arrNeeds(n int, h Handler) Handler {
	return func(c *Ctx) error {
		if c.NumIn() < n {
			return c.Errorf("needs %d inputs, has %d", n, c.NumIn())
		}
		return h(c)
	}
}

// arrEmit emits a single-output node writing out, or a fresh value when out
// is "", and returns the output name.
func arrEmit(c *Ctx, out, op string, attrs Attrs, inputs ...string) string {
	if out == "" {
		return c.Op(op, attrs, inputs...)
	}
	c.OpTo(out, op, attrs, inputs...)
	return out
}

// arrInt64 casts an integer tensor to int64 (ONNX shape-like inputs are
// int64; TF's are often int32).
func arrInt64(c *Ctx, v string) string {
	if c.DType(v) == graph.Int64 {
		return v
	}
	return c.Op("Cast", Attrs{"to": int64(graph.Int64)}, v)
}

// arrCastTo writes v cast to dt into out (an alias when it already is dt).
func arrCastTo(c *Ctx, out, v string, dt graph.DType) {
	if c.DType(v) == dt {
		c.Alias(out, v)
		return
	}
	c.OpTo(out, "Cast", Attrs{"to": int64(dt)}, v)
}

// arrConstAxis reads a constant scalar (or one-element) axis input.
func arrConstAxis(c *Ctx, v string) (int64, error) {
	a, ok := c.ConstInts(v)
	if !ok || len(a) != 1 {
		return 0, c.Errorf("the axis must be a constant scalar")
	}
	return a[0], nil
}

// arrSplitEqual splits x into len(outs) equal parts along axis (Split's
// interface changed at opset 18: num_outputs instead of the output count).
func arrSplitEqual(c *Ctx, x string, axis int64, outs []string) {
	attrs := Attrs{"axis": axis}
	if c.Opset >= 18 {
		attrs["num_outputs"] = int64(len(outs))
	}
	c.OpOuts("Split", attrs, outs, x)
}

func arrReshape(c *Ctx) error {
	x, shp := c.In(0), c.In(1)
	if vals, ok := c.ConstInts(shp); ok {
		if !slices.Contains(vals, 0) {
			c.OpTo(c.Out(0), "Reshape", nil, x, c.Int64s(vals...))
			return nil
		}
		// TF's 0 is a zero-size dim; ONNX's copies the input dim unless
		// allowzero is set (opset 14 on).
		if c.Opset >= 14 {
			c.OpTo(c.Out(0), "Reshape", Attrs{"allowzero": int64(1)}, x, c.Int64s(vals...))
			return nil
		}
		if slices.Contains(vals, -1) {
			return c.Errorf("a target shape with both 0 and -1 is ambiguous")
		}
		// The result holds no element: make it rather than reshape.
		dt := c.DType(x)
		if dt == graph.String || dt.Size() == 0 {
			return c.Errorf("a zero-size reshape of %v needs opset 14", dt)
		}
		zero := graph.NewIntTensor(dt, []int64{1}, []int64{0})
		c.OpTo(c.Out(0), "ConstantOfShape", Attrs{"value": zero}, c.Int64s(vals...))
		return nil
	}
	var attrs Attrs
	if c.Opset >= 14 {
		attrs = Attrs{"allowzero": int64(1)}
	}
	c.OpTo(c.Out(0), "Reshape", attrs, x, arrInt64(c, shp))
	return nil
}

func arrTranspose(c *Ctx) error {
	perm, err := arrConstPerm(c, c.In(1))
	if err != nil {
		return err
	}
	c.OpTo(c.Out(0), "Transpose", Attrs{"perm": perm}, c.In(0))
	return nil
}

// arrConstPerm reads a Transpose's constant perm, negative entries
// counted from the end.
func arrConstPerm(c *Ctx, v string) ([]int64, error) {
	perm, ok := c.ConstInts(v)
	if !ok {
		return nil, c.Errorf("perm must be a constant")
	}
	r := int64(len(perm))
	for i, p := range perm {
		if p < 0 {
			perm[i] = p + r
		}
	}
	return perm, nil
}

func arrConcat(c *Ctx, values []string, axisIn string) error {
	axis, err := arrConstAxis(c, axisIn)
	if err != nil {
		return err
	}
	if len(values) == 1 {
		c.Alias(c.Out(0), values[0])
		return nil
	}
	c.OpTo(c.Out(0), "Concat", Attrs{"axis": axis}, values...)
	return nil
}

// ConcatV2(values..., axis)
func arrConcatV2(c *Ctx) error {
	n := c.NumIn()
	return arrConcat(c, c.Node.Inputs[:n-1], c.In(n-1))
}

// Concat(axis, values...)
func arrConcatV1(c *Ctx) error {
	return arrConcat(c, c.Node.Inputs[1:c.NumIn()], c.In(0))
}

// Pack stacks along a new axis; TF's negative axis counts in the output's
// rank, as Unsqueeze's and Concat's do here.
func arrPack(c *Ctx) error {
	axis := c.Node.Int("axis", 0)
	ax := c.Int64s(axis)
	if c.NumIn() == 1 {
		c.OpTo(c.Out(0), "Unsqueeze", nil, c.In(0), ax)
		return nil
	}
	parts := make([]string, c.NumIn())
	for i := range parts {
		parts[i] = c.Op("Unsqueeze", nil, c.In(i), ax)
	}
	c.OpTo(c.Out(0), "Concat", Attrs{"axis": axis}, parts...)
	return nil
}

func arrUnpack(c *Ctx) error {
	x := c.In(0)
	axis := c.Node.Int("axis", 0)
	num := c.Node.Int("num", -1)
	if num < 0 {
		sh := c.Shape(x)
		a := axis
		if a < 0 {
			a += int64(sh.Rank())
		}
		if !sh.Known || a < 0 || a >= int64(sh.Rank()) || !sh.Dims[a].Known() {
			return c.Errorf("the number of outputs is unknown")
		}
		num = sh.Dims[a].Size
	}
	ax := c.Int64s(axis)
	if num == 1 {
		c.OpTo(c.Out(0), "Squeeze", nil, x, ax)
		return nil
	}
	parts := make([]string, num)
	for i := range parts {
		parts[i] = c.G.UniqueName(c.Node.Name + "/Split:" + strconv.Itoa(i))
	}
	arrSplitEqual(c, x, axis, parts)
	for i, p := range parts {
		c.OpTo(c.Out(i), "Squeeze", nil, p, ax)
	}
	return nil
}

// Split(axis, value) into num_split equal parts.
func arrSplit(c *Ctx) error {
	axis, err := arrConstAxis(c, c.In(0))
	if err != nil {
		return err
	}
	n := c.Node.Int("num_split", 1)
	if n == 1 {
		c.Alias(c.Out(0), c.In(1))
		return nil
	}
	outs := make([]string, n)
	for i := range outs {
		outs[i] = c.Out(i)
	}
	arrSplitEqual(c, c.In(1), axis, outs)
	return nil
}

// SplitV(value, size_splits, axis); one size may be -1 (the rest).
func arrSplitV(c *Ctx) error {
	x := c.In(0)
	axis, err := arrConstAxis(c, c.In(2))
	if err != nil {
		return err
	}
	sizes, ok := c.ConstInts(c.In(1))
	if !ok {
		return arrSplitVDynamic(c, x, axis)
	}
	if len(sizes) == 1 {
		c.Alias(c.Out(0), x)
		return nil
	}
	outs := make([]string, len(sizes))
	for i := range outs {
		outs[i] = c.Out(i)
	}
	rest := slices.Index(sizes, -1)
	if rest < 0 {
		c.OpOuts("Split", Attrs{"axis": axis}, outs, x, c.Int64s(sizes...))
		return nil
	}
	known := int64(0)
	for i, s := range sizes {
		if i != rest {
			if s < 0 {
				return c.Errorf("size_splits %v has more than one -1", sizes)
			}
			known += s
		}
	}
	sh := c.Shape(x)
	a := axis
	if a < 0 && sh.Known {
		a += int64(sh.Rank())
	}
	if sh.Known && a >= 0 && a < int64(sh.Rank()) && sh.Dims[a].Known() {
		sizes = slices.Clone(sizes)
		sizes[rest] = sh.Dims[a].Size - known
		if sizes[rest] < 0 {
			return c.Errorf("size_splits %v exceed the dim %d", sizes, sh.Dims[a].Size)
		}
		c.OpOuts("Split", Attrs{"axis": axis}, outs, x, c.Int64s(sizes...))
		return nil
	}
	// The dim is only known at run time: the rest is dim - sum(known).
	dim := arrDim(c, x, axis)
	restV := c.Op("Sub", nil, dim, c.Int64s(known))
	var parts []string
	if rest > 0 {
		parts = append(parts, c.Int64s(sizes[:rest]...))
	}
	parts = append(parts, restV)
	if rest < len(sizes)-1 {
		parts = append(parts, c.Int64s(sizes[rest+1:]...))
	}
	split := c.Op("Concat", Attrs{"axis": int64(0)}, parts...)
	c.OpOuts("Split", Attrs{"axis": axis}, outs, x, split)
	return nil
}

// arrSplitVDynamic splits by sizes known at run time (num_split of them);
// a -1 among them takes what the others leave of the dim.
func arrSplitVDynamic(c *Ctx, x string, axis int64) error {
	n := c.Node.Int("num_split", -1)
	if n < 1 {
		return c.Errorf("run-time size_splits need the num_split attribute")
	}
	outs := make([]string, n)
	for i := range outs {
		outs[i] = c.Out(i)
	}
	if n == 1 {
		c.Alias(c.Out(0), x)
		return nil
	}
	sizes := arrInt64(c, c.In(1))
	minus := c.Op("Equal", nil, sizes, c.AddConst(graph.ScalarInt64(-1)))
	zero := c.AddConst(graph.ScalarInt64(0))
	known := c.Op("ReduceSum", Attrs{"keepdims": int64(1)}, c.Op("Where", nil, minus, zero, sizes), c.Int64s(0))
	rest := c.Op("Sub", nil, arrDim(c, x, axis), known)
	c.OpOuts("Split", Attrs{"axis": axis}, outs, x, c.Op("Where", nil, minus, rest, sizes))
	return nil
}

// arrDim is x's dim at axis as a run-time 1-element int64 tensor.
func arrDim(c *Ctx, x string, axis int64) string {
	shape := c.Op("Shape", nil, x)
	end := axis + 1
	if end == 0 {
		end = arrInt64Max
	}
	return c.Op("Slice", nil, shape, c.Int64s(axis), c.Int64s(end), c.Int64s(0))
}

func arrSqueezeOp(c *Ctx) error {
	x := c.In(0)
	dims := c.Node.Ints("squeeze_dims")
	if len(dims) == 0 {
		dims = c.Node.Ints("axis")
	}
	if len(dims) > 0 {
		c.OpTo(c.Out(0), "Squeeze", nil, x, c.Int64s(dims...))
		return nil
	}
	// Squeezing every 1-dim needs to know which dims are 1. ONNX Squeeze
	// without axes would do it at run time, but leave the rank unknown, and
	// an ONNX graph output must have a rank.
	sh := c.Shape(x)
	if !sh.Known {
		return c.Errorf("squeezing every 1-dim needs the input rank and dims; give squeeze_dims or the input shape (--inputs name:0[dims])")
	}
	var axes []int64
	for i, d := range sh.Dims {
		if !d.Known() {
			return c.Errorf("squeezing every 1-dim needs known dims, and dim %d of %v is unknown; give squeeze_dims or the input shape (--inputs name:0[dims])", i, sh)
		}
		if d.Size == 1 {
			axes = append(axes, int64(i))
		}
	}
	if len(axes) == 0 {
		c.Alias(c.Out(0), x)
		return nil
	}
	c.OpTo(c.Out(0), "Squeeze", nil, x, c.Int64s(axes...))
	return nil
}

// ExpandDims(input, axis): a negative axis counts in the output's rank, as
// Unsqueeze's does.
// A run-time axis is a run-time Unsqueeze axes input (the rank still grows
// by one, so shapes downstream keep their rank).
func arrExpandDims(c *Ctx) error {
	axis, err := arrConstAxis(c, c.In(1))
	if err != nil {
		c.OpTo(c.Out(0), "Unsqueeze", nil, c.In(0), mathVec1D(c, c.In(1)))
		return nil
	}
	c.OpTo(c.Out(0), "Unsqueeze", nil, c.In(0), c.Int64s(axis))
	return nil
}

func arrShape(c *Ctx) error {
	dt := c.Node.TypeOr("out_type", graph.Int32)
	s := c.Op("Shape", nil, c.In(0))
	arrCastTo(c, c.Out(0), s, dt)
	return nil
}

func arrShapeN(c *Ctx) error {
	dt := c.Node.TypeOr("out_type", graph.Int32)
	for i, in := range c.Node.Inputs[:c.NumIn()] {
		arrCastTo(c, c.Out(i), c.Op("Shape", nil, in), dt)
	}
	return nil
}

func arrSize(c *Ctx) error {
	dt := c.Node.TypeOr("out_type", graph.Int32)
	x := c.In(0)
	if n := c.Shape(x).NumElements(); n >= 0 {
		c.Alias(c.Out(0), c.AddConst(graph.NewIntTensor(dt, nil, []int64{n})))
		return nil
	}
	arrCastTo(c, c.Out(0), c.Op("Size", nil, x), dt)
	return nil
}

func arrRank(c *Ctx) error {
	x := c.In(0)
	if r := c.Rank(x); r >= 0 {
		c.Alias(c.Out(0), c.AddConst(graph.NewIntTensor(graph.Int32, nil, []int64{int64(r)})))
		return nil
	}
	n := c.Op("Size", nil, c.Op("Shape", nil, x))
	arrCastTo(c, c.Out(0), n, graph.Int32)
	return nil
}

// Slice(input, begin, size): size -1 runs to the end.
func arrSliceOp(c *Ctx) error {
	x, begin, size := c.In(0), c.In(1), c.In(2)
	b, okB := c.ConstInts(begin)
	s, okS := c.ConstInts(size)
	if okB && okS {
		if len(b) != len(s) {
			return c.Errorf("begin and size differ in length")
		}
		var starts, ends, axes []int64
		for i := range b {
			if b[i] == 0 && s[i] == -1 {
				continue
			}
			e := b[i] + s[i]
			if s[i] == -1 {
				e = arrInt64Max
			}
			starts, ends, axes = append(starts, b[i]), append(ends, e), append(axes, int64(i))
		}
		if len(axes) == 0 {
			c.Alias(c.Out(0), x)
			return nil
		}
		c.OpTo(c.Out(0), "Slice", nil, x, c.Int64s(starts...), c.Int64s(ends...), c.Int64s(axes...))
		return nil
	}
	// Bounds known at run time; Slice's axes default to 0..len(starts)-1.
	bs := arrInt64(c, begin)
	ss := arrInt64(c, size)
	sum := c.Op("Add", nil, bs, ss)
	toEnd := c.Op("Equal", nil, ss, c.AddConst(graph.ScalarInt64(-1)))
	ends := c.Op("Where", nil, toEnd, c.AddConst(graph.ScalarInt64(arrInt64Max)), sum)
	c.OpTo(c.Out(0), "Slice", nil, x, bs, ends)
	return nil
}

// GatherV2(params, indices, axis). Indices out of range are an error in TF,
// so ONNX's reading of negative ones never changes a valid graph.
func arrGatherV2(c *Ctx) error {
	axis, err := arrConstAxis(c, c.In(2))
	if err != nil {
		return err
	}
	if bd := c.Node.Int("batch_dims", 0); bd != 0 {
		return arrGatherBatched(c, axis, bd)
	}
	c.OpTo(c.Out(0), "Gather", Attrs{"axis": axis}, c.In(0), c.In(1))
	return nil
}

// arrGatherBatched is GatherV2 with batch_dims b: params[B, ..., idx, ...]
// for each batch index B. With the gathered axis moved next to the batch
// dims it is GatherND with batch_dims b on indices[..., None]; the dims
// between the batch and the axis then move back in front of the index dims.
func arrGatherBatched(c *Ctx, axis, b int64) error {
	params, idx := c.In(0), c.In(1)
	pr, ir := int64(c.Rank(params)), int64(c.Rank(idx))
	if pr < 0 || ir < 0 {
		return c.Errorf("batch_dims needs the ranks of params and indices")
	}
	if b < 0 {
		b += ir
	}
	if axis < 0 {
		axis += pr
	}
	if b < 0 || b > ir || axis < b || axis >= pr {
		return c.Errorf("batch_dims %d and axis %d do not fit params of rank %d and indices of rank %d", b, axis, pr, ir)
	}
	if b == ir {
		// Scalar indices per batch: GatherND wants at least one index dim.
		idx = c.Op("Unsqueeze", nil, idx, c.Int64s(-1))
		ir++
	}
	p := params
	if axis > b {
		perm := []int64{}
		for i := range b {
			perm = append(perm, i)
		}
		perm = append(perm, axis)
		for i := b; i < pr; i++ {
			if i != axis {
				perm = append(perm, i)
			}
		}
		p = c.Op("Transpose", Attrs{"perm": perm}, params)
	}
	g := c.Op("GatherND", Attrs{"batch_dims": b}, p, c.Op("Unsqueeze", nil, arrInt64(c, idx), c.Int64s(-1)))
	// g: [batch (b), index dims (ir-b), params dims b..axis-1 (axis-b), rest]
	outRank := ir + pr - b - 1
	perm := []int64{}
	for i := range b {
		perm = append(perm, i)
	}
	for i := range axis - b {
		perm = append(perm, ir+i)
	}
	for i := b; i < ir; i++ {
		perm = append(perm, i)
	}
	for i := ir + axis - b; i < outRank; i++ {
		perm = append(perm, i)
	}
	res := g
	if axis > b {
		res = c.Op("Transpose", Attrs{"perm": perm}, g)
	}
	if int64(c.Rank(c.In(1))) == b {
		c.OpTo(c.Out(0), "Squeeze", nil, res, c.Int64s(axis)) // the one index dim
		return nil
	}
	c.Alias(c.Out(0), res)
	return nil
}

func arrGatherV1(c *Ctx) error {
	c.OpTo(c.Out(0), "Gather", Attrs{"axis": int64(0)}, c.In(0), c.In(1))
	return nil
}

func arrGatherNd(c *Ctx) error {
	attrs := Attrs{}
	if bd := c.Node.Int("batch_dims", 0); bd != 0 {
		attrs["batch_dims"] = bd // the same meaning in ONNX
	}
	c.OpTo(c.Out(0), "GatherND", attrs, c.In(0), arrInt64(c, c.In(1)))
	return nil
}

// arrPads turns TF paddings [rank, 2] into ONNX pads [begins..., ends...].
func arrPads(c *Ctx, paddings string) string {
	if p, ok := c.ConstInts(paddings); ok && len(p)%2 == 0 {
		r := len(p) / 2
		pads := make([]int64, 2*r)
		for i := range r {
			pads[i], pads[r+i] = p[2*i], p[2*i+1]
		}
		return c.Int64s(pads...)
	}
	t := c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, paddings)
	return arrInt64(c, c.Op("Reshape", nil, t, c.Int64s(-1)))
}

// Pad(input, paddings) and PadV2(input, paddings, constant_values).
func arrPad(c *Ctx) error {
	in := []string{c.In(0), arrPads(c, c.In(1))}
	if c.NumIn() > 2 {
		in = append(in, c.In(2))
	}
	c.OpTo(c.Out(0), "Pad", Attrs{"mode": "constant"}, in...)
	return nil
}

// MirrorPad: REFLECT is ONNX's reflect; SYMMETRIC (the edge repeated) has
// no ONNX mode and is built per axis from reversed slices and Concat.
func arrMirrorPad(c *Ctx) error {
	x := c.In(0)
	switch mode := c.Node.Str("mode", "REFLECT"); mode {
	case "REFLECT":
		c.OpTo(c.Out(0), "Pad", Attrs{"mode": "reflect"}, x, arrPads(c, c.In(1)))
		return nil
	case "SYMMETRIC":
	default:
		return c.Errorf("mode %q is not supported", mode)
	}
	p, ok := c.ConstInts(c.In(1))
	if !ok {
		return arrSymmetricPadDynamic(c, x)
	}
	type step struct{ axis, before, after int64 }
	var steps []step
	for i := 0; i+1 < len(p); i += 2 {
		if p[i] != 0 || p[i+1] != 0 {
			steps = append(steps, step{int64(i / 2), p[i], p[i+1]})
		}
	}
	if len(steps) == 0 {
		c.Alias(c.Out(0), x)
		return nil
	}
	v := x
	for k, s := range steps {
		ax := c.Int64s(s.axis)
		neg := c.Int64s(-1)
		var parts []string
		if s.before > 0 {
			// x[before-1::-1] along the axis
			parts = append(parts, c.Op("Slice", nil, v, c.Int64s(s.before-1), c.Int64s(arrInt64Min), ax, neg))
		}
		parts = append(parts, v)
		if s.after > 0 {
			// x[-1:-1-after:-1] along the axis
			parts = append(parts, c.Op("Slice", nil, v, c.Int64s(-1), c.Int64s(-1-s.after), ax, neg))
		}
		out := ""
		if k == len(steps)-1 {
			out = c.Out(0)
		}
		v = arrEmit(c, out, "Concat", Attrs{"axis": s.axis}, parts...)
	}
	return nil
}

// arrSymmetricPadDynamic pads each axis with run-time amounts: the axis
// reversed, its last `before` elements go first and its first `after`
// elements last (either may be empty).
func arrSymmetricPadDynamic(c *Ctx, x string) error {
	r := c.Rank(x)
	if r < 0 {
		return c.Errorf("SYMMETRIC padding by run-time amounts needs the input rank")
	}
	p := arrInt64(c, c.In(1))
	v := x
	for i := range r {
		row := c.Op("Gather", Attrs{"axis": int64(0)}, p, c.AddConst(graph.ScalarInt64(int64(i))))
		before := c.Op("Slice", nil, row, c.Int64s(0), c.Int64s(1))
		after := c.Op("Slice", nil, row, c.Int64s(1), c.Int64s(2))
		ax := c.Int64s(int64(i))
		rev := c.Op("Slice", nil, v, c.Int64s(-1), c.Int64s(arrInt64Min), ax, c.Int64s(-1))
		n := arrDim(c, v, int64(i))
		head := c.Op("Slice", nil, rev, c.Op("Sub", nil, n, before), c.Int64s(arrInt64Max), ax)
		tail := c.Op("Slice", nil, rev, c.Int64s(0), after, ax)
		out := ""
		if i == r-1 {
			out = c.Out(0)
		}
		v = arrEmit(c, out, "Concat", Attrs{"axis": int64(i)}, head, v, tail)
	}
	if r == 0 {
		c.Alias(c.Out(0), x)
	}
	return nil
}

func arrTile(c *Ctx) error {
	c.OpTo(c.Out(0), "Tile", nil, c.In(0), arrInt64(c, c.In(1)))
	return nil
}

// BroadcastTo is Expand: ONNX's broadcast goes both ways, but on shapes TF
// accepts it gives TF's result.
func arrBroadcastTo(c *Ctx) error {
	c.OpTo(c.Out(0), "Expand", nil, c.In(0), arrInt64(c, c.In(1)))
	return nil
}

// arrReverse reverses x along axes with Slice steps of -1.
func arrReverse(c *Ctx, x string, axes []int64) {
	if len(axes) == 0 {
		c.Alias(c.Out(0), x)
		return
	}
	n := len(axes)
	starts, ends, steps := make([]int64, n), make([]int64, n), make([]int64, n)
	for i := range axes {
		starts[i], ends[i], steps[i] = arrInt64Max, arrInt64Min, -1
	}
	c.OpTo(c.Out(0), "Slice", nil, x, c.Int64s(starts...), c.Int64s(ends...), c.Int64s(axes...), c.Int64s(steps...))
}

func arrReverseV2(c *Ctx) error {
	axes, ok := c.ConstInts(c.In(1))
	if !ok {
		return c.Errorf("the axes must be a constant")
	}
	if r := c.Rank(c.In(0)); r >= 0 {
		for i, a := range axes {
			if a < 0 {
				axes[i] = a + int64(r)
			}
		}
	}
	arrReverse(c, c.In(0), axes)
	return nil
}

// Reverse(tensor, dims) takes one bool per dim.
func arrReverseV1(c *Ctx) error {
	dims, ok := c.ConstInts(c.In(1))
	if !ok {
		return c.Errorf("dims must be a constant")
	}
	var axes []int64
	for i, d := range dims {
		if d != 0 {
			axes = append(axes, int64(i))
		}
	}
	arrReverse(c, c.In(0), axes)
	return nil
}
