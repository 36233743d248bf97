package optimize

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Permutation helpers. A Transpose with perm p gives out.shape[i] =
// in.shape[p[i]]; two in a row, p then q, are one with perm p[q[i]].

func isPerm(p []int64) bool {
	seen := make([]bool, len(p))
	for _, v := range p {
		if v < 0 || v >= int64(len(p)) || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

func identityPerm(p []int64) bool {
	for i, v := range p {
		if v != int64(i) {
			return false
		}
	}
	return true
}

func invertPerm(p []int64) []int64 {
	inv := make([]int64, len(p))
	for i, v := range p {
		inv[v] = int64(i)
	}
	return inv
}

// composePerm is the perm of Transpose(Transpose(x, p), q).
func composePerm(p, q []int64) []int64 {
	r := make([]int64, len(q))
	for i, v := range q {
		r[i] = p[v]
	}
	return r
}

// permuteShape is the shape of Transpose(x, p) for x of shape s.
func permuteShape(s graph.Shape, p []int64) graph.Shape {
	if !s.Known || len(s.Dims) != len(p) {
		return graph.UnknownShape()
	}
	out := graph.Shape{Dims: make([]graph.Dim, len(p)), Known: true}
	for i, v := range p {
		out.Dims[i] = s.Dims[v]
	}
	return out
}

// elemSize is the byte width of a tensor's element, 0 when its data cannot
// be moved byte-wise (strings, or data shorter than its dims claim).
func elemSize(t *graph.Tensor) int {
	sz := t.DType.Size()
	if sz == 0 || t.DType == graph.String || int64(len(t.Data)) != t.NumElements()*int64(sz) {
		return 0
	}
	return sz
}

// transposeTensor is Transpose(t, p) computed on the bytes; nil when t's
// data cannot be moved byte-wise.
func transposeTensor(t *graph.Tensor, p []int64) *graph.Tensor {
	sz := elemSize(t)
	if sz == 0 || len(p) != len(t.Dims) {
		return nil
	}
	r := len(p)
	dims := make([]int64, r)
	for i, v := range p {
		dims[i] = t.Dims[v]
	}
	out := &graph.Tensor{DType: t.DType, Dims: dims, Data: make([]byte, len(t.Data))}
	if r == 0 || identityPerm(p) {
		copy(out.Data, t.Data)
		return out
	}
	// Strides of the input, in elements, read in output-dim order.
	inStride := make([]int64, r)
	s := int64(1)
	for i := r - 1; i >= 0; i-- {
		inStride[i] = s
		s *= t.Dims[i]
	}
	step := make([]int64, r)
	for i, v := range p {
		step[i] = inStride[v]
	}
	idx := make([]int64, r)
	n := t.NumElements()
	src := int64(0)
	for o := int64(0); o < n; o++ {
		copy(out.Data[o*int64(sz):(o+1)*int64(sz)], t.Data[src*int64(sz):(src+1)*int64(sz)])
		for d := r - 1; d >= 0; d-- {
			idx[d]++
			src += step[d]
			if idx[d] < dims[d] {
				break
			}
			src -= step[d] * dims[d]
			idx[d] = 0
		}
	}
	return out
}

// withDims is t with other dims of the same element count (a reshape).
func withDims(t *graph.Tensor, dims []int64) *graph.Tensor {
	return &graph.Tensor{DType: t.DType, Dims: append([]int64{}, dims...), Data: t.Data, Strings: t.Strings}
}

// alignRank is dims right-aligned to rank r with leading 1s, as numpy
// broadcasting reads them; ok is false when dims has more than r dims.
func alignRank(dims []int64, r int) ([]int64, bool) {
	if len(dims) > r {
		return nil, false
	}
	out := make([]int64, r)
	for i := range out {
		out[i] = 1
	}
	copy(out[r-len(dims):], dims)
	return out, true
}

func allOnes(dims []int64) bool {
	for _, d := range dims {
		if d != 1 {
			return false
		}
	}
	return true
}

// isFloat reports the element types whose values this package recomputes
// in float64 when it folds weights.
func isFloat(dt graph.DType) bool {
	return dt == graph.Float || dt == graph.Double || dt == graph.Float16 || dt == graph.BFloat16
}
