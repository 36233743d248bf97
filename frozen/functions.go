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
	ops := map[string]*tfpb.NodeDef{}
	for _, nd := range fd.GetNodeDef() {
		ops[nd.Name] = nd
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
				if k, known := fixedOutputs[ops[parts[0]].GetOp()]; err == nil && p >= 0 && p <= MaxOutputPort && (!known || p < k) {
					maxPort[parts[0]] = max(maxPort[parts[0]], p)
					return prefix + parts[0] + ":" + parts[1], nil
				}
			}
		case 3:
			nd, ok := ops[parts[0]]
			idx, err := strconv.Atoi(parts[2])
			if ok && err == nil && idx >= 0 {
				op := nd.Op
				p, err := outputPort(nd, parts[1], idx)
				if err != nil {
					return "", fmt.Errorf("%q: %v: %w", ref, err, ErrBadFile)
				}
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

//go:generate ../.venv/bin/python gen_op_outputs.py op_outputs.go
//go:generate gofmt -w op_outputs.go

// outputArg is one output argument of a TensorFlow op: a single tensor, or
// a list whose length is the node's int attribute (listN) or the length
// of its list(type) attribute (listTypes).
type outputArg struct {
	name    string
	lenAttr string
	kind    argKind
}

type argKind int

const (
	single argKind = iota
	listN
	listTypes
)

// outputPort is the flat output index of element idx of output argument
// arg of node nd: the lengths of the arguments before it, from the node's
// attributes. An op with one output argument has its elements as outputs.
func outputPort(nd *tfpb.NodeDef, arg string, idx int) (int, error) {
	args, ok := opOutputArgs[nd.Op]
	if !ok {
		return idx, nil
	}
	port := 0
	for _, a := range args {
		n := 1
		switch a.kind {
		case listN:
			n = int(min(max(nd.Attr[a.lenAttr].GetI(), 0), MaxOutputPort+1))
		case listTypes:
			n = len(nd.Attr[a.lenAttr].GetList().GetType())
		}
		if a.name == arg {
			if idx >= n {
				return 0, fmt.Errorf("%s of %s has %d element(s), not %d", arg, nd.Op, n, idx+1)
			}
			return port + idx, nil
		}
		port += n
	}
	return 0, fmt.Errorf("%s has no output %q", nd.Op, arg)
}
