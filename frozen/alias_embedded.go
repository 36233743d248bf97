package frozen

import "github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"

// AliasTensorContents does for a binary GraphDef embedded in a larger
// message (a SavedModel's meta graph) what Parse does for a GraphDef file:
// it renames the large tensor_content fields in graphDef's bytes in place,
// so that decoding the enclosing message skips them, and returns the
// function that points the decoded GraphDef's constants at those bytes.
// The caller hands the bytes over (a private mapping, as MapFile gives).
func AliasTensorContents(graphDef []byte) func(*tfpb.GraphDef) {
	hidden := hideTensorContents(graphDef)
	return func(gd *tfpb.GraphDef) { restoreTensorContents(gd, hidden) }
}
