package frozen

import (
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

func shape(dims ...int64) *tfpb.TensorShapeProto {
	s := &tfpb.TensorShapeProto{}
	for _, d := range dims {
		s.Dim = append(s.Dim, &tfpb.TensorShapeProto_Dim{Size: d})
	}
	return s
}

func TestDecodeTensorEncodings(t *testing.T) {
	raw := make([]byte, 12)
	for i, v := range []float32{1.5, -2, 3.25} {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	tests := []struct {
		name string
		p    *tfpb.TensorProto
		dt   graph.DType
		want []float64
	}{
		{"tensor_content float", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shape(3), TensorContent: raw}, graph.Float, []float64{1.5, -2, 3.25}},
		{"float_val", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shape(2), FloatVal: []float32{4, 5}}, graph.Float, []float64{4, 5}},
		{"splat", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shape(2, 2), FloatVal: []float32{7}}, graph.Float, []float64{7, 7, 7, 7}},
		{"repeat last", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_INT32, TensorShape: shape(4), IntVal: []int32{1, 2}}, graph.Int32, []float64{1, 2, 2, 2}},
		{"empty is zeros", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_INT64, TensorShape: shape(3)}, graph.Int64, []float64{0, 0, 0}},
		{"int64_val", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_INT64, TensorShape: shape(2), Int64Val: []int64{-5, 1 << 40}}, graph.Int64, []float64{-5, 1 << 40}},
		{"double", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_DOUBLE, TensorShape: shape(1), DoubleVal: []float64{0.1}}, graph.Double, []float64{0.1}},
		{"half bits", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_HALF, TensorShape: shape(3), HalfVal: []int32{0x3c00, 0xc000, 0x3555}}, graph.Float16, []float64{1, -2, float64(graph.HalfToFloat(0x3555))}},
		{"bfloat16 bits", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_BFLOAT16, TensorShape: shape(2), HalfVal: []int32{0x3f80, 0xc040}}, graph.BFloat16, []float64{1, -3}},
		{"bool", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_BOOL, TensorShape: shape(3), BoolVal: []bool{true, false, true}}, graph.Bool, []float64{1, 0, 1}},
		{"int8", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_INT8, TensorShape: shape(2), IntVal: []int32{-128, 127}}, graph.Int8, []float64{-128, 127}},
		{"uint8", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_UINT8, TensorShape: shape(2), IntVal: []int32{0, 255}}, graph.Uint8, []float64{0, 255}},
		{"int16", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_INT16, TensorShape: shape(1), IntVal: []int32{-300}}, graph.Int16, []float64{-300}},
		{"uint16", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_UINT16, TensorShape: shape(1), IntVal: []int32{65535}}, graph.Uint16, []float64{65535}},
		{"uint32", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_UINT32, TensorShape: shape(1), Uint32Val: []uint32{4000000000}}, graph.Uint32, []float64{4000000000}},
		{"uint64", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_UINT64, TensorShape: shape(1), Uint64Val: []uint64{1 << 63}}, graph.Uint64, []float64{1 << 63}},
		{"scalar", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shape(), FloatVal: []float32{2.5}}, graph.Float, []float64{2.5}},
		{"ref type", &tfpb.TensorProto{Dtype: tfpb.DataType(101), TensorShape: shape(1), FloatVal: []float32{1}}, graph.Float, []float64{1}},
	}
	for _, tc := range tests {
		got, err := DecodeTensor(tc.p)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got.DType != tc.dt {
			t.Errorf("%s: dtype %v, want %v", tc.name, got.DType, tc.dt)
		}
		if vals := got.Float64s(); !reflect.DeepEqual(vals, tc.want) {
			t.Errorf("%s: values %v, want %v", tc.name, vals, tc.want)
		}
	}
}

func TestDecodeTensorStrings(t *testing.T) {
	p := &tfpb.TensorProto{Dtype: tfpb.DataType_DT_STRING, TensorShape: shape(3), StringVal: [][]byte{[]byte("a"), []byte("bc")}}
	got, err := DecodeTensor(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "bc", "bc"}
	for i, s := range got.Strings {
		if string(s) != want[i] {
			t.Errorf("string %d = %q, want %q", i, s, want[i])
		}
	}
}

func TestDecodeTensorErrors(t *testing.T) {
	tests := []struct {
		name, want string
		p          *tfpb.TensorProto
	}{
		{"content size", "needs 12 bytes but tensor_content holds 8", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shape(3), TensorContent: make([]byte, 8)}},
		{"too many values", "declares 2 elements but holds 3", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shape(2), FloatVal: []float32{1, 2, 3}}},
		{"resource", "no ONNX equivalent", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_RESOURCE, TensorShape: shape(1)}},
		{"unknown dim", "non-static shape", &tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shape(-1)}},
	}
	for _, tc := range tests {
		_, err := DecodeTensor(tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestHalfRoundTrip(t *testing.T) {
	for _, f := range []float32{0, 1, -1, 0.5, 65504, 6.1035156e-05, 5.9604645e-08, -3.140625} {
		if got := graph.HalfToFloat(graph.FloatToHalf(f)); got != f {
			t.Errorf("half round trip of %g gave %g", f, got)
		}
	}
}
