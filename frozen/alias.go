package frozen

import (
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// Weights are most of a frozen graph's bytes, and the protobuf decoder
// copies every bytes field it reads. To hold the weights once, not twice,
// hideTensorContents finds each node attribute's tensor_content in the raw
// file bytes and renames the field in place (tag 4 → 14: same length, a
// field number our schema does not declare, so the decoder skips it without
// copying); restoreTensorContents then points the decoded tensors at those
// bytes. The GraphDef then aliases the file's bytes (see mapFile).

const (
	tagTensorContent = byte(4<<3 | 2)  // TensorProto.tensor_content, bytes
	tagHidden        = byte(14<<3 | 2) // undeclared in proto/tensorflow/graph.proto
)

// hiddenContent is one tensor_content: node index, attribute name, bytes.
type hiddenContent struct {
	node int
	attr string
	data []byte
}

func hideTensorContents(data []byte) []hiddenContent {
	var out []hiddenContent
	node := 0
	forEachField(data, func(num protowire.Number, typ protowire.Type, _ int, v []byte) {
		if num != 1 || typ != protowire.BytesType {
			return
		}
		start := len(out)
		forEachField(v, func(num protowire.Number, typ protowire.Type, _ int, entry []byte) {
			if num != 5 || typ != protowire.BytesType {
				return
			}
			key, content, ok := attrTensorContent(entry)
			// A later entry with the same key replaces the earlier one
			// when decoded, so an earlier hidden content must not come back.
			for i := start; i < len(out); i++ {
				if out[i].attr == key {
					out[i].data = nil
				}
			}
			if ok {
				content.tensor[content.at] = tagHidden
				out = append(out, hiddenContent{node: node, attr: key, data: content.data})
			}
		})
		node++
	})
	kept := out[:0]
	for _, h := range out {
		if h.data != nil {
			kept = append(kept, h)
		}
	}
	return kept
}

// contentField is where a tensor_content field sits: the tensor's bytes,
// the offset of the field's tag in them, and the payload.
type contentField struct {
	tensor []byte
	at     int
	data   []byte
}

// attrTensorContent reads one attr map entry. Protobuf lets a writer put the
// entry's key and value in either order (and repeat fields: the last key
// wins, repeated messages merge), so the whole entry is read before deciding.
// It reports the entry's key and, when the value is a tensor whose
// tensor_content can be aliased without changing what the decoder would
// build, where that field is. Anything unusual (a repeated value, tensor or
// tensor_content) is left to the decoder, which then copies as usual.
func attrTensorContent(entry []byte) (key string, c contentField, ok bool) {
	var value []byte
	values := 0
	forEachField(entry, func(num protowire.Number, typ protowire.Type, _ int, v []byte) {
		switch {
		case num == 1 && typ == protowire.BytesType:
			key = string(v)
		case num == 2:
			values++
			value = v
		}
	})
	if values != 1 || value == nil {
		return key, c, false
	}
	var tensor []byte
	tensors := 0
	forEachField(value, func(num protowire.Number, typ protowire.Type, _ int, v []byte) {
		if num == 8 {
			tensors++
			tensor = v
		}
	})
	if tensors != 1 || tensor == nil {
		return key, c, false
	}
	contents := 0
	forEachField(tensor, func(num protowire.Number, typ protowire.Type, at int, v []byte) {
		if num == 4 {
			contents++
			if typ == protowire.BytesType && tensor[at] == tagTensorContent {
				c = contentField{tensor: tensor, at: at, data: v}
			}
		}
	})
	if contents != 1 || c.data == nil || len(c.data) < minAliased {
		return key, contentField{}, false
	}
	return key, c, true
}

// minAliased: smaller tensors are copied as usual; aliasing pays only for
// buffers that span whole pages.
const minAliased = 64 << 10

func restoreTensorContents(gd *tfpb.GraphDef, hidden []hiddenContent) {
	for _, h := range hidden {
		if h.node >= len(gd.Node) {
			continue
		}
		if t := gd.Node[h.node].Attr[h.attr].GetTensor(); t != nil {
			t.TensorContent = h.data
		}
	}
}

// forEachField calls f for each top-level field of a message: its number,
// wire type, the offset of its tag in msg, and for length-delimited fields
// the payload (a subslice of msg). It stops quietly at malformed bytes: the
// real decoder reports those.
func forEachField(msg []byte, f func(num protowire.Number, typ protowire.Type, at int, v []byte)) {
	for off := 0; off < len(msg); {
		num, typ, n := protowire.ConsumeTag(msg[off:])
		if n < 0 {
			return
		}
		at := off
		off += n
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(msg[off:])
			if m < 0 {
				return
			}
			f(num, typ, at, v)
			off += m
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, msg[off:])
		if m < 0 {
			return
		}
		f(num, typ, at, nil)
		off += m
	}
}
