package savedmodel

import (
	"encoding/binary"
	"errors"
)

// snappyDecode decodes one snappy block (the raw format LevelDB uses for
// table blocks, not the framed stream format): the uncompressed length as a
// varint, then literals and back-references.
func snappyDecode(src []byte) ([]byte, error) {
	n, k := binary.Uvarint(src)
	// A snappy element expands at most 64 bytes out of 3: a larger claim is
	// corrupt (and must not size an allocation).
	if k <= 0 || n > uint64(len(src))*22+64 {
		return nil, errors.New("bad uncompressed length")
	}
	dst := make([]byte, 0, n)
	for s := k; s < len(src); {
		tag := src[s]
		switch tag & 3 {
		case 0: // literal
			length := int(tag >> 2)
			s++
			if length >= 60 {
				extra := length - 59
				if s+extra > len(src) {
					return nil, errors.New("literal length runs past the input")
				}
				length = 0
				for i := extra - 1; i >= 0; i-- {
					length = length<<8 | int(src[s+i])
				}
				s += extra
			}
			length++
			if length <= 0 || s+length > len(src) {
				return nil, errors.New("literal runs past the input")
			}
			dst = append(dst, src[s:s+length]...)
			s += length
			continue
		}
		var length, offset int
		switch tag & 3 {
		case 1:
			if s+2 > len(src) {
				return nil, errors.New("copy runs past the input")
			}
			length = 4 + int(tag>>2&7)
			offset = int(tag&0xe0)<<3 | int(src[s+1])
			s += 2
		case 2:
			if s+3 > len(src) {
				return nil, errors.New("copy runs past the input")
			}
			length = 1 + int(tag>>2)
			offset = int(binary.LittleEndian.Uint16(src[s+1:]))
			s += 3
		case 3:
			if s+5 > len(src) {
				return nil, errors.New("copy runs past the input")
			}
			length = 1 + int(tag>>2)
			offset = int(binary.LittleEndian.Uint32(src[s+1:]))
			s += 5
		}
		if offset <= 0 || offset > len(dst) {
			return nil, errors.New("copy from before the start")
		}
		// Byte by byte: a copy may overlap what it writes (runs).
		for i := 0; i < length; i++ {
			dst = append(dst, dst[len(dst)-offset])
		}
	}
	if uint64(len(dst)) != n {
		return nil, errors.New("decoded length differs from the header")
	}
	return dst, nil
}
