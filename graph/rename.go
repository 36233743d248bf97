package graph

import (
	"maps"
	"slices"
)

// Moving a body's nodes into another graph (inlining an If branch) needs
// the two to share no name, and a body nested anywhere below may not
// redefine a name of a scope around it: a TF1 loop evaluates its condition
// function both before the loop and in its body, under the same names.

// ReserveNested reserves in g every name defined inside the bodies of n,
// at any depth, so that names given out by g avoid them.
func (g *Graph) ReserveNested(n *Node) {
	for _, sg := range n.Subgraphs() {
		g.Reserve(sg.Inputs...)
		for k := range sg.Consts {
			g.Reserve(k)
		}
		for _, m := range sg.Nodes {
			g.Reserve(m.Name)
			g.Reserve(m.Outputs...)
			g.ReserveNested(m)
		}
	}
}

// RenameApart prepares sub's constants and nodes to move into g: every
// name sub defines (constants, node names, node outputs) that g already
// uses gets a fresh name of g's, everywhere in sub (readers, the bodies
// of its nodes where they do not shadow it, outputs); the other names are
// reserved in g as they are.
func (g *Graph) RenameApart(sub *Graph) {
	var defined []string
	for k := range sub.Consts {
		defined = append(defined, k)
	}
	for _, n := range sub.Nodes {
		for _, o := range n.Outputs {
			if o != "" {
				defined = append(defined, o)
			}
		}
	}
	slices.Sort(defined) // fresh names in a reproducible order
	rename := map[string]string{}
	for _, k := range defined {
		if nk := g.UniqueName(k); nk != k {
			rename[k] = nk
		}
	}
	for _, n := range sub.Nodes {
		n.Name = g.UniqueName(n.Name)
	}
	if len(rename) == 0 {
		return
	}
	consts := make(map[string]*Tensor, len(sub.Consts))
	for k, t := range sub.Consts {
		consts[renamed(rename, k)] = t
	}
	sub.Consts = consts
	// All records are taken out before any is put back: a new name can be
	// another renamed one's old name (x → x__1 while x__1 → x__1__1).
	moved := map[string]*Value{}
	for k, nk := range rename {
		if v, ok := sub.Values[k]; ok {
			delete(sub.Values, k)
			moved[nk] = v
		}
	}
	for nk, v := range moved {
		sub.Values[nk] = v
	}
	for _, n := range sub.Nodes {
		for i, o := range n.Outputs {
			n.Outputs[i] = renamed(rename, o)
		}
	}
	sub.renameUses(rename)
}

// renameUses makes g's readers and outputs, and those of the bodies of its
// nodes that do not define the name themselves, read the renamed values.
func (g *Graph) renameUses(rename map[string]string) {
	for _, n := range g.Nodes {
		for i, in := range n.Inputs {
			n.Inputs[i] = renamed(rename, in)
		}
		for _, sg := range n.Subgraphs() {
			inner, cloned := rename, false
			for k := range rename {
				if sg.Defines(k) { // shadowed there
					if !cloned {
						inner, cloned = maps.Clone(rename), true
					}
					delete(inner, k)
				}
			}
			sg.renameUses(inner)
		}
	}
	for i, o := range g.Outputs {
		g.Outputs[i] = renamed(rename, o)
	}
}

func renamed(rename map[string]string, v string) string {
	if nv, ok := rename[v]; ok {
		return nv
	}
	return v
}
