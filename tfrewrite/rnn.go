package tfrewrite

import (
	"math"
	"slices"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// The RNN rewrite recognises the while loops that tf.compat.v1.nn.dynamic_rnn
// builds around an LSTMCell, BasicLSTMCell or GRUCell, and replaces each
// loop, with its TensorArray plumbing, by one ONNX LSTM or GRU node. A
// forward and a backward loop over the same input (bidirectional_dynamic_rnn)
// become one node with direction "bidirectional". Loops that do not match
// exactly are left to the generic loop rewrite, which is slower but exact.

// cell is one matched dynamic_rnn loop (one direction).
type cell struct {
	l      *loop
	kind   string // "LSTM" or "GRU"
	hidden int64
	input  int64
	dtype  graph.DType
	w, r   []float64 // ONNX gate order, [gates·hidden, input] and [gates·hidden, hidden]
	b      []float64 // [2·gates·hidden]: Wb then Rb
	// linearBeforeReset is ONNX GRU's attribute: 1 for Keras reset_after
	// cells, which apply the reset gate after the recurrent matmul.
	linearBeforeReset int64
	// lastOnly: the gathers hold only the last output ([1, batch, hidden]),
	// the final h.
	lastOnly bool
	// stateExit: the final LSTM state as one tensor concat([c, h], 1).
	stateExit string
	// recAct is the gates' activation: "" (Sigmoid), "HardSigmoid"
	// (tf.keras' hard_sigmoid, clip(0.2·x + 0.5, 0, 1): ONNX's defaults) or
	// hardSigmoid6 (Keras 3's relu6(x + 3) / 6, HardSigmoid with alpha 1/6).
	recAct  string
	actSeen bool
	// actG is the LSTM cell's activation (Keras `activation`) of the
	// candidate and of the cell state: Tanh by default, Sigmoid or Relu.
	actG, actH string

	scatterVal string   // the time-major input the loop reads
	gathers    []string // time-major outputs gathered after the loop
	hExit      string   // final h (or GRU state), "" when unused
	cExit      string   // final c, "" when unused
	seqLen     string   // sequence_length read by the loop, "" without
	h0, c0     string   // initial states
	zeroInit   bool

	// How the input was prepared: src is the batch-major (or time-major)
	// tensor before the optional time reversal of the backward direction.
	src        string
	batchMajor bool
	reversed   bool // src reversed in time gives scatterVal (a usable reverse direction)
	revSeq     bool // reversed with ReverseSequence (with seqLen) rather than ReverseV2
	used       bool

	// mask is a Keras mask as the loop reads it: time-major [T, batch, 1]
	// bool, "" without (see rnn_mask.go). maskRead is its read at time t;
	// zeroOut: masked steps output zeros (Keras zero_output_for_mask)
	// rather than the previous output.
	mask, maskRead string
	zeroOut        bool

	// peep: LSTMBlockCell's peepholes in ONNX order i, o, f; nil without.
	peep []float64
}

// rnnPass is the LSTM/GRU rewrite.
func rnnPass(g *graph.Graph) (bool, error) {
	loops, err := findLoops(g)
	if err != nil || len(loops) == 0 {
		return false, nil // the generic rewrite reports malformed loops
	}
	v := newView(g)
	var cells []*cell
	for _, l := range loops {
		if c := matchCell(v, l); c != nil {
			analyzeInput(v, c)
			cells = append(cells, c)
		}
	}
	if len(cells) == 0 {
		return false, nil
	}
	renames := map[string]string{}
	// Pair each forward cell with a backward one over the same input.
	for _, fw := range cells {
		if fw.used || fw.reversed {
			continue
		}
		var bw *cell
		for _, c := range cells {
			if !c.used && c.reversed && c != fw && samePair(v, fw, c) {
				bw = c
				break
			}
		}
		fw.used = true
		if bw != nil {
			bw.used = true
			emitRNN(g, renames, []*cell{fw, bw})
		} else {
			emitRNN(g, renames, []*cell{fw})
		}
	}
	for _, c := range cells {
		if !c.used {
			c.used = true
			emitRNN(g, renames, []*cell{c})
		}
	}
	g.RemoveUnused()
	sortNodes(g)
	return true, nil
}

func samePair(v *view, a, b *cell) bool {
	return a.kind == b.kind && a.linearBeforeReset == b.linearBeforeReset && a.recAct == b.recAct && a.actG == b.actG &&
		a.hidden == b.hidden && a.input == b.input && a.dtype == b.dtype && (a.peep == nil) == (b.peep == nil) &&
		a.batchMajor == b.batchMajor && a.src == b.src &&
		seqRoot(v, a.seqLen) == seqRoot(v, b.seqLen) && a.zeroInit == b.zeroInit && sameMask(v, a, b)
}

// seqRoot strips the Identity and Cast nodes dynamic_rnn puts on
// sequence_length, so that both directions' lengths compare equal.
func seqRoot(v *view, val string) string {
	if val == "" {
		return ""
	}
	for i := 0; i < 100; i++ {
		val = v.skipEnter(val)
		p := v.prod[val]
		if !isOp(p, "Cast") {
			return val
		}
		val = p.Inputs[0]
	}
	return val
}

// isCounter reports a variable that starts at 0 and grows by 1 each
// iteration (the iteration counter and dynamic_rnn's time).
func isCounter(v *view, l *loop, lv *loopVar) bool {
	if x, ok := loopConst(v, l, lv.init()); !ok || x != 0 {
		return false
	}
	p := v.prod[v.skip(lv.nextVal())]
	if !isOp(p, "Add", "AddV2") || len(p.Inputs) != 2 {
		return false
	}
	for i := 0; i < 2; i++ {
		if v.skip(p.Inputs[i]) == lv.body() {
			if one, ok := loopConst(v, l, p.Inputs[1-i]); ok && one == 1 {
				return true
			}
		}
	}
	return false
}

// loopConst evaluates an integer scalar, also through a variable of loop l
// that passes its initial value on unchanged (loops lowered from TF2
// While carry constants such as a range's delta that way).
func loopConst(v *view, l *loop, val string) (int64, bool) {
	if x, ok := v.scalarInt(val); ok {
		return x, true
	}
	s := v.skip(val)
	for _, lv := range l.vars {
		if lv.body() == s && v.skip(lv.nextVal()) == lv.body() {
			return v.scalarInt(lv.init())
		}
	}
	return 0, false
}

// binary matches a commutative TF binary op: it returns the operands in
// the order that makes first(a) true.
func binary(v *view, val string, ops []string, first func(string) bool) (string, string, bool) {
	p := v.prod[v.skip(val)]
	if !isOp(p, ops...) || len(p.Inputs) != 2 {
		return "", "", false
	}
	if first(p.Inputs[0]) {
		return p.Inputs[0], p.Inputs[1], true
	}
	if first(p.Inputs[1]) {
		return p.Inputs[1], p.Inputs[0], true
	}
	return "", "", false
}

var addOps = []string{"Add", "AddV2"}

// unaryIn returns the input of a unary TF op, or "".
func unaryIn(v *view, val, op string) string {
	p := v.prod[v.skip(val)]
	if !isOp(p, op) || len(p.Inputs) != 1 {
		return ""
	}
	return p.Inputs[0]
}

// selectOf matches Select(cond, a, b) (dynamic_rnn's copy-through of
// finished sequences).
func selectOf(v *view, val string) (cond, a, b string, ok bool) {
	p := v.prod[v.skip(val)]
	if !isOp(p, "Select", "SelectV2") || len(p.Inputs) != 3 {
		return "", "", "", false
	}
	return p.Inputs[0], p.Inputs[1], p.Inputs[2], true
}

// dense matches the cell's affine map of its input and state, in either
// form TF writes it: concat([x, h], axis 1)·K + b (the TF1 cells), or
// x·Kx + h·Kh + b (Keras cells). isH tells the state operand; k is the
// kernel as TF1 lays it out, [I+H, cols] with the input rows first.
func dense(v *view, val string, isH func(string) bool) (x, h string, k, bias *graph.Tensor, ok bool) {
	p := v.prod[v.skip(val)]
	if !isOp(p, "BiasAdd", "Add", "AddV2") || len(p.Inputs) != 2 {
		return
	}
	if f := p.Str("data_format", "NHWC"); f != "NHWC" {
		return
	}
	bias = v.constOf(p.Inputs[1])
	if bias == nil || len(bias.Dims) != 1 {
		return
	}
	kernel := func(mm *graph.Node) *graph.Tensor {
		if !isOp(mm, "MatMul") || mm.Bool("transpose_a", false) || mm.Bool("transpose_b", false) || len(mm.Inputs) != 2 {
			return nil
		}
		t := v.constOf(mm.Inputs[1])
		if t == nil || len(t.Dims) != 2 || !t.DType.IsFloat() || t.Dims[1] != bias.Dims[0] {
			return nil
		}
		return t
	}
	mm := v.prod[v.skip(p.Inputs[0])]
	if k = kernel(mm); k != nil {
		cc := v.prod[v.skip(mm.Inputs[0])]
		if !isOp(cc, "ConcatV2") || len(cc.Inputs) != 3 {
			return
		}
		if ax, ok2 := v.scalarInt(cc.Inputs[2]); !ok2 || (ax != 1 && ax != -1) {
			return
		}
		return cc.Inputs[0], cc.Inputs[1], k, bias, true
	}
	// x·Kx + h·Kh: stack the kernels' rows, input first.
	// With a static batch of 1, grappler writes the sum as a BiasAdd of
	// one product by the other squeezed to a vector.
	sum := mm
	if !isOp(sum, "Add", "AddV2", "BiasAdd") || len(sum.Inputs) != 2 {
		return
	}
	product := func(val string) *graph.Node {
		p := v.prod[v.skip(val)]
		if isOp(p, "Squeeze") && len(p.Inputs) == 1 {
			p = v.prod[v.skip(p.Inputs[0])]
		}
		return p
	}
	mx, mh := product(sum.Inputs[0]), product(sum.Inputs[1])
	kx, kh := kernel(mx), kernel(mh)
	if kx == nil || kh == nil || kx.DType != kh.DType {
		return
	}
	if isH(mx.Inputs[0]) {
		mx, mh, kx, kh = mh, mx, kh, kx
	}
	if !isH(mh.Inputs[0]) {
		return
	}
	rows := append(append([]float64(nil), kx.Float64s()...), kh.Float64s()...)
	k = graph.NewTensor(kx.DType, []int64{kx.Dims[0] + kh.Dims[0], kx.Dims[1]}, rows)
	return mx.Inputs[0], mh.Inputs[0], k, bias, true
}

// splitOut matches output i of a Split of val into n parts along axis 1.
func splitOut(v *view, val string, n int64) (*graph.Node, int) {
	val = v.skip(val)
	p := v.prod[val]
	if !isOp(p, "Split") || len(p.Inputs) != 2 || p.Int("num_split", 0) != n {
		return nil, 0
	}
	if ax, ok := v.scalarInt(p.Inputs[0]); !ok || (ax != 1 && ax != -1) {
		return nil, 0
	}
	return p, port(val)
}

// matchCell recognises a dynamic_rnn loop; nil when the loop is anything
// else.
func matchCell(v *view, l *loop) *cell {
	var counters, states []*loopVar
	var flow *loopVar
	for _, lv := range l.vars {
		switch {
		case isCounter(v, l, lv):
			counters = append(counters, lv)
		case isOp(v.prod[v.skip(lv.nextVal())], "TensorArrayWriteV3", "TensorListSetItem"):
			if flow != nil {
				return nil
			}
			flow = lv
		default:
			states = append(states, lv)
		}
	}
	// No output array when only the final state is read. A masked Keras
	// loop carries its previous output as one more state.
	if len(counters) == 0 || len(counters) > 2 || len(states) == 0 || len(states) > 3 {
		return nil
	}
	for _, c := range counters {
		if c.exit != nil && v.used(c.exitVal()) {
			return nil
		}
	}
	// The output array: a TensorArray written at time t (the flow is the
	// variable), or a TensorList (TF2 and lowered While loops) reserved
	// before the loop and set at time t (the list is the variable).
	var write, outTA *graph.Node
	list := false
	if flow != nil {
		write = v.prod[v.skip(flow.nextVal())]
		list = write.Op == "TensorListSetItem"
	}
	switch {
	case flow == nil:
	case list:
		if len(write.Inputs) != 3 || v.skip(write.Inputs[0]) != flow.body() ||
			!isOp(v.prod[v.skipEnter(flow.init())], "TensorListReserve") {
			return nil
		}
	default:
		if len(write.Inputs) != 4 || v.skip(write.Inputs[3]) != flow.body() {
			return nil
		}
		if outTA = v.prod[v.skipEnter(write.Inputs[0])]; !isOp(outTA, "TensorArrayV3") {
			return nil
		}
	}
	var timeVar *loopVar
	for _, c := range counters {
		if write != nil && v.skip(write.Inputs[1]) == c.body() {
			timeVar = c
		}
	}
	lastOnly := false
	if timeVar == nil && write != nil {
		// Keras without return_sequences: a one-element list set at 0
		// every step holds the last output. The counters all count the
		// same steps; the input read picks one below.
		if !list {
			return nil
		}
		n, ok1 := v.scalarInt(v.prod[v.skipEnter(flow.init())].Inputs[1])
		k, ok2 := v.scalarInt(write.Inputs[1])
		if !ok1 || !ok2 || n != 1 || k != 0 {
			return nil
		}
		lastOnly = true
	}
	// isTime: the value is the time step (all counters count the same
	// steps; without a write at time t, any of them).
	isTime := func(val string) bool {
		for _, tv := range counters {
			if (timeVar == nil || tv == timeVar) && v.skip(val) == tv.body() {
				return true
			}
		}
		return false
	}
	c := &cell{l: l}

	// Output and, with sequence_length, the copy-through selects.
	copyCond := ""
	seqLenOf := func(cond string) bool {
		copyCond = v.skip(cond)
		ge := v.prod[copyCond]
		if !isOp(ge, "GreaterEqual") || !isTime(ge.Inputs[0]) {
			return false
		}
		enter := v.prod[v.skip(ge.Inputs[1])]
		if !isOp(enter, "Enter") {
			return false
		}
		c.seqLen = enter.Inputs[0]
		return true
	}
	hNew := ""
	if write != nil {
		hNew = write.Inputs[2]
		if states, hNew = matchMaskedOutput(v, c, states, hNew, isTime); hNew == "" {
			return nil
		}
		if cond, zero, nv, ok := selectOf(v, hNew); ok && c.mask == "" {
			if !v.isZero(zero) || !seqLenOf(cond) {
				return nil
			}
			hNew = nv
		}
	}
	if len(states) > 2 {
		return nil
	}
	newOf := map[*loopVar]string{}
	for _, s := range states {
		nv := s.nextVal()
		if c.mask != "" {
			// Keras masking: SelectV2(mask_t, new, previous).
			cond, n2, prev, ok := selectOf(v, nv)
			if !ok || maskReadOf(v, cond, isTime) != c.maskRead || v.skip(prev) != s.body() {
				return nil
			}
			newOf[s] = v.skip(n2)
			continue
		}
		if cond, prev, n2, ok := selectOf(v, nv); ok {
			if copyCond == "" && write == nil && !seqLenOf(cond) {
				return nil
			}
			if copyCond == "" || v.skip(cond) != copyCond || v.skip(prev) != s.body() {
				return nil
			}
			nv = n2
		} else if copyCond != "" {
			return nil
		}
		newOf[s] = v.skip(nv)
	}
	// An LSTM state kept as one tensor concat([c, h], 1) (state_is_tuple
	// False): the body slices it and concatenates the new halves.
	if len(states) == 1 {
		if cn, hn, cp, hp, ok := concatState(v, states[0], newOf[states[0]]); ok && (hNew == "" || v.skip(hNew) == v.skip(hn)) {
			xt := matchLSTM(v, c, hn, cn, hp, cp)
			s := states[0]
			if xt == "" || !v.isZero(s.init()) || sliceWidth(v, hp) != c.hidden {
				return nil
			}
			if !matchInputOutputs(v, c, xt, counters, timeVar, flow, list, outTA, lastOnly) {
				return nil
			}
			c.zeroInit = true
			if s.exit != nil && v.used(s.exitVal()) {
				c.stateExit = s.exitVal()
			}
			return c
		}
	}
	var hVar, cVar *loopVar
	for _, s := range states {
		if newOf[s] == v.skip(hNew) {
			hVar = s
		} else {
			cVar = s
		}
	}
	if hNew == "" {
		// Only the final state is read: try each state as h.
		hVar, cVar = states[0], nil
		if len(states) == 2 {
			cVar = states[1]
		}
		hNew = newOf[hVar]
	}
	if hVar == nil {
		return nil
	}
	var xt string
	switch len(states) {
	case 2:
		if cVar == nil {
			return nil
		}
		lstm := func() string {
			if x := matchLSTM(v, c, hNew, newOf[cVar], hVar.body(), cVar.body()); x != "" {
				return x
			}
			return matchLSTMPerGate(v, c, hNew, newOf[cVar], hVar.body(), cVar.body())
		}
		xt = lstm()
		if xt == "" && write == nil {
			hVar, cVar = cVar, hVar
			hNew = newOf[hVar]
			xt = lstm()
		}
	case 1:
		if xt = matchGRU(v, c, hNew, hVar.body()); xt == "" {
			xt = matchKerasGRU(v, c, hNew, hVar.body())
		}
		if xt == "" {
			xt = matchGRUPerGate(v, c, hNew, hVar.body())
		}
	}
	if xt == "" {
		return nil
	}

	if !matchInputOutputs(v, c, xt, counters, timeVar, flow, list, outTA, lastOnly) {
		return nil
	}
	c.hExit = hVar.exitVal()
	if !v.used(c.hExit) {
		c.hExit = ""
	}
	c.h0 = hVar.init()
	c.zeroInit = v.isZero(c.h0)
	if cVar != nil {
		c.cExit = cVar.exitVal()
		if !v.used(c.cExit) {
			c.cExit = ""
		}
		c.c0 = cVar.init()
		c.zeroInit = c.zeroInit && v.isZero(c.c0)
	}
	return c
}

// matchInputOutputs finds the cell's input array (read at time t) and the
// stacks of its output array after the loop.
func matchInputOutputs(v *view, c *cell, xt string, counters []*loopVar, timeVar, flow *loopVar, list bool,
	outTA *graph.Node, lastOnly bool) bool {
	for _, tv := range counters {
		if timeVar == nil || tv == timeVar {
			if c.scatterVal = timeInput(v, xt, tv); c.scatterVal != "" {
				break
			}
		}
	}
	if c.scatterVal == "" {
		return false
	}
	c.lastOnly = lastOnly
	// The output: gathered (stacked) after the loop.
	// A TensorList reaches its stacks through the Identity nodes TF2 puts
	// on a While's outputs.
	work := []string{}
	if flow != nil && flow.exit != nil {
		work = append(work, flow.exitVal())
	}
	for len(work) > 0 {
		val := work[len(work)-1]
		work = work[:len(work)-1]
		if v.g.IsOutput(val) {
			return false
		}
		for _, cn := range v.cons[val] {
			switch {
			case list && isOp(cn, "Identity"):
				work = append(work, out(cn, 0))
				continue
			case list && isOp(cn, "TensorListStack") && cn.Inputs[0] == val:
			case !list && isOp(cn, "TensorArrayGatherV3") && len(cn.Inputs) == 3 && cn.Inputs[2] == val &&
				v.skip(cn.Inputs[0]) == out(outTA, 0) && isIdentityRange(v, cn.Inputs[1]):
			default:
				return false
			}
			c.gathers = append(c.gathers, out(cn, 0))
		}
	}
	return true
}

// concatState matches a state variable s whose next value is
// concat([c', h'], 1) and whose current value the body reads as two
// column slices, c then h.
func concatState(v *view, s *loopVar, next string) (cNew, hNew, cPrev, hPrev string, ok bool) {
	cc := v.prod[next]
	if !isOp(cc, "ConcatV2") || len(cc.Inputs) != 3 {
		return
	}
	if ax, ok2 := v.scalarInt(cc.Inputs[2]); !ok2 || (ax != 1 && ax != -1) {
		return
	}
	var cols [2]string
	var readers []*graph.Node
	for work := []string{s.body()}; len(work) > 0; work = work[1:] {
		for _, r := range v.cons[work[0]] {
			if isOp(r, "Identity") {
				work = append(work, out(r, 0))
			} else {
				readers = append(readers, r)
			}
		}
	}
	for _, sl := range readers {
		if !isOp(sl, "Slice") || len(sl.Inputs) != 3 {
			continue
		}
		b, ok1 := v.ints(sl.Inputs[1])
		z, ok2 := v.ints(sl.Inputs[2])
		if !ok1 || !ok2 || len(b) != 2 || len(z) != 2 || b[0] != 0 || z[0] != -1 {
			return
		}
		switch {
		case b[1] == 0:
			cols[0] = out(sl, 0)
		case b[1] == z[1]:
			cols[1] = out(sl, 0)
		default:
			return
		}
	}
	if cols[0] == "" || cols[1] == "" {
		return
	}
	return cc.Inputs[0], cc.Inputs[1], cols[0], cols[1], true
}

// sliceWidth is the column count of a Slice made by concatState's match.
func sliceWidth(v *view, val string) int64 {
	z, _ := v.ints(v.prod[val].Inputs[2])
	return z[1]
}

// timeInput matches the cell input x_t read at time t from an array made
// of a time-major tensor before the loop: a TensorArray scattered
// (unstacked) or a TensorList made with TensorListFromTensor. It returns
// that tensor, or "".
func timeInput(v *view, xt string, timeVar *loopVar) string {
	read := v.prod[v.skip(xt)]
	switch {
	case isOp(read, "TensorListGetItem") && len(read.Inputs) >= 2 && v.skip(read.Inputs[1]) == timeVar.body():
		ft := v.prod[v.skipEnter(read.Inputs[0])]
		if !isOp(ft, "TensorListFromTensor") {
			return ""
		}
		return ft.Inputs[0]
	case isOp(read, "TensorArrayReadV3") && len(read.Inputs) == 3 && v.skip(read.Inputs[1]) == timeVar.body():
		inTA := v.prod[v.skipEnter(read.Inputs[0])]
		if !isOp(inTA, "TensorArrayV3") {
			return ""
		}
		scatter := v.prod[v.skipEnter(read.Inputs[2])]
		if !isOp(scatter, "TensorArrayScatterV3") || len(scatter.Inputs) != 4 || v.skip(scatter.Inputs[0]) != out(inTA, 0) ||
			!isIdentityRange(v, scatter.Inputs[1]) {
			return ""
		}
		return scatter.Inputs[2]
	}
	return ""
}

// isIdentityRange reports indices range(0, n, 1): element i goes to i.
func isIdentityRange(v *view, val string) bool {
	p := v.prod[v.skip(val)]
	if !isOp(p, "Range") || len(p.Inputs) != 3 {
		return false
	}
	s, ok1 := v.scalarInt(p.Inputs[0])
	d, ok2 := v.scalarInt(p.Inputs[2])
	return ok1 && ok2 && s == 0 && d == 1
}

// matchLSTM matches the LSTM cell body (TF1 LSTMCell/BasicLSTMCell or a
// Keras LSTMCell) and fills the weights; it returns the cell's input x_t,
// or "". The four gates are one Split of the affine map; which part is
// which gate follows from how each is used (TF1 orders them i, j, f, o,
// Keras i, f, c, o):
//
//	c' = sigmoid(f + forget_bias)·c + sigmoid(i)·tanh(j)
//	h' = sigmoid(o)·tanh(c')
func matchLSTM(v *view, c *cell, hNew, cNew, hPrev, cPrev string) string {
	c.recAct, c.actSeen = "", false
	if x := matchLSTMBlockCell(v, c, hNew, cNew, hPrev, cPrev); x != "" {
		return x
	}
	var split *graph.Node
	// gate reports the Split part val is, or -1.
	gate := func(val string) int {
		s, p := splitOut(v, val, 4)
		if s == nil || (split != nil && s != split) {
			return -1
		}
		split = s
		return p
	}
	var o, f, i, j int
	isSig := func(val string) bool {
		o = gate(recurrentAct(v, c, val))
		return o >= 0
	}
	// h' = sigmoid(o) · tanh(c')
	_, tc, ok := binary(v, hNew, []string{"Mul"}, isSig)
	var hc string
	if hc, c.actH = cellAct(v, tc); !ok || v.skip(hc) != cNew {
		return ""
	}
	// c' = A + B
	isForget := func(val string) bool {
		_, _, ok := binary(v, val, []string{"Mul"}, func(x string) bool { return v.skip(x) == cPrev })
		return ok
	}
	fc, ij, ok := binary(v, cNew, addOps, isForget)
	if !ok {
		return ""
	}
	_, sf, _ := binary(v, fc, []string{"Mul"}, func(x string) bool { return v.skip(x) == cPrev })
	fArg := recurrentAct(v, c, sf)
	forgetBias := 0.0
	if f = gate(fArg); f < 0 {
		_, fb, ok := binary(v, fArg, addOps, func(x string) bool { f = gate(x); return f >= 0 })
		t := v.constOf(fb)
		if !ok || t == nil || t.NumElements() != 1 {
			return ""
		}
		forgetBias = t.Float64s()[0]
	}
	_, tj, ok := binary(v, ij, []string{"Mul"}, func(val string) bool {
		i = gate(recurrentAct(v, c, val))
		return i >= 0
	})
	if !ok {
		return ""
	}
	var jArg string
	jArg, c.actG = cellAct(v, tj)
	if j = gate(jArg); j < 0 || c.actG != c.actH {
		return ""
	}
	if seen := map[int]bool{i: true, j: true, f: true, o: true}; len(seen) != 4 {
		return ""
	}
	x, h, k, bias, ok := dense(v, split.Inputs[1], func(x string) bool { return v.skip(x) == hPrev })
	if !ok || v.skip(h) != hPrev || k.Dims[1]%4 != 0 {
		return ""
	}
	H := k.Dims[1] / 4
	I := k.Dims[0] - H
	if I <= 0 {
		return ""
	}
	c.kind, c.hidden, c.input, c.dtype = "LSTM", H, I, k.DType
	kv, bv := k.Float64s(), bias.Float64s()
	order := []int64{int64(i), int64(o), int64(f), int64(j)} // ONNX i, o, f, c
	c.w, c.r = gateWeights(kv, I, H, 4, func(g int64) (int64, int64) { return order[g] * H, 4 * H })
	c.b = lstmBias(bv, order, H, forgetBias)
	return x
}

// cellAct returns the argument and op of the activation Keras lets an LSTM
// choose for the candidate and the output (Tanh, Sigmoid, Relu).
func cellAct(v *view, val string) (string, string) {
	for _, op := range []string{"Tanh", "Sigmoid", "Relu"} {
		if a := unaryIn(v, val, op); a != "" {
			return a, op
		}
	}
	return "", ""
}

// recurrentAct returns the argument of a gate activation, the first one
// seen fixing the cell's kind (all gates must share it): Sigmoid, or the
// hard sigmoid clip(0.2·x + 0.5, 0, 1) written as Maximum(Minimum(…, 1), 0)
// in either order. "" when val is neither.
func recurrentAct(v *view, c *cell, val string) string {
	kind, arg := "", unaryIn(v, val, "Sigmoid")
	if arg == "" {
		kind, arg = "HardSigmoid", hardSigmoid(v, val)
	}
	if arg == "" {
		kind, arg = hardSigmoid6, keras3HardSigmoid(v, val)
	}
	if arg == "" || (c.recAct != kind && c.actSeen) {
		return ""
	}
	c.recAct, c.actSeen = kind, true
	return arg
}

// hardSigmoid6 marks Keras 3's hard sigmoid, relu6(x + 3) / 6: ONNX
// HardSigmoid with alpha 1/6 (and beta 0.5, its default).
const hardSigmoid6 = "HardSigmoid/6"

// keras3HardSigmoid returns x of RealDiv(Relu6(x + 3), 6), or "".
func keras3HardSigmoid(v *view, val string) string {
	isConst := func(x string, want float64) bool {
		t := v.constOf(x)
		return t != nil && t.NumElements() == 1 && math.Abs(t.Float64s()[0]-want) < 1e-6
	}
	p := v.prod[v.skip(val)]
	if !isOp(p, "RealDiv") || len(p.Inputs) != 2 || !isConst(p.Inputs[1], 6) {
		return ""
	}
	sum := unaryIn(v, p.Inputs[0], "Relu6")
	if sum == "" {
		return ""
	}
	x, three, ok := binary(v, sum, addOps, func(y string) bool { return !isConst(y, 3) })
	if !ok || !isConst(three, 3) {
		return ""
	}
	return x
}

func hardSigmoid(v *view, val string) string {
	isConst := func(x string, want float64) bool {
		t := v.constOf(x)
		return t != nil && t.NumElements() == 1 && math.Abs(t.Float64s()[0]-want) < 1e-6
	}
	clip := func(val, op string, bound float64) string {
		p := v.prod[v.skip(val)]
		if !isOp(p, op) || len(p.Inputs) != 2 {
			return ""
		}
		for i := 0; i < 2; i++ {
			if isConst(p.Inputs[1-i], bound) {
				return p.Inputs[i]
			}
		}
		return ""
	}
	inner := clip(val, "Maximum", 0)
	if inner = clip(inner, "Minimum", 1); inner == "" {
		if inner = clip(clip(val, "Minimum", 1), "Maximum", 0); inner == "" {
			return ""
		}
	}
	// 0.2·x + 0.5
	ax, _, ok := binary(v, inner, addOps, func(x string) bool {
		_, _, ok := binary(v, x, []string{"Mul"}, func(y string) bool { return isConst(y, 0.2) })
		return ok
	})
	if !ok {
		return ""
	}
	_, half, _ := binary(v, inner, addOps, func(x string) bool { return x == ax })
	if !isConst(half, 0.5) {
		return ""
	}
	_, x, _ := binary(v, ax, []string{"Mul"}, func(y string) bool { return isConst(y, 0.2) })
	return x
}

// gateWeights transposes the rows of a TF kernel [I+H, cols] into ONNX W
// [gates·H, I] and R [gates·H, H]; col(g) gives gate g's first column in
// the kernel and its column count.
func gateWeights(k []float64, I, H, gates int64, col func(g int64) (int64, int64)) (w, r []float64) {
	w = make([]float64, gates*H*I)
	r = make([]float64, gates*H*H)
	for g := int64(0); g < gates; g++ {
		c0, cols := col(g)
		for j := int64(0); j < H; j++ {
			row := g*H + j
			for i := int64(0); i < I; i++ {
				w[row*I+i] = k[i*cols+c0+j]
			}
			for i := int64(0); i < H; i++ {
				r[row*H+i] = k[(I+i)*cols+c0+j]
			}
		}
	}
	return w, r
}

// oneMinusTimes matches val = (1 - g)·cand, the candidate's share of a GRU
// update, with isG recognising g; it returns cand.
func oneMinusTimes(v *view, val string, isG func(string) bool) (string, bool) {
	_, cand, ok := binary(v, val, []string{"Mul"}, func(x string) bool {
		p := v.prod[v.skip(x)]
		if !isOp(p, "Sub") || len(p.Inputs) != 2 || !isG(p.Inputs[1]) {
			return false
		}
		t := v.constOf(p.Inputs[0])
		return t != nil && t.NumElements() == 1 && t.Float64s()[0] == 1
	})
	return cand, ok
}

// lstmBias is ONNX LSTM's B [8·H] (input biases; the recurrent ones zero)
// from a TF bias in TF's gate order: order[g] is the TF gate of ONNX gate g
// (i, o, f, c), and the forget gate also gets forget_bias.
func lstmBias(bv []float64, order []int64, H int64, forgetBias float64) []float64 {
	b := make([]float64, 8*H)
	for g := int64(0); g < 4; g++ {
		for j := int64(0); j < H; j++ {
			b[g*H+j] = bv[order[g]*H+j]
		}
	}
	for j := int64(0); j < H; j++ {
		b[2*H+j] += forgetBias
	}
	return b
}

// matchGRU matches the GRUCell body; it returns x_t, or "".
//
//	r, u = split(sigmoid(concat([x, h]) · Kg + bg), 2, axis=1)
//	c = tanh(concat([x, r·h]) · Kc + bc)
//	h' = u·h + (1 - u)·c
func matchGRU(v *view, c *cell, hNew, hPrev string) string {
	if x := matchGRUBlockCell(v, c, hNew, hPrev); x != "" {
		return x
	}
	var split *graph.Node
	gate := func(val string, idx int) bool {
		s, p := splitOut(v, val, 2)
		if s == nil || p != idx || (split != nil && s != split) {
			return false
		}
		split = s
		return true
	}
	isUH := func(val string) bool {
		_, _, ok := binary(v, val, []string{"Mul"}, func(x string) bool { return gate(x, 1) })
		if !ok {
			return false
		}
		_, hh, _ := binary(v, val, []string{"Mul"}, func(x string) bool { return gate(x, 1) })
		return v.skip(hh) == hPrev
	}
	uh, rest, ok := binary(v, hNew, addOps, isUH)
	if !ok || uh == "" {
		return ""
	}
	cand, ok := oneMinusTimes(v, rest, func(x string) bool { return gate(x, 1) })
	if !ok {
		return ""
	}
	cx, rh, ck, cb, ok := dense(v, unaryIn(v, cand, "Tanh"), func(string) bool { return false })
	if !ok {
		return ""
	}
	_, hh, ok := binary(v, rh, []string{"Mul"}, func(x string) bool { return gate(x, 0) })
	if !ok || v.skip(hh) != hPrev {
		return ""
	}
	x, h, gk, gb, ok := dense(v, unaryIn(v, split.Inputs[1], "Sigmoid"), func(x string) bool { return v.skip(x) == hPrev })
	if !ok || v.skip(h) != hPrev || v.skip(x) != v.skip(cx) || gk.Dims[1]%2 != 0 {
		return ""
	}
	if !gruWeights(c, gk, gb, ck, cb) {
		return ""
	}
	return x
}

// gruWeights fills a GRU cell's weights from TF's GRUCell layout: the gate
// kernel gk [I+H, 2H] (r, u) and bias, the candidate kernel ck [I+H, H]
// and bias. False when the shapes disagree.
func gruWeights(c *cell, gk, gb, ck, cb *graph.Tensor) bool {
	if len(gk.Dims) != 2 || len(ck.Dims) != 2 || gk.Dims[1]%2 != 0 {
		return false
	}
	H := gk.Dims[1] / 2
	I := gk.Dims[0] - H
	if I <= 0 || ck.Dims[0] != I+H || ck.Dims[1] != H || gk.DType != ck.DType || gb.NumElements() != 2*H || cb.NumElements() != H {
		return false
	}
	c.kind, c.hidden, c.input, c.dtype = "GRU", H, I, gk.DType
	gkv, ckv := gk.Float64s(), ck.Float64s()
	// ONNX z, r from the gate kernel (TF r, u); h from the candidate kernel.
	wz, rz := gateWeights(gkv, I, H, 1, func(int64) (int64, int64) { return H, 2 * H })
	wr, rr := gateWeights(gkv, I, H, 1, func(int64) (int64, int64) { return 0, 2 * H })
	wh, rh2 := gateWeights(ckv, I, H, 1, func(int64) (int64, int64) { return 0, H })
	c.w = append(append(wz, wr...), wh...)
	c.r = append(append(rz, rr...), rh2...)
	gbv, cbv := gb.Float64s(), cb.Float64s()
	c.b = make([]float64, 6*H)
	copy(c.b[0:H], gbv[H:2*H])
	copy(c.b[H:2*H], gbv[0:H])
	copy(c.b[2*H:3*H], cbv)
	return true
}

// analyzeInput finds how dynamic_rnn prepared the scattered input: a
// batch-major → time-major transpose and, for the backward direction of
// bidirectional_dynamic_rnn, a reversal in time.
func analyzeInput(v *view, c *cell) {
	val := c.scatterVal
	// Keras (go_backwards) reverses the time-major tensor after the
	// transpose; dynamic_rnn reverses before it.
	revFirst := false
	if _, lens, ok := reversal(v, val, false); ok && lens == "" && c.seqLen == "" {
		if t := v.prod[v.prod[val].Inputs[0]]; isOp(t, "Transpose") {
			revFirst, val = true, v.prod[val].Inputs[0]
		}
	}
	if p := v.prod[val]; isOp(p, "Transpose") && len(p.Inputs) == 2 {
		if perm, ok := v.ints(p.Inputs[1]); ok && slices.Equal(perm, []int64{1, 0, 2}) {
			c.batchMajor = true
			val = p.Inputs[0]
		}
	}
	c.src = val
	if revFirst {
		if c.batchMajor {
			c.reversed = true
		} else {
			c.src = c.scatterVal // a reversal of a transpose that is not batch→time
		}
		return
	}
	if axis, lens, ok := reversal(v, val, c.batchMajor); ok {
		switch {
		case lens == "" && c.seqLen == "":
			c.reversed, c.src = true, v.prod[val].Inputs[0]
		case lens != "" && c.seqLen != "" && seqRoot(v, lens) == seqRoot(v, c.seqLen):
			c.reversed, c.revSeq, c.src = true, true, v.prod[val].Inputs[0]
		}
		_ = axis
	}
}

// reversal matches a time reversal of a rank-3 tensor: ReverseV2 on the
// time axis (lens "") or ReverseSequence along time with lengths lens.
func reversal(v *view, val string, batchMajor bool) (axis int64, lens string, ok bool) {
	tAxis, bAxis := int64(0), int64(1)
	if batchMajor {
		tAxis, bAxis = 1, 0
	}
	p := v.prod[val]
	switch {
	case isOp(p, "ReverseV2") && len(p.Inputs) == 2:
		axes, ok := v.ints(p.Inputs[1])
		if !ok || len(axes) != 1 {
			return 0, "", false
		}
		a := axes[0]
		if a < 0 {
			a += 3
		}
		return a, "", a == tAxis
	case isOp(p, "ReverseSequence") && len(p.Inputs) == 2:
		sd, bd := p.Int("seq_dim", -1), p.Int("batch_dim", 0)
		if sd < 0 {
			sd += 3
		}
		if bd < 0 {
			bd += 3
		}
		return sd, p.Inputs[1], sd == tAxis && bd == bAxis
	}
	return 0, "", false
}

// tfDType is what the graph tells of a TF value's element type before
// mapping (the producer's type attributes).
func tfDType(v *view, val string) graph.DType {
	if dt := v.g.DTypeOf(val); dt != graph.Undefined {
		return dt
	}
	p := v.prod[val]
	if p == nil {
		return graph.Undefined
	}
	for _, k := range []string{"DstT", "T", "dtype", "out_type"} {
		if dt := p.Type(k); dt != graph.Undefined {
			return dt
		}
	}
	return graph.Undefined
}

// emitRNN replaces one or two matched loops (forward first) by an ONNX
// LSTM or GRU node. renames records the values replaced so far, so that a
// layer reading an earlier layer's output finds its new name.
func emitRNN(g *graph.Graph, renames map[string]string, dirs []*cell) {
	v := newView(g)
	res := func(val string) string {
		for i := 0; i < 1000 && val != ""; i++ {
			n, ok := renames[val]
			if !ok {
				break
			}
			val = n
		}
		return val
	}
	replace := func(old, new string) {
		replaceValue(g, old, new)
		renames[old] = new
	}
	for _, c := range dirs {
		c.scatterVal, c.src, c.seqLen = res(c.scatterVal), res(c.src), res(c.seqLen)
		c.h0, c.c0 = res(c.h0), res(c.c0)
		c.mask = res(c.mask)
	}
	c0 := dirs[0]
	base := baseName(c0.l.name)
	if len(dirs) == 2 {
		base = commonScope(base, baseName(dirs[1].l.name))
	}
	e := &emitter{g: g, base: base}
	direction := "forward"
	switch {
	case len(dirs) == 2:
		direction = "bidirectional"
	case c0.reversed:
		direction = "reverse"
	}
	// X, time-major; a lone cell over an input it does not own reads it as
	// given.
	x := c0.scatterVal
	if direction != "forward" || c0.batchMajor {
		x = c0.src
		if c0.batchMajor {
			x = e.transpose(x, 1, 0, 2)
		}
	}
	var kc *compaction
	if c0.mask != "" {
		m, rev := maskInOrder(v, c0)
		if rev {
			m = e.reverseTime(m, "")
		}
		x, kc = compact(e, x, m)
	}
	H, I := c0.hidden, c0.input
	gates := int64(4)
	if c0.kind == "GRU" {
		gates = 3
	}
	D := int64(len(dirs))
	var w, r, b []float64
	for _, c := range dirs {
		w = append(w, c.w...)
		r = append(r, c.r...)
		b = append(b, c.b...)
	}
	inputs := []string{x,
		e.tensor(graph.NewTensor(c0.dtype, []int64{D, gates * H, I}, w)),
		e.tensor(graph.NewTensor(c0.dtype, []int64{D, gates * H, H}, r)),
		e.tensor(graph.NewTensor(c0.dtype, []int64{D, 2 * gates * H}, b)),
		"", "", "",
	}
	// lensPos ([batch, 1]): the sequence has a step. ONNX gives zeros as
	// the final state of an empty one, TF its initial state.
	lensPos := ""
	switch {
	case kc != nil:
		inputs[4] = e.cast(kc.lens, graph.Int32)
		lensPos = e.op("Unsqueeze", nil, e.op("Greater", nil, kc.lens, e.scalar(0)), e.ints(1))
	case c0.seqLen != "":
		seq := c0.seqLen
		if tfDType(v, seq) != graph.Int32 {
			seq = e.cast(seq, graph.Int32)
		}
		inputs[4] = seq
		lensPos = e.op("Unsqueeze", nil, e.op("Greater", nil, e.cast(seq, graph.Int64), e.scalar(0)), e.ints(1))
	}
	if !c0.zeroInit {
		inputs[5] = initialState(e, dirs, func(c *cell) string { return c.h0 })
		if c0.kind == "LSTM" {
			inputs[6] = initialState(e, dirs, func(c *cell) string { return c.c0 })
		}
	}
	if c0.peep != nil {
		var p []float64
		for _, c := range dirs {
			p = append(p, c.peep...)
		}
		inputs = append(inputs, e.tensor(graph.NewTensor(c0.dtype, []int64{D, 3 * H}, p)))
	}
	for len(inputs) > 0 && inputs[len(inputs)-1] == "" {
		inputs = inputs[:len(inputs)-1]
	}
	attrs := map[string]any{"hidden_size": H, "direction": direction}
	if c0.recAct != "" || c0.actG != "Tanh" && c0.kind == "LSTM" {
		f := c0.recAct
		switch f {
		case "":
			f = "Sigmoid"
		case hardSigmoid6:
			// Only HardSigmoid takes alpha and beta: one each per direction,
			// consumed in the order of the activations.
			f = "HardSigmoid"
			var alphas, betas []float32
			for range dirs {
				alphas, betas = append(alphas, 1.0/6), append(betas, 0.5)
			}
			attrs["activation_alpha"], attrs["activation_beta"] = alphas, betas
		}
		var acts []string
		for range dirs {
			if c0.kind == "GRU" {
				acts = append(acts, f, "Tanh")
			} else {
				acts = append(acts, f, c0.actG, c0.actG)
			}
		}
		attrs["activations"] = acts
	}
	if c0.kind == "GRU" {
		attrs["linear_before_reset"] = c0.linearBeforeReset
	}
	nOut := 2
	if c0.kind == "LSTM" {
		nOut = 3
	}
	outs := e.opN(c0.kind, nOut, attrs, inputs...)
	y, yh := outs[0], outs[1]
	yc := ""
	if nOut == 3 {
		yc = outs[2]
	}
	needH, needC := false, false
	for _, c := range dirs {
		needH = needH || c.hExit != "" || c.stateExit != "" || (c.lastOnly && len(c.gathers) > 0)
		needC = needC || c.cExit != "" || c.stateExit != ""
	}
	if !needH {
		outs[1] = ""
	}
	if nOut == 3 && !needC {
		outs[2] = ""
	}
	for len(outs) > 1 && outs[len(outs)-1] == "" {
		outs = outs[:len(outs)-1]
	}
	g.Nodes[len(g.Nodes)-1].Outputs = outs

	// finalState gives direction d's final h, c and [c, h] to their readers.
	finalState := func(c *cell, d int) {
		state := func(y, init string) string {
			s := e.gather(y, int64(d), 0)
			if lensPos != "" && !c.zeroInit {
				s = e.op("Where", nil, lensPos, s, init)
			}
			return s
		}
		if c.hExit != "" {
			replace(c.hExit, state(yh, c.h0))
		}
		if c.cExit != "" {
			replace(c.cExit, state(yc, c.c0))
		}
		if c.stateExit != "" {
			replace(c.stateExit, e.op("Concat", map[string]any{"axis": int64(1)}, state(yc, c.c0), state(yh, c.h0)))
		}
	}

	// Outputs of each direction, in the forms TF's consumers read.
	var bm []string // batch-major outputs standing for TF's final values
	for d, c := range dirs {
		yd := y
		if D == 1 {
			yd = e.op("Squeeze", nil, y, e.ints(1))
		} else {
			yd = e.gather(y, int64(d), 1)
		}
		reversed := direction == "reverse" || (direction == "bidirectional" && d == 1)
		if kc != nil {
			yd = kc.expand(e, yd, c, reversed, c0.dtype)
		}
		if c.lastOnly {
			last := e.op("Unsqueeze", nil, e.gather(yh, int64(d), 0), e.ints(0))
			if kc != nil {
				// The loop's last step: the input's first for the reverse direction.
				at := int64(-1)
				if reversed {
					at = 0
				}
				last = e.op("Unsqueeze", nil, e.gather(yd, at, 0), e.ints(0))
			}
			for _, gv := range c.gathers {
				replace(gv, last)
			}
			bm = append(bm, "")
			finalState(c, d)
			continue
		}
		lens := ""
		if reversed && c.revSeq {
			lens = c.seqLen
		}
		// Consumers that undo dynamic_rnn's transposes and reversal get the
		// ONNX output directly.
		type repl struct{ old, new string }
		var later []repl
		bmd := ""
		for _, gv := range c.gathers {
			for _, t1 := range v.cons[gv] {
				if c.batchMajor && isOp(t1, "Transpose") && len(t1.Inputs) == 2 && t1.Inputs[0] == gv {
					perm, ok := v.ints(t1.Inputs[1])
					if !ok || !slices.Equal(perm, []int64{1, 0, 2}) {
						continue
					}
					if !reversed {
						if bmd == "" {
							bmd = e.transpose(yd, 1, 0, 2)
						}
						later = append(later, repl{out(t1, 0), bmd})
						continue
					}
					for _, rv := range v.cons[out(t1, 0)] {
						if undoesReversal(v, rv, out(t1, 0), true, c) {
							if bmd == "" {
								bmd = e.transpose(yd, 1, 0, 2)
							}
							later = append(later, repl{out(rv, 0), bmd})
						}
					}
				}
				if !c.batchMajor && reversed && undoesReversal(v, t1, gv, false, c) {
					later = append(later, repl{out(t1, 0), yd})
				}
			}
		}
		bm = append(bm, bmd)
		gval := yd
		if reversed {
			gval = e.reverseTime(yd, lens)
		}
		for _, gv := range c.gathers {
			replace(gv, gval)
		}
		for _, rp := range later {
			replace(rp.old, rp.new)
		}
		finalState(c, d)
	}
	// concat([fw, bw], -1) of the two batch-major outputs is Y with its
	// direction axis moved next to hidden.
	if D == 2 && bm[0] != "" && bm[1] != "" && kc == nil {
		v2 := newView(g)
		for _, cn := range v2.cons[bm[0]] {
			if !isOp(cn, "ConcatV2") || len(cn.Inputs) != 3 || cn.Inputs[0] != bm[0] || cn.Inputs[1] != bm[1] {
				continue
			}
			if ax, ok := v2.scalarInt(cn.Inputs[2]); !ok || (ax != -1 && ax != 2) {
				continue
			}
			cat := e.op("Reshape", nil, e.transpose(y, 2, 0, 1, 3), e.ints(0, 0, -1))
			replace(out(cn, 0), cat)
		}
	}
}

// undoesReversal reports a consumer rv of val that reverses it in time
// exactly as dynamic_rnn's input was reversed.
func undoesReversal(v *view, rv *graph.Node, val string, batchMajor bool, c *cell) bool {
	if rv == nil || len(rv.Inputs) == 0 || rv.Inputs[0] != val {
		return false
	}
	_, lens, ok := reversal(v, out(rv, 0), batchMajor)
	if !ok {
		return false
	}
	if c.revSeq {
		return lens != "" && seqRoot(v, lens) == seqRoot(v, c.seqLen)
	}
	return lens == ""
}

// initialState stacks the directions' initial states to [dirs, batch, hidden].
func initialState(e *emitter, dirs []*cell, pick func(*cell) string) string {
	var parts []string
	for _, c := range dirs {
		parts = append(parts, e.op("Unsqueeze", nil, pick(c), e.ints(0)))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return e.op("Concat", map[string]any{"axis": int64(0)}, parts...)
}

// baseName is a loop frame's name without TF's "/while_context" suffix.
func baseName(frame string) string {
	const suf = "/while_context"
	if len(frame) > len(suf) && frame[len(frame)-len(suf):] == suf {
		return frame[:len(frame)-len(suf)]
	}
	return frame
}

// commonScope is the longest common prefix of two names, in whole
// "/"-separated parts (bidirectional_rnn/fw/fw/while and
// bidirectional_rnn/bw/bw/while share bidirectional_rnn).
func commonScope(a, b string) string {
	pa, pb := strings.Split(a, "/"), strings.Split(b, "/")
	i := 0
	for i < len(pa) && i < len(pb) && pa[i] == pb[i] {
		i++
	}
	if i == 0 {
		return a
	}
	return strings.Join(pa[:i], "/")
}
