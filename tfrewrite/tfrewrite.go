// Package tfrewrite holds the TensorFlow-side pattern rewrites that run
// before op mapping: TF1 while loops to ONNX Loop, LSTM/GRU cell loops to
// ONNX LSTM/GRU, TF1 cond to If, dilated convolutions. Each pass is a named
// entry of one ordered table.
package tfrewrite

import "github.com/tf2onnx-go/tf2onnx/graph"

// Pass is one rewrite; Run reports whether it changed the graph.
type Pass struct {
	Name string
	Doc  string
	Run  func(g *graph.Graph) (bool, error)
}

// Passes is the ordered list of TF-side rewrites.
func Passes() []Pass {
	return []Pass{
		// Calls first: every other rewrite matches across function
		// boundaries once the graph is flat.
		{"inline-calls", "PartitionedCall/StatefulPartitionedCall → the nodes of their function (nested calls too, and inside While/If bodies)", inlineCalls},
		{"lower-while", "TF2 While/StatelessWhile → a TF1 frame (Enter/Merge/Switch/NextIteration/Exit), so that one set of loop rewrites serves both forms", lowerWhilePass},
		{"lists", "TensorListSplit of unequal lengths → slices of its tensor; a reserved list of unknown element shape → zeros shaped like its first item", inSubgraphs(listsPass)},
		{"block-lstm", "BlockLSTM/BlockLSTMV2 (TF's fused LSTM over a sequence) → ONNX LSTM", inSubgraphs(blockLSTMPass)},
		DilatedConv,
		// Control flow: the LSTM/GRU rewrite must see the TF1 loops before
		// the generic loop rewrite turns them into Loop.
		{"rnn", "dynamic_rnn and Keras loops of LSTM/GRU cells → one ONNX LSTM/GRU (bidirectional pairs merged)", inSubgraphs(rnnPass)},
		{"functional-control-flow", "TF2 If/StatelessIf → If (functions from the GraphDef's library)", functionalPass},
		{"ragged-variant", "tf.map_fn over a ragged tensor: the rows' variants read and written in a TF1 loop frame → row slices, and a carried accumulator with row lengths (before control-flow-v1)", inSubgraphs(raggedVariantPass)},
		{"control-flow-v1", "TF1 cond (Switch/Merge) → If and TF1 while loops (Enter/Merge/Switch/NextIteration/Exit, TensorArrays, TensorLists) → Loop, innermost first", inSubgraphs(controlFlowV1)},
	}
}

// inSubgraphs runs a pass on g's subgraphs (If branches holding lowered
// loops), innermost first, then on g.
func inSubgraphs(pass func(*graph.Graph) (bool, error)) func(*graph.Graph) (bool, error) {
	var run func(g *graph.Graph) (bool, error)
	run = func(g *graph.Graph) (bool, error) {
		changed := false
		for _, n := range g.Nodes {
			for _, sg := range n.Subgraphs() {
				c, err := run(sg)
				if err != nil {
					return changed, err
				}
				changed = changed || c
			}
		}
		c, err := pass(g)
		return changed || c, err
	}
	return run
}
