package convert

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Opset 12 is served by converting at 13, the lowest opset the handlers
// target, and writing the few forms that changed at 13 the old way as a
// last step. ONNX 13 changed, besides adding bfloat16 to most ops:
//
//   - Squeeze, Unsqueeze, ReduceSum and Split took their axes/sizes as
//     inputs; at 12 they are attributes, so those inputs must be constants.
//   - Softmax, LogSoftmax and Hardmax became one-axis ops; at 12 they
//     flatten the input to 2-D at the axis (default 1), which is the same
//     only for the last axis: other axes go through a Transpose.
//   - QuantizeLinear/DequantizeLinear gained per-axis scales (axis).
//   - Resize's roi and scales became optional (12 takes empty tensors).
//   - Pad gained bool, string and complex data.
//
// What cannot be written at 12 is refused, one line naming the node.

// olderOpset lowers the converted graph to the target opset when that is
// below what the handlers emit (see above).
func (c *conversion) olderOpset() error {
	if c.target >= c.opts.Opset {
		return nil
	}
	if err := noBFloat16(c.g); err != nil {
		return fmt.Errorf("--opset %d: %w", c.target, err)
	}
	if err := lowerTo12(c.g, c.g, nil); err != nil {
		return fmt.Errorf("--opset %d: %w (use --opset 13 or later)", c.target, err)
	}
	c.g.Opset = c.target // what readers of the graph (the cost report) interpret it at
	return nil
}

func noBFloat16(g *graph.Graph) error {
	for name, v := range g.Values {
		if v != nil && v.DType == graph.BFloat16 {
			return fmt.Errorf("%s is bfloat16, which ONNX ops take from opset 13 on", name)
		}
	}
	for name, t := range g.Consts { // initializers may have no value record
		if t.DType == graph.BFloat16 {
			return fmt.Errorf("%s is bfloat16, which ONNX ops take from opset 13 on", name)
		}
	}
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			if err := noBFloat16(sg); err != nil {
				return err
			}
		}
	}
	return nil
}

// lowerTo12 rewrites g (root is the outermost graph, whose names new
// values take so that they clash with none of any body; outer are the
// graphs around g, innermost first).
func lowerTo12(g, root *graph.Graph, outer []*graph.Graph) error {
	scope := append([]*graph.Graph{g}, outer...)
	out := make([]*graph.Node, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			if err := lowerTo12(sg, root, scope); err != nil {
				return err
			}
		}
		if n.Domain != "" && n.Domain != "ai.onnx" {
			out = append(out, n)
			continue
		}
		nodes, err := lowerNode12(g, root, scope, n)
		if err != nil {
			return fmt.Errorf("node %q (%s): %w", n.Name, n.Op, err)
		}
		out = append(out, nodes...)
	}
	g.Nodes = out
	return nil
}

// constInput is input i of n as int64s when it is a constant of the graph
// or of one around it (scope: innermost first).
func constInput(scope []*graph.Graph, n *graph.Node, i int) ([]int64, bool) {
	if i >= len(n.Inputs) || n.Inputs[i] == "" {
		return nil, false
	}
	for _, g := range scope {
		if t := g.Consts[n.Inputs[i]]; t != nil {
			return t.Int64s(), true
		}
		if g.Defines(n.Inputs[i]) {
			return nil, false
		}
	}
	return nil, false
}

func lowerNode12(g, root *graph.Graph, scope []*graph.Graph, n *graph.Node) ([]*graph.Node, error) {
	switch n.Op {
	case "Squeeze", "Unsqueeze":
		if len(n.Inputs) < 2 || n.Inputs[1] == "" {
			return []*graph.Node{n}, nil // Squeeze of every size-1 dim
		}
		axes, ok := constInput(scope, n, 1)
		if !ok {
			return nil, fmt.Errorf("axes computed at run time; opset 12 takes them as an attribute")
		}
		n.Attrs["axes"] = axes
		n.Inputs = n.Inputs[:1]
	case "ReduceSum":
		noop := n.Int("noop_with_empty_axes", 0) != 0
		delete(n.Attrs, "noop_with_empty_axes")
		var axes []int64
		if len(n.Inputs) >= 2 && n.Inputs[1] != "" {
			var ok bool
			if axes, ok = constInput(scope, n, 1); !ok {
				return nil, fmt.Errorf("axes computed at run time; opset 12 takes them as an attribute")
			}
		}
		n.Inputs = n.Inputs[:1]
		if len(axes) == 0 && noop {
			// Reducing over no axes leaves the input as it is.
			n.Op, n.Attrs = "Identity", map[string]any{}
			return []*graph.Node{n}, nil
		}
		if len(axes) > 0 {
			n.Attrs["axes"] = axes
		}
	case "Split":
		if len(n.Inputs) < 2 || n.Inputs[1] == "" {
			return []*graph.Node{n}, nil // equal parts
		}
		sizes, ok := constInput(scope, n, 1)
		if !ok {
			return nil, fmt.Errorf("split sizes computed at run time; opset 12 takes them as an attribute")
		}
		n.Attrs["split"] = sizes
		n.Inputs = n.Inputs[:1]
	case "Softmax", "LogSoftmax", "Hardmax":
		return lowerSoftmax12(g, root, n)
	case "QuantizeLinear", "DequantizeLinear":
		if len(n.Inputs) > 1 && g.ShapeOf(n.Inputs[1]).Rank() != 0 {
			return nil, fmt.Errorf("per-axis quantization (scales of rank %d) needs opset 13", g.ShapeOf(n.Inputs[1]).Rank())
		}
		delete(n.Attrs, "axis")
	case "Resize":
		for i := 1; i <= 2 && i < len(n.Inputs); i++ {
			if n.Inputs[i] == "" {
				name := root.UniqueName(n.Name + "/empty")
				g.SetConst(name, &graph.Tensor{DType: graph.Float, Dims: []int64{0}})
				n.Inputs[i] = name
			}
		}
	case "Pad":
		if dt := g.DTypeOf(n.Inputs[0]); !dt.IsInt() && !dt.IsFloat() {
			return nil, fmt.Errorf("Pad of %v data needs opset 13", dt)
		}
	}
	return []*graph.Node{n}, nil
}

// lowerSoftmax12 gives a Softmax-like node the opset-12 meaning of its
// opset-13 axis: the last axis as is, another one moved last and back.
func lowerSoftmax12(g, root *graph.Graph, n *graph.Node) ([]*graph.Node, error) {
	x := n.Inputs[0]
	r := g.ShapeOf(x).Rank()
	axis := n.Int("axis", -1)
	if axis < 0 && r >= 0 {
		axis += int64(r)
	}
	if axis == -1 || r >= 0 && axis == int64(r-1) {
		n.Attrs["axis"] = int64(-1)
		return []*graph.Node{n}, nil
	}
	if r < 0 {
		return nil, fmt.Errorf("axis %d of an input of unknown rank: opset 12 flattens at the axis, which equals opset 13's meaning only for the last axis", axis)
	}
	perm := make([]int64, r)
	for i := range perm {
		perm[i] = int64(i)
	}
	perm[axis], perm[r-1] = perm[r-1], perm[axis]
	xt := root.UniqueName(n.Name + "/moved")
	yt := root.UniqueName(n.Name + "/moved_out")
	g.Reserve(xt, yt)
	dt := g.DTypeOf(x)
	if s := g.ShapeOf(x); s.Known {
		ts := s.Clone()
		ts.Dims[axis], ts.Dims[r-1] = ts.Dims[r-1], ts.Dims[axis]
		g.SetValue(xt, dt, ts)
		g.SetValue(yt, dt, ts)
	}
	before := &graph.Node{Name: root.UniqueName(n.Name + "/to_last"), Op: "Transpose", Inputs: []string{x}, Outputs: []string{xt}, Attrs: map[string]any{"perm": perm}}
	y := n.Outputs[0]
	n.Inputs = []string{xt}
	n.Outputs = []string{yt}
	n.Attrs["axis"] = int64(-1)
	after := &graph.Node{Name: root.UniqueName(n.Name + "/from_last"), Op: "Transpose", Inputs: []string{yt}, Outputs: []string{y}, Attrs: map[string]any{"perm": perm}}
	g.Reserve(before.Name, after.Name)
	return []*graph.Node{before, n, after}, nil
}
