package frozen

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// Hand encoding: protobuf lets writers order fields as they like, and the
// weight reader must give the same tensors the decoder would.

func field(num protowire.Number, payload []byte) []byte {
	b := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendBytes(b, payload)
}

func varintField(num protowire.Number, v uint64) []byte {
	b := protowire.AppendTag(nil, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// floatTensor encodes a DT_FLOAT TensorProto of shape [n] with raw content.
func floatTensor(content []byte) []byte {
	n := uint64(len(content) / 4)
	shape := field(2, varintField(1, n)) // TensorShapeProto.dim{size}
	return cat(varintField(1, 1), field(2, shape), field(4, content))
}

// attrEntry encodes one NodeDef.attr map entry, value first when valueFirst.
func attrEntry(key string, value []byte, valueFirst bool) []byte {
	k, v := field(1, []byte(key)), field(2, value)
	if valueFirst {
		return field(5, cat(v, k))
	}
	return field(5, cat(k, v))
}

func nodeDef(name, op string, inputs []string, attrs ...[]byte) []byte {
	b := cat(field(1, []byte(name)), field(2, []byte(op)))
	for _, in := range inputs {
		b = cat(b, field(3, []byte(in)))
	}
	return cat(append([][]byte{b}, attrs...)...)
}

// weights returns n distinct floats as little-endian bytes.
func weights(n int) []byte {
	b := make([]byte, 4*n)
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(i)*0.25+1))
	}
	return b
}

// TestAliasKeyAfterValue: an attr entry whose value comes before its key
// (legal protobuf, written by tools other than TensorFlow) keeps its weights.
// Before the fix the reader hid the content under the key "" and the
// constant decoded as zeros.
func TestAliasKeyAfterValue(t *testing.T) {
	w := weights(65536)
	for _, valueFirst := range []bool{false, true} {
		dtype := cat(varintField(6, 1)) // AttrValue.type = DT_FLOAT
		gd := cat(
			field(1, nodeDef("x", "Placeholder", nil, attrEntry("dtype", dtype, valueFirst))),
			field(1, nodeDef("w", "Const", nil,
				attrEntry("value", field(8, floatTensor(w)), valueFirst),
				attrEntry("dtype", dtype, valueFirst))),
			field(1, nodeDef("y", "AddV2", []string{"x", "w"}, attrEntry("T", dtype, valueFirst))),
		)
		g, err := Parse("g.pb", gd)
		if err != nil {
			t.Fatal(err)
		}
		got := g.Node[1].Attr["value"].GetTensor().GetTensorContent()
		if !bytes.Equal(got, w) {
			t.Errorf("valueFirst=%v: w holds %d bytes, first %v; want the %d bytes written", valueFirst, len(got), head(got), len(w))
		}
	}
}

// TestAliasRepeatedFields: the cases where the decoder merges or overrides
// (a repeated value, a repeated key, two entries with the same key) give
// what the plain decoder gives.
func TestAliasRepeatedFields(t *testing.T) {
	w1, w2 := weights(20000), weights(30000)[40000:] // both past minAliased
	tensor := func(b []byte) []byte { return field(8, floatTensor(b)) }
	cases := []struct {
		name  string
		attrs [][]byte
		want  []byte
	}{
		{"same key twice, big then none", [][]byte{
			attrEntry("value", tensor(w1), false),
			attrEntry("value", varintField(3, 7), false)}, nil},
		{"same key twice, big then big", [][]byte{
			attrEntry("value", tensor(w1), true),
			attrEntry("value", tensor(w2), true)}, w2},
		{"content twice", [][]byte{
			field(5, cat(field(1, []byte("value")), field(2, field(8, cat(floatTensor(w1), field(4, w2))))))}, w2},
		{"key renamed after the value", [][]byte{
			field(5, cat(field(1, []byte("other")), field(2, tensor(w1)), field(1, []byte("value"))))}, w1},
	}
	for _, c := range cases {
		gd := field(1, nodeDef("w", "Const", nil, c.attrs...))
		g, err := Parse("g.pb", gd)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := g.Node[0].Attr["value"].GetTensor().GetTensorContent()
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s: got %d bytes %v, want %d bytes %v", c.name, len(got), head(got), len(c.want), head(c.want))
		}
	}
}

func head(b []byte) []byte {
	if len(b) > 8 {
		return b[:8]
	}
	return b
}
