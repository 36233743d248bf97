package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// inferQuantize: QuantizeLinear's output has x's shape and the zero point's
// dtype (uint8 without one; output_dtype at opset 21 is not emitted by us).
func inferQuantize(c *ctx) error {
	dt := graph.Uint8
	if c.has(2) {
		dt = c.dtype(2)
	}
	c.set(0, dt, c.shape(0))
	return nil
}

// inferDequantize: DequantizeLinear gives x's shape in the scale's dtype.
func inferDequantize(c *ctx) error {
	c.set(0, c.dtype(1), c.shape(0))
	return nil
}
