package convert

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
)

// applyLayout makes the named NHWC inputs and outputs NCHW at the model's
// boundary: a Transpose next to each keeps the graph's inner layout, and
// the transpose optimizer then cancels it against the convolutions' own.
func applyLayout(g *graph.Graph, opts Options) error {
	for _, name := range opts.InputsAsNCHW {
		in := tensorName(name)
		if !contains(g.Inputs, in) {
			return &OptionError{Flag: "--inputs-as-nchw", Msg: fmt.Sprintf("%s is not among --inputs", name)}
		}
		s := g.ShapeOf(in)
		if s.Rank() != 4 {
			return &OptionError{Flag: "--inputs-as-nchw", Msg: fmt.Sprintf("%s has shape %v; only rank-4 inputs can be NCHW", name, s)}
		}
		inner := g.UniqueName(in + "__nhwc")
		g.ReplaceUses(in, inner)
		for i, v := range g.Inputs { // ReplaceUses does not touch inputs
			if v == inner {
				g.Inputs[i] = in
			}
		}
		d := s.Dims
		g.SetValue(in, g.DTypeOf(in), graph.DimsOf(d[0], d[3], d[1], d[2]))
		t := &graph.Node{Name: g.UniqueName(in + "/to_nhwc"), Op: "Transpose", Inputs: []string{in}, Outputs: []string{inner}, Attrs: map[string]any{"perm": []int64{0, 2, 3, 1}}}
		g.Nodes = append([]*graph.Node{t}, g.Nodes...)
		if err := infer.Node(g, t, opts.Opset); err != nil {
			return err
		}
	}
	for _, name := range opts.OutputsAsNCHW {
		out := tensorName(name)
		if !contains(g.Outputs, out) {
			return &OptionError{Flag: "--outputs-as-nchw", Msg: fmt.Sprintf("%s is not among --outputs", name)}
		}
		s := g.ShapeOf(out)
		if s.Rank() != 4 {
			return &OptionError{Flag: "--outputs-as-nchw", Msg: fmt.Sprintf("%s has shape %v; only rank-4 outputs can be NCHW", name, s)}
		}
		inner := g.UniqueName(out + "__nhwc")
		renameValue(g, out, inner)
		t := &graph.Node{Name: g.UniqueName(out + "/to_nchw"), Op: "Transpose", Inputs: []string{inner}, Outputs: []string{out}, Attrs: map[string]any{"perm": []int64{0, 3, 1, 2}}}
		g.AddNode(t)
		if err := infer.Node(g, t, opts.Opset); err != nil {
			return err
		}
	}
	return nil
}

// renameValue renames a value of g everywhere it is seen: its producer (or
// the constant), its readers in g and in every subgraph that does not
// define a value of that name itself (bodies read enclosing values by
// name), and its type record. g's own inputs and outputs keep their names:
// the callers decide what the boundary is called.
func renameValue(g *graph.Graph, old, new string) {
	for _, n := range g.Nodes {
		for i, o := range n.Outputs {
			if o == old {
				n.Outputs[i] = new
			}
		}
		for i, in := range n.Inputs {
			if in == old {
				n.Inputs[i] = new
			}
		}
		for _, sg := range n.Subgraphs() {
			if !sg.Defines(old) {
				sg.ReplaceUses(old, new)
			}
		}
	}
	if t, ok := g.Consts[old]; ok {
		delete(g.Consts, old)
		g.Consts[new] = t
	}
	if v, ok := g.Values[old]; ok {
		g.Values[new] = v
	}
	g.Reserve(new)
}

// freeName moves every definition of name inside g's tree (node outputs and
// constants of g, and anything a subgraph defines, its own inputs and
// outputs included) to a fresh name, so that a boundary value can take it.
// g's own inputs and outputs must not be called name.
func freeName(top, g *graph.Graph, name string) {
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			freeName(top, sg, name)
		}
	}
	if !g.Defines(name) {
		return
	}
	fresh := freshName(top, name)
	renameValue(g, name, fresh)
	if g != top {
		for i, v := range g.Inputs {
			if v == name {
				g.Inputs[i] = fresh
			}
		}
		for i, v := range g.Outputs {
			if v == name {
				g.Outputs[i] = fresh
			}
		}
	}
}

// freshName returns hint with a suffix that no graph of top's tree uses.
func freshName(top *graph.Graph, hint string) string {
	used := map[string]bool{}
	var walk func(g *graph.Graph)
	walk = func(g *graph.Graph) {
		for _, v := range append(append([]string(nil), g.Inputs...), g.Outputs...) {
			used[v] = true
		}
		for c := range g.Consts {
			used[c] = true
		}
		for v := range g.Values {
			used[v] = true
		}
		for _, n := range g.Nodes {
			used[n.Name] = true
			for _, v := range append(append([]string(nil), n.Inputs...), n.Outputs...) {
				used[v] = true
			}
			for _, sg := range n.Subgraphs() {
				walk(sg)
			}
		}
	}
	walk(top)
	for i := 1; ; i++ {
		name := fmt.Sprintf("%s__%d", hint, i)
		if !used[name] {
			top.Reserve(name)
			return name
		}
	}
}

// applyRenames gives graph inputs and outputs the names the user asked for.
// A name an inner value already has is taken from it (the inner value moves
// aside); a name another input or output has is an error.
func applyRenames(g *graph.Graph, opts Options) error {
	if err := checkBoundaryNames(g, opts); err != nil {
		return err
	}
	for i, newName := range opts.RenameInputs {
		old := g.Inputs[i]
		if old == newName {
			continue
		}
		freeName(g, g, newName)
		g.ReplaceUses(old, newName)
		g.Inputs[i] = newName
		g.Values[newName] = g.Values[old]
		g.Reserve(newName)
	}
	for i, newName := range opts.RenameOutputs {
		old := g.Outputs[i]
		if old == newName {
			continue
		}
		if contains(g.Inputs, old) {
			return &OptionError{Flag: "--rename-outputs", Msg: fmt.Sprintf("output %s is also a graph input; cannot rename it", old)}
		}
		freeName(g, g, newName)
		renameValue(g, old, newName)
		for j, o := range g.Outputs {
			if o == old {
				g.Outputs[j] = newName
			}
		}
	}
	return nil
}

// checkBoundaryNames rejects renames that would give two boundary values
// (inputs and outputs) one name.
func checkBoundaryNames(g *graph.Graph, opts Options) error {
	final := map[string]string{} // new boundary name → what it names
	claim := func(flag, name, what string) error {
		if prev, ok := final[name]; ok && prev != what {
			return &OptionError{Flag: flag, Msg: fmt.Sprintf("%s would name both %s and %s", name, prev, what)}
		}
		final[name] = what
		return nil
	}
	for i, in := range g.Inputs {
		name := in
		if i < len(opts.RenameInputs) {
			name = opts.RenameInputs[i]
		}
		if err := claim("--rename-inputs", name, "input "+in); err != nil {
			return err
		}
	}
	for i, out := range g.Outputs {
		name, what := out, "output "+out
		if contains(g.Inputs, out) {
			what = "input " + out
		}
		if i < len(opts.RenameOutputs) {
			name = opts.RenameOutputs[i]
		}
		if err := claim("--rename-outputs", name, what); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
