package savedmodel

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

const fixtures = "../testdata/savedmodel"

// want is one key of a fixture's expected.json, as TensorFlow's own
// checkpoint reader returned it (testdata/savedmodel/make_fixtures.py).
type want struct {
	DType   string   `json:"dtype"`
	Shape   []int64  `json:"shape"`
	Hex     string   `json:"hex"`
	Strings []string `json:"strings"`
}

func readWant(t *testing.T, dir string) map[string]want {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var w map[string]want
	if err := json.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// tfName is numpy's dtype name for a TF dtype.
var tfName = map[tfpb.DataType]string{
	tfpb.DataType_DT_FLOAT: "float32", tfpb.DataType_DT_DOUBLE: "float64", tfpb.DataType_DT_HALF: "float16",
	tfpb.DataType_DT_BFLOAT16: "bfloat16", tfpb.DataType_DT_INT8: "int8", tfpb.DataType_DT_UINT8: "uint8",
	tfpb.DataType_DT_INT16: "int16", tfpb.DataType_DT_INT32: "int32", tfpb.DataType_DT_INT64: "int64",
	tfpb.DataType_DT_BOOL: "bool", tfpb.DataType_DT_STRING: "string", tfpb.DataType_DT_COMPLEX64: "complex64",
}

func checkTensor(t *testing.T, key string, tp *tfpb.TensorProto, w want) {
	t.Helper()
	if tfName[tp.Dtype] != w.DType {
		t.Errorf("%s: dtype %v, TensorFlow reads %s", key, tp.Dtype, w.DType)
	}
	if got := dims(tp.TensorShape); len(got) != len(w.Shape) || (len(got) > 0 && !equalInts(got, w.Shape)) {
		t.Errorf("%s: shape %v, TensorFlow reads %v", key, got, w.Shape)
	}
	if w.DType == "string" {
		if len(tp.StringVal) != len(w.Strings) {
			t.Fatalf("%s: %d strings, TensorFlow reads %d", key, len(tp.StringVal), len(w.Strings))
		}
		for i, s := range w.Strings {
			if hex.EncodeToString(tp.StringVal[i]) != s {
				t.Errorf("%s: string %d is %x, TensorFlow reads %s", key, i, tp.StringVal[i], s)
			}
		}
		return
	}
	if got := hex.EncodeToString(tp.TensorContent); got != w.Hex {
		t.Errorf("%s: bytes %s, TensorFlow reads %s", key, got, w.Hex)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Every dtype TensorFlow stores, strings included, reads as TensorFlow
// reads it; numeric tensors alias the mapped shard.
func TestBundleDTypes(t *testing.T) {
	dir := filepath.Join(fixtures, "dtypes")
	b, err := OpenBundle(filepath.Join(dir, "ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	w := readWant(t, dir)
	if len(w) < 12 {
		t.Fatalf("expected.json has %d keys", len(w))
	}
	for key, wk := range w {
		tp, err := b.Tensor(key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		checkTensor(t, key, tp, wk)
		if len(tp.TensorContent) > 0 && !within(tp.TensorContent, b.shards[0]) {
			t.Errorf("%s: the tensor is a copy, not an alias of the mapped shard", key)
		}
	}
	if got := strings.Join(b.Keys(), ","); !strings.Contains(got, "_CHECKPOINTABLE_OBJECT_GRAPH") {
		t.Errorf("keys %s", got)
	}
}

func within(b, region []byte) bool {
	if len(b) == 0 || len(region) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&region[0]))
	return p >= lo && p+uintptr(len(b)) <= lo+uintptr(len(region))
}

// A TF1 partitioned variable is stored as slices: the whole reads
// assembled, each saver slice spec reads its part.
func TestBundleSlices(t *testing.T) {
	dir := filepath.Join(fixtures, "partitioned")
	b, err := OpenBundle(filepath.Join(dir, "model.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	w := readWant(t, dir)["emb"]
	whole, err := b.Tensor("emb")
	if err != nil {
		t.Fatal(err)
	}
	checkTensor(t, "emb", whole, w)
	if n := len(b.Entry("emb").Slices); n != 3 {
		t.Fatalf("emb has %d slices, want 3", n)
	}
	all, _ := hex.DecodeString(w.Hex)
	row := 3 * 4
	for _, c := range []struct {
		spec       string
		start, end int // rows
	}{{"7 3 0,3:0,3", 0, 3}, {"7 3 3,2:0,3", 3, 5}, {"7 3 5,2:0,3", 5, 7}, {"7 3 1,4:-", 1, 5}, {"", 0, 7}} {
		tp, err := b.Slice("emb", c.spec)
		if err != nil {
			t.Fatalf("%q: %v", c.spec, err)
		}
		if !bytes.Equal(tp.TensorContent, all[c.start*row:c.end*row]) {
			t.Errorf("%q: rows %d..%d differ from TensorFlow's", c.spec, c.start, c.end)
		}
	}
	if _, err := b.Slice("emb", "8 3 0,3:-"); err == nil {
		t.Error("a slice spec with another full shape was accepted")
	}
}

// copyFixture copies a fixture folder so that a test can damage it.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	src := filepath.Join(fixtures, name)
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func flipByte(t *testing.T, path string, at func(size int) int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[at(len(data))] ^= 0x40
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Damaged bundles fail with one line naming the file and the problem.
func TestBundleErrors(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, prefix string)
		want   string
	}{
		{"missing index", func(t *testing.T, p string) { os.Remove(p + ".index") }, "ckpt.index is missing"},
		{"missing shard", func(t *testing.T, p string) { os.Remove(p + ".data-00000-of-00001") }, "variables shard "},
		{"truncated shard", func(t *testing.T, p string) { os.Truncate(p+".data-00000-of-00001", 100) }, "is truncated"},
		{"checksum mismatch in data", func(t *testing.T, p string) {
			flipByte(t, p+".data-00000-of-00001", func(int) int { return 0 })
		}, "checksum mismatch"},
		{"checksum mismatch in index", func(t *testing.T, p string) {
			flipByte(t, p+".index", func(int) int { return 3 })
		}, "checksum mismatch"},
		{"truncated index", func(t *testing.T, p string) { os.Truncate(p+".index", 300) }, "no table magic number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prefix := filepath.Join(copyFixture(t, "dtypes"), "ckpt")
			c.damage(t, prefix)
			var err error
			b, err := OpenBundle(prefix)
			if err == nil {
				for _, k := range b.Keys() {
					if _, err = b.Tensor(k); err != nil {
						break
					}
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line containing %q", err, c.want)
			}
			if !errors.Is(err, ErrBadBundle) {
				t.Errorf("error %q does not match ErrBadBundle", err)
			}
		})
	}
}
