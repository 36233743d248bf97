package opmap

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Helpers of the nn family: data formats, TF padding arithmetic, and
// dimensions that are known statically or computed at run time.

// nnChannelsFirst reads a node's data_format for an op on rank-`rank`
// data: false for NHWC/NDHWC (the TF default), true for NCHW/NCDHW.
func nnChannelsFirst(n *graph.Node, rank int) (bool, error) {
	df := n.Str("data_format", "")
	switch {
	case df == "" || df == "NHWC" || df == "NDHWC" || df == "NWC":
		return false, nil
	case df == "NCHW" || df == "NCDHW" || df == "NCW":
		return true, nil
	}
	return false, fmt.Errorf("data_format %s is not supported", df)
}

// nnPermToCF is the perm that takes channels-last data to channels-first.
func nnPermToCF(rank int) []int64 {
	p := []int64{0, int64(rank - 1)}
	for i := 1; i < rank-1; i++ {
		p = append(p, int64(i))
	}
	return p
}

// nnPermToCL is the perm that takes channels-first data to channels-last.
func nnPermToCL(rank int) []int64 {
	p := []int64{0}
	for i := 2; i < rank; i++ {
		p = append(p, int64(i))
	}
	return append(p, 1)
}

// nnToCF transposes channels-last x to channels-first (the layout
// convention: the transpose optimizer later cancels these pairs).
func nnToCF(c *Ctx, x string, rank int) string {
	return c.Op("Transpose", Attrs{"perm": nnPermToCF(rank)}, x)
}

// nnEmit emits a channels-first ONNX op for TF output 0: straight into the
// output when the TF op is channels-first too, else between the layout
// transposes.
func nnEmit(c *Ctx, op string, attrs Attrs, rank int, channelsFirst bool, inputs ...string) {
	if channelsFirst {
		c.OpTo(c.Out(0), op, attrs, inputs...)
		return
	}
	nnFinish(c, 0, c.Op(op, attrs, inputs...), rank, false)
}

// nnFinish writes y (channels-first) to TF output k, transposing back when
// the TF op works on channels-last data.
func nnFinish(c *Ctx, k int, y string, rank int, channelsFirst bool) {
	if channelsFirst {
		c.Alias(c.Out(k), y)
		return
	}
	c.OpTo(c.Out(k), "Transpose", Attrs{"perm": nnPermToCL(rank)}, y)
}

// nnSpatial picks the spatial entries of a full-rank list given in the
// op's data format (strides, dilations, ksize).
func nnSpatial(v []int64, rank int, channelsFirst bool) []int64 {
	if channelsFirst {
		return append([]int64{}, v[2:rank]...)
	}
	return append([]int64{}, v[1:rank-1]...)
}

// nnNonSpatial picks the batch and channel entries of a full-rank list.
func nnNonSpatial(v []int64, rank int, channelsFirst bool) (batch, ch int64) {
	if channelsFirst {
		return v[0], v[1]
	}
	return v[0], v[rank-1]
}

// nnSpatialAttr reads a full-rank int-list attribute (strides, dilations)
// and returns its spatial part; absent means all ones. Non-unit batch or
// channel entries are not supported.
func nnSpatialAttr(n *graph.Node, name string, rank int, channelsFirst bool) ([]int64, error) {
	v := n.Ints(name)
	return nnSpatialList(v, name, rank, channelsFirst)
}

func nnSpatialList(v []int64, name string, rank int, channelsFirst bool) ([]int64, error) {
	for _, x := range v { // strides, dilations, window sizes: TF requires ≥ 1
		if x < 1 {
			return nil, fmt.Errorf("%s %v: every entry must be at least 1", name, v)
		}
	}
	if len(v) == 0 {
		ones := make([]int64, rank-2)
		for i := range ones {
			ones[i] = 1
		}
		return ones, nil
	}
	if len(v) == 1 { // a single value stands for every spatial dim
		out := make([]int64, rank-2)
		for i := range out {
			out[i] = v[0]
		}
		return out, nil
	}
	if len(v) != rank {
		return nil, fmt.Errorf("%s has %d entries for rank-%d data", name, len(v), rank)
	}
	if b, ch := nnNonSpatial(v, rank, channelsFirst); b != 1 || ch != 1 {
		return nil, fmt.Errorf("%s %v: only spatial %s are supported", name, v, name)
	}
	return nnSpatial(v, rank, channelsFirst), nil
}

// nnSpatialDims lists the spatial sizes of a TF value's shape in the
// given format (-1 for unknown ones); nil when the rank is not `rank`.
func nnSpatialDims(s graph.Shape, rank int, channelsFirst bool) []int64 {
	if s.Rank() != rank {
		out := make([]int64, rank-2)
		for i := range out {
			out[i] = -1
		}
		return out
	}
	return nnSpatial(s.Sizes(), rank, channelsFirst)
}

// nnSamePad is TF's SAME padding for one spatial dim: the output has
// ceil(in/stride) cells and the odd padded cell goes to the end. ok is
// false when the amount depends on an unknown input size (in < 0 with
// stride > 1) or on an unknown kernel size.
func nnSamePad(in, k, stride, dilation int64) (begin, end int64, ok bool) {
	if k < 0 {
		return 0, 0, false
	}
	eff := (k-1)*dilation + 1
	var total int64
	switch {
	case stride == 1:
		// out == in, so the total is independent of the input size.
		total = eff - 1
	case in < 0:
		return 0, 0, false
	default:
		out := (in + stride - 1) / stride
		total = (out-1)*stride + eff - in
	}
	if total < 0 {
		total = 0
	}
	return total / 2, total - total/2, true
}

// nnOnnxPads turns per-dim (begin, end) pairs into ONNX's pads layout
// [b1, b2, …, e1, e2, …].
func nnOnnxPads(begin, end []int64) []int64 {
	return append(append([]int64{}, begin...), end...)
}

// nnExplicitPads converts TF explicit_paddings (pairs for every dim, in
// the data format's order) to ONNX pads over the spatial dims.
func nnExplicitPads(explicit []int64, rank int, channelsFirst bool) ([]int64, error) {
	if len(explicit) != 2*rank {
		return nil, fmt.Errorf("explicit_paddings has %d entries for rank-%d data", len(explicit), rank)
	}
	var begin, end []int64
	for d := 0; d < rank; d++ {
		b, e := explicit[2*d], explicit[2*d+1]
		spatial := d >= 1 && d <= rank-2
		if channelsFirst {
			spatial = d >= 2
		}
		if !spatial {
			if b != 0 || e != 0 {
				return nil, fmt.Errorf("explicit_paddings %v pads a batch or channel dim", explicit)
			}
			continue
		}
		begin = append(begin, b)
		end = append(end, e)
	}
	return nnOnnxPads(begin, end), nil
}

// nnPadAttrs translates a TF padding attribute to ONNX Conv/Pool attributes
// (pads, or auto_pad when SAME padding depends on unknown sizes). in and k
// are the spatial input and kernel sizes (-1 unknown).
func nnPadAttrs(n *graph.Node, in, k, strides, dilations []int64, rank int, channelsFirst bool) (Attrs, error) {
	switch p := n.Str("padding", "VALID"); p {
	case "VALID":
		return Attrs{}, nil
	case "SAME":
		m := len(strides)
		begin, end := make([]int64, m), make([]int64, m)
		for i := 0; i < m; i++ {
			b, e, ok := nnSamePad(in[i], k[i], strides[i], dilations[i])
			if !ok {
				// SAME_UPPER is TF's SAME (the odd cell at the end).
				return Attrs{"auto_pad": "SAME_UPPER"}, nil
			}
			begin[i], end[i] = b, e
		}
		return Attrs{"pads": nnOnnxPads(begin, end)}, nil
	case "EXPLICIT":
		pads, err := nnExplicitPads(n.Ints("explicit_paddings"), rank, channelsFirst)
		if err != nil {
			return nil, err
		}
		return Attrs{"pads": pads}, nil
	default:
		return nil, fmt.Errorf("padding %q is not supported", p)
	}
}

// nnDim is a dimension known statically (V == "") or computed at run time
// as a 1-element int64 tensor V.
type nnDim struct {
	N int64
	V string
}

// nnDimOf returns dim i of v: static when inference knows it, else sliced
// out of Shape(v).
func nnDimOf(c *Ctx, v string, i int) nnDim {
	return nnDims(c, v)(i)
}

// nnDims returns a dim getter for v that emits at most one Shape node.
func nnDims(c *Ctx, v string) func(i int) nnDim {
	var shape string
	return func(i int) nnDim {
		s := c.Shape(v)
		if i < s.Rank() && s.Dims[i].Known() {
			return nnDim{N: s.Dims[i].Size}
		}
		if shape == "" {
			shape = c.Op("Shape", nil, v)
		}
		return nnDim{V: c.Op("Slice", nil, shape, c.Int64s(int64(i)), c.Int64s(int64(i+1)), c.Int64s(0))}
	}
}

func (d nnDim) value(c *Ctx) string {
	if d.V == "" {
		return c.Int64s(d.N)
	}
	return d.V
}

func nnDimMul(c *Ctx, a nnDim, k int64) nnDim {
	if a.V == "" {
		return nnDim{N: a.N * k}
	}
	if k == 1 {
		return a
	}
	return nnDim{V: c.Op("Mul", nil, a.V, c.Int64s(k))}
}

func nnDimDiv(c *Ctx, a nnDim, k int64) nnDim {
	if a.V == "" {
		return nnDim{N: a.N / k}
	}
	if k == 1 {
		return a
	}
	return nnDim{V: c.Op("Div", nil, a.V, c.Int64s(k))}
}

// nnShapeValue builds a 1-D int64 shape tensor from dims: a constant when
// all are static, else a Concat of the pieces.
func nnShapeValue(c *Ctx, dims []nnDim) string {
	static := true
	vals := make([]int64, len(dims))
	for i, d := range dims {
		if d.V != "" {
			static = false
		}
		vals[i] = d.N
	}
	if static {
		return c.Int64s(vals...)
	}
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = d.value(c)
	}
	return c.Op("Concat", Attrs{"axis": int64(0)}, parts...)
}

// nnConstInts reads a constant int input, with a reason when it is not.
func nnConstInts(c *Ctx, i int, what string) ([]int64, error) {
	v, ok := c.ConstInts(c.In(i))
	if !ok {
		return nil, fmt.Errorf("%s must be a constant", what)
	}
	return v, nil
}

// nnCastTo casts v to dt unless it already has that type.
func nnCastTo(c *Ctx, v string, dt graph.DType) string {
	if c.DType(v) == dt {
		return v
	}
	return c.Op("Cast", Attrs{"to": int64(dt)}, v)
}

// nnIsFloat reports the element types ONNX Conv, Pool and normalization ops
// take.
func nnIsFloat(dt graph.DType) bool {
	return dt == graph.Float || dt == graph.Double || dt == graph.Float16
}

func nnFormatName(channelsFirst bool, rank int) string {
	letters := "HW"
	if rank == 5 {
		letters = "DHW"
	}
	if channelsFirst {
		return "NC" + letters
	}
	return "N" + letters + "C"
}
