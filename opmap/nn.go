package opmap

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// nnRules: convolutions, pooling, normalization, activations with
// parameters, softmax, resize and the layout ops.
//
// Layout convention: a channels-last TF op becomes
// Transpose(to channels-first) → ONNX op → Transpose(back); the transpose
// optimizer pushes and cancels those pairs, so handlers never try to avoid
// them. Kernels are transposed by a Transpose of the constant, which folds.
var nnRules = []Rule{
	{"Conv2D", MinOpset, nnConv(2)},
	{"Conv3D", MinOpset, nnConv(3)},
	{"DepthwiseConv2dNative", MinOpset, nnDepthwiseConv},
	{"Conv2DBackpropInput", MinOpset, nnConvBackpropInput(2)},
	{"Conv3DBackpropInputV2", MinOpset, nnConvBackpropInput(3)},
	{"BiasAdd", MinOpset, nnBiasAdd},
	{"BiasAddV1", MinOpset, nnBiasAdd},
	{"Relu6", MinOpset, nnRelu6},
	{"LeakyRelu", MinOpset, nnLeakyRelu},
	{"Softmax", MinOpset, nnSoftmax("Softmax")},
	{"LogSoftmax", MinOpset, nnSoftmax("LogSoftmax")},
	{"MaxPool", MinOpset, nnPoolWide(nnPool("MaxPool", 2, false))},
	{"MaxPoolV2", MinOpset, nnPoolWide(nnPool("MaxPool", 2, true))},
	{"MaxPool3D", MinOpset, nnPoolWide(nnPool("MaxPool", 3, false))},
	{"AvgPool", MinOpset, nnPool("AveragePool", 2, false)},
	{"AvgPool3D", MinOpset, nnPool("AveragePool", 3, false)},
	{"FusedBatchNorm", MinOpset, nnFusedBatchNorm},
	{"FusedBatchNormV2", MinOpset, nnFusedBatchNorm},
	{"FusedBatchNormV3", MinOpset, nnFusedBatchNorm},
	{"LRN", MinOpset, nnLRN},
	{"ResizeBilinear", MinOpset, nnResize(false)},
	{"ResizeNearestNeighbor", MinOpset, nnResize(true)},
	{"SpaceToBatchND", MinOpset, nnSpaceToBatch},
	{"BatchToSpaceND", MinOpset, nnBatchToSpace},
	{"DepthToSpace", MinOpset, nnDepthSpace("DepthToSpace")},
	{"SpaceToDepth", MinOpset, nnDepthSpace("SpaceToDepth")},
}

// nnKernelPerm takes a TF kernel [k1..kn, in, out] to ONNX [out, in, k1..kn].
func nnKernelPerm(spatial int) []int64 {
	p := []int64{int64(spatial + 1), int64(spatial)}
	for i := 0; i < spatial; i++ {
		p = append(p, int64(i))
	}
	return p
}

// nnConvSetup reads what Conv2D, Conv3D and DepthwiseConv2dNative share:
// layout, strides, dilations and padding attributes.
type nnConvSetup struct {
	rank          int
	channelsFirst bool
	attrs         Attrs
	kernel        []int64 // spatial kernel sizes, -1 unknown
}

func nnReadConv(c *Ctx, spatial int, x, w string) (*nnConvSetup, error) {
	rank := spatial + 2
	cf, err := nnChannelsFirst(c.Node, rank)
	if err != nil {
		return nil, err
	}
	if r := c.Rank(x); r >= 0 && r != rank {
		return nil, fmt.Errorf("input has rank %d; %s takes rank-%d data", r, c.Node.Op, rank)
	}
	strides, err := nnSpatialAttr(c.Node, "strides", rank, cf)
	if err != nil {
		return nil, err
	}
	dil, err := nnSpatialAttr(c.Node, "dilations", rank, cf)
	if err != nil {
		return nil, err
	}
	k := make([]int64, spatial)
	ws := c.Shape(w)
	for i := range k {
		k[i] = -1
		if ws.Rank() == rank && ws.Dims[i].Known() {
			k[i] = ws.Dims[i].Size
		}
	}
	in := nnSpatialDims(c.Shape(x), rank, cf)
	attrs, err := nnPadAttrs(c.Node, in, k, strides, dil, rank, cf)
	if err != nil {
		return nil, err
	}
	attrs["strides"] = strides
	attrs["dilations"] = dil
	return &nnConvSetup{rank: rank, channelsFirst: cf, attrs: attrs, kernel: k}, nil
}

func nnConv(spatial int) Handler {
	return func(c *Ctx) error {
		x, w := c.In(0), c.In(1)
		if dt := c.DType(x); !nnIsFloat(dt) {
			return fmt.Errorf("%v convolutions are not supported (ONNX Conv takes floats)", dt)
		}
		s, err := nnReadConv(c, spatial, x, w)
		if err != nil {
			return err
		}
		// TF runs a grouped convolution when the kernel's input depth
		// divides the data's depth.
		xs, ws := c.Shape(x), c.Shape(w)
		chAxis := s.rank - 1
		if s.channelsFirst {
			chAxis = 1
		}
		if xs.Rank() == s.rank && ws.Rank() == s.rank && xs.Dims[chAxis].Known() && ws.Dims[spatial].Known() {
			cin, kin := xs.Dims[chAxis].Size, ws.Dims[spatial].Size
			if kin > 0 && cin != kin {
				if cin%kin != 0 {
					return fmt.Errorf("input depth %d is not a multiple of the kernel's input depth %d", cin, kin)
				}
				s.attrs["group"] = cin / kin
			}
		}
		xt := x
		if !s.channelsFirst {
			xt = nnToCF(c, x, s.rank)
		}
		wt := c.Op("Transpose", Attrs{"perm": nnKernelPerm(spatial)}, w)
		nnEmit(c, "Conv", s.attrs, s.rank, s.channelsFirst, xt, wt)
		return nil
	}
}

// nnDepthwiseConv maps DepthwiseConv2dNative: the kernel [kh,kw,Cin,M]
// becomes [Cin·M,1,kh,kw] and the conv has group = Cin; output channel
// c·M+m is input channel c under multiplier m, as in TF.
func nnDepthwiseConv(c *Ctx) error {
	x, w := c.In(0), c.In(1)
	if dt := c.DType(x); !nnIsFloat(dt) {
		return fmt.Errorf("%v convolutions are not supported (ONNX Conv takes floats)", dt)
	}
	s, err := nnReadConv(c, 2, x, w)
	if err != nil {
		return err
	}
	ws := c.Shape(w)
	if ws.Rank() != 4 || !ws.Static() {
		return fmt.Errorf("the depthwise kernel's shape must be known (it is %v)", ws)
	}
	kh, kw, cin, m := ws.Dims[0].Size, ws.Dims[1].Size, ws.Dims[2].Size, ws.Dims[3].Size
	s.attrs["group"] = cin
	xt := x
	if !s.channelsFirst {
		xt = nnToCF(c, x, 4)
	}
	wt := c.Op("Transpose", Attrs{"perm": []int64{2, 3, 0, 1}}, w) // [Cin, M, kh, kw]
	wt = c.Op("Reshape", nil, wt, c.Int64s(cin*m, 1, kh, kw))
	nnEmit(c, "Conv", s.attrs, 4, s.channelsFirst, xt, wt)
	return nil
}

// nnTransposeConvPads computes, for one spatial dim of a transposed
// convolution (the gradient of a forward conv from `out` cells to `in`
// cells), the ONNX ConvTranspose pads and output_padding that give exactly
// `out` cells: the forward conv's own padding is cropped, and cells the
// forward conv never read (stride leftovers) come back as zeros at the end.
func nnTransposeConvPads(in, out, k, stride, dilation, padBegin, padEnd int64) (outputPadding int64, err error) {
	full := stride*(in-1) + (k-1)*dilation + 1
	op := out - (full - padBegin - padEnd)
	if op < 0 || op >= max(stride, dilation) {
		return 0, fmt.Errorf("output size %d does not fit input size %d with kernel %d, stride %d", out, in, k, stride)
	}
	return op, nil
}

// nnForwardSize is the output size of TF's forward convolution over an input
// of size in (the size a Conv*BackpropInput gradient must have), or -1 when
// no output fits.
func nnForwardSize(padding string, in, k, stride, dil, padBegin, padEnd int64) int64 {
	eff := (k-1)*dil + 1
	var n int64
	switch padding {
	case "SAME":
		n = (in + stride - 1) / stride
	case "VALID":
		n = (in-eff)/stride + 1
		if in < eff {
			n = 0
		}
	case "EXPLICIT":
		n = (in+padBegin+padEnd-eff)/stride + 1
		if in+padBegin+padEnd < eff {
			n = 0
		}
	}
	if n <= 0 {
		return -1
	}
	return n
}

// nnConvBackpropInput maps Conv2DBackpropInput (input 0 is the output
// shape, 1 the kernel, 2 the gradient/data) to ConvTranspose.
func nnConvBackpropInput(spatial int) Handler {
	return func(c *Ctx) error {
		sizes, w, dy := c.In(0), c.In(1), c.In(2)
		rank := spatial + 2
		if dt := c.DType(dy); !nnIsFloat(dt) {
			return fmt.Errorf("%v convolutions are not supported (ONNX ConvTranspose takes floats)", dt)
		}
		cf, err := nnChannelsFirst(c.Node, rank)
		if err != nil {
			return err
		}
		strides, err := nnSpatialAttr(c.Node, "strides", rank, cf)
		if err != nil {
			return err
		}
		dil, err := nnSpatialAttr(c.Node, "dilations", rank, cf)
		if err != nil {
			return err
		}
		padding := c.Node.Str("padding", "VALID")
		var explicit []int64
		switch padding {
		case "SAME", "VALID":
		case "EXPLICIT":
			explicit, err = nnExplicitPads(c.Node.Ints("explicit_paddings"), rank, cf)
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("padding %q is not supported", padding)
		}
		ws := c.Shape(w)
		k := make([]int64, spatial)
		for i := range k {
			k[i] = -1
			if ws.Rank() == rank && ws.Dims[i].Known() {
				k[i] = ws.Dims[i].Size
			}
		}
		in := nnSpatialDims(c.Shape(dy), rank, cf)
		// The spatial output sizes are often known even when the batch
		// entry is computed (Keras builds stack([batch, h, w, c])).
		outSizes, sizesKnown := c.KnownInts(sizes)
		if sizesKnown && len(outSizes) != rank {
			return fmt.Errorf("input_sizes has %d entries for rank-%d data", len(outSizes), rank)
		}
		var out []int64
		sizesConst := sizesKnown
		if sizesKnown {
			out = nnSpatial(outSizes, rank, cf)
			for _, o := range out {
				if o < 0 {
					sizesConst = false
				}
			}
		}
		dyt := dy
		if !cf {
			dyt = nnToCF(c, dy, rank)
		}
		wt := c.Op("Transpose", Attrs{"perm": nnKernelPerm(spatial)}, w)
		attrs := Attrs{"strides": strides, "dilations": dil}

		for i := 0; i < spatial && sizesConst; i++ {
			if in[i] < 0 && k[i] >= 0 {
				// The gradient's size is unknown (a tf.repeat'ed batch
				// loses it here) but TF requires it to be the forward
				// conv's output size for these sizes: the pads follow.
				var pb, pe int64
				if padding == "EXPLICIT" {
					pb, pe = explicit[i], explicit[spatial+i]
				}
				in[i] = nnForwardSize(padding, out[i], k[i], strides[i], dil[i], pb, pe)
			}
		}
		static := sizesConst
		for i := 0; i < spatial; i++ {
			if in[i] < 0 || k[i] < 0 {
				static = false
			}
		}
		if static {
			begin, end, opad := make([]int64, spatial), make([]int64, spatial), make([]int64, spatial)
			anyOpad := false
			for i := 0; i < spatial; i++ {
				switch padding {
				case "SAME":
					begin[i], end[i], _ = nnSamePad(out[i], k[i], strides[i], dil[i])
				case "EXPLICIT":
					begin[i], end[i] = explicit[i], explicit[spatial+i]
				}
				opad[i], err = nnTransposeConvPads(in[i], out[i], k[i], strides[i], dil[i], begin[i], end[i])
				if err != nil {
					return err
				}
				anyOpad = anyOpad || opad[i] != 0
			}
			attrs["pads"] = nnOnnxPads(begin, end)
			if anyOpad {
				attrs["output_padding"] = opad
			}
			nnEmit(c, "ConvTranspose", attrs, rank, cf, dyt, wt)
			return nil
		}

		// Sizes known only at run time: take the full transposed conv
		// (F = stride·(in-1) + dilated kernel cells), crop the forward
		// conv's leading padding and zero-fill what it never read.
		full := c.Op("ConvTranspose", attrs, dyt, wt)
		fv := c.Op("Slice", nil, c.Op("Shape", nil, full), c.Int64s(2), c.Int64s(int64(rank)), c.Int64s(0))
		var hv string
		if sizesConst {
			hv = c.Int64s(out...)
		} else {
			idx := make([]int64, spatial)
			for i := range idx {
				idx[i] = int64(i + 1)
				if cf {
					idx[i] = int64(i + 2)
				}
			}
			hv = c.Op("Gather", Attrs{"axis": int64(0)}, nnCastTo(c, sizes, graph.Int64), c.Int64s(idx...))
		}
		zeros := make([]int64, spatial)
		var begin string
		switch padding {
		case "VALID":
			begin = c.Int64s(zeros...)
		case "EXPLICIT":
			begin = c.Int64s(explicit[:spatial]...)
		case "SAME":
			total := c.Op("Max", nil, c.Op("Sub", nil, fv, hv), c.Int64s(zeros...))
			begin = c.Op("Div", nil, total, c.Int64s(nnFill(spatial, 2)...))
		}
		axes := make([]int64, spatial)
		for i := range axes {
			axes[i] = int64(i + 2)
		}
		cropped := c.Op("Slice", nil, full, begin, c.Op("Add", nil, begin, hv), c.Int64s(axes...))
		short := c.Op("Max", nil, c.Op("Sub", nil, hv, c.Op("Sub", nil, fv, begin)), c.Int64s(zeros...))
		pads := c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(nnFill(2+spatial+2, 0)...), short)
		y := c.Op("Pad", nil, cropped, pads)
		nnFinish(c, 0, y, rank, cf)
		return nil
	}
}

func nnFill(n int, v int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// nnBiasAdd: on channels-last data the 1-D bias broadcasts on the last
// axis, so it is a plain Add (the optimizer fuses it into a Conv); on
// NCHW data the bias is reshaped to [C,1,…,1].
func nnBiasAdd(c *Ctx) error {
	x, b := c.In(0), c.In(1)
	df := c.Node.Str("data_format", "NHWC")
	switch df {
	case "NHWC", "NDHWC", "":
	case "NCHW", "NCDHW":
		r := c.Rank(x)
		if r < 0 {
			return fmt.Errorf("BiasAdd with data_format %s needs the input's rank", df)
		}
		if r > 2 {
			shape := append([]int64{-1}, nnFill(r-2, 1)...)
			b = c.Op("Reshape", nil, b, c.Int64s(shape...))
		}
	default:
		return fmt.Errorf("data_format %s is not supported", df)
	}
	c.OpTo(c.Out(0), "Add", nil, x, b)
	return nil
}

// nnRelu6 is Clip(0, 6); since opset 11 Clip's bounds are inputs.
func nnRelu6(c *Ctx) error {
	x := c.In(0)
	dt := c.DType(x)
	c.OpTo(c.Out(0), "Clip", nil, x, c.Scalar(dt, 0), c.Scalar(dt, 6))
	return nil
}

func nnLeakyRelu(c *Ctx) error {
	c.OpTo(c.Out(0), "LeakyRelu", Attrs{"alpha": c.Node.Float("alpha", 0.2)}, c.In(0))
	return nil
}

// nnSoftmax: TF normalizes over the last axis; since opset 13 ONNX
// Softmax/LogSoftmax work per axis (before, they coerced to 2-D).
func nnSoftmax(op string) Handler {
	return func(c *Ctx) error {
		c.OpTo(c.Out(0), op, Attrs{"axis": int64(-1)}, c.In(0))
		return nil
	}
}
