package optimize

import (
	"maps"
	"slices"
	"sort"

	"github.com/tf2onnx-go/tf2onnx/fold"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// removeIdentity drops Identity nodes, their readers reading the input.
// An Identity that names a graph output goes only when its input's
// producer can take that name.
func removeIdentity(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if !isOp(n, "Identity") || len(n.Inputs) != 1 || len(n.Outputs) != 1 || n.Inputs[0] == "" {
			continue
		}
		in, out := n.Inputs[0], n.Outputs[0]
		if ix.isOutput(out) && !ix.canRenameTo(in) {
			continue
		}
		ix.remove(n)
		ix.replaceUses(out, in)
	}
	return ix.finish()
}

// canRenameTo reports whether the value v can take a graph output's name:
// it is made by a node and is no graph input, output or constant.
func (ix *index) canRenameTo(v string) bool {
	return ix.producer(v) != nil && !ix.isOutput(v) && !ix.ins[v] && !ix.isConst(v)
}

// bypass removes single-output node n, whose output equals its input in:
// readers of the output read in. A node whose output is a graph output
// stays unless in can take the name.
func (ix *index) bypass(n *graph.Node, in string) bool {
	out := n.Outputs[0]
	if ix.isOutput(out) && !ix.canRenameTo(in) {
		return false
	}
	ix.remove(n)
	ix.replaceUses(out, in)
	return true
}

// simplifyShapes collapses chains of Reshapes, drops Reshapes to the shape
// the value already has and Casts to the type it already has, and cancels
// Unsqueeze/Squeeze pairs over the same axes.
func simplifyShapes(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if ix.removed[n] || len(n.Outputs) != 1 || len(n.Inputs) == 0 || n.Inputs[0] == "" {
			continue
		}
		x := n.Inputs[0]
		switch {
		case isOp(n, "Reshape") && len(n.Inputs) == 2:
			target := ix.constOf(n.Inputs[1])
			if target == nil {
				continue
			}
			shape := target.Int64s()
			allowZero := n.Int("allowzero", 0) != 0
			// Reshape of a Reshape reads the first one's input, unless a
			// 0 in the target copies a dim of the middle value.
			if p := ix.producer(x); isOp(p, "Reshape") && len(p.Inputs) == 2 && (allowZero || !hasZero(shape)) {
				ix.setInput(n, 0, p.Inputs[0])
				if ix.uses(p.Outputs[0]) == 0 {
					ix.remove(p)
				}
				x = n.Inputs[0]
			}
			if in := g.ShapeOf(x); in.Static() {
				if out := resolveReshape(in.Sizes(), shape, allowZero); out != nil && slices.Equal(out, in.Sizes()) {
					ix.bypass(n, x)
				}
			}
		case isOp(n, "Cast"):
			if to := n.Type("to"); to != graph.Undefined && g.DTypeOf(x) == to {
				ix.bypass(n, x)
			}
		case isOp(n, "Squeeze") || isOp(n, "Unsqueeze"):
			inverse := "Unsqueeze"
			if n.Op == "Unsqueeze" {
				inverse = "Squeeze"
			}
			p := ix.producer(x)
			if !isOp(p, inverse) || len(p.Outputs) != 1 {
				continue
			}
			// Both sets of axes index the same tensor: the unsqueezed one.
			r := g.ShapeOf(x).Rank()
			if n.Op == "Unsqueeze" {
				r = g.ShapeOf(n.Outputs[0]).Rank()
			}
			a, ok1 := ix.axesOf(n, r)
			b, ok2 := ix.axesOf(p, r)
			if !ok1 || !ok2 || len(a) == 0 || !slices.Equal(a, b) {
				continue
			}
			if ix.bypass(n, p.Inputs[0]) && ix.uses(p.Outputs[0]) == 0 {
				ix.remove(p)
			}
		}
	}
	return ix.finish()
}

func hasZero(s []int64) bool {
	for _, v := range s {
		if v == 0 {
			return true
		}
	}
	return false
}

// resolveReshape is the output shape of Reshape(x of static shape in,
// target), or nil when the target does not fit.
func resolveReshape(in, target []int64, allowZero bool) []int64 {
	total := int64(1)
	for _, d := range in {
		total *= d
	}
	out := make([]int64, len(target))
	known, neg := int64(1), -1
	for i, d := range target {
		switch {
		case d == 0 && !allowZero:
			if i >= len(in) {
				return nil
			}
			d = in[i]
		case d == -1:
			if neg >= 0 {
				return nil
			}
			neg = i
			continue
		case d < 0:
			return nil
		}
		out[i] = d
		known *= d
	}
	if neg >= 0 {
		if known == 0 || total%known != 0 {
			return nil
		}
		out[neg] = total / known
	} else if known != total {
		return nil
	}
	return out
}

// axesArg returns a node's axes as written: its constant second input when
// it has one (Squeeze/Unsqueeze from opset 13, ReduceSum from 13, the other
// reductions from 18), else its "axes" attribute; false when the input is
// not a constant.
func (ix *index) axesArg(n *graph.Node) ([]int64, bool) {
	if len(n.Inputs) > 1 && n.Inputs[1] != "" {
		k := ix.constOf(n.Inputs[1])
		if k == nil {
			return nil, false
		}
		return k.Int64s(), true
	}
	return n.Ints("axes"), true
}

// axesOf returns the sorted, non-negative axes of a Squeeze or Unsqueeze
// (attribute before opset 13, input since), normalized against rank r.
func (ix *index) axesOf(n *graph.Node, r int) ([]int64, bool) {
	axes, ok := ix.axesArg(n)
	if !ok {
		return nil, false
	}
	out := make([]int64, len(axes))
	for i, a := range axes {
		if a < 0 {
			if r < 0 {
				return nil, false
			}
			a += int64(r)
		}
		out[i] = a
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, true
}

// foldConstants evaluates nodes whose inputs are all constants (package
// fold), and Shape and Size of values whose shape is static.
func foldConstants(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if n.Domain != "" && n.Domain != "ai.onnx" || len(n.Subgraphs()) > 0 || len(n.Outputs) == 0 {
			continue
		}
		// A graph output stays computed by a node: an initializer that is
		// also a graph output is not something every runtime accepts.
		keep := false
		for _, o := range n.Outputs {
			if ix.isOutput(o) {
				keep = true
			}
		}
		if keep {
			continue
		}
		if t := shapeFold(g, n); t != nil {
			ix.remove(n)
			g.SetConst(n.Outputs[0], t)
			continue
		}
		in := make([]*graph.Tensor, len(n.Inputs))
		all := true
		for i, v := range n.Inputs {
			if v == "" {
				continue
			}
			if in[i] = ix.constOf(v); in[i] == nil {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		outs, ok, err := fold.Eval(n, in, opset)
		if err != nil || !ok || len(outs) != len(n.Outputs) {
			continue
		}
		if slices.Contains(outs, nil) || !fold.WorthFolding(in, outs) {
			continue // the size policy opmap's eager folding follows too
		}
		ix.remove(n)
		for i, t := range outs {
			if n.Outputs[i] != "" {
				g.SetConst(n.Outputs[i], t)
			}
		}
	}
	return ix.finish()
}

// shapeFold computes Shape and Size of a value with a static shape.
func shapeFold(g *graph.Graph, n *graph.Node) *graph.Tensor {
	if len(n.Inputs) != 1 || len(n.Outputs) != 1 || n.Inputs[0] == "" {
		return nil
	}
	s := g.ShapeOf(n.Inputs[0])
	if !s.Static() {
		return nil
	}
	switch {
	case isOp(n, "Shape"):
		sizes := s.Sizes()
		r := int64(len(sizes))
		start, end := int64(0), r
		if v, ok := n.Attrs["start"].(int64); ok {
			start = clampAxis(v, r)
		}
		if v, ok := n.Attrs["end"].(int64); ok {
			end = clampAxis(v, r)
		}
		if end < start {
			end = start
		}
		return graph.Int64Tensor(sizes[start:end]...)
	case isOp(n, "Size"):
		return graph.ScalarInt64(s.NumElements())
	}
	return nil
}

func clampAxis(v, r int64) int64 {
	if v < 0 {
		v += r
	}
	return max(0, min(v, r))
}

// deadNodes drops nodes and constants that no graph output needs.
func deadNodes(g *graph.Graph, opset int) (bool, error) {
	before := len(g.Consts)
	removed := g.RemoveUnused()
	return removed > 0 || len(g.Consts) != before, nil
}

// inlineConstantIf replaces an If whose condition is a constant with the
// branch it always takes: that branch's constants and nodes join the graph
// (renamed where a name is taken there), and the If's readers read the
// branch outputs. A training flag frozen at its default
// (keras_learning_phase, a PlaceholderWithDefault that is no input) leaves
// such Ifs around every dropout and batch norm.
func inlineConstantIf(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if ix.removed[n] || !isOp(n, "If") || len(n.Inputs) != 1 {
			continue
		}
		cond := ix.constOf(n.Inputs[0])
		if cond == nil || cond.NumElements() != 1 || len(cond.Data) == 0 {
			continue
		}
		key := "else_branch"
		if cond.Int64s()[0] != 0 {
			key = "then_branch"
		}
		br, _ := n.Attrs[key].(*graph.Graph)
		if br == nil || len(br.Inputs) != 0 || len(br.Outputs) != len(n.Outputs) {
			continue
		}
		ix.remove(n)
		inlineBranch(ix, br, n.Outputs)
	}
	return ix.finish()
}

// inlineBranch moves the constants and nodes of br into ix's graph and
// makes the readers of outs read br's outputs. A name br defines is renamed
// when any scope in reach uses it: the graph's and its enclosing scopes'
// (reserved in it) or one inside a body of its nodes, which may not
// redefine a name of its enclosing scope.
func inlineBranch(ix *index, br *graph.Graph, outs []string) {
	g := ix.g
	for _, m := range g.Nodes {
		g.ReserveNested(m)
	}
	g.RenameApart(br)
	for _, k := range slices.Sorted(maps.Keys(br.Consts)) {
		g.SetConst(k, br.Consts[k])
	}
	for _, m := range br.Nodes {
		for _, o := range m.Outputs {
			if v := br.Values[o]; v != nil && o != "" {
				g.Values[o] = v
			}
		}
		ix.add(m)
	}
	// replaceUses may rename a branch value to the If output it stands
	// for (a graph output keeps its name); a later output reading the same
	// value then reads it under that name.
	renamedTo := map[string]string{}
	for i, o := range outs {
		if o == "" {
			continue
		}
		src := br.Outputs[i]
		if r, ok := renamedTo[src]; ok {
			src = r
		}
		p := ix.producer(src)
		ix.replaceUses(o, src)
		if p != nil && ix.producer(src) == nil {
			renamedTo[br.Outputs[i]] = o
		}
	}
}
