package frozen

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// Input pipeline ops whose outputs --inputs may name: the model then
// takes what the pipeline would have produced, typed by the op's own
// attributes (as the Python tf2onnx does).
var (
	iteratorOps = map[string]bool{"IteratorGetNext": true, "IteratorGetNextSync": true}
	dequeueOps  = map[string]bool{"QueueDequeueV2": true, "QueueDequeue": true}
	// dequeueManyOps prepend a batch dim: n for Many (when n is constant),
	// unknown for UpTo (fewer may come when the queue closes).
	dequeueManyOps = map[string]bool{"QueueDequeueManyV2": true, "QueueDequeueMany": true}
	dequeueUpToOps = map[string]bool{"QueueDequeueUpToV2": true, "QueueDequeueUpTo": true}
)

// pipelineType is the dtype and shape of output port of an input pipeline
// op; ok is false for other ops.
func pipelineType(n *tfpb.NodeDef, port int, byName map[string]*tfpb.NodeDef) (graph.DType, graph.Shape, bool) {
	listType := func(key string) graph.DType {
		ts := n.Attr[key].GetList().GetType()
		if port >= len(ts) {
			return graph.Undefined
		}
		dt, _ := DType(ts[port])
		return dt
	}
	listShape := func(a *tfpb.AttrValue) graph.Shape {
		ss := a.GetList().GetShape()
		if port >= len(ss) {
			return graph.UnknownShape()
		}
		return ShapeFromProto(ss[port])
	}
	switch {
	case iteratorOps[n.Op]:
		return listType("output_types"), listShape(n.Attr["output_shapes"]), true
	case dequeueOps[n.Op], dequeueManyOps[n.Op], dequeueUpToOps[n.Op]:
	default:
		return graph.Undefined, graph.Shape{}, false
	}
	dt := listType("component_types")
	shape := graph.UnknownShape()
	if len(n.Input) > 0 {
		if q := followIdentity(byName, n.Input[0]); q != nil {
			// The queue's shapes (empty when it was made without them).
			if s := listShape(q.Attr["shapes"]); s.Known {
				shape = s
			}
		}
	}
	if !shape.Known {
		return dt, shape, true
	}
	batch := graph.Dim{Size: -1}
	if dequeueManyOps[n.Op] && len(n.Input) > 1 {
		if c := followIdentity(byName, n.Input[1]); c != nil && c.Op == "Const" {
			if t, err := DecodeTensor(c.Attr["value"].GetTensor()); err == nil && t.NumElements() == 1 {
				batch = graph.Dim{Size: t.Int64s()[0]}
			}
		}
	}
	switch {
	case dequeueManyOps[n.Op], dequeueUpToOps[n.Op]:
		shape = graph.Shape{Known: true, Dims: append([]graph.Dim{batch}, shape.Dims...)}
	}
	return dt, shape, true
}

// followIdentity is the node ref names, past Identity nodes.
func followIdentity(byName map[string]*tfpb.NodeDef, ref string) *tfpb.NodeDef {
	for hops := 0; hops < 32; hops++ {
		name, _, _ := SplitTensorName(ref)
		n := byName[name]
		if n == nil || n.Op != "Identity" || len(n.Input) == 0 {
			return n
		}
		ref = n.Input[0]
	}
	return nil
}
