package onnxio_test

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/internal/fuzzseed"
	"github.com/tf2onnx-go/tf2onnx/onnxio"
)

// FuzzReadModel: no byte string makes the ONNX reader panic.
func FuzzReadModel(f *testing.F) {
	for _, b := range fuzzseed.ONNXModels(f, "../convert/testdata/seeds") {
		f.Add(b, int64(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, maxData int64) {
		_, _, _ = onnxio.Parse(data, onnxio.ReadOptions{MaxDataBytes: maxData})
	})
}
