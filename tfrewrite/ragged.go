package tfrewrite

import (
	"strconv"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// tf.map_fn over a ragged tensor wraps its rows in variants: before the
// loop RaggedTensorToVariant (batched) makes one variant per row and
// TensorListFromTensor a list of them; the body reads a row with
// TensorListGetItem + RaggedTensorFromVariant, wraps its result with
// RaggedTensorToVariant and TensorListSetItem; after the loop
// TensorListStack + RaggedTensorFromVariant make the result ragged again.
// ONNX has no variants and a scan output must have the same shape each
// iteration, so the ragged-variant pass rewrites both ends in the loop's
// frame before the loop rewrite sees it:
//
//   - a read becomes the row itself: values[splits[i]:splits[i+1]], with
//     the splits and values entered into the frame as invariants;
//   - a write accumulates the rows, flattened, in a new loop variable and
//     writes the row's shape to the list instead, which the loop rewrite
//     makes a scan output; after the loop the lengths' running sum gives
//     the row splits, and the accumulator shaped [total, inner dims] the
//     values.
//
// Other uses of ragged variants are left alone (and reported unsupported).

func raggedVariantPass(g *graph.Graph) (bool, error) {
	changed := raggedVariantShapes(g)
	for i := 0; i < 10000; i++ {
		loops, err := findLoops(g)
		if err != nil || len(loops) == 0 {
			// The loop rewrite reports malformed frames.
			return changed, nil
		}
		did := false
		for _, l := range loops {
			if raggedOnce(g, l) {
				did = true
				break
			}
		}
		if !did {
			break
		}
		changed = true
		g.RemoveUnused()
	}
	if changed {
		sortNodes(g)
	}
	return changed, nil
}

// raggedVariantShapes: the shape of a batched RaggedTensorToVariant's
// output (map_fn takes its trip count from it) is its row count, the
// outer splits' length − 1.
func raggedVariantShapes(g *graph.Graph) bool {
	v := newView(g)
	changed := false
	for _, n := range append([]*graph.Node(nil), g.Nodes...) {
		if !isOp(n, "Shape") || len(n.Inputs) != 1 {
			continue
		}
		rv := v.prod[v.skip(n.Inputs[0])]
		if !isOp(rv, "RaggedTensorToVariant") || !rv.Bool("batched_input", false) || len(rv.Inputs) < 2 {
			continue
		}
		e := &emitter{g: g, base: n.Name}
		rows := e.op("Sub", nil, e.op("Shape", nil, rv.Inputs[0]), e.ints(1))
		if dt := n.Type("out_type"); dt != graph.Int64 {
			rows = e.cast(rows, graph.Int32) // TF's default out_type
		}
		replaceValue(g, out(n, 0), rows)
		changed = true
	}
	if changed {
		g.RemoveUnused()
	}
	return changed
}

// raggedOnce rewrites one ragged-variant read or write of loop l.
func raggedOnce(g *graph.Graph, l *loop) bool {
	v := newView(g)
	for _, n := range l.nodes {
		switch {
		case isOp(n, "RaggedTensorFromVariant") && n.Int("output_ragged_rank", -1) == 0 && len(n.Inputs) == 1:
			if raggedRead(g, v, l, n) {
				return true
			}
		case isOp(n, "RaggedTensorToVariant") && !n.Bool("batched_input", false) && n.Int("RAGGED_RANK", -1) == 0 && len(n.Inputs) == 1:
			if raggedWrite(g, v, l, n) {
				return true
			}
		}
	}
	return false
}

// raggedRead: RaggedTensorFromVariant(TensorListGetItem(list, i)) where
// the list, entered into the frame or carried unchanged, is made from a
// batched RaggedTensorToVariant(splits, values) of ragged rank 1.
func raggedRead(g *graph.Graph, v *view, l *loop, r *graph.Node) bool {
	get := v.prod[v.skip(r.Inputs[0])]
	if !isOp(get, "TensorListGetItem") || len(get.Inputs) < 2 {
		return false
	}
	list := v.skip(get.Inputs[0])
	for i := 0; i < 100; i++ {
		p := v.prod[list]
		if isOp(p, "Enter") && len(p.Inputs) > 0 {
			list = v.skip(p.Inputs[0])
			continue
		}
		moved := false
		for _, lv := range l.vars {
			if list == lv.body() && v.skip(lv.nextVal()) == lv.body() {
				list, moved = v.skip(lv.init()), true
				break
			}
		}
		if !moved {
			break
		}
	}
	ft := v.prod[list]
	if !isOp(ft, "TensorListFromTensor") || len(ft.Inputs) < 1 {
		return false
	}
	rv := v.prod[v.skip(ft.Inputs[0])]
	if !isOp(rv, "RaggedTensorToVariant") || !rv.Bool("batched_input", false) || rv.Int("RAGGED_RANK", -1) != 1 || len(rv.Inputs) != 2 {
		return false
	}
	tf := (&emitter{g: g, base: l.name}).tf
	enter := func(val string) string {
		return tf("Enter", 1, map[string]any{"frame_name": l.name, "is_constant": true}, val).Outputs[0]
	}
	splits, values := enter(rv.Inputs[0]), enter(rv.Inputs[1])
	e := &emitter{g: g, base: r.Name}
	s := e.cast(splits, graph.Int64)
	i := e.op("Reshape", nil, e.cast(get.Inputs[1], graph.Int64), e.ints(1))
	start := e.op("Gather", map[string]any{"axis": int64(0)}, s, i)
	end := e.op("Gather", map[string]any{"axis": int64(0)}, s, e.op("Add", nil, i, e.ints(1)))
	row := e.op("Slice", nil, values, start, end, e.ints(0))
	replaceValue(g, out(r, 0), row)
	return true
}

// raggedWrite: TensorListSetItem(list, i, RaggedTensorToVariant(row)) into
// a list variable reserved before the loop whose exit is only stacked and
// unwrapped by RaggedTensorFromVariant of output ragged rank 1.
func raggedWrite(g *graph.Graph, v *view, l *loop, w *graph.Node) bool {
	cs := v.cons[out(w, 0)]
	if len(cs) != 1 || !isOp(cs[0], "TensorListSetItem") || len(cs[0].Inputs) != 3 || cs[0].Inputs[2] != out(w, 0) {
		return false
	}
	set := cs[0]
	var fv *loopVar
	for _, lv := range l.vars {
		if v.skip(lv.nextVal()) == out(set, 0) && v.skip(set.Inputs[0]) == lv.body() {
			fv = lv
		}
	}
	if fv == nil || fv.exit == nil {
		return false
	}
	// The rows accumulate in iteration order: they must be written at the
	// iteration number (map_fn's i), as the row shapes are.
	atCounter := false
	for _, lv := range l.vars {
		if v.skip(set.Inputs[1]) == lv.body() && isCounter(v, l, lv) {
			atCounter = true
		}
	}
	if !atCounter {
		return false
	}
	reserve := v.prod[v.skip(fv.init())]
	if !isOp(reserve, "TensorListReserve") || len(reserve.Inputs) != 2 {
		return false
	}
	var stacks, unwraps []*graph.Node
	readable := v.eachReader(g, fv.exitVal(), func(c *graph.Node, val string) bool {
		if !isOp(c, "TensorListStack") || c.Inputs[0] != val || g.IsOutput(out(c, 0)) {
			return false
		}
		stacks = append(stacks, c)
		for _, u := range v.cons[out(c, 0)] {
			if !isOp(u, "RaggedTensorFromVariant") || u.Int("output_ragged_rank", -1) != 1 {
				return false
			}
			unwraps = append(unwraps, u)
		}
		return true
	})
	if !readable {
		return false
	}
	if len(unwraps) == 0 {
		return false
	}

	// The list now holds each row's shape (1-D int64: its length, then
	// its inner dims, the same for every row).
	tf := (&emitter{g: g, base: l.name}).tf
	anyShape := g.AddConst(l.name+"/row_shape_shape", graph.NewIntTensor(graph.Int32, []int64{1}, []int64{-1}))
	shapes := tf("TensorListReserve", 1, map[string]any{"element_dtype": graph.Int64, "shape_type": graph.Int32}, anyShape, reserve.Inputs[1])
	fv.enter.Inputs[0] = shapes.Outputs[0]
	row := w.Inputs[0]
	e := &emitter{g: g, base: w.Name}
	set.Inputs[2] = e.op("Shape", nil, row)
	set.Attrs["element_dtype"] = graph.Int64
	for _, st := range stacks {
		st.Attrs["element_dtype"] = graph.Int64
		if len(st.Inputs) > 1 {
			st.Inputs[1] = anyShape
		}
	}

	// The rows so far, flattened (a variable's rank cannot change between
	// iterations, and the rows' rank is not known here).
	dt := w.Type("Tvalues")
	var empty *graph.Tensor
	if dt.IsFloat() {
		empty = graph.NewTensor(dt, []int64{0}, nil)
	} else {
		empty = graph.NewIntTensor(dt, []int64{0}, nil)
	}
	init := g.AddConst(w.Name+"/rows_init", empty)
	enter := tf("Enter", 1, map[string]any{"frame_name": l.name, "is_constant": false}, init)
	merge := tf("Merge", 2, nil, enter.Outputs[0], "")
	sw := tf("Switch", 2, nil, merge.Outputs[0], out(l.loopCond, 0))
	next := e.op("Concat", map[string]any{"axis": int64(0)}, out(sw, 1), e.op("Reshape", nil, row, e.ints(-1)))
	merge.Inputs[1] = tf("NextIteration", 1, nil, next).Outputs[0]
	exit := tf("Exit", 1, nil, out(sw, 0))

	// After the loop: the splits are the lengths' running sum; the values
	// the accumulated rows shaped [total length, inner dims] (the last
	// row's inner dims; zeros when there are no rows).
	for i, st := range stacks {
		pe := &emitter{g: g, base: st.Name + "/ragged" + strconv.Itoa(i)}
		all := out(st, 0) // [rows, rank]
		lengths := pe.op("Gather", map[string]any{"axis": int64(1)}, all, pe.scalar(0))
		splits := pe.op("Concat", map[string]any{"axis": int64(0)}, pe.ints(0), pe.op("CumSum", nil, lengths, pe.scalar(0)))
		total := pe.op("ReduceSum", map[string]any{"keepdims": int64(1)}, lengths, pe.ints(0))
		last := pe.op("Slice", nil, all, pe.ints(-1, 1), pe.ints(1<<62, 1<<62), pe.ints(0, 1))
		inner := pe.op("ReduceSum", map[string]any{"keepdims": int64(0)}, last, pe.ints(0))
		values := pe.op("Reshape", nil, exit.Outputs[0], pe.op("Concat", map[string]any{"axis": int64(0)}, total, inner))
		for _, u := range v.cons[out(st, 0)] {
			sdt := u.Type("Tsplits")
			s := splits
			if sdt != graph.Undefined && sdt != graph.Int64 {
				s = pe.cast(splits, sdt)
			}
			replaceValue(g, out(u, 0), s)
			if len(u.Outputs) > 1 {
				replaceValue(g, out(u, 1), values)
			}
		}
	}
	return true
}
