package tfrewrite

import (
	"strconv"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// The functional rewrite turns TF2 If/StatelessIf and Case/StatelessCase
// (whose functions package frozen attached as subgraphs) into _OnnxIf: the
// branch functions read the node's inputs as outer values. A Case is a
// chain of Ifs on branch_index == k, the last branch taking every other
// index, as TensorFlow's does. (While loops were lowered to TF1 frames by
// then, see lower.go.)

func functionalPass(g *graph.Graph) (bool, error) {
	changed := false
	nodes := append([]*graph.Node(nil), g.Nodes...)
	for _, n := range nodes {
		for _, sg := range n.Subgraphs() {
			c, err := functionalPass(sg)
			if err != nil {
				return changed, err
			}
			changed = changed || c
		}
		if n.Domain != graph.DomainTF {
			continue
		}
		switch n.Op {
		case "If", "StatelessIf":
			changed = convertIf(g, n) || changed
		case "Case", "StatelessCase":
			changed = convertCase(g, n) || changed
		}
	}
	if changed {
		g.RemoveUnused()
		sortNodes(g)
	}
	return changed, nil
}

// inline copies the nodes and constants of function graph f into dst,
// reading args for f's inputs; it returns the new names of f's outputs.
func inline(dst, f *graph.Graph, args []string, suffix string) []string {
	sub := map[string]string{}
	for i, in := range f.Inputs {
		sub[in] = args[i]
	}
	for c, t := range f.Consts {
		nc := dst.UniqueName(c + suffix)
		dst.SetConst(nc, t)
		sub[c] = nc
	}
	nodes, _ := cloneNodes(dst, f.Nodes, sub, "", suffix)
	dst.Nodes = append(dst.Nodes, nodes...)
	for _, n := range nodes {
		dst.Reserve(n.Outputs...)
	}
	// cloneNodes extended its own copy of sub; find the outputs again.
	outs := make([]string, len(f.Outputs))
	m := map[string]string{}
	for k, v := range sub {
		m[k] = v
	}
	for i, n := range f.Nodes {
		for j, o := range n.Outputs {
			m[o] = nodes[i].Outputs[j]
		}
	}
	for i, o := range f.Outputs {
		outs[i] = o
		if x, ok := m[o]; ok {
			outs[i] = x
		}
	}
	return outs
}

func padOutputs(g *graph.Graph, n *graph.Node, k int) []string {
	outs := append([]string(nil), n.Outputs...)
	for len(outs) < k {
		outs = append(outs, g.UniqueName(n.Name+":"+strconv.Itoa(len(outs))))
	}
	return outs
}

func convertIf(g *graph.Graph, n *graph.Node) bool {
	then, ok1 := n.Attrs["then_branch"].(*graph.Graph)
	els, ok2 := n.Attrs["else_branch"].(*graph.Graph)
	if !ok1 || !ok2 || len(n.Inputs) < 1 {
		return false
	}
	args := n.Inputs[1:]
	if len(then.Inputs) != len(args) || len(els.Inputs) != len(args) || len(then.Outputs) != len(els.Outputs) ||
		len(n.Outputs) > len(then.Outputs) {
		return false
	}
	n.Op = IfOp
	n.Outputs = padOutputs(g, n, len(then.Outputs))
	n.Inputs = n.Inputs[:1]
	n.Attrs = map[string]any{"then_branch": branchGraph(g, then, args), "else_branch": branchGraph(g, els, args)}
	return true
}

// branchGraph is a copy of function graph f that reads args (outer
// values) for its inputs, as an If branch does.
func branchGraph(g, f *graph.Graph, args []string) *graph.Graph {
	b := f.Clone()
	b.Values = map[string]*graph.Value{}
	for j, in := range b.Inputs {
		b.ReplaceUses(in, args[j])
	}
	b.Inputs = nil
	b.RemoveUnused()
	b.OwnOutputs(g)
	sortNodes(b)
	for _, x := range b.Nodes {
		g.Reserve(x.Name)
		g.Reserve(x.Outputs...)
	}
	return b
}

// convertCase turns Case(branch_index, args...) into nested _OnnxIf nodes:
// If(index == 0, branch 0, If(index == 1, branch 1, … branch N-1)).
func convertCase(g *graph.Graph, n *graph.Node) bool {
	var branches []*graph.Graph
	for i := 0; ; i++ {
		b, ok := n.Attrs["branches/"+strconv.Itoa(i)].(*graph.Graph)
		if !ok {
			break
		}
		branches = append(branches, b)
	}
	if len(branches) == 0 || len(n.Inputs) < 1 {
		return false
	}
	args := n.Inputs[1:]
	k := len(branches[0].Outputs)
	for _, b := range branches {
		if len(b.Inputs) != len(args) || len(b.Outputs) != k {
			return false
		}
	}
	if len(n.Outputs) > k {
		return false
	}
	if len(branches) == 1 {
		// Every index takes the one branch: its nodes join g.
		res := inline(g, branches[0], args, "")
		removeNodes(g, map[*graph.Node]bool{n: true})
		for i, o := range n.Outputs {
			if o != "" {
				replaceValue(g, o, res[i])
			}
		}
		return true
	}
	index := n.Inputs[0]
	outs := padOutputs(g, n, k)
	// Innermost first: the last branch, then an If per earlier branch,
	// each in the else branch of the next.
	els := branchGraph(g, branches[len(branches)-1], args)
	for i := len(branches) - 2; i >= 0; i-- {
		holder := g // the outermost If replaces n in g
		if i > 0 {
			holder = graph.New(n.Name + "/case" + strconv.Itoa(i))
		}
		e := &emitter{g: holder, base: g.UniqueName(n.Name + "/case" + strconv.Itoa(i))}
		// ONNX Equal on the int32 index: the If mapping casts it to bool.
		cond := e.op("Equal", nil, index, e.tensor(graph.ScalarOf(graph.Int32, float64(i))))
		ifOuts := outs
		if i > 0 {
			ifOuts = make([]string, k)
			for j := range ifOuts {
				ifOuts[j] = g.UniqueName(n.Name + "/case" + strconv.Itoa(i) + ":" + strconv.Itoa(j))
			}
		}
		ifNode := &graph.Node{Name: g.UniqueName(n.Name + "/case" + strconv.Itoa(i) + "/If"), Op: IfOp, Domain: graph.DomainTF,
			Inputs: []string{cond}, Outputs: ifOuts,
			Attrs: map[string]any{"then_branch": branchGraph(g, branches[i], args), "else_branch": els}}
		holder.AddNode(ifNode)
		if i > 0 {
			holder.Outputs = ifOuts
			for _, x := range holder.Nodes {
				g.Reserve(x.Name)
				g.Reserve(x.Outputs...)
			}
			for c := range holder.Consts {
				g.Reserve(c)
			}
			els = holder
		}
	}
	removeNodes(g, map[*graph.Node]bool{n: true})
	return true
}
