package graph

import (
	"strconv"
	"strings"
)

// Dim is one dimension: a known Size, or Size < 0 with an optional symbolic
// Name (ONNX dim_param) shared by dims known to be equal.
type Dim struct {
	Size int64
	Name string
}

// Known reports a static size.
func (d Dim) Known() bool { return d.Size >= 0 }

func (d Dim) String() string {
	if d.Size >= 0 {
		return strconv.FormatInt(d.Size, 10)
	}
	if d.Name != "" {
		return d.Name
	}
	return "?"
}

// D is a known dim; Sym a symbolic one; Unk an anonymous unknown one.
func D(n int64) Dim       { return Dim{Size: n} }
func Sym(name string) Dim { return Dim{Size: -1, Name: name} }
func Unk() Dim            { return Dim{Size: -1} }

// Shape is a tensor's shape. Known is false when even the rank is unknown.
type Shape struct {
	Dims  []Dim
	Known bool
}

// UnknownShape has unknown rank.
func UnknownShape() Shape { return Shape{} }

// ShapeOf builds a shape from sizes; negative sizes are unknown dims.
func ShapeOf(sizes ...int64) Shape {
	s := Shape{Dims: make([]Dim, len(sizes)), Known: true}
	for i, n := range sizes {
		if n < 0 {
			s.Dims[i] = Unk()
		} else {
			s.Dims[i] = D(n)
		}
	}
	return s
}

// DimsOf is a shape with the given dims.
func DimsOf(dims ...Dim) Shape {
	return Shape{Dims: append([]Dim{}, dims...), Known: true}
}

// Rank is the number of dims, or -1 when unknown.
func (s Shape) Rank() int {
	if !s.Known {
		return -1
	}
	return len(s.Dims)
}

// Static reports whether every dim is known.
func (s Shape) Static() bool {
	if !s.Known {
		return false
	}
	for _, d := range s.Dims {
		if !d.Known() {
			return false
		}
	}
	return true
}

// Sizes returns the dims as int64s, -1 for unknown ones.
func (s Shape) Sizes() []int64 {
	out := make([]int64, len(s.Dims))
	for i, d := range s.Dims {
		out[i] = d.Size
	}
	return out
}

// NumElements is the product of the dims, or -1 if any is unknown.
func (s Shape) NumElements() int64 {
	if !s.Static() {
		return -1
	}
	n := int64(1)
	for _, d := range s.Dims {
		n *= d.Size
	}
	return n
}

// Clone copies the dims.
func (s Shape) Clone() Shape {
	return Shape{Dims: append([]Dim(nil), s.Dims...), Known: s.Known}
}

func (s Shape) String() string {
	if !s.Known {
		return "[*]"
	}
	parts := make([]string, len(s.Dims))
	for i, d := range s.Dims {
		parts[i] = d.String()
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// SliceRange is the first index and the length of data[start:end:step]
// along a dim of size n, with the clamping of out-of-range starts and ends
// that ONNX Slice defines (shape inference and constant folding share it).
func SliceRange(n, start, end, step int64) (first, count int64) {
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if step > 0 {
		start = min(max(start, 0), n)
		end = min(max(end, 0), n)
		if end <= start {
			return start, 0
		}
		return start, (end-start-1)/step + 1
	}
	start = min(max(start, 0), n-1)
	end = min(max(end, -1), n-1)
	if start <= end {
		return start, 0
	}
	// -step overflows only for MinInt64, where the quotient is 0 anyway.
	return start, (start-end-1)/-step + 1
}
