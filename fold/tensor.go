package fold

import "github.com/tf2onnx-go/tf2onnx/graph"

// num is a tensor decoded for arithmetic: f for float types, i for integer
// and bool types (uint64 kept as its bit pattern, so that wrapping stays
// exact; the few ops where signedness matters check isUnsigned64).
type num struct {
	dt   graph.DType
	dims []int64
	f    []float64
	i    []int64
}

// isFloat lists the float types computed here. BFloat16 is left out:
// graph's encoder truncates to it instead of rounding.
func isFloat(dt graph.DType) bool {
	return dt == graph.Float || dt == graph.Double || dt == graph.Float16
}

// numeric is a type arithmetic applies to (bool excluded).
func numeric(dt graph.DType) bool { return isFloat(dt) || dt.IsInt() }

func decode(t *graph.Tensor) *num {
	x := &num{dt: t.DType, dims: t.Dims}
	switch {
	case isFloat(t.DType):
		x.f = t.Float64s()
	case t.DType.IsInt() || t.DType == graph.Bool:
		x.i = t.Int64s()
	default:
		return nil
	}
	return x
}

func newNum(dt graph.DType, dims []int64) *num {
	x := &num{dt: dt, dims: append([]int64{}, dims...)}
	n := numElements(dims)
	if isFloat(dt) {
		x.f = make([]float64, n)
	} else {
		x.i = make([]int64, n)
	}
	return x
}

// tensor encodes the values, rounding floats to the element type and
// wrapping integers to its width.
func (x *num) tensor() *graph.Tensor {
	if isFloat(x.dt) {
		return graph.NewTensor(x.dt, x.dims, x.f)
	}
	return graph.NewIntTensor(x.dt, x.dims, x.i)
}

// roundTo rounds an intermediate float to what the element type can hold,
// for running sums that the runtimes keep in that type.
func roundTo(dt graph.DType, v float64) float64 {
	switch dt {
	case graph.Float:
		return float64(float32(v))
	case graph.Float16:
		return float64(graph.HalfToFloat(graph.FloatToHalf(float32(v))))
	}
	return v
}

func isUnsigned64(dt graph.DType) bool { return dt == graph.Uint64 }

func numElements(dims []int64) int {
	n := 1
	for _, d := range dims {
		n *= int(d)
	}
	return n
}

// stridesOf gives the row-major element strides of dims.
func stridesOf(dims []int64) []int64 {
	s := make([]int64, len(dims))
	acc := int64(1)
	for i := len(dims) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= dims[i]
	}
	return s
}

// offsets walks dims in row-major order and lists, for each position, the
// source index base + Σ coord[k]*strides[k]. Transpose, Slice, Expand,
// broadcasting and reductions are all such walks with different strides.
func offsets(dims, strides []int64, base int64) []int {
	n := numElements(dims)
	out := make([]int, n)
	if n == 0 {
		return out
	}
	coord := make([]int64, len(dims))
	off := base
	for i := 0; i < n; i++ {
		out[i] = int(off)
		off += advance(coord, dims, strides, len(dims)-1)
	}
	return out
}

// advance steps the row-major position coord over dims by one along axes
// 0..k (k the innermost moved), carrying into outer axes, and returns the
// change of the offset Σ coord[i]*strides[i].
func advance(coord, dims, strides []int64, k int) int64 {
	var d int64
	for ; k >= 0; k-- {
		coord[k]++
		d += strides[k]
		if coord[k] < dims[k] {
			return d
		}
		d -= strides[k] * dims[k]
		coord[k] = 0
	}
	return d
}

// pick builds a tensor of t's type with the given dims whose element i is
// t's element offs[i], or fill (zero bytes when nil) where offs[i] < 0.
// It moves raw elements, so it serves every dtype, strings included.
func pick(t *graph.Tensor, dims []int64, offs []int, fill []byte) *graph.Tensor {
	out := &graph.Tensor{DType: t.DType, Dims: append([]int64{}, dims...)}
	if t.DType == graph.String {
		out.Strings = make([][]byte, len(offs))
		for i, o := range offs {
			if o >= 0 {
				out.Strings[i] = t.Strings[o]
			} else {
				out.Strings[i] = fill
			}
		}
		return out
	}
	sz := t.DType.Size()
	out.Data = make([]byte, len(offs)*sz)
	for i, o := range offs {
		switch {
		case o >= 0:
			copy(out.Data[i*sz:(i+1)*sz], t.Data[o*sz:(o+1)*sz])
		case fill != nil:
			copy(out.Data[i*sz:(i+1)*sz], fill)
		}
	}
	return out
}

// withDims is t's data under new dims (Reshape and its kin).
func withDims(t *graph.Tensor, dims []int64) *graph.Tensor {
	return &graph.Tensor{
		DType:   t.DType,
		Dims:    append([]int64{}, dims...),
		Data:    append([]byte(nil), t.Data...),
		Strings: append([][]byte(nil), t.Strings...),
	}
}

// broadcastDims applies multidirectional broadcasting to dims.
func broadcastDims(all ...[]int64) ([]int64, bool) {
	r := 0
	for _, d := range all {
		r = max(r, len(d))
	}
	out := make([]int64, r)
	for i := range out {
		out[i] = 1
	}
	for _, d := range all {
		off := r - len(d)
		for i, v := range d {
			switch o := out[off+i]; {
			case o == v || v == 1:
			case o == 1:
				out[off+i] = v
			default:
				return nil, false
			}
		}
	}
	return out, true
}

// broadcastOffsets maps each element of the broadcast shape out to the
// element of a tensor of dims in that it reads.
func broadcastOffsets(in, out []int64) []int {
	st := stridesOf(in)
	full := make([]int64, len(out))
	off := len(out) - len(in)
	for i, d := range in {
		if d != 1 {
			full[off+i] = st[i]
		}
	}
	return offsets(out, full, 0)
}
