package opmap

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// controlRules: TF2 functional control flow (If, While) and the Loop/If
// nodes the TF1 control-flow rewrite leaves behind. The rewrites in package
// tfrewrite turn TF1 loops and conds and TF2 While/If into two placeholder
// ops shaped like ONNX Loop and If whose subgraphs still hold TF ops; their
// handlers map the subgraphs here, once the outer values they read are
// mapped and typed.
//
// A function, not a variable like the other families' lists: its handlers
// map subgraphs with Apply, which reads the table, and a variable here
// would make that an initialization cycle.
func controlRules() []Rule {
	return []Rule{
		{"_OnnxLoop", MinOpset, mapLoop},
		{"_OnnxIf", MinOpset, mapIf},
	}
}

// MapSubgraph maps the TF nodes of sg, a subgraph (Loop body, If branch)
// of a node of outer, to ONNX nodes of the opset. sg's inputs must be typed
// (sg.Values); values sg reads from outer must be mapped and typed already.
// Constants of outer that sg reads are copied into sg, so that handlers see
// them as constants.
func MapSubgraph(sg, outer *graph.Graph, opset int) error {
	return mapSubgraph(sg, outer, opset, nil, outer.Nodes, nil, nil, nil)
}

// mapSubgraph is MapSubgraph from inside a handler: aliases are the
// enclosing mapping's, outerNodes its nodes mapped so far.
func (c *Ctx) mapSubgraph(sg *graph.Graph) error {
	return mapSubgraph(sg, c.G, c.Opset, c.aliases, c.out, c.report, c.domains, c.tables)
}

func mapSubgraph(sg, outer *graph.Graph, opset int, aliases map[string]string, outerNodes []*graph.Node, report func(error), domains map[string]int, tables map[*graph.Tensor]*table) error {
	if sg.Values == nil {
		sg.Values = map[string]*graph.Value{}
	}
	if sg.Consts == nil {
		sg.Consts = map[string]*graph.Tensor{}
	}
	// Names of the subgraph must not shadow names of the enclosing scope.
	for k := range outer.Values {
		sg.Reserve(k)
	}
	for k := range outer.Consts {
		sg.Reserve(k)
	}
	sg.Reserve(outer.Inputs...)
	for _, n := range outerNodes {
		sg.Reserve(n.Name)
		sg.Reserve(n.Outputs...)
	}
	for _, n := range sg.Nodes {
		sg.Reserve(n.Name)
		sg.Reserve(n.Outputs...)
	}
	sg.Reserve(sg.Inputs...)
	for k := range sg.Consts {
		sg.Reserve(k)
	}
	resolve := func(v string) string {
		for i := 0; i < 1000; i++ {
			a, ok := aliases[v]
			if !ok {
				break
			}
			v = a
		}
		return v
	}
	for _, fv := range sg.FreeValues() {
		if r := resolve(fv); r != fv {
			sg.ReplaceUses(fv, r)
		}
	}
	for _, fv := range sg.FreeValues() {
		if t, ok := outer.Consts[fv]; ok {
			nv := sg.UniqueName(fv)
			sg.SetConst(nv, t)
			sg.ReplaceUses(fv, nv)
			continue
		}
		if v := outer.Values[fv]; v != nil {
			sg.Values[fv] = &graph.Value{DType: v.DType, Shape: v.Shape.Clone()}
		}
	}
	if err := sg.TopoSort(); err != nil {
		return err
	}
	sg.ShareSyms(outer) // symbols minted in the body cannot clash with the outer graph's
	if _, err := Apply(sg, Options{Opset: opset, Report: report, Domains: domains, tables: tables}); err != nil {
		return err
	}
	sg.OwnOutputs(sg)
	sg.RemoveUnused()
	for _, n := range sg.Nodes {
		outer.Reserve(n.Name)
		outer.Reserve(n.Outputs...)
	}
	for k := range sg.Consts {
		outer.Reserve(k)
	}
	return nil
}

// relaxShape keeps what two shapes of one loop variable agree on.
func relaxShape(a, b graph.Shape) graph.Shape {
	if !a.Known || !b.Known || len(a.Dims) != len(b.Dims) {
		return graph.UnknownShape()
	}
	r := a.Clone()
	for i := range r.Dims {
		if a.Dims[i] != b.Dims[i] {
			r.Dims[i] = graph.Unk()
		}
	}
	return r
}

func sameShape(a, b graph.Shape) bool {
	if a.Known != b.Known || len(a.Dims) != len(b.Dims) {
		return false
	}
	for i := range a.Dims {
		if a.Dims[i] != b.Dims[i] {
			return false
		}
	}
	return true
}

// mapLoop maps _OnnxLoop (inputs M, cond, v_initial...; attr body) to an
// ONNX Loop. The body's carried inputs take the initial values' types; a
// variable whose shape changes across iterations is relaxed to what the
// shapes share, and the body mapped again.
func mapLoop(c *Ctx) error {
	body0, ok := c.Node.Attrs["body"].(*graph.Graph)
	n := len(c.Node.Inputs) - 2
	if !ok || n < 0 || len(body0.Inputs) != n+2 {
		return c.Errorf("malformed loop: %d inputs, body with %d inputs", len(c.Node.Inputs), len(body0.Inputs))
	}
	nScan := len(body0.Outputs) - 1 - n
	if nScan < 0 || len(c.Node.Outputs) != n+nScan {
		return c.Errorf("malformed loop: %d outputs, body with %d outputs", len(c.Node.Outputs), len(body0.Outputs))
	}
	types := make([]graph.Value, n)
	for k := range types {
		in := c.In(2 + k)
		types[k] = graph.Value{DType: c.DType(in), Shape: c.Shape(in).Clone()}
		if types[k].DType == graph.Undefined {
			return c.Errorf("the type of loop variable %d (%s) is unknown", k, in)
		}
	}
	var body *graph.Graph
	for attempt := 0; ; attempt++ {
		body = body0.Clone()
		body.SetValue(body.Inputs[0], graph.Int64, graph.ShapeOf())
		body.SetValue(body.Inputs[1], graph.Bool, graph.ShapeOf())
		for k, t := range types {
			body.SetValue(body.Inputs[2+k], t.DType, t.Shape)
		}
		if err := c.mapSubgraph(body); err != nil {
			return fmt.Errorf("loop body: %w", err)
		}
		changed := false
		for k := range types {
			o := body.Outputs[1+k]
			if dt := body.DTypeOf(o); dt != graph.Undefined && dt != types[k].DType {
				return c.Errorf("loop variable %d is %v on entry and %v after an iteration", k, types[k].DType, dt)
			}
			r := relaxShape(types[k].Shape, body.ShapeOf(o))
			if !sameShape(r, types[k].Shape) {
				types[k].Shape = r
				changed = true
			}
		}
		if !changed {
			break
		}
		if attempt == 3 {
			for k := range types {
				types[k].Shape = graph.UnknownShape()
			}
		}
		if attempt > 3 {
			break
		}
	}
	if dt := body.DTypeOf(body.Outputs[0]); dt != graph.Bool && dt != graph.Undefined {
		return c.Errorf("the loop condition is %v, not bool", dt)
	}
	c.OpOuts("Loop", Attrs{"body": body}, append([]string(nil), c.Node.Outputs...), c.Node.Inputs...)
	for k := 0; k < n; k++ {
		if o := c.Node.Outputs[k]; o != "" && c.G.DTypeOf(o) == graph.Undefined {
			c.G.SetValue(o, types[k].DType, types[k].Shape)
		}
	}
	for j := 0; j < nScan; j++ {
		o := c.Node.Outputs[n+j]
		if o == "" || c.G.DTypeOf(o) != graph.Undefined {
			continue
		}
		bo := body.Outputs[1+n+j]
		s := body.ShapeOf(bo)
		if s.Known {
			s = graph.DimsOf(append([]graph.Dim{graph.Unk()}, s.Dims...)...)
		}
		c.G.SetValue(o, body.DTypeOf(bo), s)
	}
	return nil
}

// mapIf maps _OnnxIf (input cond; attrs then_branch, else_branch) to an
// ONNX If.
func mapIf(c *Ctx) error {
	t0, ok1 := c.Node.Attrs["then_branch"].(*graph.Graph)
	e0, ok2 := c.Node.Attrs["else_branch"].(*graph.Graph)
	if !ok1 || !ok2 || len(t0.Outputs) != len(e0.Outputs) || len(t0.Outputs) != len(c.Node.Outputs) {
		return c.Errorf("malformed cond")
	}
	if k := c.Const(c.In(0)); k != nil && k.NumElements() == 1 && len(k.Data) > 0 {
		// A constant condition (a training flag such as keras_learning_phase
		// frozen at its default): only the branch taken is mapped, and its
		// nodes join the graph. The other may hold ops the target cannot
		// run (dropout's RandomUniform at opset 22 and later).
		taken := e0
		if k.Int64s()[0] != 0 {
			taken = t0
		}
		return c.inlineBranch(taken.Clone())
	}
	then, els := t0.Clone(), e0.Clone()
	if err := c.mapSubgraph(then); err != nil {
		return fmt.Errorf("then branch: %w", err)
	}
	if err := c.mapSubgraph(els); err != nil {
		return fmt.Errorf("else branch: %w", err)
	}
	for i := range then.Outputs {
		a, b := then.DTypeOf(then.Outputs[i]), els.DTypeOf(els.Outputs[i])
		if a != b && a != graph.Undefined && b != graph.Undefined {
			return c.Errorf("output %d is %v in one branch and %v in the other", i, a, b)
		}
	}
	cond := c.In(0)
	if c.DType(cond) != graph.Bool {
		cond = c.Op("Cast", Attrs{"to": int64(graph.Bool)}, cond)
	}
	c.OpOuts("If", Attrs{"then_branch": then, "else_branch": els}, append([]string(nil), c.Node.Outputs...), cond)
	for i, o := range c.Node.Outputs {
		if o == "" || c.G.DTypeOf(o) != graph.Undefined {
			continue
		}
		dt := then.DTypeOf(then.Outputs[i])
		if dt == graph.Undefined {
			dt = els.DTypeOf(els.Outputs[i])
		}
		c.G.SetValue(o, dt, relaxShape(then.ShapeOf(then.Outputs[i]), els.ShapeOf(els.Outputs[i])))
	}
	return nil
}

// inlineBranch maps an If branch and puts its constants and nodes into the
// graph being mapped, the node's outputs standing for the branch's. Every
// name the branch defines is renamed to one no scope in reach uses: the
// graph's own and its enclosing scopes' (reserved by the mapping), and
// those defined inside any body of the graph's nodes, mapped or not — a
// TF1 loop evaluates its cond function both before the loop and in the
// body, so the same names come back in a nested body, which may not
// redefine a name of its enclosing scope.
func (c *Ctx) inlineBranch(br *graph.Graph) error {
	if err := c.mapSubgraph(br); err != nil {
		return fmt.Errorf("the branch taken: %w", err)
	}
	for _, n := range c.pending {
		c.G.ReserveNested(n)
	}
	for _, n := range c.out {
		c.G.ReserveNested(n)
	}
	c.G.RenameApart(br)
	for k, t := range br.Consts {
		c.G.SetConst(k, t)
	}
	for _, n := range br.Nodes {
		for _, o := range n.Outputs {
			if v := br.Values[o]; v != nil && o != "" {
				c.G.Values[o] = v
			}
		}
		c.out = append(c.out, n)
	}
	for i, o := range c.Node.Outputs {
		if o != "" {
			c.Alias(o, br.Outputs[i])
		}
	}
	return nil
}
