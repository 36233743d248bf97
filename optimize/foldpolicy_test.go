package optimize

import "testing"

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
