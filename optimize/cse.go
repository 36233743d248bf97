package optimize

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"sort"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// mergeConsts makes constants of equal type, dims and bytes one, so that
// the file holds them once and mergeDuplicates can see through them.
func mergeConsts(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	seed := maphash.MakeSeed()
	type key struct {
		dt   graph.DType
		dims string
		n    int
		h    uint64
	}
	seen := map[key][]string{}
	names := make([]string, 0, len(g.Consts))
	for name := range g.Consts {
		names = append(names, name)
	}
	sort.Strings(names) // the surviving name does not depend on map order
	for _, name := range names {
		t := g.Consts[name]
		if t == nil || t.Strings != nil || ix.isOutput(name) || ix.ins[name] || ix.uses(name) == 0 {
			continue
		}
		k := key{t.DType, fmt.Sprint(t.Dims), len(t.Data), maphash.Bytes(seed, t.Data)}
		merged := false
		for _, other := range seen[k] {
			if bytes.Equal(g.Consts[other].Data, t.Data) {
				ix.replaceUses(name, other)
				merged = true
				break
			}
		}
		if !merged {
			seen[k] = append(seen[k], name)
		}
	}
	return ix.finish()
}

// mergeDuplicateNodes makes nodes that compute the same op with the same
// attributes on the same inputs one (common subexpressions): NASNet applies
// the same Relu and pools to one value in several branches.
func mergeDuplicateNodes(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	seen := map[string]*graph.Node{}
	for _, n := range g.Nodes {
		if ix.removed[n] || len(n.Outputs) == 0 || len(n.Subgraphs()) > 0 || !deterministic(n) {
			continue
		}
		k, ok := nodeKey(n)
		if !ok {
			continue
		}
		first := seen[k]
		if first == nil {
			seen[k] = n
			continue
		}
		// A graph output keeps its own producer, unless first can take the name.
		out := false
		for _, o := range n.Outputs {
			if ix.isOutput(o) {
				out = true
			}
		}
		if out {
			continue
		}
		ix.remove(n)
		for i, o := range n.Outputs {
			if o != "" && first.Outputs[i] != "" {
				ix.replaceUses(o, first.Outputs[i])
			}
		}
	}
	return ix.finish()
}

// deterministic leaves out ops whose two runs differ.
func deterministic(n *graph.Node) bool {
	if n.Domain != "" && n.Domain != "ai.onnx" {
		return false
	}
	switch n.Op {
	case "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout":
		return false
	}
	return true
}

// nodeKey spells a node's op, inputs and attributes; ok is false for an
// attribute it cannot compare by value.
func nodeKey(n *graph.Node) (string, bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%d|%q|", n.Domain, n.Op, len(n.Outputs), n.Inputs)
	keys := make([]string, 0, len(n.Attrs))
	for k := range n.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := n.Attrs[k].(type) {
		case int64, int, int32, bool, float32, string, []int64, []float32, []string, graph.DType, []byte:
			fmt.Fprintf(&b, "%s=%v;", k, v)
		default:
			return "", false
		}
	}
	return b.String(), true
}
