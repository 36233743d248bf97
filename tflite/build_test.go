package tflite

import (
	"encoding/binary"
	"math"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/tf2onnx-go/tf2onnx/tflite/fb"
)

// A small model description from which tests build .tflite bytes with the
// generated flatbuffer builders.
type tTensor struct {
	name   string
	typ    int8
	shape  []int32
	data   []byte // constant bytes; nil for activations
	extern bool   // store data past the flatbuffer (offset/size)
	scale  []float32
	zero   []int64
	axis   int32
}

type tOp struct {
	code     int32  // builtin code
	custom   string // custom code (code 32)
	ins      []int32
	outs     []int32
	optType  fb.BuiltinOptions
	addOpts  func(b *flatbuffers.Builder) flatbuffers.UOffsetT
	fusedAct int8 // for ADD
}

type tModel struct {
	tensors   []tTensor
	ops       []tOp
	ins, outs []int32
}

func f32bytes(vals ...float32) []byte {
	var out []byte
	for _, v := range vals {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
	}
	return out
}

func ints32(b *flatbuffers.Builder, start func(*flatbuffers.Builder, int) flatbuffers.UOffsetT, vals []int32) flatbuffers.UOffsetT {
	start(b, len(vals))
	for i := len(vals) - 1; i >= 0; i-- {
		b.PrependInt32(vals[i])
	}
	return b.EndVector(len(vals))
}

func (m tModel) bytes() []byte {
	b := flatbuffers.NewBuilder(1024)
	// Buffers: 0 is the empty sentinel; each constant gets its own.
	var bufs []flatbuffers.UOffsetT
	var externs [][]byte
	var externBuf []int
	bufIndex := make([]uint32, len(m.tensors))
	fb.BufferStart(b)
	bufs = append(bufs, fb.BufferEnd(b))
	for i, t := range m.tensors {
		if t.data == nil {
			continue
		}
		bufIndex[i] = uint32(len(bufs))
		if t.extern {
			externs = append(externs, t.data)
			externBuf = append(externBuf, len(bufs))
			fb.BufferStart(b)
			fb.BufferAddOffset(b, 12345) // a placeholder, patched below
			fb.BufferAddSize(b, uint64(len(t.data)))
			bufs = append(bufs, fb.BufferEnd(b))
			continue
		}
		dv := b.CreateByteVector(t.data)
		fb.BufferStart(b)
		fb.BufferAddData(b, dv)
		bufs = append(bufs, fb.BufferEnd(b))
	}
	var tensors []flatbuffers.UOffsetT
	for i, t := range m.tensors {
		name := b.CreateString(t.name)
		shape := ints32(b, fb.TensorStartShapeVector, t.shape)
		var q flatbuffers.UOffsetT
		if len(t.scale) > 0 {
			fb.QuantizationParametersStartScaleVector(b, len(t.scale))
			for j := len(t.scale) - 1; j >= 0; j-- {
				b.PrependFloat32(t.scale[j])
			}
			sv := b.EndVector(len(t.scale))
			fb.QuantizationParametersStartZeroPointVector(b, len(t.zero))
			for j := len(t.zero) - 1; j >= 0; j-- {
				b.PrependInt64(t.zero[j])
			}
			zv := b.EndVector(len(t.zero))
			fb.QuantizationParametersStart(b)
			fb.QuantizationParametersAddScale(b, sv)
			fb.QuantizationParametersAddZeroPoint(b, zv)
			fb.QuantizationParametersAddQuantizedDimension(b, t.axis)
			q = fb.QuantizationParametersEnd(b)
		}
		fb.TensorStart(b)
		fb.TensorAddName(b, name)
		fb.TensorAddShape(b, shape)
		fb.TensorAddType(b, t.typ)
		fb.TensorAddBuffer(b, bufIndex[i])
		if q != 0 {
			fb.TensorAddQuantization(b, q)
		}
		tensors = append(tensors, fb.TensorEnd(b))
	}
	// Operator codes: one per op, in op order.
	var codes, ops []flatbuffers.UOffsetT
	for k, o := range m.ops {
		var cc flatbuffers.UOffsetT
		if o.custom != "" {
			cc = b.CreateString(o.custom)
		}
		fb.OperatorCodeStart(b)
		dep := o.code
		if dep > 127 {
			dep = 127
		}
		fb.OperatorCodeAddDeprecatedBuiltinCode(b, int8(dep))
		fb.OperatorCodeAddBuiltinCode(b, o.code)
		if cc != 0 {
			fb.OperatorCodeAddCustomCode(b, cc)
		}
		codes = append(codes, fb.OperatorCodeEnd(b))
		ins := ints32(b, fb.OperatorStartInputsVector, o.ins)
		outs := ints32(b, fb.OperatorStartOutputsVector, o.outs)
		var opts flatbuffers.UOffsetT
		if o.addOpts != nil {
			opts = o.addOpts(b)
		}
		fb.OperatorStart(b)
		fb.OperatorAddOpcodeIndex(b, uint32(k))
		fb.OperatorAddInputs(b, ins)
		fb.OperatorAddOutputs(b, outs)
		if opts != 0 {
			fb.OperatorAddBuiltinOptionsType(b, o.optType)
			fb.OperatorAddBuiltinOptions(b, opts)
		}
		ops = append(ops, fb.OperatorEnd(b))
	}
	vec := func(start func(*flatbuffers.Builder, int) flatbuffers.UOffsetT, offs []flatbuffers.UOffsetT) flatbuffers.UOffsetT {
		start(b, len(offs))
		for i := len(offs) - 1; i >= 0; i-- {
			b.PrependUOffsetT(offs[i])
		}
		return b.EndVector(len(offs))
	}
	tv := vec(fb.SubGraphStartTensorsVector, tensors)
	ov := vec(fb.SubGraphStartOperatorsVector, ops)
	iv := ints32(b, fb.SubGraphStartInputsVector, m.ins)
	outv := ints32(b, fb.SubGraphStartOutputsVector, m.outs)
	fb.SubGraphStart(b)
	fb.SubGraphAddTensors(b, tv)
	fb.SubGraphAddInputs(b, iv)
	fb.SubGraphAddOutputs(b, outv)
	fb.SubGraphAddOperators(b, ov)
	sg := fb.SubGraphEnd(b)
	sgv := vec(fb.ModelStartSubgraphsVector, []flatbuffers.UOffsetT{sg})
	cv := vec(fb.ModelStartOperatorCodesVector, codes)
	bv := vec(fb.ModelStartBuffersVector, bufs)
	fb.ModelStart(b)
	fb.ModelAddVersion(b, 3)
	fb.ModelAddOperatorCodes(b, cv)
	fb.ModelAddSubgraphs(b, sgv)
	fb.ModelAddBuffers(b, bv)
	b.FinishWithFileIdentifier(fb.ModelEnd(b), []byte("TFL3"))
	out := append([]byte(nil), b.FinishedBytes()...)
	// External buffers follow the flatbuffer; their offsets are patched in
	// place (the fields were written, so they have slots).
	model := fb.GetRootAsModel(out, 0)
	for k, data := range externs {
		var buf fb.Buffer
		model.Buffers(&buf, externBuf[k])
		off := uint64(len(out))
		out = append(out, data...)
		model = fb.GetRootAsModel(out, 0)
		model.Buffers(&buf, externBuf[k])
		if !buf.MutateOffset(off) {
			panic("no offset slot")
		}
	}
	return out
}

func addOptions(act int8) func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
	return func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
		fb.AddOptionsStart(b)
		fb.AddOptionsAddFusedActivationFunction(b, act)
		return fb.AddOptionsEnd(b)
	}
}
