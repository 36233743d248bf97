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
