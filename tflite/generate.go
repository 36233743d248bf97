// Package tflite reads a TensorFlow Lite model (.tflite flatbuffer) and hands
// it over as the same thing package frozen reads: a GraphDef of TensorFlow
// ops, so that the rest of the converter (rewrites, op mapping, optimizer)
// serves TFLite unchanged. TFLite builtins become their TF equivalents (a
// CONV_2D is a Conv2D, its fused activation a following Relu); quantization
// becomes pseudo ops of our own (_TFLQuantize, _TFLDequantize) that
// opmap/tflite.go maps to QuantizeLinear/DequantizeLinear; constants alias
// the memory-mapped file, external buffers included. Generated flatbuffer
// code for our subset of the TFLite schema is in fb/.
package tflite

//go:generate flatc --go -o . fb/tflite.fbs
