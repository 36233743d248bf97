package graph

import (
	"strconv"
	"strings"
)

// symPrefix starts the names NewSym mints.
const symPrefix = "unk__"

// symTable is a graph's supply of fresh symbolic dims: a counter, the
// symbols minted for keys (SymFor) and, for a subgraph, the enclosing
// graph that mints for it.
type symTable struct {
	n       int
	scanned bool
	outer   *Graph
	byKey   map[string]Dim
	keyOf   map[string]string
}

func (g *Graph) symRoot() *Graph {
	r := g
	for i := 0; r.syms.outer != nil && i < 1000; i++ {
		r = r.syms.outer
	}
	return r
}

// initSyms starts the counter past every `unk__N` already present in the
// graph's values (a model read back from a file, a subgraph holding copies
// of its enclosing graph's values), so that a fresh symbol is fresh.
func (g *Graph) initSyms() {
	if g.syms.scanned {
		return
	}
	g.syms.scanned = true
	g.syms.n = max(g.syms.n, maxSymIndex(g, 0))
}

func maxSymIndex(g *Graph, depth int) int {
	m := 0
	see := func(d Dim) {
		if d.Known() || !strings.HasPrefix(d.Name, symPrefix) {
			return
		}
		if k, err := strconv.Atoi(d.Name[len(symPrefix):]); err == nil && k > m {
			m = k
		}
	}
	for _, v := range g.Values {
		if v == nil {
			continue
		}
		for _, d := range v.Shape.Dims {
			see(d)
		}
		for _, d := range v.Contents {
			see(d)
		}
	}
	if depth < 32 {
		for _, n := range g.Nodes {
			for _, sg := range n.Subgraphs() {
				m = max(m, maxSymIndex(sg, depth+1))
			}
		}
	}
	return m
}

// SymFor returns the symbol minted for key, minting it (NewSym) the first
// time. Inference keys a dim by how it is computed (`the output size of
// this window over dim unk__3`), so that dims computed alike share a name
// and inferring a node again gives the names it gave before.
func (g *Graph) SymFor(key string) Dim {
	r := g.symRoot()
	if d, ok := r.syms.byKey[key]; ok {
		return d
	}
	d := r.NewSym()
	if r.syms.byKey == nil {
		r.syms.byKey = map[string]Dim{}
		r.syms.keyOf = map[string]string{}
	}
	r.syms.byKey[key] = d
	r.syms.keyOf[d.Name] = key
	return d
}

// SymKey is the key that SymFor minted the named symbol for, or "".
func (g *Graph) SymKey(name string) string {
	return g.symRoot().syms.keyOf[name]
}

// ShareSyms makes g, a subgraph of outer (a Loop body, an If branch), mint
// its symbols from the outermost graph's counter and keys, so that they
// cannot collide with the names of the enclosing graphs' dims. Names g
// minted on its own before keep the shared counter clear of them.
func (g *Graph) ShareSyms(outer *Graph) {
	if outer == nil || g.syms.outer == outer || outer.symRoot() == g {
		return
	}
	r := outer.symRoot()
	r.initSyms()
	r.syms.n = max(r.syms.n, g.syms.n)
	g.syms = symTable{outer: outer}
}

// clone copies the table for a cloned graph: the same counter, keys and
// enclosing graph, in maps of its own so that the two graphs mint apart.
func (t symTable) clone() symTable {
	c := t
	if t.byKey != nil {
		c.byKey = make(map[string]Dim, len(t.byKey))
		c.keyOf = make(map[string]string, len(t.keyOf))
		for k, v := range t.byKey {
			c.byKey[k] = v
		}
		for k, v := range t.keyOf {
			c.keyOf[k] = v
		}
	}
	return c
}
