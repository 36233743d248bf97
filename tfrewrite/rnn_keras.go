package tfrewrite

import (
	"slices"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Keras GRU cells (Keras 3 and tf.keras), in both forms:
//
//	reset_after=True (ONNX linear_before_reset=1):
//	  xz, xr, xh = split(x·K + bx, 3)        inner = h·R + bh
//	  z = σ(xz + inner[:, :H])   r = σ(xr + inner[:, H:2H])
//	  hh = tanh(xh + r·inner[:, 2H:])
//	reset_after=False (linear_before_reset=0):
//	  xz, xr, xh = split(x·K + b, 3)         zr = h·R[:, :2H]
//	  z = σ(xz + zr[:, :H])      r = σ(xr + zr[:, H:])
//	  hh = tanh(xh + (r·h)·R[:, 2H:])
//	h' = z·h + (1 - z)·hh
//
// The weights may come through Split/Squeeze (the [2, 3H] bias of
// reset_after) and StridedSlice (R's column blocks), evaluated here.

// colSlice matches a StridedSlice that keeps every row of a 2-D value and
// the columns [from, to) (to -1: to the end).
func colSlice(v *view, val string) (src string, from, to int64, ok bool) {
	p := v.prod[v.skip(val)]
	if !isOp(p, "StridedSlice") || len(p.Inputs) != 4 || p.Int("ellipsis_mask", 0) != 0 ||
		p.Int("new_axis_mask", 0) != 0 || p.Int("shrink_axis_mask", 0) != 0 {
		return "", 0, 0, false
	}
	b, ok1 := v.ints(p.Inputs[1])
	e, ok2 := v.ints(p.Inputs[2])
	s, ok3 := v.ints(p.Inputs[3])
	if !ok1 || !ok2 || !ok3 || len(b) != 2 || len(e) != 2 || len(s) != 2 || s[0] != 1 || s[1] != 1 {
		return "", 0, 0, false
	}
	bm, em := p.Int("begin_mask", 0), p.Int("end_mask", 0)
	if (bm&1 == 0 && b[0] != 0) || (em&1 == 0) {
		return "", 0, 0, false
	}
	from, to = b[1], e[1]
	if bm&2 != 0 {
		from = 0
	}
	if em&2 != 0 {
		to = -1
	}
	if from < 0 || (to < 0 && em&2 == 0) {
		return "", 0, 0, false
	}
	return p.Inputs[0], from, to, true
}

// constEval is the constant behind a value, through Identity and Enter
// nodes, a Squeeze of a row of a Split along axis 0, a part of a Split
// along the last axis, and a column slice.
func (v *view) constEval(val string) *graph.Tensor {
	if t := v.constOf(val); t != nil {
		return t
	}
	val = v.skipEnter(val)
	p := v.prod[val]
	switch {
	case isOp(p, "Unpack") && len(p.Inputs) == 1 && p.Int("axis", 0) == 0:
		t := v.constEval(p.Inputs[0])
		if t == nil || len(t.Dims) != 2 {
			return nil
		}
		row, cols := int64(port(val)), t.Dims[1]
		if row >= t.Dims[0] {
			return nil
		}
		return graph.NewTensor(t.DType, []int64{cols}, t.Float64s()[row*cols:(row+1)*cols])
	case isOp(p, "Squeeze") && len(p.Inputs) == 1:
		sp := v.prod[v.skip(p.Inputs[0])]
		if !isOp(sp, "Split") || len(sp.Inputs) != 2 {
			return nil
		}
		ax, ok := v.scalarInt(sp.Inputs[0])
		t := v.constEval(sp.Inputs[1])
		n := sp.Int("num_split", 0)
		if !ok || ax != 0 || t == nil || len(t.Dims) != 2 || n != t.Dims[0] {
			return nil
		}
		row := int64(port(v.skip(p.Inputs[0])))
		cols := t.Dims[1]
		return graph.NewTensor(t.DType, []int64{cols}, t.Float64s()[row*cols:(row+1)*cols])
	case isOp(p, "Split") && len(p.Inputs) == 2:
		// Part k of n along the last axis of a 1-D or 2-D constant (tf.keras
		// implementation=1 splits its kernel and bias per gate).
		ax, ok := v.scalarInt(p.Inputs[0])
		t := v.constEval(p.Inputs[1])
		n := p.Int("num_split", 0)
		if !ok || t == nil || n <= 0 || (len(t.Dims) != 1 && len(t.Dims) != 2) {
			return nil
		}
		last := int64(len(t.Dims) - 1)
		if ax < 0 {
			ax += last + 1
		}
		if ax != last || t.Dims[last]%n != 0 {
			return nil
		}
		rows, cols, k := int64(1), t.Dims[last], int64(port(val))
		if last == 1 {
			rows = t.Dims[0]
		}
		w, all := cols/n, t.Float64s()
		out := make([]float64, 0, rows*w)
		for r := int64(0); r < rows; r++ {
			out = append(out, all[r*cols+k*w:r*cols+(k+1)*w]...)
		}
		dims := []int64{w}
		if last == 1 {
			dims = []int64{rows, w}
		}
		return graph.NewTensor(t.DType, dims, out)
	case isOp(p, "StridedSlice") && len(p.Inputs) == 4 && vecSlice(v, p):
		t := v.constEval(p.Inputs[0])
		b, _ := v.ints(p.Inputs[1])
		e, _ := v.ints(p.Inputs[2])
		if t == nil || len(t.Dims) != 1 {
			return nil
		}
		from, to := b[0], e[0]
		if p.Int("begin_mask", 0)&1 != 0 {
			from = 0
		}
		if p.Int("end_mask", 0)&1 != 0 || to > t.Dims[0] {
			to = t.Dims[0]
		}
		if from < 0 || from >= to {
			return nil
		}
		return graph.NewTensor(t.DType, []int64{to - from}, t.Float64s()[from:to])
	case isOp(p, "StridedSlice"):
		src, from, to, ok := colSlice(v, val)
		t := v.constEval(src)
		if !ok || t == nil || len(t.Dims) != 2 {
			return nil
		}
		if to < 0 || to > t.Dims[1] {
			to = t.Dims[1]
		}
		if from >= to {
			return nil
		}
		rows, cols, all := t.Dims[0], t.Dims[1], t.Float64s()
		out := make([]float64, 0, rows*(to-from))
		for r := int64(0); r < rows; r++ {
			out = append(out, all[r*cols+from:r*cols+to]...)
		}
		return graph.NewTensor(t.DType, []int64{rows, to - from}, out)
	}
	return nil
}

// affine matches a·K + b or a·K (b nil) with K (and b) constant.
func affine(v *view, val string) (a string, k, b *graph.Tensor, ok bool) {
	p := v.prod[v.skip(val)]
	if isOp(p, "BiasAdd", "Add", "AddV2") && len(p.Inputs) == 2 && p.Str("data_format", "NHWC") == "NHWC" {
		if b = v.constEval(p.Inputs[1]); b != nil && len(b.Dims) == 1 {
			a, k, _, ok = affine(v, p.Inputs[0])
			if ok && k.Dims[1] == b.Dims[0] {
				return a, k, b, true
			}
		}
		return "", nil, nil, false
	}
	if !isOp(p, "MatMul") || len(p.Inputs) != 2 || p.Bool("transpose_a", false) || p.Bool("transpose_b", false) {
		return "", nil, nil, false
	}
	k = v.constEval(p.Inputs[1])
	if k == nil || len(k.Dims) != 2 || !k.DType.IsFloat() {
		return "", nil, nil, false
	}
	return p.Inputs[0], k, nil, true
}

// vecSlice reports a StridedSlice x[from:to] of a vector: one begin, end
// and stride 1, no other masks (tf.keras slices its bias per gate so).
func vecSlice(v *view, p *graph.Node) bool {
	b, ok1 := v.ints(p.Inputs[1])
	e, ok2 := v.ints(p.Inputs[2])
	st, ok3 := v.ints(p.Inputs[3])
	return ok1 && ok2 && ok3 && len(b) == 1 && len(e) == 1 && len(st) == 1 && st[0] == 1 && b[0] >= 0 && e[0] >= 0 &&
		p.Int("ellipsis_mask", 0) == 0 && p.Int("new_axis_mask", 0) == 0 && p.Int("shrink_axis_mask", 0) == 0
}

// equalSplitV matches output i of a SplitV of a value into n equal parts
// along axis 1 (tf.keras writes the recurrent blocks as sizes [H, H, -1]).
func equalSplitV(v *view, val string, n int64) (*graph.Node, int) {
	val = v.skip(val)
	p := v.prod[val]
	if !isOp(p, "SplitV") || len(p.Inputs) != 3 || p.Int("num_split", 0) != n {
		return nil, 0
	}
	if ax, ok := v.scalarInt(p.Inputs[2]); !ok || (ax != 1 && ax != -1) {
		return nil, 0
	}
	sizes, ok := v.ints(p.Inputs[1])
	if !ok || int64(len(sizes)) != n {
		return nil, 0
	}
	known, unknown := int64(-2), 0
	for _, s := range sizes {
		switch {
		case s == -1:
			unknown++
		case known == -2:
			known = s
		case s != known:
			return nil, 0
		}
	}
	if unknown > 1 || known <= 0 {
		return nil, 0
	}
	return p, port(val)
}

// matchKerasGRU matches a Keras GRU cell body and fills the weights; it
// returns x_t, or "".
func matchKerasGRU(v *view, c *cell, hNew, hPrev string) string {
	isH := func(x string) bool { return v.skip(x) == hPrev }
	// The gates' activation: Sigmoid, or either hard sigmoid (tf.keras,
	// Keras 3), the same for both gates.
	c.recAct, c.actSeen = "", false
	sig := func(val string) string { return recurrentAct(v, c, val) }
	// h' = z·h + (1 - z)·hh
	var z string
	isZH := func(val string) bool {
		a, _, ok := binary(v, val, []string{"Mul"}, func(x string) bool { return sig(x) != "" })
		if !ok {
			return false
		}
		_, hh, _ := binary(v, val, []string{"Mul"}, func(x string) bool { return x == a })
		if !isH(hh) {
			return false
		}
		z = v.skip(a)
		return true
	}
	_, rest, ok := binary(v, hNew, addOps, isZH)
	if !ok {
		return ""
	}
	cand, ok := oneMinusTimes(v, rest, func(x string) bool { return v.skip(x) == z })
	if !ok {
		return ""
	}
	hc := unaryIn(v, cand, "Tanh")

	// The input projection: one Split in three of x·K + b.
	var xsplit *graph.Node
	part := func(val string) int {
		s, p := splitOut(v, val, 3)
		if s == nil || (xsplit != nil && s != xsplit) {
			return -1
		}
		xsplit = s
		return p
	}
	// recPart matches a column block of the recurrent map: a slice (its
	// first column) or a part of a Split in three (-1-part: the column is
	// part·H, H not known yet).
	recPart := func(val string) (string, int64, bool) {
		if s, p := splitOut(v, val, 3); s != nil {
			return v.skip(s.Inputs[1]), int64(-1 - p), true
		}
		if s, p := equalSplitV(v, val, 3); s != nil {
			return v.skip(s.Inputs[0]), int64(-1 - p), true
		}
		src, from, _, ok := colSlice(v, val)
		return v.skip(src), from, ok
	}
	// gate matches σ(x part + recurrent block); it returns the part, the
	// block's source and first column.
	gate := func(pre string) (int, string, int64, bool) {
		var pi int
		_, rs, ok := binary(v, pre, addOps, func(x string) bool { pi = part(x); return pi >= 0 })
		if !ok {
			return -1, "", 0, false
		}
		src, from, ok := recPart(rs)
		return pi, src, from, ok
	}
	pz, zsrc, zfrom, ok := gate(sig(z))
	if !ok {
		return ""
	}
	// hh's argument: x part + q.
	var ph int
	_, q, ok := binary(v, hc, addOps, func(x string) bool { ph = part(x); return ph >= 0 })
	if !ok {
		return ""
	}
	var r string
	isR := func(x string) bool { r = sig(x); return r != "" }
	x, K, bx, ok := affine(v, xsplit.Inputs[1])
	if !ok || bx == nil || K.Dims[1]%3 != 0 {
		return ""
	}
	if ax, ok := v.scalarInt(xsplit.Inputs[0]); !ok || (ax != 1 && ax != -1) {
		return ""
	}
	H := K.Dims[1] / 3
	I := K.Dims[0]
	var R *graph.Tensor // [H, 3H] in the x kernel's column order
	var bh []float64    // recurrent bias, reset_after only
	linearBeforeReset := int64(0)
	var pr int
	if _, rinner, ok := binary(v, q, []string{"Mul"}, isR); ok && !isH(rinner) {
		// reset_after: q = r · inner[:, 2H:]
		src, hfrom, ok := recPart(rinner)
		if !ok || src != zsrc {
			return ""
		}
		var rsrc string
		var rfrom int64
		if pr, rsrc, rfrom, ok = gate(r); !ok || rsrc != zsrc {
			return ""
		}
		hin, Rk, b, ok := affine(v, zsrc)
		if !ok || !isH(hin) || b == nil || Rk.Dims[0] != H || Rk.Dims[1] != 3*H {
			return ""
		}
		col := func(from int64) int64 {
			if from < 0 {
				return (-1 - from) * H
			}
			return from
		}
		if col(zfrom) != int64(pz)*H || col(rfrom) != int64(pr)*H || col(hfrom) != int64(ph)*H {
			return ""
		}
		R, bh, linearBeforeReset = Rk, b.Float64s(), 1
	} else {
		// reset_before: q = (r · h) · Rh
		rh, Rh, b, ok := affine(v, q)
		if !ok || b != nil || Rh.Dims[0] != H || Rh.Dims[1] != H {
			return ""
		}
		if _, hh, ok := binary(v, rh, []string{"Mul"}, isR); !ok || !isH(hh) {
			return ""
		}
		var rsrc string
		var rfrom int64
		if pr, rsrc, rfrom, ok = gate(r); !ok || rsrc != zsrc {
			return ""
		}
		hin, Rzr, b2, ok := affine(v, zsrc)
		if !ok || !isH(hin) || b2 != nil || Rzr.Dims[0] != H || Rzr.Dims[1] != 2*H {
			return ""
		}
		if zfrom < 0 || rfrom < 0 {
			return ""
		}
		// The slices of h·R[:, :2H] give z and r their columns.
		full := make([]float64, H*3*H)
		zr := Rzr.Float64s()
		rhv := Rh.Float64s()
		for i := int64(0); i < H; i++ {
			for j := int64(0); j < H; j++ {
				full[i*3*H+int64(pz)*H+j] = zr[i*2*H+zfrom+j]
				full[i*3*H+int64(pr)*H+j] = zr[i*2*H+rfrom+j]
				full[i*3*H+int64(ph)*H+j] = rhv[i*H+j]
			}
		}
		R = graph.NewTensor(Rh.DType, []int64{H, 3 * H}, full)
	}
	if seen := map[int]bool{pz: true, pr: true, ph: true}; len(seen) != 3 || R.DType != K.DType {
		return ""
	}
	kfull := graph.NewTensor(K.DType, []int64{I + H, 3 * H}, append(append([]float64(nil), K.Float64s()...), R.Float64s()...))
	order := []int64{int64(pz), int64(pr), int64(ph)} // ONNX z, r, h
	c.kind, c.hidden, c.input, c.dtype = "GRU", H, I, K.DType
	c.linearBeforeReset = linearBeforeReset
	c.w, c.r = gateWeights(kfull.Float64s(), I, H, 3, func(g int64) (int64, int64) { return order[g] * H, 3 * H })
	bxv := bx.Float64s()
	c.b = make([]float64, 6*H)
	for g := int64(0); g < 3; g++ {
		copy(c.b[g*H:(g+1)*H], bxv[order[g]*H:(order[g]+1)*H])
		if bh != nil {
			copy(c.b[(3+g)*H:(4+g)*H], bh[order[g]*H:(order[g]+1)*H])
		}
	}
	return x
}

// matchLSTMPerGate matches a Keras LSTM cell that computes each gate with
// its own products (tf.keras implementation=1):
//
//	g = act(x·Kg + bg + h·Rg)   for g in i, f, c, o
//	c' = f·c + i·act(c_pre)    h' = o·act(c')
//
// It fills the weights and returns x_t, or "".
func matchLSTMPerGate(v *view, c *cell, hNew, cNew, hPrev, cPrev string) string {
	c.recAct, c.actSeen = "", false
	isCPrev := func(x string) bool { return v.skip(x) == cPrev }
	var oPre, iPre string
	_, tc, ok := binary(v, hNew, []string{"Mul"}, func(x string) bool { oPre = recurrentAct(v, c, x); return oPre != "" })
	var hc string
	if hc, c.actH = cellAct(v, tc); !ok || hc == "" || v.skip(hc) != cNew {
		return ""
	}
	isForget := func(val string) bool {
		_, _, ok := binary(v, val, []string{"Mul"}, isCPrev)
		return ok
	}
	fc, ij, ok := binary(v, cNew, addOps, isForget)
	if !ok {
		return ""
	}
	_, sf, _ := binary(v, fc, []string{"Mul"}, isCPrev)
	fPre := recurrentAct(v, c, sf)
	_, tj, ok := binary(v, ij, []string{"Mul"}, func(x string) bool { iPre = recurrentAct(v, c, x); return iPre != "" })
	if !ok || fPre == "" {
		return ""
	}
	var gPre string
	if gPre, c.actG = cellAct(v, tj); gPre == "" || c.actG != c.actH {
		return ""
	}
	// Each pre-activation: x·Kg + bg + h·Rg, in either order of the sum.
	x := ""
	type gate struct{ k, r, b *graph.Tensor }
	split := func(pre string) (gate, bool) {
		p := v.prod[v.skip(pre)]
		if !isOp(p, "Add", "AddV2") || len(p.Inputs) != 2 {
			return gate{}, false
		}
		for i := 0; i < 2; i++ {
			xa, kx, bx, ok1 := affine(v, p.Inputs[i])
			ha, rh, bh, ok2 := affine(v, p.Inputs[1-i])
			if !ok1 || !ok2 || bx == nil || bh != nil || v.skip(ha) != hPrev || v.skip(xa) == hPrev {
				continue
			}
			if x == "" {
				x = v.skip(xa)
			}
			if v.skip(xa) != x {
				return gate{}, false
			}
			return gate{kx, rh, bx}, true
		}
		return gate{}, false
	}
	var gates []gate // ONNX order i, o, f, c
	for _, pre := range []string{iPre, oPre, fPre, gPre} {
		g, ok := split(pre)
		if !ok {
			return ""
		}
		gates = append(gates, g)
	}
	I, H := gates[0].k.Dims[0], gates[0].k.Dims[1]
	dt := gates[0].k.DType
	for _, g := range gates {
		if !slices.Equal(g.k.Dims, []int64{I, H}) || !slices.Equal(g.r.Dims, []int64{H, H}) || g.b.Dims[0] != H ||
			g.k.DType != dt || g.r.DType != dt {
			return ""
		}
	}
	c.kind, c.hidden, c.input, c.dtype = "LSTM", H, I, dt
	c.w, c.r, c.b = make([]float64, 4*H*I), make([]float64, 4*H*H), make([]float64, 8*H)
	for gi, g := range gates {
		perGateWeights(c, int64(gi), g.k, g.r)
		copy(c.b[int64(gi)*H:], g.b.Float64s())
	}
	return x
}

// matchGRUPerGate matches a Keras GRU cell that computes each gate with its
// own products (tf.keras implementation=1):
//
//	z = act(x·Kz + bz + h·Rz + rbz)   r = act(x·Kr + br + h·Rr + rbr)
//	reset_before: hh = tanh(x·Kh + bh + (r·h)·Rh)
//	reset_after:  hh = tanh(x·Kh + bh + r·(h·Rh + rbh))
//	h' = z·h + (1 - z)·hh
//
// (the recurrent biases rb only with reset_after). It fills the weights
// and returns x_t, or "".
func matchGRUPerGate(v *view, c *cell, hNew, hPrev string) string {
	c.recAct, c.actSeen = "", false
	isH := func(x string) bool { return v.skip(x) == hPrev }
	var z string
	_, rest, ok := binary(v, hNew, addOps, func(val string) bool {
		a, hh, ok := binary(v, val, []string{"Mul"}, func(x string) bool { return !isH(x) })
		if !ok || !isH(hh) {
			return false
		}
		z = v.skip(a)
		return true
	})
	if !ok {
		return ""
	}
	cand, ok := oneMinusTimes(v, rest, func(x string) bool { return v.skip(x) == z })
	zPre := recurrentAct(v, c, z)
	hPre := unaryIn(v, cand, "Tanh")
	if !ok || zPre == "" || hPre == "" {
		return ""
	}
	x := ""
	type gate struct{ k, bx, r, bh *graph.Tensor }
	// xPart: x·K + b, the same x for every gate.
	xPart := func(val string) (*graph.Tensor, *graph.Tensor, bool) {
		a, k, b, ok := affine(v, val)
		if !ok || b == nil || isH(a) || (x != "" && v.skip(a) != x) {
			return nil, nil, false
		}
		x = v.skip(a)
		return k, b, true
	}
	sum := func(pre string, other func(string) bool) (gate, string, bool) {
		p := v.prod[v.skip(pre)]
		if !isOp(p, "Add", "AddV2") || len(p.Inputs) != 2 {
			return gate{}, "", false
		}
		for i := 0; i < 2; i++ {
			if !other(p.Inputs[1-i]) {
				continue
			}
			if k, b, ok := xPart(p.Inputs[i]); ok {
				return gate{k: k, bx: b}, p.Inputs[1-i], true
			}
		}
		return gate{}, "", false
	}
	hAffine := func(val string) (*graph.Tensor, *graph.Tensor, bool) {
		a, r, b, ok := affine(v, val)
		return r, b, ok && isH(a)
	}
	isHAffine := func(val string) bool { _, _, ok := hAffine(val); return ok }
	zg, zh, ok1 := sum(zPre, isHAffine)
	if !ok1 {
		return ""
	}
	zg.r, zg.bh, _ = hAffine(zh)
	// hh: x·Kh + bh + recurrent part, which holds r.
	var rAct string
	isRec := func(val string) bool {
		if _, in, ok := binary(v, val, []string{"Mul"}, func(y string) bool { rAct = recurrentAct(v, c, y); return rAct != "" }); ok && isHAffine(in) {
			return true // reset_after
		}
		a, _, b, ok := affine(v, val)
		if !ok || b != nil {
			return false
		}
		_, hh, ok := binary(v, a, []string{"Mul"}, func(y string) bool { rAct = recurrentAct(v, c, y); return rAct != "" })
		return ok && isH(hh) // reset_before
	}
	hg, hrec, ok2 := sum(hPre, isRec)
	if !ok2 || !isRec(hrec) {
		return ""
	}
	linearBeforeReset := int64(0)
	if _, in, ok := binary(v, hrec, []string{"Mul"}, func(y string) bool { return recurrentAct(v, c, y) != "" }); ok && isHAffine(in) {
		linearBeforeReset = 1
		hg.r, hg.bh, _ = hAffine(in)
	} else {
		_, hg.r, _, _ = affine(v, hrec)
	}
	rg, rh, ok3 := sum(rAct, isHAffine)
	if !ok3 {
		return ""
	}
	rg.r, rg.bh, _ = hAffine(rh)
	gates := []gate{zg, rg, hg} // ONNX z, r, h
	I, H := zg.k.Dims[0], zg.k.Dims[1]
	dt := zg.k.DType
	for _, g := range gates {
		if !slices.Equal(g.k.Dims, []int64{I, H}) || !slices.Equal(g.r.Dims, []int64{H, H}) || g.bx.Dims[0] != H ||
			(g.bh != nil && g.bh.Dims[0] != H) || g.k.DType != dt || g.r.DType != dt {
			return ""
		}
		if g.bh != nil && linearBeforeReset == 0 {
			return "" // a recurrent bias before the reset has no ONNX place
		}
	}
	c.kind, c.hidden, c.input, c.dtype, c.linearBeforeReset = "GRU", H, I, dt, linearBeforeReset
	c.w, c.r, c.b = make([]float64, 3*H*I), make([]float64, 3*H*H), make([]float64, 6*H)
	for gi, g := range gates {
		perGateWeights(c, int64(gi), g.k, g.r)
		copy(c.b[int64(gi)*H:], g.bx.Float64s())
		if g.bh != nil {
			copy(c.b[(3+int64(gi))*H:], g.bh.Float64s())
		}
	}
	return x
}

// perGateWeights writes gate g's kernel k [I, H] and recurrent kernel r
// [H, H] (Keras implementation=1 keeps one of each per gate) into c.w and
// c.r as ONNX rows g·H … g·H+H-1.
func perGateWeights(c *cell, g int64, k, r *graph.Tensor) {
	I, H := c.input, c.hidden
	kv, rv := k.Float64s(), r.Float64s()
	for j := int64(0); j < H; j++ {
		row := g*H + j
		for i := int64(0); i < I; i++ {
			c.w[row*I+i] = kv[i*H+j]
		}
		for i := int64(0); i < H; i++ {
			c.r[row*H+i] = rv[i*H+j]
		}
	}
}
