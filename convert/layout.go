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
			return fmt.Errorf("--inputs-as-nchw: %s is not among --inputs", name)
		}
		s := g.ShapeOf(in)
		if s.Rank() != 4 {
			return fmt.Errorf("--inputs-as-nchw: %s has shape %v; only rank-4 inputs can be NCHW", name, s)
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
			return fmt.Errorf("--outputs-as-nchw: %s is not among --outputs", name)
		}
		s := g.ShapeOf(out)
		if s.Rank() != 4 {
			return fmt.Errorf("--outputs-as-nchw: %s has shape %v; only rank-4 outputs can be NCHW", name, s)
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

// renameValue renames a value everywhere: its producer (or the constant),
// its readers and its type record; graph outputs keep the old name.
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

// applyRenames gives graph inputs and outputs the names the user asked for.
func applyRenames(g *graph.Graph, opts Options) error {
	for i, newName := range opts.RenameInputs {
		old := g.Inputs[i]
		if old == newName {
			continue
		}
		g.ReplaceUses(old, newName)
		g.Inputs[i] = newName
		g.Values[newName] = g.Values[old]
	}
	for i, newName := range opts.RenameOutputs {
		old := g.Outputs[i]
		if old == newName {
			continue
		}
		if contains(g.Inputs, old) {
			return fmt.Errorf("--rename-outputs: output %s is also a graph input; cannot rename it", old)
		}
		renameValue(g, old, newName)
		g.Outputs[i] = newName
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
