package optimize

import (
	"slices"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestConstTarget(t *testing.T) {
	N, H, W, Q := graph.Sym("N"), graph.Sym("H"), graph.Sym("W"), graph.Sym("Q")
	lit := graph.Dim{Size: -1} // a literal -1 in the computed target
	in := graph.DimsOf(N, H, Q, graph.D(2))
	tests := []struct {
		name      string
		contents  []graph.Dim
		allowZero bool
		want      []int64 // nil: no constant target
	}{
		{"copy, infer, literal", []graph.Dim{N, H, W, graph.D(20)}, false, []int64{0, 0, -1, 20}},
		{"literal -1 kept", []graph.Dim{N, lit, graph.D(8)}, false, []int64{0, -1, 8}},
		{"two unknowns", []graph.Dim{W, Q, graph.D(3)}, false, nil},
		{"unknown beside a literal -1", []graph.Dim{N, W, lit}, false, nil},
		{"allowzero forbids copy", []graph.Dim{N, H, graph.D(4)}, true, nil},
		{"known zero with allowzero", []graph.Dim{graph.D(0), graph.D(5)}, true, []int64{0, 5}},
		{"no -1 beside a kept zero", []graph.Dim{W, graph.D(0)}, true, nil}, // ONNX: invalid with allowzero
		{"known zero without allowzero", []graph.Dim{graph.D(0), graph.D(5)}, false, nil},
	}
	for _, tc := range tests {
		got, ok := constTarget(tc.contents, in, tc.allowZero)
		if tc.want == nil {
			if ok {
				t.Errorf("%s: got %v, want none", tc.name, got)
			}
			continue
		}
		if !ok || !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v (%v), want %v", tc.name, got, ok, tc.want)
		}
	}
}
