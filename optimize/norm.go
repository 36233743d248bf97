package optimize

import (
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// fuseLayerNorm writes a layer normalization over the last axis, as TF
// spells it (tf.nn.moments then tf.nn.batch_normalization:
// x·m + (β − mean·m) with m = γ/√(var+ε)), as one LayerNormalization
// (opset 17 on), which runtimes run in one pass over the data.
func fuseLayerNorm(g *graph.Graph, opset int) (bool, error) {
	if opset < 17 {
		return false, nil
	}
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if ix.removed[n] || !isOp(n, "Add") || len(n.Inputs) != 2 || len(n.Outputs) != 1 {
			continue
		}
		if m := ix.matchLayerNorm(n); m != nil {
			ix.emitLayerNorm(m)
		}
	}
	return ix.finish()
}

type layerNormMatch struct {
	out         *graph.Node // the last node; its output becomes the norm's
	x           string
	gamma, beta []float64 // per last-axis element; nil: 1s / 0s
	dt          graph.DType
	width       int64
	eps         float64
	nodes       []*graph.Node
}

// matchLayerNorm matches, from the final Add a:
//
//	a = x·m + q, q = (−mean)·m or β − mean·m
//	m = r·γ or r, r = 1/√(var + ε) (Reciprocal(Sqrt) or Div(1, Sqrt))
//	var = ReduceMean((x − mean)², last axis), mean = ReduceMean(x, last axis)
func (ix *index) matchLayerNorm(a *graph.Node) *layerNormMatch {
	g := ix.g
	for i := 0; i < 2; i++ {
		p, q := ix.producer(a.Inputs[i]), ix.producer(a.Inputs[1-i])
		if !isOp(p, "Mul") || len(p.Inputs) != 2 || q == nil {
			continue
		}
		for j := 0; j < 2; j++ {
			x, m := p.Inputs[j], p.Inputs[1-j]
			res := &layerNormMatch{out: a, x: x, dt: g.DTypeOf(x), nodes: []*graph.Node{a, p}}
			s := g.ShapeOf(x)
			if s.Rank() < 1 || !s.Dims[s.Rank()-1].Known() || !isFloat(res.dt) {
				continue
			}
			res.width = s.Dims[s.Rank()-1].Size
			mean, ok := ix.normShift(res, q, m)
			if !ok || !ix.normScale(res, m, x, mean) {
				continue
			}
			if !ix.closed(res.nodes, a) {
				continue
			}
			return res
		}
	}
	return nil
}

// normShift matches q = (−mean)·m or β − mean·m and returns mean.
func (ix *index) normShift(res *layerNormMatch, q *graph.Node, m string) (string, bool) {
	var mm *graph.Node
	switch {
	case isOp(q, "Mul") && len(q.Inputs) == 2:
		mm = q
	case isOp(q, "Sub") && len(q.Inputs) == 2:
		beta, ok := ix.lastAxisConst(q.Inputs[0], res)
		if !ok {
			return "", false
		}
		res.beta = beta
		res.nodes = append(res.nodes, q)
		mm = ix.producer(q.Inputs[1])
		if !isOp(mm, "Mul") || len(mm.Inputs) != 2 {
			return "", false
		}
	default:
		return "", false
	}
	for k := 0; k < 2; k++ {
		if mm.Inputs[1-k] != m {
			continue
		}
		v := mm.Inputs[k]
		res.nodes = append(res.nodes, mm)
		if q == mm { // (−mean)·m
			neg := ix.producer(v)
			if !isOp(neg, "Neg") {
				return "", false
			}
			res.nodes = append(res.nodes, neg)
			return neg.Inputs[0], true
		}
		return v, true
	}
	return "", false
}

// normScale matches m = r·γ or r, r = 1/√(var+ε), and the moments of x
// with mean.
func (ix *index) normScale(res *layerNormMatch, m, x, mean string) bool {
	mn := ix.producer(m)
	r := m
	if isOp(mn, "Mul") && len(mn.Inputs) == 2 {
		for k := 0; k < 2; k++ {
			if gamma, ok := ix.lastAxisConst(mn.Inputs[k], res); ok {
				res.gamma = gamma
				r = mn.Inputs[1-k]
				res.nodes = append(res.nodes, mn)
				break
			}
		}
	}
	rn := ix.producer(r)
	var sq *graph.Node
	switch {
	case isOp(rn, "Reciprocal"):
		sq = ix.producer(rn.Inputs[0])
	case isOp(rn, "Div") && len(rn.Inputs) == 2 && ix.isConst(rn.Inputs[0]) && isScalarNear(ix.constOf(rn.Inputs[0]), 1):
		sq = ix.producer(rn.Inputs[1])
	default:
		return false
	}
	if !isOp(sq, "Sqrt") {
		return false
	}
	ve := ix.producer(sq.Inputs[0])
	if !isOp(ve, "Add") || len(ve.Inputs) != 2 {
		return false
	}
	var variance string
	for k := 0; k < 2; k++ {
		if e := ix.constOf(ve.Inputs[k]); e != nil && isFloat(e.DType) && e.NumElements() == 1 && elemSize(e) > 0 {
			res.eps = e.Float64s()[0]
			variance = ve.Inputs[1-k]
		}
	}
	vn := ix.producer(variance)
	if variance == "" || !ix.lastAxisMean(vn, res) {
		return false
	}
	d2 := ix.producer(vn.Inputs[0])
	var d *graph.Node
	switch {
	case isOp(d2, "Mul") && len(d2.Inputs) == 2 && d2.Inputs[0] == d2.Inputs[1]:
		d = ix.producer(d2.Inputs[0])
	case isOp(d2, "Pow") && len(d2.Inputs) == 2 && ix.isConst(d2.Inputs[1]) && isScalarNear(ix.constOf(d2.Inputs[1]), 2):
		d = ix.producer(d2.Inputs[0])
	default:
		return false
	}
	if !isOp(d, "Sub") || len(d.Inputs) != 2 || d.Inputs[0] != x || d.Inputs[1] != mean {
		return false
	}
	mn2 := ix.producer(mean)
	if mn2 == nil || mn2.Inputs[0] != x || !ix.lastAxisMean(mn2, res) {
		return false
	}
	res.nodes = append(res.nodes, rn, sq, ve, vn, d2, d, mn2)
	return true
}

// lastAxisMean reports a ReduceMean over the last axis only, keeping dims.
func (ix *index) lastAxisMean(n *graph.Node, res *layerNormMatch) bool {
	if !isOp(n, "ReduceMean") || len(n.Outputs) != 1 || n.Int("keepdims", 1) == 0 {
		return false
	}
	r := ix.g.ShapeOf(n.Inputs[0]).Rank()
	axes, ok := ix.reduceAxes(n, r)
	return ok && r >= 1 && len(axes) == 1 && axes[0] == int64(r-1)
}

// lastAxisConst reads a constant that varies only along the last axis
// (as [C], [1,1,C] or a scalar) as one value per element of that axis.
func (ix *index) lastAxisConst(v string, res *layerNormMatch) ([]float64, bool) {
	k := ix.constOf(v)
	if k == nil || k.DType != res.dt || elemSize(k) == 0 {
		return nil, false
	}
	for i, d := range k.Dims {
		if i < len(k.Dims)-1 && d != 1 {
			return nil, false
		}
	}
	vals := k.Float64s()
	if len(vals) != 1 && int64(len(vals)) != res.width {
		return nil, false
	}
	out := make([]float64, res.width)
	for i := range out {
		out[i] = vals[0]
		if len(vals) > 1 {
			out[i] = vals[i]
		}
	}
	return out, true
}

// closed reports whether every value the matched nodes make, except the
// last's output, is read only inside the match and is no graph output.
func (ix *index) closed(nodes []*graph.Node, last *graph.Node) bool {
	in := map[*graph.Node]bool{}
	for _, n := range nodes {
		if in[n] {
			return false // one node matched twice: not the pattern
		}
		in[n] = true
	}
	for _, n := range nodes {
		if n == last {
			continue
		}
		for _, o := range n.Outputs {
			if ix.isOutput(o) {
				return false
			}
			for _, c := range ix.cons[o] {
				if !in[c] {
					return false
				}
			}
		}
	}
	return true
}

func (ix *index) emitLayerNorm(m *layerNormMatch) {
	ones := func(v float64) []float64 {
		out := make([]float64, m.width)
		for i := range out {
			out[i] = v
		}
		return out
	}
	if m.gamma == nil {
		m.gamma = ones(1)
	}
	if m.beta == nil {
		m.beta = ones(0)
	}
	// A bias added after the norm (a separate Add of β) joins it.
	out := m.out.Outputs[0]
	if c := ix.soleConsumer(out); isOp(c, "Add") && len(c.Inputs) == 2 && len(c.Outputs) == 1 {
		other := c.Inputs[1]
		if other == out {
			other = c.Inputs[0]
		}
		if b, ok := ix.lastAxisConst(other, m); ok && other != out {
			for i := range b {
				m.beta[i] += b[i]
			}
			ix.remove(c)
			out = c.Outputs[0]
		}
	}
	for _, n := range m.nodes {
		ix.remove(n)
	}
	name := m.out.Name
	gamma := ix.addConst(name+"/gamma", graph.NewTensor(m.dt, []int64{m.width}, m.gamma))
	beta := ix.addConst(name+"/beta", graph.NewTensor(m.dt, []int64{m.width}, m.beta))
	eps := m.eps
	if eps <= 0 || math.IsNaN(eps) {
		eps = 0
	}
	ix.add(&graph.Node{Name: name, Op: "LayerNormalization", Inputs: []string{m.x, gamma, beta}, Outputs: []string{out},
		Attrs: map[string]any{"axis": int64(-1), "epsilon": float32(eps)}})
}

// fuseGelu writes GELU, exact (0.5·x·(1 + erf(x/√2)), or TF's
// 0.5·x·erfc(−x/√2) = 0.5·x·(1 − erf(−x/√2))) or tanh-approximated
// (0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))), as one Gelu (opset 20 on).
func fuseGelu(g *graph.Graph, opset int) (bool, error) {
	if opset < 20 {
		return false, nil
	}
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if ix.removed[n] || !isOp(n, "Mul") || len(n.Inputs) != 2 || len(n.Outputs) != 1 {
			continue
		}
		for i := 0; i < 2; i++ {
			h := ix.producer(n.Inputs[i]) // 0.5·x
			if !isOp(h, "Mul") || len(h.Inputs) != 2 {
				continue
			}
			x := ix.otherThanConst(h, 0.5)
			if x == "" {
				continue
			}
			approx, nodes := ix.geluTail(n.Inputs[1-i], x)
			if nodes == nil {
				continue
			}
			nodes = append(nodes, h, n)
			if !ix.closed(nodes, n) {
				continue
			}
			for _, m := range nodes {
				ix.remove(m)
			}
			attrs := map[string]any{}
			if approx {
				attrs["approximate"] = "tanh"
			}
			ix.add(&graph.Node{Name: n.Name, Op: "Gelu", Inputs: []string{x}, Outputs: []string{n.Outputs[0]}, Attrs: attrs})
			break
		}
	}
	return ix.finish()
}

// otherThanConst returns the input of binary n other than a scalar
// constant near v ("" when n has no such constant, or both are constant).
func (ix *index) otherThanConst(n *graph.Node, v float64) string {
	for k := 0; k < 2; k++ {
		if c := ix.constOf(n.Inputs[k]); c != nil && isScalarNear(c, v) && !ix.isConst(n.Inputs[1-k]) {
			return n.Inputs[1-k]
		}
	}
	return ""
}

// geluTail matches v = 1 + erf(x/√2), 1 − erf(−x/√2) or
// 1 + tanh(√(2/π)·(x + 0.044715·x³)); it returns whether v is the tanh
// form and the nodes matched (nil: no match).
func (ix *index) geluTail(v, x string) (bool, []*graph.Node) {
	s := ix.producer(v)
	if s == nil || len(s.Inputs) != 2 || len(s.Outputs) != 1 {
		return false, nil
	}
	var f string
	sign := 1.0
	switch {
	case isOp(s, "Add"):
		f = ix.otherThanConst(s, 1)
	case isOp(s, "Sub") && ix.isConst(s.Inputs[0]) && isScalarNear(ix.constOf(s.Inputs[0]), 1):
		f, sign = s.Inputs[1], -1
	}
	fn := ix.producer(f)
	if f == "" || fn == nil || len(fn.Inputs) != 1 {
		return false, nil
	}
	nodes := []*graph.Node{s, fn}
	u := fn.Inputs[0]
	switch {
	case isOp(fn, "Erf"):
		// u = sign·x/√2: x·(±1/√2), x/(±√2), or Neg(x)·(1/√2).
		un := ix.producer(u)
		if un == nil || len(un.Inputs) != 2 {
			return false, nil
		}
		nodes = append(nodes, un)
		y := ""
		switch {
		case isOp(un, "Mul"):
			if y = ix.otherThanConst(un, sign/math.Sqrt2); y == "" {
				if y = ix.otherThanConst(un, -sign/math.Sqrt2); y != "" {
					return ix.negOf(y, x, nodes)
				}
			}
		case isOp(un, "Div") && ix.isConst(un.Inputs[1]):
			if isScalarNear(ix.constOf(un.Inputs[1]), sign*math.Sqrt2) {
				y = un.Inputs[0]
			} else if isScalarNear(ix.constOf(un.Inputs[1]), -sign*math.Sqrt2) {
				return ix.negOf(un.Inputs[0], x, nodes)
			}
		}
		if y != x { // u = sign/√2 · y needs y = x
			return false, nil
		}
		return false, nodes
	case isOp(fn, "Tanh") && sign > 0:
		// u = √(2/π)·(x + 0.044715·x³)
		un := ix.producer(u)
		if !isOp(un, "Mul") || len(un.Inputs) != 2 {
			return false, nil
		}
		inner := ix.otherThanConst(un, math.Sqrt(2/math.Pi))
		a := ix.producer(inner)
		if inner == "" || !isOp(a, "Add") || len(a.Inputs) != 2 {
			return false, nil
		}
		nodes = append(nodes, un, a)
		for k := 0; k < 2; k++ {
			if a.Inputs[k] != x {
				continue
			}
			c := ix.producer(a.Inputs[1-k]) // 0.044715·x³
			if !isOp(c, "Mul") || len(c.Inputs) != 2 {
				return false, nil
			}
			cube := ix.producer(ix.otherThanConst(c, 0.044715))
			if cube == nil || len(cube.Inputs) != 2 || cube.Inputs[0] != x {
				return false, nil
			}
			switch {
			case isOp(cube, "Pow") && ix.isConst(cube.Inputs[1]) && isScalarNear(ix.constOf(cube.Inputs[1]), 3):
			default:
				return false, nil
			}
			return true, append(nodes, c, cube)
		}
	}
	return false, nil
}

// negOf accepts y = −x (a Neg of x) for the erfc form.
func (ix *index) negOf(y, x string, nodes []*graph.Node) (bool, []*graph.Node) {
	if y == x {
		return false, nil
	}
	n := ix.producer(y)
	if !isOp(n, "Neg") || n.Inputs[0] != x {
		return false, nil
	}
	return false, append(nodes, n)
}
