package savedmodel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// variables.index is a sorted string table in LevelDB's format (TensorFlow's
// lib/io/table is LevelDB's): data blocks of prefix-compressed key/value
// entries with restart points, each block followed by a one-byte
// compression type and the masked crc32c of the block and that byte; an
// index block whose values are the data blocks' handles; and a 48-byte
// footer ending in a magic number. TensorFlow writes the blocks
// uncompressed; snappy-compressed blocks, which LevelDB's readers accept,
// are read too.

const (
	tableMagic   = 0xdb4775248b80fb57
	footerLen    = 48
	trailerLen   = 5
	noCompress   = 0
	snappyBlocks = 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt is wrapped by every error about bytes that are not what the
// format says.
var errCorrupt = errors.New("corrupt")

// unmaskCRC undoes LevelDB's and TensorFlow's crc masking (a rotation and
// an added constant, so that a crc of bytes that hold crcs stays strong).
func unmaskCRC(m uint32) uint32 {
	rot := m - 0xa282ead8
	return rot>>17 | rot<<15
}

func maskCRC(c uint32) uint32 {
	return (c>>15 | c<<17) + 0xa282ead8
}

type blockHandle struct{ offset, size uint64 }

func readHandle(b []byte) (blockHandle, int, error) {
	off, n := binary.Uvarint(b)
	if n <= 0 {
		return blockHandle{}, 0, corrupt("bad block handle")
	}
	size, m := binary.Uvarint(b[n:])
	if m <= 0 {
		return blockHandle{}, 0, corrupt("bad block handle")
	}
	return blockHandle{off, size}, n + m, nil
}

// readTable calls f for every key/value of the table in file order (which
// is key order). Values alias data or a decompressed block.
func readTable(data []byte, f func(key string, value []byte) error) error {
	if len(data) < footerLen {
		return corrupt("%d bytes, shorter than a table footer", len(data))
	}
	footer := data[len(data)-footerLen:]
	if binary.LittleEndian.Uint64(footer[40:]) != tableMagic {
		return corrupt("no table magic number at the end (truncated, or not a variables.index)")
	}
	_, n, err := readHandle(footer) // metaindex: unused
	if err != nil {
		return err
	}
	index, _, err := readHandle(footer[n:])
	if err != nil {
		return err
	}
	ib, err := readBlock(data, index)
	if err != nil {
		return fmt.Errorf("index block: %w", err)
	}
	return blockEntries(ib, func(_ string, v []byte) error {
		h, _, err := readHandle(v)
		if err != nil {
			return err
		}
		b, err := readBlock(data, h)
		if err != nil {
			return fmt.Errorf("data block at %d: %w", h.offset, err)
		}
		return blockEntries(b, f)
	})
}

// readBlock returns a block's contents after checking its checksum.
func readBlock(data []byte, h blockHandle) ([]byte, error) {
	end := h.offset + h.size + trailerLen
	if end > uint64(len(data)) || end < h.offset {
		return nil, corrupt("block [%d, %d) runs past the end of the file (%d bytes)", h.offset, end, len(data))
	}
	raw := data[h.offset : h.offset+h.size+1] // contents and type byte
	want := unmaskCRC(binary.LittleEndian.Uint32(data[h.offset+h.size+1:]))
	if got := crc32.Checksum(raw, castagnoli); got != want {
		return nil, corrupt("checksum mismatch (crc32c %08x, the block says %08x)", got, want)
	}
	contents := raw[:h.size]
	switch raw[h.size] {
	case noCompress:
		return contents, nil
	case snappyBlocks:
		out, err := snappyDecode(contents)
		if err != nil {
			return nil, corrupt("snappy block: %v", err)
		}
		return out, nil
	}
	return nil, corrupt("unknown block compression type %d", raw[h.size])
}

// blockEntries walks a block's prefix-compressed entries; the restart
// array at the end only speeds up seeks, so a full scan just skips it.
func blockEntries(b []byte, f func(key string, value []byte) error) error {
	if len(b) < 4 {
		return corrupt("block of %d bytes", len(b))
	}
	restarts := uint64(binary.LittleEndian.Uint32(b[len(b)-4:]))
	if (restarts+1)*4 > uint64(len(b)) {
		return corrupt("block claims %d restart points in %d bytes", restarts, len(b))
	}
	entries := b[:uint64(len(b))-(restarts+1)*4]
	var key []byte
	for off := 0; off < len(entries); {
		var hdr [3]uint64
		for i := range hdr {
			v, n := binary.Uvarint(entries[off:])
			if n <= 0 {
				return corrupt("bad entry header at %d", off)
			}
			hdr[i] = v
			off += n
		}
		shared, unshared, vlen := hdr[0], hdr[1], hdr[2]
		if shared > uint64(len(key)) || unshared+vlen > uint64(len(entries)-off) {
			return corrupt("entry at %d overruns its block", off)
		}
		key = append(key[:shared], entries[off:off+int(unshared)]...)
		off += int(unshared)
		if err := f(string(key), entries[off:off+int(vlen)]); err != nil {
			return err
		}
		off += int(vlen)
	}
	return nil
}
