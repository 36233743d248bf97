package tfrewrite

import (
	"slices"
	"strconv"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// DilatedConv folds the pattern TF1 graphs use for dilated (atrous)
// convolutions — tf.compat.v1.nn.atrous_conv2d and dilated depthwise convs
// still emit it in TF 2.x —
//
//	SpaceToBatchND(x, block, paddings) → Conv2D/DepthwiseConv2dNative/Conv3D
//	(VALID, stride 1) → BatchToSpaceND(·, block, crops)
//
// into one conv on x with dilations = block and explicit pads = paddings −
// crops. Every phase of the space-to-batch image is the input sampled with
// stride `block`, so a VALID conv on each phase, interleaved back, is the
// dilated conv of the padded input; cropping the result is the same as
// padding less. With unknown input sizes TF computes paddings and crops
// from the input's shape; they still differ by constants, which a small
// symbolic evaluation of their subgraphs proves.
var DilatedConv = Pass{
	Name: "dilated-conv",
	Doc:  "fold SpaceToBatchND → conv → BatchToSpaceND into a conv with dilations",
	Run:  dilatedConv,
}

// dilSoleUse reports whether value v is read by exactly the one node n and
// is not a graph output.
func dilSoleUse(g *graph.Graph, cons map[string][]*graph.Node, v string, n *graph.Node) bool {
	c := cons[v]
	return len(c) == 1 && c[0] == n && !g.IsOutput(v)
}

func dilatedConv(g *graph.Graph) (bool, error) {
	prod := g.Producers()
	cons := g.Consumers()
	changed := false
	for _, b2s := range append([]*graph.Node{}, g.Nodes...) {
		if !isOp(b2s, "BatchToSpaceND") || len(b2s.Inputs) != 3 {
			continue
		}
		// single reports the TF node producing v as its only output, read
		// only by user.
		single := func(v string, user *graph.Node, ops ...string) *graph.Node {
			n := prod[v]
			if !isOp(n, ops...) || len(n.Outputs) != 1 || n.Outputs[0] != v || !dilSoleUse(g, cons, v, user) {
				return nil
			}
			return n
		}
		// A 1-D conv is ExpandDims → Conv2D → Squeeze on the spatial axis.
		var squeeze, expand *graph.Node
		convOut := b2s.Inputs[0]
		if squeeze = single(convOut, b2s, "Squeeze"); squeeze != nil {
			convOut = squeeze.Inputs[0]
		}
		conv := single(convOut, dilOr(squeeze, b2s), "Conv2D", "DepthwiseConv2dNative", "Conv3D", "MaxPool", "MaxPool3D")
		if conv == nil || len(conv.Inputs) < 1 {
			continue
		}
		convIn := conv.Inputs[0]
		if squeeze != nil {
			if expand = single(convIn, conv, "ExpandDims"); expand == nil || !dilIs1D(g, squeeze, expand) || conv.Op != "Conv2D" {
				continue
			}
			convIn = expand.Inputs[0]
		}
		s2b := single(convIn, dilOr(expand, conv), "SpaceToBatchND")
		if s2b == nil || len(s2b.Inputs) != 3 {
			continue
		}
		m := 2
		if conv.Op == "Conv3D" || conv.Op == "MaxPool3D" {
			m = 3
		}
		blockDims := m
		if squeeze != nil {
			blockDims = 1
		}
		pads, ok := dilPads(g, prod, s2b, conv, b2s, blockDims)
		if !ok {
			continue
		}
		block := g.Consts[s2b.Inputs[1]].Int64s()
		if squeeze != nil { // the block and pads apply to W of [N, 1, W, C]
			block = append([]int64{1}, block...)
			pads = append([]int64{0, 0}, pads...)
		}
		zero := true
		for _, p := range pads {
			zero = zero && p == 0
		}
		isPool := conv.Op == "MaxPool" || conv.Op == "MaxPool3D"
		if isPool && !zero {
			continue // pooling would see the zero padding as data
		}
		if expand != nil {
			expand.Inputs[0] = s2b.Inputs[0]
		} else {
			conv.Inputs[0] = s2b.Inputs[0]
		}
		conv.Attrs["dilations"] = append(append([]int64{1}, block...), 1)
		delete(conv.Attrs, "_output_shapes")
		if zero {
			conv.Attrs["padding"] = "VALID"
			delete(conv.Attrs, "explicit_paddings")
		} else {
			explicit := []int64{0, 0}
			for i := 0; i < m; i++ {
				explicit = append(explicit, pads[2*i], pads[2*i+1])
			}
			conv.Attrs["padding"] = "EXPLICIT"
			conv.Attrs["explicit_paddings"] = append(explicit, 0, 0)
		}
		if expand != nil {
			delete(expand.Attrs, "_output_shapes")
			delete(squeeze.Attrs, "_output_shapes")
		}
		// The BatchToSpaceND node stays as an Identity, so that its output
		// keeps its name (it may be a graph output).
		b2s.Op = "Identity"
		b2s.Inputs = []string{b2s.Inputs[0]}
		b2s.Attrs = map[string]any{"T": conv.Attrs["T"]}
		changed = true
	}
	if changed {
		g.RemoveUnused()
	}
	return changed, nil
}

func dilOr(a, b *graph.Node) *graph.Node {
	if a != nil {
		return a
	}
	return b
}

// dilIs1D checks that ExpandDims adds and Squeeze removes axis 1 of the
// rank-3 data (TF's conv1d on NWC data: [N, W, C] → [N, 1, W, C]).
func dilIs1D(g *graph.Graph, squeeze, expand *graph.Node) bool {
	if len(expand.Inputs) != 2 {
		return false
	}
	ax := g.Consts[expand.Inputs[1]]
	if ax == nil || ax.NumElements() != 1 {
		return false
	}
	if a := ax.Int64s()[0]; a != 1 && a != -3 {
		return false
	}
	dims := squeeze.Ints("squeeze_dims")
	return len(dims) == 1 && (dims[0] == 1 || dims[0] == -3)
}

// dilPads checks the pattern's attributes and returns the folded conv's
// pads as (begin, end) pairs per spatial dim, or ok=false.
func dilPads(g *graph.Graph, prod map[string]*graph.Node, s2b, conv, b2s *graph.Node, m int) ([]int64, bool) {
	switch conv.Str("data_format", "") {
	case "", "NHWC", "NDHWC":
	default:
		return nil, false
	}
	if conv.Str("padding", "") != "VALID" {
		return nil, false
	}
	for _, name := range []string{"strides", "dilations"} {
		for _, v := range conv.Ints(name) {
			if v != 1 {
				return nil, false
			}
		}
	}
	b1, b2 := g.Consts[s2b.Inputs[1]], g.Consts[b2s.Inputs[1]]
	if b1 == nil || b2 == nil || !b1.DType.IsInt() || !b2.DType.IsInt() {
		return nil, false
	}
	block, block2 := b1.Int64s(), b2.Int64s()
	if len(block) != m || len(block2) != m {
		return nil, false
	}
	for i := range block {
		if block[i] != block2[i] || block[i] < 1 {
			return nil, false
		}
	}
	ev := &dilEval{g: g, prod: prod, memo: map[string]*dilTensor{}, ranks: map[string]int{s2b.Inputs[0]: m + 2}}
	p, c := ev.eval(s2b.Inputs[2], 0), ev.eval(b2s.Inputs[2], 0)
	if p == nil || c == nil || !slices.Equal(p.dims, []int64{int64(m), 2}) || !slices.Equal(c.dims, []int64{int64(m), 2}) {
		return nil, false
	}
	out := make([]int64, 2*m)
	for i := range out {
		d := p.el[i].sub(c.el[i])
		if !d.isConst() || d.c < 0 {
			return nil, false
		}
		out[i] = d.c
	}
	return out, true
}

// dilExpr is an integer expression c + Σ coef·atom, where atoms name values
// the evaluator cannot compute (an unknown dim, a FloorMod of one). Equal
// atoms cancel, which is all the pattern needs: TF's paddings and crops
// share their data-dependent terms.
type dilExpr struct {
	c     int64
	terms map[string]int64
}

func dilConst(v int64) dilExpr { return dilExpr{c: v} }

func dilAtom(name string) dilExpr { return dilExpr{terms: map[string]int64{name: 1}} }

func (e dilExpr) isConst() bool { return len(e.terms) == 0 }

func (e dilExpr) combine(o dilExpr, sign int64) dilExpr {
	r := dilExpr{c: e.c + sign*o.c, terms: map[string]int64{}}
	for k, v := range e.terms {
		r.terms[k] = v
	}
	for k, v := range o.terms {
		r.terms[k] += sign * v
		if r.terms[k] == 0 {
			delete(r.terms, k)
		}
	}
	if len(r.terms) == 0 {
		r.terms = nil
	}
	return r
}

func (e dilExpr) add(o dilExpr) dilExpr { return e.combine(o, 1) }
func (e dilExpr) sub(o dilExpr) dilExpr { return e.combine(o, -1) }

func (e dilExpr) scale(k int64) dilExpr {
	r := dilExpr{c: e.c * k}
	if k != 0 && len(e.terms) > 0 {
		r.terms = map[string]int64{}
		for a, v := range e.terms {
			r.terms[a] = v * k
		}
	}
	return r
}

// dilTensor is a small integer tensor of expressions, row-major.
type dilTensor struct {
	dims []int64
	el   []dilExpr
}

func (t *dilTensor) allConst() bool {
	for _, e := range t.el {
		if !e.isConst() {
			return false
		}
	}
	return true
}

// dilEval evaluates the small integer subgraphs that compute paddings and
// crops: constants, Shape, Identity, Cast, Pack and ConcatV2 on axis 0,
// StridedSlice, Add/Sub/Mul, with anything else elementwise an atom.
type dilEval struct {
	g     *graph.Graph
	prod  map[string]*graph.Node
	memo  map[string]*dilTensor
	ranks map[string]int // ranks known from the pattern (Shape inputs)
}

const dilMaxElems = 64

func (ev *dilEval) eval(v string, depth int) *dilTensor {
	if t, ok := ev.memo[v]; ok {
		return t
	}
	var t *dilTensor
	if depth < 64 {
		t = ev.compute(v, depth)
	}
	if t != nil && int64(len(t.el)) > dilMaxElems {
		t = nil
	}
	ev.memo[v] = t
	return t
}

// opaque is value v as atoms, when its dims are known.
func dilOpaque(v string, dims []int64) *dilTensor {
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	if n > dilMaxElems || n < 0 {
		return nil
	}
	t := &dilTensor{dims: dims, el: make([]dilExpr, n)}
	for i := range t.el {
		t.el[i] = dilAtom(v + "#" + strconv.Itoa(i))
	}
	return t
}

func (ev *dilEval) compute(v string, depth int) *dilTensor {
	if c := ev.g.Consts[v]; c != nil {
		if !c.DType.IsInt() || c.NumElements() > dilMaxElems {
			return nil
		}
		vals := c.Int64s()
		t := &dilTensor{dims: append([]int64{}, c.Dims...), el: make([]dilExpr, len(vals))}
		for i, x := range vals {
			t.el[i] = dilConst(x)
		}
		return t
	}
	n := ev.prod[v]
	if n == nil || n.Domain != graph.DomainTF {
		if s := ev.g.ShapeOf(v); s.Static() {
			return dilOpaque(v, s.Sizes())
		}
		return nil
	}
	in := func(i int) *dilTensor {
		if i >= len(n.Inputs) {
			return nil
		}
		return ev.eval(n.Inputs[i], depth+1)
	}
	switch n.Op {
	case "Identity", "Snapshot", "StopGradient", "Cast":
		return in(0)
	case "Shape":
		x := n.Inputs[0]
		s := ev.g.ShapeOf(x)
		rank := s.Rank()
		if r, ok := ev.ranks[x]; ok && rank < 0 {
			rank = r
		}
		if rank < 0 {
			return nil
		}
		t := &dilTensor{dims: []int64{int64(rank)}, el: make([]dilExpr, rank)}
		for i := range t.el {
			if s.Rank() == rank && s.Dims[i].Known() {
				t.el[i] = dilConst(s.Dims[i].Size)
			} else {
				t.el[i] = dilAtom(x + "#dim" + strconv.Itoa(i))
			}
		}
		return t
	case "Pack":
		if len(n.Inputs) == 0 {
			return nil
		}
		var out *dilTensor
		for i := range n.Inputs {
			x := in(i)
			if x == nil || (out != nil && !slices.Equal(x.dims, out.dims[1:])) {
				return nil
			}
			if a := n.Int("axis", 0); a != 0 && a != -int64(len(x.dims))-1 {
				return nil
			}
			if out == nil {
				out = &dilTensor{dims: append([]int64{0}, x.dims...)}
			}
			out.dims[0]++
			out.el = append(out.el, x.el...)
		}
		return out
	case "ConcatV2":
		k := len(n.Inputs) - 1
		ax := ev.eval(n.Inputs[k], depth+1)
		if k < 1 || ax == nil || len(ax.el) != 1 || !ax.el[0].isConst() {
			return nil
		}
		var out *dilTensor
		for i := 0; i < k; i++ {
			x := in(i)
			if x == nil || len(x.dims) == 0 {
				return nil
			}
			if a := ax.el[0].c; a != 0 && a != -int64(len(x.dims)) {
				return nil
			}
			if out == nil {
				out = &dilTensor{dims: append([]int64{}, x.dims...)}
				out.dims[0] = 0
			} else if !slices.Equal(x.dims[1:], out.dims[1:]) {
				return nil
			}
			out.dims[0] += x.dims[0]
			out.el = append(out.el, x.el...)
		}
		return out
	case "StridedSlice":
		return ev.stridedSlice(n, in(0), in(1), in(2), in(3))
	case "Add", "AddV2", "Sub", "Mul":
		a, b := in(0), in(1)
		if a == nil || b == nil {
			return nil
		}
		return dilBinary(n.Op, a, b, v)
	default:
		// Elementwise integer ops the evaluator does not model (FloorMod,
		// Maximum, …) become atoms, shaped as their broadcast inputs.
		if len(n.Inputs) == 2 && len(n.Outputs) == 1 {
			switch n.Op {
			case "FloorMod", "FloorDiv", "Maximum", "Minimum", "Mod", "TruncateMod", "Div":
				a, b := in(0), in(1)
				if a == nil || b == nil {
					return nil
				}
				dims, ok := dilBroadcast(a, b)
				if !ok {
					return nil
				}
				return dilOpaque(v, dims)
			}
		}
		return nil
	}
}

func dilBroadcast(a, b *dilTensor) ([]int64, bool) {
	switch {
	case slices.Equal(a.dims, b.dims):
		return a.dims, true
	case len(b.el) == 1 && len(b.dims) <= len(a.dims):
		return a.dims, true
	case len(a.el) == 1 && len(a.dims) <= len(b.dims):
		return b.dims, true
	}
	return nil, false
}

func dilBinary(op string, a, b *dilTensor, out string) *dilTensor {
	dims, ok := dilBroadcast(a, b)
	if !ok {
		return nil
	}
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	t := &dilTensor{dims: dims, el: make([]dilExpr, n)}
	at := func(x *dilTensor, i int) dilExpr {
		if len(x.el) == 1 {
			return x.el[0]
		}
		return x.el[i]
	}
	for i := range t.el {
		x, y := at(a, i), at(b, i)
		switch op {
		case "Sub":
			t.el[i] = x.sub(y)
		case "Mul":
			switch {
			case y.isConst():
				t.el[i] = x.scale(y.c)
			case x.isConst():
				t.el[i] = y.scale(x.c)
			default:
				t.el[i] = dilAtom(out + "#" + strconv.Itoa(i))
			}
		default:
			t.el[i] = x.add(y)
		}
	}
	return t
}

// stridedSlice follows TF's StridedSlice for constant begin/end/strides
// without ellipsis or new axes.
func (ev *dilEval) stridedSlice(n *graph.Node, x, begin, end, strides *dilTensor) *dilTensor {
	if x == nil || begin == nil || end == nil || strides == nil ||
		!begin.allConst() || !end.allConst() || !strides.allConst() ||
		n.Int("ellipsis_mask", 0) != 0 || n.Int("new_axis_mask", 0) != 0 {
		return nil
	}
	k := len(begin.el)
	if len(end.el) != k || len(strides.el) != k || k > len(x.dims) {
		return nil
	}
	bm, em, sm := n.Int("begin_mask", 0), n.Int("end_mask", 0), n.Int("shrink_axis_mask", 0)
	var outDims []int64
	idx := make([][]int64, len(x.dims))
	for d, size := range x.dims {
		if d >= k {
			for j := int64(0); j < size; j++ {
				idx[d] = append(idx[d], j)
			}
			outDims = append(outDims, size)
			continue
		}
		st := strides.el[d].c
		if st == 0 {
			return nil
		}
		if sm&(1<<d) != 0 {
			j := begin.el[d].c
			if j < 0 {
				j += size
			}
			if j < 0 || j >= size {
				return nil
			}
			idx[d] = []int64{j}
			continue
		}
		clamp := func(v int64) int64 {
			if v < 0 {
				v += size
			}
			lo, hi := int64(0), size
			if st < 0 {
				lo, hi = -1, size-1
			}
			return max(lo, min(v, hi))
		}
		b, e := clamp(begin.el[d].c), clamp(end.el[d].c)
		if bm&(1<<d) != 0 {
			b = 0
			if st < 0 {
				b = size - 1
			}
		}
		if em&(1<<d) != 0 {
			e = size
			if st < 0 {
				e = -1
			}
		}
		for j := b; (st > 0 && j < e) || (st < 0 && j > e); j += st {
			idx[d] = append(idx[d], j)
		}
		outDims = append(outDims, int64(len(idx[d])))
	}
	strideOf := make([]int64, len(x.dims))
	acc := int64(1)
	for d := len(x.dims) - 1; d >= 0; d-- {
		strideOf[d] = acc
		acc *= x.dims[d]
	}
	t := &dilTensor{dims: outDims}
	var walk func(d int, off int64)
	walk = func(d int, off int64) {
		if d == len(x.dims) {
			t.el = append(t.el, x.el[off])
			return
		}
		for _, j := range idx[d] {
			walk(d+1, off+j*strideOf[d])
		}
	}
	walk(0, 0)
	return t
}
