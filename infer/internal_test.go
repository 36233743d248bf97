package infer

import (
	"errors"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// TestPanicIsInternal: a rule that panics returns an error naming the node
// and wrapping graph.ErrInternal, instead of taking the caller down.
func TestPanicIsInternal(t *testing.T) {
	ops["TestBoom"] = func(c *ctx) error { panic("index out of range") }
	defer delete(ops, "TestBoom")
	g := graph.New("g")
	g.AddNode(&graph.Node{Name: "b", Op: "TestBoom", Outputs: []string{"y"}})
	err := Graph(g, 17)
	if !errors.Is(err, graph.ErrInternal) || !strings.Contains(err.Error(), `node "b"`) {
		t.Errorf("err %v", err)
	}
}
