// Package optimize holds the ONNX-side passes that run after op mapping:
// each is a named, documented entry of one ordered table, run until none
// changes the graph. Every pass keeps the graph's outputs, their names and
// their values, and the graph inputs' names.
//
// Passes build their def-use maps once (index.go) and keep them current
// through their own edits, so that one pass costs O(nodes): a ResNet-50
// sized graph optimizes in milliseconds.
package optimize

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Pass is one optimization. Run reports whether it changed the graph.
type Pass struct {
	Name string
	Doc  string
	Run  func(g *graph.Graph, opset int) (bool, error)
}

// Passes is the ordered list the converter runs.
func Passes() []Pass {
	return []Pass{
		{"remove-identity", "drop Identity nodes, reading their input instead (graph outputs keep their names)", removeIdentity},
		{"fold-constants", "evaluate nodes whose inputs are all constants, and Shape/Size of values of static shape", foldConstants},
		{"inline-constant-if", "replace an If whose condition is a constant with the branch it takes", inlineConstantIf},
		{"merge-constants", "make constants of equal type, dims and bytes one", mergeConsts},
		{"merge-nodes", "make nodes computing the same op and attributes on the same inputs one (common subexpressions)", mergeDuplicateNodes},
		{"drop-neutral", "drop x·1, x/1, x+0 and x−0 by constants that do not broadcast x wider", dropNeutral},
		{"transpose", "cancel inverse Transpose pairs, merge consecutive and duplicate Transposes, drop identity ones, " +
			"and push Transposes down through layout-free ops (elementwise, Concat, Softmax, ReduceX, ArgMax, Pad, Slice) " +
			"when that adds none", transposePass},
		{"transpose-branches", "give each reader of a shared Transpose its own copy and push those down their branches " +
			"(x·sigmoid(x), hard swish, squeeze-excite), kept when the graph ends with fewer Transposes or as many moving fewer elements", transposeBranches},
		{"transpose-to-reshape", "make a Transpose that moves only dims of size 1 a Reshape (static shape, or an unknown batch kept in place)", transposeToReshape},
		{"qdq", "move DequantizeLinear down and QuantizeLinear up through ops that only move elements (Transpose, Reshape, Split, " +
			"Concat, Slice, Gather, ScatterND, ...), drop Q(DQ(q)) of equal parameters and clamps a QuantizeLinear saturates anyway, " +
			"store quantized constants 8-bit, transpose a float input before its QuantizeLinear, " +
			"and give a Conv/ConvTranspose weight's DequantizeLinear its output-channel axis", qdqPass},
		{"dq-transpose", "move a Transpose above the per-tensor DequantizeLinear of a graph input it reads (onnxruntime's QDQ handling expects it there)", dqTranspose},
		{"static-reshape", "give a Reshape whose target is computed from shapes a constant target, when inference knows the target's dims", staticReshape},
		{"einsum-to-matmul", "lower a two-operand Einsum that is a batched matrix product to Transposes and MatMul", einsumToMatMul},
		{"collapse-dense-reshapes", "drop the Reshapes around MatMul by a constant matrix that TF's Tensordot adds for a rank-3+ input", collapseDenseReshapes},
		{"simplify-shapes", "collapse Reshape chains, drop Reshapes and Casts that change nothing, cancel Unsqueeze/Squeeze pairs", simplifyShapes},
		{"fuse-activations", "write relu6(x+3)/6 as HardSigmoid and x times it as HardSwish (opset 14 on)", fuseActivations},
		{"fuse-layer-norm", "write TF's layer normalization over the last axis (moments, then x·m + β − mean·m) as one LayerNormalization (opset 17 on)", fuseLayerNorm},
		{"fuse-gelu", "write exact (erf, erfc) and tanh GELU as one Gelu (opset 20 on)", fuseGelu},
		{"global-pool", "make ReduceMean/ReduceMax over H and W of NCHW GlobalAveragePool/GlobalMaxPool (keepdims, or a Reshape back to 4-D after)", globalPool},
		{"flatten-concat", "splice a Concat read only by a Concat along the same axis into it", flattenConcat},
		{"fuse-pad", "fold a constant Pad of zeros over spatial dims into the Convs that read it (also through an NHWC→NCHW Transpose)", fusePad},
		{"fuse-conv", "fold a per-channel Add/Sub/Mul and an inference BatchNormalization after a Conv or ConvTranspose into its weights and bias", fuseConv},
		{"fuse-scale-forward", "fold a positive per-channel Mul (a batch norm's scale) through an optional shift and Relu into the Convs that read it", fuseScaleForward},
		{"fuse-gemm", "turn MatMul of a rank-2 input by a constant matrix, plus a constant bias, into Gemm", fuseGemm},
		{"subgraphs", "run these passes inside Loop, If and Scan bodies", optimizeSubgraphs},
		{"dead-nodes", "drop nodes and constants that no graph output needs", deadNodes},
	}
}

// bodyPasses are the passes run inside subgraphs: all but this one (it
// recurses itself) and static-reshape, whose inference would see a body
// without the values it reads from the enclosing graph.
func bodyPasses() []Pass {
	var ps []Pass
	for _, p := range Passes() {
		if p.Name != "subgraphs" && p.Name != "static-reshape" {
			ps = append(ps, p)
		}
	}
	return ps
}

// optimizeSubgraphs optimizes every body of g's nodes (and theirs, in
// turn). A body keeps its inputs and outputs; names new inside it are kept
// apart from every name of the graphs around it, which it may read.
func optimizeSubgraphs(g *graph.Graph, opset int) (bool, error) {
	return optimizeBodies(g, opset, nil)
}

func optimizeBodies(g *graph.Graph, opset int, outer []string) (bool, error) {
	has := false
	for _, n := range g.Nodes {
		if len(n.Subgraphs()) > 0 {
			has = true
			break
		}
	}
	if !has {
		return false, nil
	}
	names := append([]string{}, outer...)
	names = append(names, g.Inputs...)
	for c := range g.Consts {
		names = append(names, c)
	}
	for _, n := range g.Nodes {
		names = append(names, n.Outputs...)
	}
	changed := false
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			sg.Reserve(names...)
			c, err := optimizeBodies(sg, opset, names)
			if err != nil {
				return false, err
			}
			changed = changed || c
			// The hook sees every pass that changed the body.
			err = Run(sg, opset, bodyPasses(), func(string, *graph.Graph) error {
				changed = true
				return nil
			})
			if err != nil {
				return false, fmt.Errorf("body of %s: %w", n.Name, err)
			}
		}
	}
	return changed, nil
}

// Hook, when set, runs after every pass that changed the graph (the
// verifier under --debug, dumps in tests).
type Hook func(pass string, g *graph.Graph) error

// Run applies the passes in order, repeating the list until a round changes
// nothing (at most 10 rounds).
func Run(g *graph.Graph, opset int, passes []Pass, after Hook) error {
	for round := 0; round < 10; round++ {
		changed := false
		for _, p := range passes {
			c, err := p.Run(g, opset)
			if err != nil {
				return fmt.Errorf("pass %s: %w", p.Name, err)
			}
			if c && after != nil {
				if err := after(p.Name, g); err != nil {
					return fmt.Errorf("after pass %s: %w", p.Name, err)
				}
			}
			changed = changed || c
		}
		if !changed {
			return nil
		}
	}
	return nil
}
