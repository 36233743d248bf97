package optimize

import (
	"fmt"
	"slices"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// The folding pass follows fold.WorthFolding, as opmap's eager folding
// does: a Tile of a constant whose result is 32 MB stays a node, a small
// one (and the shape arithmetic after it) folds.
func TestFoldKeepsLargeExpansion(t *testing.T) {
	for _, tt := range []struct {
		reps  int64
		tiles int
	}{{1000000, 1}, {10, 0}} {
		b := newBuilder("tile")
		b.weights("x", 2, 2)
		b.ints("reps", tt.reps, 2)
		b.op("t", "Tile", nil, "x", "reps")
		b.op("y", "Relu", nil, "t")
		g := b.output("y")
		if _, err := foldConstants(g, 17); err != nil {
			t.Fatal(err)
		}
		if got := counts(g)["Tile"]; got != tt.tiles {
			t.Errorf("Tile by %d: %d Tile nodes left (%v), want %d", tt.reps, got, counts(g), tt.tiles)
		}
		if tt.tiles == 0 {
			if c := g.Consts["y"]; c == nil {
				// y is a graph output: computed by a node, but from a folded Tile.
				if n := nodeByOp(g, "Relu"); n == nil || g.Consts[n.Inputs[0]] == nil {
					t.Errorf("small Tile: not folded (%v)", counts(g))
				}
			}
		}
	}
}

// An If on a constant condition becomes the branch it takes; the branch's
// names that the graph already uses are renamed; the If's output, a graph
// output, keeps its name; the values stay.
func TestInlineConstantIf(t *testing.T) {
	for _, c := range []bool{false, true} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			b := newBuilder("if")
			x := b.input("x", 2, 3)
			b.g.SetConst("cond", graph.NewIntTensor(graph.Bool, nil, []int64{map[bool]int64{false: 0, true: 1}[c]}))
			k := b.scalar("k", 5) // the then branch defines a "k" too
			then := newBuilder("then")
			then.output(then.op("m", "Mul", nil, x, then.scalar("k", 2)))
			then.g.SetValue("m", graph.Float, graph.ShapeOf(2, 3))
			els := newBuilder("else")
			els.output(els.op("s", "Sigmoid", nil, x))
			els.g.SetValue("s", graph.Float, graph.ShapeOf(2, 3))
			b.g.AddNode(&graph.Node{Name: "if", Op: "If", Inputs: []string{"cond"}, Outputs: []string{"if"},
				Attrs: map[string]any{"then_branch": then.g, "else_branch": els.g}})
			g := b.output("if", b.op("other", "Add", nil, x, k))
			g.SetValue("if", graph.Float, graph.ShapeOf(2, 3))
			g.SetValue("other", graph.Float, graph.ShapeOf(2, 3))
			feeds := randomFeeds(t, g, 3)
			want, err := evalGraph(g.Clone(), feeds)
			if err != nil {
				t.Fatal(err)
			}
			changed, err := inlineConstantIf(g, 17)
			if err != nil || !changed {
				t.Fatalf("changed %v, err %v", changed, err)
			}
			if err := g.Verify(graph.VerifyOptions{NeedDTypes: true}); err != nil {
				t.Fatalf("%v\n%s", err, g.Dump())
			}
			if counts(g)["If"] != 0 || g.Outputs[0] != "if" {
				t.Fatalf("If left or output renamed:\n%s", g.Dump())
			}
			got, err := evalGraph(g, feeds)
			if err != nil {
				t.Fatalf("%v\n%s", err, g.Dump())
			}
			sameValues(t, want, got)
		})
	}
}

// The inlined branch's names may come back inside another body of the
// graph (a TF1 loop's condition evaluated before the loop and in it): the
// inlined ones are renamed, so that the body does not redefine them.
func TestInlineConstantIfNestedNames(t *testing.T) {
	b := newBuilder("if")
	x := b.input("x", 2, 3)
	b.g.Inputs = append(b.g.Inputs, "c2")
	b.g.SetValue("c2", graph.Bool, graph.ShapeOf())
	b.g.SetConst("cond", graph.NewIntTensor(graph.Bool, nil, []int64{1}))
	branch := func(in string) *graph.Graph {
		br := newBuilder("then")
		br.output(br.op("v", "Sigmoid", nil, in))
		br.g.SetValue("v", graph.Float, graph.ShapeOf(2, 3))
		return br.g
	}
	other := func() *graph.Graph {
		br := newBuilder("else")
		br.output(br.op("w", "Relu", nil, x))
		br.g.SetValue("w", graph.Float, graph.ShapeOf(2, 3))
		return br.g
	}
	b.g.AddNode(&graph.Node{Name: "if1", Op: "If", Inputs: []string{"cond"}, Outputs: []string{"if1"},
		Attrs: map[string]any{"then_branch": branch(x), "else_branch": other()}})
	// if2 reads if1 in its then branch: it comes after the inlined nodes.
	b.g.AddNode(&graph.Node{Name: "if2", Op: "If", Inputs: []string{"c2"}, Outputs: []string{"if2"},
		Attrs: map[string]any{"then_branch": branch("if1"), "else_branch": other()}})
	g := b.output(b.op("y", "Add", nil, "if1", "if2"))
	for _, v := range []string{"if1", "if2", "y"} {
		g.SetValue(v, graph.Float, graph.ShapeOf(2, 3))
	}
	feeds := randomFeeds(t, g, 3)
	feeds["c2"] = arr{v: []float64{1}}
	want, err := evalGraph(g.Clone(), feeds)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inlineConstantIf(g, 17); err != nil {
		t.Fatal(err)
	}
	if err := g.Verify(graph.VerifyOptions{NeedDTypes: true}); err != nil {
		t.Fatalf("%v\n%s", err, g.Dump())
	}
	if counts(g)["If"] != 1 {
		t.Fatalf("want only the run-time If left:\n%s", g.Dump())
	}
	got, err := evalGraph(g, feeds)
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, want, got)
}

// A branch that returns one value twice, both If outputs graph outputs
// (a model returning the same dropout output under two names): each
// output keeps its name and reads the one value.
func TestInlineConstantIfRepeatedOutput(t *testing.T) {
	b := newBuilder("if")
	x := b.input("x", 2, 3)
	b.g.SetConst("cond", graph.NewIntTensor(graph.Bool, nil, []int64{1}))
	then := newBuilder("then")
	v := then.op("v", "Sigmoid", nil, x)
	then.g.Outputs = []string{v, v}
	then.g.SetValue("v", graph.Float, graph.ShapeOf(2, 3))
	els := newBuilder("else")
	w := els.op("w", "Relu", nil, x)
	els.g.Outputs = []string{w, w}
	els.g.SetValue("w", graph.Float, graph.ShapeOf(2, 3))
	b.g.AddNode(&graph.Node{Name: "if", Op: "If", Inputs: []string{"cond"}, Outputs: []string{"a", "b"},
		Attrs: map[string]any{"then_branch": then.g, "else_branch": els.g}})
	g := b.output("a", "b")
	g.SetValue("a", graph.Float, graph.ShapeOf(2, 3))
	g.SetValue("b", graph.Float, graph.ShapeOf(2, 3))
	feeds := randomFeeds(t, g, 3)
	want, err := evalGraph(g.Clone(), feeds)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inlineConstantIf(g, 17); err != nil {
		t.Fatal(err)
	}
	if err := g.Verify(graph.VerifyOptions{NeedDTypes: true}); err != nil {
		t.Fatalf("%v\n%s", err, g.Dump())
	}
	if counts(g)["If"] != 0 || !slices.Equal(g.Outputs, []string{"a", "b"}) {
		t.Fatalf("If left or outputs renamed:\n%s", g.Dump())
	}
	got, err := evalGraph(g, feeds)
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Dump())
	}
	sameValues(t, want, got)
}
