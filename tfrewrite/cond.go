package tfrewrite

import (
	"slices"
	"sort"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// The TF1 cond rewrite turns each tf.cond (Switch nodes on one predicate,
// the two branches, Merge nodes joining them) into one _OnnxIf node (see
// IfOp). A branch is every node between the Switch outputs of its side and
// the Merge inputs; inside the branch a Switch output is the value the
// Switch received.

// isLoopSwitch reports the Switch of a while-loop variable.
func isLoopSwitch(v *view, n *graph.Node) bool {
	return isOp(n, "Switch") && len(n.Inputs) == 2 && isOp(v.prod[n.Inputs[1]], "LoopCond")
}

// isCondMerge reports a Merge that joins two cond branches (not a loop
// variable's).
func isCondMerge(v *view, n *graph.Node) bool {
	if !isOp(n, "Merge") || len(n.Inputs) != 2 {
		return false
	}
	for _, in := range n.Inputs {
		if isOp(v.prod[in], "NextIteration", "Enter") {
			return false
		}
	}
	return true
}

// branch is one side of a cond, as far as one Merge input reaches.
type branch struct {
	side     int // 0 false, 1 true, -1 unknown (no Switch met)
	nodes    map[*graph.Node]bool
	switches map[*graph.Node]bool
	pred     string
	blocked  bool
}

// walkBranch collects the nodes behind val up to the Switch nodes.
func walkBranch(v *view, val string) *branch {
	b := &branch{side: -1, nodes: map[*graph.Node]bool{}, switches: map[*graph.Node]bool{}}
	seen := map[string]bool{}
	var visit func(string)
	visit = func(val string) {
		if seen[val] || b.blocked {
			return
		}
		seen[val] = true
		p := v.prod[val]
		switch {
		case p == nil:
			return
		case isOp(p, "Switch") && !isLoopSwitch(v, p):
			side := port(val)
			if (b.side >= 0 && b.side != side) || (b.pred != "" && b.pred != p.Inputs[1]) {
				b.blocked = true
				return
			}
			b.side, b.pred = side, p.Inputs[1]
			b.switches[p] = true
			return
		case isOp(p, "Merge", "Enter", "Exit", "NextIteration", "LoopCond", "Switch"):
			b.blocked = true // inner control flow, converted first
			return
		}
		if b.nodes[p] {
			return
		}
		b.nodes[p] = true
		for _, in := range p.Inputs {
			visit(in)
		}
		for _, in := range p.OuterReads() {
			visit(in)
		}
	}
	visit(val)
	return b
}

// condOnce converts every cond whose branches hold no unconverted control
// flow; it reports whether it converted any.
func condOnce(g *graph.Graph) (bool, error) {
	v := newView(g)
	type group struct {
		pred    string
		merges  []*graph.Node
		sides   [2]map[*graph.Node]bool
		outs    [2][]string
		sw      map[*graph.Node]bool
		blocked bool
	}
	groups := map[string]*group{}
	var order []string
	var unknown []*graph.Node
	for _, m := range g.Nodes {
		if !isCondMerge(v, m) {
			continue
		}
		b0, b1 := walkBranch(v, m.Inputs[0]), walkBranch(v, m.Inputs[1])
		pred := b0.pred
		if pred == "" {
			pred = b1.pred
		}
		if pred == "" {
			unknown = append(unknown, m)
			continue
		}
		gr := groups[pred]
		if gr == nil {
			gr = &group{pred: pred, sw: map[*graph.Node]bool{}}
			gr.sides[0], gr.sides[1] = map[*graph.Node]bool{}, map[*graph.Node]bool{}
			groups[pred] = gr
			order = append(order, pred)
		}
		gr.merges = append(gr.merges, m)
		if b0.blocked || b1.blocked || (b0.pred != "" && b1.pred != "" && b0.pred != b1.pred) {
			gr.blocked = true
			continue
		}
		s0, s1 := b0.side, b1.side
		switch {
		case s0 < 0 && s1 < 0:
			gr.blocked = true
			continue
		case s0 < 0:
			s0 = 1 - s1
		case s1 < 0:
			s1 = 1 - s0
		}
		if s0 == s1 {
			gr.blocked = true
			continue
		}
		if len(v.cons[out(m, 1)]) > 0 || g.IsOutput(out(m, 1)) {
			gr.blocked = true // value_index is used
			continue
		}
		for i, b := range []*branch{b0, b1} {
			side := []int{s0, s1}[i]
			for n := range b.nodes {
				gr.sides[side][n] = true
			}
			for s := range b.switches {
				gr.sw[s] = true
			}
			gr.outs[side] = append(gr.outs[side], m.Inputs[i])
		}
	}
	_ = unknown // merges of constants only: the predicate is lost with the control edges
	changed := false
	for _, pred := range order {
		gr := groups[pred]
		if gr.blocked {
			continue
		}
		overlap := false
		for n := range gr.sides[0] {
			if gr.sides[1][n] {
				overlap = true
			}
		}
		// A branch that swallowed the predicate's producer (a Switch it
		// should have stopped at is not one: a damaged graph) would leave
		// the If reading a value nobody defines.
		for side := 0; side < 2; side++ {
			for n := range gr.sides[side] {
				if slices.Contains(n.Outputs, pred) {
					overlap = true
				}
			}
		}
		if overlap {
			continue
		}
		base := gr.merges[0].Name
		drop := map[*graph.Node]bool{}
		var branches [2]*graph.Graph
		for side := 0; side < 2; side++ {
			sg := graph.New(base + []string{"/else", "/then"}[side])
			for _, n := range g.Nodes {
				if gr.sides[side][n] {
					sg.Nodes = append(sg.Nodes, n)
					drop[n] = true
				}
			}
			sg.Outputs = append([]string(nil), gr.outs[side]...)
			sg.ReserveAll()
			sws := make([]*graph.Node, 0, len(gr.sw))
			for s := range gr.sw {
				sws = append(sws, s)
			}
			sort.Slice(sws, func(i, j int) bool { return sws[i].Name < sws[j].Name })
			for _, s := range sws {
				sg.ReplaceUses(out(s, side), s.Inputs[0])
			}
			sg.OwnOutputs(g)
			sortNodes(sg)
			branches[side] = sg
		}
		ifNode := &graph.Node{Name: g.UniqueName(base + "/If"), Op: IfOp, Domain: graph.DomainTF,
			Inputs: []string{pred}, Attrs: map[string]any{"then_branch": branches[1], "else_branch": branches[0]}}
		for _, m := range gr.merges {
			ifNode.Outputs = append(ifNode.Outputs, out(m, 0))
			drop[m] = true
		}
		removeNodes(g, drop)
		g.AddNode(ifNode)
		changed = true
	}
	if changed {
		g.RemoveUnused()
	}
	return changed, nil
}
