package cost

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// scope resolves value names: a subgraph sees its own values first, then
// those of the graphs around it, as ONNX scoping says.
type scope struct {
	g     *graph.Graph
	outer *scope
	// derived marks constants that the pass computed itself (shape
	// arithmetic folded once the input dims were fixed): they are values,
	// not parameters.
	derived map[string]bool
	prod    map[string]*graph.Node
	cons    map[string][]*graph.Node
}

func newScope(g *graph.Graph, outer *scope) *scope {
	return &scope{g: g, outer: outer, derived: map[string]bool{}, prod: g.Producers(), cons: g.Consumers()}
}

// tensor returns the constant behind name, and whether the pass derived it.
// A name defined by an inner graph as a computed value hides an outer
// constant of the same name.
func (s *scope) tensor(name string) (*graph.Tensor, bool) {
	if name == "" {
		return nil, false
	}
	for sc := s; sc != nil; sc = sc.outer {
		if t, ok := sc.g.Consts[name]; ok {
			return t, sc.derived[name]
		}
		if sc.prod[name] != nil || sc.isInput(name) {
			return nil, false
		}
	}
	return nil, false
}

func (s *scope) isInput(name string) bool {
	for _, in := range s.g.Inputs {
		if in == name {
			return true
		}
	}
	return false
}

// value returns the dtype and shape of a value.
func (s *scope) value(name string) (graph.DType, graph.Shape) {
	for sc := s; sc != nil; sc = sc.outer {
		if t, ok := sc.g.Consts[name]; ok {
			return t.DType, t.Shape()
		}
		if v := sc.g.Values[name]; v != nil {
			return v.DType, v.Shape
		}
		if sc.prod[name] != nil || sc.isInput(name) {
			break
		}
	}
	return graph.Undefined, graph.UnknownShape()
}

// dims returns a value's static dims, or nil when any is unknown.
func (s *scope) dims(name string) []int64 {
	if name == "" {
		return nil
	}
	_, sh := s.value(name)
	if !sh.Static() {
		return nil
	}
	return sh.Sizes()
}

// numel is the element count of a value, -1 when unknown.
func (s *scope) numel(name string) int64 {
	d := s.dims(name)
	if d == nil {
		return -1
	}
	return prod(d)
}

// bytes is a value's size in bytes, -1 when unknown.
func (s *scope) bytes(name string) int64 {
	dt, _ := s.value(name)
	n := s.numel(name)
	if n < 0 {
		return -1
	}
	return n * int64(dt.Size())
}

func prod(d []int64) int64 {
	n := int64(1)
	for _, x := range d {
		n *= x
	}
	return n
}

// constantNodes turns the outputs of Constant nodes into constants, so that
// the pass and shape inference see their values. The nodes stay (they cost
// nothing).
func constantNodes(g *graph.Graph) {
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			constantNodes(sg)
		}
		if n.Op != "Constant" || (n.Domain != "" && n.Domain != "ai.onnx") || len(n.Outputs) != 1 {
			continue
		}
		var t *graph.Tensor
		switch {
		case n.TensorAttr("value") != nil:
			t = n.TensorAttr("value")
		case n.Attrs["value_float"] != nil:
			t = graph.ScalarOf(graph.Float, float64(n.Float("value_float", 0)))
		case n.Attrs["value_int"] != nil:
			t = graph.ScalarInt64(n.Int("value_int", 0))
		case n.Attrs["value_floats"] != nil:
			f := n.Floats("value_floats")
			t = graph.Float32Tensor([]int64{int64(len(f))}, f)
		case n.Attrs["value_ints"] != nil:
			t = graph.Int64Tensor(n.Ints("value_ints")...)
		}
		if t != nil {
			g.Consts[n.Outputs[0]] = t
			g.Values[n.Outputs[0]] = &graph.Value{DType: t.DType, Shape: t.Shape()}
		}
	}
}
