package tfrewrite

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// A TF2 While (or StatelessWhile) is lowered into a TF1 frame before the
// loop rewrites run, as TensorFlow itself lowers it for execution: every
// loop variable becomes Enter → Merge ← NextIteration with a Switch on a
// LoopCond, the cond function computes the LoopCond's input from the Merge
// outputs, and the body function reads the Switch outputs and feeds the
// NextIteration nodes. A variable the body passes on unchanged (weights,
// bounds, a TensorList made from the input) becomes an invariant Enter
// (is_constant), the form TF1 gives loop constants. One matcher then serves
// both forms: the RNN rewrite fuses dynamic_rnn and Keras loops into
// LSTM/GRU whichever way they were built, and the generic TF1 rewrite turns
// the others into Loop.

func lowerWhilePass(g *graph.Graph) (bool, error) {
	changed := false
	nodes := append([]*graph.Node(nil), g.Nodes...)
	for _, n := range nodes {
		// Loops nested in a body (or a branch) first: their frames then
		// come along when the enclosing body is inlined.
		for _, sg := range n.Subgraphs() {
			c, err := lowerWhilePass(sg)
			if err != nil {
				return changed, err
			}
			changed = changed || c
		}
		if isOp(n, "While", "StatelessWhile") && lowerWhile(g, n) {
			changed = true
		}
	}
	if changed {
		g.RemoveUnused()
		sortNodes(g)
	}
	// Frames TensorFlow lowered itself carry their constants as variables.
	c, err := invariantVars(g)
	return changed || c, err
}

// lowerWhile replaces While node n of g by a TF1 frame; false (and no
// change) when n's functions do not fit its inputs and outputs.
func lowerWhile(g *graph.Graph, n *graph.Node) bool {
	cond, ok1 := n.Attrs["cond"].(*graph.Graph)
	body, ok2 := n.Attrs["body"].(*graph.Graph)
	k := len(n.Inputs)
	if !ok1 || !ok2 || len(cond.Inputs) != k || len(body.Inputs) != k || len(body.Outputs) != k ||
		len(cond.Outputs) != 1 || len(n.Outputs) > k {
		return false
	}
	frame := n.Name
	tf := (&emitter{g: g, base: frame}).tf
	loopCond := tf("LoopCond", 1, nil, "") // its input is the inlined cond's output
	condArgs := make([]string, k)
	bodyArgs := make([]string, k)
	exits := make([]string, k)
	merges := make([]*graph.Node, k)
	bv := newView(body)
	for i, init := range n.Inputs {
		// TF2 bodies pass constants on through an Identity.
		pass := bv.skip(body.Outputs[i]) == body.Inputs[i]
		enter := tf("Enter", 1, map[string]any{"frame_name": frame, "is_constant": pass}, init)
		if pass {
			condArgs[i], bodyArgs[i], exits[i] = enter.Outputs[0], enter.Outputs[0], init
			continue
		}
		m := tf("Merge", 2, nil, enter.Outputs[0], "") // its second input is the NextIteration
		sw := tf("Switch", 2, nil, m.Outputs[0], loopCond.Outputs[0])
		id := tf("Identity", 1, nil, sw.Outputs[1])
		exit := tf("Exit", 1, nil, sw.Outputs[0])
		merges[i] = m
		condArgs[i], bodyArgs[i], exits[i] = m.Outputs[0], id.Outputs[0], exit.Outputs[0]
	}
	loopCond.Inputs[0] = inline(g, cond, condArgs, "")[0]
	next := inline(g, body, bodyArgs, "")
	for i, m := range merges {
		if m != nil {
			m.Inputs[1] = tf("NextIteration", 1, nil, next[i]).Outputs[0]
		}
	}
	removeNodes(g, map[*graph.Node]bool{n: true})
	for i, o := range n.Outputs {
		if o != "" {
			replaceValue(g, o, exits[i])
		}
	}
	return true
}
