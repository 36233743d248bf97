package tfrewrite

import (
	"slices"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// BlockLSTM and BlockLSTMV2 (TF's fused LSTM over a whole sequence, what
// tf.contrib's LSTMBlockFusedCell builds) are one ONNX LSTM:
//
//	z = [x, h]·w + b, gates i, ci, f, o (BlockLSTM) or i, f, ci, o (V2)
//	i = σ(zi + cs·wci)   f = σ(zf + forget_bias + cs·wcf)   (V2: no forget_bias)
//	cs' = ci·i + cs·f    o = σ(zo + cs'·wco)   h' = o·tanh(cs')
//
// ONNX LSTM's peepholes P are (i, o, f) with the same meaning; steps at and
// after seq_len_max are zeros in both. ONNX gives only the last cell state,
// so the rewrite applies when the per-step outputs other than h are unread
// (cs may be read at its last step), the weights are constants and the
// cell state is not clipped (cell_clip > 0 clips cs; ONNX LSTM's clip
// bounds the gates' inputs). Otherwise the node stays, and opmap names the
// reason in one line.

func blockLSTMPass(g *graph.Graph) (bool, error) {
	changed := false
	for _, n := range slices.Clone(g.Nodes) {
		if isOp(n, "BlockLSTM", "BlockLSTMV2") && blockLSTM(g, n) {
			changed = true
		}
	}
	if changed {
		g.RemoveUnused()
		sortNodes(g)
	}
	return changed, nil
}

// lastStep reports a StridedSlice that takes x[-1] along axis 0.
func lastStep(v *view, n *graph.Node, val string) bool {
	if !isOp(n, "StridedSlice") || len(n.Inputs) != 4 || n.Inputs[0] != val || n.Int("shrink_axis_mask", 0)&1 == 0 ||
		n.Int("ellipsis_mask", 0) != 0 || n.Int("new_axis_mask", 0) != 0 || n.Int("begin_mask", 0)&1 != 0 {
		return false
	}
	b, ok1 := v.ints(n.Inputs[1])
	s, ok2 := v.ints(n.Inputs[3])
	return ok1 && ok2 && len(b) >= 1 && b[0] == -1 && len(s) == len(b) && !slices.ContainsFunc(s, func(x int64) bool { return x != 1 })
}

func blockLSTM(g *graph.Graph, n *graph.Node) bool {
	v := newView(g)
	if len(n.Inputs) != 9 || n.Type("T") != graph.Float {
		return false
	}
	v2 := n.Op == "BlockLSTMV2"
	clip, forgetBias := n.Float("cell_clip", 3), n.Float("forget_bias", 1)
	if v2 {
		clip, forgetBias = n.Float("cell_clip", 0), 0
	}
	if clip > 0 {
		return false
	}
	// Outputs i, cs, f, o, ci, co, h: only h, and cs at its last step.
	var csLast []*graph.Node
	for k := 0; k < 6; k++ {
		val := out(n, k)
		if v.g.IsOutput(val) {
			return false
		}
		for _, c := range v.cons[val] {
			if k != 1 || !lastStep(v, c, val) {
				return false
			}
			csLast = append(csLast, c)
		}
	}
	w, b := v.constOf(n.Inputs[4]), v.constOf(n.Inputs[8])
	if w == nil || b == nil || len(w.Dims) != 2 || len(b.Dims) != 1 || b.Dims[0]%4 != 0 || w.Dims[1] != b.Dims[0] {
		return false
	}
	H := b.Dims[0] / 4
	I := w.Dims[0] - H
	if I <= 0 {
		return false
	}
	peep := n.Bool("use_peephole", false)
	var wci, wcf, wco *graph.Tensor
	if peep {
		wci, wcf, wco = v.constOf(n.Inputs[5]), v.constOf(n.Inputs[6]), v.constOf(n.Inputs[7])
		for _, t := range []*graph.Tensor{wci, wcf, wco} {
			if t == nil || t.NumElements() != H {
				return false
			}
		}
	}
	// TF's gate blocks in ONNX order i, o, f, c.
	order := []int64{0, 3, 2, 1} // i, ci, f, o
	if v2 {
		order = []int64{0, 3, 1, 2} // i, f, ci, o
	}
	wv, r := gateWeights(w.Float64s(), I, H, 4, func(g int64) (int64, int64) { return order[g] * H, 4 * H })
	bv := b.Float64s()
	bias := make([]float64, 8*H)
	for gi := int64(0); gi < 4; gi++ {
		for j := int64(0); j < H; j++ {
			bias[gi*H+j] = bv[order[gi]*H+j]
			if gi == 2 {
				bias[gi*H+j] += float64(forgetBias)
			}
		}
	}
	e := &emitter{g: g, base: n.Name}
	x := n.Inputs[1]
	steps := e.op("Slice", nil, e.op("Shape", nil, x), e.ints(0), e.ints(1))
	batch := e.op("Slice", nil, e.op("Shape", nil, x), e.ints(1), e.ints(2))
	// seq_len_max (int64), at most the steps there are, for every sequence.
	maxLen := e.op("Min", nil, e.op("Reshape", nil, n.Inputs[0], e.ints(1)), steps)
	lens := e.cast(e.op("Expand", nil, maxLen, batch), graph.Int32)
	inputs := []string{x,
		e.tensor(graph.NewTensor(graph.Float, []int64{1, 4 * H, I}, wv)),
		e.tensor(graph.NewTensor(graph.Float, []int64{1, 4 * H, H}, r)),
		e.tensor(graph.NewTensor(graph.Float, []int64{1, 8 * H}, bias)),
		lens,
		e.op("Unsqueeze", nil, n.Inputs[3], e.ints(0)),
		e.op("Unsqueeze", nil, n.Inputs[2], e.ints(0)),
	}
	if peep {
		p := append(append(append([]float64(nil), wci.Float64s()...), wco.Float64s()...), wcf.Float64s()...)
		inputs = append(inputs, e.tensor(graph.NewTensor(graph.Float, []int64{1, 3 * H}, p)))
	}
	outs := e.opN("LSTM", 3, map[string]any{"hidden_size": H, "direction": "forward"}, inputs...)
	if len(csLast) == 0 {
		outs[2] = ""
		g.Nodes[len(g.Nodes)-1].Outputs = outs[:2]
	}
	replaceValue(g, out(n, 6), e.op("Squeeze", nil, outs[0], e.ints(1)))
	if len(csLast) > 0 {
		// cs[-1] is the last cell state when the sequence runs to its end,
		// else one of the zero steps.
		full := e.cast(e.op("GreaterOrEqual", nil, e.op("Reshape", nil, n.Inputs[0], e.ints(1)), steps), graph.Float)
		last := e.op("Mul", nil, e.op("Squeeze", nil, outs[2], e.ints(0)), full)
		for _, c := range csLast {
			replaceValue(g, out(c, 0), last)
		}
	}
	return true
}

// matchLSTMBlockCell matches a loop body whose cell is one LSTMBlockCell
// (h' its output 6, c' its output 1) with constant weights and no cell
// clipping; it fills the weights and returns x_t, or "".
func matchLSTMBlockCell(v *view, c *cell, hNew, cNew, hPrev, cPrev string) string {
	p := v.prod[v.skip(hNew)]
	if !isOp(p, "LSTMBlockCell") || len(p.Inputs) != 8 || v.skip(hNew) != out(p, 6) || v.skip(cNew) != out(p, 1) ||
		v.skip(p.Inputs[1]) != cPrev || v.skip(p.Inputs[2]) != hPrev || p.Float("cell_clip", 3) > 0 {
		return ""
	}
	w, b := v.constOf(p.Inputs[3]), v.constOf(p.Inputs[7])
	if w == nil || b == nil || len(w.Dims) != 2 || len(b.Dims) != 1 || b.Dims[0]%4 != 0 || w.Dims[1] != b.Dims[0] ||
		!w.DType.IsFloat() || w.DType != b.DType {
		return ""
	}
	H := b.Dims[0] / 4
	I := w.Dims[0] - H
	if I <= 0 {
		return ""
	}
	c.peep = nil
	if p.Bool("use_peephole", false) {
		for _, k := range []int{4, 6, 5} { // wci, wco, wcf: ONNX i, o, f
			t := v.constOf(p.Inputs[k])
			if t == nil || t.NumElements() != H {
				return ""
			}
			c.peep = append(c.peep, t.Float64s()...)
		}
	}
	order := []int64{0, 3, 2, 1} // TF i, ci, f, o in ONNX order i, o, f, c
	c.w, c.r = gateWeights(w.Float64s(), I, H, 4, func(g int64) (int64, int64) { return order[g] * H, 4 * H })
	bv, fb := b.Float64s(), float64(p.Float("forget_bias", 1))
	c.b = make([]float64, 8*H)
	for g := int64(0); g < 4; g++ {
		for j := int64(0); j < H; j++ {
			c.b[g*H+j] = bv[order[g]*H+j]
			if g == 2 {
				c.b[g*H+j] += fb
			}
		}
	}
	c.kind, c.hidden, c.input, c.dtype = "LSTM", H, I, w.DType
	c.recAct, c.actG, c.actH = "", "Tanh", "Tanh"
	return p.Inputs[0]
}

// matchGRUBlockCell matches a loop body whose cell is one GRUBlockCell (h'
// its output 3) with constant weights; it returns x_t, or "".
func matchGRUBlockCell(v *view, c *cell, hNew, hPrev string) string {
	p := v.prod[v.skip(hNew)]
	if !isOp(p, "GRUBlockCell") || len(p.Inputs) != 6 || v.skip(hNew) != out(p, 3) || v.skip(p.Inputs[1]) != hPrev {
		return ""
	}
	wru, wc, bru, bc := v.constOf(p.Inputs[2]), v.constOf(p.Inputs[3]), v.constOf(p.Inputs[4]), v.constOf(p.Inputs[5])
	if wru == nil || wc == nil || bru == nil || bc == nil || !wru.DType.IsFloat() || !gruWeights(c, wru, bru, wc, bc) {
		return ""
	}
	return p.Inputs[0]
}
