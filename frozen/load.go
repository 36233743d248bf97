// Package frozen reads frozen TensorFlow GraphDefs (.pb and .pbtxt), parses
// tensor specs such as `name:0[1,28,28,3]`, extracts the subgraph between the
// given inputs and outputs, decodes TF constants, and hands the result over
// as a graph.Graph whose nodes still hold TensorFlow ops. It knows nothing
// of ONNX.
package frozen

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// ErrBadFile is wrapped by every error about a file that is not a usable
// frozen GraphDef.
var ErrBadFile = errors.New("not a frozen GraphDef")

// Load reads a binary (.pb) or text (.pbtxt) GraphDef.
func Load(path string) (*tfpb.GraphDef, error) {
	data, err := mapFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse decodes GraphDef bytes (binary ones are aliased by the result, and
// their bytes rewritten in places: the caller hands data over); name is used in messages and to pick the
// text format (.pbtxt, .pbtext, .txt).
func Parse(name string, data []byte) (*tfpb.GraphDef, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: the file is empty: %w", name, ErrBadFile)
	}
	gd := &tfpb.GraphDef{}
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".pbtxt" || ext == ".pbtext" || ext == ".txt" {
		if err := (prototext.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, gd); err != nil {
			return nil, fmt.Errorf("%s: cannot parse as a text GraphDef (%v): %w", name, firstLine(err), ErrBadFile)
		}
	} else {
		if looksLikeONNX(data) {
			return nil, fmt.Errorf("%s: this is an ONNX model, not a TensorFlow GraphDef (tf2onnx cost reads ONNX models): %w", name, ErrBadFile)
		}
		if looksLikeSavedModel(data) {
			return nil, fmt.Errorf("%s: this is a SavedModel (saved_model.pb), not a frozen GraphDef; freeze it first (e.g. convert_variables_to_constants_v2) and pass the frozen .pb: %w", name, ErrBadFile)
		}
		hidden := hideTensorContents(data)
		if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, gd); err != nil {
			return nil, fmt.Errorf("%s: cannot parse as a binary GraphDef, the file is corrupt or truncated (%v): %w", name, firstLine(err), ErrBadFile)
		}
		restoreTensorContents(gd, hidden)
	}
	if len(gd.Node) == 0 {
		return nil, fmt.Errorf("%s: the GraphDef has no nodes: %w", name, ErrBadFile)
	}
	for i, n := range gd.Node {
		if n.Name == "" || n.Op == "" {
			return nil, fmt.Errorf("%s: node #%d has no name or op; the file is not a GraphDef: %w", name, i, ErrBadFile)
		}
	}
	return gd, nil
}

// looksLikeSavedModel recognises SavedModel's top level: field 1 is a varint
// (saved_model_schema_version) where GraphDef has its repeated nodes.
func looksLikeSavedModel(data []byte) bool {
	num, typ, n := protowire.ConsumeTag(data)
	if n < 0 {
		return false
	}
	return num == 1 && typ == protowire.VarintType
}

// looksLikeONNX recognises an ONNX ModelProto: a varint field 1
// (ir_version), as SavedModel starts, but also its graph (field 7) or
// opset imports (field 8), which neither SavedModel nor GraphDef has at the
// top level (GraphDef's field 1 is a node, length-delimited).
func looksLikeONNX(data []byte) bool {
	num, typ, n := protowire.ConsumeTag(data)
	if n < 0 || num != 1 || typ != protowire.VarintType {
		return false
	}
	for off := 0; off < len(data); {
		num, typ, n := protowire.ConsumeTag(data[off:])
		if n < 0 {
			return false
		}
		if (num == 7 || num == 8) && typ == protowire.BytesType {
			return true
		}
		m := protowire.ConsumeFieldValue(num, typ, data[off+n:])
		if m < 0 {
			return false
		}
		off += n + m
	}
	return false
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// MapFile maps a file as Load does (private and copy-on-write, pages read
// as touched), for other readers whose tensors alias file bytes (the
// variables shards of a SavedModel, a .tflite file); Release works on these
// bytes too.
func MapFile(path string) ([]byte, error) { return mapFile(path) }
