package savedmodel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"sort"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// Bundle is a tensor bundle (a TF checkpoint in format V2, or a
// SavedModel's variables/): PREFIX.index, the table of BundleEntryProto by
// key, and PREFIX.data-NNNNN-of-NNNNN, the shards holding the bytes. Shards
// are memory-mapped when first read, and tensors alias their bytes.
type Bundle struct {
	prefix    string
	numShards int
	shards    [][]byte // mapped on first read
	// entries holds every key's entry, the slices of sliced tensors too
	// (under their ordered-code keys, see sliceKey).
	entries map[string]*tfpb.BundleEntryProto
}

// ErrBadBundle is wrapped by every error about a checkpoint's files.
var ErrBadBundle = errors.New("bad checkpoint")

// kindError is a message that also matches a sentinel (errors.Is) without
// repeating it in the text: the user reads one line.
type kindError struct{ err, kind error }

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

func badBundle(format string, args ...any) error {
	return &kindError{fmt.Errorf(format, args...), ErrBadBundle}
}

func notSavedModel(format string, args ...any) error {
	return &kindError{fmt.Errorf(format, args...), ErrNotSavedModel}
}

func corrupt(format string, args ...any) error {
	return &kindError{fmt.Errorf(format, args...), errCorrupt}
}

// headerKey is the key of the BundleHeaderProto (it sorts first).
const headerKey = ""

// OpenBundle reads PREFIX.index; the shards are opened when read.
func OpenBundle(prefix string) (*Bundle, error) {
	index := prefix + ".index"
	data, err := os.ReadFile(index)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, badBundle("%s is missing", index)
		}
		return nil, fmt.Errorf("read %s: %w", index, err)
	}
	b := &Bundle{prefix: prefix, entries: map[string]*tfpb.BundleEntryProto{}}
	var header *tfpb.BundleHeaderProto
	err = readTable(data, func(key string, value []byte) error {
		if key == headerKey {
			header = &tfpb.BundleHeaderProto{}
			return proto.Unmarshal(value, header)
		}
		e := &tfpb.BundleEntryProto{}
		if err := proto.Unmarshal(value, e); err != nil {
			return corrupt("entry %q: %v", key, err)
		}
		b.entries[key] = e
		return nil
	})
	if err != nil {
		return nil, badBundle("%s: %w", index, err)
	}
	if header == nil {
		return nil, badBundle("%s: no bundle header entry", index)
	}
	if header.Endianness != tfpb.BundleHeaderProto_LITTLE {
		return nil, badBundle("%s: a big-endian checkpoint; only little-endian ones are read", index)
	}
	if header.NumShards < 1 || header.NumShards > 1<<20 {
		return nil, badBundle("%s: the header declares %d shards", index, header.NumShards)
	}
	b.numShards = int(header.NumShards)
	b.shards = make([][]byte, b.numShards)
	return b, nil
}

// Keys lists the checkpoint's keys, sorted (slice keys excluded).
func (b *Bundle) Keys() []string {
	var ks []string
	for k := range b.entries {
		if len(k) > 0 && k[0] != 0 { // slice keys start with ordered code 0
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

// Has reports whether the checkpoint holds key.
func (b *Bundle) Has(key string) bool { return b.entries[key] != nil }

// Entry is key's metadata, nil when absent.
func (b *Bundle) Entry(key string) *tfpb.BundleEntryProto { return b.entries[key] }

func (b *Bundle) shardName(id int) string {
	return fmt.Sprintf("%s.data-%05d-of-%05d", b.prefix, id, b.numShards)
}

func (b *Bundle) shard(id int) ([]byte, error) {
	if id < 0 || id >= b.numShards {
		return nil, badBundle("shard %d of %d", id, b.numShards)
	}
	if b.shards[id] == nil {
		name := b.shardName(id)
		st, err := os.Stat(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, badBundle("variables shard %s is missing", name)
			}
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if st.Size() == 0 {
			b.shards[id] = []byte{}
			return b.shards[id], nil
		}
		data, err := frozen.MapFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		b.shards[id] = data
	}
	return b.shards[id], nil
}

// raw returns an entry's bytes in its shard, after checking that the shard
// holds them.
func (b *Bundle) raw(key string, e *tfpb.BundleEntryProto) ([]byte, error) {
	data, err := b.shard(int(e.ShardId))
	if err != nil {
		return nil, err
	}
	end := e.Offset + e.Size
	if e.Offset < 0 || e.Size < 0 || end < e.Offset || end > int64(len(data)) {
		return nil, badBundle("variables shard %s is truncated: %q needs bytes [%d, %d), the file has %d",
			b.shardName(int(e.ShardId)), key, e.Offset, end, len(data))
	}
	return data[e.Offset:end], nil
}

// Tensor reads key's value as a TensorProto whose tensor_content aliases
// the mapped shard (no copy), after checking its checksum. Strings come
// as string_val; a tensor saved in slices is assembled (a copy).
func (b *Bundle) Tensor(key string) (*tfpb.TensorProto, error) {
	e := b.entries[key]
	if e == nil {
		return nil, badBundle("the checkpoint %s has no key %q", b.prefix, key)
	}
	if len(e.Slices) > 0 {
		return b.assemble(key, e)
	}
	return b.whole(key, e)
}

func (b *Bundle) whole(key string, e *tfpb.BundleEntryProto) (*tfpb.TensorProto, error) {
	n, err := numElements(key, e.Shape)
	if err != nil {
		return nil, err
	}
	data, err := b.raw(key, e)
	if err != nil {
		return nil, err
	}
	tp := &tfpb.TensorProto{Dtype: e.Dtype, TensorShape: e.Shape}
	if e.Dtype == tfpb.DataType_DT_STRING {
		strs, err := decodeStrings(data, n, unmaskCRC(e.Crc32C))
		if err != nil {
			return nil, badBundle("%s: %q: %w", b.shardName(int(e.ShardId)), key, err)
		}
		tp.StringVal = strs
		return tp, nil
	}
	size, ok := dtypeSize(e.Dtype)
	if !ok {
		return nil, fmt.Errorf("%q holds %v values, which have no ONNX tensor type", key, e.Dtype)
	}
	if int64(len(data)) != n*size {
		return nil, badBundle("%q: %d bytes for %d elements of %v", key, len(data), n, e.Dtype)
	}
	if got, want := crc32.Checksum(data, castagnoli), unmaskCRC(e.Crc32C); got != want {
		return nil, badBundle("%s: checksum mismatch in %q (crc32c %08x, the index says %08x)",
			b.shardName(int(e.ShardId)), key, got, want)
	}
	tp.TensorContent = data
	return tp, nil
}

func numElements(key string, s *tfpb.TensorShapeProto) (int64, error) {
	n := int64(1)
	if s.GetUnknownRank() {
		return 0, badBundle("%q has no shape", key)
	}
	for _, d := range s.GetDim() {
		if d.Size < 0 || (d.Size > 0 && n > (1<<62)/d.Size) {
			return 0, badBundle("%q has a bad shape", key)
		}
		n *= d.Size
	}
	return n, nil
}

func dtypeSize(dt tfpb.DataType) (int64, bool) {
	g, ok := frozen.DType(dt)
	if !ok || dt == tfpb.DataType_DT_STRING {
		return 0, false
	}
	return int64(g.Size()), true
}

// decodeStrings reads TensorFlow's string layout: n varint64 lengths, the
// masked crc32c of the lengths (each as a little-endian uint32, or uint64
// past 4 GiB), then the bytes. want is the entry's checksum, which covers
// the lengths, the length checksum's bytes and the strings.
func decodeStrings(data []byte, n int64, want uint32) ([][]byte, error) {
	if n > int64(len(data)) {
		return nil, corrupt("%d strings in %d bytes", n, len(data))
	}
	lens := make([]uint64, n)
	var crc uint32
	off := 0
	var buf [8]byte
	for i := range lens {
		v, k := binary.Uvarint(data[off:])
		if k <= 0 {
			return nil, corrupt("bad string length")
		}
		off += k
		lens[i] = v
		if v <= 0xffffffff {
			binary.LittleEndian.PutUint32(buf[:4], uint32(v))
			crc = crc32.Update(crc, castagnoli, buf[:4])
		} else {
			binary.LittleEndian.PutUint64(buf[:], v)
			crc = crc32.Update(crc, castagnoli, buf[:])
		}
	}
	if off+4 > len(data) {
		return nil, corrupt("string lengths run past the entry")
	}
	if unmaskCRC(binary.LittleEndian.Uint32(data[off:])) != crc {
		return nil, corrupt("checksum mismatch in the string lengths")
	}
	crc = crc32.Update(crc, castagnoli, data[off:off+4])
	off += 4
	out := make([][]byte, n)
	for i, l := range lens {
		if l > uint64(len(data)-off) {
			return nil, corrupt("string %d runs past the entry", i)
		}
		out[i] = data[off : off+int(l)]
		crc = crc32.Update(crc, castagnoli, out[i])
		off += int(l)
	}
	if crc != want {
		return nil, corrupt("checksum mismatch (crc32c %08x, the index says %08x)", crc, want)
	}
	return out, nil
}
