package tfrewrite

import (
	"fmt"
	"strconv"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// The generic TF1 loop rewrite turns each while-loop frame into one
// _OnnxLoop node (see LoopOp) whose body holds the frame's TF ops:
//
//   - each Enter → Merge ← NextIteration variable is a loop-carried value:
//     the body reads its Switch's port 1 and yields its NextIteration input;
//   - loop-invariant Enter nodes disappear: the body reads the outer value;
//   - the condition (the nodes between the Merge nodes and LoopCond) is
//     computed twice: once outside on the initial values (the Loop's cond
//     input) and once in the body on the next values (the body's cond out);
//   - a TensorArray written once per iteration at the iteration index is a
//     scan output, and its TensorArrayGatherV3 after the loop is that output;
//   - a TensorArray scattered before the loop (unstack) and read inside at
//     an index becomes a Gather from the scattered tensor;
//   - TensorArraySizeV3 becomes the array's size;
//   - TensorLists (loops lowered from TF2 While) likewise: a list reserved
//     before the loop, carried, set at the iteration index and stacked after
//     the loop is a scan output; a list made from a tensor and read with
//     TensorListGetItem is a Gather from that tensor.

// convertLoop rewrites one loop; false (and no change) when the loop uses
// something this rewrite does not understand.
func convertLoop(g *graph.Graph, l *loop) (bool, error) {
	v := newView(g)
	inFrame := map[*graph.Node]bool{}
	for _, n := range l.nodes {
		inFrame[n] = true
	}
	isVarMerge := map[*graph.Node]*loopVar{}
	isVarSwitch := map[*graph.Node]bool{}
	for _, lv := range l.vars {
		isVarMerge[lv.merge] = lv
		isVarSwitch[lv.sw] = true
	}
	for _, n := range l.nodes {
		switch {
		case isOp(n, "Merge") && isVarMerge[n] == nil,
			isOp(n, "Switch") && !isVarSwitch[n],
			isOp(n, "Exit"):
			return false, nil // an inner loop or a cond left unconverted
		}
	}
	invar := map[string]string{} // Enter output → outer value
	for _, e := range l.invars {
		if len(e.Inputs) != 1 {
			return false, nil
		}
		invar[out(e, 0)] = e.Inputs[0]
	}
	// skipInv follows Identity nodes and invariant Enter nodes.
	skipInv := func(val string) string {
		for i := 0; i < 100; i++ {
			val = v.skip(val)
			o, ok := invar[val]
			if !ok {
				return val
			}
			val = o
		}
		return val
	}
	taOf := func(handle string) *graph.Node {
		p := v.prod[skipInv(handle)]
		if !isOp(p, "TensorArrayV3") || inFrame[p] {
			return nil
		}
		return p
	}
	sizeOf := func(ta *graph.Node) string {
		if ta.Bool("dynamic_size", false) {
			return ""
		}
		return ta.Inputs[0]
	}

	type write struct {
		node    *graph.Node
		flow    *loopVar
		ta      *graph.Node // nil for a TensorList
		item    string      // the value written each iteration
		index   string      // where, when not the iteration number
		size    string      // the array's reserved size (may be -1 or 0 when dynamic)
		dtype   graph.DType
		gathers []*graph.Node
		sizes   []*graph.Node
	}
	var writes []*write
	flowVar := map[*loopVar]*write{}
	var reads []*graph.Node
	readSrc := map[*graph.Node]string{}
	sizes := map[*graph.Node]string{} // TensorArraySizeV3 in the frame → size
	dropped := map[*loopVar]bool{}    // read-only TensorList variables
	counterAt := func(index string) bool {
		for _, lv := range l.vars {
			if v.skip(index) == lv.body() && isCounter(v, l, lv) {
				return true
			}
		}
		return false
	}
	varOf := func(val string) *loopVar {
		for _, lv := range l.vars {
			if v.skip(val) == lv.body() {
				return lv
			}
		}
		return nil
	}
	for _, n := range l.nodes {
		if n.Domain != graph.DomainTF || len(n.Op) < 10 || (n.Op[:10] != "TensorArra" && n.Op[:10] != "TensorList") {
			continue
		}
		switch n.Op {
		case "TensorArrayReadV3":
			ta := taOf(n.Inputs[0])
			if ta == nil || len(n.Inputs) != 3 {
				return false, nil
			}
			sc := v.prod[skipInv(n.Inputs[2])]
			if !isOp(sc, "TensorArrayScatterV3") || inFrame[sc] || v.skip(sc.Inputs[0]) != out(ta, 0) ||
				!isIdentityRange(v, sc.Inputs[1]) {
				return false, nil
			}
			reads = append(reads, n)
			readSrc[n] = sc.Inputs[2]
		case "TensorListGetItem":
			// From a list made of a tensor before the loop, entered as an
			// invariant or carried unchanged.
			// Any other read stays a TensorList op, which opmap maps to
			// the list's tensor form.
			if len(n.Inputs) < 2 {
				return false, nil
			}
			list := skipInv(n.Inputs[0])
			lv := varOf(list)
			if lv != nil {
				if v.skip(lv.nextVal()) != lv.body() || (lv.exit != nil && v.used(lv.exitVal())) {
					continue
				}
				list = skipInv(lv.init())
			}
			ft := v.prod[list]
			if !isOp(ft, "TensorListFromTensor") || inFrame[ft] {
				continue
			}
			if lv != nil {
				dropped[lv] = true
			}
			reads = append(reads, n)
			readSrc[n] = ft.Inputs[0]
		case "TensorArrayWriteV3":
			ta := taOf(n.Inputs[0])
			if ta == nil || len(n.Inputs) != 4 {
				return false, nil
			}
			fv := varOf(n.Inputs[3])
			if fv == nil || v.skip(fv.nextVal()) != out(n, 0) || flowVar[fv] != nil {
				return false, nil
			}
			w := &write{node: n, flow: fv, ta: ta, item: n.Inputs[2], size: skipInv(ta.Inputs[0]), dtype: n.Type("T")}
			if !counterAt(n.Inputs[1]) {
				w.index = n.Inputs[1]
			}
			writes = append(writes, w)
			flowVar[fv] = w
		case "TensorListSetItem":
			// Into a list reserved before the loop, carried, written only
			// here and stacked after the loop: a scan output. Any other
			// list stays a carried TensorList (its tensor form).
			if len(n.Inputs) != 3 {
				return false, nil
			}
			fv := varOf(n.Inputs[0])
			if fv == nil || v.skip(fv.nextVal()) != out(n, 0) || flowVar[fv] != nil || !listScan(v, g, fv, n) {
				continue
			}
			reserve := v.prod[skipInv(fv.init())]
			if !isOp(reserve, "TensorListReserve") {
				continue
			}
			w := &write{node: n, flow: fv, item: n.Inputs[2], size: reserve.Inputs[1], dtype: n.Type("element_dtype")}
			if !counterAt(n.Inputs[1]) {
				w.index = n.Inputs[1]
			}
			writes = append(writes, w)
			flowVar[fv] = w
		case "TensorArraySizeV3":
			ta := taOf(n.Inputs[0])
			if ta == nil || sizeOf(ta) == "" {
				return false, nil
			}
			sizes[n] = sizeOf(ta)
		default:
			if n.Op[:10] == "TensorArra" {
				return false, nil
			}
		}
	}
	// A flow variable may feed only its write and size queries; after the
	// loop only gathers of the whole array (stacks of the list) and size
	// queries.
	for _, w := range writes {
		for _, val := range []string{out(w.flow.merge, 0), w.flow.body()} {
			for _, c := range v.cons[val] {
				if c != w.flow.sw && c != w.node && !isOp(c, "Identity") && sizes[c] == "" {
					return false, nil
				}
			}
		}
		if w.flow.exit == nil {
			continue
		}
		if g.IsOutput(w.flow.exitVal()) {
			return false, nil
		}
		work := []string{w.flow.exitVal()}
		for len(work) > 0 {
			val := work[len(work)-1]
			work = work[:len(work)-1]
			for _, c := range v.cons[val] {
				switch {
				case w.ta == nil && isOp(c, "Identity") && !g.IsOutput(out(c, 0)):
					work = append(work, out(c, 0))
				case w.ta == nil && isOp(c, "TensorListStack") && c.Inputs[0] == val:
					w.gathers = append(w.gathers, c)
				case w.ta == nil && isOp(c, "TensorListLength") && c.Inputs[0] == val:
					w.sizes = append(w.sizes, c)
				case w.ta != nil && isOp(c, "TensorArrayGatherV3") && len(c.Inputs) == 3 &&
					v.skip(c.Inputs[0]) == out(w.ta, 0) && isIdentityRange(v, c.Inputs[1]):
					w.gathers = append(w.gathers, c)
				case w.ta != nil && isOp(c, "TensorArraySizeV3") && v.skip(c.Inputs[0]) == out(w.ta, 0):
					w.sizes = append(w.sizes, c)
				default:
					return false, nil
				}
			}
		}
	}
	var carried []*loopVar
	for _, lv := range l.vars {
		if flowVar[lv] == nil && !dropped[lv] {
			carried = append(carried, lv)
		}
	}
	var condNodes []*graph.Node
	isCond := map[*graph.Node]bool{}
	for _, n := range l.condNodes(v) {
		isCond[n] = true
		if sizes[n] == "" {
			condNodes = append(condNodes, n)
		}
	}
	for _, lv := range l.vars {
		for _, c := range v.cons[out(lv.merge, 0)] {
			// (The LoopCond itself reads a Merge when the condition is
			// a variable.)
			if c != lv.sw && c != l.loopCond && !isCond[c] {
				return false, nil
			}
			if (flowVar[lv] != nil || dropped[lv]) && isCond[c] && sizes[c] == "" {
				return false, nil
			}
		}
	}

	// From here on the loop is converted.
	base := baseName(l.name)
	for o, in := range invar {
		g.ReplaceUses(o, in)
	}
	for n, size := range sizes {
		replaceValue(g, out(n, 0), size)
	}
	for _, r := range reads {
		r.Op, r.Domain = "Gather", ""
		r.Inputs = []string{readSrc[r], r.Inputs[1]}
		r.Attrs = map[string]any{"axis": int64(0)}
		r.Outputs = r.Outputs[:1]
	}
	isWrite := map[*graph.Node]bool{}
	for _, w := range writes {
		isWrite[w.node] = true
	}
	var bodyNodes []*graph.Node
	for _, n := range l.nodes {
		if isOp(n, "Enter", "Merge", "Switch", "NextIteration", "LoopCond") || isCond[n] || sizes[n] != "" {
			continue
		}
		if isWrite[n] {
			continue
		}
		bodyNodes = append(bodyNodes, n)
	}

	// The condition on the initial values, outside.
	initSub := map[string]string{}
	nextSub := map[string]string{}
	for _, lv := range carried {
		initSub[out(lv.merge, 0)] = lv.init()
		nextSub[out(lv.merge, 0)] = lv.nextVal()
	}
	pred := l.loopCond.Inputs[0]
	initNodes, condInit := cloneNodes(g, condNodes, initSub, pred, "/init")
	bodyCond, condOut := cloneNodes(g, condNodes, nextSub, pred, "/next")

	body := graph.New(base + "/body")
	iterName := g.UniqueName(base + "/iteration")
	condIn := g.UniqueName(base + "/cond_in")
	body.Inputs = []string{iterName, condIn}
	body.Outputs = []string{condOut}
	for _, lv := range carried {
		body.Inputs = append(body.Inputs, lv.body())
		body.Outputs = append(body.Outputs, lv.nextVal())
	}
	for _, w := range writes {
		body.Outputs = append(body.Outputs, w.item)
	}
	for _, w := range writes {
		if w.index != "" {
			body.Outputs = append(body.Outputs, w.index)
		}
	}
	body.Nodes = append(bodyNodes, bodyCond...)
	body.ReserveAll()
	body.RemoveUnused() // e.g. Identity nodes of the TensorArray flows
	body.OwnOutputs(g)
	sortNodes(body)

	loopNode := &graph.Node{Name: g.UniqueName(base + "/Loop"), Op: LoopOp, Domain: graph.DomainTF,
		Inputs: []string{"", condInit}, Attrs: map[string]any{"body": body}}
	drop := map[*graph.Node]bool{}
	for _, n := range l.nodes {
		drop[n] = true
	}
	for lv := range dropped {
		if lv.exit != nil {
			drop[lv.exit] = true
		}
	}
	for i, lv := range carried {
		loopNode.Inputs = append(loopNode.Inputs, lv.init())
		if lv.exit != nil {
			loopNode.Outputs = append(loopNode.Outputs, lv.exitVal())
			drop[lv.exit] = true
		} else {
			loopNode.Outputs = append(loopNode.Outputs, g.UniqueName(base+"/Loop:"+strconv.Itoa(i)))
		}
	}
	e := &emitter{g: g, base: base}
	scans := make([]string, len(writes))
	for i := range writes {
		scans[i] = g.UniqueName(base + "/Loop:scan" + strconv.Itoa(i))
		loopNode.Outputs = append(loopNode.Outputs, scans[i])
	}
	for i, w := range writes {
		scan, size := scans[i], ""
		if w.index != "" {
			idx := g.UniqueName(base + "/Loop:index" + strconv.Itoa(i))
			loopNode.Outputs = append(loopNode.Outputs, idx)
			scan, size = scatterWrites(e, scan, idx, w.size, w.dtype)
		}
		if w.flow.exit != nil {
			drop[w.flow.exit] = true
		}
		for _, gn := range w.gathers {
			replaceValue(g, out(gn, 0), scan)
		}
		for _, sn := range w.sizes {
			if size == "" && w.ta != nil {
				size = sizeOf(w.ta)
			}
			if size == "" {
				size = e.cast(e.gather(e.op("Shape", nil, scan), 0, 0), graph.Int32)
			}
			replaceValue(g, out(sn, 0), size)
		}
	}
	removeNodes(g, drop)
	g.Nodes = append(g.Nodes, initNodes...)
	g.AddNode(loopNode)
	return true, nil
}

// listScan reports a TensorList variable that only set (the body) and
// Identity, TensorListStack and TensorListLength (after the loop) read:
// its writes can be a scan output.
func listScan(v *view, g *graph.Graph, fv *loopVar, set *graph.Node) bool {
	for _, val := range []string{out(fv.merge, 0), fv.body()} {
		for _, c := range v.cons[val] {
			if c != fv.sw && c != set && !isOp(c, "Identity") {
				return false
			}
		}
	}
	if fv.exit == nil {
		return true
	}
	return v.eachReader(g, fv.exitVal(), func(c *graph.Node, val string) bool {
		return isOp(c, "TensorListStack", "TensorListLength") && c.Inputs[0] == val
	})
}

// scatterWrites builds the array a loop wrote at computed indices: the
// items (a scan output) go to their indices (another scan output) in an
// array of zeros as long as the reserved size or the highest index + 1,
// as TensorFlow stacks elements never written as zeros. It returns the
// array and its length (int32).
func scatterWrites(e *emitter, items, indices, reserved string, dt graph.DType) (string, string) {
	idx := e.cast(indices, graph.Int64)
	top := e.op("ReduceMax", map[string]any{"keepdims": int64(0)}, e.op("Concat", map[string]any{"axis": int64(0)}, idx, e.ints(-1)))
	n := e.op("Max", nil, e.op("Add", nil, top, e.scalar(1)), e.cast(reserved, graph.Int64))
	elem := e.op("Slice", nil, e.op("Shape", nil, items), e.ints(1), e.ints(1<<62))
	shape := e.op("Concat", map[string]any{"axis": int64(0)}, e.op("Unsqueeze", nil, n, e.ints(0)), elem)
	zeros := e.op("ConstantOfShape", map[string]any{"value": graph.NewTensor(dt, []int64{1}, []float64{0})}, shape)
	out := e.op("ScatterND", nil, zeros, e.op("Unsqueeze", nil, idx, e.ints(1)), items)
	return out, e.cast(n, graph.Int32)
}

// cloneNodes copies nodes (in order) into new nodes of g with fresh names,
// reading sub[x] for every x in sub; it returns the copies and the new
// name of value result.
func cloneNodes(g *graph.Graph, nodes []*graph.Node, sub map[string]string, result, suffix string) ([]*graph.Node, string) {
	m := map[string]string{}
	for k, x := range sub {
		m[k] = x
	}
	var outs []*graph.Node
	for _, n := range nodes {
		c := n.Clone()
		c.Name = g.UniqueName(n.Name + suffix)
		for i, in := range c.Inputs {
			if x, ok := m[in]; ok {
				c.Inputs[i] = x
			}
		}
		for _, sg := range c.Subgraphs() {
			for k, x := range m {
				sg.ReplaceUses(k, x)
			}
		}
		for i, o := range c.Outputs {
			no := g.UniqueName(c.Name + ":" + strconv.Itoa(i))
			m[o] = no
			c.Outputs[i] = no
		}
		g.Reserve(c.Name)
		outs = append(outs, c)
	}
	if x, ok := m[result]; ok {
		result = x
	}
	return outs, result
}

// loopOnce converts the innermost convertible loop; false when none is.
func loopOnce(g *graph.Graph) (bool, error) {
	loops, err := findLoops(g)
	if err != nil {
		return false, fmt.Errorf("TF1 while loop: %w", err)
	}
	for _, l := range loops {
		ok, err := convertLoop(g, l)
		if err != nil {
			return false, err
		}
		if ok {
			g.RemoveUnused()
			return true, nil
		}
	}
	return false, nil
}

// controlFlowV1 converts TF1 conds and while loops, innermost first.
func controlFlowV1(g *graph.Graph) (bool, error) {
	changed := false
	for i := 0; i < 100000; i++ {
		c1, err := condOnce(g)
		if err != nil {
			return changed, err
		}
		c2, err := loopOnce(g)
		if err != nil {
			return changed, err
		}
		if !c1 && !c2 {
			break
		}
		changed = true
	}
	if changed {
		g.RemoveUnused()
		sortNodes(g)
	}
	return changed, nil
}
