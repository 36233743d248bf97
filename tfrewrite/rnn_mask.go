package tfrewrite

import (
	"reflect"
	"slices"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Keras masking (a Masking layer, an Embedding with mask_zero, or mask=
// passed to LSTM/GRU/Bidirectional). At a masked step the loop keeps the
// previous state and outputs zeros (zero_output_for_mask, which
// Bidirectional sets when it returns sequences) or the previous output:
//
//	out_t = SelectV2(mask_t, h'_t, zero or out_{t-1})
//	s_t   = SelectV2(mask_t, s'_t, s_{t-1})     for each state s
//
// ONNX sequence_lens says the same only for masks that are a prefix of
// ones (padding at the end), which no graph can promise. The state moves
// only at unmasked steps, so any mask is exact this way: move each
// sequence's unmasked steps to its front in order (a permutation along
// time), run the LSTM/GRU with sequence_lens = sum(mask), and read the
// output at step t back from the compacted position of the last unmasked
// step at or before t (the first at or after t for the reverse
// direction). With right padding the permutation is the identity.

// maskReadOf returns the read at time t of a Keras mask (a Tile of it, or
// the read itself) that a Select's condition cond is, or "". The mask's
// elements must be [batch, 1]: one flag per sequence, the same for every
// unit.
func maskReadOf(v *view, cond string, isTime func(string) bool) string {
	val := v.skip(cond)
	if p := v.prod[val]; isOp(p, "Tile") && len(p.Inputs) == 2 {
		val = v.skip(p.Inputs[0])
	}
	read := v.prod[val]
	if !isOp(read, "TensorListGetItem") || len(read.Inputs) != 3 || !isTime(read.Inputs[1]) ||
		tfDType(v, val) != graph.Bool && read.Type("element_dtype") != graph.Bool {
		return ""
	}
	ft := v.prod[v.skipEnter(read.Inputs[0])]
	if !isOp(ft, "TensorListFromTensor") || len(ft.Inputs) != 2 {
		return ""
	}
	perRow := func(shape string) bool {
		s, ok := v.ints(shape)
		return ok && len(s) == 2 && s[1] == 1
	}
	if !perRow(read.Inputs[2]) && !perRow(ft.Inputs[1]) {
		return ""
	}
	return val
}

// matchMaskedOutput recognises the masked output a loop writes, written:
// SelectV2(mask_t, h', zero or the previous output). It fills c.mask and
// returns the states without the one carrying the previous output, and
// h'. Without a mask it returns its arguments; "" when the form is
// broken.
func matchMaskedOutput(v *view, c *cell, states []*loopVar, written string, isTime func(string) bool) ([]*loopVar, string) {
	cond, hNew, fallback, ok := selectOf(v, written)
	if !ok {
		return states, written
	}
	read := maskReadOf(v, cond, isTime)
	if read == "" {
		return states, written
	}
	ft := v.prod[v.skipEnter(v.prod[read].Inputs[0])]
	c.mask, c.maskRead = ft.Inputs[0], read
	c.zeroOut = v.isZero(fallback)
	var kept []*loopVar
	var prevOut *loopVar
	for _, s := range states {
		if prevOut == nil && v.skip(s.nextVal()) == v.skip(written) {
			prevOut = s
			continue
		}
		kept = append(kept, s)
	}
	switch {
	case prevOut == nil && !c.zeroOut:
		return nil, ""
	case prevOut == nil:
	case !v.isZero(prevOut.init()) || (prevOut.exit != nil && v.used(prevOut.exitVal())):
		return nil, ""
	case !c.zeroOut && v.skip(fallback) != prevOut.body():
		return nil, ""
	}
	return kept, hNew
}

// sameValue reports two values that compute the same thing: the same
// value, equal constants, or the same op with the same attributes on
// inputs that are the same (the two directions of a Keras Bidirectional
// each build their own copy of the mask).
func sameValue(v *view, a, b string, depth int) bool {
	a, b = v.skip(a), v.skip(b)
	if a == b {
		return true
	}
	if depth > 8 {
		return false
	}
	ta, tb := v.g.Consts[a], v.g.Consts[b]
	if ta != nil || tb != nil {
		return ta != nil && tb != nil && ta.DType == tb.DType && slices.Equal(ta.Dims, tb.Dims) &&
			ta.DType != graph.String && slices.Equal(ta.Float64s(), tb.Float64s())
	}
	pa, pb := v.prod[a], v.prod[b]
	if pa == nil || pb == nil || pa.Op != pb.Op || pa.Domain != pb.Domain || port(a) != port(b) ||
		len(pa.Inputs) != len(pb.Inputs) || !reflect.DeepEqual(pa.Attrs, pb.Attrs) {
		return false
	}
	if isOp(pa, "Placeholder", "RandomUniform", "RandomStandardNormal") {
		return false
	}
	for i := range pa.Inputs {
		if !sameValue(v, pa.Inputs[i], pb.Inputs[i], depth+1) {
			return false
		}
	}
	return true
}

// maskInOrder is the cell's mask in the order of its input's time steps:
// the loop of a reverse direction reads it reversed. rev: the mask read is
// not a reversal, so mask must be reversed still.
func maskInOrder(v *view, c *cell) (mask string, rev bool) {
	if !c.reversed {
		return c.mask, false
	}
	if axis, lens, ok := reversal(v, c.mask, false); ok && axis == 0 && lens == "" {
		return v.prod[c.mask].Inputs[0], false
	}
	return c.mask, true
}

// sameMask: both directions of a pair see the same mask (or none).
func sameMask(v *view, a, b *cell) bool {
	if a.mask == "" || b.mask == "" {
		return a.mask == b.mask
	}
	ma, ra := maskInOrder(v, a)
	mb, rb := maskInOrder(v, b)
	return ra == rb && sameValue(v, ma, mb, 0)
}

// compaction is the mask arithmetic shared by the directions of one node.
type compaction struct {
	m    string // [T, batch] bool
	cs   string // [T, batch] int64: unmasked steps up to and including t
	mi   string // [T, batch] int64: the mask as 0/1
	lens string // [batch] int64: unmasked steps in all
}

// compact moves each sequence's unmasked steps of x (time-major [T, batch,
// ...]) to its front, in order; it returns the permuted x and the
// arithmetic the outputs need.
func compact(e *emitter, x, mask string) (string, *compaction) {
	k := &compaction{m: e.op("Squeeze", nil, mask, e.ints(2))}
	k.mi = e.cast(k.m, graph.Int64)
	k.cs = e.op("CumSum", nil, k.mi, e.scalar(0))
	k.lens = e.op("ReduceSum", map[string]any{"keepdims": int64(0)}, k.mi, e.ints(0))
	steps := e.gather(e.op("Shape", nil, k.mi), 0, 0)
	t := e.op("Unsqueeze", nil, e.op("Range", nil, e.scalar(0), steps, e.scalar(1)), e.ints(1))
	// Unmasked step t goes to cs-1; masked ones follow the last unmasked
	// one, in order: lens + (t - cs). The result is a permutation.
	dest := e.op("Where", nil, k.m, e.op("Sub", nil, k.cs, e.scalar(1)),
		e.op("Sub", nil, e.op("Add", nil, k.lens, t), k.cs))
	idx := e.op("Expand", nil, e.op("Unsqueeze", nil, dest, e.ints(2)), e.op("Shape", nil, x))
	return e.op("ScatterElements", map[string]any{"axis": int64(0)}, x, idx, x), k
}

// expand gives one direction's output y (compacted, [T, batch, hidden]) at
// the input's own time steps, as the masked loop gives it.
func (k *compaction) expand(e *emitter, y string, c *cell, reverse bool, dt graph.DType) string {
	j := e.op("Sub", nil, k.cs, e.scalar(1)) // the last unmasked step at or before t
	var valid string
	switch {
	case c.zeroOut:
		valid = k.m
	case !reverse:
		valid = e.op("Greater", nil, k.cs, e.scalar(0))
	default:
		// The reverse direction reached t at the first unmasked step at or
		// after t: the steps before t are all that come after it.
		j = e.op("Sub", nil, k.cs, k.mi)
		valid = e.op("Less", nil, j, k.lens)
	}
	j = e.op("Max", nil, j, e.scalar(0))
	idx := e.op("Expand", nil, e.op("Unsqueeze", nil, j, e.ints(2)), e.op("Shape", nil, y))
	got := e.op("GatherElements", map[string]any{"axis": int64(0)}, y, idx)
	return e.op("Mul", nil, got, e.cast(e.op("Unsqueeze", nil, valid, e.ints(2)), dt))
}
