// Package pb holds the Go code generated from the project's own .proto files
// (proto/): the TensorFlow GraphDef closure (tfpb) and the ONNX model (onnxpb).
// Regenerate with `go generate ./internal/pb` (needs protoc and protoc-gen-go);
// TestGeneratedIsFresh fails when the committed code is stale.
package pb

//go:generate protoc --proto_path=../../proto --go_out=. --go_opt=module=github.com/tf2onnx-go/tf2onnx/internal/pb tensorflow/graph.proto tensorflow/saved_model.proto tensorflow/saved_object_graph.proto tensorflow/trackable_object_graph.proto tensorflow/tensor_bundle.proto onnx/onnx.proto
