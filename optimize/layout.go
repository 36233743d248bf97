package optimize

import (
	"slices"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Rewrites that leave the model's work the same but take nodes away, or
// give onnxruntime (and simpler runtimes) an op they run in one kernel.

// dropNeutral removes x·1, x/1, x+0 and x−0 with a constant 1 or 0 that
// does not widen x by broadcasting (Keras' swish multiplies by a β of 1).
func dropNeutral(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if len(n.Inputs) != 2 || len(n.Outputs) != 1 || n.Domain != "" && n.Domain != "ai.onnx" {
			continue
		}
		var neutral float64
		var sides []int // which input may be the constant
		switch n.Op {
		case "Mul":
			neutral, sides = 1, []int{0, 1}
		case "Div":
			neutral, sides = 1, []int{1}
		case "Add":
			neutral, sides = 0, []int{0, 1}
		case "Sub":
			neutral, sides = 0, []int{1}
		default:
			continue
		}
		for _, i := range sides {
			x, k := n.Inputs[1-i], ix.constOf(n.Inputs[i])
			if k == nil || !isFloat(k.DType) || k.DType != g.DTypeOf(x) || !allEqual(k, neutral) || !fitsWithin(k.Dims, g.ShapeOf(x)) {
				continue
			}
			if ix.bypass(n, x) {
				break
			}
		}
	}
	return ix.finish()
}

func allEqual(k *graph.Tensor, v float64) bool {
	if elemSize(k) == 0 {
		return false
	}
	for _, x := range k.Float64s() {
		if x != v {
			return false
		}
	}
	return true
}

// fitsWithin reports whether a constant of dims broadcast against a value
// of shape s leaves s as it is.
func fitsWithin(dims []int64, s graph.Shape) bool {
	if !s.Known || len(dims) > len(s.Dims) {
		return false
	}
	off := len(s.Dims) - len(dims)
	for i, d := range dims {
		if d != 1 && !(s.Dims[off+i].Known() && s.Dims[off+i].Size == d) {
			return false
		}
	}
	return true
}

// globalPool turns ReduceMean (ReduceMax) over H and W of a rank-4 NCHW
// value into GlobalAveragePool (GlobalMaxPool): with keepdims, or without
// when the only reader is a Reshape that puts the two 1s back.
func globalPool(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if ix.removed[n] || len(n.Outputs) != 1 || len(n.Inputs) == 0 {
			continue
		}
		pool := map[string]string{"ReduceMean": "GlobalAveragePool", "ReduceMax": "GlobalMaxPool"}[n.Op]
		if pool == "" || !isOp(n, n.Op) || n.Int("noop_with_empty_axes", 0) != 0 {
			continue
		}
		x := n.Inputs[0]
		s := g.ShapeOf(x)
		if s.Rank() != 4 || !isFloat(g.DTypeOf(x)) {
			continue
		}
		axes, ok := ix.reduceAxes(n, 4)
		if !ok || !slices.Equal(axes, []int64{2, 3}) {
			continue
		}
		out := n.Outputs[0]
		var reshape *graph.Node
		if n.Int("keepdims", 1) == 0 {
			reshape = ix.soleConsumer(out)
			if !isOp(reshape, "Reshape") || len(reshape.Inputs) != 2 || reshape.Inputs[0] != out {
				continue
			}
			k := ix.constOf(reshape.Inputs[1])
			want := []graph.Dim{s.Dims[0], s.Dims[1], graph.D(1), graph.D(1)}
			if k == nil || !reshapeGives(k.Int64s(), reshape.Int("allowzero", 0) != 0, g.ShapeOf(out), want) {
				continue
			}
		}
		p := &graph.Node{Name: n.Name, Op: pool, Inputs: []string{x}, Outputs: []string{out}}
		ix.remove(n)
		ix.add(p)
		if reshape != nil {
			fresh := g.UniqueName(out + "__pool")
			g.SetValue(fresh, g.DTypeOf(x), graph.DimsOf(want4(s)...))
			ix.setOutput(p, 0, fresh)
			ix.remove(reshape)
			ix.replaceUses(reshape.Outputs[0], fresh)
		}
	}
	return ix.finish()
}

func want4(s graph.Shape) []graph.Dim {
	return []graph.Dim{s.Dims[0], s.Dims[1], graph.D(1), graph.D(1)}
}

// reshapeGives reports whether Reshape(v of shape in, target) has the
// shape want (dims that must match exactly, symbols by name).
func reshapeGives(target []int64, allowZero bool, in graph.Shape, want []graph.Dim) bool {
	if len(target) != len(want) || !in.Known {
		return false
	}
	neg := -1
	for i, t := range target {
		switch {
		case t == 0 && !allowZero:
			if i >= len(in.Dims) || !sameDim(in.Dims[i], want[i]) {
				return false
			}
		case t == -1:
			if neg >= 0 {
				return false
			}
			neg = i
		case !(want[i].Known() && want[i].Size == t):
			return false
		}
	}
	if neg < 0 {
		return true
	}
	// The -1 takes what the others leave: it is want[neg] when every other
	// dim is known and the element counts agree.
	if in.Static() && want[neg].Known() {
		total := in.NumElements()
		rest := int64(1)
		for i, d := range want {
			if i != neg {
				if !d.Known() {
					return false
				}
				rest *= d.Size
			}
		}
		return rest != 0 && total/rest == want[neg].Size && total%rest == 0
	}
	// Otherwise only a -1 that stands alone among 1s and copies: [0,-1,1,1]
	// of an [N,C] input is [N,C,1,1].
	other := int64(1)
	for i, t := range target {
		if i != neg && t != 0 {
			other *= t
		}
	}
	return other == 1 && len(in.Dims) == 2 && neg == 1 && target[0] == 0 && sameDim(in.Dims[1], want[1])
}

func sameDim(a, b graph.Dim) bool {
	if a.Known() || b.Known() {
		return a.Known() && b.Known() && a.Size == b.Size
	}
	return a.Name != "" && a.Name == b.Name
}

// reduceAxes returns the sorted non-negative axes of a ReduceX (attribute
// or, from opset 18 and for ReduceSum from 13, input) against rank r; an
// empty list means every axis.
func (ix *index) reduceAxes(n *graph.Node, r int) ([]int64, bool) {
	axes, ok := ix.axesArg(n)
	if !ok {
		return nil, false
	}
	if len(axes) == 0 {
		for i := 0; i < r; i++ {
			axes = append(axes, int64(i))
		}
	}
	out := make([]int64, len(axes))
	for i, a := range axes {
		var ok bool
		if out[i], ok = axisIn(a, int64(r)); !ok {
			return nil, false
		}
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

// fusePad folds a constant-mode Pad of zeros over the spatial dims only
// into the Convs that read it: directly (all its readers Convs), or
// through an NHWC→NCHW Transpose (as the handlers leave a padded NHWC
// input) whose readers are all Convs.
func fusePad(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, pad := range g.Nodes {
		if ix.removed[pad] || !isOp(pad, "Pad") || len(pad.Outputs) != 1 || len(pad.Inputs) < 2 || pad.Str("mode", "constant") != "constant" {
			continue
		}
		if len(pad.Inputs) > 3 && pad.Inputs[3] != "" { // axes
			continue
		}
		if len(pad.Inputs) > 2 && pad.Inputs[2] != "" {
			v := ix.constOf(pad.Inputs[2])
			if v == nil || !allEqual(v, 0) {
				continue
			}
		}
		k := ix.constOf(pad.Inputs[1])
		r := g.ShapeOf(pad.Inputs[0]).Rank()
		if k == nil || r < 3 || len(k.Dims) != 1 || k.Dims[0] != int64(2*r) || ix.isOutput(pad.Outputs[0]) {
			continue
		}
		var tr *graph.Node
		perm := make([]int64, r)
		for i := range perm {
			perm[i] = int64(i)
		}
		v := pad.Outputs[0]
		if t := ix.soleConsumer(v); isOp(t, "Transpose") && len(t.Outputs) == 1 && len(t.Ints("perm")) == r {
			tr, perm, v = t, t.Ints("perm"), t.Outputs[0]
		}
		convs := ix.padReaders(v)
		if convs == nil {
			continue
		}
		// In Conv's (NCHW) order: dim i of the Conv input is dim perm[i]
		// of the padded value.
		p := k.Int64s()
		begin, end := make([]int64, r), make([]int64, r)
		ok := true
		for i, d := range perm {
			begin[i], end[i] = p[d], p[int(d)+r]
			if begin[i] < 0 || end[i] < 0 || i < 2 && (begin[i] != 0 || end[i] != 0) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		sp := r - 2
		for _, c := range convs {
			old := c.Ints("pads")
			pads := make([]int64, 2*sp)
			for i := 0; i < sp; i++ {
				pads[i], pads[sp+i] = begin[2+i], end[2+i]
				if len(old) == 2*sp {
					pads[i] += old[i]
					pads[sp+i] += old[sp+i]
				}
			}
			c.Attrs["pads"] = pads
			delete(c.Attrs, "auto_pad")
		}
		if tr != nil {
			ix.setInput(tr, 0, pad.Inputs[0])
			// The Transpose's output shape loses the padding.
			g.SetValue(tr.Outputs[0], g.DTypeOf(tr.Outputs[0]), permuteShape(g.ShapeOf(pad.Inputs[0]), perm))
			ix.remove(pad)
		} else {
			ix.remove(pad)
			ix.replaceUses(pad.Outputs[0], pad.Inputs[0])
		}
	}
	return ix.finish()
}

// padReaders returns the readers of v when they are all Convs with
// explicit (or no) pads that read v as their data input; nil otherwise.
func (ix *index) padReaders(v string) []*graph.Node {
	if ix.isOutput(v) || len(ix.cons[v]) == 0 {
		return nil
	}
	var convs []*graph.Node
	for _, c := range ix.cons[v] {
		if !isOp(c, "Conv") || len(c.Inputs) < 2 || c.Inputs[0] != v || c.Inputs[1] == v || len(c.Outputs) != 1 {
			return nil
		}
		if a := c.Str("auto_pad", "NOTSET"); a != "NOTSET" && a != "" {
			return nil
		}
		convs = append(convs, c)
	}
	return convs
}

// transposeToReshape turns a Transpose that moves only dims of size 1
// (elements stay in memory order) into a Reshape to its output shape, when
// that shape is static or only dim 0, kept in place, is not. Reshape
// chains then collapse (simplify-shapes), and runtimes copy nothing.
func transposeToReshape(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	t := &transposer{index: ix, opset: opset}
	for _, n := range g.Nodes {
		if !isOp(n, "Transpose") || len(n.Inputs) != 1 || len(n.Outputs) != 1 {
			continue
		}
		p := t.perm(n)
		x := n.Inputs[0]
		if p == nil || !t.keepsOrder(x, p) {
			continue
		}
		transposed := false
		for _, c := range ix.cons[n.Outputs[0]] {
			if isOp(c, "Transpose") {
				transposed = true
			}
		}
		if p := ix.producer(x); isOp(p, "Transpose") || transposed {
			continue // the transpose pass merges these
		}
		s := permuteShape(g.ShapeOf(x), p)
		if !s.Known {
			continue
		}
		target := make([]int64, len(s.Dims))
		ok := true
		for i, d := range s.Dims {
			switch {
			case d.Known() && d.Size != 0:
				target[i] = d.Size
			case i == 0 && p[0] == 0:
				target[i] = 0 // copies the unknown batch
			default:
				ok = false
			}
		}
		if !ok {
			continue
		}
		shape := ix.addConst(n.Name+"/shape", graph.Int64Tensor(target...))
		ix.remove(n)
		ix.add(&graph.Node{Name: n.Name, Op: "Reshape", Inputs: []string{x, shape}, Outputs: []string{n.Outputs[0]}})
	}
	return ix.finish()
}

// fuseActivations writes Keras' hard sigmoid, relu6(x+3)/6 (or ·(1/6)),
// as one HardSigmoid, and x times it as one HardSwish (opset 14 on). It
// runs before fuse-conv, which would fold the +3 into a Conv's bias.
func fuseActivations(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if ix.removed[n] {
			continue
		}
		x := ix.hardSigmoidOf(n)
		if x == "" {
			continue
		}
		hs := &graph.Node{Name: n.Name, Op: "HardSigmoid", Inputs: []string{x}, Outputs: []string{n.Outputs[0]},
			Attrs: map[string]any{"alpha": float32(1.0 / 6), "beta": float32(0.5)}}
		ix.removeChain(n)
		ix.add(hs)
	}
	if opset >= 14 {
		for _, n := range append(append([]*graph.Node{}, g.Nodes...), ix.added...) {
			if ix.removed[n] || !isOp(n, "Mul") || len(n.Inputs) != 2 || len(n.Outputs) != 1 {
				continue
			}
			for i := 0; i < 2; i++ {
				x, h := n.Inputs[1-i], ix.producer(n.Inputs[i])
				if !isOp(h, "HardSigmoid") || h.Inputs[0] != x || ix.soleConsumer(h.Outputs[0]) != n ||
					h.Float("alpha", 0.2) != float32(1.0/6) || h.Float("beta", 0.5) != 0.5 {
					continue
				}
				ix.remove(h)
				ix.remove(n)
				ix.add(&graph.Node{Name: n.Name, Op: "HardSwish", Inputs: []string{x}, Outputs: []string{n.Outputs[0]}})
				break
			}
		}
	}
	return ix.finish()
}

// hardSigmoidOf matches d = Clip(Add(x, 3), 0, 6) / 6 (or · 1/6), each
// inner value read only by the next, and returns x ("" when no match).
func (ix *index) hardSigmoidOf(d *graph.Node) string {
	if len(d.Inputs) != 2 || len(d.Outputs) != 1 || !(isOp(d, "Div") || isOp(d, "Mul")) {
		return ""
	}
	ci := 0
	if isOp(d, "Mul") && ix.isConst(d.Inputs[0]) {
		ci = 1
	}
	want := 1.0 / 6
	if d.Op == "Div" {
		want = 6
	}
	k := ix.constOf(d.Inputs[1-ci])
	if k == nil || !isScalarNear(k, want) {
		return ""
	}
	c := ix.producer(d.Inputs[ci])
	if !isOp(c, "Clip") || len(c.Inputs) != 3 || ix.soleConsumer(c.Outputs[0]) != d {
		return ""
	}
	lo, hi := ix.constOf(c.Inputs[1]), ix.constOf(c.Inputs[2])
	if lo == nil || hi == nil || !isScalarNear(lo, 0) || !isScalarNear(hi, 6) {
		return ""
	}
	a := ix.producer(c.Inputs[0])
	if !isOp(a, "Add") || len(a.Inputs) != 2 || ix.soleConsumer(a.Outputs[0]) != c {
		return ""
	}
	for i := 0; i < 2; i++ {
		if k := ix.constOf(a.Inputs[i]); k != nil && isScalarNear(k, 3) && !ix.isConst(a.Inputs[1-i]) {
			x := a.Inputs[1-i]
			if !isFloat(ix.g.DTypeOf(x)) || ix.g.DTypeOf(x) != k.DType {
				return ""
			}
			return x
		}
	}
	return ""
}

// removeChain removes d and the Clip and Add that feed it (hardSigmoidOf's
// match).
func (ix *index) removeChain(d *graph.Node) {
	ci := 0
	if isOp(d, "Mul") && ix.isConst(d.Inputs[0]) {
		ci = 1
	}
	c := ix.producer(d.Inputs[ci])
	a := ix.producer(c.Inputs[0])
	ix.remove(d)
	ix.remove(c)
	ix.remove(a)
}

// isScalarNear reports a one-element float constant equal to v as float32
// (1/6 is stored rounded).
func isScalarNear(k *graph.Tensor, v float64) bool {
	if !isFloat(k.DType) || k.NumElements() != 1 || elemSize(k) == 0 {
		return false
	}
	return float32(k.Float64s()[0]) == float32(v)
}

// flattenConcat splices a Concat read only by another Concat along the
// same axis into it (InceptionV3's blocks concatenate concatenations).
func flattenConcat(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	axis := func(n *graph.Node) (int64, bool) {
		a, ok := n.Attrs["axis"].(int64)
		r := int64(g.ShapeOf(n.Outputs[0]).Rank())
		if !ok || r < 0 {
			return 0, false
		}
		return axisIn(a, r)
	}
	for _, n := range g.Nodes {
		if ix.removed[n] || !isOp(n, "Concat") || len(n.Outputs) != 1 {
			continue
		}
		a, ok := axis(n)
		if !ok {
			continue
		}
		var ins []string
		spliced := false
		for _, in := range n.Inputs {
			p := ix.producer(in)
			if isOp(p, "Concat") && len(p.Outputs) == 1 && ix.soleConsumer(in) == n && countOf(n.Inputs, in) == 1 {
				if pa, ok := axis(p); ok && pa == a {
					ins = append(ins, p.Inputs...)
					ix.remove(p)
					spliced = true
					continue
				}
			}
			ins = append(ins, in)
		}
		if !spliced {
			continue
		}
		for _, in := range n.Inputs {
			ix.dropCons(in, n)
		}
		n.Inputs = ins
		for _, in := range ins {
			ix.addCons(in, n)
		}
		ix.changed, ix.reorder = true, true
	}
	return ix.finish()
}

func countOf(list []string, s string) int {
	k := 0
	for _, x := range list {
		if x == s {
			k++
		}
	}
	return k
}
