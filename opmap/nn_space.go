package opmap

import (
	"fmt"
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// SpaceToBatchND, BatchToSpaceND (as Pad/Slice + Reshape/Transpose, for
// any number of block dims) and DepthToSpace/SpaceToDepth.

// nnS2BPerm is the transpose of SpaceToBatchND: the data reshaped to
// [N, s1/b1, b1, …, sM/bM, bM, rest…] is reordered to
// [b1, …, bM, N, s1/b1, …, sM/bM, rest…].
func nnS2BPerm(m, rest int) []int64 {
	var p []int64
	for i := 0; i < m; i++ {
		p = append(p, int64(2+2*i))
	}
	p = append(p, 0)
	for i := 0; i < m; i++ {
		p = append(p, int64(1+2*i))
	}
	for i := 0; i < rest; i++ {
		p = append(p, int64(2*m+1+i))
	}
	return p
}

// nnB2SPerm is the transpose of BatchToSpaceND: the data reshaped to
// [b1, …, bM, N, s1, …, sM, rest…] is reordered to
// [N, s1, b1, …, sM, bM, rest…].
func nnB2SPerm(m, rest int) []int64 {
	p := []int64{int64(m)}
	for i := 0; i < m; i++ {
		p = append(p, int64(m+1+i), int64(i))
	}
	for i := 0; i < rest; i++ {
		p = append(p, int64(2*m+1+i))
	}
	return p
}

// nnBlockArgs reads the constant block shape and checks the data's rank.
func nnBlockArgs(c *Ctx) (block []int64, rank int, err error) {
	block, err = nnConstInts(c, 1, "block_shape")
	if err != nil {
		return nil, 0, err
	}
	rank = c.Rank(c.In(0))
	if rank < 0 {
		return nil, 0, fmt.Errorf("the input's rank must be known")
	}
	if len(block) < 1 || len(block) > rank-1 {
		return nil, 0, fmt.Errorf("block_shape %v does not fit rank-%d data", block, rank)
	}
	for _, b := range block {
		if b < 1 {
			return nil, 0, fmt.Errorf("block_shape %v has a non-positive entry", block)
		}
	}
	return block, rank, nil
}

// nnPadsFromPairs turns an [M,2] paddings input over dims 1..M into ONNX
// Pad's pads for rank-`rank` data, as a constant when it is one.
func nnPadsFromPairs(c *Ctx, v string, m, rank int) (pads string, zero bool) {
	if vals, ok := c.ConstInts(v); ok {
		p := make([]int64, 2*rank)
		zero = true
		for i := 0; i < m; i++ {
			p[1+i], p[rank+1+i] = vals[2*i], vals[2*i+1]
			if vals[2*i] != 0 || vals[2*i+1] != 0 {
				zero = false
			}
		}
		return c.Int64s(p...), zero
	}
	pairs := c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, nnCastTo(c, v, graph.Int64)) // [2, M]
	parts := []string{c.AddConst(graph.NewIntTensor(graph.Int64, []int64{2, 1}, []int64{0, 0})), pairs}
	if rest := rank - 1 - m; rest > 0 {
		parts = append(parts, c.AddConst(graph.NewIntTensor(graph.Int64, []int64{2, int64(rest)}, make([]int64, 2*rest))))
	}
	all := c.Op("Concat", Attrs{"axis": int64(1)}, parts...)
	return c.Op("Reshape", nil, all, c.Int64s(-1)), false
}

func nnSpaceToBatch(c *Ctx) error {
	x := c.In(0)
	block, rank, err := nnBlockArgs(c)
	if err != nil {
		return err
	}
	m, rest := len(block), rank-1-len(block)
	pads, zero := nnPadsFromPairs(c, c.In(2), m, rank)
	padded := x
	if !zero {
		padded = c.Op("Pad", nil, x, pads)
	}
	xd, pd := nnDims(c, x), nnDims(c, padded)
	dims := []nnDim{xd(0)}
	prod := int64(1)
	for i, b := range block {
		dims = append(dims, nnDimDiv(c, pd(1+i), b), nnDim{N: b})
		prod *= b
	}
	for i := 0; i < rest; i++ {
		dims = append(dims, xd(1+m+i))
	}
	r := c.Op("Reshape", nil, padded, nnShapeValue(c, dims))
	t := c.Op("Transpose", Attrs{"perm": nnS2BPerm(m, rest)}, r)
	out := []nnDim{nnDimMul(c, dims[0], prod)}
	for i := 0; i < m; i++ {
		out = append(out, dims[1+2*i])
	}
	out = append(out, dims[1+2*m:]...)
	c.OpTo(c.Out(0), "Reshape", nil, t, nnShapeValue(c, out))
	return nil
}

func nnBatchToSpace(c *Ctx) error {
	x := c.In(0)
	block, rank, err := nnBlockArgs(c)
	if err != nil {
		return err
	}
	m, rest := len(block), rank-1-len(block)
	prod := int64(1)
	var dims []nnDim
	for _, b := range block {
		dims = append(dims, nnDim{N: b})
		prod *= b
	}
	xd := nnDims(c, x)
	n := nnDimDiv(c, xd(0), prod)
	dims = append(dims, n)
	sp := make([]nnDim, m)
	for i := range sp {
		sp[i] = xd(1 + i)
		dims = append(dims, sp[i])
	}
	var restDims []nnDim
	for i := 0; i < rest; i++ {
		restDims = append(restDims, xd(1+m+i))
	}
	dims = append(dims, restDims...)
	r := c.Op("Reshape", nil, x, nnShapeValue(c, dims))
	t := c.Op("Transpose", Attrs{"perm": nnB2SPerm(m, rest)}, r)
	out := []nnDim{n}
	for i, b := range block {
		out = append(out, nnDimMul(c, sp[i], b))
	}
	out = append(out, restDims...)
	full := c.Op("Reshape", nil, t, nnShapeValue(c, out))

	axes := make([]int64, m)
	for i := range axes {
		axes[i] = int64(1 + i)
	}
	if crops, ok := c.ConstInts(c.In(2)); ok {
		starts, ends := make([]int64, m), make([]int64, m)
		zero := true
		for i := 0; i < m; i++ {
			starts[i], ends[i] = crops[2*i], math.MaxInt64
			if crops[2*i+1] > 0 {
				ends[i] = -crops[2*i+1]
			}
			if crops[2*i] != 0 || crops[2*i+1] != 0 {
				zero = false
			}
		}
		if zero {
			c.Alias(c.Out(0), full)
			return nil
		}
		c.OpTo(c.Out(0), "Slice", nil, full, c.Int64s(starts...), c.Int64s(ends...), c.Int64s(axes...))
		return nil
	}
	crops := c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, nnCastTo(c, c.In(2), graph.Int64)) // [2, M]
	begin := c.Op("Reshape", nil, c.Op("Slice", nil, crops, c.Int64s(0), c.Int64s(1), c.Int64s(0)), c.Int64s(-1))
	end := c.Op("Reshape", nil, c.Op("Slice", nil, crops, c.Int64s(1), c.Int64s(2), c.Int64s(0)), c.Int64s(-1))
	size := c.Op("Slice", nil, c.Op("Shape", nil, full), c.Int64s(1), c.Int64s(int64(1+m)), c.Int64s(0))
	c.OpTo(c.Out(0), "Slice", nil, full, begin, c.Op("Sub", nil, size, end), c.Int64s(axes...))
	return nil
}

// nnDepthSpace maps DepthToSpace/SpaceToDepth; TF's channel order (block
// row, block column, then depth) is ONNX's DCR mode.
func nnDepthSpace(op string) Handler {
	return func(c *Ctx) error {
		x := c.In(0)
		if r := c.Rank(x); r >= 0 && r != 4 {
			return fmt.Errorf("%s takes rank-4 data, not rank %d", op, r)
		}
		cf, err := nnChannelsFirst(c.Node, 4)
		if err != nil {
			return err
		}
		bs := c.Node.Int("block_size", 0)
		if bs < 2 {
			return fmt.Errorf("block_size %d is not supported", bs)
		}
		attrs := Attrs{"blocksize": bs}
		if op == "DepthToSpace" {
			attrs["mode"] = "DCR"
		}
		xt := x
		if !cf {
			xt = nnToCF(c, x, 4)
		}
		nnEmit(c, op, attrs, 4, cf, xt)
		return nil
	}
}
