// Package opmap maps TensorFlow ops to ONNX ops. One explicit table of rules
// (rules.go) lists every TF op the converter knows, each with the lowest ONNX
// opset its handler serves; handlers live in files by family (nn, math,
// array, control, rnn). Apply replaces every TF node of a graph in place,
// in topological order, so that each handler sees its inputs already mapped
// and typed.
package opmap

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
)

// Handler replaces c.Node with ONNX nodes whose outputs are the node's TF
// output names (c.Out(i)), or aliases those names to existing values.
type Handler func(c *Ctx) error

// Rule maps one TF op from an opset on.
type Rule struct {
	Op    string
	Since int // lowest ONNX opset this handler serves
	Map   Handler
}

// MinOpset and MaxOpset bound the opsets the converter targets. 27: the
// pinned onnxruntime (1.32.0) runs every op version we emit up to it; at 28
// (onnx 1.23.2's newest) it has no DequantizeLinear-28 kernel (docs/notes.md).
const (
	MinOpset = 13
	MaxOpset = 27
)

// ruleTable indexes Rules() by op. It is built on first use, once, so that
// conversions running at the same time share it safely. (A sync.Once, not a
// sync.OnceValue variable: handlers reach lookup through Apply, and a
// variable initialised from Rules would be an initialization cycle.)
var (
	ruleTableOnce sync.Once
	ruleTableMap  map[string][]Rule
)

func ruleTable() map[string][]Rule {
	ruleTableOnce.Do(func() {
		t := map[string][]Rule{}
		for _, r := range Rules() {
			t[r.Op] = append(t[r.Op], r)
		}
		ruleTableMap = t
	})
	return ruleTableMap
}

func lookup(op string, opset int) (Handler, bool) {
	table := ruleTable()
	var best *Rule
	for i, r := range table[op] {
		if r.Since <= opset && (best == nil || r.Since > best.Since) {
			best = &table[op][i]
		}
	}
	if best == nil {
		return nil, false
	}
	return best.Map, true
}

// Supported reports whether an op has a rule at the opset.
func Supported(op string, opset int) bool {
	_, ok := lookup(op, opset)
	return ok
}

// Options steer the mapping.
type Options struct {
	Opset int
	// ContinueOnError keeps TF nodes that cannot be mapped, in the
	// org.tensorflow domain, instead of failing.
	ContinueOnError bool
	// Release, when set, is told the bytes of each constant the mapping
	// drops, so a reader that mapped them from a file can let them go.
	Release func(data []byte)
	// Report, when set, is told the problems the mapping works around
	// rather than fails on: shape inference that failed on an emitted node
	// (its outputs stay untyped), constant folding that failed (the node
	// stays). Under --debug the converter fails on them.
	Report func(err error)
	// Domains are the extra opset imports the model will carry (the CLI's
	// --extra_opset), domain → version: handlers may emit ops of those
	// domains (com.microsoft's Inverse, Range) where ONNX has no form.
	Domains map[string]int
	// tables are the hash tables of the enclosing graph, which a loop or
	// branch body's lookups read (tables.go).
	tables map[*graph.Tensor]*table
}

// UnsupportedError lists every TF op without a rule, with counts and one
// node name each.
type UnsupportedError struct {
	Opset int
	Ops   []OpUse
}

// OpUse is one unsupported op type, how many nodes use it, and an example.
type OpUse struct {
	Op, Example string
	Count       int
}

func (e *UnsupportedError) Error() string {
	parts := make([]string, len(e.Ops))
	total := 0
	for i, u := range e.Ops {
		parts[i] = fmt.Sprintf("%s ×%d (e.g. %q)", u.Op, u.Count, u.Example)
		total += u.Count
	}
	return fmt.Sprintf("%d node(s) with %d op type(s) unsupported at opset %d: %s", total, len(e.Ops), e.Opset, strings.Join(parts, ", "))
}

// NodeError is a handler's failure on one node.
type NodeError struct {
	Node, Op string
	Err      error
}

func (e *NodeError) Error() string { return fmt.Sprintf("node %q (%s): %v", e.Node, e.Op, e.Err) }
func (e *NodeError) Unwrap() error { return e.Err }

// MapErrors gathers every handler failure of one run.
type MapErrors []*NodeError

func (m MapErrors) Error() string {
	if len(m) == 1 {
		return m[0].Error()
	}
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = e.Error()
	}
	return fmt.Sprintf("%d nodes failed to convert: %s", len(m), strings.Join(parts, "; "))
}

// Unwrap lets errors.Is see each node's error (graph.ErrInternal among them).
func (m MapErrors) Unwrap() []error {
	out := make([]error, len(m))
	for i, e := range m {
		out[i] = e
	}
	return out
}

// Unsupported lists the TF ops of g that have no rule at the opset.
func Unsupported(g *graph.Graph, opset int) []OpUse {
	uses := map[string]*OpUse{}
	for _, n := range g.Nodes {
		if n.Domain != graph.DomainTF || Supported(n.Op, opset) {
			continue
		}
		u := uses[n.Op]
		if u == nil {
			u = &OpUse{Op: n.Op, Example: n.Name}
			uses[n.Op] = u
		}
		u.Count++
	}
	out := make([]OpUse, 0, len(uses))
	for _, u := range uses {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Op < out[j].Op
	})
	return out
}

// Apply maps every TF node of g (topologically sorted) to ONNX nodes. It
// returns the warnings of kept nodes under ContinueOnError.
func Apply(g *graph.Graph, opts Options) (warnings []string, err error) {
	if un := Unsupported(g, opts.Opset); len(un) > 0 {
		if !opts.ContinueOnError {
			return nil, &UnsupportedError{Opset: opts.Opset, Ops: un}
		}
		for _, u := range un {
			warnings = append(warnings, fmt.Sprintf("kept %d %s node(s) in domain %s (e.g. %q); onnxruntime cannot run them", u.Count, u.Op, graph.DomainTF, u.Example))
		}
	}
	c := &Ctx{G: g, Opset: opts.Opset, aliases: map[string]string{}, report: opts.Report, domains: opts.Domains, tables: opts.tables}
	resolve := func(v string) string {
		for {
			a, ok := c.aliases[v]
			if !ok {
				return v
			}
			v = a
		}
	}
	var errs MapErrors
	nodes := g.Nodes
	g.Nodes = nil
	c.pruner = newPruner(g, nodes, opts.Release)
	c.pending = nodes
	for _, n := range nodes {
		for i, in := range n.Inputs {
			n.Inputs[i] = resolve(in)
		}
		mark := len(c.out)
		if n.Domain != graph.DomainTF {
			// ONNX nodes left by the TF-side rewrites are typed here, where
			// their inputs are, for the handlers downstream.
			if err := infer.Node(g, n, opts.Opset); err != nil {
				c.problem(err)
			}
			c.out = append(c.out, n)
			c.pruner.done(n, c.out[mark:])
			continue
		}
		h, ok := lookup(n.Op, opts.Opset)
		if ok {
			c.Node = n
			if err := callHandler(h, c); err != nil {
				errs = append(errs, &NodeError{Node: n.Name, Op: n.Op, Err: err})
				c.out = c.out[:mark]
				ok = false
			}
		}
		if !ok {
			keepTF(g, n)
			c.out = append(c.out, n)
		}
		c.pruner.done(n, c.out[mark:])
	}
	c.pruner.flush()
	g.Nodes = c.out
	if len(errs) > 0 && !opts.ContinueOnError {
		return warnings, errs
	}
	for _, e := range errs {
		warnings = append(warnings, "kept as a TF node: "+e.Error())
	}
	for i, o := range g.Outputs {
		r := resolve(o)
		if isComplex(g.DTypeOf(r)) {
			return warnings, fmt.Errorf("graph output %q: %w", o, errComplexOut)
		}
		if t, ok := g.Consts[r]; ok {
			// A constant graph output (a TF Const fetched directly, or a
			// value folded whole) is computed by a Constant node: runtimes
			// and tools differ on an initializer that is also a graph output.
			if r == o {
				delete(g.Consts, o)
				delete(g.Values, o)
			}
			k := &graph.Node{Name: g.UniqueName(strings.TrimSuffix(o, ":0") + "/value"), Op: "Constant", Outputs: []string{o}, Attrs: map[string]any{"value": t}}
			g.AddNode(k)
			if err := infer.Node(g, k, opts.Opset); err != nil {
				return warnings, err
			}
			continue
		}
		if r == o {
			continue
		}
		// The graph output keeps its TF name: an Identity carries it when
		// the handler aliased the output to another value.
		id := &graph.Node{Name: g.UniqueName(strings.TrimSuffix(o, ":0") + "/output"), Op: "Identity", Inputs: []string{r}, Outputs: []string{o}}
		g.AddNode(id)
		if err := infer.Node(g, id, opts.Opset); err != nil {
			return warnings, err
		}
		g.Outputs[i] = o
	}
	return warnings, nil
}

// keepTF leaves a TF node in place (--continue-on-error) with the output
// type its attributes tell.
func keepTF(g *graph.Graph, n *graph.Node) {
	dt := graph.Undefined
	for _, k := range []string{"T", "dtype", "out_type", "DstT"} {
		if t := n.Type(k); t != graph.Undefined {
			dt = t
			break
		}
	}
	shapes, _ := n.Attrs["_output_shapes"].([]graph.Shape)
	for i, o := range n.Outputs {
		s := graph.UnknownShape()
		if i < len(shapes) {
			s = shapes[i]
		}
		g.SetValue(o, dt, s)
	}
}

// pruner drops a constant from the graph as soon as no node left to map
// reads it and no mapped node does: a kernel that a Conv2D handler
// transposed (the folded copy is what the Conv reads) is freed while the
// mapping goes on, instead of doubling the weights held until dead-node
// removal.
type pruner struct {
	g       *graph.Graph
	release func([]byte)
	uses    map[string]int  // reads by nodes not yet mapped
	pinned  map[string]bool // read by mapped nodes or graph outputs
	// Dropped constants whose bytes wait for release until no constant
	// left holds them. Checking that is a scan of every constant, so it is
	// done for a batch at once: per dropped constant it made the mapping
	// quadratic in the graph's size.
	pending      [][]byte
	pendingBytes int
}

// flushAt bounds what waits for release: a few MB (large weights go at
// once, as they did, keeping the peak low) or a share of the constants
// (many small ones cost one scan per batch).
const flushAt = 16 << 20

func newPruner(g *graph.Graph, nodes []*graph.Node, release func([]byte)) *pruner {
	p := &pruner{g: g, release: release, uses: map[string]int{}, pinned: map[string]bool{}}
	for _, n := range nodes {
		for _, v := range reads(n) {
			p.uses[v]++
		}
	}
	for _, o := range g.Outputs {
		p.pinned[o] = true
	}
	return p
}

func reads(n *graph.Node) []string {
	r := append([]string{}, n.Inputs...)
	return append(r, n.OuterReads()...)
}

// alias moves the pending reads of out onto v, which now stands for it.
func (p *pruner) alias(out, v string) {
	if p != nil {
		p.uses[v] += p.uses[out]
		if p.pinned[out] {
			p.pinned[v] = true // a graph output's stand-in stays
		}
	}
}

// done records that n was mapped into emitted.
func (p *pruner) done(n *graph.Node, emitted []*graph.Node) {
	for _, e := range emitted {
		for _, v := range reads(e) {
			p.pinned[v] = true
		}
	}
	for _, v := range reads(n) {
		p.uses[v]--
		if p.uses[v] == 0 && !p.pinned[v] {
			if t, ok := p.g.Consts[v]; ok {
				delete(p.g.Consts, v)
				delete(p.g.Values, v)
				if p.release != nil && len(t.Data) > 0 {
					p.pending = append(p.pending, t.Data)
					p.pendingBytes += len(t.Data)
				}
			}
		}
	}
	if p.pendingBytes >= flushAt || len(p.pending) >= max(64, len(p.g.Consts)/8) {
		p.flush()
	}
}

// flush releases the pending bytes that no constant left holds.
func (p *pruner) flush() {
	if p == nil || len(p.pending) == 0 {
		return
	}
	held := make(map[*byte]bool, len(p.g.Consts))
	for _, o := range p.g.Consts {
		if len(o.Data) > 0 {
			held[&o.Data[0]] = true
		}
	}
	for _, d := range p.pending {
		if !held[&d[0]] {
			held[&d[0]] = true // released once
			p.release(d)
		}
	}
	p.pending, p.pendingBytes = nil, 0
}

// callHandler runs a handler, turning a panic (a handler bug on an input it
// did not foresee) into an error about that node, so the user learns which
// node and every other problem is still reported.
func callHandler(h Handler, c *Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if m, ok := r.(missingInput); ok {
				err = fmt.Errorf("%s needs input %d but the node has %d", c.Node.Op, m.i, len(c.Node.Inputs))
				return
			}
			err = fmt.Errorf("%w in the %s handler: %v", graph.ErrInternal, c.Node.Op, r)
		}
	}()
	h, err = complexForm(c, h)
	if err != nil {
		return err
	}
	return h(c)
}
