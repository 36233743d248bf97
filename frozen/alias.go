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
		forEachField(v, func(num protowire.Number, typ protowire.Type, _ int, entry []byte) {
			if num != 5 || typ != protowire.BytesType {
				return
			}
			var key string
			forEachField(entry, func(num protowire.Number, typ protowire.Type, _ int, ev []byte) {
				switch {
				case num == 1 && typ == protowire.BytesType:
					key = string(ev)
				case num == 2 && typ == protowire.BytesType:
					forEachField(ev, func(num protowire.Number, typ protowire.Type, _ int, tensor []byte) {
						if num != 8 || typ != protowire.BytesType {
							return
						}
						forEachField(tensor, func(num protowire.Number, typ protowire.Type, at int, content []byte) {
							if num == 4 && typ == protowire.BytesType && tensor[at] == tagTensorContent && len(content) >= minAliased {
								tensor[at] = tagHidden
								out = append(out, hiddenContent{node: node, attr: key, data: content})
							}
						})
					})
				}
			})
		})
		node++
	})
	return out
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
