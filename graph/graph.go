// Package graph is the one graph type that carries a model through every
// stage of conversion: read from a TensorFlow GraphDef, rewritten, mapped to
// ONNX ops in place, optimized, checked and written. Nodes name their input
// and output values; constants live beside the nodes, keyed by value name;
// Values records each value's dtype and shape as inference learns them.
// The package knows nothing of TensorFlow or ONNX files.
package graph

import (
	"fmt"
	"sort"
	"strconv"
)

// Node is one operation. Domain "" is the ONNX default domain; TensorFlow
// ops carry DomainTF until they are mapped.
type Node struct {
	Name    string
	Op      string
	Domain  string
	Inputs  []string // value names; "" marks an omitted optional input
	Outputs []string
	Attrs   map[string]any
}

// DomainTF marks a node that still holds a TensorFlow op.
const DomainTF = "org.tensorflow"

// GuardedConst is the (TF-domain) op of a constant that belongs to one side
// of a TF1 cond: TF ties such a Const to its branch only by a control edge
// from the branch's pivot, which the reader keeps as the node's one input
// so that the cond rewrite sees which branch the constant is on, even when
// a branch is nothing but constants. Mapped, it is a plain constant.
const GuardedConst = "_GuardedConst"

// Value is what is known about one value: element type and shape, and for
// a small integer vector computed from shapes (Shape → Gather → Concat → a
// Reshape target), its elements as dims, known or symbolic: Contents lets
// inference see that a Reshape to [N, H, 20] keeps the batch dim N and ends
// in 20 although the target is computed at run time. nil when unknown.
// An element with no name is the value Size, which may be negative (the -1
// of a Reshape target); an element of unknown value is always named.
type Value struct {
	DType    DType
	Shape    Shape
	Contents []Dim
}

// Graph is a list of nodes with named inputs, outputs and constants.
// Subgraphs (Loop and If bodies) are Graphs too, held in node attributes;
// they may read values of the enclosing graph by name.
type Graph struct {
	Name    string
	Nodes   []*Node
	Inputs  []string
	Outputs []string
	Consts  map[string]*Tensor
	Values  map[string]*Value
	Opset   int
	names   map[string]bool
	syms    symTable
}

// NewSym returns a fresh symbolic dim (`unk__3`) for a dim that inference
// cannot size but that later dims may be shown equal to (the H/16 of a
// conv stack, read back by Shape and reused by a Reshape). A subgraph tied
// to its enclosing graph by ShareSyms draws from the outermost graph's
// counter (see syms.go).
func (g *Graph) NewSym() Dim {
	r := g.symRoot()
	r.initSyms()
	r.syms.n++
	return Sym(symPrefix + strconv.Itoa(r.syms.n))
}

// New returns an empty graph.
func New(name string) *Graph {
	return &Graph{Name: name, Consts: map[string]*Tensor{}, Values: map[string]*Value{}}
}

// Value returns the recorded type of a value, or nil.
func (g *Graph) Value(name string) *Value { return g.Values[name] }

// SetValue records a value's dtype and shape.
func (g *Graph) SetValue(name string, dt DType, s Shape) {
	if g.Values == nil {
		g.Values = map[string]*Value{}
	}
	g.Values[name] = &Value{DType: dt, Shape: s}
}

// ShapeOf returns the known shape of a value (constants included).
func (g *Graph) ShapeOf(name string) Shape {
	if t, ok := g.Consts[name]; ok {
		return t.Shape()
	}
	if v := g.Values[name]; v != nil {
		return v.Shape
	}
	return UnknownShape()
}

// DTypeOf returns the known element type of a value.
func (g *Graph) DTypeOf(name string) DType {
	if t, ok := g.Consts[name]; ok {
		return t.DType
	}
	if v := g.Values[name]; v != nil {
		return v.DType
	}
	return Undefined
}

// AddConst stores a constant under a fresh name derived from hint and
// returns the name.
func (g *Graph) AddConst(hint string, t *Tensor) string {
	name := g.UniqueName(hint)
	g.Consts[name] = t
	g.Values[name] = &Value{DType: t.DType, Shape: t.Shape()}
	return name
}

// SetConst stores a constant under an exact name (replacing its producer's
// role; the caller removes the producer).
func (g *Graph) SetConst(name string, t *Tensor) {
	g.Consts[name] = t
	g.Values[name] = &Value{DType: t.DType, Shape: t.Shape()}
	g.reserve(name)
}

func (g *Graph) reserve(name string) {
	if g.names == nil {
		g.names = map[string]bool{}
	}
	g.names[name] = true
}

// Reserve marks names as taken, so UniqueName never returns them.
func (g *Graph) Reserve(names ...string) {
	for _, n := range names {
		g.reserve(n)
	}
}

// UniqueName returns hint, or hint with a numeric suffix, not yet used by
// any node, value or constant of this graph.
func (g *Graph) UniqueName(hint string) string {
	if g.names == nil {
		g.names = map[string]bool{}
		for _, n := range g.Nodes {
			g.names[n.Name] = true
			for _, o := range n.Outputs {
				g.names[o] = true
			}
		}
		for c := range g.Consts {
			g.names[c] = true
		}
		for _, in := range g.Inputs {
			g.names[in] = true
		}
	}
	name := hint
	for i := 1; g.names[name]; i++ {
		name = hint + "__" + strconv.Itoa(i)
	}
	g.names[name] = true
	return name
}

// AddNode appends a node, reserving its name and output names.
func (g *Graph) AddNode(n *Node) *Node {
	if n.Attrs == nil {
		n.Attrs = map[string]any{}
	}
	g.reserve(n.Name)
	for _, o := range n.Outputs {
		g.reserve(o)
	}
	g.Nodes = append(g.Nodes, n)
	return n
}

// Producers maps each value name to the node that outputs it.
func (g *Graph) Producers() map[string]*Node {
	m := make(map[string]*Node, len(g.Nodes))
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o != "" {
				m[o] = n
			}
		}
	}
	return m
}

// Consumers maps each value name to the nodes that read it, including reads
// from inside subgraphs of a node (attributed to that node).
func (g *Graph) Consumers() map[string][]*Node {
	m := map[string][]*Node{}
	for _, n := range g.Nodes {
		seen := map[string]bool{}
		for _, in := range n.Inputs {
			if in != "" && !seen[in] {
				m[in] = append(m[in], n)
				seen[in] = true
			}
		}
		for _, in := range n.OuterReads() {
			if !seen[in] {
				m[in] = append(m[in], n)
				seen[in] = true
			}
		}
	}
	return m
}

// Subgraphs lists the graphs held in the node's attributes, by attr name.
func (n *Node) Subgraphs() []*Graph {
	var out []*Graph
	keys := make([]string, 0, len(n.Attrs))
	for k := range n.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if sg, ok := n.Attrs[k].(*Graph); ok {
			out = append(out, sg)
		}
	}
	return out
}

// OuterReads lists the values that the node's subgraphs read from
// enclosing scopes (names not defined inside them).
func (n *Node) OuterReads() []string {
	var out []string
	for _, sg := range n.Subgraphs() {
		out = append(out, sg.FreeValues()...)
	}
	return out
}

// FreeValues lists values read by the graph (or its subgraphs) that it does
// not define itself.
func (g *Graph) FreeValues() []string {
	defined := map[string]bool{}
	for _, in := range g.Inputs {
		defined[in] = true
	}
	for c := range g.Consts {
		defined[c] = true
	}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			defined[o] = true
		}
	}
	var out []string
	seen := map[string]bool{}
	add := func(v string) {
		if v != "" && !defined[v] && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			add(in)
		}
		for _, in := range n.OuterReads() {
			add(in)
		}
	}
	for _, o := range g.Outputs {
		add(o)
	}
	return out
}

// CycleError names a node on a dependency cycle.
type CycleError struct{ Node string }

func (e *CycleError) Error() string {
	return fmt.Sprintf("the graph has a cycle through node %q", e.Node)
}

// TopoSort orders g.Nodes so that every node follows the producers of its
// inputs, keeping the existing order where it is free to.
func (g *Graph) TopoSort() error { return g.TopoSortExcept(nil) }

// TopoSortExcept is TopoSort ignoring the edges for which back(reader,
// producer) holds: a TF1 while loop's NextIteration → Merge edges, which
// close its cycle until the loop becomes an ONNX Loop. Any other cycle is a
// CycleError, and g.Nodes is then left as it was.
func (g *Graph) TopoSortExcept(back func(reader, producer *Node) bool) error {
	prod := g.Producers()
	state := make(map[*Node]int, len(g.Nodes)) // 0 new, 1 visiting, 2 done
	order := make([]*Node, 0, len(g.Nodes))
	type frame struct {
		n    *Node
		deps []string
		i    int
	}
	for _, root := range g.Nodes {
		if state[root] != 0 {
			continue
		}
		stack := []frame{{n: root, deps: nodeDeps(root)}}
		state[root] = 1
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.i < len(f.deps) {
				d := f.deps[f.i]
				f.i++
				p := prod[d]
				if p != nil && back != nil && back(f.n, p) {
					continue
				}
				if p == nil || p == f.n {
					if p == f.n {
						return &CycleError{Node: p.Name}
					}
					continue
				}
				switch state[p] {
				case 1:
					return &CycleError{Node: p.Name}
				case 0:
					state[p] = 1
					stack = append(stack, frame{n: p, deps: nodeDeps(p)})
				}
				continue
			}
			state[f.n] = 2
			order = append(order, f.n)
			stack = stack[:len(stack)-1]
		}
	}
	g.Nodes = order
	return nil
}

func nodeDeps(n *Node) []string {
	deps := append([]string{}, n.Inputs...)
	return append(deps, n.OuterReads()...)
}

// RemoveUnused drops nodes whose outputs nothing needs (graph outputs are
// needed) and constants nobody reads. Reports how many nodes went.
func (g *Graph) RemoveUnused() int {
	prod := g.Producers()
	live := map[*Node]bool{}
	needed := map[string]bool{}
	var work []string
	work = append(work, g.Outputs...)
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		if needed[v] {
			continue
		}
		needed[v] = true
		if p := prod[v]; p != nil && !live[p] {
			live[p] = true
			work = append(work, p.Inputs...)
			work = append(work, p.OuterReads()...)
		}
	}
	kept := g.Nodes[:0]
	removed := 0
	for _, n := range g.Nodes {
		if live[n] {
			kept = append(kept, n)
		} else {
			removed++
		}
	}
	for i := len(kept); i < len(g.Nodes); i++ {
		g.Nodes[i] = nil
	}
	g.Nodes = kept
	for c := range g.Consts {
		if !needed[c] {
			delete(g.Consts, c)
		}
	}
	return removed
}

// ReplaceUses makes every reader of value old (nodes, subgraphs and graph
// outputs) read value new instead.
func (g *Graph) ReplaceUses(old, new string) {
	for _, n := range g.Nodes {
		for i, in := range n.Inputs {
			if in == old {
				n.Inputs[i] = new
			}
		}
		for _, sg := range n.Subgraphs() {
			if !sg.Defines(old) {
				sg.ReplaceUses(old, new)
			}
		}
	}
	for i, o := range g.Outputs {
		if o == old {
			g.Outputs[i] = new
		}
	}
}

// Defines reports whether v is a graph input, a constant or a node output
// of g itself (not of an enclosing scope).
func (g *Graph) Defines(v string) bool {
	for _, in := range g.Inputs {
		if in == v {
			return true
		}
	}
	if _, ok := g.Consts[v]; ok {
		return true
	}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o == v {
				return true
			}
		}
	}
	return false
}

// IsOutput reports whether v is one of the graph outputs.
func (g *Graph) IsOutput(v string) bool {
	for _, o := range g.Outputs {
		if o == v {
			return true
		}
	}
	return false
}

// OpCounts counts nodes by domain-qualified op type.
func (g *Graph) OpCounts() map[string]int {
	m := map[string]int{}
	for _, n := range g.Nodes {
		m[n.Op]++
	}
	return m
}
