package fold

import "github.com/tf2onnx-go/tf2onnx/graph"

// evalCompare: Equal takes numbers and bools, the orderings numbers only;
// the result is bool. NaN compares false, as in IEEE.
func evalCompare(c *call) ([]*graph.Tensor, bool, error) {
	want := numeric
	if c.n.Op == "Equal" {
		want = func(dt graph.DType) bool { return numeric(dt) || dt == graph.Bool }
	}
	xs, ok := c.numArgs(want)
	if !ok || len(xs) != 2 {
		return no()
	}
	a, b := xs[0], xs[1]
	dims, ok := broadcastDims(a.dims, b.dims)
	if !ok {
		return nil, false, c.errf("cannot broadcast %v and %v", a.dims, b.dims)
	}
	if tooBig(dims) {
		return no()
	}
	oa, ob := broadcastOffsets(a.dims, dims), broadcastOffsets(b.dims, dims)
	out := newNum(graph.Bool, dims)
	u := isUnsigned64(a.dt)
	for i := range out.i {
		var lt, eq bool
		if isFloat(a.dt) {
			x, y := a.f[oa[i]], b.f[ob[i]]
			lt, eq = x < y, x == y
		} else {
			x, y := a.i[oa[i]], b.i[ob[i]]
			lt, eq = less(x, y, u), x == y
		}
		var r bool
		switch c.n.Op {
		case "Equal":
			r = eq
		case "Less":
			r = lt
		case "LessOrEqual":
			r = lt || eq
		case "Greater":
			// Not "!(lt||eq)": NaN is neither.
			if isFloat(a.dt) {
				r = a.f[oa[i]] > b.f[ob[i]]
			} else {
				r = !lt && !eq
			}
		case "GreaterOrEqual":
			if isFloat(a.dt) {
				r = a.f[oa[i]] >= b.f[ob[i]]
			} else {
				r = !lt
			}
		}
		out.i[i] = b2i(r)
	}
	return one(out.tensor())
}

func isBool(dt graph.DType) bool { return dt == graph.Bool }

func evalNot(c *call) ([]*graph.Tensor, bool, error) {
	xs, ok := c.numArgs(isBool)
	if !ok || len(xs) != 1 {
		return no()
	}
	out := newNum(graph.Bool, xs[0].dims)
	for i, v := range xs[0].i {
		out.i[i] = b2i(v == 0)
	}
	return one(out.tensor())
}

func evalLogic(c *call) ([]*graph.Tensor, bool, error) {
	xs, ok := c.numArgs(isBool)
	if !ok || len(xs) != 2 {
		return no()
	}
	var g intOp
	switch c.n.Op {
	case "And":
		g = func(a, b int64, _ bool) (int64, bool) { return b2i(a != 0 && b != 0), true }
	case "Or":
		g = func(a, b int64, _ bool) (int64, bool) { return b2i(a != 0 || b != 0), true }
	case "Xor":
		g = func(a, b int64, _ bool) (int64, bool) { return b2i((a != 0) != (b != 0)), true }
	}
	out, ok, err := c.binary(xs[0], xs[1], graph.Bool, nil, g)
	return result(out, ok, err)
}

// evalWhere picks raw elements, so X and Y may be of any type.
func evalWhere(c *call) ([]*graph.Tensor, bool, error) {
	cond, x, y := c.arg(0), c.arg(1), c.arg(2)
	if cond == nil || x == nil || y == nil || cond.DType != graph.Bool || x.DType != y.DType {
		return no()
	}
	dims, ok := broadcastDims(cond.Dims, x.Dims, y.Dims)
	if !ok {
		return nil, false, c.errf("cannot broadcast %v, %v and %v", cond.Dims, x.Dims, y.Dims)
	}
	if tooBig(dims) {
		return no()
	}
	oc := broadcastOffsets(cond.Dims, dims)
	ox := broadcastOffsets(x.Dims, dims)
	oy := broadcastOffsets(y.Dims, dims)
	sz := x.DType.Size()
	out := &graph.Tensor{DType: x.DType, Dims: dims, Data: make([]byte, len(oc)*sz)}
	for i := range oc {
		src, o := y.Data, oy[i]
		if cond.Data[oc[i]] != 0 {
			src, o = x.Data, ox[i]
		}
		copy(out.Data[i*sz:(i+1)*sz], src[o*sz:(o+1)*sz])
	}
	return one(out)
}
