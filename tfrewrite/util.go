package tfrewrite

import (
	"strconv"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Names of the TF-domain placeholder ops the control-flow rewrites leave for
// opmap (opmap/control.go maps them once their inputs are typed). They have
// the shape of ONNX Loop and If: _OnnxLoop takes (M, cond, v_initial...)
// and holds "body", a graph with inputs (iteration, cond, v...) and outputs
// (cond, v..., scan outputs...); _OnnxIf takes (cond) and holds
// "then_branch" and "else_branch", graphs without inputs. The subgraphs
// still hold TF ops.
const (
	LoopOp = "_OnnxLoop"
	IfOp   = "_OnnxIf"
)

// view is a TF graph with its def-use maps, rebuilt whenever a rewrite
// changes the graph.
type view struct {
	g    *graph.Graph
	prod map[string]*graph.Node
	cons map[string][]*graph.Node
}

func newView(g *graph.Graph) *view {
	return &view{g: g, prod: g.Producers(), cons: g.Consumers()}
}

// eachReader calls accept for every node that reads val, looking through
// chains of Identity (val is then the Identity's output the node reads).
// It is false as soon as accept is, or when val or an Identity of it is a
// graph output: a reader outside the graph.
func (v *view) eachReader(g *graph.Graph, val string, accept func(c *graph.Node, val string) bool) bool {
	work := []string{val}
	for len(work) > 0 {
		val := work[len(work)-1]
		work = work[:len(work)-1]
		if g.IsOutput(val) {
			return false
		}
		for _, c := range v.cons[val] {
			if isOp(c, "Identity") {
				work = append(work, out(c, 0))
			} else if !accept(c, val) {
				return false
			}
		}
	}
	return true
}

// producer of a value, nil for constants and graph inputs.
func (v *view) producer(val string) *graph.Node { return v.prod[val] }

// port is the output index of value val of its producer.
func port(val string) int {
	i := strings.LastIndexByte(val, ':')
	if i < 0 {
		return 0
	}
	p, err := strconv.Atoi(val[i+1:])
	if err != nil {
		return 0
	}
	return p
}

func out(n *graph.Node, i int) string {
	if i < len(n.Outputs) {
		return n.Outputs[i]
	}
	return n.Name + ":" + strconv.Itoa(i)
}

// isOp reports a TF node of one of the ops.
func isOp(n *graph.Node, ops ...string) bool {
	if n == nil || n.Domain != graph.DomainTF {
		return false
	}
	for _, o := range ops {
		if n.Op == o {
			return true
		}
	}
	return false
}

// skip follows Identity-like TF nodes back to the value they pass on.
func (v *view) skip(val string) string {
	for i := 0; i < 1000; i++ {
		p := v.prod[val]
		if !isOp(p, "Identity", "StopGradient", "Snapshot") || len(p.Inputs) == 0 {
			return val
		}
		val = p.Inputs[0]
	}
	return val
}

// skipEnter is skip that also leaves loop-invariant Enter nodes.
func (v *view) skipEnter(val string) string {
	for i := 0; i < 1000; i++ {
		val = v.skip(val)
		p := v.prod[val]
		if !isOp(p, "Enter") || len(p.Inputs) == 0 {
			return val
		}
		val = p.Inputs[0]
	}
	return val
}

// constOf is the constant behind a value, through Identity and Enter nodes.
func (v *view) constOf(val string) *graph.Tensor {
	return v.g.Consts[v.skipEnter(val)]
}

// ints evaluates small integer computations made of constants (the
// permutations and ranges TF builds at graph construction time).
func (v *view) ints(val string) ([]int64, bool) {
	return v.intsDepth(val, 0)
}

func (v *view) intsDepth(val string, depth int) ([]int64, bool) {
	if depth > 20 {
		return nil, false
	}
	val = v.skipEnter(val)
	if t := v.g.Consts[val]; t != nil {
		if !t.DType.IsInt() && t.DType != graph.Bool {
			return nil, false
		}
		return t.Int64s(), true
	}
	p := v.prod[val]
	if p == nil || p.Domain != graph.DomainTF {
		return nil, false
	}
	arg := func(i int) ([]int64, bool) {
		if i >= len(p.Inputs) {
			return nil, false
		}
		return v.intsDepth(p.Inputs[i], depth+1)
	}
	scalar := func(i int) (int64, bool) {
		x, ok := arg(i)
		if !ok || len(x) != 1 {
			return 0, false
		}
		return x[0], true
	}
	switch p.Op {
	case "Cast":
		return arg(0)
	case "Range":
		start, ok1 := scalar(0)
		limit, ok2 := scalar(1)
		delta, ok3 := scalar(2)
		if !ok1 || !ok2 || !ok3 || delta == 0 {
			return nil, false
		}
		var r []int64
		for x := start; (delta > 0 && x < limit) || (delta < 0 && x > limit); x += delta {
			r = append(r, x)
			if len(r) > 64 {
				return nil, false
			}
		}
		return r, true
	case "ConcatV2":
		var r []int64
		for i := 0; i < len(p.Inputs)-1; i++ {
			x, ok := arg(i)
			if !ok {
				return nil, false
			}
			r = append(r, x...)
		}
		return r, true
	case "Pack":
		var r []int64
		for i := range p.Inputs {
			x, ok := scalar(i)
			if !ok {
				return nil, false
			}
			r = append(r, x)
		}
		return r, true
	}
	return nil, false
}

// scalarInt is ints for a one-element value.
func (v *view) scalarInt(val string) (int64, bool) {
	x, ok := v.ints(val)
	if !ok || len(x) != 1 {
		return 0, false
	}
	return x[0], true
}

// isZero reports a value known to be all zeros (TF's zero states: a Fill
// of 0, a zeros constant, ZerosLike).
func (v *view) isZero(val string) bool {
	val = v.skipEnter(val)
	if t := v.g.Consts[val]; t != nil {
		if t.DType == graph.String {
			return false
		}
		for _, x := range t.Float64s() {
			if x != 0 {
				return false
			}
		}
		return true
	}
	p := v.prod[val]
	switch {
	case isOp(p, "Fill") && len(p.Inputs) == 2:
		return v.isZero(p.Inputs[1])
	case isOp(p, "ZerosLike"):
		return true
	}
	return false
}

// emitter adds ONNX nodes to a graph during a rewrite. Their outputs are
// typed when opmap.Apply reaches them, once their inputs are mapped.
type emitter struct {
	g    *graph.Graph
	base string
}

func (e *emitter) op(op string, attrs map[string]any, inputs ...string) string {
	return e.opN(op, 1, attrs, inputs...)[0]
}

func (e *emitter) opN(op string, n int, attrs map[string]any, inputs ...string) []string {
	return e.node("", op, n, attrs, inputs...).Outputs
}

// tf adds a TensorFlow node: control flow that a later pass rewrites.
func (e *emitter) tf(op string, n int, attrs map[string]any, inputs ...string) *graph.Node {
	return e.node(graph.DomainTF, op, n, attrs, inputs...)
}

// node adds a node of the domain named under e.base, with n outputs.
func (e *emitter) node(domain, op string, n int, attrs map[string]any, inputs ...string) *graph.Node {
	if attrs == nil {
		attrs = map[string]any{}
	}
	name := e.g.UniqueName(e.base + "/" + op)
	outs := make([]string, n)
	for i := range outs {
		outs[i] = e.g.UniqueName(name + ":" + strconv.Itoa(i))
	}
	return e.g.AddNode(&graph.Node{Name: name, Op: op, Domain: domain, Inputs: inputs, Outputs: outs, Attrs: attrs})
}

func (e *emitter) ints(vals ...int64) string {
	return e.g.AddConst(e.base+"/const", graph.Int64Tensor(vals...))
}

func (e *emitter) scalar(v int64) string {
	return e.g.AddConst(e.base+"/const", graph.ScalarInt64(v))
}

func (e *emitter) tensor(t *graph.Tensor) string {
	return e.g.AddConst(e.base+"/const", t)
}

// gather takes index i of axis (removing the axis).
func (e *emitter) gather(x string, i, axis int64) string {
	return e.op("Gather", map[string]any{"axis": axis}, x, e.scalar(i))
}

func (e *emitter) transpose(x string, perm ...int64) string {
	return e.op("Transpose", map[string]any{"perm": perm}, x)
}

func (e *emitter) cast(x string, to graph.DType) string {
	return e.op("Cast", map[string]any{"to": int64(to)}, x)
}

// reverseTime reverses axis 0 of a [time, batch, ...] value; with lens
// (int32 per batch entry) only the first lens[b] steps of each entry.
func (e *emitter) reverseTime(x, lens string) string {
	if lens != "" {
		return e.op("ReverseSequence", map[string]any{"batch_axis": int64(1), "time_axis": int64(0)}, x, e.cast(lens, graph.Int64))
	}
	return e.op("Slice", nil, x, e.ints(-1), e.ints(-1<<63), e.ints(0), e.ints(-1))
}

// removeNodes drops the given nodes from g.
func removeNodes(g *graph.Graph, drop map[*graph.Node]bool) {
	kept := g.Nodes[:0]
	for _, n := range g.Nodes {
		if !drop[n] {
			kept = append(kept, n)
		}
	}
	for i := len(kept); i < len(g.Nodes); i++ {
		g.Nodes[i] = nil
	}
	g.Nodes = kept
}

// sortNodes orders g.Nodes so that producers come first, treating the
// NextIteration → Merge edges of TF1 loops that remain as back edges. The
// graph has no other cycle (extraction rejects them), so there is no error
// to report.
func sortNodes(g *graph.Graph) {
	_ = g.TopoSortExcept(func(reader, producer *graph.Node) bool {
		return isOp(reader, "Merge") && isOp(producer, "NextIteration")
	})
}

// replaceValue makes every reader of old read new. A graph output keeps its
// name: its old producer gives up the name, and an Identity from new takes
// it.
func replaceValue(g *graph.Graph, old, new string) {
	if old == new {
		return
	}
	if !g.IsOutput(old) {
		g.ReplaceUses(old, new)
		return
	}
	g.ReplaceUses(old, new)
	for i, o := range g.Outputs {
		if o == new {
			g.Outputs[i] = old
		}
	}
	for _, n := range g.Nodes {
		for i, o := range n.Outputs {
			if o == old {
				n.Outputs[i] = g.UniqueName(old + "/replaced")
			}
		}
	}
	g.AddNode(&graph.Node{Name: g.UniqueName(old + "/Identity"), Op: "Identity", Inputs: []string{new}, Outputs: []string{old}})
}

// used reports a value that a node or the graph's outputs read.
func (v *view) used(val string) bool {
	return val != "" && (len(v.cons[val]) > 0 || v.g.IsOutput(val))
}
