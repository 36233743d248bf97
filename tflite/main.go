package tflite

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
	"github.com/tf2onnx-go/tf2onnx/tflite/fb"
)

// splitShape splits `name[1,2,3]` into the name and its shape (nil when
// none is given).
func splitShape(spec string) (string, *graph.Shape, error) {
	spec = strings.TrimSpace(spec)
	i := strings.LastIndexByte(spec, '[')
	if i <= 0 || !strings.HasSuffix(spec, "]") {
		return spec, nil, nil
	}
	ps, err := frozen.ParseSpecs("x" + spec[i:])
	if err != nil || len(ps) != 1 {
		return "", nil, &frozen.SpecError{Spec: spec, Why: "the shape is not a list of dims like [1,224,224,3]"}
	}
	return spec[:i], ps[0].Shape, nil
}

// main builds the main subgraph (the first; TFLite runs it) into the
// GraphDef.
func (b *builder) main() (*Model, error) {
	s, err := b.newSub(0)
	if err != nil {
		return nil, err
	}
	byName := map[string]int32{}
	for i := 0; i < s.sg.TensorsLength(); i++ {
		byName[s.tname(int32(i))] = int32(i)
	}
	lookup := func(flag, name string) (int32, error) {
		if i, ok := byName[name]; ok {
			return i, nil
		}
		return 0, &frozen.UnknownNameError{Flag: flag, Name: name, Near: nearNames(name, byName)}
	}
	m := &Model{GraphDef: b.gd, Ops: s.sg.OperatorsLength()}

	type in struct {
		idx   int32
		shape *graph.Shape
	}
	var ins []in
	if len(b.opts.Inputs) == 0 {
		for j := 0; j < s.sg.InputsLength(); j++ {
			ins = append(ins, in{idx: s.sg.Inputs(j)})
		}
	}
	for _, spec := range b.opts.Inputs {
		name, shape, err := splitShape(spec)
		if err != nil {
			return nil, err
		}
		i, err := lookup("--inputs", name)
		if err != nil {
			return nil, err
		}
		ins = append(ins, in{i, shape})
	}
	pinned := map[int32]bool{}
	placeholder := func(i int32) (string, error) {
		if r, ok := s.refs[i]; ok {
			return r, nil
		}
		t, err := s.tensor(i)
		if err != nil {
			return "", err
		}
		dt, err := s.dtype(i)
		if err != nil {
			return "", err
		}
		dims, known := shapeOf(t)
		name := s.nodeName(string(t.Name()))
		s.node(name, "Placeholder", nil, map[string]*tfpb.AttrValue{"dtype": aT(dt), "shape": aShape(dims, known)})
		s.refs[i] = name + ":0"
		pinned[i] = true
		return s.refs[i], nil
	}
	for _, x := range ins {
		r, err := placeholder(x.idx)
		if err != nil {
			return nil, err
		}
		node, _, _ := frozen.SplitTensorName(r)
		name, err := s.ioName(x.idx)
		if err != nil {
			return nil, err
		}
		m.Inputs = append(m.Inputs, frozen.Spec{Node: node, Shape: x.shape})
		m.InputNames = append(m.InputNames, name)
	}
	// With --inputs inside the graph, the model's own inputs still feed
	// the operators before the cut (extraction drops them).
	for j := 0; j < s.sg.InputsLength(); j++ {
		if _, err := placeholder(s.sg.Inputs(j)); err != nil {
			return nil, err
		}
	}

	var outs []int32
	if len(b.opts.Outputs) == 0 {
		for j := 0; j < s.sg.OutputsLength(); j++ {
			outs = append(outs, s.sg.Outputs(j))
		}
	}
	for _, spec := range b.opts.Outputs {
		name, _, err := splitShape(spec)
		if err != nil {
			return nil, err
		}
		i, err := lookup("--outputs", name)
		if err != nil {
			return nil, err
		}
		outs = append(outs, i)
	}
	if len(outs) == 0 {
		return nil, badf("the main subgraph has no outputs")
	}
	// The outputs' own names go to the values that hold them at the end
	// (--rename-outputs); no other node may take them first.
	for _, o := range outs {
		if !pinned[o] {
			s.nodeName(s.tname(o))
		}
	}
	if err := s.operators(pinned); err != nil {
		return nil, err
	}

	for _, o := range outs {
		v, err := s.val(o)
		if err != nil {
			return nil, err
		}
		node, port, _ := frozen.SplitTensorName(v)
		name, err := s.ioName(o)
		if err != nil {
			return nil, err
		}
		m.Outputs = append(m.Outputs, frozen.Spec{Node: node, Port: port})
		m.OutputNames = append(m.OutputNames, name)
	}
	b.gd.Node = s.nodes
	return m, nil
}

// ioName is the name a model input or output keeps in ONNX: the tensor's,
// which must be UTF-8 (ONNX names are protobuf strings).
func (s *sub) ioName(i int32) (string, error) {
	name := s.tname(i)
	if !utf8.ValidString(name) || name == "" {
		return "", badf("tensor %d's name %q is not a UTF-8 string", i, name)
	}
	return name, nil
}

// nearNames lists up to three tensor names that contain the asked one or
// that it contains, for "did you mean".
func nearNames(name string, byName map[string]int32) []string {
	var out []string
	low := strings.ToLower(name)
	for n := range byName {
		ln := strings.ToLower(n)
		if low != "" && (strings.Contains(ln, low) || strings.Contains(low, ln)) {
			out = append(out, n)
			if len(out) == 3 {
				break
			}
		}
	}
	return out
}

// operators translates the subgraph's operators in order; tensors in
// pinned keep the value they have (inputs cut out of the middle).
func (s *sub) operators(pinned map[int32]bool) error {
	var op fb.Operator
	for k := 0; k < s.sg.OperatorsLength(); k++ {
		if !s.sg.Operators(&op, k) {
			return badf("subgraph %d: operator %d is missing", s.index, k)
		}
		var code fb.OperatorCode
		oi := int(op.OpcodeIndex())
		if oi >= s.b.m.OperatorCodesLength() || !s.b.m.OperatorCodes(&code, oi) {
			return badf("subgraph %d: operator %d has opcode index %d, out of range", s.index, k, oi)
		}
		c := int32(code.DeprecatedBuiltinCode())
		if c == 127 || code.BuiltinCode() > c {
			c = code.BuiltinCode() // codes past 127 live in the newer field
		}
		o := &opCtx{s: s, op: &op, name: builtinName(c), pinned: pinned}
		if o.name == "CUSTOM" {
			o.name = "CUSTOM_" + string(code.CustomCode())
		}
		for j := 0; j < op.InputsLength(); j++ {
			o.ins = append(o.ins, op.Inputs(j))
		}
		for j := 0; j < op.OutputsLength(); j++ {
			o.outs = append(o.outs, op.Outputs(j))
		}
		if len(o.outs) == 0 {
			return badf("subgraph %d: operator %d (%s) has no outputs", s.index, k, o.name)
		}
		o.base = stem(s.tname(o.outs[0]))
		if err := o.translate(); err != nil {
			return fmt.Errorf("operator %d (%s, output %q): %w", k, o.name, o.base, err)
		}
	}
	return nil
}

// function builds subgraph index as a FunctionDef of the library (once)
// and returns its name.
func (b *builder) function(index int) (string, error) {
	if name, ok := b.funcs[index]; ok {
		return name, nil
	}
	if index <= 0 || index >= b.m.SubgraphsLength() {
		return "", badf("subgraph index %d is out of range", index)
	}
	s, err := b.newSub(index)
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("tfl_subgraph_%d", index)
	if n := string(s.sg.Name()); n != "" {
		name = s.nodeName(n)
	}
	b.funcs[index] = name
	sig := &tfpb.OpDef{Name: name}
	for j := 0; j < s.sg.InputsLength(); j++ {
		i := s.sg.Inputs(j)
		dt, err := s.dtype(i)
		if err != nil {
			return "", err
		}
		arg := fmt.Sprintf("arg%d", j)
		s.used[arg] = true
		sig.InputArg = append(sig.InputArg, &tfpb.OpDef_ArgDef{Name: arg, Type: dt})
		s.refs[i] = arg
	}
	if err := s.operators(nil); err != nil {
		return "", fmt.Errorf("subgraph %q: %w", name, err)
	}
	ret := map[string]string{}
	for j := 0; j < s.sg.OutputsLength(); j++ {
		i := s.sg.Outputs(j)
		dt, err := s.dtype(i)
		if err != nil {
			return "", err
		}
		v, err := s.val(i)
		if err != nil {
			return "", fmt.Errorf("subgraph %q: %w", name, err)
		}
		res := fmt.Sprintf("out%d", j)
		sig.OutputArg = append(sig.OutputArg, &tfpb.OpDef_ArgDef{Name: res, Type: dt})
		ret[res] = v
	}
	if b.gd.Library == nil {
		b.gd.Library = &tfpb.FunctionDefLibrary{}
	}
	b.gd.Library.Function = append(b.gd.Library.Function, &tfpb.FunctionDef{Signature: sig, NodeDef: s.nodes, Ret: ret})
	return name, nil
}

// InternalName is the GraphDef tensor that stands for a TFLite input or
// output name (for flags such as --inputs-as-nchw); names it does not know
// come back unchanged.
func (m *Model) InternalName(name string) string {
	for i, n := range m.InputNames {
		if n == name {
			return m.Inputs[i].Tensor()
		}
	}
	for i, n := range m.OutputNames {
		if n == name {
			return m.Outputs[i].Tensor()
		}
	}
	return name
}
