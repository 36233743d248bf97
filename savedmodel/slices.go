package savedmodel

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// A tensor saved in slices (a TF1 partitioned variable, or a TF2 save with
// a max-shard-size policy) has an entry with its full dtype and shape and
// the list of slices; each slice is stored under its own key, the ordered
// code of (0, name, rank, start and length of each dim) — TensorFlow's
// checkpoint::EncodeTensorNameSlice.

// extent is one dim of a slice; length -1 is the whole dim.
type extent struct{ start, length int64 }

func sliceKey(name string, ext []extent) string {
	var b []byte
	b = append(b, 0) // the number 0
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case 0x00:
			b = append(b, 0x00, 0xff)
		case 0xff:
			b = append(b, 0xff, 0x00)
		default:
			b = append(b, c)
		}
	}
	b = append(b, 0x00, 0x01) // the string's end
	b = appendNumIncreasing(b, uint64(len(ext)))
	for _, e := range ext {
		b = appendSignedNumIncreasing(b, e.start)
		b = appendSignedNumIncreasing(b, e.length)
	}
	return string(b)
}

// appendNumIncreasing: a length byte, then the big-endian bytes without
// leading zeros.
func appendNumIncreasing(b []byte, v uint64) []byte {
	n := (bits.Len64(v) + 7) / 8
	b = append(b, byte(n))
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// signedHeader are the length bits OR-ed (as XOR into the sign extension)
// into the first two bytes of an n-byte signed encoding.
var signedHeader = [11][2]byte{{0, 0}, {0x80, 0}, {0xc0, 0}, {0xe0, 0}, {0xf0, 0}, {0xf8, 0}, {0xfc, 0}, {0xfe, 0}, {0xff, 0}, {0xff, 0x80}, {0xff, 0xc0}}

// appendSignedNumIncreasing: a sign bit, as many length bits as bytes
// follow, then the two's-complement value; n bytes hold [-2^(7n-1), 2^(7n-1)).
func appendSignedNumIncreasing(b []byte, v int64) []byte {
	x := uint64(v)
	if v < 0 {
		x = ^x
	}
	if x < 64 {
		return append(b, 0x80^byte(v))
	}
	n := bits.Len64(x)/7 + 1
	var buf [10]byte
	if v < 0 {
		buf[0], buf[1] = 0xff, 0xff
	}
	binary.BigEndian.PutUint64(buf[2:], uint64(v))
	enc := buf[10-n:]
	enc[0] ^= signedHeader[n][0]
	enc[1] ^= signedHeader[n][1]
	return append(b, enc...)
}

func protoExtents(p *tfpb.TensorSliceProto, rank int) ([]extent, error) {
	if len(p.GetExtent()) != rank {
		return nil, fmt.Errorf("a slice of rank %d for a tensor of rank %d", len(p.GetExtent()), rank)
	}
	out := make([]extent, rank)
	for i, e := range p.Extent {
		out[i] = extent{e.Start, -1}
		if l, ok := e.HasLength.(*tfpb.TensorSliceProto_Extent_Length); ok {
			out[i].length = l.Length
		}
	}
	return out, nil
}

func dims(s *tfpb.TensorShapeProto) []int64 {
	out := make([]int64, len(s.GetDim()))
	for i, d := range s.GetDim() {
		out[i] = d.Size
	}
	return out
}

// box resolves whole-dim extents against full and checks the bounds.
func box(ext []extent, full []int64) (start, size []int64, err error) {
	start, size = make([]int64, len(ext)), make([]int64, len(ext))
	for i, e := range ext {
		start[i], size[i] = e.start, e.length
		if e.length < 0 {
			start[i], size[i] = 0, full[i]
		}
		if start[i] < 0 || size[i] < 0 || start[i]+size[i] > full[i] {
			return nil, nil, fmt.Errorf("slice [%d:+%d] out of dim %d of size %d", start[i], size[i], i, full[i])
		}
	}
	return start, size, nil
}

// copyBox copies a box of size elements from src (shape srcDims, box at
// srcAt) into dst (shape dstDims, box at dstAt), a row of the last dim at a
// time.
func copyBox(dst []byte, dstDims, dstAt []int64, src []byte, srcDims, srcAt []int64, size []int64, elem int64) {
	rank := len(size)
	for _, s := range size {
		if s == 0 {
			return
		}
	}
	if rank == 0 {
		copy(dst[:elem], src[:elem])
		return
	}
	offset := func(d, at, idx []int64) int64 {
		o := int64(0)
		for i := range d {
			o = o*d[i] + at[i] + idx[i]
		}
		return o * elem
	}
	idx := make([]int64, rank)
	row := size[rank-1] * elem
	for {
		so, do := offset(srcDims, srcAt, idx), offset(dstDims, dstAt, idx)
		copy(dst[do:do+row], src[so:so+row])
		i := rank - 2
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < size[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// assemble builds a sliced tensor from its slices (a copy).
func (b *Bundle) assemble(key string, e *tfpb.BundleEntryProto) (*tfpb.TensorProto, error) {
	elem, ok := dtypeSize(e.Dtype)
	if !ok {
		return nil, fmt.Errorf("%q: %v tensors saved in slices are not supported", key, e.Dtype)
	}
	n, err := numElements(key, e.Shape)
	if err != nil {
		return nil, err
	}
	full := dims(e.Shape)
	// The slices' stored bytes must cover the tensor before it is allocated
	// (a damaged index must not size a huge buffer).
	stored := int64(0)
	for _, sp := range e.Slices {
		ext, err := protoExtents(sp, len(full))
		if err != nil {
			return nil, badBundle("%q: %v", key, err)
		}
		if se := b.entries[sliceKey(key, ext)]; se != nil && se.Size > 0 {
			stored += se.Size
		}
	}
	if stored < n*elem {
		return nil, badBundle("%q: its slices hold %d bytes of the %d its shape needs", key, stored, n*elem)
	}
	out := make([]byte, n*elem)
	for _, sp := range e.Slices {
		ext, err := protoExtents(sp, len(full))
		if err != nil {
			return nil, badBundle("%q: %v", key, err)
		}
		start, size, err := box(ext, full)
		if err != nil {
			return nil, badBundle("%q: %v", key, err)
		}
		sk := sliceKey(key, ext)
		se := b.entries[sk]
		if se == nil {
			return nil, badBundle("%q: the checkpoint lacks its slice %s", key, extentString(ext))
		}
		part, err := b.whole(key+" "+extentString(ext), se)
		if err != nil {
			return nil, err
		}
		copyBox(out, full, start, part.TensorContent, size, make([]int64, len(size)), size, elem)
	}
	return &tfpb.TensorProto{Dtype: e.Dtype, TensorShape: e.Shape, TensorContent: out}, nil
}

func extentString(ext []extent) string {
	var parts []string
	for _, e := range ext {
		if e.length < 0 {
			parts = append(parts, "-")
		} else {
			parts = append(parts, fmt.Sprintf("%d,%d", e.start, e.length))
		}
	}
	return strings.Join(parts, ":")
}

// Slice reads the part of key that a TF1 saver's shape_and_slice string
// names ("10 4 0,5:-": the full shape, then start,length or - per dim); an
// empty spec is the whole tensor. A part stored as is aliases the shard.
func (b *Bundle) Slice(key, spec string) (*tfpb.TensorProto, error) {
	if strings.TrimSpace(spec) == "" {
		return b.Tensor(key)
	}
	e := b.entries[key]
	if e == nil {
		return nil, badBundle("the checkpoint %s has no key %q", b.prefix, key)
	}
	full, ext, err := parseShapeAndSlice(spec)
	if err != nil {
		return nil, fmt.Errorf("%q: slice spec %q: %v", key, spec, err)
	}
	have := dims(e.Shape)
	if fmt.Sprint(have) != fmt.Sprint(full) {
		return nil, fmt.Errorf("%q: the graph reads a slice of shape %v, the checkpoint holds %v", key, full, have)
	}
	start, size, err := box(ext, full)
	if err != nil {
		return nil, fmt.Errorf("%q: %v", key, err)
	}
	if se := b.entries[sliceKey(key, ext)]; se != nil {
		return b.whole(key+" "+extentString(ext), se)
	}
	whole, err := b.Tensor(key)
	if err != nil {
		return nil, err
	}
	elem, ok := dtypeSize(e.Dtype)
	if !ok {
		return nil, fmt.Errorf("%q: slices of %v tensors are not supported", key, e.Dtype)
	}
	n := elem
	shape := &tfpb.TensorShapeProto{}
	for _, s := range size {
		n *= s
		shape.Dim = append(shape.Dim, &tfpb.TensorShapeProto_Dim{Size: s})
	}
	out := make([]byte, n)
	copyBox(out, size, make([]int64, len(size)), whole.TensorContent, full, start, size, elem)
	return &tfpb.TensorProto{Dtype: e.Dtype, TensorShape: shape, TensorContent: out}, nil
}

func parseShapeAndSlice(spec string) ([]int64, []extent, error) {
	f := strings.Fields(spec)
	if len(f) == 0 {
		return nil, nil, fmt.Errorf("empty")
	}
	full := make([]int64, len(f)-1)
	for i, s := range f[:len(f)-1] {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			return nil, nil, fmt.Errorf("bad dim %q", s)
		}
		full[i] = v
	}
	parts := strings.Split(f[len(f)-1], ":")
	if len(parts) != len(full) {
		return nil, nil, fmt.Errorf("%d extents for rank %d", len(parts), len(full))
	}
	ext := make([]extent, len(parts))
	for i, p := range parts {
		if p == "-" {
			ext[i] = extent{0, -1}
			continue
		}
		a, l, ok := strings.Cut(p, ",")
		s, err1 := strconv.ParseInt(a, 10, 64)
		n, err2 := strconv.ParseInt(l, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, nil, fmt.Errorf("bad extent %q", p)
		}
		ext[i] = extent{s, n}
	}
	return full, ext, nil
}
