package cost

import (
	"fmt"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Kinds of node, as the report names them.
const (
	KindMAC       = "mac"       // Conv, ConvTranspose, Gemm, MatMul, Einsum, LSTM, GRU, RNN
	KindBias      = "bias"      // the Add that adds a MAC op's bias
	KindOther     = "other"     // elementwise, activation, pooling, normalization, softmax, ...
	KindFree      = "free"      // data movement: no arithmetic
	KindControl   = "control"   // Loop, Scan, If: their bodies' cost
	KindNoRule    = "no_rule"   // the convention has no rule: listed, not added
	KindUncounted = "uncounted" // the pass cannot count it: listed by name
)

// count is what one node costs.
type count struct {
	kind  string
	macs  int64 // multiply-accumulates, bias adds included
	bias  int64 // the bias adds among macs
	other int64 // other ops the convention counts (added with CountAll)
	// noRule is what the generic rule gives for an op the convention has
	// no rule for (ptflops' tables); never added.
	noRule int64
	note   string
	reason string // why the node cannot be counted
	// uncounted lists nodes of bodies that could not be counted, and
	// noRuleOps those the convention has no rule for.
	uncounted []Uncounted
	noRuleOps []Uncounted
}

func (c *count) add(o count, times int64) {
	c.macs += o.macs * times
	c.bias += o.bias * times
	c.other += o.other * times
	c.noRule += o.noRule * times
}

// freeOps move or reshape data and do no arithmetic.
var freeOps = set("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity",
	"Concat", "Split", "Slice", "Gather", "GatherElements", "GatherND", "Scatter",
	"ScatterND", "ScatterElements", "Expand", "Tile", "Pad", "Shape", "Size", "Constant",
	"ConstantOfShape", "Cast", "CastLike", "Dropout", "DepthToSpace", "SpaceToDepth",
	"Range", "NonZero", "OneHot", "EyeLike", "ReverseSequence", "Trilu", "Compress",
	"SplitToSequence", "ConcatFromSequence", "SequenceAt", "SequenceConstruct",
	"SequenceEmpty", "SequenceErase", "SequenceInsert", "SequenceLength", "Optional",
	"OptionalGetElement", "OptionalHasElement", "Col2Im", "CenterCropPad", "Unique")

// Other ops: generic rule "one op per element" of the input (in) or output
// (out) or twice the input (twice), and whether ptflops has a rule for it.
type otherRule struct {
	base    string // "out", "in", "twice", "variadic"
	ptflops bool
}

var otherOps = map[string]otherRule{}

func init() {
	for _, op := range []string{"Relu", "PRelu", "Elu", "LeakyRelu", "Clip", "Gelu"} {
		otherOps[op] = otherRule{"out", true} // ptflops: ReLU, PReLU, ELU, LeakyReLU, ReLU6, GELU
	}
	for _, op := range []string{"Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Softplus",
		"Softsign", "Selu", "Celu", "Mish", "ThresholdedRelu", "Shrink", "Exp", "Log", "Sqrt",
		"Neg", "Abs", "Reciprocal", "Erf", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Tan",
		"Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Not", "IsNaN",
		"IsInf", "BitwiseNot", "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear"} {
		otherOps[op] = otherRule{"out", false}
	}
	otherOps["Add"] = otherRule{"variadic", true} // ptflops: torch.add, torch.mul
	otherOps["Mul"] = otherRule{"variadic", true}
	for _, op := range []string{"Sub", "Div", "Pow", "Mod", "Max", "Min", "Mean", "Sum",
		"And", "Or", "Xor", "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual",
		"Where", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor"} {
		otherOps[op] = otherRule{"variadic", false}
	}
	for _, op := range []string{"MaxPool", "AveragePool", "LpPool", "GlobalAveragePool",
		"GlobalMaxPool", "GlobalLpPool"} {
		otherOps[op] = otherRule{"in", true} // ptflops: pooling, per input element
	}
	for _, op := range []string{"BatchNormalization", "InstanceNormalization",
		"GroupNormalization", "LayerNormalization"} {
		otherOps[op] = otherRule{"twice", true} // ptflops: BN/IN/GN/LN, ×2 when affine
	}
	for _, op := range []string{"LpNormalization", "MeanVarianceNormalization", "LRN"} {
		otherOps[op] = otherRule{"in", false}
	}
	otherOps["Softmax"] = otherRule{"in", true} // ptflops: F.softmax
	otherOps["LogSoftmax"] = otherRule{"in", false}
	otherOps["Hardmax"] = otherRule{"in", false}
	otherOps["Resize"] = otherRule{"out", true} // ptflops: Upsample, interpolate
	otherOps["Upsample"] = otherRule{"out", true}
	for _, op := range []string{"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
		"ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
		"ReduceSumSquare", "ArgMax", "ArgMin", "TopK", "CumSum"} {
		otherOps[op] = otherRule{"in", false}
	}
}

func set(ops ...string) map[string]bool {
	m := make(map[string]bool, len(ops))
	for _, o := range ops {
		m[o] = true
	}
	return m
}

// macOps are the ops whose MACs are counted.
var macOps = set("Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "Gemm", "MatMul",
	"MatMulInteger", "QLinearMatMul", "Einsum", "LSTM", "GRU", "RNN")

// layoutOps pass a MAC op's output on to its bias Add unchanged in size.
var layoutOps = set("Transpose", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Flatten")

func isDefault(n *graph.Node) bool { return n.Domain == "" || n.Domain == "ai.onnx" }

// counter counts the nodes of one graph (a model or a body).
type counter struct {
	conv  Convention
	opset int
	s     *scope
	// biasOf maps a bias Add to the MAC node whose bias it adds.
	biasOf map[*graph.Node]*graph.Node
}

// findBiases marks the Add nodes that add a MAC op's bias: one input is a
// constant with one value per output channel, the other is the MAC op's
// output (through layout ops), which nothing else reads, and the MAC op has
// no bias of its own.
func (c *counter) findBiases() {
	c.biasOf = map[*graph.Node]*graph.Node{}
	taken := map[*graph.Node]bool{}
	for _, n := range c.s.g.Nodes {
		if !isDefault(n) || (n.Op != "Add" && n.Op != "Sum") || len(n.Inputs) != 2 || len(n.Outputs) != 1 {
			continue
		}
		for k := 0; k < 2; k++ {
			b, v := n.Inputs[k], n.Inputs[1-k]
			bt, _ := c.s.tensor(b)
			if bt == nil {
				continue
			}
			mac := c.macBehind(v)
			if mac == nil || taken[mac] || c.ownBias(mac) {
				continue
			}
			ch := c.channels(mac)
			if ch <= 0 || bt.NumElements() != ch {
				continue
			}
			if out, in := c.s.numel(n.Outputs[0]), c.s.numel(v); out < 0 || out != in {
				continue
			}
			c.biasOf[n] = mac
			taken[mac] = true
			break
		}
	}
}

// macBehind follows v back through layout ops read by nobody else to a MAC
// op whose only reader is that chain.
func (c *counter) macBehind(v string) *graph.Node {
	for i := 0; i < 8; i++ {
		p := c.s.prod[v]
		if p == nil || !isDefault(p) || len(c.s.cons[v]) != 1 || c.s.g.IsOutput(v) {
			return nil
		}
		switch {
		case macOps[p.Op] && p.Op != "LSTM" && p.Op != "GRU" && p.Op != "RNN" && len(p.Outputs) == 1:
			return p
		case layoutOps[p.Op] && len(p.Inputs) > 0:
			v = p.Inputs[0]
		default:
			return nil
		}
	}
	return nil
}

func (c *counter) ownBias(n *graph.Node) bool {
	switch n.Op {
	case "Conv", "ConvTranspose":
		return has(n, 2)
	case "QLinearConv":
		return has(n, 8)
	case "Gemm":
		return has(n, 2) && n.Float("beta", 1) != 0
	}
	return false
}

// channels is the number of output channels of a MAC op (the size a bias
// for it has).
func (c *counter) channels(n *graph.Node) int64 {
	switch n.Op {
	case "Conv", "ConvInteger":
		if w := c.s.dims(n.Inputs[1]); len(w) > 0 {
			return w[0]
		}
	case "QLinearConv":
		if w := c.s.dims(in(n, 3)); len(w) > 0 {
			return w[0]
		}
	case "ConvTranspose":
		if w := c.s.dims(n.Inputs[1]); len(w) > 1 {
			return w[1] * max(n.Int("group", 1), 1)
		}
	default:
		if y := c.s.dims(n.Outputs[0]); len(y) > 0 {
			return y[len(y)-1]
		}
	}
	return -1
}

func has(n *graph.Node, i int) bool { return i < len(n.Inputs) && n.Inputs[i] != "" }

func in(n *graph.Node, i int) string {
	if i < len(n.Inputs) {
		return n.Inputs[i]
	}
	return ""
}

func out0(n *graph.Node) string {
	if len(n.Outputs) > 0 {
		return n.Outputs[0]
	}
	return ""
}

// node counts one node.
func (c *counter) node(n *graph.Node) count {
	if !isDefault(n) {
		return count{kind: KindUncounted, reason: fmt.Sprintf("op %s of domain %s has no counting rule", n.Op, n.Domain)}
	}
	if mac := c.biasOf[n]; mac != nil {
		y := c.s.numel(n.Outputs[0])
		if !c.conv.Bias {
			return count{kind: KindBias, note: fmt.Sprintf("bias of %s: not counted (convention %s counts no bias)", mac.Name, c.conv.Name)}
		}
		return count{kind: KindBias, macs: y, bias: y, note: fmt.Sprintf("bias of %s: one add per output element", mac.Name)}
	}
	switch {
	case macOps[n.Op]:
		return c.mac(n)
	case freeOps[n.Op]:
		return count{kind: KindFree}
	case n.Op == "Loop" || n.Op == "Scan" || n.Op == "If":
		return c.control(n)
	}
	r, ok := otherOps[n.Op]
	if !ok {
		return count{kind: KindUncounted, reason: fmt.Sprintf("no counting rule for op %s", n.Op)}
	}
	var v int64
	switch r.base {
	case "out":
		v = c.s.numel(out0(n))
	case "in":
		v = c.s.numel(in(n, 0))
	case "twice":
		v = c.s.numel(in(n, 0))
		if v > 0 && (n.Op != "LayerNormalization" || has(n, 1)) {
			v *= 2
		}
	case "variadic":
		k := int64(0)
		for _, x := range n.Inputs {
			if x != "" {
				k++
			}
		}
		v = c.s.numel(out0(n))
		if v > 0 {
			v *= max(k-1, 1)
		}
	}
	if v < 0 {
		return count{kind: KindUncounted, reason: "shape unknown"}
	}
	if c.conv.PtflopsTables && !r.ptflops {
		return count{kind: KindNoRule, noRule: v, note: fmt.Sprintf("ptflops has no rule for %s (one op per element would be %s)", n.Op, commas(v))}
	}
	return count{kind: KindOther, other: v}
}

func (c *counter) mac(n *graph.Node) count {
	unknown := func(what string) count {
		return count{kind: KindUncounted, reason: "shape of " + what + " unknown"}
	}
	y := c.s.numel(out0(n))
	switch n.Op {
	case "Conv", "ConvInteger", "QLinearConv":
		wi, bi := 1, 2
		if n.Op == "QLinearConv" {
			wi, bi = 3, 8
		}
		w := c.s.dims(in(n, wi))
		if len(w) < 3 {
			return unknown("weights " + in(n, wi))
		}
		if y < 0 {
			return unknown("output " + out0(n))
		}
		k := prod(w[2:])
		r := count{kind: KindMAC, macs: y * w[1] * k,
			note: fmt.Sprintf("%s outputs × %d inputs per group × %d kernel", commas(y), w[1], k)}
		if has(n, bi) && n.Op != "ConvInteger" && c.conv.Bias {
			r.macs += y
			r.bias = y
			r.note += " + bias"
		}
		return r
	case "ConvTranspose":
		w := c.s.dims(in(n, 1))
		x := c.s.numel(in(n, 0))
		if len(w) < 3 {
			return unknown("weights " + in(n, 1))
		}
		if y < 0 || x < 0 {
			return unknown("input or output")
		}
		k := prod(w[2:])
		g := max(n.Int("group", 1), 1)
		var r count
		if c.conv.ConvTransposeByInput {
			r = count{kind: KindMAC, macs: x * w[1] * k,
				note: fmt.Sprintf("%s inputs × %d outputs per group × %d kernel", commas(x), w[1], k)}
		} else {
			r = count{kind: KindMAC, macs: y * (w[0] / g) * k,
				note: fmt.Sprintf("%s outputs × %d inputs per group × %d kernel", commas(y), w[0]/g, k)}
		}
		if has(n, 2) && c.conv.Bias {
			r.macs += y
			r.bias = y
			r.note += " + bias"
		}
		return r
	case "Gemm":
		a := c.s.dims(in(n, 0))
		if len(a) != 2 || y < 0 {
			return unknown("inputs")
		}
		k := a[1]
		if n.Int("transA", 0) != 0 {
			k = a[0]
		}
		r := count{kind: KindMAC, macs: y * k, note: fmt.Sprintf("%s outputs × %d", commas(y), k)}
		if has(n, 2) && n.Float("beta", 1) != 0 && c.conv.Bias {
			r.macs += y
			r.bias = y
			r.note += " + bias"
		}
		return r
	case "MatMul", "MatMulInteger", "QLinearMatMul":
		a := c.s.dims(in(n, 0))
		if len(a) == 0 || y < 0 {
			return unknown("inputs")
		}
		k := a[len(a)-1]
		return count{kind: KindMAC, macs: y * k, note: fmt.Sprintf("%s outputs × %d", commas(y), k)}
	case "Einsum":
		return c.einsum(n)
	case "LSTM", "GRU", "RNN":
		return c.rnn(n)
	}
	return count{kind: KindUncounted, reason: "no rule"}
}

// einsum counts one MAC per term of the sum: the product of the sizes of
// every distinct label, for two or more operands.
func (c *counter) einsum(n *graph.Node) count {
	eq := strings.ReplaceAll(n.Str("equation", ""), " ", "")
	lhs := eq
	if i := strings.Index(eq, "->"); i >= 0 {
		lhs = eq[:i]
	}
	terms := strings.Split(lhs, ",")
	if len(terms) != len(n.Inputs) || strings.Contains(lhs, "...") {
		return count{kind: KindUncounted, reason: "einsum equation with an ellipsis, or not one term per operand"}
	}
	size := map[rune]int64{}
	for i, t := range terms {
		d := c.s.dims(n.Inputs[i])
		if d == nil || len(d) != len([]rune(t)) {
			return count{kind: KindUncounted, reason: "shape of " + n.Inputs[i] + " unknown"}
		}
		for j, r := range []rune(t) {
			size[r] = d[j]
		}
	}
	total := int64(1)
	for _, v := range size {
		total *= v
	}
	if len(terms) < 2 {
		return count{kind: KindOther, other: c.s.numel(n.Inputs[0])}
	}
	return count{kind: KindMAC, macs: total, note: "product of all label sizes of " + eq}
}

// rnnGateOps are ptflops' per-step, per-direction elementwise ops of a
// cell, in units of the hidden size: LSTM 4 (adding both states' gate
// products) + 3 (c = f·c + i·g) + 3 (h = o·tanh(c)); GRU 1 + 3 + 3; RNN 1.
var rnnGateOps = map[string]int64{"LSTM": 10, "GRU": 7, "RNN": 1}
var rnnGates = map[string]int64{"LSTM": 4, "GRU": 3, "RNN": 1}

func (c *counter) rnn(n *graph.Node) count {
	x := c.s.dims(in(n, 0))
	w := c.s.dims(in(n, 1))
	r := c.s.dims(in(n, 2))
	if len(x) != 3 || len(w) != 3 || len(r) != 3 {
		return count{kind: KindUncounted, reason: "shape of X, W or R unknown"}
	}
	seq, batch := x[0], x[1]
	if c.opset >= 14 && n.Int("layout", 0) != 0 {
		seq, batch = x[1], x[0]
	}
	dirs, gh, inSize, h := w[0], w[1], w[2], r[2]
	gates := rnnGates[n.Op]
	matrix := gh * (inSize + h)
	gateOps := rnnGateOps[n.Op] * h
	var biasOps int64
	biasNote := ""
	if has(n, 3) && c.conv.Bias {
		biasOps = gates * h
		if zeroRecurrentBias(c.s, n.Inputs[3]) {
			biasNote = fmt.Sprintf(" + %d·%d bias (Rb is all zeros: not counted)", gates, h)
		} else {
			biasOps *= 2
			biasNote = fmt.Sprintf(" + 2·%d·%d bias", gates, h)
		}
	}
	steps := seq * batch * dirs
	res := count{kind: KindMAC, bias: steps * biasOps}
	if c.conv.RNNGateOps {
		res.macs = steps * (matrix + gateOps + biasOps)
		res.note = fmt.Sprintf("%d steps × %d batch × %d directions × (%d·%d·(%d+%d) + %d·%d gate ops%s)",
			seq, batch, dirs, gates, h, inSize, h, rnnGateOps[n.Op], h, biasNote)
	} else {
		res.macs = steps * (matrix + biasOps)
		res.other = steps * gateOps
		res.note = fmt.Sprintf("%d steps × %d batch × %d directions × (%d·%d·(%d+%d)%s); gate ops %d·%d per step counted as other ops",
			seq, batch, dirs, gates, h, inSize, h, biasNote, rnnGateOps[n.Op], h)
	}
	return res
}

// zeroRecurrentBias reports whether the second half of an RNN's B (the
// recurrent bias Rb) is known to be all zeros, as converters write it for
// TensorFlow cells, which have one bias per gate.
func zeroRecurrentBias(s *scope, b string) bool {
	t, _ := s.tensor(b)
	if t == nil || t.Data == nil || len(t.Dims) != 2 || !t.DType.IsFloat() {
		return false
	}
	half := t.Dims[1] / 2
	vals := t.Float64s()
	for d := int64(0); d < t.Dims[0]; d++ {
		for i := half; i < t.Dims[1]; i++ {
			if vals[d*t.Dims[1]+i] != 0 {
				return false
			}
		}
	}
	return true
}

// notParamInputs lists the input positions that hold operands rather than
// weights even when they are float constants.
var notParamInputs = map[string][]int{
	"Resize": {1, 2, 3}, "Upsample": {1}, "Pad": {1, 2, 3}, "Clip": {1, 2},
	"LSTM": {4, 5, 6}, "GRU": {4, 5}, "RNN": {4, 5}, "Reshape": {1}, "Expand": {1},
	"Tile": {1}, "Slice": {1, 2, 3, 4}, "ConstantOfShape": {0}, "Range": {0, 1, 2},
	"TopK": {1}, "OneHot": {1, 2}, "Split": {1}, "Squeeze": {1}, "Unsqueeze": {1},
	"QuantizeLinear": {1, 2}, "DequantizeLinear": {1, 2},
}

// isParam reports whether a constant read at input i of n is a parameter:
// a floating-point (or 8-bit quantized) tensor of more than one element,
// not in an operand position (shapes, scales, clip bounds, initial states).
func isParam(n *graph.Node, i int, t *graph.Tensor) bool {
	switch t.DType {
	case graph.Float, graph.Double, graph.Float16, graph.BFloat16, graph.Int8, graph.Uint8:
	default:
		return false
	}
	if t.NumElements() < 2 {
		return false
	}
	// 8-bit weights count where a MAC op or a Gather reads them, or where a
	// DequantizeLinear makes float weights of them (QDQ models, TFLite int8).
	if (t.DType == graph.Int8 || t.DType == graph.Uint8) && !macOps[n.Op] && n.Op != "Gather" && !(n.Op == "DequantizeLinear" && i == 0) {
		return false
	}
	for _, j := range notParamInputs[n.Op] {
		if j == i {
			return false
		}
	}
	return true
}
