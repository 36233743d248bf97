// Package optimize holds the ONNX-side passes that run after op mapping:
// each is a named, documented entry of one ordered table, run until none
// changes the graph. Every pass keeps the graph's outputs, their names and
// their values.
package optimize

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Pass is one optimization. Run reports whether it changed the graph.
type Pass struct {
	Name string
	Doc  string
	Run  func(g *graph.Graph, opset int) (bool, error)
}

// Passes is the ordered list the converter runs.
func Passes() []Pass {
	return []Pass{
		{"remove-identity", "drop Identity nodes, reading their input instead (graph outputs keep their names)", removeIdentity},
		{"dead-nodes", "drop nodes and constants that no graph output needs", deadNodes},
	}
}

// Hook, when set, runs after every pass that changed the graph (the
// verifier under --debug, dumps in tests).
type Hook func(pass string, g *graph.Graph) error

// Run applies the passes in order, repeating the list until a round changes
// nothing (at most 10 rounds).
func Run(g *graph.Graph, opset int, passes []Pass, after Hook) error {
	for round := 0; round < 10; round++ {
		changed := false
		for _, p := range passes {
			c, err := p.Run(g, opset)
			if err != nil {
				return fmt.Errorf("pass %s: %w", p.Name, err)
			}
			if c && after != nil {
				if err := after(p.Name, g); err != nil {
					return fmt.Errorf("after pass %s: %w", p.Name, err)
				}
			}
			changed = changed || c
		}
		if !changed {
			return nil
		}
	}
	return nil
}

func removeIdentity(g *graph.Graph, opset int) (bool, error) {
	changed := false
	kept := g.Nodes[:0]
	for _, n := range g.Nodes {
		if n.Op == "Identity" && n.Domain == "" && len(n.Inputs) == 1 {
			in, out := n.Inputs[0], n.Outputs[0]
			// An Identity that names a graph output stays unless its input
			// is a plain intermediate value we can rename.
			if !g.IsOutput(out) {
				g.ReplaceUses(out, in)
				changed = true
				continue
			}
		}
		kept = append(kept, n)
	}
	g.Nodes = kept
	return changed, nil
}

func deadNodes(g *graph.Graph, opset int) (bool, error) {
	before := len(g.Consts)
	removed := g.RemoveUnused()
	return removed > 0 || len(g.Consts) != before, nil
}
