package savedmodel

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// --concrete_function N converts the root object's __call__ traced for the
// N-th input signature (the Python converter's
// imported.__call__.concrete_functions[N]). No node of the graph_def calls
// it, so pickConcreteFunction adds the call: a Placeholder per argument, a
// VarHandleOp per captured variable (mapped to its checkpoint key through
// bound_inputs, as for signatures) or the captured constant's Const, and a
// StatefulPartitionedCall of the function. Names follow the Python
// converter: inputs by the arguments' user-specified names; outputs by the
// keys of a returned dict, sorted, else by the function's result tensors
// (Identity:0).

const callName = "concrete_function_call"

func (m *Model) pickConcreteFunction(index int) error {
	og := m.mg.GetObjectGraphDef()
	if len(og.GetNodes()) == 0 {
		return notSavedModel("%s: --concrete_function needs a TF2 SavedModel (with an object graph)", m.dir)
	}
	var fns []string
	for _, ref := range og.Nodes[0].Children {
		if ref.LocalName == "__call__" && ref.NodeId >= 0 && int(ref.NodeId) < len(og.Nodes) {
			fns = og.Nodes[ref.NodeId].GetFunction().GetConcreteFunctions()
		}
	}
	if len(fns) == 0 {
		return notSavedModel("%s: the root object has no __call__ function to pick a --concrete_function from; use --signature_def", m.dir)
	}
	if index < 0 || index >= len(fns) {
		return notSavedModel("%s: --concrete_function %d: valid values are 0 to %d", m.dir, index, len(fns)-1)
	}
	name := fns[index]
	var fd *tfpb.FunctionDef
	for _, f := range m.Graph.GetLibrary().GetFunction() {
		if f.GetSignature().GetName() == name {
			fd = f
		}
	}
	if fd == nil {
		return notSavedModel("%s: concrete function %q is not in the graph's library", m.dir, name)
	}
	bound := og.ConcreteFunctions[name].GetBoundInputs()
	args := fd.Signature.InputArg
	if len(bound) > len(args) {
		return notSavedModel("%s: concrete function %q captures %d values but takes %d arguments", m.dir, name, len(bound), len(args))
	}
	taken := map[string]bool{}
	for _, n := range m.Graph.Node {
		taken[n.Name] = true
	}
	fresh := func(s string) string {
		for base, i := s, 1; taken[s]; i++ {
			s = base + "_" + strconv.Itoa(i)
		}
		taken[s] = true
		return s
	}
	call := &tfpb.NodeDef{Name: fresh(callName), Op: "StatefulPartitionedCall", Attr: map[string]*tfpb.AttrValue{
		"f": {Value: &tfpb.AttrValue_Func{Func: &tfpb.NameAttrList{Name: name}}},
	}}
	var tin, tout []tfpb.DataType
	user := len(args) - len(bound)
	for i, a := range args[:user] {
		ph := userArg(fresh(argName(fd, i, a.Name)), a.Type, fd.ArgAttr[uint32(i)])
		m.Graph.Node = append(m.Graph.Node, ph)
		call.Input = append(call.Input, ph.Name)
		tin = append(tin, a.Type)
		m.Inputs = append(m.Inputs, frozen.Spec{Node: ph.Name})
		m.InputNames = append(m.InputNames, argName(fd, i, a.Name))
	}
	for i, id := range bound {
		if id < 0 || int(id) >= len(og.Nodes) {
			return notSavedModel("%s: concrete function %q captures object %d, which the object graph lacks", m.dir, name, id)
		}
		obj := og.Nodes[id]
		switch {
		case obj.GetVariable() != nil:
			v := obj.GetVariable()
			h := &tfpb.NodeDef{Name: fresh(call.Name + "/capture_" + strconv.Itoa(i)), Op: "VarHandleOp", Attr: map[string]*tfpb.AttrValue{
				"dtype": {Value: &tfpb.AttrValue_Type{Type: v.Dtype}},
				"shape": {Value: &tfpb.AttrValue_Shape{Shape: v.Shape}},
			}}
			m.Graph.Node = append(m.Graph.Node, h)
			call.Input = append(call.Input, h.Name)
		case obj.GetConstant() != nil:
			call.Input = append(call.Input, obj.GetConstant().Operation)
		case obj.GetResource() != nil:
			table, err := m.captureTable(og, id, fresh(call.Name+"/capture_"+strconv.Itoa(i)), fresh)
			if err != nil {
				return notSavedModel("%s: concrete function %q captures object %d: %v", m.dir, name, id, err)
			}
			call.Input = append(call.Input, table)
		default:
			return notSavedModel("%s: concrete function %q captures object %d, which is neither a variable, a constant nor a table", m.dir, name, id)
		}
		tin = append(tin, args[user+i].Type)
	}
	for _, o := range fd.Signature.OutputArg {
		tout = append(tout, o.Type)
	}
	call.Attr["Tin"] = typeList(tin)
	call.Attr["Tout"] = typeList(tout)
	m.Graph.Node = append(m.Graph.Node, call)
	outs := make([]frozen.Spec, len(fd.Signature.OutputArg))
	names := make([]string, len(outs))
	for i, o := range fd.Signature.OutputArg {
		outs[i] = frozen.Spec{Node: call.Name, Port: i}
		names[i] = resultName(fd.Ret[o.Name], o.Name)
	}
	if d := og.ConcreteFunctions[name].GetOutputSignature().GetDictValue(); d != nil && len(d.Fields) == len(outs) {
		names = names[:0]
		for k := range d.Fields {
			names = append(names, k)
		}
		sort.Strings(names) // TF flattens a dict sorted by key
	}
	m.Outputs, m.OutputNames = outs, names
	m.Signature = fmt.Sprintf("__call__ concrete function %d (%s)", index, name)
	return nil
}

// argName is the argument's user-specified name (the TensorSpec's), else
// its name in the function.
func argName(fd *tfpb.FunctionDef, i int, fallback string) string {
	if s := fd.ArgAttr[uint32(i)].GetAttr()["_user_specified_name"].GetS(); len(s) > 0 {
		return string(s)
	}
	return fallback
}

// userArg is the Placeholder for argument i, with its traced shape.
func userArg(name string, dt tfpb.DataType, attrs *tfpb.FunctionDef_ArgAttrs) *tfpb.NodeDef {
	ph := &tfpb.NodeDef{Name: name, Op: "Placeholder", Attr: map[string]*tfpb.AttrValue{
		"dtype": {Value: &tfpb.AttrValue_Type{Type: dt}},
	}}
	if shapes := attrs.GetAttr()["_output_shapes"].GetList().GetShape(); len(shapes) == 1 {
		ph.Attr["shape"] = &tfpb.AttrValue{Value: &tfpb.AttrValue_Shape{Shape: shapes[0]}}
	}
	return ph
}

// resultName is the graph tensor a result comes from ("Identity:output:0"
// → "Identity:0"), as the Python converter names non-dict results.
func resultName(ret, fallback string) string {
	parts := strings.Split(ret, ":")
	switch len(parts) {
	case 3:
		return parts[0] + ":" + parts[2]
	case 1:
		if parts[0] != "" {
			return parts[0] + ":0"
		}
	}
	return fallback
}

func typeList(ts []tfpb.DataType) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{Type: ts}}}
}
