package frozen

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// DType translates a TensorFlow DataType (reference types included) to the
// graph's; ok is false for types ONNX has no tensor for (resource, variant,
// quantized).
func DType(t tfpb.DataType) (graph.DType, bool) {
	if t > 100 {
		t -= 100 // DT_*_REF
	}
	switch t {
	case tfpb.DataType_DT_FLOAT:
		return graph.Float, true
	case tfpb.DataType_DT_DOUBLE:
		return graph.Double, true
	case tfpb.DataType_DT_INT32:
		return graph.Int32, true
	case tfpb.DataType_DT_UINT8:
		return graph.Uint8, true
	case tfpb.DataType_DT_INT16:
		return graph.Int16, true
	case tfpb.DataType_DT_INT8:
		return graph.Int8, true
	case tfpb.DataType_DT_STRING:
		return graph.String, true
	case tfpb.DataType_DT_COMPLEX64:
		return graph.Complex64, true
	case tfpb.DataType_DT_INT64:
		return graph.Int64, true
	case tfpb.DataType_DT_BOOL:
		return graph.Bool, true
	case tfpb.DataType_DT_BFLOAT16:
		return graph.BFloat16, true
	case tfpb.DataType_DT_UINT16:
		return graph.Uint16, true
	case tfpb.DataType_DT_COMPLEX128:
		return graph.Complex128, true
	case tfpb.DataType_DT_HALF:
		return graph.Float16, true
	case tfpb.DataType_DT_UINT32:
		return graph.Uint32, true
	case tfpb.DataType_DT_UINT64:
		return graph.Uint64, true
	}
	return graph.Undefined, false
}

// ShapeFromProto converts a TensorShapeProto (size -1 is unknown).
func ShapeFromProto(p *tfpb.TensorShapeProto) graph.Shape {
	if p == nil || p.UnknownRank {
		return graph.UnknownShape()
	}
	s := graph.Shape{Known: true, Dims: make([]graph.Dim, len(p.Dim))}
	for i, d := range p.Dim {
		if d.Size < 0 {
			s.Dims[i] = graph.Unk()
		} else {
			s.Dims[i] = graph.D(d.Size)
		}
	}
	return s
}

// A constant that TensorFlow stored compressed (fewer typed values than
// elements, the last one repeated) is expanded when read. A file of a few
// bytes may declare any shape, so expansion is bounded: MaxExpandedBytes for
// one constant, and for one extraction ExpandBudgetBase plus
// ExpandBudgetPerByte per byte of the GraphDef, so that reading a hostile
// file takes memory in proportion to its size. (TensorFlow compresses
// constants it folded, zeros and fills mostly; real models stay far below.)
const (
	MaxExpandedBytes    = 1 << 30
	ExpandBudgetBase    = 64 << 20
	ExpandBudgetPerByte = 16
)

// ExpandBudget is the expansion budget of one extraction of gd.
func ExpandBudget(gd *tfpb.GraphDef) int64 {
	return ExpandBudgetBase + ExpandBudgetPerByte*int64(proto.Size(gd))
}

// DecodeTensor turns a TF TensorProto into a graph.Tensor. It accepts every
// encoding TensorFlow writes: raw tensor_content; the typed *_val fields,
// where fewer values than elements repeat the last one (a single value
// fills the tensor); half and bfloat16 as 16-bit patterns in half_val.
// Shapes whose size overflows, and compressed constants that would expand
// past MaxExpandedBytes, are errors.
func DecodeTensor(p *tfpb.TensorProto) (*graph.Tensor, error) {
	return decodeTensor(p, nil)
}

// decodeTensor is DecodeTensor drawing expansions from a budget (bytes left)
// when budget is not nil.
func decodeTensor(p *tfpb.TensorProto, budget *int64) (*graph.Tensor, error) {
	if p == nil {
		return nil, fmt.Errorf("constant has no tensor")
	}
	dt, ok := DType(p.Dtype)
	if !ok {
		return nil, fmt.Errorf("constant of type %v has no ONNX equivalent", p.Dtype)
	}
	shape := ShapeFromProto(p.TensorShape)
	if !shape.Static() {
		return nil, fmt.Errorf("constant has a non-static shape %v", shape)
	}
	t := &graph.Tensor{DType: dt, Dims: shape.Sizes()}
	size := int64(dt.Size())
	if dt == graph.String {
		size = 24 // a slice header per element
	}
	n, ok := sizeOf(t.Dims, size)
	if !ok {
		return nil, fmt.Errorf("constant of shape %v has more than 2^63 bytes", shape)
	}
	n /= size
	held := int64(len(p.TensorContent))
	if dt == graph.String {
		held = int64(len(p.StringVal))
	} else if held == 0 {
		_, count, err := typedValues(p, dt)
		if err != nil {
			return nil, err
		}
		held = int64(count) * size
	}
	if dt != graph.String && len(p.TensorContent) > 0 {
		if held != n*size {
			return nil, fmt.Errorf("constant of type %v and shape %v needs %d bytes but tensor_content holds %d", dt, shape, n*size, held)
		}
		// Alias, not copy: the GraphDef is not used after extraction, and
		// the weights are most of the bytes a conversion holds.
		t.Data = p.TensorContent
		return t, nil
	}
	if need := n * size; need > MaxExpandedBytes || budget != nil && need > *budget {
		if need > MaxExpandedBytes {
			budget = nil // name the limit that was passed
		}
		what := fmt.Sprintf("%d bytes", held)
		if dt == graph.String {
			what = fmt.Sprintf("%d string values", held)
		}
		return nil, fmt.Errorf("%s for %s %v elements (shape %v); %s", what, countString(n), dt, shape, limitString(budget))
	} else if budget != nil {
		*budget -= need
	}
	if dt == graph.String {
		if int64(len(p.StringVal)) > n {
			return nil, fmt.Errorf("string constant declares %d elements but holds %d", n, len(p.StringVal))
		}
		t.Strings = make([][]byte, n)
		for i := int64(0); i < n; i++ {
			switch {
			case i < int64(len(p.StringVal)):
				t.Strings[i] = p.StringVal[i]
			case len(p.StringVal) > 0:
				t.Strings[i] = p.StringVal[len(p.StringVal)-1]
			default:
				t.Strings[i] = []byte{}
			}
		}
		return t, nil
	}
	vals, count, err := typedValues(p, dt)
	if err != nil {
		return nil, err
	}
	if int64(count) > n {
		return nil, fmt.Errorf("constant of shape %v declares %d elements but holds %d values", shape, n, count)
	}
	t.Data = make([]byte, n*size)
	if count == 0 {
		return t, nil // all zeros, as TensorFlow reads it
	}
	for i := int64(0); i < n; i++ {
		src := i
		if src >= int64(count) {
			src = int64(count) - 1
		}
		vals(t.Data[i*size:(i+1)*size], int(src))
	}
	return t, nil
}

// sizeOf is the product of dims and elem, ok false when a dim is negative
// or the product overflows int64.
func sizeOf(dims []int64, elem int64) (int64, bool) {
	n := elem
	for _, d := range dims {
		if d < 0 {
			return 0, false
		}
		if d == 0 {
			return 0, true
		}
	}
	for _, d := range dims {
		if n > math.MaxInt64/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// countString prints a count, as a power of two when it is one (2^40).
func countString(n int64) string {
	if n >= 1<<20 && n&(n-1) == 0 {
		return fmt.Sprintf("2^%d", bits.TrailingZeros64(uint64(n)))
	}
	return fmt.Sprint(n)
}

func limitString(budget *int64) string {
	if budget != nil && *budget < MaxExpandedBytes {
		return fmt.Sprintf("a file's compressed constants may expand to %s bytes plus %d per byte of the file in all",
			countString(ExpandBudgetBase), ExpandBudgetPerByte)
	}
	return fmt.Sprintf("a compressed constant may expand to %s bytes at most", countString(MaxExpandedBytes))
}

// typedValues returns a writer that puts value i of the typed field into a
// little-endian slot, and how many values the field holds.
func typedValues(p *tfpb.TensorProto, dt graph.DType) (func([]byte, int), int, error) {
	le := binary.LittleEndian
	switch dt {
	case graph.Float:
		return func(b []byte, i int) { le.PutUint32(b, math.Float32bits(p.FloatVal[i])) }, len(p.FloatVal), nil
	case graph.Double:
		return func(b []byte, i int) { le.PutUint64(b, math.Float64bits(p.DoubleVal[i])) }, len(p.DoubleVal), nil
	case graph.Float16, graph.BFloat16:
		return func(b []byte, i int) { le.PutUint16(b, uint16(p.HalfVal[i])) }, len(p.HalfVal), nil
	case graph.Int32:
		return func(b []byte, i int) { le.PutUint32(b, uint32(p.IntVal[i])) }, len(p.IntVal), nil
	case graph.Int16, graph.Uint16:
		return func(b []byte, i int) { le.PutUint16(b, uint16(p.IntVal[i])) }, len(p.IntVal), nil
	case graph.Int8, graph.Uint8:
		return func(b []byte, i int) { b[0] = byte(p.IntVal[i]) }, len(p.IntVal), nil
	case graph.Int64:
		return func(b []byte, i int) { le.PutUint64(b, uint64(p.Int64Val[i])) }, len(p.Int64Val), nil
	case graph.Bool:
		return func(b []byte, i int) {
			b[0] = 0
			if p.BoolVal[i] {
				b[0] = 1
			}
		}, len(p.BoolVal), nil
	case graph.Uint32:
		return func(b []byte, i int) { le.PutUint32(b, p.Uint32Val[i]) }, len(p.Uint32Val), nil
	case graph.Uint64:
		return func(b []byte, i int) { le.PutUint64(b, p.Uint64Val[i]) }, len(p.Uint64Val), nil
	case graph.Complex64:
		return func(b []byte, i int) {
			le.PutUint32(b, math.Float32bits(p.ScomplexVal[2*i]))
			le.PutUint32(b[4:], math.Float32bits(p.ScomplexVal[2*i+1]))
		}, len(p.ScomplexVal) / 2, nil
	case graph.Complex128:
		return func(b []byte, i int) {
			le.PutUint64(b, math.Float64bits(p.DcomplexVal[2*i]))
			le.PutUint64(b[8:], math.Float64bits(p.DcomplexVal[2*i+1]))
		}, len(p.DcomplexVal) / 2, nil
	}
	return nil, 0, fmt.Errorf("constants of type %v are not supported", dt)
}
