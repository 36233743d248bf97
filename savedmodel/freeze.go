package savedmodel

import (
	"fmt"
	"path/filepath"
	"sort"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// variableOps hold a variable's value: TF2 and TF1 resource variables
// (read by ReadVariableOp) and TF1 reference variables.
var variableOps = map[string]bool{"VarHandleOp": true, "VariableV2": true, "Variable": true}

// resourceOps make resources that are neither variables nor hash tables
// filled once (frozen.TableOps, whose contents AttachTables reads): they
// have no value in the checkpoint to freeze.
var resourceOps = map[string]bool{
	"MutableHashTableV2": true, "MutableDenseHashTableV2": true,
	"MutableHashTableOfTensorsV2": true, "AnonymousHashTable": true,
}

// varSource is where a variable's value is in the checkpoint: a key and,
// for a TF1 partitioned variable, the saver's shape_and_slice.
type varSource struct{ key, slice string }

// Freeze turns every variable that outputs read (stopping at inputs) into
// a Const holding the checkpoint's value, aliasing the mapped shard.
func (m *Model) Freeze(inputs, outputs []frozen.Spec) error {
	gd := m.Graph
	frozen.AttachTables(gd, m.tableSource())
	byName := make(map[string]*tfpb.NodeDef, len(gd.Node))
	for _, n := range gd.Node {
		byName[n.Name] = n
	}
	vars, err := readVariables(byName, inputs, outputs)
	if err != nil {
		return err
	}
	if len(vars) == 0 {
		return nil
	}
	if m.bundle == nil {
		prefix := filepath.Join(m.dir, "variables", "variables")
		b, err := OpenBundle(prefix)
		if err != nil {
			return fmt.Errorf("the graph reads %d variables (%s): %w", len(vars), vars[0].Name, err)
		}
		m.bundle = b
	}
	sources, err := m.variableSources(gd, byName)
	if err != nil {
		return err
	}
	for _, v := range vars {
		src, ok := sources[v.Name]
		if !ok {
			return notSavedModel("variable %q (%s) has no checkpoint key: neither the object graph nor a saver's restore ops name it", v.Name, v.Op)
		}
		if !m.bundle.Has(src.key) {
			return badBundle("variable %q: the checkpoint %s lacks its key %q", v.Name, m.bundle.prefix, src.key)
		}
		tp, err := m.bundle.Slice(src.key, src.slice)
		if err != nil {
			return fmt.Errorf("variable %q: %w", v.Name, err)
		}
		if err := checkVariable(v, tp); err != nil {
			return err
		}
		v.Op = "Const"
		v.Input = nil
		v.Attr = map[string]*tfpb.AttrValue{
			"dtype": {Value: &tfpb.AttrValue_Type{Type: tp.Dtype}},
			"value": {Value: &tfpb.AttrValue_Tensor{Tensor: tp}},
		}
		m.Variables++
	}
	readsAsIdentities(gd)
	return nil
}

// readsAsIdentities turns every ReadVariableOp, in the graph and in its
// functions, into an Identity of the value, as TensorFlow's own freezing
// (convert_variables_to_constants_v2) does: once the variables are
// constants a read is the value, and the rewrites that match loops and
// recurrent cells see the graph a frozen one would give them (a Keras LSTM's
// loop reads its kernel through Enter → ReadVariableOp otherwise).
func readsAsIdentities(gd *tfpb.GraphDef) {
	fix := func(nodes []*tfpb.NodeDef) {
		for _, n := range nodes {
			if n.Op != "ReadVariableOp" || n.Attr["dtype"] == nil {
				continue
			}
			n.Op = "Identity"
			n.Attr["T"] = n.Attr["dtype"]
			delete(n.Attr, "dtype")
		}
	}
	fix(gd.Node)
	for _, f := range gd.GetLibrary().GetFunction() {
		fix(f.NodeDef)
	}
}

// readVariables walks back along data edges from outputs, stopping at
// inputs, and returns the variable nodes it meets, in graph order.
func readVariables(byName map[string]*tfpb.NodeDef, inputs, outputs []frozen.Spec) ([]*tfpb.NodeDef, error) {
	cut := map[string]bool{}
	for _, s := range inputs {
		cut[s.Node] = true
	}
	seen := map[string]bool{}
	var work []string
	for _, s := range outputs {
		work = append(work, s.Node)
	}
	var vars []*tfpb.NodeDef
	for len(work) > 0 {
		name := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[name] || cut[name] {
			continue
		}
		seen[name] = true
		n := byName[name]
		if n == nil {
			continue // frozen.Extract names it
		}
		switch {
		case variableOps[n.Op]:
			vars = append(vars, n)
			continue
		case frozen.TableOps[n.Op]:
			continue
		case resourceOps[n.Op]:
			return nil, notSavedModel("node %q (%s): a table filled at run time (a mutable one) has no contents to convert; "+
				"tables initialized once (tf.lookup.StaticHashTable, Keras StringLookup/IntegerLookup) convert", n.Name, n.Op)
		}
		for _, ref := range n.Input {
			node, _, control := frozen.SplitTensorName(ref)
			if !control {
				work = append(work, node)
			}
		}
	}
	sort.Slice(vars, func(i, j int) bool { return vars[i].Name < vars[j].Name })
	return vars, nil
}

// checkVariable compares the checkpoint's value with the variable's
// declared dtype and shape.
func checkVariable(v *tfpb.NodeDef, tp *tfpb.TensorProto) error {
	if a, ok := v.Attr["dtype"]; ok {
		want := a.GetType()
		if want > 100 {
			want -= 100
		}
		if want != tp.Dtype {
			return badBundle("variable %q is %v, the checkpoint holds %v", v.Name, want, tp.Dtype)
		}
	}
	if a, ok := v.Attr["shape"]; ok && a.GetShape() != nil && !a.GetShape().UnknownRank {
		want := frozen.ShapeFromProto(a.GetShape())
		got := frozen.ShapeFromProto(tp.TensorShape)
		if !compatible(want, got) {
			return badBundle("variable %q has shape %v, the checkpoint holds %v", v.Name, want, got)
		}
	}
	return nil
}

func compatible(want, got graph.Shape) bool {
	if len(want.Dims) != len(got.Dims) {
		return false
	}
	for i, d := range want.Dims {
		if d.Known() && got.Dims[i].Known() && d.Size != got.Dims[i].Size {
			return false
		}
	}
	return true
}

// variableSources maps variable node names to checkpoint keys: through the
// TF2 object graph for resources captured by function calls, and through a
// TF1 saver's restore ops otherwise.
func (m *Model) variableSources(gd *tfpb.GraphDef, byName map[string]*tfpb.NodeDef) (map[string]varSource, error) {
	out := map[string]varSource{}
	if err := saverSources(m.mg.GetSaverDef(), byName, out); err != nil {
		return nil, err
	}
	og := m.mg.GetObjectGraphDef()
	if len(og.GetNodes()) == 0 {
		return out, nil
	}
	keys, err := m.objectKeys(og)
	if err != nil {
		return nil, err
	}
	for _, n := range gd.Node {
		if n.Op != "StatefulPartitionedCall" && n.Op != "PartitionedCall" {
			continue
		}
		cf := og.ConcreteFunctions[n.Attr["f"].GetFunc().GetName()]
		bound := cf.GetBoundInputs()
		if len(bound) == 0 {
			continue
		}
		var data []string
		for _, ref := range n.Input {
			if node, _, control := frozen.SplitTensorName(ref); !control {
				data = append(data, node)
			}
		}
		if len(data) < len(bound) {
			continue
		}
		// The captured resources are the call's trailing arguments, in
		// the order of bound_inputs.
		for i, arg := range data[len(data)-len(bound):] {
			v := byName[arg]
			if v == nil || !variableOps[v.Op] {
				continue
			}
			if key, ok := keys[bound[i]]; ok {
				if _, done := out[arg]; !done {
					out[arg] = varSource{key: key}
				}
			}
		}
	}
	return out, nil
}

// objectKeys maps each variable of the SavedModel's object graph to its
// checkpoint key. The checkpoint stores its own object graph; like
// TensorFlow's loader, this matches the two graphs from their roots by the
// children's local names, then reads the matched node's VARIABLE_VALUE
// attribute.
func (m *Model) objectKeys(og *tfpb.SavedObjectGraph) (map[int32]string, error) {
	const graphKey = "_CHECKPOINTABLE_OBJECT_GRAPH"
	if !m.bundle.Has(graphKey) {
		return nil, nil // a TF1 bundle: the saver names the keys
	}
	tp, err := m.bundle.Tensor(graphKey)
	if err != nil {
		return nil, err
	}
	if len(tp.StringVal) != 1 {
		return nil, badBundle("the checkpoint's %s is not one string", graphKey)
	}
	ck := &tfpb.TrackableObjectGraph{}
	if err := proto.Unmarshal(tp.StringVal[0], ck); err != nil {
		return nil, badBundle("the checkpoint's %s does not parse", graphKey)
	}
	keys := map[int32]string{}
	match := map[int32]int32{0: 0}
	work := []int32{0}
	for len(work) > 0 {
		s := work[0]
		work = work[1:]
		c := match[s]
		if s < 0 || c < 0 || int(s) >= len(og.Nodes) || int(c) >= len(ck.Nodes) {
			continue
		}
		if og.Nodes[s].GetVariable() != nil {
			for _, a := range ck.Nodes[c].Attributes {
				if a.Name == "VARIABLE_VALUE" {
					keys[s] = a.CheckpointKey
				}
			}
		}
		ckChildren := map[string]int32{}
		for _, ref := range ck.Nodes[c].Children {
			ckChildren[ref.LocalName] = ref.NodeId
		}
		for _, ref := range og.Nodes[s].Children {
			cc, ok := ckChildren[ref.LocalName]
			if _, seen := match[ref.NodeId]; ok && !seen {
				match[ref.NodeId] = cc
				work = append(work, ref.NodeId)
			}
		}
	}
	return keys, nil
}

// saverSources reads a TF1 saver's restore ops: each Assign or
// AssignVariableOp under restore_op_name writes a variable from output i of
// a RestoreV2 whose tensor_names[i] is the checkpoint key (a var_list may
// rename variables, so the node name is not the key) and whose
// shape_and_slices[i] selects a partition.
func saverSources(sd *tfpb.SaverDef, byName map[string]*tfpb.NodeDef, out map[string]varSource) error {
	root, _, _ := frozen.SplitTensorName(sd.GetRestoreOpName())
	if root == "" || byName[root] == nil {
		return nil
	}
	seen := map[string]bool{}
	work := []string{root}
	for len(work) > 0 {
		name := work[len(work)-1]
		work = work[:len(work)-1]
		n := byName[name]
		if n == nil || seen[name] {
			continue
		}
		seen[name] = true
		if (n.Op == "Assign" || n.Op == "AssignVariableOp") && len(n.Input) >= 2 {
			v, _, _ := frozen.SplitTensorName(n.Input[0])
			if src, ok := restoredFrom(byName, n.Input[1]); ok {
				out[v] = src
			}
			continue
		}
		for _, ref := range n.Input {
			node, _, _ := frozen.SplitTensorName(ref)
			work = append(work, node)
		}
	}
	return nil
}

// restoredFrom follows Identity nodes from ref to a RestoreV2 output.
func restoredFrom(byName map[string]*tfpb.NodeDef, ref string) (varSource, bool) {
	for hops := 0; hops < 16; hops++ {
		node, port, _ := frozen.SplitTensorName(ref)
		n := byName[node]
		if n == nil {
			return varSource{}, false
		}
		switch n.Op {
		case "Identity":
			if len(n.Input) == 0 {
				return varSource{}, false
			}
			ref = n.Input[0]
			continue
		case "RestoreV2":
			if len(n.Input) < 3 {
				return varSource{}, false
			}
			names := constStrings(byName, n.Input[1])
			slices := constStrings(byName, n.Input[2])
			if port >= len(names) {
				return varSource{}, false
			}
			src := varSource{key: names[port]}
			if port < len(slices) {
				src.slice = slices[port]
			}
			return src, true
		}
		return varSource{}, false
	}
	return varSource{}, false
}

func constStrings(byName map[string]*tfpb.NodeDef, ref string) []string {
	node, _, _ := frozen.SplitTensorName(ref)
	n := byName[node]
	for hops := 0; n != nil && n.Op == "Identity" && len(n.Input) > 0 && hops < 16; hops++ {
		node, _, _ = frozen.SplitTensorName(n.Input[0])
		n = byName[node]
	}
	if n == nil || n.Op != "Const" {
		return nil
	}
	t := n.Attr["value"].GetTensor()
	var out []string
	for _, s := range t.GetStringVal() {
		out = append(out, string(s))
	}
	// A single value fills the declared shape.
	if want := int(shapeElems(t.GetTensorShape())); len(out) == 1 && want > 1 {
		for len(out) < want {
			out = append(out, out[0])
		}
	}
	return out
}

func shapeElems(s *tfpb.TensorShapeProto) int64 {
	n := int64(1)
	for _, d := range s.GetDim() {
		n *= d.Size
	}
	return n
}
