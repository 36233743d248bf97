package savedmodel

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
)

// The fixtures are TensorFlow's uncompressed tables; LevelDB's readers
// also take snappy blocks. These tests build tables by the format's rules
// (tableBlock, buildTable) to cover what TensorFlow does not write.

func TestSnappyDecode(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"literal", []byte{5, 4 << 2, 'h', 'e', 'l', 'l', 'o'}, "hello"},
		// "abc", then a 1-byte-offset copy of 9 bytes from 3 back (overlapping).
		{"copy1 run", []byte{12, 2 << 2, 'a', 'b', 'c', 0x01 | (9-4)<<2, 3}, "abcabcabcabc"},
		// "xy", then a 2-byte-offset copy of 4 bytes from 2 back.
		{"copy2", []byte{6, 1 << 2, 'x', 'y', 0x02 | (4-1)<<2, 2, 0}, "xyxyxy"},
		// A literal whose length (61) is in the next byte.
		{"long literal", append([]byte{61, 60 << 2, 60}, bytes.Repeat([]byte{'z'}, 61)...), strings.Repeat("z", 61)},
	}
	for _, c := range cases {
		got, err := snappyDecode(c.in)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	for _, bad := range [][]byte{{5, 4 << 2, 'h'}, {4, 0x01, 9}, {9, 0 << 2, 'a'}} {
		if _, err := snappyDecode(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// literalSnappy encodes b as one snappy literal (valid, not compressed).
func literalSnappy(b []byte) []byte {
	out := binary.AppendUvarint(nil, uint64(len(b)))
	n := len(b) - 1
	switch {
	case n < 60:
		out = append(out, byte(n<<2))
	default:
		out = append(out, 61<<2, byte(n), byte(n>>8))
	}
	return append(out, b...)
}

// tableBlock lays out entries (with shared key prefixes) and one restart.
func tableBlock(keys []string, vals [][]byte) []byte {
	var b []byte
	prev := ""
	for i, k := range keys {
		shared := 0
		for shared < len(prev) && shared < len(k) && prev[shared] == k[shared] {
			shared++
		}
		b = binary.AppendUvarint(b, uint64(shared))
		b = binary.AppendUvarint(b, uint64(len(k)-shared))
		b = binary.AppendUvarint(b, uint64(len(vals[i])))
		b = append(b, k[shared:]...)
		b = append(b, vals[i]...)
		prev = k
	}
	b = binary.LittleEndian.AppendUint32(b, 0)
	return binary.LittleEndian.AppendUint32(b, 1)
}

// buildTable writes one data block and the index, compressed or not.
func buildTable(keys []string, vals [][]byte, compress bool) []byte {
	var file []byte
	put := func(contents []byte) []byte {
		typ := byte(noCompress)
		if compress {
			contents, typ = literalSnappy(contents), snappyBlocks
		}
		h := binary.AppendUvarint(nil, uint64(len(file)))
		h = binary.AppendUvarint(h, uint64(len(contents)))
		file = append(file, contents...)
		crc := crc32.Update(crc32.Checksum(contents, castagnoli), castagnoli, []byte{typ})
		file = append(file, typ)
		file = binary.LittleEndian.AppendUint32(file, maskCRC(crc))
		return h
	}
	data := put(tableBlock(keys, vals))
	meta := put(tableBlock(nil, nil))
	index := put(tableBlock([]string{keys[len(keys)-1]}, [][]byte{data}))
	footer := append(append([]byte{}, meta...), index...)
	footer = append(footer, make([]byte, 40-len(footer))...)
	file = append(file, footer...)
	return binary.LittleEndian.AppendUint64(file, tableMagic)
}

func TestReadTable(t *testing.T) {
	keys := []string{"", "layer/bias", "layer/kernel", "layer/kernel_1"}
	vals := [][]byte{[]byte("h"), []byte("b"), []byte("k"), bytes.Repeat([]byte("v"), 100)}
	for _, compress := range []bool{false, true} {
		var gotK []string
		var gotV [][]byte
		err := readTable(buildTable(keys, vals, compress), func(k string, v []byte) error {
			gotK = append(gotK, k)
			gotV = append(gotV, append([]byte(nil), v...))
			return nil
		})
		if err != nil {
			t.Fatalf("snappy %v: %v", compress, err)
		}
		if strings.Join(gotK, "|") != strings.Join(keys, "|") {
			t.Errorf("snappy %v: keys %q", compress, gotK)
		}
		for i := range vals {
			if !bytes.Equal(gotV[i], vals[i]) {
				t.Errorf("snappy %v: value %d is %q", compress, i, gotV[i])
			}
		}
		bad := buildTable(keys, vals, compress)
		bad[2] ^= 1
		if err := readTable(bad, func(string, []byte) error { return nil }); err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
			t.Errorf("snappy %v: a damaged block gave %v", compress, err)
		}
	}
}

// sliceKey must give the keys TensorFlow wrote for the fixture's slices.
func TestSliceKeyMatchesTensorFlow(t *testing.T) {
	b, err := OpenBundle(fixtures + "/partitioned/model.ckpt")
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range b.Entry("emb").Slices {
		ext, err := protoExtents(sp, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !b.Has(sliceKey("emb", ext)) {
			t.Errorf("no key %q for slice %s", sliceKey("emb", ext), extentString(ext))
		}
	}
	// The ordered code of signed numbers beyond one byte.
	for _, c := range []struct {
		v    int64
		want []byte
	}{{5, []byte{0x85}}, {-1, []byte{0x7f}}, {64, []byte{0xc0, 0x40}}, {0x424242, []byte{0xf0, 0x42, 0x42, 0x42}}, {-0x800, []byte{0x38, 0x00}}} {
		if got := appendSignedNumIncreasing(nil, c.v); !bytes.Equal(got, c.want) {
			t.Errorf("%d: %x, want %x", c.v, got, c.want)
		}
	}
}
