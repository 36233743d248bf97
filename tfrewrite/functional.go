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

func convertWhile(g *graph.Graph, n *graph.Node) bool {
	cond, ok1 := n.Attrs["cond"].(*graph.Graph)
	body, ok2 := n.Attrs["body"].(*graph.Graph)
	k := len(n.Inputs)
	if !ok1 || !ok2 || len(cond.Inputs) != k || len(body.Inputs) != k || len(body.Outputs) != k ||
		len(cond.Outputs) != 1 || len(n.Outputs) > k {
		return false
	}
	nb := body.Clone()
	nb.Values = map[string]*graph.Value{}
	lists, ok := tensorLists(g, n, cond, nb)
	if !ok {
		return false
	}
	condInit := inline(g, cond, n.Inputs, "/init")[0]
	condOut := inline(nb, cond, nb.Outputs, "/next")[0]
	outs := padOutputs(g, n, k)

	// TensorLists leave the carried values: a read-only list becomes
	// Gathers from its tensor, a written one a scan output.
	var ins, bodyIns, bodyOuts, loopOuts, scanVals, scanOuts []string
	for i := 0; i < k; i++ {
		switch l := lists[i]; {
		case l == nil:
			ins = append(ins, n.Inputs[i])
			bodyIns = append(bodyIns, nb.Inputs[i])
			bodyOuts = append(bodyOuts, nb.Outputs[i])
			loopOuts = append(loopOuts, outs[i])
		case l.item != "":
			scan := g.UniqueName(n.Name + ":scan" + strconv.Itoa(len(scanVals)))
			scanVals = append(scanVals, l.item)
			scanOuts = append(scanOuts, scan)
			for _, st := range l.stacks {
				replaceValue(g, out(st, 0), scan)
			}
		}
	}
	iter := g.UniqueName(n.Name + "/iteration")
	condIn := g.UniqueName(n.Name + "/cond_in")
	nb.Inputs = append([]string{iter, condIn}, bodyIns...)
	nb.Outputs = append(append([]string{condOut}, bodyOuts...), scanVals...)
	nb.ReserveAll()
	nb.RemoveUnused()
	nb.OwnOutputs(g)
	sortNodes(nb)
	for _, x := range nb.Nodes {
		g.Reserve(x.Name)
		g.Reserve(x.Outputs...)
	}
	n.Op = LoopOp
	n.Inputs = append([]string{"", condInit}, ins...)
	n.Outputs = append(loopOuts, scanOuts...)
	n.Attrs = map[string]any{"body": nb}
	return true
}

// listVar is a While variable holding a TensorList: read-only (made by
// TensorListFromTensor, read with TensorListGetItem) or written once per
// iteration at the iteration index (TensorListSetItem into a
// TensorListReserve) and stacked after the loop.
type listVar struct {
	item   string        // the value written each iteration
	stacks []*graph.Node // TensorListStack nodes after the loop
}

// tensorLists finds the While's TensorList variables and rewrites their
// reads in the body b (a copy of the body function) into Gathers. ok is
// false when a list is used in a way the Loop cannot express.
func tensorLists(g *graph.Graph, n *graph.Node, cond, b *graph.Graph) (map[int]*listVar, bool) {
	v := newView(g)
	bv := newView(b)
	lists := map[int]*listVar{}
	condCons := newView(cond).cons
	for i, init := range n.Inputs {
		p := v.prod[v.skip(init)]
		if !isOp(p, "TensorListFromTensor", "TensorListReserve") {
			continue
		}
		if len(condCons[cond.Inputs[i]]) > 0 {
			return nil, false
		}
		// After the loop: nothing, or TensorListStack through Identity nodes.
		var stacks []*graph.Node
		if i < len(n.Outputs) {
			work := []string{n.Outputs[i]}
			for len(work) > 0 {
				val := work[len(work)-1]
				work = work[:len(work)-1]
				if v.g.IsOutput(val) {
					return nil, false
				}
				for _, c := range v.cons[val] {
					switch {
					case isOp(c, "Identity"):
						work = append(work, out(c, 0))
					case isOp(c, "TensorListStack") && c.Inputs[0] == val:
						stacks = append(stacks, c)
					default:
						return nil, false
					}
				}
			}
		}
		in, next := b.Inputs[i], b.Outputs[i]
		if p.Op == "TensorListFromTensor" {
			if next != in || len(stacks) > 0 {
				return nil, false
			}
			for _, c := range bv.cons[in] {
				if !isOp(c, "TensorListGetItem") || c.Inputs[0] != in || len(c.Inputs) < 2 {
					return nil, false
				}
			}
			for _, c := range bv.cons[in] {
				c.Op, c.Domain = "Gather", ""
				c.Inputs = []string{p.Inputs[0], c.Inputs[1]}
				c.Attrs = map[string]any{"axis": int64(0)}
				c.Outputs = c.Outputs[:1]
			}
			lists[i] = &listVar{}
			continue
		}
		set := bv.prod[next]
		if !isOp(set, "TensorListSetItem") || len(set.Inputs) != 3 || set.Inputs[0] != in || len(bv.cons[in]) != 1 {
			return nil, false
		}
		// The index must be the iteration number: a variable that starts
		// at 0 and grows by 1.
		idx := -1
		for j, x := range b.Inputs {
			if x == bv.skip(set.Inputs[1]) {
				idx = j
			}
		}
		if idx < 0 {
			return nil, false
		}
		if z, ok := v.scalarInt(n.Inputs[idx]); !ok || z != 0 {
			return nil, false
		}
		add := bv.prod[bv.skip(b.Outputs[idx])]
		if !isOp(add, "Add", "AddV2") || len(add.Inputs) != 2 {
			return nil, false
		}
		one := false
		for a := 0; a < 2; a++ {
			if bv.skip(add.Inputs[a]) == b.Inputs[idx] {
				if x, ok := bv.scalarInt(add.Inputs[1-a]); ok && x == 1 {
					one = true
				}
			}
		}
		if !one {
			return nil, false
		}
		lists[i] = &listVar{item: set.Inputs[2], stacks: stacks}
	}
	return lists, true
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
		branches[i] = b
	}
	n.Op = IfOp
	n.Outputs = padOutputs(g, n, len(then.Outputs))
	n.Inputs = n.Inputs[:1]
	n.Attrs = map[string]any{"then_branch": branches[0], "else_branch": branches[1]}
	return true
}
