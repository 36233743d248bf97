package cost

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/onnxio"
)

func TestLeNetDump(t *testing.T) {
	g, _, err := onnxio.ReadFile("../testdata/lenet/lenet_torch.onnx", onnxio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Analyze(g, Options{Model: "lenet_torch.onnx", FPS: 30, Device: "jetson-nano"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Render(rep, "text", FormatOptions{PerNode: true})
	t.Log("\n" + string(b))
}
