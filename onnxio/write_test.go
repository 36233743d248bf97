package onnxio

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/onnxpb"
)

// TestStreamedEncodingMatches: the streamed writer's bytes decode to the
// same model that proto.Marshal would write.
func TestStreamedEncodingMatches(t *testing.T) {
	g := graph.New("g")
	g.Inputs = []string{"x"}
	g.SetValue("x", graph.Float, graph.DimsOf(graph.Sym("N"), graph.D(2)))
	g.SetConst("w", graph.Float32Tensor([]int64{2, 2}, []float32{1, 2, 3, 4}))
	g.SetConst("s", &graph.Tensor{DType: graph.String, Dims: []int64{1}, Strings: [][]byte{[]byte("hi")}})
	g.SetConst("e", graph.Float32Tensor([]int64{0}, nil))
	g.AddNode(&graph.Node{Name: "m", Op: "MatMul", Inputs: []string{"x", "w"}, Outputs: []string{"y"}})
	g.SetValue("y", graph.Float, graph.DimsOf(graph.Sym("N"), graph.D(2)))
	g.Outputs = []string{"y"}
	m, err := ToProto(g, ModelInfo{Producer: "test", Opset: 17})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := encodeModel(&buf, m)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("reported %d bytes, wrote %d", n, buf.Len())
	}
	back := &onnxpb.ModelProto{}
	if err := proto.Unmarshal(buf.Bytes(), back); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(back, m) {
		t.Errorf("streamed model decodes differently:\n%v\nvs\n%v", back, m)
	}
	if back.IrVersion != 8 || len(back.Graph.Initializer) != 3 {
		t.Errorf("ir %d, %d initializers", back.IrVersion, len(back.Graph.Initializer))
	}
}

func TestIRVersion(t *testing.T) {
	for opset, want := range map[int]int64{11: 6, 13: 7, 14: 7, 15: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10} {
		if got := IRVersion(opset); got != want {
			t.Errorf("IRVersion(%d) = %d, want %d", opset, got, want)
		}
	}
}
