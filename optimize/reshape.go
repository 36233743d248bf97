package optimize

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
)

// staticReshape gives a Reshape whose target is computed at run time (the
// TF idiom tf.reshape(x, [tf.shape(x)[0], h, -1, 20])) a constant target
// when inference knows the target's elements as dims: a known size stays,
// a symbol equal to the input's dim at the same position becomes 0 ("copy",
// when allowzero is off), and at most one other symbol becomes -1. The
// Shape → Slice → Cast → Concat chain that computed the target then dies.
func staticReshape(g *graph.Graph, opset int) (bool, error) {
	computed := false
	for _, n := range g.Nodes {
		if isOp(n, "Reshape") && len(n.Inputs) == 2 && g.Consts[n.Inputs[1]] == nil {
			computed = true
			break
		}
	}
	if !computed {
		return false, nil // nothing to do; spare the inference below
	}
	// Earlier passes rewired the graph since the values were typed; fresh
	// inference lets dims proven equal downstream of a rewrite match here.
	if err := infer.Graph(g, opset); err != nil {
		return false, nil
	}
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if ix.removed[n] || !isOp(n, "Reshape") || len(n.Inputs) != 2 || ix.isConst(n.Inputs[1]) {
			continue
		}
		v := g.Values[n.Inputs[1]]
		if v == nil || v.Contents == nil {
			continue
		}
		// allowzero=1 (how TF's zero-size dims are kept) matters only when
		// the target holds a 0; without one, 0 may mean "copy" again.
		allowZero := n.Int("allowzero", 0) != 0 && hasZeroDim(v.Contents)
		target, ok := constTarget(v.Contents, g.ShapeOf(n.Inputs[0]), allowZero)
		if !ok {
			continue
		}
		if !allowZero {
			delete(n.Attrs, "allowzero")
		}
		ix.setInput(n, 1, ix.addConst(n.Name+"/shape", graph.Int64Tensor(target...)))
	}
	return ix.finish()
}

func constTarget(contents []graph.Dim, in graph.Shape, allowZero bool) ([]int64, bool) {
	out := make([]int64, len(contents))
	inferred := false
	for i, d := range contents {
		switch {
		case allowZero && !d.Known():
			// ONNX forbids -1 beside a kept 0, and a symbol cannot be 0
			// ("copy") either: the computed target stays.
			return nil, false
		case d.Known():
			if d.Size == 0 && !allowZero {
				return nil, false // would read as "copy"; leave the computed target
			}
			out[i] = d.Size
		case d.Name == "":
			if d.Size != -1 || inferred {
				return nil, false
			}
			out[i], inferred = -1, true // a literal -1 in the computed target
		case !allowZero && in.Known && i < len(in.Dims) && in.Dims[i].Name == d.Name:
			out[i] = 0
		case !inferred:
			out[i], inferred = -1, true
		default:
			return nil, false
		}
	}
	return out, true
}

func hasZeroDim(dims []graph.Dim) bool {
	for _, d := range dims {
		if d.Known() && d.Size == 0 {
			return true
		}
	}
	return false
}
