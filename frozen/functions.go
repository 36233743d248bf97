package frozen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// functionalOps are the TF2 control-flow and call ops whose function
// attributes AttachFunctions turns into subgraphs.
var functionalOps = map[string][]string{
	"While":          {"cond", "body"},
	"StatelessWhile": {"cond", "body"},
	"If":             {"then_branch", "else_branch"},
	"StatelessIf":    {"then_branch", "else_branch"},
	// A list of functions: the subgraphs go to "branches/0", "branches/1", …
	"Case":          {"branches"},
	"StatelessCase": {"branches"},
	// Calls, which tfrewrite inlines.
	"PartitionedCall":         {"f"},
	"StatefulPartitionedCall": {"f"},
}

// AttachFunctions replaces the function attributes of g's functional
// control-flow nodes (While cond and body, If branches) by subgraphs built
// from the GraphDef's function library: a *graph.Graph whose inputs are the
// function's arguments, whose outputs are its results and whose nodes hold
// TF ops (nested functional nodes get theirs too). Names inside a subgraph
// start with the calling node's name, so they are unique in the model.
func AttachFunctions(g *graph.Graph, lib *tfpb.FunctionDefLibrary) error {
	// No early return on an empty library: a call to a missing function
	// is reported here, by name.
	fns := make(map[string]*tfpb.FunctionDef, len(lib.GetFunction()))
	for _, f := range lib.GetFunction() {
		fns[f.GetSignature().GetName()] = f
	}
	budget := maxFunctionNodes
	return attach(g, fns, nil, &budget)
}

// maxFunctionNodes bounds the nodes of all function bodies a graph
// instantiates: each call site gets its own copy, so functions that call
// others twice at each of a few levels would otherwise multiply without end.
const maxFunctionNodes = 1 << 20

// attach gives g's functional nodes their subgraphs. stack holds the
// functions being instantiated around g: one that calls itself, directly or
// not, is an error (TensorFlow cannot run it either).
func attach(g *graph.Graph, fns map[string]*tfpb.FunctionDef, stack []string, budget *int) error {
	if len(stack) > 32 {
		return fmt.Errorf("functions nest more than 32 deep (%s ...): %w", strings.Join(stack[:4], " → "), ErrBadFile)
	}
	for _, n := range g.Nodes {
		if n.Domain != graph.DomainTF {
			continue
		}
		for _, key := range functionalOps[n.Op] {
			if list, ok := n.Attrs[key].([]*graph.Func); ok {
				for i, f := range list {
					k := key + "/" + strconv.Itoa(i)
					sg, err := attachOne(n, k, f, fns, stack, budget)
					if err != nil {
						return err
					}
					n.Attrs[k] = sg
				}
				delete(n.Attrs, key)
				continue
			}
			f := n.FuncAttr(key)
			if f == nil {
				continue
			}
			sg, err := attachOne(n, key, f, fns, stack, budget)
			if err != nil {
				return err
			}
			n.Attrs[key] = sg
		}
	}
	return nil
}

// attachOne builds the subgraph of function f for attribute key of node n,
// with the functions it calls attached in turn.
func attachOne(n *graph.Node, key string, f *graph.Func, fns map[string]*tfpb.FunctionDef, stack []string, budget *int) (*graph.Graph, error) {
	fd := fns[f.Name]
	if fd == nil {
		return nil, fmt.Errorf("node %q: function %q is not in the GraphDef's library: %w", n.Name, f.Name, ErrBadFile)
	}
	for _, s := range stack {
		if s == f.Name {
			return nil, fmt.Errorf("node %q: function %q calls itself (%s → %s): %w", n.Name, f.Name, strings.Join(stack, " → "), f.Name, ErrBadFile)
		}
	}
	if *budget -= len(fd.NodeDef); *budget < 0 {
		return nil, fmt.Errorf("node %q: the graph's function calls instantiate more than %d nodes: %w", n.Name, maxFunctionNodes, ErrBadFile)
	}
	sg, err := functionGraph(fd, n.Name+"/"+key+"/")
	if err != nil {
		return nil, fmt.Errorf("node %q: function %q: %w", n.Name, f.Name, err)
	}
	if err := attach(sg, fns, append(stack[:len(stack):len(stack)], f.Name), budget); err != nil {
		return nil, err
	}
	return sg, nil
}

// functionGraph builds the subgraph of one FunctionDef; every name gets
// the prefix.
func functionGraph(fd *tfpb.FunctionDef, prefix string) (*graph.Graph, error) {
	sig := fd.GetSignature()
	sg := graph.New(sig.GetName())
	args := map[string]string{}
	for _, a := range sig.GetInputArg() {
		name := prefix + a.Name
		args[a.Name] = name
		sg.Inputs = append(sg.Inputs, name)
		if dt, ok := DType(a.Type); ok {
			sg.SetValue(name, dt, graph.UnknownShape())
		}
		sg.Reserve(name)
	}
	ops := map[string]string{}
	for _, nd := range fd.GetNodeDef() {
		ops[nd.Name] = nd.Op
	}
	// Output ports each node needs, from the references to it.
	maxPort := map[string]int{}
	resolve := func(ref string) (string, error) {
		parts := strings.Split(ref, ":")
		switch len(parts) {
		case 1:
			if a, ok := args[ref]; ok {
				return a, nil
			}
			if _, ok := ops[ref]; ok {
				return prefix + ref + ":0", nil
			}
		case 2:
			if _, ok := ops[parts[0]]; ok {
				p, err := strconv.Atoi(parts[1])
				if k, known := fixedOutputs[ops[parts[0]]]; err == nil && p >= 0 && p <= MaxOutputPort && (!known || p < k) {
					maxPort[parts[0]] = max(maxPort[parts[0]], p)
					return prefix + parts[0] + ":" + parts[1], nil
				}
			}
		case 3:
			op, ok := ops[parts[0]]
			idx, err := strconv.Atoi(parts[2])
			if ok && err == nil {
				p := outputPort(op, parts[1], idx)
				if p < 0 || p > MaxOutputPort {
					return "", fmt.Errorf("%q names output %d; no TensorFlow op has that many outputs: %w", ref, p, ErrBadFile)
				}
				if k, ok := fixedOutputs[op]; ok && p >= k {
					return "", fmt.Errorf("%q names output %d, but %s has %d: %w", ref, p, op, k, ErrBadFile)
				}
				maxPort[parts[0]] = max(maxPort[parts[0]], p)
				return prefix + parts[0] + ":" + strconv.Itoa(p), nil
			}
		}
		return "", fmt.Errorf("cannot resolve the reference %q: %w", ref, ErrBadFile)
	}
	type pending struct {
		nd     *tfpb.NodeDef
		inputs []string
	}
	var nodes []pending
	for _, nd := range fd.GetNodeDef() {
		var ins []string
		for _, ref := range nd.Input {
			if strings.HasPrefix(ref, "^") {
				continue
			}
			v, err := resolve(ref)
			if err != nil {
				return nil, fmt.Errorf("node %q: %w", nd.Name, err)
			}
			ins = append(ins, v)
		}
		nodes = append(nodes, pending{nd, ins})
	}
	for _, oa := range sig.GetOutputArg() {
		ref, ok := fd.GetRet()[oa.Name]
		if !ok {
			return nil, fmt.Errorf("result %q has no value: %w", oa.Name, ErrBadFile)
		}
		v, err := resolve(ref)
		if err != nil {
			return nil, err
		}
		sg.Outputs = append(sg.Outputs, v)
	}
	for _, p := range nodes {
		nd := p.nd
		if nd.Op == "Const" {
			tp, ok := nd.Attr["value"].GetValue().(*tfpb.AttrValue_Tensor)
			if !ok {
				return nil, fmt.Errorf("node %q: Const without a value: %w", nd.Name, ErrBadFile)
			}
			t, err := DecodeTensor(tp.Tensor)
			if err != nil {
				return nil, fmt.Errorf("node %q: %v: %w", nd.Name, err, ErrBadFile)
			}
			sg.SetConst(prefix+nd.Name+":0", t)
			continue
		}
		attrs, err := ConvertAttrs(nd.Attr)
		if err != nil {
			return nil, fmt.Errorf("node %q: %v: %w", nd.Name, err, ErrBadFile)
		}
		n := &graph.Node{Name: prefix + nd.Name, Op: nd.Op, Domain: graph.DomainTF, Inputs: p.inputs, Attrs: attrs}
		for i := 0; i <= maxPort[nd.Name]; i++ {
			n.Outputs = append(n.Outputs, prefix+nd.Name+":"+strconv.Itoa(i))
		}
		sg.AddNode(n)
	}
	sg.RemoveUnused() // NoOps and nodes only control edges needed
	return sg, nil
}

// outputArgs lists the output arguments of ops that have more than one
// (each a single tensor); other ops have one argument, possibly a list,
// whose elements are the node's outputs in order.
var outputArgs = map[string][]string{
	"Switch":                          {"output_false", "output_true"},
	"Merge":                           {"output", "value_index"},
	"Unique":                          {"y", "idx"},
	"UniqueV2":                        {"y", "idx"},
	"UniqueWithCounts":                {"y", "idx", "count"},
	"TopK":                            {"values", "indices"},
	"TopKV2":                          {"values", "indices"},
	"FusedBatchNorm":                  {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"},
	"FusedBatchNormV2":                {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"},
	"FusedBatchNormV3":                {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2", "reserve_space_3"},
	"TensorArrayV3":                   {"handle", "flow"},
	"TensorListPopBack":               {"output_handle", "tensor"},
	"NonMaxSuppressionV4":             {"selected_indices", "valid_outputs"},
	"NonMaxSuppressionV5":             {"selected_indices", "selected_scores", "valid_outputs"},
	"BroadcastGradientArgs":           {"r0", "r1"},
	"Qr":                              {"q", "r"},
	"Svd":                             {"s", "u", "v"},
	"SelfAdjointEigV2":                {"e", "v"},
	"ListDiff":                        {"out", "idx"},
	"SparseToDense":                   {"dense"},
	"MaxPoolWithArgmax":               {"output", "argmax"},
	"QuantizeV2":                      {"output", "output_min", "output_max"},
	"CTCGreedyDecoder":                {"decoded_indices", "decoded_values", "decoded_shape", "log_probability"},
	"FakeQuantWithMinMaxVarsGradient": {"backprops_wrt_input", "backprop_wrt_min", "backprop_wrt_max"},
	// RNN kernels and lists (issue 7): a body reading GRUBlockCell:h:0 wants output 3, not 0.
	"LSTMBlockCell":       {"i", "cs", "f", "o", "ci", "co", "h"},
	"BlockLSTM":           {"i", "cs", "f", "o", "ci", "co", "h"},
	"BlockLSTMV2":         {"i", "cs", "f", "o", "ci", "co", "h"},
	"GRUBlockCell":        {"r", "u", "c", "h"},
	"TensorListConcat":    {"tensor", "lengths"},
	"TensorListConcatV2":  {"tensor", "lengths"},
	"TensorArrayConcatV3": {"value", "lengths"},
	"LookupTableExportV2": {"keys", "values"},
}

// outputPort is the flat output index of element idx of output argument
// arg of an op.
func outputPort(op, arg string, idx int) int {
	for i, a := range outputArgs[op] {
		if a == arg {
			return i + idx
		}
	}
	return idx
}
