package tflite

import (
	"fmt"
	"math"
	"strconv"
	"sync"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
	"github.com/tf2onnx-go/tf2onnx/tflite/fb"
)

// opCtx is one TFLite operator being translated.
type opCtx struct {
	s         *sub
	op        *fb.Operator
	name      string // builtin name, or CUSTOM_<code>
	base      string // name of the first output tensor: node names derive from it
	ins, outs []int32
	pinned    map[int32]bool
}

type attrs = map[string]*tfpb.AttrValue

func (o *opCtx) has(i int) bool { return i < len(o.ins) && o.ins[i] >= 0 }

// in is input i as a float op reads it (see sub.float).
func (o *opCtx) in(i int) (string, error) {
	if !o.has(i) {
		return "", fmt.Errorf("input %d is missing", i)
	}
	return o.s.float(o.ins[i])
}

// raw is input i in its stored dtype.
func (o *opCtx) raw(i int) (string, error) {
	if !o.has(i) {
		return "", fmt.Errorf("input %d is missing", i)
	}
	return o.s.val(o.ins[i])
}

// weight is input i, a weight whose quantized constant is kept in the
// layout perm gives (see sub.weight).
func (o *opCtx) weight(i int, perm []int) (string, error) {
	if !o.has(i) {
		return "", fmt.Errorf("input %d is missing", i)
	}
	return o.s.weight(o.ins[i], perm)
}

// ins reads inputs from..to-1 (as floats).
func (o *opCtx) inList(from, to int) ([]string, error) {
	var out []string
	for i := from; i < to; i++ {
		v, err := o.in(i)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// out sets output i (see sub.set), leaving pinned tensors (cut inputs) be.
func (o *opCtx) out(i int, v string) error {
	if i >= len(o.outs) {
		return fmt.Errorf("has %d outputs, needs %d", len(o.outs), i+1)
	}
	if o.pinned[o.outs[i]] {
		return nil
	}
	return o.s.set(o.outs[i], v)
}

func (o *opCtx) outRaw(i int, v string) error {
	if i >= len(o.outs) {
		return fmt.Errorf("has %d outputs, needs %d", len(o.outs), i+1)
	}
	if !o.pinned[o.outs[i]] {
		o.s.setRaw(o.outs[i], v)
	}
	return nil
}

// tf adds a one-output TF node named after the op's output.
func (o *opCtx) tf(op string, a attrs, inputs ...string) string {
	return o.s.op(o.base, op, a, inputs...)
}

// tfN adds a node with n outputs and returns them.
func (o *opCtx) tfN(op string, n int, a attrs, inputs ...string) []string {
	name := o.s.node(o.s.nodeName(o.base), op, inputs, a)
	outs := make([]string, n)
	for i := range outs {
		outs[i] = name + ":" + strconv.Itoa(i)
	}
	return outs
}

// options reads the builtin options table into t; false when absent.
func (o *opCtx) options(t interface {
	Init(buf []byte, i flatbuffers.UOffsetT)
}) bool {
	var tab flatbuffers.Table
	if !o.op.BuiltinOptions(&tab) {
		// Absent options mean every field at its default: read them from
		// an empty table.
		b := emptyTable()
		t.Init(b, flatbuffers.GetUOffsetT(b))
		return false
	}
	t.Init(tab.Bytes, tab.Pos)
	return true
}

// emptyTable is a flatbuffer whose root is a table without fields.
var emptyTable = sync.OnceValue(func() []byte {
	b := flatbuffers.NewBuilder(16)
	b.StartObject(0)
	b.Finish(b.EndObject())
	return b.FinishedBytes()
})

// activation applies a fused activation function to v.
func (o *opCtx) activation(code int8, v string) (string, error) {
	switch code {
	case 0:
		return v, nil
	case 1:
		return o.tf("Relu", nil, v), nil
	case 2:
		return o.tf("ClipByValue", nil, v, o.s.scalarF32(o.base+"/lo", -1), o.s.scalarF32(o.base+"/hi", 1)), nil
	case 3:
		return o.tf("Relu6", nil, v), nil
	case 4:
		return o.tf("Tanh", nil, v), nil
	}
	return "", fmt.Errorf("fused activation %d (SIGN_BIT or unknown) is not supported", code)
}

func (o *opCtx) shape(i int) ([]int64, bool) {
	if !o.has(i) {
		return nil, false
	}
	t, err := o.s.tensor(o.ins[i])
	if err != nil {
		return nil, false
	}
	return shapeOf(t)
}

func (o *opCtx) outType(i int) (tfpb.DataType, error) {
	if i >= len(o.outs) {
		return 0, fmt.Errorf("output %d is missing", i)
	}
	return o.s.dtype(o.outs[i])
}

// positive checks the strides, dilations and window sizes of an operator:
// a zero would divide by zero further on.
func positive(what string, vals ...int32) error {
	for _, v := range vals {
		if v <= 0 {
			return badf("%s %v: each must be at least 1", what, vals)
		}
	}
	return nil
}

func padding(p int8) string {
	if p == 1 {
		return "VALID"
	}
	return "SAME"
}

// unary are builtins that are one TF op of one input.
var unaryOps = map[string]string{
	"LOGISTIC": "Sigmoid", "TANH": "Tanh", "RELU": "Relu", "RELU6": "Relu6", "EXP": "Exp",
	"LOG": "Log", "SQRT": "Sqrt", "RSQRT": "Rsqrt", "SQUARE": "Square", "NEG": "Neg", "ABS": "Abs",
	"SIN": "Sin", "COS": "Cos", "FLOOR": "Floor", "CEIL": "Ceil", "ROUND": "Round", "ELU": "Elu",
	"LOGICAL_NOT": "LogicalNot", "SIGN": "Sign", "ZEROS_LIKE": "ZerosLike", "LOG_SOFTMAX": "LogSoftmax",
}

// binary are builtins that are one TF op of two inputs, without options
// that matter.
var binaryOps = map[string]string{
	"MAXIMUM": "Maximum", "MINIMUM": "Minimum", "POW": "Pow", "SQUARED_DIFFERENCE": "SquaredDifference",
	"FLOOR_DIV": "FloorDiv", "FLOOR_MOD": "FloorMod", "LESS": "Less", "LESS_EQUAL": "LessEqual",
	"GREATER": "Greater", "GREATER_EQUAL": "GreaterEqual", "EQUAL": "Equal", "NOT_EQUAL": "NotEqual",
	"LOGICAL_AND": "LogicalAnd", "LOGICAL_OR": "LogicalOr", "GATHER_ND": "GatherNd", "TILE": "Tile",
	"EXPAND_DIMS": "ExpandDims", "TRANSPOSE": "Transpose", "PAD": "Pad", "BROADCAST_TO": "BroadcastTo", "REVERSE_V2": "ReverseV2",
	"FILL": "Fill",
}

// integer ops whose outputs are not rescaled: their results are stored as is.
var rawOut = map[string]bool{"LESS": true, "LESS_EQUAL": true, "GREATER": true, "GREATER_EQUAL": true,
	"EQUAL": true, "NOT_EQUAL": true, "LOGICAL_AND": true, "LOGICAL_OR": true, "LOGICAL_NOT": true}

// translate emits the TF nodes of one operator.
func (o *opCtx) translate() error {
	if tfop, ok := unaryOps[o.name]; ok {
		x, err := o.in(0)
		if err != nil {
			return err
		}
		return o.out(0, o.tf(tfop, nil, x))
	}
	if tfop, ok := binaryOps[o.name]; ok {
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		v := o.tf(tfop, nil, xs...)
		if rawOut[o.name] {
			return o.outRaw(0, v)
		}
		return o.out(0, v)
	}
	switch o.name {
	case "ADD", "SUB", "MUL", "DIV":
		return o.arith()
	case "CONV_2D":
		return o.conv()
	case "DEPTHWISE_CONV_2D":
		return o.depthwise()
	case "TRANSPOSE_CONV":
		return o.transposeConv()
	case "FULLY_CONNECTED":
		return o.fullyConnected()
	case "AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D":
		return o.pool()
	case "CONCATENATION":
		var opt fb.ConcatenationOptions
		o.options(&opt)
		xs, err := o.inList(0, len(o.ins))
		if err != nil {
			return err
		}
		xs = append(xs, o.s.scalarI32(o.base+"/axis", int64(opt.Axis())))
		v := o.tf("ConcatV2", attrs{"N": aI(int64(len(xs) - 1))}, xs...)
		v, err = o.activation(opt.FusedActivationFunction(), v)
		if err != nil {
			return err
		}
		return o.out(0, v)
	case "RESHAPE":
		x, err := o.in(0)
		if err != nil {
			return err
		}
		var shape string
		if o.has(1) {
			if shape, err = o.raw(1); err != nil {
				return err
			}
		} else {
			var opt fb.ReshapeOptions
			if !o.options(&opt) {
				return fmt.Errorf("has neither a shape input nor new_shape")
			}
			if !o.s.b.fits(opt.NewShapeLength(), 4) {
				return badf("new_shape is longer than the file")
			}
			dims := make([]int64, opt.NewShapeLength())
			for j := range dims {
				dims[j] = int64(opt.NewShape(j))
			}
			shape = o.s.i32s(o.base+"/shape", dims...)
		}
		return o.out(0, o.tf("Reshape", nil, x, shape))
	case "SQUEEZE":
		var opt fb.SqueezeOptions
		o.options(&opt)
		if !o.s.b.fits(opt.SqueezeDimsLength(), 4) {
			return badf("squeeze_dims is longer than the file")
		}
		dims := make([]int64, opt.SqueezeDimsLength())
		for j := range dims {
			dims[j] = int64(opt.SqueezeDims(j))
		}
		x, err := o.in(0)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("Squeeze", attrs{"squeeze_dims": aIs(dims...)}, x))
	case "PADV2", "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND":
		xs, err := o.inList(0, 3)
		if err != nil {
			return err
		}
		tfop := map[string]string{"PADV2": "PadV2", "SPACE_TO_BATCH_ND": "SpaceToBatchND", "BATCH_TO_SPACE_ND": "BatchToSpaceND"}[o.name]
		return o.out(0, o.tf(tfop, nil, xs...))
	case "MIRROR_PAD":
		var opt fb.MirrorPadOptions
		o.options(&opt)
		mode := "REFLECT"
		if opt.Mode() == 1 {
			mode = "SYMMETRIC"
		}
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("MirrorPad", attrs{"mode": aS(mode)}, xs...))
	case "SPLIT":
		var opt fb.SplitOptions
		o.options(&opt)
		xs, err := o.inList(0, 2) // axis, value
		if err != nil {
			return err
		}
		vs := o.tfN("Split", len(o.outs), attrs{"num_split": aI(int64(len(o.outs)))}, xs...)
		return o.outAll(vs)
	case "SPLIT_V":
		xs, err := o.inList(0, 3) // value, size_splits, axis
		if err != nil {
			return err
		}
		vs := o.tfN("SplitV", len(o.outs), attrs{"num_split": aI(int64(len(o.outs)))}, xs...)
		return o.outAll(vs)
	case "SLICE":
		xs, err := o.inList(0, 3)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("Slice", nil, xs...))
	case "STRIDED_SLICE":
		var opt fb.StridedSliceOptions
		o.options(&opt)
		xs, err := o.inList(0, 4)
		if err != nil {
			return err
		}
		if opt.Offset() {
			xs[2] = o.tf("AddV2", nil, xs[1], xs[2])
		}
		return o.out(0, o.tf("StridedSlice", attrs{
			"begin_mask": aI(int64(opt.BeginMask())), "end_mask": aI(int64(opt.EndMask())),
			"ellipsis_mask": aI(int64(opt.EllipsisMask())), "new_axis_mask": aI(int64(opt.NewAxisMask())),
			"shrink_axis_mask": aI(int64(opt.ShrinkAxisMask())),
		}, xs...))
	case "GATHER":
		var opt fb.GatherOptions
		o.options(&opt)
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		xs = append(xs, o.s.scalarI32(o.base+"/axis", int64(opt.Axis())))
		return o.out(0, o.tf("GatherV2", attrs{"batch_dims": aI(int64(opt.BatchDims()))}, xs...))
	case "PACK":
		var opt fb.PackOptions
		o.options(&opt)
		xs, err := o.inList(0, len(o.ins))
		if err != nil {
			return err
		}
		return o.out(0, o.tf("Pack", attrs{"axis": aI(int64(opt.Axis())), "N": aI(int64(len(xs)))}, xs...))
	case "UNPACK":
		var opt fb.UnpackOptions
		o.options(&opt)
		x, err := o.in(0)
		if err != nil {
			return err
		}
		return o.outAll(o.tfN("Unpack", len(o.outs), attrs{"axis": aI(int64(opt.Axis())), "num": aI(int64(len(o.outs)))}, x))
	case "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR":
		var ac, hp bool
		if o.name == "RESIZE_BILINEAR" {
			var opt fb.ResizeBilinearOptions
			o.options(&opt)
			ac, hp = opt.AlignCorners(), opt.HalfPixelCenters()
		} else {
			var opt fb.ResizeNearestNeighborOptions
			o.options(&opt)
			ac, hp = opt.AlignCorners(), opt.HalfPixelCenters()
		}
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		tfop := map[string]string{"RESIZE_BILINEAR": "ResizeBilinear", "RESIZE_NEAREST_NEIGHBOR": "ResizeNearestNeighbor"}[o.name]
		return o.out(0, o.tf(tfop, attrs{"align_corners": aB(ac), "half_pixel_centers": aB(hp)}, xs...))
	case "SOFTMAX":
		var opt fb.SoftmaxOptions
		o.options(&opt)
		x, err := o.in(0)
		if err != nil {
			return err
		}
		if beta := opt.Beta(); beta != 1 && beta != 0 {
			x = o.tf("Mul", nil, x, o.s.scalarF32(o.base+"/beta", beta))
		}
		return o.out(0, o.tf("Softmax", nil, x))
	case "RELU_N1_TO_1", "RELU_0_TO_1":
		x, err := o.in(0)
		if err != nil {
			return err
		}
		lo := float32(-1)
		if o.name == "RELU_0_TO_1" {
			lo = 0
		}
		return o.out(0, o.tf("ClipByValue", nil, x, o.s.scalarF32(o.base+"/lo", lo), o.s.scalarF32(o.base+"/hi", 1)))
	case "LEAKY_RELU":
		var opt fb.LeakyReluOptions
		o.options(&opt)
		x, err := o.in(0)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("LeakyRelu", attrs{"alpha": aF(opt.Alpha())}, x))
	case "PRELU":
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("_TFLPRelu", nil, xs...))
	case "HARD_SWISH":
		x, err := o.in(0)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("_TFLHardSwish", nil, x))
	case "GELU":
		var opt fb.GeluOptions
		o.options(&opt)
		x, err := o.in(0)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("_TFLGelu", attrs{"approximate": aB(opt.Approximate())}, x))
	case "MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD", "REDUCE_ANY", "REDUCE_ALL":
		var opt fb.ReducerOptions
		o.options(&opt)
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		tfop := map[string]string{"MEAN": "Mean", "SUM": "Sum", "REDUCE_MAX": "Max", "REDUCE_MIN": "Min",
			"REDUCE_PROD": "Prod", "REDUCE_ANY": "Any", "REDUCE_ALL": "All"}[o.name]
		return o.out(0, o.tf(tfop, attrs{"keep_dims": aB(opt.KeepDims())}, xs...))
	case "TOPK_V2":
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		vs := o.tfN("TopKV2", 2, attrs{"sorted": aB(true)}, xs...)
		if err := o.out(0, vs[0]); err != nil {
			return err
		}
		return o.outRaw(1, vs[1])
	case "ARG_MAX", "ARG_MIN":
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		dt, err := o.outType(0)
		if err != nil {
			return err
		}
		tfop := map[string]string{"ARG_MAX": "ArgMax", "ARG_MIN": "ArgMin"}[o.name]
		return o.outRaw(0, o.tf(tfop, attrs{"output_type": aT(dt)}, xs...))
	case "CAST":
		x, err := o.raw(0)
		if err != nil {
			return err
		}
		src, err := o.s.dtype(o.ins[0])
		if err != nil {
			return err
		}
		dst, err := o.outType(0)
		if err != nil {
			return err
		}
		return o.outRaw(0, o.tf("Cast", attrs{"SrcT": aT(src), "DstT": aT(dst)}, x))
	case "SHAPE":
		x, err := o.raw(0)
		if err != nil {
			return err
		}
		dt, err := o.outType(0)
		if err != nil {
			return err
		}
		return o.outRaw(0, o.tf("Shape", attrs{"out_type": aT(dt)}, x))
	case "RANK":
		x, err := o.raw(0)
		if err != nil {
			return err
		}
		return o.outRaw(0, o.tf("Rank", nil, x))
	case "RANGE":
		xs, err := o.inList(0, 3)
		if err != nil {
			return err
		}
		return o.outRaw(0, o.tf("Range", nil, xs...))
	case "SELECT", "SELECT_V2":
		xs, err := o.inList(0, 3)
		if err != nil {
			return err
		}
		tfop := map[string]string{"SELECT": "Select", "SELECT_V2": "SelectV2"}[o.name]
		return o.out(0, o.tf(tfop, nil, xs...))
	case "ADD_N":
		xs, err := o.inList(0, len(o.ins))
		if err != nil {
			return err
		}
		return o.out(0, o.tf("AddN", attrs{"N": aI(int64(len(xs)))}, xs...))
	case "CUMSUM":
		var opt fb.CumsumOptions
		o.options(&opt)
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("Cumsum", attrs{"exclusive": aB(opt.Exclusive()), "reverse": aB(opt.Reverse())}, xs...))
	case "ONE_HOT":
		var opt fb.OneHotOptions
		o.options(&opt)
		xs, err := o.inList(0, 4)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("OneHot", attrs{"axis": aI(int64(opt.Axis()))}, xs...))
	case "BATCH_MATMUL":
		var opt fb.BatchMatMulOptions
		o.options(&opt)
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("BatchMatMulV2", attrs{"adj_x": aB(opt.AdjX()), "adj_y": aB(opt.AdjY())}, xs...))
	case "L2_NORMALIZATION":
		// TFLite divides by max(‖x‖₂ over the last axis, 1e-6).
		x, err := o.in(0)
		if err != nil {
			return err
		}
		sum := o.tf("Sum", attrs{"keep_dims": aB(true)}, o.tf("Square", nil, x), o.s.i32s(o.base+"/axis", -1))
		norm := o.tf("Maximum", nil, o.tf("Sqrt", nil, sum), o.s.scalarF32(o.base+"/eps", 1e-6))
		return o.out(0, o.tf("RealDiv", nil, x, norm))
	case "LOCAL_RESPONSE_NORMALIZATION":
		var opt fb.LocalResponseNormalizationOptions
		o.options(&opt)
		x, err := o.in(0)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("LRN", attrs{"depth_radius": aI(int64(opt.Radius())), "bias": aF(opt.Bias()),
			"alpha": aF(opt.Alpha()), "beta": aF(opt.Beta())}, x))
	case "SPACE_TO_DEPTH", "DEPTH_TO_SPACE":
		var bs int32
		if o.name == "SPACE_TO_DEPTH" {
			var opt fb.SpaceToDepthOptions
			o.options(&opt)
			bs = opt.BlockSize()
		} else {
			var opt fb.DepthToSpaceOptions
			o.options(&opt)
			bs = opt.BlockSize()
		}
		if err := positive("block_size", bs); err != nil {
			return err
		}
		x, err := o.in(0)
		if err != nil {
			return err
		}
		tfop := map[string]string{"SPACE_TO_DEPTH": "SpaceToDepth", "DEPTH_TO_SPACE": "DepthToSpace"}[o.name]
		return o.out(0, o.tf(tfop, attrs{"block_size": aI(int64(bs))}, x))
	case "QUANTIZE":
		// float → quantized, or a requantization; the output's set does it.
		x, err := o.in(0)
		if err != nil {
			return err
		}
		return o.out(0, x)
	case "DEQUANTIZE":
		x, err := o.in(0)
		if err != nil {
			return err
		}
		return o.out(0, x)
	case "FAKE_QUANT":
		return o.fakeQuant()
	case "REVERSE_SEQUENCE":
		var opt fb.ReverseSequenceOptions
		o.options(&opt)
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		return o.out(0, o.tf("ReverseSequence", attrs{"seq_dim": aI(int64(opt.SeqDim())), "batch_dim": aI(int64(opt.BatchDim()))}, xs...))
	case "WHERE":
		x, err := o.raw(0)
		if err != nil {
			return err
		}
		return o.outRaw(0, o.tf("_TFLWhere", nil, x))
	case "CONV_3D", "CONV_3D_TRANSPOSE":
		return o.conv3d()
	case "WHILE":
		return o.while()
	case "IF":
		return o.ifOp()
	case "UNIDIRECTIONAL_SEQUENCE_LSTM":
		return o.lstm()
	case "BIDIRECTIONAL_SEQUENCE_LSTM":
		return o.biLSTM()
	}
	return o.unsupported()
}

// unsupported keeps the operator as a TF node of op type TFL_<NAME>, so that
// the converter's unsupported-op report lists it with the others.
func (o *opCtx) unsupported() error {
	var ins []string
	for i := range o.ins {
		if !o.has(i) {
			continue
		}
		v, err := o.raw(i)
		if err != nil {
			return err
		}
		ins = append(ins, v)
	}
	vs := o.tfN("TFL_"+o.name, len(o.outs), nil, ins...)
	for i, v := range vs {
		if err := o.outRaw(i, v); err != nil {
			return err
		}
	}
	return nil
}

func (o *opCtx) outAll(vs []string) error {
	for i, v := range vs {
		if err := o.out(i, v); err != nil {
			return err
		}
	}
	return nil
}

func (o *opCtx) arith() error {
	var act int8
	switch o.name {
	case "ADD":
		var opt fb.AddOptions
		o.options(&opt)
		act = opt.FusedActivationFunction()
	case "SUB":
		var opt fb.SubOptions
		o.options(&opt)
		act = opt.FusedActivationFunction()
	case "MUL":
		var opt fb.MulOptions
		o.options(&opt)
		act = opt.FusedActivationFunction()
	case "DIV":
		var opt fb.DivOptions
		o.options(&opt)
		act = opt.FusedActivationFunction()
	}
	xs, err := o.inList(0, 2)
	if err != nil {
		return err
	}
	tfop := map[string]string{"ADD": "AddV2", "SUB": "Sub", "MUL": "Mul", "DIV": "RealDiv"}[o.name]
	if o.name == "DIV" && len(o.outs) > 0 {
		t, err := o.s.tensor(o.outs[0])
		if err != nil {
			return err
		}
		if t.Type() == 2 && quantOf(t) == nil {
			tfop = "Div" // int32 division truncates, as TFLite's does
		}
	}
	v, err := o.activation(act, o.tf(tfop, nil, xs...))
	if err != nil {
		return err
	}
	return o.out(0, v)
}

// biasAct adds the optional bias input i and the fused activation.
func (o *opCtx) biasAct(v string, i int, act int8) (string, error) {
	if o.has(i) {
		b, err := o.in(i)
		if err != nil {
			return "", err
		}
		v = o.tf("BiasAdd", nil, v, b) // NHWC/NDHWC: the bias is on the last axis
	}
	return o.activation(act, v)
}

// conv2DOptions are what CONV_2D and DEPTHWISE_CONV_2D share.
type conv2DOptions interface {
	StrideH() int32
	StrideW() int32
	DilationHFactor() int32
	DilationWFactor() int32
	Padding() int8
}

// conv2DAttrs are the NHWC attributes of TF's Conv2D and
// DepthwiseConv2dNative for a 2-D convolution's options.
func conv2DAttrs(opt conv2DOptions) (attrs, error) {
	if err := positive("strides and dilations", opt.StrideH(), opt.StrideW(), opt.DilationHFactor(), opt.DilationWFactor()); err != nil {
		return nil, err
	}
	return attrs{
		"strides":     aIs(1, int64(opt.StrideH()), int64(opt.StrideW()), 1),
		"dilations":   aIs(1, int64(opt.DilationHFactor()), int64(opt.DilationWFactor()), 1),
		"padding":     aS(padding(opt.Padding())),
		"data_format": aS("NHWC"),
	}, nil
}

// conv: TFLite's filter is OHWI, TF's HWIO.
func (o *opCtx) conv() error {
	var opt fb.Conv2DOptions
	o.options(&opt)
	at, err := conv2DAttrs(&opt)
	if err != nil {
		return err
	}
	x, err := o.in(0)
	if err != nil {
		return err
	}
	w, err := o.weight(1, []int{0, 3, 1, 2}) // OHWI, kept as OIHW when quantized
	if err != nil {
		return err
	}
	w = o.tf("Transpose", nil, w, o.s.i32s(o.base+"/perm", 1, 2, 3, 0))
	v := o.tf("Conv2D", at, x, w)
	v, err = o.biasAct(v, 2, opt.FusedActivationFunction())
	if err != nil {
		return err
	}
	return o.out(0, v)
}

// depthwise: TFLite's filter is [1, H, W, C·M], TF's [H, W, C, M]: the same
// bytes in another shape.
func (o *opCtx) depthwise() error {
	var opt fb.DepthwiseConv2DOptions
	o.options(&opt)
	at, err := conv2DAttrs(&opt)
	if err != nil {
		return err
	}
	x, err := o.in(0)
	if err != nil {
		return err
	}
	xs, ok1 := o.shape(0)
	ws, ok2 := o.shape(1)
	if !ok1 || !ok2 || len(xs) != 4 || len(ws) != 4 || xs[3] <= 0 || ws[3] <= 0 {
		return fmt.Errorf("needs the input's channels and a rank-4 filter (shapes %v, %v)", xs, ws)
	}
	c := xs[3]
	var w string
	if ws[3] == c {
		// Depth multiplier 1: [1, H, W, C] → [H, W, C, 1] is a transpose,
		// and a quantized filter is kept as ONNX's [C, 1, H, W] (see weight).
		if w, err = o.weight(1, []int{3, 0, 1, 2}); err != nil {
			return err
		}
		w = o.tf("Transpose", nil, w, o.s.i32s(o.base+"/filter_perm", 1, 2, 3, 0))
	} else {
		if w, err = o.in(1); err != nil {
			return err
		}
		w = o.tf("Reshape", nil, w, o.s.i32s(o.base+"/filter_shape", ws[1], ws[2], c, ws[3]/c))
	}
	v := o.tf("DepthwiseConv2dNative", at, x, w)
	v, err = o.biasAct(v, 2, opt.FusedActivationFunction())
	if err != nil {
		return err
	}
	return o.out(0, v)
}

// transposeConv: inputs output_shape, filter [O, H, W, I], x, bias; TF's
// Conv2DBackpropInput takes the filter as [H, W, O, I].
func (o *opCtx) transposeConv() error {
	var opt fb.TransposeConvOptions
	o.options(&opt)
	if err := positive("strides", opt.StrideH(), opt.StrideW()); err != nil {
		return err
	}
	size, err := o.raw(0)
	if err != nil {
		return err
	}
	w, err := o.in(1)
	if err != nil {
		return err
	}
	x, err := o.in(2)
	if err != nil {
		return err
	}
	w = o.tf("Transpose", nil, w, o.s.i32s(o.base+"/perm", 1, 2, 0, 3))
	v := o.tf("Conv2DBackpropInput", attrs{
		"strides":     aIs(1, int64(opt.StrideH()), int64(opt.StrideW()), 1),
		"padding":     aS(padding(opt.Padding())),
		"data_format": aS("NHWC"),
	}, size, w, x)
	v, err = o.biasAct(v, 3, opt.FusedActivationFunction())
	if err != nil {
		return err
	}
	return o.out(0, v)
}

// fullyConnected: y = x·Wᵀ + b with W [O, I]; x is flattened to [-1, I]
// unless keep_num_dims keeps its leading dims.
func (o *opCtx) fullyConnected() error {
	var opt fb.FullyConnectedOptions
	o.options(&opt)
	if opt.WeightsFormat() != 0 {
		return fmt.Errorf("shuffled weights are not supported")
	}
	x, err := o.in(0)
	if err != nil {
		return err
	}
	w, err := o.weight(1, []int{1, 0}) // [O, I], kept as [I, O] when quantized
	if err != nil {
		return err
	}
	ws, ok := o.shape(1)
	if !ok || len(ws) != 2 {
		return fmt.Errorf("needs a rank-2 weight, has shape %v", ws)
	}
	xs, _ := o.shape(0)
	var v string
	if opt.KeepNumDims() && len(xs) > 2 {
		v = o.tf("BatchMatMulV2", attrs{"adj_y": aB(true)}, x, w)
	} else {
		if len(xs) != 2 {
			x = o.tf("Reshape", nil, x, o.s.i32s(o.base+"/flat", -1, ws[1]))
		}
		v = o.tf("MatMul", attrs{"transpose_b": aB(true)}, x, w)
	}
	if o.has(2) {
		b, err := o.in(2)
		if err != nil {
			return err
		}
		v = o.tf("BiasAdd", attrs{"data_format": aS("NHWC")}, v, b)
	}
	v, err = o.activation(opt.FusedActivationFunction(), v)
	if err != nil {
		return err
	}
	return o.out(0, v)
}

func (o *opCtx) pool() error {
	var opt fb.Pool2DOptions
	o.options(&opt)
	if err := positive("strides and window", opt.StrideH(), opt.StrideW(), opt.FilterHeight(), opt.FilterWidth()); err != nil {
		return err
	}
	x, err := o.in(0)
	if err != nil {
		return err
	}
	a := attrs{
		"ksize":       aIs(1, int64(opt.FilterHeight()), int64(opt.FilterWidth()), 1),
		"strides":     aIs(1, int64(opt.StrideH()), int64(opt.StrideW()), 1),
		"padding":     aS(padding(opt.Padding())),
		"data_format": aS("NHWC"),
	}
	var v string
	switch o.name {
	case "AVERAGE_POOL_2D":
		v = o.tf("AvgPool", a, x)
	case "MAX_POOL_2D":
		v = o.tf("MaxPool", a, x)
	default: // L2: sqrt(mean(x²)) over the window
		v = o.tf("Sqrt", nil, o.tf("AvgPool", a, o.tf("Square", nil, x)))
	}
	v, err = o.activation(opt.FusedActivationFunction(), v)
	if err != nil {
		return err
	}
	return o.out(0, v)
}

// fakeQuant: TF's FakeQuantWithMinMaxArgs, as a quantize/dequantize pair
// with the nudged scale and zero point TF computes.
func (o *opCtx) fakeQuant() error {
	var opt fb.FakeQuantOptions
	o.options(&opt)
	x, err := o.in(0)
	if err != nil {
		return err
	}
	if bits := opt.NumBits(); bits != 8 {
		return fmt.Errorf("num_bits %d is not supported (8 is)", bits)
	}
	if opt.NarrowRange() {
		return fmt.Errorf("narrow_range is not supported")
	}
	qmin, qmax := 0.0, 255.0
	lo, hi := float64(opt.Min()), float64(opt.Max())
	scale := (hi - lo) / (qmax - qmin)
	zp := math.Round(qmin - lo/scale)
	zp = math.Max(qmin, math.Min(qmax, zp))
	q := &quant{scale: []float32{float32(scale)}, zero: []int64{int64(zp)}}
	qv := o.tf("_TFLQuantize", q.attrs(tfpb.DataType_DT_UINT8), x)
	return o.out(0, o.tf("_TFLDequantize", q.attrs(tfpb.DataType_DT_UINT8), qv))
}

// while: a TF While over the cond and body functions.
func (o *opCtx) while() error {
	var opt fb.WhileOptions
	if !o.options(&opt) {
		return fmt.Errorf("has no options")
	}
	cond, err := o.s.b.function(int(opt.CondSubgraphIndex()))
	if err != nil {
		return err
	}
	body, err := o.s.b.function(int(opt.BodySubgraphIndex()))
	if err != nil {
		return err
	}
	var ins []string
	var types []tfpb.DataType
	for i := range o.ins {
		v, err := o.raw(i)
		if err != nil {
			return err
		}
		dt, err := o.s.dtype(o.ins[i])
		if err != nil {
			return err
		}
		ins = append(ins, v)
		types = append(types, dt)
	}
	vs := o.tfN("While", len(o.outs), attrs{"T": aTs(types...), "cond": aFn(cond), "body": aFn(body),
		"parallel_iterations": aI(10)}, ins...)
	for i, v := range vs {
		if err := o.outRaw(i, v); err != nil {
			return err
		}
	}
	return nil
}

func (o *opCtx) ifOp() error {
	var opt fb.IfOptions
	if !o.options(&opt) {
		return fmt.Errorf("has no options")
	}
	then, err := o.s.b.function(int(opt.ThenSubgraphIndex()))
	if err != nil {
		return err
	}
	els, err := o.s.b.function(int(opt.ElseSubgraphIndex()))
	if err != nil {
		return err
	}
	cond, err := o.raw(0)
	if err != nil {
		return err
	}
	ins := []string{cond}
	var tin, tout []tfpb.DataType
	for i := 1; i < len(o.ins); i++ {
		v, err := o.raw(i)
		if err != nil {
			return err
		}
		dt, err := o.s.dtype(o.ins[i])
		if err != nil {
			return err
		}
		ins = append(ins, v)
		tin = append(tin, dt)
	}
	for i := range o.outs {
		dt, err := o.outType(i)
		if err != nil {
			return err
		}
		tout = append(tout, dt)
	}
	vs := o.tfN("If", len(o.outs), attrs{"Tcond": aT(tfpb.DataType_DT_BOOL), "Tin": aTs(tin...), "Tout": aTs(tout...),
		"then_branch": aFn(then), "else_branch": aFn(els)}, ins...)
	for i, v := range vs {
		if err := o.outRaw(i, v); err != nil {
			return err
		}
	}
	return nil
}

// lstmWeights reads one direction's weights of a TFLite sequence LSTM
// whose input-to-input weights are input first (recurrent first+4, biases
// first+11) as W [4H, I], R [4H, H] and B [8H] in ONNX's gate order
// (input, output, forget, cell); TFLite's is input, forget, cell, output.
func (o *opCtx) lstmWeights(first int, suffix string) (w, r, b string, hidden int64, err error) {
	order := []int{0, 3, 1, 2}
	get := func(at int) ([]string, error) {
		var vs []string
		for _, k := range order {
			v, err := o.in(at + k)
			if err != nil {
				return nil, err
			}
			vs = append(vs, v)
		}
		return vs, nil
	}
	concat := func(vs []string, name string) string {
		vs = append(vs, o.s.scalarI32(o.base+"/"+name+suffix+"_axis", 0))
		return o.s.op(o.base+"/"+name+suffix, "ConcatV2", attrs{"N": aI(int64(len(vs) - 1))}, vs...)
	}
	if !o.has(first) {
		return "", "", "", 0, fmt.Errorf("coupled input and forget gates are not supported")
	}
	ws, err := get(first)
	if err != nil {
		return "", "", "", 0, err
	}
	rs, err := get(first + 4)
	if err != nil {
		return "", "", "", 0, err
	}
	bs, err := get(first + 11)
	if err != nil {
		return "", "", "", 0, err
	}
	rshape, _ := o.shape(first + 4)
	if len(rshape) != 2 || rshape[0] <= 0 {
		return "", "", "", 0, fmt.Errorf("recurrent weights of shape %v", rshape)
	}
	hidden = rshape[0]
	zeros := o.s.constOf(o.base+"/rbias"+suffix, tfpb.DataType_DT_FLOAT, []int64{4 * hidden}, make([]byte, 16*hidden))
	return concat(ws, "W"), concat(rs, "R"), concat(append(bs, zeros), "B"), hidden, nil
}

// lstmCheck rejects what ONNX's LSTM does not have.
func (o *opCtx) lstmCheck(unsupported []int, act int8, cellClip, projClip float32) error {
	for _, i := range unsupported {
		if o.has(i) {
			return fmt.Errorf("peepholes, projection, layer normalization and auxiliary inputs are not supported (input %d is set)", i)
		}
	}
	if cellClip != 0 || projClip != 0 {
		return fmt.Errorf("cell and projection clipping are not supported")
	}
	if act != 4 {
		return fmt.Errorf("activation %d is not supported (tanh is)", act)
	}
	return nil
}

// lstm: UNIDIRECTIONAL_SEQUENCE_LSTM as the pseudo op _TFLLSTM(x, W, R, B)
// (see lstmWeights). The states start at zero (TFLite's variable tensors).
func (o *opCtx) lstm() error {
	var opt fb.UnidirectionalSequenceLSTMOptions
	o.options(&opt)
	if err := o.lstmCheck([]int{9, 10, 11, 16, 17, 20, 21, 22, 23}, opt.FusedActivationFunction(), opt.CellClip(), opt.ProjClip()); err != nil {
		return err
	}
	x, err := o.in(0)
	if err != nil {
		return err
	}
	w, r, b, hidden, err := o.lstmWeights(1, "")
	if err != nil {
		return err
	}
	v := o.tf("_TFLLSTM", attrs{"time_major": aB(opt.TimeMajor()), "hidden_size": aI(hidden)}, x, w, r, b)
	return o.out(0, v)
}

// biLSTM: BIDIRECTIONAL_SEQUENCE_LSTM as _TFLLSTM with direction
// bidirectional and both directions' weights stacked; merge_outputs
// concatenates the two outputs on the last axis, else they are outputs 0
// (forward) and 1 (backward).
func (o *opCtx) biLSTM() error {
	var opt fb.BidirectionalSequenceLSTMOptions
	o.options(&opt)
	if err := o.lstmCheck([]int{9, 10, 11, 16, 17, 26, 27, 28, 33, 34, 39, 40, 41, 42, 43, 44, 45, 46, 47},
		opt.FusedActivationFunction(), opt.CellClip(), opt.ProjClip()); err != nil {
		return err
	}
	x, err := o.in(0)
	if err != nil {
		return err
	}
	fw, fr, fbias, hidden, err := o.lstmWeights(1, "_fw")
	if err != nil {
		return err
	}
	bw, br, bbias, _, err := o.lstmWeights(18, "_bw")
	if err != nil {
		return err
	}
	pack := func(a, b, name string) string {
		return o.s.op(o.base+"/"+name, "Pack", attrs{"axis": aI(0), "N": aI(2)}, a, b)
	}
	a := attrs{"time_major": aB(opt.TimeMajor()), "hidden_size": aI(hidden), "direction": aS("bidirectional"),
		"merge_outputs": aB(opt.MergeOutputs())}
	n := 2
	if opt.MergeOutputs() {
		n = 1
	}
	vs := o.tfN("_TFLLSTM", n, a, x, pack(fw, bw, "W"), pack(fr, br, "R"), pack(fbias, bbias, "B"))
	return o.outAll(vs)
}

// conv3d: TFLite's 3-D filters are TF's layout already ([D, H, W, I, O],
// and [D, H, W, O, I] for the transpose, whose inputs are output_shape,
// filter, x, bias).
func (o *opCtx) conv3d() error {
	var opt fb.Conv3DOptions
	o.options(&opt)
	if err := positive("strides and dilations", opt.StrideD(), opt.StrideH(), opt.StrideW(),
		opt.DilationDFactor(), opt.DilationHFactor(), opt.DilationWFactor()); err != nil {
		return err
	}
	a := attrs{
		"strides":     aIs(1, int64(opt.StrideD()), int64(opt.StrideH()), int64(opt.StrideW()), 1),
		"dilations":   aIs(1, int64(opt.DilationDFactor()), int64(opt.DilationHFactor()), int64(opt.DilationWFactor()), 1),
		"padding":     aS(padding(opt.Padding())),
		"data_format": aS("NDHWC"),
	}
	var v string
	bias := 2
	if o.name == "CONV_3D" {
		xs, err := o.inList(0, 2)
		if err != nil {
			return err
		}
		v = o.tf("Conv3D", a, xs...)
	} else {
		size, err := o.raw(0)
		if err != nil {
			return err
		}
		xs, err := o.inList(1, 3)
		if err != nil {
			return err
		}
		v = o.tf("Conv3DBackpropInputV2", a, size, xs[0], xs[1])
		bias = 3
	}
	v, err := o.biasAct(v, bias, opt.FusedActivationFunction())
	if err != nil {
		return err
	}
	return o.out(0, v)
}
