package optimize

import (
	"encoding/binary"
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Fusions of an op with the per-channel arithmetic that follows it. Each
// folds constants into new constants (the old ones stay for other readers
// and go with dead-nodes when none is left) and makes the fused node
// produce the follower's output, so that its name survives.

// convInfo describes the output channels of a Conv or ConvTranspose with
// constant weights: channels is their number, channelOf maps a weight
// element's flat index to its output channel.
type convInfo struct {
	w         *graph.Tensor
	b         *graph.Tensor // nil when the node has no bias
	channels  int64
	channelOf func(e int64) int64
	run       int64 // consecutive weight elements share a channel in runs of this length
	// quantized: the weights are DequantizeLinear(constant), w has their
	// dims but no data; a bias still folds, a scale does not.
	quantized bool
}

func (ix *index) convInfo(c *graph.Node) *convInfo {
	if !(isOp(c, "Conv") || isOp(c, "ConvTranspose")) || len(c.Inputs) < 2 || len(c.Outputs) != 1 {
		return nil
	}
	w := ix.constOf(c.Inputs[1])
	quantized := false
	if dq := ix.prod[c.Inputs[1]]; w == nil && isOp(dq, "DequantizeLinear") {
		if q := ix.constOf(dq.Inputs[0]); q != nil && ix.g.DTypeOf(c.Inputs[1]) == graph.Float {
			w, quantized = &graph.Tensor{DType: graph.Float, Dims: q.Dims}, true
		}
	}
	if w == nil || len(w.Dims) < 3 || !isFloat(w.DType) || (!quantized && elemSize(w) == 0) {
		return nil
	}
	info := &convInfo{w: w, quantized: quantized}
	if len(c.Inputs) > 2 && c.Inputs[2] != "" {
		info.b = ix.constOf(c.Inputs[2])
		if info.b == nil || info.b.DType != w.DType {
			return nil
		}
	}
	inner := int64(1) // elements per (dim0, dim1) pair
	for _, d := range w.Dims[2:] {
		inner *= d
	}
	if c.Op == "Conv" {
		info.channels = w.Dims[0]
		per := w.Dims[1] * inner
		info.channelOf = func(e int64) int64 { return e / per }
		info.run = per
	} else {
		group := c.Int("group", 1)
		if group <= 0 || w.Dims[0]%group != 0 {
			return nil
		}
		outPer := w.Dims[1] // output channels per group
		inPer := w.Dims[0] / group
		info.channels = outPer * group
		info.channelOf = func(e int64) int64 {
			ci := e / (outPer * inner)
			k := (e / inner) % outPer
			return (ci/inPer)*outPer + k
		}
		info.run = inner
	}
	if info.b != nil && (len(info.b.Dims) != 1 || info.b.Dims[0] != info.channels) {
		return nil
	}
	return info
}

// channelConst reads other, a constant of dtype dt with one value per
// output channel of a rank-r conv output.
func (ix *index) channelConst(other string, dt graph.DType, r int, channels int64) ([]float64, bool) {
	k := ix.constOf(other)
	if k == nil || k.DType != dt {
		return nil, false
	}
	return perChannel(k, r, channels)
}

// perChannel reads a constant that broadcasts against an output of rank r
// only along the channel axis (1), as [C,1,1], [1,C,1,1], [1] or a scalar;
// it returns one value per channel.
func perChannel(k *graph.Tensor, r int, channels int64) ([]float64, bool) {
	if k == nil || !isFloat(k.DType) || elemSize(k) == 0 {
		return nil, false
	}
	full, ok := alignRank(k.Dims, r)
	if !ok {
		return nil, false
	}
	for i, d := range full {
		if i != 1 && d != 1 {
			return nil, false
		}
	}
	if full[1] != 1 && full[1] != channels {
		return nil, false
	}
	v := k.Float64s()
	out := make([]float64, channels)
	for i := range out {
		if len(v) == 1 {
			out[i] = v[0]
		} else {
			out[i] = v[i]
		}
	}
	return out, true
}

// fuseConv folds what follows a Conv (ConvTranspose) into its weights and
// bias: Add/Sub of a per-channel constant into the bias, Mul by one into
// the weights and bias, and an inference BatchNormalization with constant
// parameters into both.
func fuseConv(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, c := range g.Nodes {
		if ix.removed[c] {
			continue
		}
		for ix.fuseConvOnce(c) {
		}
	}
	return ix.finish()
}

func (ix *index) fuseConvOnce(c *graph.Node) bool {
	info := ix.convInfo(c)
	if info == nil {
		return false
	}
	y := c.Outputs[0]
	f := ix.soleConsumer(y)
	if f == nil || len(f.Outputs) < 1 || len(f.Subgraphs()) > 0 {
		return false
	}
	r := len(info.w.Dims)
	dt := info.w.DType
	bias := make([]float64, info.channels)
	if info.b != nil {
		bias = info.b.Float64s()
	}
	scale := []float64(nil) // nil: the weights stay
	switch {
	case (isOp(f, "Add") || isOp(f, "Sub")) && len(f.Inputs) == 2 && len(f.Outputs) == 1:
		other, sign := f.Inputs[1], 1.0
		if f.Inputs[1] == y {
			if f.Op == "Sub" {
				return false // k - conv negates the weights too; leave it
			}
			other = f.Inputs[0]
		}
		if f.Op == "Sub" {
			sign = -1
		}
		v, ok := ix.channelConst(other, dt, r, info.channels)
		if !ok {
			return false
		}
		for i := range bias {
			bias[i] += sign * v[i]
		}
	case info.quantized && !isOp(f, "Add") && !isOp(f, "Sub"):
		return false
	case isOp(f, "Mul") && len(f.Inputs) == 2 && len(f.Outputs) == 1:
		other := f.Inputs[1]
		if other == y {
			other = f.Inputs[0]
		}
		v, ok := ix.channelConst(other, dt, r, info.channels)
		if !ok {
			return false
		}
		scale = v
		for i := range bias {
			bias[i] *= v[i]
		}
	case isOp(f, "BatchNormalization") && len(f.Inputs) == 5 && f.Inputs[0] == y:
		if f.Int("training_mode", 0) != 0 {
			return false
		}
		for _, o := range f.Outputs[1:] {
			if o != "" && ix.uses(o) > 0 {
				return false
			}
		}
		var p [4][]float64
		for i := range p {
			k := ix.constOf(f.Inputs[1+i])
			if k == nil || k.DType != dt || len(k.Dims) != 1 || k.Dims[0] != info.channels {
				return false
			}
			p[i] = k.Float64s()
		}
		eps := float64(f.Float("epsilon", 1e-5))
		scale = make([]float64, info.channels)
		for i := range scale {
			scale[i] = p[0][i] / math.Sqrt(p[3][i]+eps)
			bias[i] = (bias[i]-p[2][i])*scale[i] + p[1][i]
		}
	default:
		return false
	}
	hint := c.Name
	if scale != nil {
		if ix.ownsConst(c.Inputs[1], info.w) {
			// Only this Conv reads the weights (the usual case: a fresh
			// transposed copy), so they are scaled in place rather than
			// holding a second copy of most of the model's bytes.
			scaleWeights(info.w, info.w, scale, info.channelOf, info.run)
		} else {
			w := &graph.Tensor{DType: info.w.DType, Dims: append([]int64{}, info.w.Dims...), Data: make([]byte, len(info.w.Data))}
			scaleWeights(w, info.w, scale, info.channelOf, info.run)
			ix.setInput(c, 1, ix.addConst(hint+"/W", w))
		}
	}
	b := ix.addConst(hint+"/B", graph.NewTensor(dt, []int64{info.channels}, bias))
	for len(c.Inputs) < 3 {
		c.Inputs = append(c.Inputs, "")
	}
	ix.setInput(c, 2, b)
	out := f.Outputs[0]
	ix.remove(f)
	ix.setOutput(c, 0, out)
	return true
}

// fuseGemm turns MatMul(A, B) + C, with A of rank 2 and B and C constant,
// into Gemm(A, B, C).
func fuseGemm(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, m := range g.Nodes {
		if ix.removed[m] || !isOp(m, "MatMul") || len(m.Inputs) != 2 || len(m.Outputs) != 1 {
			continue
		}
		a, bv := m.Inputs[0], m.Inputs[1]
		b := ix.constOf(bv)
		if b == nil || len(b.Dims) != 2 || !isFloat(b.DType) || g.ShapeOf(a).Rank() != 2 {
			continue
		}
		f := ix.soleConsumer(m.Outputs[0])
		if f == nil || !isOp(f, "Add") || len(f.Inputs) != 2 || len(f.Outputs) != 1 {
			continue
		}
		other := f.Inputs[1]
		if other == m.Outputs[0] {
			other = f.Inputs[0]
		}
		k := ix.constOf(other)
		if k == nil || k.DType != b.DType || len(k.Dims) > 2 {
			continue
		}
		// C must broadcast to [M, N] one way: [N], [1,N], [1], [1,1] or [].
		full, _ := alignRank(k.Dims, 2)
		if full[0] != 1 || (full[1] != 1 && full[1] != b.Dims[1]) {
			continue
		}
		gemm := &graph.Node{Name: m.Name, Op: "Gemm", Inputs: []string{a, bv, other}, Outputs: []string{f.Outputs[0]}, Attrs: map[string]any{}}
		ix.remove(m)
		ix.remove(f)
		ix.add(gemm)
	}
	return ix.finish()
}

// scaleWeights writes src's weights, each multiplied by its output
// channel's scale, into dst (which may be src). float32 weights, nearly
// every model's, are done on the raw bytes without a float64 copy.
func scaleWeights(dst, src *graph.Tensor, scale []float64, channelOf func(int64) int64, run int64) {
	if src.DType != graph.Float || int64(len(src.Data)) != 4*src.NumElements() || run <= 0 {
		v := src.Float64s()
		for e := range v {
			v[e] *= scale[channelOf(int64(e))]
		}
		dst.Data = graph.NewTensor(src.DType, src.Dims, v).Data
		return
	}
	n := int64(len(src.Data)) / 4
	for start := int64(0); start < n; start += run {
		k := scale[channelOf(start)]
		in, out := src.Data[4*start:4*(start+run)], dst.Data[4*start:4*(start+run)]
		for i := 0; i+4 <= len(in); i += 4 {
			x := math.Float32frombits(binary.LittleEndian.Uint32(in[i:]))
			binary.LittleEndian.PutUint32(out[i:], math.Float32bits(float32(float64(x)*k)))
		}
	}
}

// ownsConst reports whether constant v (holding t) has exactly one reader
// and shares its bytes with no other constant, so it may change in place.
// Which constants share bytes is counted once per pass (a scan of every
// constant per fusion made the pass quadratic in the model's size).
func (ix *index) ownsConst(v string, t *graph.Tensor) bool {
	if ix.uses(v) != 1 || len(t.Data) == 0 {
		return false
	}
	if ix.dataOwners == nil {
		ix.dataOwners = make(map[*byte]int, len(ix.g.Consts))
		for _, o := range ix.g.Consts {
			if len(o.Data) > 0 {
				ix.dataOwners[&o.Data[0]]++
			}
		}
	}
	return ix.dataOwners[&t.Data[0]] <= 1
}

// fuseScaleForward folds a positive per-channel scale into the convolutions
// that read it through an optional per-channel shift and Relu: for s > 0,
// relu(s·x + b) = s·relu(x + b/s), and s moves into the readers' weights
// along their input channels (zero padding stays zero). This is a batch
// norm before its Relu and Conv, as DenseNet has after every Concat, where
// no conv precedes it to take the scale: a Mul (and Add), or an inference
// BatchNormalization, which becomes one Add.
func fuseScaleForward(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, m := range g.Nodes {
		if ix.removed[m] || len(m.Outputs) < 1 {
			continue
		}
		switch {
		case isOp(m, "Mul") && len(m.Inputs) == 2 && len(m.Outputs) == 1:
			ix.mulForward(m)
		case isOp(m, "BatchNormalization"):
			ix.batchNormForward(m)
		}
	}
	return ix.finish()
}

// forwardTarget is what a per-channel scale of a value x of shape s moves
// into: the Convs reading x·s (through an optional shift node and Relu).
type forwardTarget struct {
	x        string
	s        graph.Shape
	dt       graph.DType
	channels int64
}

func (ix *index) forwardOf(x string) *forwardTarget {
	s := ix.g.ShapeOf(x)
	dt := ix.g.DTypeOf(x)
	if s.Rank() < 3 || !s.Dims[1].Known() || !isFloat(dt) {
		return nil
	}
	return &forwardTarget{x: x, s: s, dt: dt, channels: s.Dims[1].Size}
}

func positive(v []float64) bool {
	for _, x := range v {
		if !(x > 0) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// readerConvs returns the Convs that read v (a value no graph output
// names) when they are all its readers and can take a scale of their input
// channels into their constant weights; nil otherwise.
func (ix *index) readerConvs(v string, ft *forwardTarget) []*graph.Node {
	if ix.isOutput(v) || len(ix.cons[v]) == 0 {
		return nil
	}
	var convs []*graph.Node
	for _, c := range ix.cons[v] {
		if !isOp(c, "Conv") || len(c.Inputs) < 2 || c.Inputs[0] != v || c.Inputs[1] == v {
			return nil
		}
		w := ix.constOf(c.Inputs[1])
		if w == nil || w.DType != ft.dt || len(w.Dims) != ft.s.Rank() || elemSize(w) == 0 {
			return nil
		}
		group := c.Int("group", 1)
		if group <= 0 || ft.channels%group != 0 || w.Dims[1] != ft.channels/group || w.Dims[0]%group != 0 {
			return nil
		}
		convs = append(convs, c)
	}
	return convs
}

// scaleInputChannels multiplies each Conv's weights by scale along its
// input channels (a new constant per Conv).
func (ix *index) scaleInputChannels(convs []*graph.Node, scale []float64) {
	for _, c := range convs {
		w := ix.constOf(c.Inputs[1])
		inner := int64(1)
		for _, d := range w.Dims[2:] {
			inner *= d
		}
		cPer := w.Dims[1]
		mPer := w.Dims[0] / c.Int("group", 1)
		channelOf := func(e int64) int64 {
			o := e / (cPer * inner)
			return (o/mPer)*cPer + (e/inner)%cPer
		}
		nw := &graph.Tensor{DType: w.DType, Dims: append([]int64{}, w.Dims...), Data: make([]byte, len(w.Data))}
		scaleWeights(nw, w, scale, channelOf, inner)
		ix.setInput(c, 1, ix.addConst(c.Name+"/W", nw))
	}
}

// channelShape is [C, 1, …] for a per-channel constant of a rank-r value.
func channelShape(r int, channels int64) []int64 {
	shape := make([]int64, r-1)
	for i := range shape {
		shape[i] = 1
	}
	shape[0] = channels
	return shape
}

// mulForward handles a Mul by a per-channel constant.
func (ix *index) mulForward(m *graph.Node) bool {
	xi := 0
	if ix.isConst(m.Inputs[0]) {
		xi = 1
	}
	ft := ix.forwardOf(m.Inputs[xi])
	if ft == nil {
		return false
	}
	scale, ok := ix.channelConst(m.Inputs[1-xi], ft.dt, ft.s.Rank(), ft.channels)
	if !ok || !fitsWithin(ix.constOf(m.Inputs[1-xi]).Dims, ft.s) || !positive(scale) {
		return false
	}
	// Walk m → [Add/Sub of a per-channel constant] → [Relu] → Convs.
	var add, relu *graph.Node
	v := m.Outputs[0]
	if c := ix.soleConsumer(v); (isOp(c, "Add") || isOp(c, "Sub") && c.Inputs[0] == v) && len(c.Inputs) == 2 && len(c.Outputs) == 1 {
		other := c.Inputs[1]
		if other == v {
			other = c.Inputs[0]
		}
		if k := ix.constOf(other); k != nil && fitsWithin(k.Dims, ft.s) {
			if _, ok := ix.channelConst(other, ft.dt, ft.s.Rank(), ft.channels); ok {
				add, v = c, c.Outputs[0]
			}
		}
	}
	if c := ix.soleConsumer(v); isOp(c, "Relu") && len(c.Outputs) == 1 {
		relu, v = c, c.Outputs[0]
	}
	if relu == nil && add != nil {
		return false // x·s + b straight into a conv: b would need the conv's padding to fold
	}
	convs := ix.readerConvs(v, ft)
	if convs == nil {
		return false
	}
	ix.scaleInputChannels(convs, scale)
	if add != nil {
		ki := 1
		if add.Inputs[1] == m.Outputs[0] {
			ki = 0
		}
		b, _ := ix.channelConst(add.Inputs[ki], ft.dt, ft.s.Rank(), ft.channels)
		for i := range b {
			b[i] /= scale[i]
		}
		ix.setInput(add, ki, ix.addConst(add.Name+"/shift", graph.NewTensor(ft.dt, channelShape(ft.s.Rank(), ft.channels), b)))
	}
	ix.remove(m)
	ix.replaceUses(m.Outputs[0], ft.x)
	return true
}

// batchNormForward handles an inference BatchNormalization with constant
// parameters followed by Relu and Convs: it becomes Add(x, shift/scale).
func (ix *index) batchNormForward(n *graph.Node) bool {
	if len(n.Inputs) != 5 || n.Int("training_mode", 0) != 0 {
		return false
	}
	for _, o := range n.Outputs[1:] {
		if o != "" && ix.uses(o) > 0 {
			return false
		}
	}
	ft := ix.forwardOf(n.Inputs[0])
	if ft == nil {
		return false
	}
	var p [4][]float64
	for i := range p {
		k := ix.constOf(n.Inputs[1+i])
		if k == nil || k.DType != ft.dt || len(k.Dims) != 1 || k.Dims[0] != ft.channels || elemSize(k) == 0 {
			return false
		}
		p[i] = k.Float64s()
	}
	eps := float64(n.Float("epsilon", 1e-5))
	scale, shift := make([]float64, ft.channels), make([]float64, ft.channels)
	for i := range scale {
		scale[i] = p[0][i] / math.Sqrt(p[3][i]+eps)
		shift[i] = (p[1][i] - p[2][i]*scale[i]) / scale[i]
	}
	if !positive(scale) {
		return false
	}
	relu := ix.soleConsumer(n.Outputs[0])
	if !isOp(relu, "Relu") || len(relu.Outputs) != 1 {
		return false
	}
	convs := ix.readerConvs(relu.Outputs[0], ft)
	if convs == nil {
		return false
	}
	ix.scaleInputChannels(convs, scale)
	out := n.Outputs[0]
	b := ix.addConst(n.Name+"/shift", graph.NewTensor(ft.dt, channelShape(ft.s.Rank(), ft.channels), shift))
	ix.remove(n)
	ix.add(&graph.Node{Name: n.Name, Op: "Add", Inputs: []string{ft.x, b}, Outputs: []string{out}})
	return true
}
