package opmap

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Pooling, batch normalization and LRN.

// nnPoolWide runs a max pooling of int16/uint16/int32/uint32 (no
// onnxruntime kernel) in float64, which holds every such value exactly,
// and casts the result back.
func nnPoolWide(h Handler) Handler {
	return func(c *Ctx) error {
		if c.NumIn() < 1 {
			return h(c)
		}
		dt := c.DType(c.In(0))
		switch dt {
		case graph.Int16, graph.Uint16, graph.Int32, graph.Uint32:
		default:
			return h(c)
		}
		outs, ins := c.Node.Outputs, c.Node.Inputs
		tmp := c.G.UniqueName(c.Node.Name + "/wide")
		c.Node.Outputs = append([]string{tmp}, outs[1:]...)
		c.Node.Inputs = append([]string{c.Op("Cast", Attrs{"to": int64(graph.Double)}, ins[0])}, ins[1:]...)
		err := h(c)
		c.Node.Outputs, c.Node.Inputs = outs, ins
		if err != nil {
			return err
		}
		if a, ok := c.aliases[tmp]; ok {
			tmp = a
		}
		c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dt)}, tmp)
		return nil
	}
}

// nnPool maps MaxPool/AvgPool (ksize and strides attributes) and MaxPoolV2
// (ksize and strides as constant inputs).
func nnPool(op string, spatial int, v2 bool) Handler {
	return func(c *Ctx) error {
		x := c.In(0)
		rank := spatial + 2
		dt := c.DType(x)
		if op == "MaxPool" && !nnIsFloat(dt) && dt != graph.Int8 && dt != graph.Uint8 {
			return fmt.Errorf("%v max pooling is not supported", dt)
		}
		if op == "AveragePool" && !nnIsFloat(dt) {
			return fmt.Errorf("%v average pooling is not supported", dt)
		}
		cf, err := nnChannelsFirst(c.Node, rank)
		if err != nil {
			return err
		}
		ksize, strides := c.Node.Ints("ksize"), c.Node.Ints("strides")
		if v2 {
			if ksize, err = nnConstInts(c, 1, "ksize"); err != nil {
				return err
			}
			if strides, err = nnConstInts(c, 2, "strides"); err != nil {
				return err
			}
		}
		if len(ksize) == 0 {
			return fmt.Errorf("ksize is missing")
		}
		k, err := nnSpatialList(ksize, "ksize", rank, cf)
		if err != nil {
			return err
		}
		s, err := nnSpatialList(strides, "strides", rank, cf)
		if err != nil {
			return err
		}
		// TF pooling ops have no dilations; the dilated-conv rewrite sets
		// them when it folds SpaceToBatchND → MaxPool → BatchToSpaceND.
		d, err := nnSpatialAttr(c.Node, "dilations", rank, cf)
		if err != nil {
			return err
		}
		in := nnSpatialDims(c.Shape(x), rank, cf)
		attrs, err := nnPadAttrs(c.Node, in, k, s, d, rank, cf)
		if err != nil {
			return err
		}
		attrs["kernel_shape"] = k
		attrs["strides"] = s
		for _, v := range d {
			if v != 1 {
				if op != "MaxPool" {
					return fmt.Errorf("dilated %s is not supported", op)
				}
				attrs["dilations"] = d
				break
			}
		}
		if op == "AveragePool" {
			// TF divides by the number of real (unpadded) cells.
			attrs["count_include_pad"] = int64(0)
		}
		xt := x
		if !cf {
			xt = nnToCF(c, x, rank)
		}
		nnEmit(c, op, attrs, rank, cf, xt)
		return nil
	}
}

// nnBatchNormRank is the rank FusedBatchNorm data has: its data_format
// names it (NHWC/NCHW are 4-D, NDHWC/NCDHW 5-D).
func nnBatchNormRank(n *graph.Node) int {
	switch n.Str("data_format", "NHWC") {
	case "NDHWC", "NCDHW":
		return 5
	}
	return 4
}

// nnFusedBatchNorm maps FusedBatchNorm/V2/V3. In inference mode
// (is_training=False) it is BatchNormalization with the given statistics;
// the batch_mean/batch_variance outputs are those statistics, as in TF. In
// training mode the statistics come from the batch (output 0 only).
func nnFusedBatchNorm(c *Ctx) error {
	x := c.In(0)
	scale, offset, mean, variance := c.In(1), c.In(2), c.In(3), c.In(4)
	dt := c.DType(x)
	if !nnIsFloat(dt) {
		return fmt.Errorf("%v batch normalization is not supported", dt)
	}
	rank := nnBatchNormRank(c.Node)
	cf, err := nnChannelsFirst(c.Node, rank)
	if err != nil {
		return err
	}
	if r := c.Rank(x); r >= 0 && r != rank {
		return fmt.Errorf("input has rank %d; data_format %s needs rank %d", r, c.Node.Str("data_format", "NHWC"), rank)
	}
	eps := c.Node.Float("epsilon", 1e-4)
	// ONNX before opset 15 wants every input in one type; TF allows half
	// data with float statistics.
	scale, offset = nnCastTo(c, scale, dt), nnCastTo(c, offset, dt)
	xt := x
	if !cf {
		xt = nnToCF(c, x, rank)
	}
	if c.Node.Bool("is_training", true) {
		if len(c.Node.Outputs) > 1 {
			return fmt.Errorf("is_training=True with the batch statistics outputs used is not supported")
		}
		axes := []int64{0}
		for i := 2; i < rank; i++ {
			axes = append(axes, int64(i))
		}
		m := nnReduceMean(c, xt, axes)
		d := c.Op("Sub", nil, xt, m)
		v := nnReduceMean(c, c.Op("Mul", nil, d, d), axes)
		mean = c.Op("Reshape", nil, m, c.Int64s(-1))
		variance = c.Op("Reshape", nil, v, c.Int64s(-1))
	} else {
		if f := c.Node.Float("exponential_avg_factor", 1); f != 1 {
			return fmt.Errorf("exponential_avg_factor %v in inference mode is not supported", f)
		}
		c.Alias(c.Out(1), c.In(3))
		c.Alias(c.Out(2), c.In(4))
		c.Alias(c.Out(3), c.In(3))
		c.Alias(c.Out(4), c.In(4))
		mean, variance = nnCastTo(c, mean, dt), nnCastTo(c, variance, dt)
	}
	nnEmit(c, "BatchNormalization", Attrs{"epsilon": eps}, rank, cf, xt, scale, offset, mean, variance)
	return nil
}

// nnReduceMean keeps dims; the axes moved from an attribute to an input at
// opset 18.
func nnReduceMean(c *Ctx, x string, axes []int64) string {
	if c.Opset >= 18 {
		return c.Op("ReduceMean", Attrs{"keepdims": int64(1)}, x, c.Int64s(axes...))
	}
	return c.Op("ReduceMean", Attrs{"keepdims": int64(1), "axes": axes}, x)
}

// nnLRNParams translates TF LRN (sum over channels d-r..d+r, output
// x / (bias + alpha·sum)^beta) to ONNX LRN (window size, and alpha divided
// by size): size = 2r+1, alpha·size.
func nnLRNParams(depthRadius int64, bias, alpha, beta float32) (size int64, onnxAlpha, onnxBeta, onnxBias float32) {
	size = 2*depthRadius + 1
	return size, alpha * float32(size), beta, bias
}

func nnLRN(c *Ctx) error {
	x := c.In(0)
	if !nnIsFloat(c.DType(x)) {
		return fmt.Errorf("%v LRN is not supported", c.DType(x))
	}
	if r := c.Rank(x); r >= 0 && r != 4 {
		return fmt.Errorf("LRN takes rank-4 data, not rank %d", r)
	}
	size, alpha, beta, bias := nnLRNParams(c.Node.Int("depth_radius", 5), c.Node.Float("bias", 1),
		c.Node.Float("alpha", 1), c.Node.Float("beta", 0.5))
	attrs := Attrs{"size": size, "alpha": alpha, "beta": beta, "bias": bias}
	nnEmit(c, "LRN", attrs, 4, false, nnToCF(c, x, 4))
	return nil
}
