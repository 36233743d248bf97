package savedmodel

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// A hostile object graph with negative object ids (the proto's int32s)
// gets an error, not an index panic.
func TestCaptureTableNegativeIDs(t *testing.T) {
	create := &tfpb.FunctionDef{Signature: &tfpb.OpDef{Name: "create"},
		NodeDef: []*tfpb.NodeDef{{Name: "t", Op: "HashTableV2"}}}
	init := &tfpb.FunctionDef{Signature: &tfpb.OpDef{Name: "init"}}
	fn := func(name string) *tfpb.SavedObject {
		return &tfpb.SavedObject{Kind: &tfpb.SavedObject_Function{Function: &tfpb.SavedFunction{ConcreteFunctions: []string{name}}}}
	}
	og := &tfpb.SavedObjectGraph{
		Nodes: []*tfpb.SavedObject{
			{Kind: &tfpb.SavedObject_Resource{Resource: &tfpb.SavedResource{}},
				Children: []*tfpb.TrackableObjectGraph_TrackableObject_ObjectReference{
					{NodeId: 1, LocalName: "_create_resource"}, {NodeId: 2, LocalName: "_initialize"}, {NodeId: -3, LocalName: "x"}}},
			fn("create"), fn("init"),
		},
		ConcreteFunctions: map[string]*tfpb.SavedConcreteFunction{"init": {BoundInputs: []int32{-1}}},
	}
	m := &Model{Graph: &tfpb.GraphDef{Library: &tfpb.FunctionDefLibrary{Function: []*tfpb.FunctionDef{create, init}}},
		mg: &tfpb.MetaGraphDef{}}
	n := 0
	fresh := func(s string) string { n++; return s + string(rune('a'+n)) }
	if _, err := m.captureTable(og, 0, "table", fresh); err == nil {
		t.Fatal("no error for a negative bound input")
	}
}
