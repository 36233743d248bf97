package fold

import "github.com/tf2onnx-go/tf2onnx/graph"

// The size policy of folding, shared by the mapping's eager folding (opmap)
// and the optimizer's folding pass, so that both keep the same nodes.
//
// Folding trades a node for a constant stored in the model file. That pays
// while the constant is about the size of what it replaces; a node that
// expands its inputs (Tile, Expand, ConstantOfShape, Range, a broadcasting
// Add, a Pad to a much larger shape) would instead write its whole result
// into the file: a 32 MB Tile of a 16-byte constant stays a Tile.
const (
	// MaxFoldedBytes bounds any folded constant.
	MaxFoldedBytes = 64 << 20
	// ExpandFoldBytes is the size up to which an expanding result still
	// folds: shape arithmetic, masks and small tables stay constants.
	ExpandFoldBytes = 1 << 20
	// ExpandFoldRatio: a result with more than this many times the
	// elements of its inputs together is an expansion. Widening casts
	// (int8 weights to float) keep the element count and still fold.
	ExpandFoldRatio = 2
)

// WorthFolding reports whether the outputs of a node evaluated from the
// constants in (nil for omitted inputs) should replace it.
func WorthFolding(in, out []*graph.Tensor) bool {
	var inElems, outElems, outBytes int64
	for _, t := range in {
		if t != nil {
			inElems += t.NumElements()
		}
	}
	for _, t := range out {
		if t == nil {
			continue
		}
		b := int64(len(t.Data))
		for _, s := range t.Strings {
			b += int64(len(s))
		}
		if b > MaxFoldedBytes {
			return false
		}
		outBytes += b
		outElems += t.NumElements()
	}
	return outBytes <= ExpandFoldBytes || outElems <= ExpandFoldRatio*inElems
}
