package frozen

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// UnknownNameError is an --inputs or --outputs name that is not a node of
// the graph; Near lists the closest node names.
type UnknownNameError struct {
	Flag, Name string
	Near       []string
}

func (e *UnknownNameError) Error() string {
	msg := fmt.Sprintf("%s: no node named %q in the graph", e.Flag, e.Name)
	if len(e.Near) > 0 {
		msg += "; did you mean " + strings.Join(quoteAll(e.Near), ", ") + "?"
	}
	return msg
}

// MissingInputError is a Placeholder that the outputs need but that is not
// among --inputs.
type MissingInputError struct {
	Placeholder string
	// Resource: the placeholder stands for a resource (a table or variable
	// a TF2 function captured, left so by convert_variables_to_constants_v2),
	// which no model input can give.
	Resource bool
}

func (e *MissingInputError) Error() string {
	if e.Resource {
		return fmt.Sprintf("the outputs read the resource handle Placeholder %q (a lookup table or variable a TF2 function captured): "+
			"its contents are not in the GraphDef; convert the SavedModel (--saved-model) instead", e.Placeholder)
	}
	return fmt.Sprintf("--inputs: the outputs depend on Placeholder %q, which is not listed; add %s:0 to --inputs", e.Placeholder, e.Placeholder)
}

// fixedOutputs counts the outputs of the ops the TF-side rewrites take
// apart (control flow, TensorArrays): a reference past them is a damaged
// file, which the rewrites must not see. Other ops' outputs are checked
// once mapped (convert).
var fixedOutputs = map[string]int{
	"Const": 1, "Placeholder": 1, "PlaceholderWithDefault": 1, "Identity": 1,
	"Switch": 2, "RefSwitch": 2, "Merge": 2, "RefMerge": 2, "Enter": 1, "RefEnter": 1,
	"Exit": 1, "RefExit": 1, "NextIteration": 1, "RefNextIteration": 1, "LoopCond": 1,
	"TensorArrayV3": 2, "TensorArrayReadV3": 1, "TensorArrayWriteV3": 1, "TensorArrayGatherV3": 1,
	"TensorArrayScatterV3": 1, "TensorArraySizeV3": 1,
}

// fixedInputs counts the data inputs of the ops the TF-side rewrites take
// apart, which they read by position.
var fixedInputs = map[string]int{
	"Switch": 2, "RefSwitch": 2, "Merge": 2, "RefMerge": 2, "Enter": 1, "RefEnter": 1,
	"Exit": 1, "RefExit": 1, "NextIteration": 1, "RefNextIteration": 1, "LoopCond": 1, "Identity": 1,
}

// MaxOutputPort bounds the output index a reference may name (`node:k`):
// each node gets as many outputs as its highest referenced port, so an
// unbounded k in a hostile file would allocate without limit.
const MaxOutputPort = 1<<16 - 1

// Extract builds the subgraph that computes outputs from inputs: nodes the
// outputs do not need are dropped, the graph is cut at the inputs, a listed
// input's shape in the spec overrides the Placeholder's, and an unlisted
// PlaceholderWithDefault becomes its default value.
func Extract(gd *tfpb.GraphDef, inputs, outputs []Spec) (*graph.Graph, error) {
	byName := make(map[string]*tfpb.NodeDef, len(gd.Node))
	for _, n := range gd.Node {
		if _, dup := byName[n.Name]; dup {
			return nil, fmt.Errorf("node %q is defined twice: %w", n.Name, ErrBadFile)
		}
		byName[n.Name] = n
	}
	if len(outputs) == 0 {
		return nil, fmt.Errorf("--outputs: no outputs given")
	}
	for _, s := range outputs {
		if byName[s.Node] == nil {
			return nil, &UnknownNameError{Flag: "--outputs", Name: s.Node, Near: nearest(s.Node, gd)}
		}
	}
	cut := map[string]Spec{}
	for _, s := range inputs {
		if byName[s.Node] == nil {
			return nil, &UnknownNameError{Flag: "--inputs", Name: s.Node, Near: nearest(s.Node, gd)}
		}
		cut[s.Tensor()] = s
	}

	// Constants a Merge reads directly: a cond branch that is only a
	// constant, tied to its side by a control edge (see graph.GuardedConst).
	merged := map[string]bool{}
	for _, n := range gd.Node {
		if n.Op == "Merge" {
			for _, ref := range n.Input {
				if node, _, control := SplitTensorName(ref); !control && byName[node] != nil && byName[node].Op == "Const" {
					merged[node] = true
				}
			}
		}
	}

	// Walk back from the outputs along data edges, stopping at inputs.
	need := map[string]bool{}
	maxPort := map[string]int{}
	use := func(ref string) error {
		node, port, _ := SplitTensorName(ref)
		if port < 0 || port > MaxOutputPort {
			return fmt.Errorf("%q reads output %d of node %q; no TensorFlow op has that many outputs: %w", ref, port, node, ErrBadFile)
		}
		if nd := byName[node]; nd != nil {
			if k, ok := fixedOutputs[nd.Op]; ok && port >= k {
				return fmt.Errorf("%q reads output %d of node %q, but %s has %d: %w", ref, port, node, nd.Op, k, ErrBadFile)
			}
		}
		if port > maxPort[node] {
			maxPort[node] = port
		}
		return nil
	}
	var work []string
	for _, s := range outputs {
		if err := use(s.Tensor()); err != nil {
			return nil, fmt.Errorf("--outputs: %w", err)
		}
		if _, isIn := cut[s.Tensor()]; !isIn {
			work = append(work, s.Node)
		}
	}
	for len(work) > 0 {
		name := work[len(work)-1]
		work = work[:len(work)-1]
		if need[name] {
			continue
		}
		need[name] = true
		n := byName[name]
		if n == nil {
			continue
		}
		if n.Op == "Placeholder" || n.Op == "PlaceholderV2" {
			return nil, &MissingInputError{Placeholder: name, Resource: n.Attr["dtype"].GetType() == tfpb.DataType_DT_RESOURCE}
		}
		for _, ref := range n.Input {
			node, port, control := SplitTensorName(ref)
			if control && !(n.Op == "Const" && merged[name] && isCondPivot(byName, node)) {
				continue
			}
			if byName[node] == nil {
				return nil, fmt.Errorf("node %q reads %q, which is not in the graph: %w", name, ref, ErrBadFile)
			}
			if err := use(ref); err != nil {
				return nil, fmt.Errorf("node %q: %w", name, err)
			}
			if _, isIn := cut[node+":"+strconv.Itoa(port)]; isIn {
				continue
			}
			work = append(work, node)
		}
	}

	g := graph.New("tf2onnx")
	for _, s := range inputs {
		tensor := s.Tensor()
		n := byName[s.Node]
		dt, shape, err := inputType(n, s, byName)
		if err != nil {
			return nil, err
		}
		g.Inputs = append(g.Inputs, tensor)
		g.SetValue(tensor, dt, nameUnknownDims(shape, s.Node))
		g.Reserve(tensor)
	}
	budget := ExpandBudget(gd) // for compressed constants, see decodeTensor
	for _, nd := range gd.Node {
		if !need[nd.Name] {
			continue
		}
		if err := addNode(g, nd, maxPort[nd.Name], byName, merged[nd.Name], &budget); err != nil {
			return nil, err
		}
	}
	for _, s := range outputs {
		g.Outputs = append(g.Outputs, s.Tensor())
	}
	// Cycles other than the back edges of TF1 while loops (which the
	// control-flow rewrite turns into Loop) make the file unusable.
	if err := g.TopoSortExcept(func(reader, producer *graph.Node) bool {
		return reader.Op == "Merge" && producer.Op == "NextIteration"
	}); err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrBadFile)
	}
	return g, nil
}

func inputType(n *tfpb.NodeDef, s Spec, byName map[string]*tfpb.NodeDef) (graph.DType, graph.Shape, error) {
	dt, shape, pipeline := pipelineType(n, s.Port, byName)
	for _, key := range []string{"dtype", "T"} {
		if pipeline {
			break
		}
		if a, ok := n.Attr[key]; ok {
			if t, ok := a.Value.(*tfpb.AttrValue_Type); ok {
				dt, _ = DType(t.Type)
				break
			}
		}
	}
	if a, ok := n.Attr["shape"]; ok && !pipeline {
		if sp, ok := a.Value.(*tfpb.AttrValue_Shape); ok {
			shape = ShapeFromProto(sp.Shape)
		}
	}
	if s.Shape != nil {
		if shape.Known && len(shape.Dims) != len(s.Shape.Dims) {
			return 0, shape, &SpecError{Spec: s.String(), Why: fmt.Sprintf("rank %d given, but %s has shape %v", len(s.Shape.Dims), n.Name, shape)}
		}
		for i, d := range s.Shape.Dims {
			if shape.Known && shape.Dims[i].Known() && d.Known() && shape.Dims[i].Size != d.Size {
				return 0, shape, &SpecError{Spec: s.String(), Why: fmt.Sprintf("dim %d is %d in the graph", i, shape.Dims[i].Size)}
			}
		}
		shape = s.Shape.Clone()
	}
	if dt == graph.Undefined {
		return 0, shape, fmt.Errorf("--inputs: cannot tell the dtype of %s (op %s)", s.Tensor(), n.Op)
	}
	return dt, shape, nil
}

// nameUnknownDims gives each unknown input dim a symbolic name (dim_param),
// so that outputs can say how their dims relate to the inputs'.
func nameUnknownDims(s graph.Shape, node string) graph.Shape {
	s = s.Clone()
	base := sanitize(node)
	for i, d := range s.Dims {
		if !d.Known() && d.Name == "" {
			s.Dims[i] = graph.Sym(base + "_dim" + strconv.Itoa(i))
		}
	}
	return s
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ':' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}

// isCondPivot reports the pivot of a TF1 cond branch: an Identity of an
// output of Switch(pred, pred). (A while loop's Switch takes the loop
// variable, not the predicate, as data.)
func isCondPivot(byName map[string]*tfpb.NodeDef, name string) bool {
	p := byName[name]
	if p == nil || p.Op != "Identity" || len(p.Input) != 1 {
		return false
	}
	sw, _, _ := SplitTensorName(p.Input[0])
	s := byName[sw]
	if s == nil || s.Op != "Switch" || len(s.Input) < 2 {
		return false
	}
	d, dp, _ := SplitTensorName(s.Input[0])
	q, qp, _ := SplitTensorName(s.Input[1])
	return d == q && dp == qp
}

func addNode(g *graph.Graph, nd *tfpb.NodeDef, maxPort int, byName map[string]*tfpb.NodeDef, merged bool, budget *int64) error {
	if nd.Op == "Const" {
		for _, ref := range nd.Input {
			if node, _, control := SplitTensorName(ref); merged && control && isCondPivot(byName, node) {
				return addGuardedConst(g, nd, node, budget)
			}
		}
		a := nd.Attr["value"]
		tp, ok := a.GetValue().(*tfpb.AttrValue_Tensor)
		if !ok {
			return fmt.Errorf("node %q: Const without a value: %w", nd.Name, ErrBadFile)
		}
		t, err := decodeTensor(tp.Tensor, budget)
		if err != nil {
			return fmt.Errorf("node %q: %v: %w", nd.Name, err, ErrBadFile)
		}
		g.SetConst(nd.Name+":0", t)
		return nil
	}
	attrs, err := ConvertAttrs(nd.Attr)
	if err != nil {
		return fmt.Errorf("node %q: %v: %w", nd.Name, err, ErrBadFile)
	}
	n := &graph.Node{Name: nd.Name, Op: nd.Op, Domain: graph.DomainTF, Attrs: attrs}
	for _, ref := range nd.Input {
		node, port, control := SplitTensorName(ref)
		if control {
			continue
		}
		n.Inputs = append(n.Inputs, node+":"+strconv.Itoa(port))
	}
	if k, ok := fixedInputs[nd.Op]; ok && len(n.Inputs) != k {
		return fmt.Errorf("node %q: %s takes %d inputs, the node has %d: %w", nd.Name, nd.Op, k, len(n.Inputs), ErrBadFile)
	}
	for p := 0; p <= maxPort; p++ {
		n.Outputs = append(n.Outputs, nd.Name+":"+strconv.Itoa(p))
	}
	g.AddNode(n)
	return nil
}

func addGuardedConst(g *graph.Graph, nd *tfpb.NodeDef, pivot string, budget *int64) error {
	t, err := decodeTensor(nd.Attr["value"].GetTensor(), budget)
	if err != nil {
		return fmt.Errorf("node %q: %v: %w", nd.Name, err, ErrBadFile)
	}
	g.AddNode(&graph.Node{Name: nd.Name, Op: graph.GuardedConst, Domain: graph.DomainTF,
		Inputs: []string{pivot + ":0"}, Outputs: []string{nd.Name + ":0"},
		Attrs: map[string]any{"value": t}})
	return nil
}

// ConvertAttrs turns TF attribute values into the graph's plain Go values.
func ConvertAttrs(in map[string]*tfpb.AttrValue) (map[string]any, error) {
	out := make(map[string]any, len(in))
	for k, v := range in {
		a, err := convertAttr(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %v", k, err)
		}
		if a != nil {
			out[k] = a
		}
	}
	return out, nil
}

func convertAttr(v *tfpb.AttrValue) (any, error) {
	switch x := v.GetValue().(type) {
	case *tfpb.AttrValue_S:
		return string(x.S), nil
	case *tfpb.AttrValue_I:
		return x.I, nil
	case *tfpb.AttrValue_F:
		return x.F, nil
	case *tfpb.AttrValue_B:
		return x.B, nil
	case *tfpb.AttrValue_Type:
		dt, _ := DType(x.Type)
		return dt, nil
	case *tfpb.AttrValue_Shape:
		return ShapeFromProto(x.Shape), nil
	case *tfpb.AttrValue_Tensor:
		return DecodeTensor(x.Tensor)
	case *tfpb.AttrValue_Func:
		attrs, err := ConvertAttrs(x.Func.Attr)
		return &graph.Func{Name: x.Func.Name, Attrs: attrs}, err
	case *tfpb.AttrValue_List:
		l := x.List
		switch {
		case len(l.S) > 0:
			s := make([]string, len(l.S))
			for i, b := range l.S {
				s[i] = string(b)
			}
			return s, nil
		case len(l.I) > 0:
			return append([]int64{}, l.I...), nil
		case len(l.F) > 0:
			return append([]float32{}, l.F...), nil
		case len(l.B) > 0:
			return append([]bool{}, l.B...), nil
		case len(l.Type) > 0:
			ts := make([]graph.DType, len(l.Type))
			for i, t := range l.Type {
				ts[i], _ = DType(t)
			}
			return ts, nil
		case len(l.Shape) > 0:
			ss := make([]graph.Shape, len(l.Shape))
			for i, s := range l.Shape {
				ss[i] = ShapeFromProto(s)
			}
			return ss, nil
		case len(l.Func) > 0:
			fs := make([]*graph.Func, len(l.Func))
			for i, f := range l.Func {
				attrs, err := ConvertAttrs(f.Attr)
				if err != nil {
					return nil, err
				}
				fs[i] = &graph.Func{Name: f.Name, Attrs: attrs}
			}
			return fs, nil
		}
		return []int64{}, nil
	}
	return nil, nil
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = strconv.Quote(x)
	}
	return out
}

// nearest returns up to three node names closest to name by edit distance.
func nearest(name string, gd *tfpb.GraphDef) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	limit := len(name)/2 + 2
	for _, n := range gd.Node {
		if d := editDistance(strings.ToLower(name), strings.ToLower(n.Name)); d <= limit {
			cs = append(cs, cand{n.Name, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
