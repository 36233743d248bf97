package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// same gives output 0 the type and shape of input 0: unary math,
// activations, normalizations and ops such as CumSum or ScatterND whose
// output mirrors their data input.
func same(c *ctx) error {
	c.set(0, c.dtype(0), c.shape(0))
	return nil
}

// boolSame is a predicate applied elementwise (IsNaN, IsInf).
func boolSame(c *ctx) error {
	c.set(0, graph.Bool, c.shape(0))
	return nil
}

func inferCast(c *ctx) error {
	dt := c.n.Type("to")
	if dt == graph.Undefined {
		return c.errf("missing attribute 'to'")
	}
	c.set(0, dt, c.shape(0))
	return nil
}

func inferCastLike(c *ctx) error {
	c.set(0, c.dtype(1), c.shape(0))
	return nil
}

// inputShapes lists the shapes of the present inputs.
func (c *ctx) inputShapes() []graph.Shape {
	var out []graph.Shape
	for i := range c.n.Inputs {
		if c.has(i) {
			out = append(out, c.shape(i))
		}
	}
	return out
}

// firstDType is the first known element type among the inputs; ops whose
// inputs share one type get it even when some inputs are not yet typed.
func (c *ctx) firstDType() graph.DType {
	for i := range c.n.Inputs {
		if dt := c.dtype(i); dt != graph.Undefined {
			return dt
		}
	}
	return graph.Undefined
}

// broadcastOp covers the arithmetic, bitwise and logical ops with
// multidirectional broadcasting, the variadic ones included.
func broadcastOp(c *ctx) error {
	sh, err := c.broadcast(c.inputShapes()...)
	if err != nil {
		return err
	}
	dt := c.firstDType()
	if c.n.Op == "Pow" {
		// The exponent may have another type; the result has the base's.
		dt = c.dtype(0)
	}
	c.set(0, dt, sh)
	return nil
}

func compareOp(c *ctx) error {
	sh, err := c.broadcast(c.inputShapes()...)
	if err != nil {
		return err
	}
	c.set(0, graph.Bool, sh)
	return nil
}

// inferPRelu: the slope broadcasts to X; broadcasting both ways gives X's
// shape for valid models and lets a known slope dim fill an unknown X dim.
func inferPRelu(c *ctx) error {
	sh, err := c.broadcast(c.shape(0), c.shape(1))
	if err != nil {
		return err
	}
	c.set(0, c.dtype(0), sh)
	return nil
}

func inferWhere(c *ctx) error {
	sh, err := c.broadcast(c.shape(0), c.shape(1), c.shape(2))
	if err != nil {
		return err
	}
	dt := c.dtype(1)
	if dt == graph.Undefined {
		dt = c.dtype(2)
	}
	c.set(0, dt, sh)
	return nil
}
