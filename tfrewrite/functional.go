package tfrewrite

import (
	"strconv"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// The functional rewrite turns TF2 While/StatelessWhile and If/StatelessIf
// (whose functions package frozen attached as subgraphs) into _OnnxLoop and
// _OnnxIf. A While's condition function runs once outside on the initial
// values (the Loop's cond input) and once at the end of the body on the
// next values; an If's branch functions read the If's inputs as outer
// values.

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
		case "While", "StatelessWhile":
			changed = convertWhile(g, n) || changed
		case "If", "StatelessIf":
			changed = convertIf(g, n) || changed
		}
	}
	if changed {
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

func convertWhile(g *graph.Graph, n *graph.Node) bool {
	cond, ok1 := n.Attrs["cond"].(*graph.Graph)
	body, ok2 := n.Attrs["body"].(*graph.Graph)
	k := len(n.Inputs)
	if !ok1 || !ok2 || len(cond.Inputs) != k || len(body.Inputs) != k || len(body.Outputs) != k ||
		len(cond.Outputs) != 1 || len(n.Outputs) > k {
		return false
	}
	condInit := inline(g, cond, n.Inputs, "/init")[0]
	nb := cloneGraph(body)
	nb.Values = map[string]*graph.Value{}
	condOut := inline(nb, cond, nb.Outputs, "/next")[0]
	iter := g.UniqueName(n.Name + "/iteration")
	condIn := g.UniqueName(n.Name + "/cond_in")
	nb.Inputs = append([]string{iter, condIn}, nb.Inputs...)
	nb.Outputs = append([]string{condOut}, nb.Outputs...)
	reserveAll(nb)
	nb.RemoveUnused()
	fixOutputs(g, nb)
	sortNodes(nb)
	for _, x := range nb.Nodes {
		g.Reserve(x.Name)
		g.Reserve(x.Outputs...)
	}
	n.Op = LoopOp
	n.Inputs = append([]string{"", condInit}, n.Inputs...)
	n.Outputs = padOutputs(g, n, k)
	n.Attrs = map[string]any{"body": nb}
	return true
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
	var branches [2]*graph.Graph
	for i, f := range []*graph.Graph{then, els} {
		b := cloneGraph(f)
		b.Values = map[string]*graph.Value{}
		for j, in := range b.Inputs {
			b.ReplaceUses(in, args[j])
		}
		b.Inputs = nil
		b.RemoveUnused()
		fixOutputs(g, b)
		sortNodes(b)
		for _, x := range b.Nodes {
			g.Reserve(x.Name)
			g.Reserve(x.Outputs...)
		}
		branches[i] = b
	}
	n.Op = IfOp
	n.Outputs = padOutputs(g, n, len(then.Outputs))
	n.Inputs = n.Inputs[:1]
	n.Attrs = map[string]any{"then_branch": branches[0], "else_branch": branches[1]}
	return true
}
