package savedmodel

import (
	"fmt"
	"path/filepath"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// tableSource says where the SavedModel's vocabulary files are: each
// asset_file_def names the tensor that stands for an asset at run time
// (a TF2 export's asset placeholder, a TF1 export's path constant) and the
// file under assets/, which TensorFlow's loader feeds to that tensor; the
// path the graph holds is the saving machine's.
func (m *Model) tableSource() frozen.TableSource {
	dir := m.dir
	if filepath.Ext(dir) == ".meta" {
		dir = filepath.Dir(dir) // a checkpoint: m.dir is its .meta file
	}
	src := frozen.TableSource{Dir: dir, Assets: map[string]string{}}
	assets := m.mg.GetAssetFileDef()
	// A TF1 SavedModelBuilder lists them in a collection instead.
	for _, v := range m.mg.GetCollectionDef()["saved_model_assets"].GetAnyList().GetValue() {
		a := &tfpb.AssetFileDef{}
		if proto.Unmarshal(v.GetValue(), a) == nil {
			assets = append(assets, a)
		}
	}
	for _, a := range assets {
		name := a.GetTensorInfo().GetName()
		if name == "" || a.GetFilename() == "" {
			continue
		}
		if s, err := frozen.ParseSpec(name); err == nil {
			name = s.Tensor()
		}
		src.Assets[name] = filepath.Join(m.dir, "assets", a.GetFilename())
	}
	return src
}

// captureTable adds, for the object graph's resource id (a table a
// concrete function captures), the table node its _create_resource
// function makes, named name, and a call of its _initialize function with
// that function's own captures (the table, constants, asset paths), which
// frozen.AttachTables then reads as it reads a signature's init op. It
// returns the table node's name.
func (m *Model) captureTable(og *tfpb.SavedObjectGraph, id int32, name string, fresh func(string) string) (string, error) {
	fn := map[string]string{}
	for _, ref := range og.Nodes[id].GetChildren() {
		if ref.NodeId >= 0 && int(ref.NodeId) < len(og.Nodes) {
			if f := og.Nodes[ref.NodeId].GetFunction(); f != nil && len(f.ConcreteFunctions) > 0 {
				fn[ref.LocalName] = f.ConcreteFunctions[0]
			}
		}
	}
	lib := map[string]*tfpb.FunctionDef{}
	for _, f := range m.Graph.GetLibrary().GetFunction() {
		lib[f.GetSignature().GetName()] = f
	}
	var table *tfpb.NodeDef
	for _, n := range lib[fn["_create_resource"]].GetNodeDef() {
		if frozen.TableOps[n.Op] {
			table = &tfpb.NodeDef{Name: name, Op: n.Op, Attr: map[string]*tfpb.AttrValue{}}
			for _, k := range []string{"key_dtype", "value_dtype"} {
				table.Attr[k] = n.Attr[k]
			}
		}
	}
	if table == nil {
		return "", fmt.Errorf("a resource whose _create_resource function makes no hash table (only tables initialized once are supported)")
	}
	m.Graph.Node = append(m.Graph.Node, table)
	init := fn["_initialize"]
	if lib[init] == nil {
		return name, nil // the lookups then say that nothing fills it
	}
	call := &tfpb.NodeDef{Name: fresh(name + "/initialize"), Op: "StatefulPartitionedCall", Attr: map[string]*tfpb.AttrValue{
		"f": {Value: &tfpb.AttrValue_Func{Func: &tfpb.NameAttrList{Name: init}}},
	}}
	for _, b := range og.ConcreteFunctions[init].GetBoundInputs() {
		if b < 0 || int(b) >= len(og.Nodes) {
			return "", fmt.Errorf("its initializer captures object %d, which the object graph lacks", b)
		}
		obj := og.Nodes[b]
		switch {
		case b == id:
			call.Input = append(call.Input, name)
		case obj.GetConstant() != nil:
			call.Input = append(call.Input, obj.GetConstant().Operation)
		case obj.GetAsset() != nil:
			files := m.mg.GetAssetFileDef()
			k := int(obj.GetAsset().AssetFileDefIndex)
			if k < 0 || k >= len(files) {
				return "", fmt.Errorf("its initializer reads asset %d, which asset_file_def lacks", k)
			}
			path := filepath.Join(m.dir, "assets", files[k].GetFilename())
			c := &tfpb.NodeDef{Name: fresh(name + "/asset"), Op: "Const", Attr: map[string]*tfpb.AttrValue{
				"dtype": {Value: &tfpb.AttrValue_Type{Type: tfpb.DataType_DT_STRING}},
				"value": {Value: &tfpb.AttrValue_Tensor{Tensor: &tfpb.TensorProto{Dtype: tfpb.DataType_DT_STRING,
					TensorShape: &tfpb.TensorShapeProto{}, StringVal: [][]byte{[]byte(path)}}}},
			}}
			m.Graph.Node = append(m.Graph.Node, c)
			call.Input = append(call.Input, c.Name)
		default:
			return "", fmt.Errorf("its initializer captures object %d, neither the table, a constant nor an asset", b)
		}
	}
	m.Graph.Node = append(m.Graph.Node, call)
	return name, nil
}
