package tfrewrite

import (
	"fmt"
	"slices"
	"sort"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// A TF1 while loop is a frame: the nodes between its Enter nodes (which
// share a frame_name) and its Exit nodes. Each loop variable is an
// Enter → Merge ← NextIteration cycle, with a Switch on the LoopCond that
// sends the value to the body (port 1) or out through an Exit (port 0).

// loopVar is one variable of a TF1 while loop.
type loopVar struct {
	enter, merge, sw, next, exit *graph.Node
}

func (lv *loopVar) init() string    { return lv.enter.Inputs[0] }
func (lv *loopVar) body() string    { return out(lv.sw, 1) }
func (lv *loopVar) nextVal() string { return lv.next.Inputs[0] }
func (lv *loopVar) exitVal() string {
	if lv.exit == nil {
		return ""
	}
	return out(lv.exit, 0)
}

// loop is one frame.
type loop struct {
	name     string
	parent   string
	depth    int
	nodes    []*graph.Node // every node of the frame, Enter nodes included
	vars     []*loopVar
	invars   []*graph.Node // Enter nodes that do not start a variable
	loopCond *graph.Node
	exits    []*graph.Node
}

// findLoops assigns every node to a frame and describes each frame, the
// innermost first.
func findLoops(g *graph.Graph) ([]*loop, error) {
	has := false
	for _, n := range g.Nodes {
		if isOp(n, "Enter") {
			has = true
			break
		}
	}
	if !has {
		return nil, nil
	}
	v := newView(g)
	// Visit producers first, NextIteration → Merge edges excepted.
	work := cloneOrder(g)
	frameOf := map[*graph.Node]string{}
	parent := map[string]string{}
	frameOfVal := func(val string) string {
		if p := v.prod[val]; p != nil {
			return frameOf[p]
		}
		return ""
	}
	for _, n := range work {
		switch {
		case isOp(n, "Enter"):
			f := n.Str("frame_name", "")
			if f == "" {
				return nil, fmt.Errorf("Enter node %q has no frame_name", n.Name)
			}
			frameOf[n] = f
			// Constants and graph inputs carry no frame: an Enter of one
			// says nothing about where the loop sits.
			if len(n.Inputs) > 0 && v.prod[n.Inputs[0]] != nil {
				p := frameOfVal(n.Inputs[0])
				if old, ok := parent[f]; ok && old != p {
					return nil, fmt.Errorf("loop %q is entered from two frames (%q and %q)", f, old, p)
				}
				parent[f] = p
			}
		case isOp(n, "Exit"):
			if len(n.Inputs) > 0 {
				frameOf[n] = parent[frameOfVal(n.Inputs[0])]
			}
		default:
			ins := append(append([]string{}, n.Inputs...), n.OuterReads()...)
			for _, in := range ins {
				if f := frameOfVal(in); f != "" {
					frameOf[n] = f
					break
				}
			}
		}
	}
	loops := map[string]*loop{}
	get := func(f string) *loop {
		l := loops[f]
		if l == nil {
			l = &loop{name: f, parent: parent[f]}
			loops[f] = l
		}
		return l
	}
	for _, n := range g.Nodes {
		if f := frameOf[n]; f != "" {
			get(f).nodes = append(get(f).nodes, n)
		}
		if isOp(n, "Exit") && len(n.Inputs) > 0 {
			if f := frameOfVal(n.Inputs[0]); f != "" {
				get(f).exits = append(get(f).exits, n)
			}
		}
	}
	var out []*loop
	for f, l := range loops {
		for p := parent[f]; p != ""; p = parent[p] {
			l.depth++
			if l.depth > 1000 {
				return nil, fmt.Errorf("loop %q: frames nest in a cycle", f)
			}
		}
		if err := l.describe(v); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].depth != out[j].depth {
			return out[i].depth > out[j].depth
		}
		return out[i].name < out[j].name
	})
	return out, nil
}

// cloneOrder is g.Nodes in an order where producers come first, ignoring
// loop back edges (g.Nodes itself is left as it is).
func cloneOrder(g *graph.Graph) []*graph.Node {
	h := &graph.Graph{Nodes: append([]*graph.Node(nil), g.Nodes...)}
	sortNodes(h)
	return h.Nodes
}

// describe finds the loop's variables, invariants and condition.
func (l *loop) describe(v *view) error {
	for _, n := range l.nodes {
		if isOp(n, "LoopCond") {
			if l.loopCond != nil {
				return fmt.Errorf("loop %q has two LoopCond nodes", l.name)
			}
			l.loopCond = n
		}
	}
	if l.loopCond == nil {
		return fmt.Errorf("loop %q has no LoopCond", l.name)
	}
	pred := out(l.loopCond, 0)
	for _, n := range l.nodes {
		if !isOp(n, "Enter") {
			continue
		}
		var merge *graph.Node
		for _, c := range v.cons[out(n, 0)] {
			if isOp(c, "Merge") {
				merge = c
			}
		}
		if merge == nil {
			l.invars = append(l.invars, n)
			continue
		}
		lv := &loopVar{enter: n, merge: merge}
		if len(merge.Inputs) != 2 {
			return fmt.Errorf("loop %q: Merge %q has %d inputs", l.name, merge.Name, len(merge.Inputs))
		}
		for _, in := range merge.Inputs {
			if p := v.prod[in]; isOp(p, "NextIteration") {
				lv.next = p
			}
		}
		for _, c := range v.cons[out(merge, 0)] {
			if isOp(c, "Switch") && len(c.Inputs) == 2 && c.Inputs[1] == pred {
				lv.sw = c
			}
		}
		if lv.next == nil {
			return fmt.Errorf("loop %q: variable %q has no NextIteration", l.name, n.Name)
		}
		if lv.sw == nil {
			// A variable only the condition reads (a "not done" flag the
			// body recomputes from other values) has a Switch nobody reads:
			// freezing, and our own dead-node removal after lowering a TF2
			// While, drop it. A detached Switch (not in the graph) gives the
			// variable its body-side name, which nothing reads either.
			lv.sw = &graph.Node{Name: v.g.UniqueName(merge.Name + "/switch"), Op: "Switch", Domain: graph.DomainTF,
				Inputs: []string{out(merge, 0), pred}}
			lv.sw.Outputs = []string{v.g.UniqueName(lv.sw.Name + ":0"), v.g.UniqueName(lv.sw.Name + ":1")}
		}
		for _, c := range v.cons[out(lv.sw, 0)] {
			if !isOp(c, "Exit") {
				// TensorFlow sends a loop's exit side only to an Exit; a
				// damaged file may not, and the loop would lose the reader.
				return fmt.Errorf("loop %q: %q (%s) reads the exit side of %q, which only an Exit may", l.name, c.Name, c.Op, lv.sw.Name)
			}
			lv.exit = c
		}
		l.vars = append(l.vars, lv)
	}
	// Every Merge and NextIteration of the frame belongs to a variable: a
	// damaged file (an Enter that is not one) would leave them reading
	// what the rewrite removes.
	owned := map[*graph.Node]bool{}
	for _, lv := range l.vars {
		owned[lv.merge], owned[lv.next] = true, true
	}
	for _, lv := range l.vars {
		if lv.exit != nil {
			owned[lv.exit] = true
		}
	}
	// (The frame's nodes hold the Exits of loops nested in it, which
	// belong to those; its own Exits are l.exits.)
	for _, n := range append(append([]*graph.Node(nil), l.nodes...), l.exits...) {
		if (isOp(n, "Merge") || isOp(n, "NextIteration") || isOp(n, "Exit") && slices.Contains(l.exits, n)) && !owned[n] {
			return fmt.Errorf("loop %q: %s %q belongs to no loop variable (no Enter, Merge and Switch lead to it)", l.name, n.Op, n.Name)
		}
	}
	return nil
}

// condNodes are the frame's nodes that compute the loop condition from
// the merged values (everything between the Merge nodes and LoopCond).
func (l *loop) condNodes(v *view) []*graph.Node {
	in := map[*graph.Node]bool{}
	for _, n := range l.nodes {
		in[n] = true
	}
	seen := map[*graph.Node]bool{}
	var order []*graph.Node
	var visit func(val string)
	visit = func(val string) {
		p := v.prod[val]
		if p == nil || !in[p] || seen[p] || isOp(p, "Merge", "Enter", "Switch") {
			return
		}
		seen[p] = true
		for _, i := range p.Inputs {
			visit(i)
		}
		for _, i := range p.OuterReads() {
			visit(i)
		}
		order = append(order, p)
	}
	visit(l.loopCond.Inputs[0])
	return order
}

// invariantVars turns the loop variables that every iteration passes on
// unchanged (TF2 While loops lowered by TensorFlow carry their weights,
// bounds and input lists that way) into invariant Enter nodes, the form
// TF1 gives loop constants: the frame reads the Enter's value and an Exit
// of the variable is its initial value. The matchers then see through to
// the constants and tensors behind them.
func invariantVars(g *graph.Graph) (bool, error) {
	loops, err := findLoops(g)
	if err != nil || len(loops) == 0 {
		return false, nil // the loop rewrite reports malformed loops
	}
	v := newView(g)
	changed := false
	for _, l := range loops {
		for _, lv := range l.vars {
			if v.skip(lv.nextVal()) != lv.body() {
				continue
			}
			enter := out(lv.enter, 0)
			for _, val := range []string{out(lv.merge, 0), lv.body()} {
				for _, c := range v.cons[val] {
					if c == lv.sw {
						continue
					}
					for i, in := range c.Inputs {
						if in == val {
							c.Inputs[i] = enter
						}
					}
				}
			}
			if lv.exit != nil {
				replaceValue(g, lv.exitVal(), lv.init())
			}
			lv.enter.Attrs["is_constant"] = true
			changed = true
		}
	}
	if changed {
		g.RemoveUnused()
		sortNodes(g)
	}
	return changed, nil
}
