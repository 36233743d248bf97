package graph

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func chain() *Graph {
	g := New("t")
	g.Inputs = []string{"x"}
	g.SetValue("x", Float, ShapeOf(2, 3))
	g.SetConst("one", ScalarOf(Float, 1))
	// Deliberately out of order: c reads b, b reads a.
	g.AddNode(&Node{Name: "c", Op: "Relu", Inputs: []string{"b:0"}, Outputs: []string{"c:0"}})
	g.AddNode(&Node{Name: "b", Op: "Add", Inputs: []string{"a:0", "one"}, Outputs: []string{"b:0"}})
	g.AddNode(&Node{Name: "a", Op: "Neg", Inputs: []string{"x"}, Outputs: []string{"a:0"}})
	g.AddNode(&Node{Name: "dead", Op: "Neg", Inputs: []string{"x"}, Outputs: []string{"dead:0"}})
	g.Outputs = []string{"c:0"}
	return g
}

func names(g *Graph) string {
	var s []string
	for _, n := range g.Nodes {
		s = append(s, n.Name)
	}
	return strings.Join(s, " ")
}

func TestTopoSortAndRemoveUnused(t *testing.T) {
	g := chain()
	if err := g.TopoSort(); err != nil {
		t.Fatal(err)
	}
	if got := names(g); got != "a b c dead" {
		t.Errorf("topo order %q", got)
	}
	if n := g.RemoveUnused(); n != 1 {
		t.Errorf("removed %d nodes, want 1", n)
	}
	if got := names(g); got != "a b c" {
		t.Errorf("after RemoveUnused %q", got)
	}
	if g.Consts["one"] == nil {
		t.Error("a used constant was removed")
	}
	if err := g.Verify(VerifyOptions{}); err != nil {
		t.Errorf("verify: %v", err)
	}
}

func TestTopoSortCycle(t *testing.T) {
	g := New("t")
	g.AddNode(&Node{Name: "a", Op: "Neg", Inputs: []string{"b:0"}, Outputs: []string{"a:0"}})
	g.AddNode(&Node{Name: "b", Op: "Neg", Inputs: []string{"a:0"}, Outputs: []string{"b:0"}})
	var ce *CycleError
	if err := g.TopoSort(); !errors.As(err, &ce) {
		t.Errorf("want a CycleError, got %v", err)
	}
}

func TestVerifyFindsProblems(t *testing.T) {
	g := chain()
	g.Nodes[0].Inputs[0] = "nowhere"
	if err := g.Verify(VerifyOptions{}); err == nil || !strings.Contains(err.Error(), `reads "nowhere"`) {
		t.Errorf("undefined input: %v", err)
	}
	g = chain()
	g.TopoSort()
	g.Nodes[0].Domain = DomainTF
	if err := g.Verify(VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "still a TensorFlow") {
		t.Errorf("TF op left: %v", err)
	}
	if err := g.Verify(VerifyOptions{AllowTF: true, NeedDTypes: true}); err == nil || !strings.Contains(err.Error(), "dtype") {
		t.Errorf("unknown dtype: %v", err)
	}
}

func TestUniqueNameAndReplaceUses(t *testing.T) {
	g := chain()
	if n := g.UniqueName("a"); n == "a" {
		t.Errorf("UniqueName returned a taken name")
	}
	g.ReplaceUses("b:0", "a:0")
	if g.Nodes[0].Inputs[0] != "a:0" {
		t.Errorf("ReplaceUses did not rewrite the reader")
	}
}

func TestShapeString(t *testing.T) {
	s := DimsOf(Sym("N"), D(3), Unk())
	if s.String() != "[N,3,?]" || s.Rank() != 3 || s.Static() || s.NumElements() != -1 {
		t.Errorf("shape %v", s)
	}
	if UnknownShape().Rank() != -1 {
		t.Error("unknown rank")
	}
}

func TestTensorValues(t *testing.T) {
	tt := NewIntTensor(Int32, []int64{3}, []int64{-1, 0, 7})
	if got := tt.Int64s(); got[0] != -1 || got[2] != 7 {
		t.Errorf("int32 values %v", got)
	}
	b := NewTensor(BFloat16, []int64{2}, []float64{1.00390625, 3})
	// 1 + 2^-8 is a tie between bfloat16 1 and 1+2^-7: rounds to even (1).
	if got := b.Float64s(); got[0] != 1 || got[1] != 3 {
		t.Errorf("bfloat16 rounding %v", got)
	}
	if FloatToBFloat16(float32(math.NaN()))&0x7f80 != 0x7f80 {
		t.Error("bfloat16 NaN")
	}
}
