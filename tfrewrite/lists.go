package tfrewrite

import (
	"slices"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// opmap holds a TensorList of n elements as one tensor [n, element...].
// Two list forms do not fit that and are resolved here, before the loop
// rewrites:
//
//   - TensorListSplit into pieces of unequal (constant) lengths, and TF1's
//     TensorArraySplitV3 (whose flow stands for the array): the list
//     stays the tensor it was split from, and its readers become slices of
//     it (GetItem, at any index, also inside loops), the tensor itself
//     (ConcatV2, whose lengths are the constant ones) or a constant
//     (Length).
//   - TensorListReserve/EmptyTensorList whose element shape is not fully
//     known: the shape is that of the first item set into the list, when
//     that item is computed without the list (straight-line code).
//
// Other readers leave the list as it was; opmap then names it in one
// error line.

func listsPass(g *graph.Graph) (bool, error) {
	changed := false
	for _, n := range slices.Clone(g.Nodes) {
		switch {
		case isOp(n, "TensorListSplit", "TensorArraySplitV3"):
			changed = raggedSplit(g, n) || changed
		case isOp(n, "TensorListReserve", "EmptyTensorList"):
			changed = reserveShape(g, n) || changed
		}
	}
	if changed {
		g.RemoveUnused()
		sortNodes(g)
	}
	return changed, nil
}

// listReaders follows a list value through Identity and loop-invariant
// Enter nodes to the nodes that read it; nil when another node (or a graph
// output) reads it.
func listReaders(v *view, val string, ok func(*graph.Node, string) bool) []*graph.Node {
	var readers []*graph.Node
	for work := []string{val}; len(work) > 0; work = work[1:] {
		if v.g.IsOutput(work[0]) {
			return nil
		}
		for _, c := range v.cons[work[0]] {
			switch {
			case isOp(c, "Identity") || isOp(c, "Enter") && c.Bool("is_constant", false):
				work = append(work, out(c, 0))
			case ok(c, work[0]):
				readers = append(readers, c)
			default:
				return nil
			}
		}
	}
	return readers
}

// raggedSplit resolves a TensorListSplit of unequal constant lengths, and
// a TF1 TensorArraySplitV3 of any constant lengths (its flow then stands
// for the tensor).
func raggedSplit(g *graph.Graph, n *graph.Node) bool {
	v := newView(g)
	// The list value, the tensor, the lengths, and each reader's list input.
	list, src, lensVal := out(n, 0), "", ""
	listAt := map[string]int{}
	switch {
	case n.Op == "TensorListSplit" && len(n.Inputs) == 3:
		src, lensVal = n.Inputs[0], n.Inputs[2]
		listAt = map[string]int{"TensorListGetItem": 0, "TensorListConcatV2": 0, "TensorListConcat": 0, "TensorListLength": 0}
	case n.Op == "TensorArraySplitV3" && len(n.Inputs) == 4:
		src, lensVal = n.Inputs[1], n.Inputs[2]
		listAt = map[string]int{"TensorArrayReadV3": 2, "TensorArrayConcatV3": 1, "TensorArraySizeV3": 1}
	default:
		return false
	}
	lens, ok := v.ints(lensVal)
	if !ok || len(lens) == 0 {
		return false
	}
	equal := true
	for _, l := range lens {
		equal = equal && l == lens[0]
	}
	if equal && n.Op == "TensorListSplit" {
		return false // opmap's tensor form
	}
	readers := listReaders(v, list, func(c *graph.Node, val string) bool {
		i, ok := listAt[c.Op]
		return ok && c.Domain == graph.DomainTF && i < len(c.Inputs) && c.Inputs[i] == val
	})
	if readers == nil {
		return false
	}
	offs := make([]int64, len(lens))
	ends := make([]int64, len(lens))
	for i, l := range lens {
		if i > 0 {
			offs[i] = ends[i-1]
		}
		ends[i] = offs[i] + l
	}
	tfConst := func(t *graph.Tensor) string { return g.AddConst(n.Name+"/const", t) }
	tf := func(op string, attrs map[string]any, inputs ...string) string {
		name := g.UniqueName(n.Name + "/" + op)
		g.AddNode(&graph.Node{Name: name, Op: op, Domain: graph.DomainTF, Inputs: inputs, Outputs: []string{name}, Attrs: attrs})
		return name
	}
	for _, r := range readers {
		at := r.Inputs[listAt[r.Op]] // the tensor, once the list is replaced
		dt := r.Type("element_dtype")
		if dt == graph.Undefined {
			dt = r.Type("dtype")
		}
		switch r.Op {
		case "TensorListGetItem", "TensorArrayReadV3":
			// Rows [offs[i], ends[i]) of the tensor: a StridedSlice on axis 0
			// keeps the other axes whole.
			idx := r.Inputs[1]
			pick := func(table []int64) string {
				return tf("Reshape", map[string]any{"T": graph.Int64, "Tshape": graph.Int32},
					tf("GatherV2", map[string]any{"Tparams": graph.Int64, "Tindices": tfDType(v, idx), "Taxis": graph.Int32, "batch_dims": int64(0)},
						tfConst(graph.Int64Tensor(table...)), idx, tfConst(graph.ScalarOf(graph.Int32, 0))),
					tfConst(graph.NewTensor(graph.Int32, []int64{1}, []float64{1})))
			}
			slice := tf("StridedSlice", map[string]any{"T": dt, "Index": graph.Int64,
				"begin_mask": int64(0), "end_mask": int64(0), "ellipsis_mask": int64(0), "new_axis_mask": int64(0), "shrink_axis_mask": int64(0)},
				at, pick(offs), pick(ends), tfConst(graph.Int64Tensor(1)))
			replaceValue(g, out(r, 0), slice)
		case "TensorListConcatV2", "TensorListConcat", "TensorArrayConcatV3":
			replaceValue(g, out(r, 0), tf("Identity", map[string]any{"T": dt}, at))
			if len(r.Outputs) > 1 {
				replaceValue(g, out(r, 1), tfConst(graph.Int64Tensor(lens...)))
			}
		case "TensorListLength", "TensorArraySizeV3":
			replaceValue(g, out(r, 0), tfConst(graph.ScalarOf(graph.Int32, float64(len(lens)))))
		}
	}
	replaceValue(g, list, src)
	return true
}

// reserveShape gives a reserved list whose element shape is not fully
// known the shape of the first item set into it.
func reserveShape(g *graph.Graph, n *graph.Node) bool {
	v := newView(g)
	if len(n.Inputs) != 2 {
		return false
	}
	if s, ok := v.ints(n.Inputs[0]); ok && !slices.Contains(s, -1) && v.constOf(n.Inputs[0]) != nil &&
		len(v.constOf(n.Inputs[0]).Dims) == 1 {
		return false // known
	}
	// The first set, in straight-line code: the list's readers are sets
	// (and the stacks and reads after them).
	var first *graph.Node
	for val := out(n, 0); first == nil; {
		var next string
		for _, c := range v.cons[val] {
			if isOp(c, "Identity") && next == "" {
				next = out(c, 0)
			} else if isOp(c, "TensorListSetItem", "TensorListPushBack") && c.Inputs[0] == val {
				first = c
			}
		}
		if first == nil {
			if next == "" {
				return false
			}
			val = next
		}
	}
	item := first.Inputs[len(first.Inputs)-1]
	if dependsOn(v, item, n) {
		return false
	}
	dt := n.Type("element_dtype")
	if dt == graph.Undefined {
		return false
	}
	e := &emitter{g: g, base: n.Name}
	count := e.ints(0)
	if n.Op == "TensorListReserve" {
		count = e.op("Reshape", nil, e.cast(n.Inputs[1], graph.Int64), e.ints(1))
	}
	shape := e.op("Concat", map[string]any{"axis": int64(0)}, count, e.op("Shape", nil, item))
	zeros := e.op("ConstantOfShape", map[string]any{"value": graph.NewTensor(dt, []int64{1}, []float64{0})}, shape)
	replaceValue(g, out(n, 0), zeros)
	return true
}

// dependsOn reports that val is computed from node n.
func dependsOn(v *view, val string, n *graph.Node) bool {
	seen := map[*graph.Node]bool{}
	work := []*graph.Node{v.prod[val]}
	for len(work) > 0 {
		p := work[len(work)-1]
		work = work[:len(work)-1]
		if p == nil || seen[p] {
			continue
		}
		if p == n {
			return true
		}
		seen[p] = true
		for _, in := range p.Inputs {
			if len(in) > 0 && in[0] == '^' {
				in = in[1:]
			}
			work = append(work, v.prod[in])
		}
	}
	return false
}
