package fold

import (
	"errors"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// TestPanicIsInternal: an evaluator that panics is reported as an error
// naming the node and wrapping graph.ErrInternal, so callers can tell a bug
// from a node that is merely not foldable.
func TestPanicIsInternal(t *testing.T) {
	evaluators["TestBoom"] = func(c *call) ([]*graph.Tensor, bool, error) { panic("index out of range") }
	defer delete(evaluators, "TestBoom")
	_, ok, err := Eval(&graph.Node{Name: "b", Op: "TestBoom"}, []*graph.Tensor{graph.ScalarInt64(1)}, 17)
	if ok || !errors.Is(err, graph.ErrInternal) || !strings.Contains(err.Error(), `node "b"`) {
		t.Errorf("ok %v, err %v", ok, err)
	}
}
