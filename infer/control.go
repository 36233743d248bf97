package infer

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// subgraph infers a body held in attribute attr, resolving names it does
// not define in the enclosing scopes, and returns its scope (nil when the
// attribute is absent).
func (c *ctx) subgraph(attr string, inputs []graph.Value) (*scope, error) {
	body, ok := c.n.Attrs[attr].(*graph.Graph)
	if !ok || body == nil {
		return nil, nil
	}
	// The body mints its symbols from the enclosing graph's supply, so
	// that they cannot collide with names the body reads from outside.
	body.ShareSyms(c.s.g)
	sub := &scope{g: body, outer: c.s}
	// Whoever built the body types its inputs; where they did not, what the
	// node's own inputs say is the best guess (dtype only where the shape may
	// change from one iteration to the next).
	for i, name := range body.Inputs {
		if i >= len(inputs) || name == "" {
			break
		}
		if _, _, found := sub.lookupLocal(name); !found && inputs[i].DType != graph.Undefined {
			sub.set(name, inputs[i].DType, inputs[i].Shape)
		}
	}
	if err := c.runGraph(sub, c.opset); err != nil {
		return nil, fmt.Errorf("infer: node %q (%s) %s: %w", c.n.Name, c.n.Op, attr, err)
	}
	return sub, nil
}

// lookupLocal finds a value of this scope's own graph only.
func (s *scope) lookupLocal(name string) (graph.DType, graph.Shape, bool) {
	if t, ok := s.g.Consts[name]; ok {
		return t.DType, t.Shape(), true
	}
	if v := s.g.Values[name]; v != nil {
		return v.DType, v.Shape, true
	}
	return graph.Undefined, graph.UnknownShape(), false
}

// output is the type of the body's i-th output.
func (s *scope) output(i int) graph.Value {
	if i >= len(s.g.Outputs) {
		return graph.Value{Shape: graph.UnknownShape()}
	}
	dt, sh, _ := s.lookup(s.g.Outputs[i])
	return graph.Value{DType: dt, Shape: sh}
}

func (c *ctx) value(i int) graph.Value {
	return graph.Value{DType: c.dtype(i), Shape: c.shape(i)}
}

// carried is a value that is either the initial one (no iteration ran) or
// what the body produced.
func carried(init, body graph.Value) graph.Value {
	v := graph.Value{DType: body.DType, Shape: joinShape(init.Shape, body.Shape)}
	if v.DType == graph.Undefined {
		v.DType = init.DType
	}
	return v
}

// inferLoop: inputs M, cond, v_initial...; body (iter, cond, v...) ->
// (cond, v..., scan...); outputs v_final..., scan outputs stacked on a new
// leading dim.
func inferLoop(c *ctx) error {
	nCarried := max(len(c.n.Inputs)-2, 0)
	ins := []graph.Value{
		{DType: graph.Int64, Shape: graph.ShapeOf()},
		{DType: graph.Bool, Shape: graph.ShapeOf()},
	}
	for i := 0; i < nCarried; i++ {
		ins = append(ins, graph.Value{DType: c.dtype(2 + i), Shape: graph.UnknownShape()})
	}
	sub, err := c.subgraph("body", ins)
	if err != nil || sub == nil {
		return err
	}
	if len(sub.g.Outputs) < 1+nCarried {
		return c.errf("body has %d outputs for %d carried values", len(sub.g.Outputs), nCarried)
	}
	for i := 0; i < nCarried; i++ {
		v := carried(c.value(2+i), sub.output(1+i))
		c.set(i, v.DType, v.Shape)
	}
	trips := c.tripCount(sub)
	if !trips.Known() && len(c.n.Outputs) > 0 {
		// Every scan output stacks the same number of iterations.
		trips = c.symFor("trips", c.n.Outputs[0])
	}
	for k := nCarried; k < len(c.n.Outputs); k++ {
		v := sub.output(1 + k)
		sh := graph.UnknownShape()
		if v.Shape.Known {
			sh = graph.DimsOf(append([]graph.Dim{trips}, v.Shape.Dims...)...)
		}
		c.set(k, v.DType, sh)
	}
	return nil
}

// tripCount is the number of iterations when it is fixed: a constant M and
// a condition that cannot stop the loop early (absent, or a constant true
// that the body passes through unchanged).
func (c *ctx) tripCount(sub *scope) graph.Dim {
	m, ok := c.ints(0)
	if !ok || len(m) != 1 {
		return graph.Unk()
	}
	if c.has(1) {
		cond, ok := c.ints(1)
		if !ok || len(cond) != 1 || cond[0] == 0 {
			return graph.Unk()
		}
		body := sub.g
		if len(body.Outputs) < 1 {
			return graph.Unk()
		}
		out := passThrough(body, body.Outputs[0])
		if len(body.Inputs) < 2 || out != body.Inputs[1] {
			if t := sub.constant(out); t == nil || t.NumElements() != 1 || t.Int64s()[0] == 0 {
				return graph.Unk()
			}
		}
	}
	return graph.D(max(m[0], 0))
}

func inferIf(c *ctx) error {
	then, err := c.subgraph("then_branch", nil)
	if err != nil {
		return err
	}
	els, err := c.subgraph("else_branch", nil)
	if err != nil {
		return err
	}
	if then == nil || els == nil {
		return nil
	}
	n := len(c.n.Outputs)
	if len(then.g.Outputs) != n || len(els.g.Outputs) != n {
		return c.errf("branches have %d and %d outputs for %d", len(then.g.Outputs), len(els.g.Outputs), n)
	}
	taken := -1 // 1 then, 0 else, -1 unknown
	if cond, ok := c.ints(0); ok && len(cond) == 1 {
		taken = 0
		if cond[0] != 0 {
			taken = 1
		}
	}
	for i := 0; i < n; i++ {
		t, e := then.output(i), els.output(i)
		var v graph.Value
		switch taken {
		case 1:
			v = t
		case 0:
			v = e
		default:
			v = graph.Value{DType: t.DType, Shape: joinShape(t.Shape, e.Shape)}
			if v.DType == graph.Undefined {
				v.DType = e.DType
			}
		}
		c.set(i, v.DType, v.Shape)
	}
	return nil
}

// inferScan (opset 9+): inputs are N states then M scan inputs; body
// (states, one slice of each scan input) -> (states, one slice of each
// scan output); scan outputs stack the slices along scan_output_axes.
func inferScan(c *ctx) error {
	m := int(c.n.Int("num_scan_inputs", 0))
	nStates := len(c.n.Inputs) - m
	if m <= 0 || nStates < 0 {
		return c.errf("num_scan_inputs %d for %d inputs", m, len(c.n.Inputs))
	}
	inAxes := c.n.Ints("scan_input_axes")
	outAxes := c.n.Ints("scan_output_axes")
	var ins []graph.Value
	for i := 0; i < nStates; i++ {
		ins = append(ins, graph.Value{DType: c.dtype(i), Shape: graph.UnknownShape()})
	}
	seq := graph.Unk()
	for j := 0; j < m; j++ {
		s := c.shape(nStates + j)
		v := graph.Value{DType: c.dtype(nStates + j), Shape: graph.UnknownShape()}
		if s.Known {
			axis := int64(0)
			if j < len(inAxes) {
				axis = inAxes[j]
			}
			a, ok := normAxis(axis, len(s.Dims))
			if !ok {
				return c.errf("scan input axis %d out of range for %v", axis, s)
			}
			if j == 0 {
				seq = s.Dims[a]
			}
			v.Shape = graph.DimsOf(append(append([]graph.Dim{}, s.Dims[:a]...), s.Dims[a+1:]...)...)
		}
		ins = append(ins, v)
	}
	sub, err := c.subgraph("body", ins)
	if err != nil || sub == nil {
		return err
	}
	for i := 0; i < nStates; i++ {
		v := carried(c.value(i), sub.output(i))
		c.set(i, v.DType, v.Shape)
	}
	for k := nStates; k < len(c.n.Outputs); k++ {
		v := sub.output(k)
		if !v.Shape.Known {
			c.set(k, v.DType, v.Shape)
			continue
		}
		axis := int64(0)
		if k-nStates < len(outAxes) {
			axis = outAxes[k-nStates]
		}
		a, ok := normAxis(axis, len(v.Shape.Dims)+1)
		if !ok {
			return c.errf("scan output axis %d out of range for %v", axis, v.Shape)
		}
		d := append([]graph.Dim{}, v.Shape.Dims[:a]...)
		d = append(d, seq)
		d = append(d, v.Shape.Dims[a:]...)
		c.set(k, v.DType, graph.DimsOf(d...))
	}
	return nil
}

// passThrough follows v back through the body's Identity nodes.
func passThrough(body *graph.Graph, v string) string {
	prod := body.Producers()
	for i := 0; i < len(body.Nodes); i++ {
		p := prod[v]
		if p == nil || p.Op != "Identity" || len(p.Inputs) != 1 {
			break
		}
		v = p.Inputs[0]
	}
	return v
}
