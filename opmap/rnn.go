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
	{"CudnnRNN", MinOpset, cudnnRNN},
	{"CudnnRNNV2", MinOpset, cudnnRNN},
	{"CudnnRNNV3", MinOpset, cudnnRNN},
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

// cudnnRNN maps a one-layer unidirectional cuDNN LSTM or GRU (what Keras 3
// builds for a GPU) to ONNX LSTM/GRU. TF has no CPU kernel for it: the
// parity cases check it against the Keras layer it stands for, with the
// same weights, on the CPU. The params buffer holds the input and the
// recurrent weights per gate ([H, I] and [H, H] row-major; LSTM gates i, f,
// c, o, GRU r, z, h), then the input and the recurrent biases per gate. A
// cuDNN GRU applies the reset gate after the recurrent product: ONNX
// linear_before_reset=1. The reserve outputs (for the gradient) are empty.
func cudnnRNN(c *Ctx) error {
	mode := c.Node.Str("rnn_mode", "lstm")
	var gates int64
	var order []int64 // cuDNN gate blocks in ONNX order
	switch mode {
	case "lstm":
		gates, order = 4, []int64{0, 3, 1, 2}
	case "gru":
		gates, order = 3, []int64{1, 0, 2}
	default:
		return c.Errorf("rnn_mode %q has no ONNX counterpart (lstm and gru do)", mode)
	}
	if d := c.Node.Str("direction", "unidirectional"); d != "unidirectional" {
		return c.Errorf("direction %q: only unidirectional cuDNN RNNs are mapped (their params layout is checked against Keras)", d)
	}
	if m := c.Node.Str("input_mode", "linear_input"); m != "linear_input" {
		return c.Errorf("input_mode %q: only linear_input is mapped", m)
	}
	if c.Node.Int("num_proj", 0) != 0 {
		return c.Errorf("num_proj %d: projected LSTMs are not mapped", c.Node.Int("num_proj", 0))
	}
	if c.Node.Float("dropout", 0) > 0 && c.Node.Bool("is_training", true) {
		return c.Errorf("dropout %g with is_training: training-mode dropout is random", c.Node.Float("dropout", 0))
	}
	timeMajor := c.Node.Op != "CudnnRNNV3" || c.Node.Bool("time_major", true)
	x, h0, params := c.In(0), c.In(1), c.In(3)
	xs, hs := c.Shape(x), c.Shape(h0)
	if xs.Rank() != 3 || hs.Rank() != 3 || !xs.Dims[2].Known() || !hs.Dims[2].Known() {
		return c.Errorf("the input and input_h need a known last dimension (shapes %v, %v)", xs, hs)
	}
	I, H := xs.Dims[2].Size, hs.Dims[2].Size
	layerDim := 0
	if !timeMajor {
		layerDim = 1
	}
	if d := hs.Dims[layerDim]; d.Known() && d.Size != 1 {
		return c.Errorf("%d layers: only one-layer cuDNN RNNs are mapped", d.Size)
	}
	total := gates*H*I + gates*H*H + 2*gates*H
	if ps := c.Shape(params); ps.Rank() == 1 && ps.Dims[0].Known() && ps.Dims[0].Size != total {
		return c.Errorf("params hold %d values, a one-layer %s of input %d and %d units has %d", ps.Dims[0].Size, mode, I, H, total)
	}
	dt := c.DType(x)
	off := int64(0)
	block := func(rows, cols int64) string { // the next gates·rows·cols values, in ONNX gate order
		part := c.Op("Slice", nil, params, c.Int64s(off), c.Int64s(off+gates*rows*cols))
		off += gates * rows * cols
		shape := []int64{gates, rows}
		if cols > 1 {
			shape = append(shape, cols)
		}
		g := c.Op("Gather", Attrs{"axis": int64(0)}, c.Op("Reshape", nil, part, c.Int64s(shape...)), c.Int64s(order...))
		if cols > 1 {
			return c.Op("Reshape", nil, g, c.Int64s(1, gates*rows, cols))
		}
		return c.Op("Reshape", nil, g, c.Int64s(1, gates*rows))
	}
	w := block(H, I)
	r := block(H, H)
	b := c.Op("Concat", Attrs{"axis": int64(1)}, block(H, 1), block(H, 1))
	toTime := func(v string) string {
		if timeMajor {
			return v
		}
		return c.Op("Transpose", Attrs{"perm": []int64{1, 0, 2}}, v)
	}
	inputs := []string{toTime(x), w, r, b, "", toTime(h0)}
	if c.Node.Op == "CudnnRNNV3" && c.NumIn() > 4 && c.In(4) != "" {
		inputs[4] = c.Op("Cast", Attrs{"to": int64(graph.Int32)}, c.In(4))
	}
	attrs := Attrs{"hidden_size": H}
	op, n := "LSTM", 3
	if mode == "lstm" {
		inputs = append(inputs, toTime(c.In(2)))
	} else {
		op, n = "GRU", 2
		attrs["linear_before_reset"] = int64(1)
	}
	outs := c.OpN(op, n, attrs, inputs...)
	c.OpTo(c.Out(0), "Identity", nil, toTime(c.Op("Squeeze", nil, outs[0], c.Int64s(1))))
	c.OpTo(c.Out(1), "Identity", nil, toTime(outs[1]))
	if mode == "lstm" {
		c.OpTo(c.Out(2), "Identity", nil, toTime(outs[2]))
	} else {
		c.Alias(c.Out(2), c.AddConst(graph.NewTensor(dt, []int64{0}, nil)))
	}
	for k := 3; k < len(c.Node.Outputs); k++ {
		c.Alias(c.Out(k), c.AddConst(graph.NewTensor(dt, []int64{0}, nil)))
	}
	return nil
}
