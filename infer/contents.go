package infer

import (
	"strconv"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Contents ("data propagation"): the elements of small integer vectors
// computed from shapes, as dims, so that a Reshape whose target is built at
// run time by Shape → Gather/Slice → Unsqueeze → Concat(…, 20) still gets
// [N, H, W, 20]. Constants count as known contents. The rules run after an
// op's shape rule and record graph.Value.Contents on its output.

// An element with no name is the value Size, which may be negative (the -1
// of a Reshape target); an element whose value is unknown is always a
// symbol (named if need be by value and position, "cnt").

// maxContents bounds the vectors followed: shapes, not data.
const maxContents = 64

var contentOps = map[string]func(c *ctx){
	"Shape":     contentShape,
	"Gather":    contentGather,
	"Slice":     contentSlice,
	"Concat":    contentConcat,
	"Squeeze":   contentPass,
	"Unsqueeze": contentPass,
	"Identity":  contentPass,
	"Cast":      contentPass,
	"Reshape":   contentPass,
	"Add":       contentArith,
	"Sub":       contentArith,
	"Mul":       contentArith,
	"Div":       contentArith,
}

// contents returns input i's elements as dims: a constant integer
// tensor's values, or the Contents inference recorded; nil when unknown.
func (c *ctx) contents(i int) []graph.Dim {
	if !c.has(i) {
		return nil
	}
	if t := c.constant(i); t != nil {
		if !t.DType.IsInt() || len(t.Dims) > 1 || t.NumElements() > maxContents {
			return nil
		}
		vals := t.Int64s()
		out := make([]graph.Dim, len(vals))
		for k, v := range vals {
			out[k] = graph.D(v)
		}
		return out
	}
	name := c.n.Inputs[i]
	for sc := c.s; sc != nil; sc = sc.outer {
		if _, ok := sc.g.Consts[name]; ok {
			return nil
		}
		if v := sc.g.Values[name]; v != nil {
			return v.Contents
		}
	}
	return nil
}

// shapeArg reads a shape-like input (a Reshape target, Expand shape, Tile
// repeats): a constant of any length, else its contents.
func (c *ctx) shapeArg(i int) []graph.Dim {
	if v, ok := c.ints(i); ok {
		out := make([]graph.Dim, len(v))
		for k, x := range v {
			out[k] = graph.Dim{Size: x}
		}
		return out
	}
	return c.contents(i)
}

// isVal reports an element that is a value, not a symbol.
func isVal(d graph.Dim) bool { return d.Name == "" }

// knownInts is contents whose elements are all values.
func knownInts(d []graph.Dim) ([]int64, bool) {
	if d == nil {
		return nil, false
	}
	out := make([]int64, len(d))
	for i, x := range d {
		if !isVal(x) {
			return nil, false
		}
		out[i] = x.Size
	}
	return out, true
}

// setContents records output i's elements. The output must be an integer
// vector or scalar holding exactly that many elements. Elements must be
// values or symbols (see cnt).
func (c *ctx) setContents(i int, elems []graph.Dim) {
	if elems == nil || i >= len(c.n.Outputs) || c.n.Outputs[i] == "" || len(elems) > maxContents {
		return
	}
	name := c.n.Outputs[i]
	v := c.s.g.Values[name]
	if v == nil || !v.DType.IsInt() || !v.Shape.Known || len(v.Shape.Dims) > 1 {
		return
	}
	if n := v.Shape.NumElements(); n >= 0 && n != int64(len(elems)) || n < 0 {
		return
	}
	v.Contents = append([]graph.Dim(nil), elems...)
}

// cnt turns a dim the algebra could not size (anonymous) into a symbol for
// element k of output 0, so that it is not read as the value -1.
func (c *ctx) cnt(d graph.Dim, k int) graph.Dim {
	if d.Known() || d.Name != "" || len(c.n.Outputs) == 0 {
		return d
	}
	return c.symFor("cnt", c.n.Outputs[0], strconv.Itoa(k))
}

func contentShape(c *ctx) {
	x := c.shape(0)
	if !x.Known {
		return
	}
	r := int64(len(x.Dims))
	start, end := int64(0), r
	if c.opset >= 15 {
		start = clampIndex(c.n.Int("start", 0), r)
		end = clampIndex(c.n.Int("end", r), r)
	}
	if end < start {
		end = start
	}
	out := make([]graph.Dim, 0, end-start)
	for k, d := range x.Dims[start:end] {
		out = append(out, c.cnt(d, k))
	}
	c.setContents(0, out)
}

// contentGather picks elements of a vector by constant indices (a scalar
// index gives a scalar).
func contentGather(c *ctx) {
	data := c.contents(0)
	idx, ok := knownInts(c.contents(1))
	if data == nil || !ok || c.shape(0).Rank() != 1 || c.shape(1).Rank() > 1 {
		return
	}
	if a, ok := normAxis(c.n.Int("axis", 0), 1); !ok || a != 0 {
		return
	}
	n := int64(len(data))
	out := make([]graph.Dim, len(idx))
	for k, i := range idx {
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return
		}
		out[k] = data[i]
	}
	c.setContents(0, out)
}

// contentSlice cuts a vector with constant starts, ends and steps.
func contentSlice(c *ctx) {
	data := c.contents(0)
	if data == nil || c.shape(0).Rank() != 1 {
		return
	}
	var starts, ends, axes, steps []int64
	if c.opset < 10 {
		starts, ends, axes = c.n.Ints("starts"), c.n.Ints("ends"), c.n.Ints("axes")
	} else {
		var ok1, ok2 bool
		starts, ok1 = knownInts(c.contents(1))
		ends, ok2 = knownInts(c.contents(2))
		if !ok1 || !ok2 {
			return
		}
		if c.has(3) {
			var ok bool
			if axes, ok = knownInts(c.contents(3)); !ok {
				return
			}
		}
		if c.has(4) {
			var ok bool
			if steps, ok = knownInts(c.contents(4)); !ok {
				return
			}
		}
	}
	if len(starts) != 1 || len(ends) != 1 || len(axes) > 1 || len(steps) > 1 {
		return
	}
	if len(axes) == 1 {
		if a, ok := normAxis(axes[0], 1); !ok || a != 0 {
			return
		}
	}
	step := int64(1)
	if len(steps) == 1 {
		step = steps[0]
	}
	n := int64(len(data))
	start, end := starts[0], ends[0]
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	out := []graph.Dim{}
	switch {
	case step > 0:
		start, end = min(max(start, 0), n), min(max(end, 0), n)
		for i := start; i < end; i += step {
			out = append(out, data[i])
		}
	case step < 0:
		start, end = min(max(start, 0), n-1), min(max(end, -1), n-1)
		for i := start; i > end; i += step {
			out = append(out, data[i])
		}
	default:
		return
	}
	c.setContents(0, out)
}

// contentConcat joins vectors.
func contentConcat(c *ctx) {
	if a, ok := normAxis(c.n.Int("axis", 0), 1); !ok || a != 0 {
		return
	}
	out := []graph.Dim{}
	for i := range c.n.Inputs {
		if !c.has(i) {
			continue
		}
		d := c.contents(i)
		if d == nil || c.shape(i).Rank() != 1 {
			return
		}
		out = append(out, d...)
	}
	c.setContents(0, out)
}

// contentPass keeps the elements through ops that only change the rank
// (Squeeze, Unsqueeze, Reshape of a scalar or vector) or the integer type.
func contentPass(c *ctx) {
	if c.n.Op == "Cast" && !c.dtype(0).IsInt() {
		return
	}
	c.setContents(0, c.contents(0))
}

// contentArith applies Add, Sub, Mul or Div elementwise, a scalar or
// one-element side broadcasting.
func contentArith(c *ctx) {
	a, b := c.contents(0), c.contents(1)
	if a == nil || b == nil {
		return
	}
	n := max(len(a), len(b))
	if len(a) != n && len(a) != 1 || len(b) != n && len(b) != 1 {
		return
	}
	out := make([]graph.Dim, n)
	for k := range out {
		x, y := a[min(k, len(a)-1)], b[min(k, len(b)-1)]
		if isVal(x) && isVal(y) {
			v, ok := c.arithVals(x.Size, y.Size)
			if ok {
				out[k] = graph.Dim{Size: v}
				continue
			}
			out[k] = c.cnt(graph.Unk(), k)
			continue
		}
		out[k] = c.cnt(c.arith(x, y), k)
	}
	c.setContents(0, out)
}

// arithVals is one element of contentArith on two values.
func (c *ctx) arithVals(x, y int64) (int64, bool) {
	switch c.n.Op {
	case "Add":
		return x + y, true
	case "Sub":
		return x - y, true
	case "Mul":
		return x * y, true
	case "Div":
		if y != 0 {
			return x / y, true // C's truncation, as runtimes do
		}
	}
	return 0, false
}

// arith is one element of contentArith with a symbol on one side or both:
// the dim algebra; an anonymous result is unknown.
func (c *ctx) arith(x, y graph.Dim) graph.Dim {
	vx, vy := isVal(x), isVal(y)
	// A negative value with a symbol has no dim reading but for + and -.
	switch c.n.Op {
	case "Add":
		switch {
		case vx:
			return c.addDim(y, x.Size)
		case vy:
			return c.addDim(x, y.Size)
		}
		return c.sumDims(x, y)
	case "Sub":
		switch {
		case vy:
			return c.addDim(x, -y.Size)
		case vx:
			return c.symFor("sub", itoa(x.Size), y.Name)
		}
		return c.subDims(x, y)
	case "Mul":
		if vx && x.Size < 0 || vy && y.Size < 0 {
			return graph.Unk()
		}
		return c.mulDims(x, y)
	case "Div":
		switch {
		case vx && x.Size == 0:
			return graph.D(0)
		case vx && x.Size < 0, vy && y.Size <= 0:
			return graph.Unk()
		}
		return c.divDims(x, y)
	}
	return graph.Unk()
}
