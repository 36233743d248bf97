package tfrewrite

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// A functional While becomes a TF1 frame: one Enter per variable (the
// ones the body passes on unchanged marked is_constant), a LoopCond, and
// Merge/Switch/NextIteration/Exit for the others; the inner loop of the
// body becomes a nested frame.
func TestLowerWhile(t *testing.T) {
	g := load(t, "loop_v2_nested.pb", "x:0", "while/Identity_2:0,while/Identity_3:0")
	changed, err := lowerWhilePass(g)
	if err != nil || !changed {
		t.Fatalf("changed %v, err %v", changed, err)
	}
	ops := opCount(g)
	if ops["While"]+ops["StatelessWhile"] != 0 {
		t.Fatalf("While left: %v", ops)
	}
	if ops["LoopCond"] != 2 || ops["Merge"] != ops["NextIteration"] || ops["Merge"] != ops["Switch"] || ops["Merge"] == 0 {
		t.Fatalf("frames malformed: %v", ops)
	}
	loops, err := findLoops(g)
	if err != nil || len(loops) != 2 || loops[0].depth != 1 || loops[1].depth != 0 {
		t.Fatalf("want an inner loop in an outer one; got %d loops, err %v", len(loops), err)
	}
	for _, l := range loops {
		for _, e := range l.invars {
			if !e.Bool("is_constant", false) {
				t.Errorf("invariant Enter %q is not is_constant", e.Name)
			}
		}
	}
	// The frames convert as any TF1 loop does.
	if _, err := controlFlowV1(g); err != nil {
		t.Fatal(err)
	}
	noTF1(t, g)
	only(t, only(t, g, LoopOp).Attrs["body"].(*graph.Graph), LoopOp)
}
