package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/fold"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
)

// InputError is an input whose dims the pass cannot know: the message
// names the input and the dim, and the --shape that would fix it.
type InputError struct {
	Input string
	Dim   int
	Msg   string
}

func (e *InputError) Error() string { return e.Msg }

// Analyze computes the cost report of g (an ONNX graph: read from a file
// by onnxio.ReadFile, or just converted). g is not modified.
func Analyze(g *graph.Graph, opts Options) (*Report, error) {
	conv, err := opts.convention()
	if err != nil {
		return nil, err
	}
	dev, err := opts.device()
	if err != nil {
		return nil, err
	}
	if opts.FPS < 0 {
		return nil, fmt.Errorf("--fps must be positive")
	}
	opset := g.Opset
	if opset == 0 {
		opset = opts.Opset
	}
	if opset == 0 {
		opset = 17
	}
	plans, batched, err := resolveInputs(g, opts.Shapes)
	if err != nil {
		return nil, err
	}
	a := &analysis{g: g, conv: conv, opset: opset, plans: plans, depth: opts.LayerDepth}
	rep, err := a.at(1)
	if err != nil {
		return nil, err
	}
	rep.Model = opts.Model
	if batched {
		r2, err2 := a.at(2)
		r3, err3 := a.at(3)
		if err2 == nil && err3 == nil {
			rep.Batch = batchFormula(rep.Totals, r2.Totals, r3.Totals)
		} else {
			rep.Notes = append(rep.Notes, "the totals as a function of the batch size could not be computed (the model does not accept batch 2 or 3)")
		}
	}
	rep.Notes = append(rep.Notes, paramNote)
	addCompute(rep, opts.FPS, dev)
	return rep, nil
}

const paramNote = "parameters are the elements of the weight tensors the model holds, shared tensors once " +
	"(docs/cost.md): where a converter folded a BatchNormalization into the convolution before it, Keras' " +
	"count_params() counts 4·C for it (gamma, beta, moving mean and variance) and the model holds none of them, " +
	"only the C bias elements the fold adds to a convolution that had no bias; a TensorFlow LSTM's single bias " +
	"becomes ONNX's Wb beside an all-zero Rb, which is not counted"

// inputPlan says how one input's dims are set: dims, with -1 where the
// batch size N goes.
type inputPlan struct {
	name    string
	dtype   graph.DType
	model   graph.Shape
	dims    []int64
	assumed []string
}

// resolveInputs fixes every input dim: from --shape, from the model, or
// (the first dim only) assumed to be the batch size N. Any other unknown
// dim stops the pass with a message naming it.
func resolveInputs(g *graph.Graph, shapes map[string][]int64) ([]inputPlan, bool, error) {
	lookup := func(name string) ([]int64, bool) {
		for _, k := range []string{name, strings.TrimSuffix(name, ":0"), name + ":0"} {
			if d, ok := shapes[k]; ok {
				return d, true
			}
		}
		return nil, false
	}
	var unused []string
	for k := range shapes {
		found := false
		for _, in := range g.Inputs {
			if k == in || k == strings.TrimSuffix(in, ":0") || k+":0" == in {
				found = true
			}
		}
		if !found {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return nil, false, &InputError{Input: unused[0], Dim: -1, Msg: fmt.Sprintf("--shape names %s, which is not an input of the model (inputs: %s)",
			strings.Join(unused, ", "), strings.Join(g.Inputs, ", "))}
	}
	// Symbolic dims named alike are equal: a --shape of one input fixes
	// them in the others.
	symVal := map[string]int64{}
	for _, in := range g.Inputs {
		v := g.Values[in]
		d, ok := lookup(in)
		if !ok || v == nil || !v.Shape.Known || len(v.Shape.Dims) != len(d) {
			continue
		}
		for i, dim := range v.Shape.Dims {
			if dim.Name != "" && !dim.Known() {
				symVal[dim.Name] = d[i]
			}
		}
	}
	var plans []inputPlan
	batched := false
	for _, in := range g.Inputs {
		v := g.Values[in]
		p := inputPlan{name: in, model: graph.UnknownShape()}
		if v != nil {
			p.dtype, p.model = v.DType, v.Shape
		}
		if d, ok := lookup(in); ok {
			if p.model.Known && len(p.model.Dims) != len(d) {
				return nil, false, &InputError{Input: in, Dim: -1, Msg: fmt.Sprintf("--shape %s=%s has rank %d, but input %q has shape %v (rank %d)",
					in, xdims(d), len(d), in, p.model, len(p.model.Dims))}
			}
			for i, x := range d {
				if x < 0 && i == 0 {
					if p.model.Known && p.model.Dims[0].Known() {
						return nil, false, &InputError{Input: in, Dim: 0, Msg: fmt.Sprintf("--shape %s: dim 0 of input %q is %d in the model, not N", in, in, p.model.Dims[0].Size)}
					}
					batched = true
					p.assumed = append(p.assumed, "dim 0 is the batch size N (--shape): the report is for N = 1 and gives the totals as a formula in N")
					continue
				}
				if x <= 0 {
					return nil, false, &InputError{Input: in, Dim: i, Msg: fmt.Sprintf("--shape %s=%s: dim %d must be positive", in, xdims(d), i)}
				}
				if p.model.Known && p.model.Dims[i].Known() && p.model.Dims[i].Size != x {
					if i != 0 {
						return nil, false, &InputError{Input: in, Dim: i, Msg: fmt.Sprintf("--shape %s=%s: dim %d of input %q is %d in the model",
							in, xdims(d), i, in, p.model.Dims[i].Size)}
					}
					p.assumed = append(p.assumed, fmt.Sprintf("dim 0 (batch) set to %d by --shape; the model says %d", x, p.model.Dims[i].Size))
				}
			}
			p.dims = append([]int64{}, d...)
			plans = append(plans, p)
			continue
		}
		if !p.model.Known {
			return nil, false, &InputError{Input: in, Dim: -1, Msg: fmt.Sprintf("input %q has no known shape; give it with --shape %s=DxDx...", in, in)}
		}
		p.dims = make([]int64, len(p.model.Dims))
		for i, dim := range p.model.Dims {
			switch {
			case dim.Known():
				p.dims[i] = dim.Size
			case dim.Name != "" && symVal[dim.Name] > 0:
				p.dims[i] = symVal[dim.Name]
				p.assumed = append(p.assumed, fmt.Sprintf("dim %d (%s) = %d, as in another input's --shape", i, dim.Name, symVal[dim.Name]))
			case i == 0:
				p.dims[i] = -1
				batched = true
				what := "unknown"
				if dim.Name != "" {
					what = dim.Name
				}
				p.assumed = append(p.assumed, fmt.Sprintf("dim 0 (%s) is the batch size N: the report is for N = 1 and gives the totals as a formula in N", what))
			default:
				return nil, false, &InputError{Input: in, Dim: i, Msg: fmt.Sprintf(
					"input %q has shape %v: dim %d is unknown and the pass cannot assume it; fix it with --shape %s=%s",
					in, p.model, i, in, suggest(p.model))}
			}
		}
		plans = append(plans, p)
	}
	return plans, batched, nil
}

func xdims(d []int64) string {
	s := make([]string, len(d))
	for i, x := range d {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, "x")
}

func suggest(s graph.Shape) string {
	parts := make([]string, len(s.Dims))
	for i, d := range s.Dims {
		switch {
		case d.Known():
			parts[i] = fmt.Sprint(d.Size)
		case i == 0:
			parts[i] = "1"
		case d.Name != "":
			parts[i] = "<" + d.Name + ">"
		default:
			parts[i] = fmt.Sprintf("<d%d>", i)
		}
	}
	return strings.Join(parts, "x")
}

// analysis holds what is the same for every batch size.
type analysis struct {
	g     *graph.Graph
	conv  Convention
	opset int
	plans []inputPlan
	depth int
}

// nodeRun is one top-level node's numbers before they become a report row.
type nodeRun struct {
	n       *graph.Node
	c       count
	params  []paramUse      // first read here
	weights []*graph.Tensor // every parameter read (traffic)
	ins     []string        // activations read
	layer   string
}

// paramUse is a parameter tensor and how many of its elements count.
type paramUse struct {
	t     *graph.Tensor
	elems int64
}

func (p paramUse) bytes() int64 { return p.elems * int64(p.t.DType.Size()) }

// foldLimit bounds the inputs the pass evaluates itself (shape arithmetic).
const foldLimit = 1 << 20

// at computes the report with the batch size N where it is not fixed.
func (a *analysis) at(batch int64) (*Report, error) {
	cg := a.g.Clone()
	constantNodes(cg)
	rep := &Report{Schema: "tf2onnx-cost", SchemaVersion: SchemaVersion, Opset: a.opset, Convention: a.conv,
		Uncounted: []Uncounted{}, NoRule: []Uncounted{}, Notes: []string{}}
	changed := false
	for _, p := range a.plans {
		d := make([]int64, len(p.dims))
		for i, x := range p.dims {
			if x < 0 {
				x = batch
			}
			d[i] = x
		}
		if !p.model.Static() || fmt.Sprint(p.model.Sizes()) != fmt.Sprint(d) {
			changed = true
		}
		cg.SetValue(p.name, p.dtype, graph.ShapeOf(d...))
		rep.Inputs = append(rep.Inputs, Input{Name: p.name, DType: p.dtype.String(), Shape: d, ModelShape: p.model.String(), Assumed: p.assumed})
	}
	if changed {
		// The model's own value_info was for other dims: infer afresh.
		keep := map[string]bool{}
		for _, in := range cg.Inputs {
			keep[in] = true
		}
		for k := range cg.Values {
			if _, isConst := cg.Consts[k]; !keep[k] && !isConst {
				delete(cg.Values, k)
			}
		}
	}
	if err := cg.TopoSort(); err != nil {
		return nil, err
	}
	s := newScope(cg, nil)
	for _, n := range cg.Nodes {
		if err := infer.Node(cg, n, a.opset); err != nil {
			rep.Notes = append(rep.Notes, "shape inference: "+err.Error())
		}
		a.fold(s, n)
	}

	c := &counter{conv: a.conv, opset: a.opset, s: s}
	c.findBiases()
	names := newLayerNamer(cg, a.depth)
	seen := map[*graph.Tensor]bool{}
	var runs []*nodeRun
	for _, n := range cg.Nodes {
		r := &nodeRun{n: n, layer: names.layer(n)}
		if a.allDerived(s, n) {
			r.c = count{kind: KindFree, note: "computed from shapes and constants only (folded by any optimizer)"}
		} else {
			r.c = c.node(n)
		}
		a.reads(s, n, r, seen)
		runs = append(runs, r)
	}
	a.fill(rep, s, runs)
	return rep, nil
}

// fold evaluates a node whose inputs are all known constants (shape
// arithmetic once the input dims are fixed), so that later nodes see exact
// shapes and trip counts. Results are marked derived: not parameters.
func (a *analysis) fold(s *scope, n *graph.Node) {
	if !isDefault(n) || macOps[n.Op] || n.Op == "Constant" || len(n.Outputs) == 0 || len(n.Subgraphs()) > 0 {
		return
	}
	if n.Op == "Shape" && len(n.Inputs) == 1 {
		if t, _ := s.tensor(n.Inputs[0]); t == nil {
			d := s.dims(n.Inputs[0])
			if d == nil {
				return
			}
			start, end := int64(0), int64(len(d))
			if v, ok := n.Attrs["start"].(int64); ok {
				start = clampAxis(v, end)
			}
			if v, ok := n.Attrs["end"].(int64); ok {
				end = clampAxis(v, int64(len(d)))
			}
			if end < start {
				end = start
			}
			a.setDerived(s, n.Outputs[0], graph.Int64Tensor(d[start:end]...))
			return
		}
	}
	ins := make([]*graph.Tensor, len(n.Inputs))
	var size int64
	for i, v := range n.Inputs {
		if v == "" {
			continue
		}
		t, _ := s.tensor(v)
		if t == nil || (t.Data == nil && t.NumElements() > 0 && t.DType != graph.String) {
			return
		}
		size += int64(len(t.Data))
		ins[i] = t
	}
	if size > foldLimit {
		return
	}
	outs, ok, err := fold.Eval(n, ins, a.opset)
	if !ok || err != nil || len(outs) != len(n.Outputs) {
		return
	}
	for i, t := range outs {
		if n.Outputs[i] != "" && t != nil {
			a.setDerived(s, n.Outputs[i], t)
		}
	}
}

func (a *analysis) setDerived(s *scope, name string, t *graph.Tensor) {
	s.g.SetConst(name, t)
	s.derived[name] = true
}

func clampAxis(v, rank int64) int64 {
	if v < 0 {
		v += rank
	}
	return max(0, min(v, rank))
}

// allDerived reports a node whose outputs the pass folded.
func (a *analysis) allDerived(s *scope, n *graph.Node) bool {
	if n.Op == "Constant" || len(n.Outputs) == 0 {
		return false
	}
	for _, o := range n.Outputs {
		if o != "" && !s.derived[o] {
			return false
		}
	}
	return true
}

// reads records the parameters and activations a node reads, its
// subgraphs' reads included.
func (a *analysis) reads(s *scope, n *graph.Node, r *nodeRun, seen map[*graph.Tensor]bool) {
	read := map[string]bool{}
	var walk func(s *scope, n *graph.Node, top bool)
	walk = func(s *scope, n *graph.Node, top bool) {
		for i, v := range n.Inputs {
			if v == "" {
				continue
			}
			t, derived := s.tensor(v)
			switch {
			case t != nil && !derived && isParam(n, i, t):
				if !seen[t] {
					seen[t] = true
					elems := t.NumElements()
					if i == 3 && rnnGates[n.Op] > 0 && zeroRecurrentBias(s, v) {
						elems -= elems / 2 // an all-zero Rb holds no parameters
					}
					r.params = append(r.params, paramUse{t, elems})
				}
				r.weights = append(r.weights, t)
			case t == nil && (top || !s.definesLocally(v)) && !read[v]:
				read[v] = true
				r.ins = append(r.ins, v)
			}
		}
		for _, sg := range n.Subgraphs() {
			sub := newScope(sg, s)
			for _, bn := range sg.Nodes {
				walk(sub, bn, false)
			}
		}
	}
	walk(s, n, true)
	// Reads from subgraphs resolve in the top scope: keep those that are
	// top-level values.
	kept := r.ins[:0]
	for _, v := range r.ins {
		if _, isConst := s.g.Consts[v]; !isConst {
			kept = append(kept, v)
		}
	}
	r.ins = kept
	r.weights = uniqTensors(r.weights)
}

// definesLocally reports whether a name is defined inside this scope's
// graph (its inputs, constants or node outputs).
func (s *scope) definesLocally(name string) bool {
	if _, ok := s.g.Consts[name]; ok {
		return true
	}
	return s.prod[name] != nil || s.isInput(name)
}

func uniqTensors(ts []*graph.Tensor) []*graph.Tensor {
	seen := map[*graph.Tensor]bool{}
	out := ts[:0]
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func tensorBytes(t *graph.Tensor) int64 { return t.NumElements() * int64(t.DType.Size()) }

// fill turns the node runs into the report's rows and totals.
func (a *analysis) fill(rep *Report, s *scope, runs []*nodeRun) {
	conv := a.conv
	producerLayer := map[string]string{}
	for _, r := range runs {
		for _, o := range r.n.Outputs {
			if o != "" {
				producerLayer[o] = r.layer
			}
		}
	}
	readers := map[string][]string{} // value → layers reading it
	for _, r := range runs {
		for _, v := range r.ins {
			readers[v] = append(readers[v], r.layer)
		}
	}
	for _, o := range s.g.Outputs {
		readers[o] = append(readers[o], "\x00output")
	}

	stats := func(r *nodeRun) Stats {
		st := Stats{WeightBytes: ByDType{}, ActivationBytes: ByDType{}}
		for _, p := range r.params {
			st.Params += p.elems
			st.WeightBytes[p.t.DType.String()] += p.bytes()
		}
		st.MACs, st.BiasMACs = r.c.macs, r.c.bias
		st.OtherOps, st.NoRuleOps = r.c.other, r.c.noRule
		st.MACTotal = st.MACs
		st.FLOPs = 2 * st.MACs
		if conv.CountAll {
			st.MACTotal += st.OtherOps
			st.FLOPs += st.OtherOps
		}
		for _, o := range r.n.Outputs {
			if b := s.bytes(o); o != "" && b >= 0 {
				dt, _ := s.value(o)
				st.ActivationBytes[dt.String()] += b
			}
		}
		return st
	}

	// Nodes.
	var total Stats
	total.WeightBytes, total.ActivationBytes = ByDType{}, ByDType{}
	for _, r := range runs {
		st := stats(r)
		traffic := st.ActivationBytes.sum()
		for _, t := range r.weights {
			traffic += tensorBytes(t)
		}
		for _, v := range r.ins {
			if b := s.bytes(v); b > 0 {
				traffic += b
			}
		}
		st.MemoryBytes = traffic
		if traffic > 0 {
			st.Intensity = float64(st.FLOPs) / float64(traffic)
		}
		node := Node{Name: r.n.Name, Op: r.n.Op, Layer: r.layer, Kind: r.c.kind, Stats: st, Note: r.c.note}
		if r.n.Domain != "" && r.n.Domain != "ai.onnx" {
			node.Domain = r.n.Domain
		}
		for _, o := range r.n.Outputs {
			if o != "" {
				node.OutputShapes = append(node.OutputShapes, s.dims(o))
			}
		}
		switch r.c.kind {
		case KindUncounted:
			node.Note = r.c.reason
			rep.Uncounted = append(rep.Uncounted, Uncounted{Node: r.n.Name, Op: r.n.Op, Reason: r.c.reason})
		case KindNoRule:
			rep.NoRule = append(rep.NoRule, Uncounted{Node: r.n.Name, Op: r.n.Op, Reason: r.c.note, Ops: r.c.noRule})
		}
		rep.Uncounted = append(rep.Uncounted, r.c.uncounted...)
		rep.NoRule = append(rep.NoRule, r.c.noRuleOps...)
		rep.Nodes = append(rep.Nodes, node)
		total.add(st)
	}

	// Layers, in the order of their first node.
	index := map[string]int{}
	layerWeights := map[string]map[*graph.Tensor]bool{}
	layerIns := map[string]map[string]bool{}
	layerAllOps := map[string][]string{}
	for i, r := range runs {
		st := rep.Nodes[i].Stats
		k, ok := index[r.layer]
		if !ok {
			k = len(rep.Layers)
			index[r.layer] = k
			rep.Layers = append(rep.Layers, Layer{Name: r.layer, Stats: Stats{WeightBytes: ByDType{}, ActivationBytes: ByDType{}}})
			layerWeights[r.layer] = map[*graph.Tensor]bool{}
			layerIns[r.layer] = map[string]bool{}
		}
		l := &rep.Layers[k]
		l.Nodes++
		if r.c.kind != KindFree && !contains(l.Ops, r.n.Op) {
			l.Ops = append(l.Ops, r.n.Op)
		}
		if !contains(layerAllOps[r.layer], r.n.Op) {
			layerAllOps[r.layer] = append(layerAllOps[r.layer], r.n.Op)
		}
		if len(rep.Nodes[i].OutputShapes) > 0 {
			l.OutputShape = rep.Nodes[i].OutputShapes[0]
		}
		st.MemoryBytes, st.Intensity = 0, 0
		l.add(st)
		for _, t := range r.weights {
			layerWeights[r.layer][t] = true
		}
		for _, v := range r.ins {
			if producerLayer[v] != r.layer {
				layerIns[r.layer][v] = true
			}
		}
	}
	var memory int64
	for i := range rep.Layers {
		l := &rep.Layers[i]
		if len(l.Ops) == 0 {
			l.Ops = layerAllOps[l.Name]
			l.DataOnly = true
		}
		var traffic int64
		for t := range layerWeights[l.Name] {
			traffic += tensorBytes(t)
		}
		for v := range layerIns[l.Name] {
			if b := s.bytes(v); b > 0 {
				traffic += b
			}
		}
		for _, r := range runs {
			if r.layer != l.Name {
				continue
			}
			for _, o := range r.n.Outputs {
				if o == "" {
					continue
				}
				for _, rl := range readers[o] {
					if rl != l.Name {
						if b := s.bytes(o); b > 0 {
							traffic += b
						}
						break
					}
				}
			}
		}
		l.MemoryBytes = traffic
		if traffic > 0 {
			l.Intensity = float64(l.FLOPs) / float64(traffic)
		}
		memory += traffic
	}
	total.MemoryBytes = memory
	if memory > 0 {
		total.Intensity = float64(total.FLOPs) / float64(memory)
	}

	// Op types, by MAC total then name.
	byOp := map[string]*OpType{}
	for _, nd := range rep.Nodes {
		o := byOp[nd.Op]
		if o == nil {
			o = &OpType{Op: nd.Op, Stats: Stats{WeightBytes: ByDType{}, ActivationBytes: ByDType{}}}
			byOp[nd.Op] = o
		}
		o.Count++
		st := nd.Stats
		o.add(st)
	}
	for _, o := range byOp {
		if o.MemoryBytes > 0 {
			o.Intensity = float64(o.FLOPs) / float64(o.MemoryBytes)
		}
		rep.OpTypes = append(rep.OpTypes, *o)
	}
	sort.Slice(rep.OpTypes, func(i, j int) bool {
		x, y := rep.OpTypes[i], rep.OpTypes[j]
		if x.MACTotal != y.MACTotal {
			return x.MACTotal > y.MACTotal
		}
		return x.Op < y.Op
	})

	// Percentages.
	set := func(st *Stats) {
		st.ParamsPct = pct(st.Params, total.Params)
		st.MACsPct = pct(st.MACTotal, total.MACTotal)
	}
	for i := range rep.Nodes {
		set(&rep.Nodes[i].Stats)
	}
	for i := range rep.Layers {
		set(&rep.Layers[i].Stats)
	}
	for i := range rep.OpTypes {
		set(&rep.OpTypes[i].Stats)
	}
	total.ParamsPct, total.MACsPct = 100, 100
	if total.Params == 0 {
		total.ParamsPct = 0
	}
	if total.MACTotal == 0 {
		total.MACsPct = 0
	}
	rep.Totals = total
}

func (st *Stats) add(o Stats) {
	st.Params += o.Params
	st.MACs += o.MACs
	st.BiasMACs += o.BiasMACs
	st.OtherOps += o.OtherOps
	st.NoRuleOps += o.NoRuleOps
	st.MACTotal += o.MACTotal
	st.FLOPs += o.FLOPs
	st.MemoryBytes += o.MemoryBytes
	if st.WeightBytes == nil {
		st.WeightBytes = ByDType{}
	}
	if st.ActivationBytes == nil {
		st.ActivationBytes = ByDType{}
	}
	st.WeightBytes.addAll(o.WeightBytes, 1)
	st.ActivationBytes.addAll(o.ActivationBytes, 1)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// batchFormula fits the totals at N = 1, 2, 3 to PerN·N + Const.
func batchFormula(t1, t2, t3 Stats) *BatchFormula {
	lin := func(a, b, c int64) (Linear, bool) {
		l := Linear{PerN: b - a, Const: 2*a - b}
		return l, c == l.PerN*3+l.Const
	}
	f := &BatchFormula{Symbol: "N", Linear: true, Params: t1.Params}
	var ok bool
	check := func(dst *Linear, a, b, c int64) {
		*dst, ok = lin(a, b, c)
		if !ok {
			f.Linear = false
		}
	}
	check(&f.MACs, t1.MACs, t2.MACs, t3.MACs)
	check(&f.MACTotal, t1.MACTotal, t2.MACTotal, t3.MACTotal)
	check(&f.FLOPs, t1.FLOPs, t2.FLOPs, t3.FLOPs)
	check(&f.ActivationBytes, t1.ActivationBytes.sum(), t2.ActivationBytes.sum(), t3.ActivationBytes.sum())
	check(&f.MemoryBytes, t1.MemoryBytes, t2.MemoryBytes, t3.MemoryBytes)
	return f
}
