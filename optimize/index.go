package optimize

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// index is the def-use view of one graph that a pass builds once and keeps
// current through its own edits, so that a pass costs O(nodes) rather than
// rescanning the graph for every rewrite (graph.ReplaceUses is O(nodes)).
//
// Edits go through the index; nodes it removes stay in g.Nodes until finish
// compacts the list, and nodes it adds or rewires are put back in
// topological order there.
type index struct {
	g       *graph.Graph
	prod    map[string]*graph.Node
	cons    map[string][]*graph.Node // direct and subgraph readers, each once
	outs    map[string]int           // graph outputs, with multiplicity
	ins     map[string]bool          // graph inputs
	removed map[*graph.Node]bool
	added   []*graph.Node
	reorder bool // an edit may have broken the topological order
	changed bool
	// dataOwners counts the constants whose bytes start at each address
	// (aliased weights share them); built on first use, see ownsConst.
	dataOwners map[*byte]int
}

func newIndex(g *graph.Graph) *index {
	ix := &index{
		g:       g,
		prod:    g.Producers(),
		cons:    make(map[string][]*graph.Node, len(g.Nodes)),
		outs:    make(map[string]int, len(g.Outputs)),
		ins:     make(map[string]bool, len(g.Inputs)),
		removed: map[*graph.Node]bool{},
	}
	// As graph.Consumers, without a map per node.
	for _, n := range g.Nodes {
		for i, in := range n.Inputs {
			if in != "" && !contains(n.Inputs[:i], in) {
				ix.cons[in] = append(ix.cons[in], n)
			}
		}
		if len(n.Subgraphs()) > 0 {
			for _, in := range n.OuterReads() {
				if !contains(n.Inputs, in) {
					ix.addCons(in, n)
				}
			}
		}
	}
	for _, o := range g.Outputs {
		ix.outs[o]++
	}
	for _, in := range g.Inputs {
		ix.ins[in] = true
	}
	return ix
}

// uses counts the readers of v: nodes (each once) and graph outputs.
func (ix *index) uses(v string) int { return len(ix.cons[v]) + ix.outs[v] }

// isOutput reports a graph output.
func (ix *index) isOutput(v string) bool { return ix.outs[v] > 0 }

// isConst reports a constant (initializer).
func (ix *index) isConst(v string) bool {
	_, ok := ix.g.Consts[v]
	return ok
}

// constOf returns the constant behind v, or nil.
func (ix *index) constOf(v string) *graph.Tensor { return ix.g.Consts[v] }

// producer returns the live node that outputs v, or nil.
func (ix *index) producer(v string) *graph.Node {
	p := ix.prod[v]
	if p == nil || ix.removed[p] {
		return nil
	}
	return p
}

// consumers lists the live readers of v (a copy, safe to edit through).
func (ix *index) consumers(v string) []*graph.Node {
	return append([]*graph.Node(nil), ix.cons[v]...)
}

// soleConsumer is the only reader of v when v has exactly one reader, that
// reader is a node reading v as a direct input, and v is no graph output.
func (ix *index) soleConsumer(v string) *graph.Node {
	if ix.uses(v) != 1 || len(ix.cons[v]) != 1 {
		return nil
	}
	c := ix.cons[v][0]
	if !readsDirect(c, v) {
		return nil
	}
	return c
}

func readsDirect(n *graph.Node, v string) bool {
	for _, in := range n.Inputs {
		if in == v {
			return true
		}
	}
	return false
}

func readsInSubgraph(n *graph.Node, v string) bool {
	for _, r := range n.OuterReads() {
		if r == v {
			return true
		}
	}
	return false
}

func (ix *index) addCons(v string, n *graph.Node) {
	if v == "" {
		return
	}
	for _, c := range ix.cons[v] {
		if c == n {
			return
		}
	}
	ix.cons[v] = append(ix.cons[v], n)
}

func (ix *index) dropCons(v string, n *graph.Node) {
	list := ix.cons[v]
	for i, c := range list {
		if c == n {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(ix.cons, v)
	} else {
		ix.cons[v] = list
	}
}

// setInput makes n's i-th input read v.
func (ix *index) setInput(n *graph.Node, i int, v string) {
	old := n.Inputs[i]
	if old == v {
		return
	}
	n.Inputs[i] = v
	ix.addCons(v, n)
	if old != "" && !readsDirect(n, old) && !(len(n.Subgraphs()) > 0 && readsInSubgraph(n, old)) {
		ix.dropCons(old, n)
	}
	ix.reorder = true
	ix.changed = true
}

// setOutput renames n's i-th output to v (a fresh name or one whose
// producer is gone).
func (ix *index) setOutput(n *graph.Node, i int, v string) {
	old := n.Outputs[i]
	if ix.prod[old] == n {
		delete(ix.prod, old)
	}
	n.Outputs[i] = v
	if v != "" {
		ix.prod[v] = n
		ix.g.Reserve(v)
	}
	ix.reorder = true
	ix.changed = true
}

// remove takes n out of the graph. Its outputs lose their producer; the
// caller rewires their readers.
func (ix *index) remove(n *graph.Node) {
	if ix.removed[n] {
		return
	}
	ix.removed[n] = true
	for _, in := range n.Inputs {
		if in != "" {
			ix.dropCons(in, n)
		}
	}
	for _, in := range n.OuterReads() {
		ix.dropCons(in, n)
	}
	for _, o := range n.Outputs {
		if ix.prod[o] == n {
			delete(ix.prod, o)
		}
	}
	ix.changed = true
}

// add puts a new node into the graph.
func (ix *index) add(n *graph.Node) *graph.Node {
	if n.Attrs == nil {
		n.Attrs = map[string]any{}
	}
	ix.g.Reserve(n.Name)
	for _, o := range n.Outputs {
		if o != "" {
			ix.g.Reserve(o)
			ix.prod[o] = n
		}
	}
	for _, in := range n.Inputs {
		ix.addCons(in, n)
	}
	for _, in := range n.OuterReads() {
		ix.addCons(in, n)
	}
	ix.added = append(ix.added, n)
	ix.reorder = true
	ix.changed = true
	return n
}

// addConst stores a new constant named after hint.
func (ix *index) addConst(hint string, t *graph.Tensor) string {
	if ix.dataOwners != nil && len(t.Data) > 0 {
		ix.dataOwners[&t.Data[0]]++
	}
	return ix.g.AddConst(hint, t)
}

// replaceUses makes every reader of old read new instead. The producer of
// old must already be removed (or old be a value that stays defined). A
// graph output keeps its name: when old is one, new's producer is renamed
// to produce old, or, when new cannot be renamed (a graph input, a
// constant, another graph output), an Identity carries new to old.
func (ix *index) replaceUses(old, new string) {
	if old == new {
		return
	}
	ix.changed = true
	if ix.isOutput(old) {
		p := ix.producer(new)
		if p != nil && !ix.isOutput(new) && !ix.ins[new] && !ix.isConst(new) && ix.producer(old) == nil {
			// The readers of old keep reading old, now made by p.
			ix.rename(new, old)
			return
		}
		ix.moveReaders(old, new)
		if ix.producer(old) == nil {
			id := &graph.Node{Name: ix.g.UniqueName(old + "/identity"), Op: "Identity", Inputs: []string{new}, Outputs: []string{old}}
			ix.add(id)
		}
		return
	}
	ix.moveReaders(old, new)
}

// moveReaders points the node readers of old at new (graph outputs are
// left alone).
func (ix *index) moveReaders(old, new string) {
	readers := ix.cons[old]
	delete(ix.cons, old)
	for _, n := range readers {
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
		ix.addCons(new, n)
	}
	ix.reorder = true
}

// rename gives value from the name to everywhere: its producer, its readers
// and its type record. Graph outputs named from are not renamed.
func (ix *index) rename(from, to string) {
	p := ix.producer(from)
	for i, o := range p.Outputs {
		if o == from {
			p.Outputs[i] = to
		}
	}
	delete(ix.prod, from)
	ix.prod[to] = p
	if v := ix.g.Values[from]; v != nil && ix.g.Values[to] == nil {
		ix.g.Values[to] = v
	}
	ix.moveReaders(from, to)
	ix.changed = true
}

// finish writes the edits back: removed nodes leave g.Nodes, added ones
// join it, and the order is made topological again when edits may have
// broken it. It reports whether the pass changed anything.
func (ix *index) finish() (bool, error) {
	if !ix.changed {
		return false, nil
	}
	kept := make([]*graph.Node, 0, len(ix.g.Nodes)+len(ix.added))
	for _, n := range ix.g.Nodes {
		if !ix.removed[n] {
			kept = append(kept, n)
		}
	}
	for _, n := range ix.added {
		if !ix.removed[n] {
			kept = append(kept, n)
		}
	}
	ix.g.Nodes = kept
	if ix.reorder {
		if err := ix.g.TopoSort(); err != nil {
			return true, err
		}
	}
	return true, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// axisIn normalizes a possibly negative axis against rank r; false when it
// is out of range.
func axisIn(a, r int64) (int64, bool) {
	if a < 0 {
		a += r
	}
	return a, a >= 0 && a < r
}
