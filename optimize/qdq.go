package optimize

import (
	"bytes"
	"math"

	"github.com/tf2onnx-go/tf2onnx/fold"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// The QDQ pass. A quantization-aware TF model maps to float ops with a
// QuantizeLinear → DequantizeLinear pair wherever TF fake-quantized a
// tensor; ops that only move elements (Transpose, Reshape, Split, Concat,
// Slice, Gather, ScatterND, ...) then sit between a DequantizeLinear and
// the next QuantizeLinear, computing on floats that are exactly the
// dequantized integers. onnxruntime runs a model quantized when every
// computing op reads DequantizeLinear outputs and feeds QuantizeLinear
// inputs (DQ → op → Q), so this pass moves the element-moving ops onto the
// quantized side:
//
//   - a DequantizeLinear moves down through an element-moving op whose data
//     inputs all come from DequantizeLinears of equal parameters:
//     op(DQ(a), DQ(b)) = DQ(op(a, b)), element for element;
//   - a QuantizeLinear moves up through an element-moving op all of whose
//     data outputs are read only by QuantizeLinears of equal parameters:
//     Q(op(x)) = op(Q(x)), QuantizeLinear being elementwise;
//   - Q(DQ(q)) with equal parameters is q: (q − z)·s/s rounds back to q − z
//     exactly for a normal scale, so the pair goes;
//   - a QuantizeLinear of a constant becomes the quantized constant
//     (computed as onnxruntime does: float32 division, ties to even,
//     saturation), so weights are stored 8-bit and read through one
//     DequantizeLinear, the form onnxruntime fuses into QLinearConv;
//   - a clamp (Min, Max, Clip, Relu) just before a QuantizeLinear whose
//     bounds quantize to the type's ends goes: QuantizeLinear is monotone
//     and saturates there itself (FakeQuant's clamp to its nudged range,
//     a Relu before a zero point of 0), so the computing op before it
//     feeds the QuantizeLinear directly, as onnxruntime's fusions need;
//   - a per-tensor DequantizeLinear read as a Conv or ConvTranspose weight
//     carries the output-channel axis (0 for Conv, 1 for ConvTranspose):
//     meaningless for one scale, it is where a per-channel one would be
//     and what tf2onnx writes.
//
// A per-axis scale moves only through Transpose (its axis follows the
// perm). Only 8-bit types move: onnxruntime has int8/uint8 kernels for
// every op listed in qdqDataIO. A Transpose is the one op the transpose
// pass also moves: see qdqHoldsTranspose for how the two agree, and
// liftInputTranspose for a float graph input's quantization.

// qparams is a QuantizeLinear/DequantizeLinear's constant parameters.
type qparams struct {
	scale *graph.Tensor
	zp    []int64 // one per scale element; zeros when absent
	dt    graph.DType
	axis  int64 // normalized; -1 per tensor
}

// qdqParams reads n's parameters; false when they are not constants, the
// type is not 8 bits, the scale is not a normal positive float32, or the
// node carries attributes this pass does not keep (block_size).
func qdqParams(g *graph.Graph, n *graph.Node) (qparams, bool) {
	var p qparams
	isQ := isOp(n, "QuantizeLinear")
	if !isQ && !isOp(n, "DequantizeLinear") || len(n.Inputs) < 2 || len(n.Inputs) > 3 || len(n.Outputs) != 1 ||
		n.Inputs[0] == "" || n.Int("block_size", 0) != 0 {
		return p, false
	}
	s := g.Consts[n.Inputs[1]]
	if s == nil || s.DType != graph.Float || len(s.Dims) > 1 || s.NumElements() < 1 {
		return p, false
	}
	for _, v := range s.Float32s() {
		// (q − z)·s stays a normal float32 for |q − z| ≤ 255.
		if !(v >= 1e-30 && v <= 1e30) {
			return p, false
		}
	}
	p.scale = s
	if len(n.Inputs) == 3 && n.Inputs[2] != "" {
		z := g.Consts[n.Inputs[2]]
		if z == nil || z.NumElements() != s.NumElements() {
			return p, false
		}
		p.dt, p.zp = z.DType, z.Int64s()
	} else {
		p.dt = graph.Uint8
		if !isQ {
			p.dt = g.DTypeOf(n.Inputs[0])
		}
		p.zp = make([]int64, s.NumElements())
	}
	if p.dt != graph.Int8 && p.dt != graph.Uint8 {
		return p, false
	}
	if od := n.Int("output_dtype", 0); isQ && od != 0 && graph.DType(od) != p.dt {
		return p, false
	}
	if want := graph.Float; isQ && g.DTypeOf(n.Inputs[0]) != want || !isQ && g.DTypeOf(n.Inputs[0]) != p.dt {
		return p, false
	}
	p.axis = -1
	if len(s.Dims) == 1 {
		r := int64(g.ShapeOf(n.Inputs[0]).Rank())
		a, ok := axisIn(n.Int("axis", 1), r)
		if r < 1 || !ok {
			return p, false
		}
		p.axis = a
	}
	return p, true
}

// same reports equal quantization: type, axis, scale and zero points.
func (p qparams) same(o qparams) bool {
	if p.dt != o.dt || p.axis != o.axis || len(p.zp) != len(o.zp) ||
		len(p.scale.Dims) != len(o.scale.Dims) || !bytes.Equal(p.scale.Data, o.scale.Data) {
		return false
	}
	for i := range p.zp {
		if p.zp[i] != o.zp[i] {
			return false
		}
	}
	return true
}

// qdqHoldsTranspose reports a DequantizeLinear that keeps a Transpose
// above it: one this pass moves, whose readers a Transpose could not
// travel on through (a MatMul, a Conv, a Reshape, a graph output). The
// transpose pass pushes a Transpose down through any other per-tensor
// DequantizeLinear, toward its inverse (TFLite's residual Adds between
// NCHW convs); this pass moves a DequantizeLinear below a Transpose only
// in the complementary case (moveDown), so the two never undo each other.
func qdqHoldsTranspose(ix *index, dq *graph.Node) bool {
	if !isOp(dq, "DequantizeLinear") {
		return false
	}
	if _, ok := qdqParams(ix.g, dq); !ok {
		return false
	}
	return !transposeTravels(ix, dq.Outputs[0])
}

// transposeTravels reports that a Transpose writing v could move on
// through every reader of v.
func transposeTravels(ix *index, v string) bool {
	if ix.isOutput(v) || len(ix.cons[v]) == 0 {
		return false
	}
	for _, c := range ix.cons[v] {
		if !readsDirect(c, v) || !(pushable(c) || isOp(c, "QuantizeLinear") && perTensorQDQ(ix.g, c)) {
			return false
		}
	}
	return true
}

// qdqDataIO lists the inputs and outputs of an op that carry the moved
// elements (its other inputs are indices, shapes or sizes); nil for ops
// that compute.
func qdqDataIO(n *graph.Node) (ins, outs []int) {
	if n.Domain != "" && n.Domain != "ai.onnx" || len(n.Subgraphs()) > 0 || len(n.Inputs) == 0 || len(n.Outputs) == 0 {
		return nil, nil
	}
	switch n.Op {
	case "Identity", "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Slice", "Gather",
		"GatherElements", "GatherND", "Expand", "Tile", "DepthToSpace", "SpaceToDepth":
		if len(n.Outputs) != 1 {
			return nil, nil
		}
		return []int{0}, []int{0}
	case "ScatterND", "ScatterElements":
		// A reduction (add, mul, max, min) computes on the updates.
		if len(n.Inputs) != 3 || len(n.Outputs) != 1 || n.Str("reduction", "none") != "none" {
			return nil, nil
		}
		return []int{0, 2}, []int{0}
	case "Concat":
		if len(n.Outputs) != 1 {
			return nil, nil
		}
		ins = make([]int, len(n.Inputs))
		for i := range ins {
			ins[i] = i
		}
		return ins, []int{0}
	case "Split":
		outs = make([]int, len(n.Outputs))
		for i := range outs {
			outs[i] = i
		}
		return []int{0}, outs
	}
	return nil, nil
}

// qdqAxisThrough is the per-axis quantization axis after moving through
// n: a DequantizeLinear's axis a of the input down (down=true) or a
// QuantizeLinear's axis of the output up. False when n cannot carry it.
func qdqAxisThrough(g *graph.Graph, n *graph.Node, a int64, down bool) (int64, bool) {
	if a < 0 || isOp(n, "Identity") {
		return a, true
	}
	if !isOp(n, "Transpose") {
		return 0, false
	}
	p := permOf(g, n)
	if p == nil || a >= int64(len(p)) {
		return 0, false
	}
	if !down {
		return p[a], true
	}
	for i, v := range p {
		if v == a {
			return int64(i), true
		}
	}
	return 0, false
}

// permOf is a Transpose's perm (reversed dims when absent), nil when
// unknown or invalid.
func permOf(g *graph.Graph, n *graph.Node) []int64 {
	if p, ok := n.Attrs["perm"].([]int64); ok {
		if !isPerm(p) {
			return nil
		}
		return p
	}
	r := g.ShapeOf(n.Inputs[0]).Rank()
	if r < 0 {
		return nil
	}
	p := make([]int64, r)
	for i := range p {
		p[i] = int64(r - 1 - i)
	}
	return p
}

type qdqRewriter struct {
	*index
	queue []*graph.Node
}

func qdqPass(g *graph.Graph, opset int) (bool, error) {
	r := &qdqRewriter{index: newIndex(g)}
	r.queue = append(r.queue, g.Nodes...)
	// Every rewrite moves a DequantizeLinear down or a QuantizeLinear up,
	// or removes one; the bound only guards against a bug.
	for steps := 0; len(r.queue) > 0 && steps < 64*len(g.Nodes)+1024; steps++ {
		n := r.queue[0]
		r.queue = r.queue[1:]
		if r.removed[n] {
			continue
		}
		switch {
		case isOp(n, "QuantizeLinear"):
			_ = r.foldConst(n) || r.dropPair(n) || r.dropClamp(n) || r.moveUp(n)
		case isOp(n, "Transpose"):
			r.liftInputTranspose(n)
		case isOp(n, "DequantizeLinear"):
			r.moveDown(n)
			if !r.removed[n] {
				r.kernelAxis(n)
			}
		}
	}
	return r.finish()
}

func (r *qdqRewriter) enqueue(n *graph.Node) { r.queue = append(r.queue, n) }

// qdqNode is a QuantizeLinear/DequantizeLinear like ref (its scale, zero
// point and attributes) reading in, writing out, with axis when per axis.
func (r *qdqRewriter) qdqNode(ref *graph.Node, in, out string, axis int64) *graph.Node {
	attrs := make(map[string]any, len(ref.Attrs))
	for k, v := range ref.Attrs {
		attrs[k] = v
	}
	if axis >= 0 {
		attrs["axis"] = axis
	}
	n := &graph.Node{Name: r.g.UniqueName(ref.Name), Op: ref.Op, Domain: ref.Domain, Attrs: attrs,
		Inputs: append([]string{in}, ref.Inputs[1:]...), Outputs: []string{out}}
	r.add(n)
	r.enqueue(n)
	return n
}

// moveDown moves DequantizeLinear d below each element-moving reader whose
// data inputs are all dequantized alike.
func (r *qdqRewriter) moveDown(d *graph.Node) {
	p, ok := qdqParams(r.g, d)
	if !ok {
		return
	}
	v := d.Outputs[0]
	for _, c := range r.consumers(v) {
		if r.removed[d] || r.removed[c] {
			return
		}
		ins, outs := qdqDataIO(c)
		if ins == nil || !readsOnlyAt(c, v, ins) {
			continue
		}
		axis, ok := qdqAxisThrough(r.g, c, p.axis, true)
		if !ok || isOp(c, "Transpose") && transposeTravels(r.index, c.Outputs[0]) {
			continue
		}
		dqs := make([]*graph.Node, len(ins))
		for k, i := range ins {
			x := r.producer(c.Inputs[i])
			if x == nil || !isOp(x, "DequantizeLinear") {
				ok = false
				break
			}
			if px, okx := qdqParams(r.g, x); !okx || !px.same(p) {
				ok = false
				break
			}
			dqs[k] = x
		}
		if !ok {
			continue
		}
		for k, i := range ins {
			r.setInput(c, i, dqs[k].Inputs[0])
		}
		for _, j := range outs {
			o := c.Outputs[j]
			if o == "" {
				continue
			}
			q := r.g.UniqueName(o + "_quantized")
			r.g.SetValue(q, p.dt, r.g.ShapeOf(o))
			r.setOutput(c, j, q)
			if r.uses(o) > 0 {
				r.qdqNode(d, q, o, axis)
			} else {
				delete(r.g.Values, o)
			}
		}
		for _, x := range dqs {
			r.dropIfUnused(x)
		}
	}
}

// moveUp moves QuantizeLinear q above the element-moving op it reads,
// when every data output of that op is read only by QuantizeLinears like q.
func (r *qdqRewriter) moveUp(q *graph.Node) bool {
	p, ok := qdqParams(r.g, q)
	if !ok {
		return false
	}
	n := r.producer(q.Inputs[0])
	if n == nil {
		return false
	}
	ins, outs := qdqDataIO(n)
	if ins == nil {
		return false
	}
	axis, ok := qdqAxisThrough(r.g, n, p.axis, false)
	if !ok || isOp(n, "Transpose") && r.ins[n.Inputs[0]] {
		return false // see liftInputTranspose
	}
	var readers []*graph.Node
	for _, j := range outs {
		o := n.Outputs[j]
		if o == "" {
			continue
		}
		if r.isOutput(o) {
			return false
		}
		for _, c := range r.cons[o] {
			if !isOp(c, "QuantizeLinear") || !readsOnlyAt(c, o, []int{0}) {
				return false
			}
			if pc, okc := qdqParams(r.g, c); !okc || !pc.same(p) {
				return false
			}
			readers = append(readers, c)
		}
	}
	for _, i := range ins {
		if in := n.Inputs[i]; in == "" || r.g.DTypeOf(in) != graph.Float {
			return false
		}
	}
	quantized := map[string]string{}
	for _, i := range ins {
		in := n.Inputs[i]
		qin, done := quantized[in]
		if !done {
			qin = r.g.UniqueName(in + "_quantized")
			r.g.SetValue(qin, p.dt, r.g.ShapeOf(in))
			r.qdqNode(q, in, qin, axis)
			quantized[in] = qin
		}
		r.setInput(n, i, qin)
	}
	for _, j := range outs {
		if o := n.Outputs[j]; o != "" {
			r.g.SetValue(o, p.dt, r.g.ShapeOf(o))
		}
	}
	for _, c := range readers {
		o := n.Outputs[0]
		for _, j := range outs {
			if c.Inputs[0] == n.Outputs[j] {
				o = n.Outputs[j]
			}
		}
		r.remove(c)
		r.replaceUses(c.Outputs[0], o)
		if r.producer(c.Outputs[0]) == nil {
			delete(r.g.Values, c.Outputs[0])
		}
	}
	return true
}

// liftInputTranspose moves Transpose t above the QuantizeLinear of a
// float graph input that it reads: x → Q → T becomes x → T → Q, the layout
// changed before quantizing. onnxruntime fuses the first Conv of a model
// with a float input only in that form (or with T after the
// DequantizeLinear, which its opset-21 transpose optimizer turns into an
// invalid QuantizeLinear); the transpose pass leaves it there.
func (r *qdqRewriter) liftInputTranspose(t *graph.Node) {
	if len(t.Inputs) != 1 || len(t.Outputs) != 1 || r.isOutput(t.Outputs[0]) {
		return
	}
	q := r.producer(t.Inputs[0])
	if q == nil || !isOp(q, "QuantizeLinear") || !r.ins[q.Inputs[0]] || r.uses(q.Outputs[0]) != 1 {
		return
	}
	p, ok := qdqParams(r.g, q)
	if !ok {
		return
	}
	axis, ok := qdqAxisThrough(r.g, t, p.axis, true)
	if !ok {
		return
	}
	x, v, y := q.Inputs[0], q.Outputs[0], t.Outputs[0]
	xt := r.g.UniqueName(x + "__tr")
	r.g.SetValue(xt, graph.Float, r.g.ShapeOf(y))
	r.g.SetValue(y, p.dt, r.g.ShapeOf(y))
	r.setOutput(t, 0, xt)
	r.setInput(t, 0, x)
	r.setOutput(q, 0, y)
	r.setInput(q, 0, xt)
	if axis >= 0 {
		if q.Attrs == nil {
			q.Attrs = map[string]any{}
		}
		q.Attrs["axis"] = axis
	}
	delete(r.g.Values, v)
}

// dropPair makes Q(DQ(q)) with equal parameters q.
func (r *qdqRewriter) dropPair(q *graph.Node) bool {
	d := r.producer(q.Inputs[0])
	if d == nil || !isOp(d, "DequantizeLinear") {
		return false
	}
	pq, ok1 := qdqParams(r.g, q)
	pd, ok2 := qdqParams(r.g, d)
	if !ok1 || !ok2 || !pq.same(pd) {
		return false
	}
	out := q.Outputs[0]
	r.remove(q)
	r.replaceUses(out, d.Inputs[0])
	if r.producer(out) == nil {
		delete(r.g.Values, out)
	}
	r.dropIfUnused(d)
	return true
}

func (r *qdqRewriter) dropIfUnused(n *graph.Node) {
	if r.removed[n] {
		return
	}
	for _, o := range n.Outputs {
		if o != "" && r.uses(o) > 0 {
			return
		}
	}
	r.remove(n)
	for _, o := range n.Outputs {
		delete(r.g.Values, o)
	}
}

// foldConst replaces a QuantizeLinear of a constant by the quantized
// constant, computed as onnxruntime's kernel does: x/scale in float32,
// rounded half to even, plus the zero point, saturated to the type.
func (r *qdqRewriter) foldConst(q *graph.Node) bool {
	x := r.constOf(q.Inputs[0])
	if x == nil || x.DType != graph.Float || r.isOutput(q.Outputs[0]) || x.NumElements() > fold.MaxFoldedBytes {
		return false
	}
	p, ok := qdqParams(r.g, q)
	if !ok {
		return false
	}
	vals := quantizeValues(x, p)
	if vals == nil {
		return false
	}
	out := q.Outputs[0]
	r.remove(q)
	r.g.SetConst(out, graph.NewIntTensor(p.dt, append([]int64{}, x.Dims...), vals))
	// The readers now read a constant: let them move too.
	for _, c := range r.cons[out] {
		r.enqueue(c)
	}
	return true
}

// dropClamp removes a clamp read only by QuantizeLinear q whose bounds
// change nothing q computes: q is monotone, so Q(min(x, c)) = Q(x) when
// Q(c) is the type's maximum, and Q(max(x, c)) = Q(x) when Q(c) is its
// minimum. The bounds must saturate by a margin, so that onnxruntime's
// arithmetic (a reciprocal, another rounding) cannot tell otherwise.
func (r *qdqRewriter) dropClamp(q *graph.Node) bool {
	p, ok := qdqParams(r.g, q)
	if !ok {
		return false
	}
	c := r.producer(q.Inputs[0])
	if c == nil || len(c.Outputs) != 1 || r.uses(c.Outputs[0]) != 1 || len(c.Subgraphs()) > 0 || len(c.Inputs) == 0 {
		return false
	}
	var x, lo, hi string
	switch {
	case isOp(c, "Relu") && len(c.Inputs) == 1:
		x = c.Inputs[0]
	case isOp(c, "Clip") && len(c.Inputs) >= 1 && len(c.Inputs) <= 3:
		x = c.Inputs[0]
		if len(c.Inputs) > 1 {
			lo = c.Inputs[1]
		}
		if len(c.Inputs) > 2 {
			hi = c.Inputs[2]
		}
	case (isOp(c, "Min") || isOp(c, "Max")) && len(c.Inputs) == 2:
		k := 1
		if r.isConst(c.Inputs[0]) && !r.isConst(c.Inputs[1]) {
			k = 0
		}
		x = c.Inputs[1-k]
		if isOp(c, "Min") {
			hi = c.Inputs[k]
		} else {
			lo = c.Inputs[k]
		}
	default:
		return false
	}
	xs, cs := r.g.ShapeOf(x), r.g.ShapeOf(c.Outputs[0])
	// The same shape in and out (symbolic dims by name): the bound does
	// not broadcast x wider.
	if x == "" || r.g.DTypeOf(x) != graph.Float || !xs.Known || !cs.Known || xs.String() != cs.String() {
		return false
	}
	tmin, tmax := qdqRange(p.dt)
	if isOp(c, "Relu") {
		if !r.saturates(graph.ScalarOf(graph.Float, 0), xs.Rank(), p, tmin) {
			return false
		}
	}
	for _, b := range []struct {
		name string
		end  int64
	}{{lo, tmin}, {hi, tmax}} {
		if b.name == "" {
			continue
		}
		t := r.constOf(b.name)
		if t == nil || t.DType != graph.Float || !r.saturates(t, xs.Rank(), p, b.end) {
			return false
		}
	}
	r.remove(c)
	delete(r.g.Values, c.Outputs[0])
	r.setInput(q, 0, x)
	r.enqueue(q)
	return true
}

// saturates reports that every element of bound t (broadcast against a
// value of rank rank) quantizes to end with p, by a margin of a tenth of
// a step past the rounding boundary.
func (r *qdqRewriter) saturates(t *graph.Tensor, rank int, p qparams, end int64) bool {
	if len(t.Dims) > rank {
		return false
	}
	ss := p.scale.Float32s()
	vals := t.Float32s()
	for i, v := range vals {
		// The channels element i meets: all of them unless t runs
		// along the quantization axis.
		chans := []int{}
		if p.axis < 0 {
			chans = append(chans, 0)
		} else {
			ta := int(p.axis) - (rank - len(t.Dims))
			if ta >= 0 && t.Dims[ta] != 1 {
				inner := numelOf(t.Dims[ta+1:])
				chans = append(chans, int((int64(i)/inner)%t.Dims[ta]))
			} else {
				for ch := range ss {
					chans = append(chans, ch)
				}
			}
		}
		for _, ch := range chans {
			if ch >= len(ss) {
				return false
			}
			y := float64(v)/float64(ss[ch]) + float64(p.zp[ch])
			if end == qdqRangeMax(p.dt) && !(y >= float64(end)-0.4) || end != qdqRangeMax(p.dt) && !(y <= float64(end)+0.4) {
				return false
			}
		}
	}
	return true
}

func numelOf(d []int64) int64 {
	n := int64(1)
	for _, x := range d {
		n *= x
	}
	return n
}

// qdqRange is the integer range of an 8-bit type.
func qdqRange(dt graph.DType) (int64, int64) {
	if dt == graph.Int8 {
		return -128, 127
	}
	return 0, 255
}

func qdqRangeMax(dt graph.DType) int64 {
	_, hi := qdqRange(dt)
	return hi
}

// quantizeValues is QuantizeLinear of x with p; nil when a per-axis scale
// does not fit x's dims or x holds a NaN.
func quantizeValues(x *graph.Tensor, p qparams) []int64 {
	lo, hi := qdqRange(p.dt)
	xs, ss := x.Float32s(), p.scale.Float32s()
	inner, size := int64(1), int64(1)
	if p.axis >= 0 {
		if p.axis >= int64(len(x.Dims)) || x.Dims[p.axis] != int64(len(ss)) {
			return nil
		}
		size = x.Dims[p.axis]
		for _, d := range x.Dims[p.axis+1:] {
			inner *= d
		}
	}
	out := make([]int64, len(xs))
	for i, v := range xs {
		c := (int64(i) / inner) % size
		y := math.RoundToEven(float64(v / ss[c]))
		if math.IsNaN(y) {
			return nil // left to the runtime's own conversion
		}
		out[i] = max(lo, min(hi, int64(max(-1e9, min(1e9, y)))+p.zp[c]))
	}
	return out
}

// kernelAxis gives a per-tensor DequantizeLinear read only as Conv or
// ConvTranspose weights the output-channel axis of those weights.
func (r *qdqRewriter) kernelAxis(d *graph.Node) {
	p, ok := qdqParams(r.g, d)
	if !ok || p.axis >= 0 || r.isOutput(d.Outputs[0]) {
		return
	}
	want := int64(-1)
	for _, c := range r.cons[d.Outputs[0]] {
		a := int64(-1)
		switch {
		case isOp(c, "Conv"):
			a = 0
		case isOp(c, "ConvTranspose"):
			a = 1
		}
		if a < 0 || !readsOnlyAt(c, d.Outputs[0], []int{1}) || want >= 0 && want != a {
			return
		}
		want = a
	}
	// Written out even where it is the default: readers of the model
	// (tf2onnx's tests) look for the attribute.
	if a, ok := d.Attrs["axis"].(int64); want >= 0 && (!ok || a != want) {
		if d.Attrs == nil {
			d.Attrs = map[string]any{}
		}
		d.Attrs["axis"] = want
		r.changed = true
	}
}

// readsOnlyAt reports that n reads v at the given input positions only.
func readsOnlyAt(n *graph.Node, v string, at []int) bool {
	seen := false
	for i, in := range n.Inputs {
		if in != v {
			continue
		}
		if !containsInt(at, i) {
			return false
		}
		seen = true
	}
	return seen && !(len(n.Subgraphs()) > 0 && readsInSubgraph(n, v))
}

func containsInt(list []int, x int) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}
