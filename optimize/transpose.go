package optimize

import (
	"slices"
	"sort"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// The transpose optimizer. Op handlers wrap every NHWC op in a pair of
// Transposes (to NCHW and back); this pass moves each Transpose down the
// graph through ops that do not care about layout, until it meets its
// inverse and both vanish, or reaches an op that needs the layout (a Conv,
// a Reshape, a graph output). A Transpose only moves when that does not add
// Transposes to what the model executes.

// unaryLayoutFree are ops that act on each element of input 0 alone; their
// other inputs, if any, are scalars (Clip's bounds).
var unaryLayoutFree = setOf(
	"Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Neg", "Abs", "Sign",
	"Reciprocal", "Floor", "Ceil", "Round", "Erf", "Softplus", "Softsign",
	"Elu", "Selu", "LeakyRelu", "HardSigmoid", "HardSwish", "ThresholdedRelu",
	"Celu", "Gelu", "Mish", "Shrink", "Not", "Identity", "Sin", "Cos", "Tan",
	"Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh",
	"IsNaN", "IsInf", "Cast", "Clip", "BitwiseNot",
)

// broadcastLayoutFree are elementwise ops with numpy broadcasting over
// all their inputs.
var broadcastLayoutFree = setOf(
	"Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Sum", "Mean",
	"Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual",
	"And", "Or", "Xor", "Where", "PRelu", "BitShift",
	"BitwiseAnd", "BitwiseOr", "BitwiseXor",
)

var reduceOps = setOf(
	"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
	"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare",
)

// perTensorQDQ: a QuantizeLinear or DequantizeLinear with one scale acts on
// each element alone (TFLite models have them around every op).
func perTensorQDQ(g *graph.Graph, n *graph.Node) bool {
	if !isOp(n, "QuantizeLinear") && !isOp(n, "DequantizeLinear") {
		return false
	}
	for _, in := range n.Inputs[1:] {
		if in != "" && g.ShapeOf(in).Rank() != 0 {
			return false
		}
	}
	return true
}

// dqTranspose moves a Transpose above the per-tensor DequantizeLinear of a
// graph input that it reads: Transpose(DQ(x)) → DQ(Transpose(x)), the same
// values with the layout changed on the quantized tensor. onnxruntime 1.32
// expects it there: given DQ(x) → Transpose at opset 21, its transpose
// optimizer builds an invalid QuantizeLinear and the model does not load
// (TFLite int8 models with int8 inputs).
func dqTranspose(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, t := range g.Nodes {
		if ix.removed[t] || !isOp(t, "Transpose") || len(t.Inputs) != 1 || len(t.Outputs) != 1 {
			continue
		}
		d := ix.producer(t.Inputs[0])
		if d == nil || !isOp(d, "DequantizeLinear") || !perTensorQDQ(g, d) || !ix.ins[d.Inputs[0]] ||
			ix.uses(d.Outputs[0]) != 1 || len(d.Outputs) != 1 {
			continue
		}
		x, v, y := d.Inputs[0], d.Outputs[0], t.Outputs[0]
		xt := g.UniqueName(x + "__tr")
		g.SetValue(xt, g.DTypeOf(x), g.ShapeOf(y))
		ix.setOutput(t, 0, xt)
		ix.setInput(t, 0, x)
		ix.setOutput(d, 0, y)
		ix.setInput(d, 0, xt)
		delete(g.Values, v)
	}
	return ix.finish()
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func isOp(n *graph.Node, op string) bool {
	return n != nil && n.Op == op && (n.Domain == "" || n.Domain == "ai.onnx")
}

type transposer struct {
	*index
	opset  int
	work   []*graph.Node
	queued map[*graph.Node]bool
	split  bool // give each reader of a shared Transpose its own copy (transpose-branches)
}

// pushable reports an op that visit can take a Transpose below.
func pushable(c *graph.Node) bool {
	if c.Domain != "" && c.Domain != "ai.onnx" || len(c.Subgraphs()) > 0 {
		return false
	}
	switch {
	case unaryLayoutFree[c.Op], broadcastLayoutFree[c.Op], reduceOps[c.Op]:
		return true
	}
	switch c.Op {
	case "Concat", "Softmax", "LogSoftmax", "Hardmax", "ArgMax", "ArgMin", "Pad", "Slice", "Squeeze", "Transpose", "Split":
		return true
	}
	return false
}

// splitBranches gives every reader of Transpose n a Transpose of its own,
// when each reader is an op a Transpose moves through, so that each copy
// can travel down its branch (the two arms of x·sigmoid(x), of a hard
// swish, of a squeeze-excite block) and meet its inverse. Copies that stay
// where they are merge again at the end of the pass (mergeDuplicates).
func (t *transposer) splitBranches(n *graph.Node) {
	y := n.Outputs[0]
	readers := t.cons[y]
	if t.isOutput(y) || len(readers) < 2 || len(readers) > 16 {
		return
	}
	for _, c := range readers {
		if !readsDirect(c, y) || !pushable(c) {
			return
		}
	}
	for _, c := range t.consumers(y)[1:] {
		v := t.g.UniqueName(y + "__br")
		t.g.SetValue(v, t.g.DTypeOf(y), t.g.ShapeOf(y))
		m := t.add(&graph.Node{Name: t.g.UniqueName(n.Name + "/br"), Op: "Transpose", Inputs: []string{n.Inputs[0]}, Outputs: []string{v}, Attrs: map[string]any{"perm": append([]int64{}, n.Ints("perm")...)}})
		for i, in := range c.Inputs {
			if in == y {
				t.setInput(c, i, v)
			}
		}
		t.enqueue(m)
	}
	t.enqueue(n)
}

// transposeBranches is transposePass with shared Transposes split per
// reader, tried on a copy of the graph and kept only when the model ends
// with fewer Transposes, or as many moving fewer elements: a split whose
// copies cannot all move would otherwise only be merged back, and the pass
// list never settle.
func transposeBranches(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	candidate := false
	for _, n := range g.Nodes {
		if !isOp(n, "Transpose") || len(n.Outputs) != 1 {
			continue
		}
		if c := ix.cons[n.Outputs[0]]; len(c) > 1 || len(c) == 1 && isOp(c[0], "Split") {
			candidate = true
			break
		}
	}
	if !candidate {
		return false, nil
	}
	h := g.Clone()
	t := &transposer{index: newIndex(h), opset: opset, queued: map[*graph.Node]bool{}, split: true}
	if _, err := t.run(); err != nil {
		return false, err
	}
	// Counted after dead-node removal: a pushed copy may leave its
	// original unread.
	h.RemoveUnused()
	bn, bv := transposeCost(g)
	an, av := transposeCost(h)
	if an > bn || an == bn && av >= bv {
		return false, nil
	}
	*g = *h
	return true, nil
}

// transposeCost is the number of Transposes and the elements they move
// (a dim of unknown size counted as 1000): the split is kept when it
// lowers the first, or the second at an equal first (a Transpose moved
// below a reduction), so that a kept split never undoes another.
func transposeCost(g *graph.Graph) (count int, volume float64) {
	for _, n := range g.Nodes {
		if !isOp(n, "Transpose") || len(n.Inputs) != 1 {
			continue
		}
		count++
		v := 1.0
		s := g.ShapeOf(n.Inputs[0])
		if !s.Known {
			v = 1e12
		}
		for _, d := range s.Dims {
			if d.Known() {
				v *= float64(d.Size)
			} else {
				v *= 1000
			}
		}
		volume += v
	}
	return count, volume
}

// transposePass cancels, merges and pushes down Transposes.
func transposePass(g *graph.Graph, opset int) (bool, error) {
	t := &transposer{index: newIndex(g), opset: opset, queued: map[*graph.Node]bool{}}
	return t.run()
}

func (t *transposer) run() (bool, error) {
	g := t.g
	for _, n := range g.Nodes {
		if isOp(n, "Transpose") {
			t.enqueue(n)
		}
	}
	// Every move takes a Transpose down and never adds one, so the work
	// ends; the budget only guards against a rule that would undo another.
	budget := 20*len(g.Nodes) + 100
	merges := 0
	for len(t.work) > 0 && budget > 0 {
		budget--
		n := t.work[0]
		t.work = t.work[1:]
		delete(t.queued, n)
		if !t.removed[n] {
			t.visit(n)
		}
		// Each sweep costs O(nodes); the next round of passes does any
		// merging a third sweep would have found.
		if len(t.work) == 0 && merges < 3 {
			merges++
			t.mergeDuplicates()
		}
	}
	return t.finish()
}

// mergeDuplicates makes Transposes of the same value with the same perm
// one. It runs once pushing is done: a Transpose with several readers
// stays where it is, while each duplicate might have moved on alone.
func (t *transposer) mergeDuplicates() {
	nodes := append(append([]*graph.Node{}, t.g.Nodes...), t.added...)
	for _, n := range nodes {
		if !isOp(n, "Transpose") || t.removed[n] {
			continue
		}
		p := t.perm(n)
		if p == nil {
			continue
		}
		for _, s := range t.consumers(n.Inputs[0]) {
			if s == n || !isOp(s, "Transpose") || t.removed[s] || t.isOutput(s.Outputs[0]) || s.Inputs[0] != n.Inputs[0] {
				continue
			}
			if sp := t.perm(s); sp != nil && slices.Equal(sp, p) {
				t.remove(s)
				t.replaceUses(s.Outputs[0], n.Outputs[0])
				t.enqueue(n)
			}
		}
	}
}

func (t *transposer) enqueue(n *graph.Node) {
	if n != nil && isOp(n, "Transpose") && !t.queued[n] && !t.removed[n] {
		t.queued[n] = true
		t.work = append(t.work, n)
	}
}

// perm returns n's permutation, spelling out the default (reversed dims)
// when the input's rank is known; nil when it is not usable.
func (t *transposer) perm(n *graph.Node) []int64 {
	if len(n.Inputs) != 1 || len(n.Outputs) != 1 || n.Inputs[0] == "" {
		return nil
	}
	if p, ok := n.Attrs["perm"].([]int64); ok {
		if !isPerm(p) {
			return nil
		}
		return p
	}
	r := t.g.ShapeOf(n.Inputs[0]).Rank()
	if r < 0 {
		return nil
	}
	p := make([]int64, r)
	for i := range p {
		p[i] = int64(r - 1 - i)
	}
	n.Attrs["perm"] = p
	return p
}

// drop removes Transpose n, its readers reading its input instead, and
// requeues the Transpose that made that input (it has new readers).
func (t *transposer) drop(n *graph.Node) {
	in, out := n.Inputs[0], n.Outputs[0]
	t.remove(n)
	t.replaceUses(out, in)
	t.enqueue(t.producer(in))
	for _, c := range t.cons[in] {
		t.enqueue(c)
	}
}

func (t *transposer) visit(n *graph.Node) {
	p := t.perm(n)
	if p == nil {
		return
	}
	x, y := n.Inputs[0], n.Outputs[0]
	if identityPerm(p) {
		t.drop(n)
		return
	}
	// Readers that are Transposes themselves read x with the composed
	// perm (the pair cancels when that is the identity).
	for _, c := range t.consumers(y) {
		if !isOp(c, "Transpose") || t.removed[c] || c.Inputs[0] != y {
			continue
		}
		q := t.perm(c)
		if q == nil {
			continue
		}
		r := composePerm(p, q)
		t.setInput(c, 0, x)
		c.Attrs["perm"] = r
		t.enqueue(c)
	}
	// A Reshape reading a Transpose that keeps the element order (it
	// only moves dims of size 1) can read the Transpose's input.
	if t.keepsOrder(x, p) {
		for _, c := range t.consumers(y) {
			if isOp(c, "Reshape") && len(c.Inputs) == 2 && c.Inputs[0] == y && c.Inputs[1] != y && t.plainReshape(c) {
				t.setInput(c, 0, x)
			}
		}
	}
	t.shapeReadersAside(n, p)
	if t.uses(y) == 0 {
		t.remove(n)
		return
	}
	c := t.soleConsumer(y)
	if c == nil && t.split {
		t.splitBranches(n)
		return
	}
	if c == nil || len(c.Subgraphs()) > 0 || (c.Domain != "" && c.Domain != "ai.onnx") {
		return
	}
	switch {
	case unaryLayoutFree[c.Op], perTensorQDQ(t.g, c) && !t.ins[x] && !(isOp(c, "DequantizeLinear") && qdqHoldsTranspose(t.index, c)):
		// (A graph input's QuantizeLinear or DequantizeLinear keeps the
		// Transpose above it: see dqTranspose and liftInputTranspose; so
		// does a DequantizeLinear before an op the Transpose could not
		// pass, see qdqHoldsTranspose.)
		t.pushUnary(n, c, p)
	case broadcastLayoutFree[c.Op]:
		t.pushElementwise(n, c, p, nil)
	case c.Op == "Concat":
		t.pushElementwise(n, c, p, func(c *graph.Node) bool {
			a, ok := c.Attrs["axis"].(int64)
			if !ok {
				return false
			}
			if a, ok = axisIn(a, int64(len(p))); !ok {
				return false
			}
			c.Attrs["axis"] = p[a]
			return true
		})
	case c.Op == "Softmax" || c.Op == "LogSoftmax" || c.Op == "Hardmax":
		if t.opset >= 13 {
			t.pushAxis(n, c, p)
		}
	case reduceOps[c.Op]:
		t.pushReduce(n, c, p)
	case c.Op == "ArgMax" || c.Op == "ArgMin":
		t.pushArg(n, c, p)
	case c.Op == "Pad":
		t.pushPad(n, c, p)
	case c.Op == "Slice":
		t.pushSlice(n, c, p)
	case c.Op == "Squeeze":
		t.pushSqueeze(n, c, p)
	case c.Op == "Reshape":
		t.flattenIntoMatMul(n, c, p)
	case c.Op == "Split" && t.split:
		t.pushSplit(n, c, p)
	}
}

// pushSplit moves n below a Split, one Transpose per output. That adds
// Transposes, so it is only tried by transpose-branches, which keeps it
// when they then meet their inverses.
func (t *transposer) pushSplit(n, c *graph.Node, p []int64) {
	if c.Inputs[0] != n.Outputs[0] || len(c.Outputs) < 1 || len(c.Outputs) > 16 {
		return
	}
	for _, in := range c.Inputs[1:] {
		if in == n.Outputs[0] {
			return
		}
	}
	a, ok := axisIn(c.Int("axis", 0), int64(len(p)))
	if !ok {
		return
	}
	x := n.Inputs[0]
	c.Attrs["axis"] = p[a]
	t.setInput(c, 0, x)
	inv := invertPerm(p)
	for i, old := range c.Outputs {
		if old == "" {
			continue
		}
		fresh := t.g.UniqueName(old + "__tr")
		t.g.SetValue(fresh, t.g.DTypeOf(old), permuteShape(t.g.ShapeOf(old), inv))
		t.setOutput(c, i, fresh)
		m := t.add(&graph.Node{Name: t.g.UniqueName(n.Name + "/split"), Op: "Transpose", Inputs: []string{fresh}, Outputs: []string{old}, Attrs: map[string]any{"perm": append([]int64{}, p...)}})
		t.enqueue(m)
	}
	if t.uses(n.Outputs[0]) == 0 {
		t.remove(n)
	}
}

// keepsOrder reports whether Transpose(x, p) leaves the elements in
// memory order: the dims it moves past each other are all known to be 1.
func (t *transposer) keepsOrder(x string, p []int64) bool {
	s := t.g.ShapeOf(x)
	if s.Rank() != len(p) {
		return false
	}
	last := int64(-1)
	for _, v := range p {
		if d := s.Dims[v]; d.Known() && d.Size == 1 {
			continue
		}
		if v < last {
			return false
		}
		last = v
	}
	return true
}

// plainReshape reports a Reshape with a constant target whose zeros, if
// any, mean zero (allowzero), so that its result does not depend on its
// input's dims, only on the element order.
func (t *transposer) plainReshape(c *graph.Node) bool {
	k := t.constOf(c.Inputs[1])
	return k != nil && (c.Int("allowzero", 0) != 0 || !hasZero(k.Int64s()))
}

// flattenIntoMatMul handles Transpose → flatten → MatMul/Gemm by a
// constant matrix, the usual end of a converted NHWC CNN: the flatten
// reads the untransposed value and the matrix's rows are permuted to
// match, so no Transpose is left.
func (t *transposer) flattenIntoMatMul(n, c *graph.Node, p []int64) {
	m := t.flattenDense(n, c, p)
	if m == nil {
		return
	}
	x := n.Inputs[0]
	s := t.g.ShapeOf(x)
	r := len(p)
	w := t.constOf(m.Inputs[1])
	// Rows of w are indexed by the flattened transposed dims; reorder
	// them to the untransposed ones.
	dims := make([]int64, 0, r)
	for _, v := range p[1:] {
		dims = append(dims, s.Dims[v].Size)
	}
	dims = append(dims, w.Dims[1])
	q := make([]int64, r-1)
	for i, v := range p[1:] {
		q[i] = v - 1
	}
	q = append(invertPerm(q), int64(r-1))
	nw := transposeTensor(withDims(w, dims), q)
	t.setInput(m, 1, t.addConst(m.Inputs[1]+"__rows", withDims(nw, w.Dims)))
	t.setInput(c, 0, x)
	t.remove(n)
}

// flattenDense checks the pattern of flattenIntoMatMul: n (perm p, which
// keeps dim 0) feeds Reshape c, whose result is the 2-D left operand of a
// MatMul or Gemm with a constant matrix of as many rows as each item of
// n's input holds. A valid model then makes c a flatten to [N, inner],
// whatever its target says (it may be computed at run time, as Keras'
// Flatten does for an unknown batch). It returns the MatMul/Gemm, or nil.
func (t *transposer) flattenDense(n, c *graph.Node, p []int64) *graph.Node {
	x, y := n.Inputs[0], n.Outputs[0]
	s := t.g.ShapeOf(x)
	r := len(p)
	if p[0] != 0 || r < 3 || s.Rank() != r || !isOp(c, "Reshape") || len(c.Inputs) != 2 || c.Inputs[0] != y || c.Inputs[1] == y || len(c.Outputs) != 1 {
		return nil
	}
	inner := int64(1) // the flattened size
	for _, d := range s.Dims[1:] {
		if !d.Known() {
			return nil
		}
		inner *= d.Size
	}
	m := t.soleConsumer(c.Outputs[0])
	if m == nil || len(m.Outputs) != 1 || len(m.Inputs) < 2 || m.Inputs[0] != c.Outputs[0] || m.Inputs[1] == c.Outputs[0] {
		return nil
	}
	switch {
	case isOp(m, "MatMul"):
		rank2 := t.g.ShapeOf(c.Outputs[0]).Rank() == 2
		if k := t.constOf(c.Inputs[1]); k != nil && len(k.Dims) == 1 && k.Dims[0] == 2 {
			rank2 = true
		}
		if !rank2 {
			return nil
		}
	case isOp(m, "Gemm") && m.Int("transA", 0) == 0 && m.Int("transB", 0) == 0:
	default:
		return nil
	}
	w := t.constOf(m.Inputs[1])
	if w == nil || len(w.Dims) != 2 || w.Dims[0] != inner || elemSize(w) == 0 {
		return nil
	}
	return m
}

// shapeReadersAside handles a Transpose read by Shape nodes and one other
// node c that would take the Transpose away (a flatten into a dense
// layer): each Shape reads n's input and permutes the result by a Gather,
// so that c becomes the only reader.
func (t *transposer) shapeReadersAside(n *graph.Node, p []int64) {
	x, y := n.Inputs[0], n.Outputs[0]
	if t.isOutput(y) {
		return
	}
	var shapes []*graph.Node
	var other *graph.Node
	for _, c := range t.cons[y] {
		switch {
		case isOp(c, "Shape") && len(c.Outputs) == 1 && c.Attrs["start"] == nil && c.Attrs["end"] == nil:
			shapes = append(shapes, c)
		case other == nil:
			other = c
		default:
			return
		}
	}
	if len(shapes) == 0 || other == nil {
		return
	}
	if t.flattenDense(n, other, p) == nil {
		return
	}
	for _, sh := range shapes {
		old := sh.Outputs[0]
		fresh := t.g.UniqueName(old + "__untr")
		t.g.SetValue(fresh, graph.Int64, graph.ShapeOf(int64(len(p))))
		t.setOutput(sh, 0, fresh)
		t.setInput(sh, 0, x)
		idx := t.addConst(sh.Name+"/perm", graph.Int64Tensor(p...))
		t.add(&graph.Node{Name: t.g.UniqueName(sh.Name + "/permute"), Op: "Gather", Inputs: []string{fresh, idx}, Outputs: []string{old}, Attrs: map[string]any{"axis": int64(0)}})
	}
}

// pushSqueeze moves n below a Squeeze with constant axes.
func (t *transposer) pushSqueeze(n, c *graph.Node, p []int64) {
	if len(c.Outputs) != 1 || c.Inputs[0] != n.Outputs[0] {
		return
	}
	r := int64(len(p))
	axes, ok := t.axesOf(c, int(r))
	if !ok || len(axes) == 0 {
		return
	}
	set := map[int64]bool{}
	na := make([]int64, len(axes))
	for i, a := range axes {
		if a < 0 || a >= r {
			return
		}
		set[a] = true
		na[i] = p[a]
	}
	sort.Slice(na, func(i, j int) bool { return na[i] < na[j] })
	if len(c.Inputs) > 1 && c.Inputs[1] != "" {
		t.setInput(c, 1, t.addConst(c.Name+"/axes", graph.Int64Tensor(na...)))
	} else {
		c.Attrs["axes"] = na
	}
	t.finishPush(n, c, p, reducedPerm(p, set))
}

// moveAfter puts Transpose n (now perm p) after node c, which already
// reads n's input in place of n's output: c's first output gets a fresh
// name (of shape newShape) and n turns it into c's old output.
func (t *transposer) moveAfter(n, c *graph.Node, p []int64, newShape graph.Shape) {
	old := c.Outputs[0]
	fresh := t.g.UniqueName(old + "__tr")
	t.g.SetValue(fresh, t.g.DTypeOf(old), newShape)
	t.setOutput(c, 0, fresh)
	t.setInput(n, 0, fresh)
	t.setOutput(n, 0, old)
	n.Attrs["perm"] = append([]int64{}, p...)
	t.enqueue(n)
}

// pushUnary moves n below an elementwise op of one data input.
func (t *transposer) pushUnary(n, c *graph.Node, p []int64) {
	x, y := n.Inputs[0], n.Outputs[0]
	if len(c.Outputs) != 1 || len(c.Inputs) == 0 || c.Inputs[0] != y {
		return
	}
	for _, in := range c.Inputs[1:] {
		if in == y {
			return
		}
	}
	shape := t.g.ShapeOf(x)
	t.setInput(c, 0, x)
	t.moveAfter(n, c, p, shape)
}

// pushElementwise moves n below c, an op whose output has its inputs'
// layout. Each input of c must be a Transpose with perm p (c reads its
// input instead), a constant (transposed to match), or another value of
// rank len(p), which gets the inverse Transpose: an existing one when the
// value has it already, else a new one. adjust, when set, fixes c's
// attributes and reports whether it could.
func (t *transposer) pushElementwise(n, c *graph.Node, p []int64, adjust func(*graph.Node) bool) {
	if len(c.Outputs) != 1 {
		return
	}
	r := len(p)
	inv := invertPerm(p)
	const (
		viaTranspose = iota
		viaConst
		viaInverse
	)
	type change struct {
		i    int
		kind int
		v    string // the value c reads after the push, when known
	}
	var changes []change
	var trs []*graph.Node // distinct Transposes feeding c
	fresh := map[string]bool{}
	for i, in := range c.Inputs {
		if in == "" {
			continue
		}
		if pr := t.producer(in); isOp(pr, "Transpose") {
			if q := t.perm(pr); q != nil && slices.Equal(q, p) {
				changes = append(changes, change{i, viaTranspose, pr.Inputs[0]})
				if !containsNode(trs, pr) {
					trs = append(trs, pr)
				}
				continue
			}
		}
		if k := t.constOf(in); k != nil {
			if adjust != nil && len(k.Dims) != r { // Concat needs full rank
				return
			}
			if len(k.Dims) == 0 || allOnes(k.Dims) {
				continue // a scalar broadcasts the same in any layout
			}
			if _, ok := alignRank(k.Dims, r); !ok || elemSize(k) == 0 {
				return
			}
			changes = append(changes, change{i, viaConst, ""})
			continue
		}
		if t.g.ShapeOf(in).Rank() != r {
			return
		}
		v := ""
		for _, s := range t.cons[in] {
			// Not one that feeds c: with a self-inverse perm,
			// Min(x, Transpose(x)) would read the Transpose the push
			// moves below it (a cycle).
			if isOp(s, "Transpose") && s.Inputs[0] == in && !slices.Contains(c.Inputs, s.Outputs[0]) {
				if q := t.perm(s); q != nil && slices.Equal(q, inv) {
					v = s.Outputs[0]
					break
				}
			}
		}
		if v == "" {
			fresh[in] = true
		}
		changes = append(changes, change{i, viaInverse, v})
	}
	// Count the Transposes executed after the push: one below c, the new
	// inverse ones, and those feeding c that others still read.
	after := 1 + len(fresh)
	for _, tr := range trs {
		if t.uses(tr.Outputs[0]) > 1 {
			after++
		}
	}
	if after > len(trs) {
		return
	}
	if adjust != nil && !adjust(c) {
		return
	}
	made := map[string]string{}
	for _, ch := range changes {
		in := c.Inputs[ch.i]
		v := ch.v
		switch {
		case ch.kind == viaConst:
			k := t.constOf(in)
			full, _ := alignRank(k.Dims, r)
			v = t.addConst(in+"__tr", transposeTensor(withDims(k, full), inv))
		case ch.kind == viaInverse && v == "":
			if v = made[in]; v == "" {
				v = t.g.UniqueName(in + "__tr")
				t.g.SetValue(v, t.g.DTypeOf(in), permuteShape(t.g.ShapeOf(in), inv))
				m := &graph.Node{Name: t.g.UniqueName(in + "/transpose"), Op: "Transpose", Inputs: []string{in}, Outputs: []string{v}, Attrs: map[string]any{"perm": inv}}
				t.add(m)
				t.enqueue(m)
				made[in] = v
			}
		}
		t.setInput(c, ch.i, v)
	}
	shape := permuteShape(t.g.ShapeOf(c.Outputs[0]), inv)
	for _, tr := range trs {
		if tr != n && t.uses(tr.Outputs[0]) == 0 {
			t.remove(tr)
		}
	}
	t.moveAfter(n, c, p, shape)
}

func containsNode(list []*graph.Node, n *graph.Node) bool {
	for _, m := range list {
		if m == n {
			return true
		}
	}
	return false
}

// pushAxis moves n below an op that works along one axis attribute
// (Softmax and friends) and keeps the rank.
func (t *transposer) pushAxis(n, c *graph.Node, p []int64) {
	if len(c.Outputs) != 1 || len(c.Inputs) != 1 {
		return
	}
	a, ok := axisIn(c.Int("axis", -1), int64(len(p)))
	if !ok {
		return
	}
	c.Attrs["axis"] = p[a]
	shape := t.g.ShapeOf(n.Inputs[0])
	t.setInput(c, 0, n.Inputs[0])
	t.moveAfter(n, c, p, shape)
}

// reducedPerm is the perm that follows a reduction over axes (of the
// transposed tensor) with keepdims=0: kept dims keep their relative order
// in the untransposed input.
func reducedPerm(p []int64, axes map[int64]bool) []int64 {
	var inKept []int64 // axes of the input that survive, ascending
	for j := int64(0); j < int64(len(p)); j++ {
		red := false
		for a := range axes {
			if p[a] == j {
				red = true
			}
		}
		if !red {
			inKept = append(inKept, j)
		}
	}
	pos := map[int64]int64{}
	for k, j := range inKept {
		pos[j] = int64(k)
	}
	var q []int64
	for i := int64(0); i < int64(len(p)); i++ {
		if !axes[i] {
			q = append(q, pos[p[i]])
		}
	}
	return q
}

// pushReduce moves n below a ReduceX, mapping its axes.
func (t *transposer) pushReduce(n, c *graph.Node, p []int64) {
	if len(c.Outputs) != 1 || c.Inputs[0] != n.Outputs[0] || c.Int("noop_with_empty_axes", 0) != 0 {
		return
	}
	r := int64(len(p))
	var axes []int64
	axesInput := len(c.Inputs) > 1 && c.Inputs[1] != ""
	if axesInput {
		k := t.constOf(c.Inputs[1])
		if k == nil {
			return
		}
		axes = k.Int64s()
	} else if a, ok := c.Attrs["axes"].([]int64); ok {
		axes = a
	}
	if len(axes) == 0 { // all axes
		axes = make([]int64, r)
		for i := range axes {
			axes[i] = int64(i)
		}
	}
	set := map[int64]bool{}
	newAxes := make([]int64, len(axes))
	for i, a := range axes {
		a, ok := axisIn(a, r)
		if !ok {
			return
		}
		set[a] = true
		newAxes[i] = p[a]
	}
	sort.Slice(newAxes, func(i, j int) bool { return newAxes[i] < newAxes[j] })
	keep := c.Int("keepdims", 1) != 0
	q := p
	switch {
	case int64(len(set)) == r:
		q = nil // every dim is reduced (to 1 or away): no layout is left
	case !keep:
		q = reducedPerm(p, set)
	}
	if axesInput {
		t.setInput(c, 1, t.addConst(c.Name+"/axes", graph.Int64Tensor(newAxes...)))
	} else if _, ok := c.Attrs["axes"]; ok {
		c.Attrs["axes"] = newAxes
	}
	t.finishPush(n, c, p, q)
}

// finishPush makes c read n's input and puts a Transpose with perm q after
// c (none when q is the identity).
func (t *transposer) finishPush(n, c *graph.Node, p, q []int64) {
	old := c.Outputs[0]
	shape := permuteShape(t.g.ShapeOf(old), invertPerm(q))
	t.setInput(c, 0, n.Inputs[0])
	if identityPerm(q) {
		t.remove(n)
		return
	}
	t.moveAfter(n, c, q, shape)
}

// pushArg moves n below an ArgMax/ArgMin.
func (t *transposer) pushArg(n, c *graph.Node, p []int64) {
	if len(c.Outputs) != 1 || len(c.Inputs) != 1 {
		return
	}
	a, ok := axisIn(c.Int("axis", 0), int64(len(p)))
	if !ok {
		return
	}
	q := p
	if c.Int("keepdims", 1) == 0 {
		q = reducedPerm(p, map[int64]bool{a: true})
	}
	c.Attrs["axis"] = p[a]
	t.finishPush(n, c, p, q)
}

// pushPad moves n below a Pad with constant pads (and no axes input).
func (t *transposer) pushPad(n, c *graph.Node, p []int64) {
	if len(c.Outputs) != 1 || c.Inputs[0] != n.Outputs[0] || len(c.Inputs) < 2 {
		return
	}
	if len(c.Inputs) > 3 && c.Inputs[3] != "" {
		return
	}
	k := t.constOf(c.Inputs[1])
	r := len(p)
	if k == nil || len(k.Dims) != 1 || k.Dims[0] != int64(2*r) {
		return
	}
	pads := k.Int64s()
	np := make([]int64, 2*r)
	for i, v := range p {
		np[v] = pads[i]
		np[int64(r)+v] = pads[r+i]
	}
	t.setInput(c, 1, t.addConst(c.Name+"/pads", graph.Int64Tensor(np...)))
	t.finishPush(n, c, p, p)
}

// pushSlice moves n below a Slice with constant axes (or none).
func (t *transposer) pushSlice(n, c *graph.Node, p []int64) {
	if len(c.Outputs) != 1 || c.Inputs[0] != n.Outputs[0] || len(c.Inputs) < 3 {
		return
	}
	r := int64(len(p))
	starts := t.constOf(c.Inputs[1])
	if starts == nil || len(starts.Dims) != 1 {
		return
	}
	var axes []int64
	if len(c.Inputs) > 3 && c.Inputs[3] != "" {
		k := t.constOf(c.Inputs[3])
		if k == nil {
			return
		}
		axes = k.Int64s()
	} else {
		axes = make([]int64, starts.Dims[0])
		for i := range axes {
			axes[i] = int64(i)
		}
	}
	na := make([]int64, len(axes))
	for i, a := range axes {
		a, ok := axisIn(a, r)
		if !ok {
			return
		}
		na[i] = p[a]
	}
	for len(c.Inputs) < 4 {
		c.Inputs = append(c.Inputs, "")
	}
	t.setInput(c, 3, t.addConst(c.Name+"/axes", graph.Int64Tensor(na...)))
	t.finishPush(n, c, p, p)
}
