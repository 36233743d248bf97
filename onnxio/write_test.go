package onnxio

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
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
	n, err := encodeModel(&buf, m, nil)
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
	for opset, want := range map[int]int64{11: 6, 13: 7, 14: 7, 15: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 22: 10, 23: 11, 24: 12, 25: 13, 27: 13, 28: 14} {
		if got := IRVersion(opset); got != want {
			t.Errorf("IRVersion(%d) = %d, want %d", opset, got, want)
		}
	}
}

// TestExternalData: with ExternalData, initializers of 1 KiB and more go to
// <model>.data at page-aligned offsets, the model points at them, small ones
// stay inline, and no temp file is left.
func TestExternalData(t *testing.T) {
	g := graph.New("g")
	g.Inputs = []string{"x"}
	g.SetValue("x", graph.Float, graph.ShapeOf(1, 300))
	big := make([]float32, 300*300)
	for i := range big {
		big[i] = float32(i)
	}
	g.SetConst("w", graph.Float32Tensor([]int64{300, 300}, big))
	g.SetConst("w2", graph.Float32Tensor([]int64{300, 300}, big))
	g.SetConst("b", graph.Float32Tensor([]int64{3}, []float32{1, 2, 3}))
	g.AddNode(&graph.Node{Name: "m", Op: "MatMul", Inputs: []string{"x", "w"}, Outputs: []string{"y"}})
	g.SetValue("y", graph.Float, graph.ShapeOf(1, 300))
	g.Outputs = []string{"y"}
	m, err := ToProto(g, ModelInfo{Opset: 17})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "m.onnx")
	if _, err := Write(path, m, WriteOptions{ExternalData: true}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path + ".data")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	back := &onnxpb.ModelProto{}
	if err := proto.Unmarshal(raw, back); err != nil {
		t.Fatal(err)
	}
	for _, tp := range back.Graph.Initializer {
		if tp.Name == "b" {
			if tp.DataLocation != onnxpb.TensorProto_DEFAULT || len(tp.RawData) != 12 {
				t.Errorf("small initializer b went external")
			}
			continue
		}
		kv := map[string]string{}
		for _, e := range tp.ExternalData {
			kv[e.Key] = e.Value
		}
		off, _ := strconv.Atoi(kv["offset"])
		n, _ := strconv.Atoi(kv["length"])
		if tp.DataLocation != onnxpb.TensorProto_EXTERNAL || kv["location"] != "m.onnx.data" || n != 4*300*300 || off%4096 != 0 {
			t.Errorf("%s: location %v entries %v", tp.Name, tp.DataLocation, kv)
			continue
		}
		if !bytes.Equal(data[off:off+n], g.Consts[tp.Name].Data) {
			t.Errorf("%s: external bytes differ", tp.Name)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}
}
