package graph

import (
	"slices"
	"testing"
)

// TestRenameApart: a branch moving into g gets fresh names for what g
// uses (also inside g's bodies), its readers follow, and a body of the
// branch that defines the name itself keeps reading its own.
func TestRenameApart(t *testing.T) {
	g := New("g")
	g.SetConst("c", ScalarInt64(1))
	loop := g.AddNode(&Node{Name: "loop", Op: "Loop", Outputs: []string{"loop:0"}, Attrs: map[string]any{}})
	body := New("body")
	body.AddNode(&Node{Name: "inner", Op: "Neg", Inputs: []string{"c"}, Outputs: []string{"y"}})
	loop.Attrs["body"] = body

	br := New("then")
	br.SetConst("c", ScalarInt64(2))                                                       // clashes with g's constant
	br.AddNode(&Node{Name: "n", Op: "Neg", Inputs: []string{"c"}, Outputs: []string{"y"}}) // clashes with a name in g's body
	shadow := New("shadow")
	shadow.SetConst("c", ScalarInt64(3)) // its own c
	br.AddNode(&Node{Name: "if", Op: "If", Inputs: []string{"y"}, Outputs: []string{"z"}, Attrs: map[string]any{"then_branch": shadow}})
	br.Outputs = []string{"y", "z"}
	shadow.AddNode(&Node{Name: "s", Op: "Neg", Inputs: []string{"c"}, Outputs: []string{"w"}})

	g.ReserveNested(loop)
	g.RenameApart(br)
	if _, ok := br.Consts["c"]; ok {
		t.Fatalf("the branch still defines c: %v", br.Consts)
	}
	n := br.Nodes[0]
	if n.Inputs[0] == "c" || n.Outputs[0] == "y" {
		t.Fatalf("n reads %v and writes %v; want fresh names for c and y", n.Inputs, n.Outputs)
	}
	if _, ok := br.Consts[n.Inputs[0]]; !ok {
		t.Errorf("n reads %q, which the branch does not define", n.Inputs[0])
	}
	if br.Nodes[1].Inputs[0] != n.Outputs[0] || !slices.Equal(br.Outputs, []string{n.Outputs[0], "z"}) {
		t.Errorf("readers did not follow: if reads %v, outputs %v", br.Nodes[1].Inputs, br.Outputs)
	}
	if s := shadow.Nodes[0]; s.Inputs[0] != "c" {
		t.Errorf("a body defining c reads %q, want its own c", s.Inputs[0])
	}
}

// TestRenameApartChain: the branch defines both x and x__1 while g uses
// x, so x becomes x__1 and x__1 becomes x__1__1. The value records (dtype,
// shape) must follow each value, whatever order the renames are applied in.
func TestRenameApartChain(t *testing.T) {
	for range 30 { // map order varies from run to run
		g := New("g")
		g.SetConst("x", ScalarInt64(1))
		br := New("then")
		br.AddNode(&Node{Name: "a", Op: "Neg", Inputs: []string{"in"}, Outputs: []string{"x"}})
		br.AddNode(&Node{Name: "b", Op: "Cast", Inputs: []string{"x"}, Outputs: []string{"x__1"}})
		br.SetValue("x", Float, Shape{})
		br.SetValue("x__1", Int64, Shape{})
		br.Outputs = []string{"x__1"}
		g.RenameApart(br)
		a, b := br.Nodes[0].Outputs[0], br.Nodes[1].Outputs[0]
		if a == b || a == "x" {
			t.Fatalf("outputs %q and %q; want two fresh, distinct names", a, b)
		}
		va, vb := br.Values[a], br.Values[b]
		if va == nil || vb == nil || va.DType != Float || vb.DType != Int64 {
			t.Fatalf("after renaming x→%s and x__1→%s the records are %v and %v; want float and int64", a, b, va, vb)
		}
	}
}
