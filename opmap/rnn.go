package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// rnnRules: recurrent ops other than the while-loop patterns the rewrite
// pass turns into ONNX LSTM/GRU. TF's fused single-step cells become their
// arithmetic; BlockLSTM/BlockLSTMV2 become ONNX LSTM in the rewrite pass
// (tfrewrite/block.go) and reach this table only when they cannot.
var rnnRules = []Rule{
	{"LSTMBlockCell", MinOpset, lstmBlockCell},
	{"GRUBlockCell", MinOpset, gruBlockCell},
	{"BlockLSTM", MinOpset, blockLSTMRefused},
	{"BlockLSTMV2", MinOpset, blockLSTMRefused},
}

// rnnGates splits z [batch, n·H] into n equal column blocks.
func rnnGates(c *Ctx, z string, n int) []string {
	outs := make([]string, n)
	for i := range outs {
		outs[i] = c.G.UniqueName(c.Node.Name + "/gate")
	}
	arrSplitEqual(c, z, 1, outs)
	return outs
}

// lstmBlockCell is one step of TF's LSTMBlockCell (gates i, ci, f, o):
//
//	i = σ(zi + cs_prev·wci)   f = σ(zf + forget_bias + cs_prev·wcf)   ci = tanh(zci)
//	cs = clip(ci·i + cs_prev·f, ±cell_clip)   (cell_clip > 0)
//	o = σ(zo + cs·wco)   co = tanh(cs)   h = co·o
//
// with z = [x, h_prev]·w + b; the peephole terms only with use_peephole.
// Outputs i, cs, f, o, ci, co, h.
func lstmBlockCell(c *Ctx) error {
	x, cs0, h0, w, b := c.In(0), c.In(1), c.In(2), c.In(3), c.In(7)
	dt := c.DType(x)
	peep := c.Node.Bool("use_peephole", false)
	z := c.Op("Add", nil, c.Op("MatMul", nil, c.Op("Concat", Attrs{"axis": int64(1)}, x, h0), w), b)
	g := rnnGates(c, z, 4) // i, ci, f, o
	withPeep := func(pre, state, wp string) string {
		if peep {
			return c.Op("Add", nil, pre, c.Op("Mul", nil, state, wp))
		}
		return pre
	}
	i := c.Op("Sigmoid", nil, withPeep(g[0], cs0, c.In(4)))
	fPre := withPeep(g[2], cs0, c.In(5))
	if fb := c.Node.Float("forget_bias", 1); fb != 0 {
		fPre = c.Op("Add", nil, fPre, c.Scalar(dt, float64(fb)))
	}
	f := c.Op("Sigmoid", nil, fPre)
	ci := c.Op("Tanh", nil, g[1])
	cs := c.Op("Add", nil, c.Op("Mul", nil, ci, i), c.Op("Mul", nil, cs0, f))
	if clip := c.Node.Float("cell_clip", 3); clip > 0 {
		cs = c.Op("Clip", nil, cs, c.Scalar(dt, -float64(clip)), c.Scalar(dt, float64(clip)))
	}
	o := c.Op("Sigmoid", nil, withPeep(g[3], cs, c.In(6)))
	co := c.Op("Tanh", nil, cs)
	for k, v := range []string{i, cs, f, o, ci, co, c.Op("Mul", nil, co, o)} {
		c.Alias(c.Out(k), v)
	}
	return nil
}

// gruBlockCell is one step of TF's GRUBlockCell:
//
//	r, u = split(σ([x, h_prev]·w_ru + b_ru))
//	c = tanh([x, r·h_prev]·w_c + b_c)
//	h = u·h_prev + (1 - u)·c
//
// Outputs r, u, c, h.
func gruBlockCell(c *Ctx) error {
	x, h0 := c.In(0), c.In(1)
	dt := c.DType(x)
	cat := func(a, b string) string { return c.Op("Concat", Attrs{"axis": int64(1)}, a, b) }
	ru := c.Op("Sigmoid", nil, c.Op("Add", nil, c.Op("MatMul", nil, cat(x, h0), c.In(2)), c.In(4)))
	g := rnnGates(c, ru, 2)
	r, u := g[0], g[1]
	cand := c.Op("Tanh", nil, c.Op("Add", nil, c.Op("MatMul", nil, cat(x, c.Op("Mul", nil, r, h0)), c.In(3)), c.In(5)))
	h := c.Op("Add", nil, c.Op("Mul", nil, u, h0), c.Op("Mul", nil, c.Op("Sub", nil, c.Scalar(dt, 1), u), cand))
	for k, v := range []string{r, u, cand, h} {
		c.Alias(c.Out(k), v)
	}
	return nil
}

// blockLSTMRefused: a BlockLSTM the rewrite pass could not make an ONNX
// LSTM. Its per-step states need a loop, and a clipped cell state has no
// ONNX LSTM attribute (ONNX's clip bounds the gates' inputs, not the
// cell).
func blockLSTMRefused(c *Ctx) error {
	def := float32(3)
	if c.Node.Op == "BlockLSTMV2" {
		def = 0
	}
	if clip := c.Node.Float("cell_clip", def); clip > 0 {
		return c.Errorf("cell_clip %g clips the cell state, which ONNX LSTM cannot (its clip bounds the gate inputs); "+
			"build the layer with cell_clip <= 0", clip)
	}
	if dt := c.Node.Type("T"); dt != graph.Float {
		return c.Errorf("onnxruntime's LSTM has no %s kernel", dt)
	}
	return c.Errorf("only h and the last step of cs have an ONNX LSTM counterpart: the per-step cs, i, f, o, ci, " +
		"co outputs are read, or the weights, bias or peepholes are not constants")
}
