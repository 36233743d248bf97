package opmap

import (
	"errors"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// TestHandlerPanicIsInternal: a handler that panics becomes an error about
// its node that wraps graph.ErrInternal, through MapErrors too, so the
// command exits 4 (before, it was a plain error and exited 1).
func TestHandlerPanicIsInternal(t *testing.T) {
	c := &Ctx{Node: &graph.Node{Name: "n", Op: "Foo"}}
	err := callHandler(func(*Ctx) error {
		var m map[string]int
		m["boom"] = 1
		return nil
	}, c)
	if !errors.Is(err, graph.ErrInternal) {
		t.Fatalf("got %v, want graph.ErrInternal", err)
	}
	all := MapErrors{{Node: "a", Op: "Bar", Err: errors.New("plain")}, {Node: "n", Op: "Foo", Err: err}}
	if !errors.Is(all, graph.ErrInternal) {
		t.Errorf("MapErrors hides the internal error: %v", all)
	}
}
