package graph

import "fmt"

// VerifyOptions select the invariants Verify checks.
type VerifyOptions struct {
	AllowTF    bool // TF nodes may remain (before mapping, or --continue-on-error)
	NeedDTypes bool // every value must have a known element type
	// Unordered lets a node read a value defined by a later node: TF1 while
	// loops carry values back along NextIteration → Merge edges until the
	// control-flow rewrite turns them into Loop.
	Unordered bool
}

// Verify checks the graph's invariants: unique node and output names, every
// input defined (by a graph input, a constant, a node, or an enclosing
// scope's value in outer), no cycles, and optionally known dtypes and no TF
// op left. It returns the first violation found.
func (g *Graph) Verify(opts VerifyOptions) error {
	return g.verify(opts, map[string]bool{})
}

func (g *Graph) verify(opts VerifyOptions, outer map[string]bool) error {
	defined := map[string]bool{}
	for k := range outer {
		defined[k] = true
	}
	for _, in := range g.Inputs {
		defined[in] = true
	}
	for c := range g.Consts {
		defined[c] = true
	}
	later := map[string]bool{}
	if opts.Unordered {
		for _, n := range g.Nodes {
			for _, o := range n.Outputs {
				later[o] = true
			}
		}
	}
	names := map[string]bool{}
	for _, n := range g.Nodes {
		if names[n.Name] {
			return fmt.Errorf("two nodes are named %q", n.Name)
		}
		names[n.Name] = true
		for _, in := range n.Inputs {
			if in != "" && !defined[in] && !later[in] {
				return fmt.Errorf("node %q (%s) reads %q before it is defined (or it is never defined)", n.Name, n.Op, in)
			}
		}
		if !opts.AllowTF && n.Domain == DomainTF {
			return fmt.Errorf("node %q is still a TensorFlow %s op", n.Name, n.Op)
		}
		for _, sg := range n.Subgraphs() {
			if err := sg.verify(opts, defined); err != nil {
				return fmt.Errorf("in a subgraph of %q: %w", n.Name, err)
			}
		}
		for _, o := range n.Outputs {
			if o == "" {
				continue
			}
			if defined[o] {
				return fmt.Errorf("value %q is defined twice (again by node %q)", o, n.Name)
			}
			defined[o] = true
			if opts.NeedDTypes && g.DTypeOf(o) == Undefined && n.Domain != DomainTF {
				return fmt.Errorf("node %q (%s): the dtype of output %q is unknown", n.Name, n.Op, o)
			}
		}
	}
	for _, o := range g.Outputs {
		if !defined[o] {
			return fmt.Errorf("graph output %q is never defined", o)
		}
	}
	return nil
}
