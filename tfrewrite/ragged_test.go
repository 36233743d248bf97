package tfrewrite

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// tf.map_fn over a ragged tensor: the ragged-variant pass removes every
// variant op (the rows read as slices, written as an accumulator and row
// shapes, the trip count from the splits), after which the frame converts
// as any loop, its list write a scan output.
func TestRaggedVariantMapFn(t *testing.T) {
	g := load(t, "ragged_map_fn.pb", "s:0,v:0",
		"map/RaggedFromVariant/RaggedTensorFromVariant:0,map/RaggedFromVariant/RaggedTensorFromVariant:1")
	if _, err := lowerWhilePass(g); err != nil {
		t.Fatal(err)
	}
	if ops := opCount(g); ops["RaggedTensorToVariant"] != 2 || ops["RaggedTensorFromVariant"] != 2 {
		t.Fatalf("fixture changed: %v", ops)
	}
	changed, err := raggedVariantPass(g)
	if err != nil || !changed {
		t.Fatalf("changed %v, err %v", changed, err)
	}
	ops := opCount(g)
	if ops["RaggedTensorToVariant"]+ops["RaggedTensorFromVariant"]+ops["TensorListFromTensor"]+ops["TensorListGetItem"] != 0 {
		t.Fatalf("variant ops left: %v", ops)
	}
	if again, _ := raggedVariantPass(g); again {
		t.Fatal("a second run changed the graph again")
	}
	if _, err := controlFlowV1(g); err != nil {
		t.Fatal(err)
	}
	noTF1(t, g)
	loop := only(t, g, LoopOp)
	// Carried: the counters, the bound and the rows so far; scanned: the
	// row shapes.
	body := loop.Attrs["body"].(*graph.Graph)
	if len(loop.Outputs) < 2 || len(body.Outputs) != len(loop.Inputs)-2+1+1 {
		t.Fatalf("loop has %d inputs, %d outputs, body %d outputs", len(loop.Inputs), len(loop.Outputs), len(body.Outputs))
	}
}
