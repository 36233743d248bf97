package tfrewrite

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Function calls (PartitionedCall, StatefulPartitionedCall) are inlined
// before every other rewrite, so that the loop, cond and RNN matchers see
// one flat graph: Keras layers frozen without inlining (ConvNeXt's blocks)
// and SavedModel signatures are calls, and While bodies call functions too.
// Package frozen attached each call's function as the subgraph attribute
// "f". Inlining is bottom-up: the calls inside a function (and inside While
// and If bodies) are inlined first, so a function that calls functions
// comes in flat.
//
// An argument's declared dtype is not trusted: the inlined nodes read the
// caller's value, whatever made it. A SavedModel signature whose variables
// became constants passes a Const where the function declares DT_RESOURCE.

var callOps = []string{"PartitionedCall", "StatefulPartitionedCall"}

// maxCallDepth bounds the nesting of calls (the library may be recursive).
const maxCallDepth = 64

func inlineCalls(g *graph.Graph) (bool, error) {
	return inlineCallsDepth(g, 0)
}

func inlineCallsDepth(g *graph.Graph, depth int) (bool, error) {
	if depth > maxCallDepth {
		return false, fmt.Errorf("function calls nest more than %d deep (recursion?)", maxCallDepth)
	}
	changed := false
	nodes := append([]*graph.Node(nil), g.Nodes...)
	for _, n := range nodes {
		for _, sg := range n.Subgraphs() {
			c, err := inlineCallsDepth(sg, depth+1)
			if err != nil {
				return changed, err
			}
			changed = changed || c
		}
		if !isOp(n, callOps...) {
			continue
		}
		if err := inlineCall(g, n); err != nil {
			return changed, err
		}
		changed = true
	}
	if changed {
		sortNodes(g)
	}
	return changed, nil
}

// inlineCall replaces call node n of g by the nodes of its function.
func inlineCall(g *graph.Graph, n *graph.Node) error {
	f, ok := n.Attrs["f"].(*graph.Graph)
	if !ok {
		name := "?"
		if fn := n.FuncAttr("f"); fn != nil {
			name = fn.Name
		}
		return fmt.Errorf("node %q (%s): function %q was not attached", n.Name, n.Op, name)
	}
	if len(n.Inputs) != len(f.Inputs) {
		return fmt.Errorf("node %q (%s): %d inputs, function %q takes %d", n.Name, n.Op, len(n.Inputs), f.Name, len(f.Inputs))
	}
	if len(n.Outputs) > len(f.Outputs) {
		return fmt.Errorf("node %q (%s): %d outputs read, function %q has %d", n.Name, n.Op, len(n.Outputs), f.Name, len(f.Outputs))
	}
	outs := inline(g, f, n.Inputs, "")
	removeNodes(g, map[*graph.Node]bool{n: true})
	for i, o := range n.Outputs {
		if o != "" {
			replaceValue(g, o, outs[i])
		}
	}
	return nil
}
