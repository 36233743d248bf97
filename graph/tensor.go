package graph

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Tensor is a constant: element type, static dims and the values as
// little-endian bytes (the layout both TF tensor_content and ONNX raw_data
// use), or Strings for string tensors.
type Tensor struct {
	DType   DType
	Dims    []int64
	Data    []byte
	Strings [][]byte
}

// NumElements is the product of Dims (1 for a scalar).
func (t *Tensor) NumElements() int64 {
	n := int64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Shape is the tensor's static shape.
func (t *Tensor) Shape() Shape { return ShapeOf(t.Dims...) }

// Int64s returns the values of an integer or bool tensor widened to int64
// (floats are truncated toward zero).
func (t *Tensor) Int64s() []int64 {
	n := int(t.NumElements())
	out := make([]int64, n)
	for i := 0; i < n; i++ {
		out[i] = t.intAt(i)
	}
	return out
}

// Float64s returns the values of any numeric tensor as float64.
func (t *Tensor) Float64s() []float64 {
	n := int(t.NumElements())
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		out[i] = t.floatAt(i)
	}
	return out
}

// Float32s returns the values of any numeric tensor as float32.
func (t *Tensor) Float32s() []float32 {
	f := t.Float64s()
	out := make([]float32, len(f))
	for i, v := range f {
		out[i] = float32(v)
	}
	return out
}

func (t *Tensor) intAt(i int) int64 {
	b := t.Data
	switch t.DType {
	case Int8:
		return int64(int8(b[i]))
	case Uint8, Bool:
		return int64(b[i])
	case Int16:
		return int64(int16(binary.LittleEndian.Uint16(b[2*i:])))
	case Uint16:
		return int64(binary.LittleEndian.Uint16(b[2*i:]))
	case Int32:
		return int64(int32(binary.LittleEndian.Uint32(b[4*i:])))
	case Uint32:
		return int64(binary.LittleEndian.Uint32(b[4*i:]))
	case Int64, Uint64:
		return int64(binary.LittleEndian.Uint64(b[8*i:]))
	case Float, Double, Float16, BFloat16:
		return int64(t.floatAt(i))
	}
	// Strings, complex numbers, unknown types: no number to give (and no
	// recursion into floatAt, which would come back here).
	return 0
}

func (t *Tensor) floatAt(i int) float64 {
	b := t.Data
	switch t.DType {
	case Float:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
	case Double:
		return math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	case Float16:
		return float64(HalfToFloat(binary.LittleEndian.Uint16(b[2*i:])))
	case BFloat16:
		return float64(math.Float32frombits(uint32(binary.LittleEndian.Uint16(b[2*i:])) << 16))
	case Uint64:
		return float64(binary.LittleEndian.Uint64(b[8*i:]))
	case Int8, Uint8, Bool, Int16, Uint16, Int32, Uint32, Int64:
		return float64(t.intAt(i))
	}
	return math.NaN()
}

// NewTensor encodes float64 values into a tensor of the given numeric dtype.
func NewTensor(dt DType, dims []int64, vals []float64) *Tensor {
	t := &Tensor{DType: dt, Dims: append([]int64{}, dims...)}
	sz := dt.Size()
	t.Data = make([]byte, sz*len(vals))
	for i, v := range vals {
		putValue(t.Data[i*sz:], dt, v)
	}
	return t
}

// NewIntTensor encodes int64 values exactly (no float round trip).
func NewIntTensor(dt DType, dims []int64, vals []int64) *Tensor {
	if !dt.IsInt() && dt != Bool {
		f := make([]float64, len(vals))
		for i, v := range vals {
			f[i] = float64(v)
		}
		return NewTensor(dt, dims, f)
	}
	t := &Tensor{DType: dt, Dims: append([]int64{}, dims...)}
	sz := dt.Size()
	t.Data = make([]byte, sz*len(vals))
	for i, v := range vals {
		b := t.Data[i*sz:]
		switch sz {
		case 1:
			b[0] = byte(v)
		case 2:
			binary.LittleEndian.PutUint16(b, uint16(v))
		case 4:
			binary.LittleEndian.PutUint32(b, uint32(v))
		case 8:
			binary.LittleEndian.PutUint64(b, uint64(v))
		}
	}
	return t
}

func putValue(b []byte, dt DType, v float64) {
	switch dt {
	case Float:
		binary.LittleEndian.PutUint32(b, math.Float32bits(float32(v)))
	case Double:
		binary.LittleEndian.PutUint64(b, math.Float64bits(v))
	case Float16:
		binary.LittleEndian.PutUint16(b, FloatToHalf(float32(v)))
	case BFloat16:
		binary.LittleEndian.PutUint16(b, FloatToBFloat16(float32(v)))
	case Bool:
		if v != 0 {
			b[0] = 1
		} else {
			b[0] = 0
		}
	case Int8, Uint8:
		b[0] = byte(int64(v))
	case Int16, Uint16:
		binary.LittleEndian.PutUint16(b, uint16(int64(v)))
	case Int32:
		binary.LittleEndian.PutUint32(b, uint32(int32(v)))
	case Uint32:
		binary.LittleEndian.PutUint32(b, uint32(v))
	case Int64:
		binary.LittleEndian.PutUint64(b, uint64(int64(v)))
	case Uint64:
		binary.LittleEndian.PutUint64(b, uint64(v))
	default:
		panic(fmt.Sprintf("graph: cannot encode %v", dt))
	}
}

// Int64Tensor is a 1-D int64 tensor.
func Int64Tensor(vals ...int64) *Tensor {
	return NewIntTensor(Int64, []int64{int64(len(vals))}, vals)
}

// ScalarInt64 is a rank-0 int64 tensor.
func ScalarInt64(v int64) *Tensor { return NewIntTensor(Int64, nil, []int64{v}) }

// ScalarOf is a rank-0 tensor of dtype dt.
func ScalarOf(dt DType, v float64) *Tensor { return NewTensor(dt, nil, []float64{v}) }

// Float32Tensor is a float32 tensor with the given dims.
func Float32Tensor(dims []int64, vals []float32) *Tensor {
	f := make([]float64, len(vals))
	for i, v := range vals {
		f[i] = float64(v)
	}
	return NewTensor(Float, dims, f)
}

// HalfToFloat decodes an IEEE 754 binary16 bit pattern.
func HalfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := int32(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	switch {
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal
		for frac&0x400 == 0 {
			frac <<= 1
			exp--
		}
		exp++
		frac &= 0x3ff
	case exp == 31:
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	}
	return math.Float32frombits(sign | uint32(exp+112)<<23 | frac<<13)
}

// FloatToHalf encodes a float32 as binary16, rounding to nearest even.
func FloatToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23)&0xff - 127 + 15
	frac := b & 0x7fffff
	if int32(b>>23)&0xff == 0xff {
		if frac != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	}
	if exp >= 31 {
		return sign | 0x7c00
	}
	if exp <= 0 {
		if exp < -10 {
			return sign
		}
		frac |= 0x800000
		shift := uint32(14 - exp)
		half := uint16(frac >> shift)
		rem := frac & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rem > mid || (rem == mid && half&1 == 1) {
			half++
		}
		return sign | half
	}
	half := uint16(exp)<<10 | uint16(frac>>13)
	rem := frac & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && half&1 == 1) {
		half++
	}
	return sign | half
}

// FloatToBFloat16 rounds a float32 to bfloat16, to nearest even (NaN stays NaN).
func FloatToBFloat16(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16) | 0x40
	}
	b += 0x7fff + (b>>16)&1
	return uint16(b >> 16)
}
