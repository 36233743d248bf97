package tflite

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/tf2onnx-go/tf2onnx/convert"
	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
	"github.com/tf2onnx-go/tf2onnx/opmap"
	"github.com/tf2onnx-go/tf2onnx/tflite/fb"
)

const (
	opAdd             = 0
	opCustom          = 32
	opDequantize      = 6
	opRelu            = 19
	tFloat32     int8 = 0
	tInt8        int8 = 9
)

// addModel: y = relu(x + c), c a constant (external when extern).
func addModel(extern bool) tModel {
	return tModel{
		tensors: []tTensor{
			{name: "serving_default_x:0", typ: tFloat32, shape: []int32{1, 3}},
			{name: "c", typ: tFloat32, shape: []int32{3}, data: f32bytes(1, -2, 3), extern: extern},
			{name: "StatefulPartitionedCall:0", typ: tFloat32, shape: []int32{1, 3}},
		},
		ops:  []tOp{{code: opAdd, ins: []int32{0, 1}, outs: []int32{2}, optType: fb.BuiltinOptionsAddOptions, addOpts: addOptions(1)}},
		ins:  []int32{0},
		outs: []int32{2},
	}
}

func opsOf(gd *tfpb.GraphDef) []string {
	var ops []string
	for _, n := range gd.Node {
		ops = append(ops, n.Op)
	}
	sort.Strings(ops)
	return ops
}

func constBytes(t *testing.T, gd *tfpb.GraphDef, name string) []byte {
	t.Helper()
	for _, n := range gd.Node {
		if n.Op == "Const" && n.Name == name {
			return n.Attr["value"].GetTensor().TensorContent
		}
	}
	t.Fatalf("no constant %q", name)
	return nil
}

func TestReadAdd(t *testing.T) {
	for _, extern := range []bool{false, true} {
		data := addModel(extern).bytes()
		m, err := Read("add.tflite", data, Options{})
		if err != nil {
			t.Fatalf("extern=%v: %v", extern, err)
		}
		if got, want := strings.Join(opsOf(m.GraphDef), ","), "AddV2,Const,Placeholder,Relu"; got != want {
			t.Errorf("extern=%v: ops %s, want %s", extern, got, want)
		}
		if got := strings.Join(m.InputNames, ","); got != "serving_default_x:0" {
			t.Errorf("input names %s", got)
		}
		if got := strings.Join(m.OutputNames, ","); got != "StatefulPartitionedCall:0" {
			t.Errorf("output names %s", got)
		}
		c := constBytes(t, m.GraphDef, "c")
		if string(c) != string(f32bytes(1, -2, 3)) {
			t.Errorf("extern=%v: constant bytes %v", extern, c)
		}
		// The constant aliases the file's bytes, not a copy.
		if &c[0] != &data[strings.Index(string(data), string(f32bytes(1, -2, 3)))] {
			t.Errorf("extern=%v: the constant is a copy, not an alias of the file", extern)
		}
		// The GraphDef converts; the output is the Relu's.
		model, _, err := convert.GraphDef(context.Background(), m.GraphDef, convert.Options{
			Inputs: m.Inputs, Outputs: m.Outputs, RenameInputs: m.InputNames, RenameOutputs: m.OutputNames})
		if err != nil {
			t.Fatalf("convert: %v", err)
		}
		counts := model.Graph.OpCounts()
		if counts["Add"] != 1 || counts["Relu"] != 1 || len(model.Graph.Nodes) != 2 {
			t.Errorf("converted ops %v", counts)
		}
		if model.Graph.Inputs[0] != "serving_default_x:0" || model.Graph.Outputs[0] != "StatefulPartitionedCall:0" {
			t.Errorf("names %v → %v", model.Graph.Inputs, model.Graph.Outputs)
		}
	}
}

func TestBadFiles(t *testing.T) {
	good := addModel(false).bytes()
	trunc := append([]byte(nil), good[:len(good)/2]...)
	wrongID := append([]byte(nil), good...)
	copy(wrongID[4:8], "XXXX")
	pastEnd := addModel(true).bytes()
	pastEnd = pastEnd[:len(pastEnd)-4] // the external buffer is cut short
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"identifier", wrongID, "no TFL3 identifier"},
		{"truncated", trunc, ""},
		{"external past end", pastEnd, "past the end of the file"},
	} {
		_, err := Read(tc.name, tc.data, Options{})
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !errors.Is(err, ErrBadFile) {
			t.Errorf("%s: %v does not wrap ErrBadFile", tc.name, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestUnknownNames(t *testing.T) {
	data := addModel(false).bytes()
	_, err := Read("add.tflite", data, Options{Outputs: []string{"StatefulPartitionedCall"}})
	var une *frozen.UnknownNameError
	if !errors.As(err, &une) || !strings.Contains(err.Error(), "StatefulPartitionedCall:0") {
		t.Errorf("got %v, want an unknown-name error suggesting StatefulPartitionedCall:0", err)
	}
}

// Custom and unmapped builtins arrive as TFL_ nodes, which the converter
// reports all at once with counts.
func TestUnsupportedReported(t *testing.T) {
	m := tModel{
		tensors: []tTensor{
			{name: "x", typ: tFloat32, shape: []int32{2}},
			{name: "a", typ: tFloat32, shape: []int32{2}},
			{name: "b", typ: tFloat32, shape: []int32{2}},
			{name: "y", typ: tFloat32, shape: []int32{2}},
		},
		ops: []tOp{
			{code: opCustom, custom: "MyOp", ins: []int32{0}, outs: []int32{1}},
			{code: opCustom, custom: "MyOp", ins: []int32{1}, outs: []int32{2}},
			{code: 15, ins: []int32{2}, outs: []int32{3}}, // LSH_PROJECTION
		},
		ins: []int32{0}, outs: []int32{3},
	}
	r, err := Read("custom.tflite", m.bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = convert.GraphDef(context.Background(), r.GraphDef, convert.Options{Inputs: r.Inputs, Outputs: r.Outputs})
	var ue *opmap.UnsupportedError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v, want an unsupported-op error", err)
	}
	msg := err.Error()
	for _, want := range []string{"TFL_CUSTOM_MyOp", "TFL_LSH_PROJECTION"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not list %s", msg, want)
		}
	}
}

// quantModel: y = dequantize(w) + x with w int8 per-channel (axis 0).
func quantModel() tModel {
	return tModel{
		tensors: []tTensor{
			{name: "x", typ: tFloat32, shape: []int32{2, 2}},
			{name: "w", typ: tInt8, shape: []int32{2, 2}, data: []byte{2, 0xfe, 4, 8}, scale: []float32{0.5, 0.25}, zero: []int64{0, 4}},
			{name: "wf", typ: tFloat32, shape: []int32{2, 2}},
			{name: "y", typ: tFloat32, shape: []int32{2, 2}},
		},
		ops: []tOp{
			{code: opDequantize, ins: []int32{1}, outs: []int32{2}},
			{code: opAdd, ins: []int32{0, 2}, outs: []int32{3}},
		},
		ins: []int32{0}, outs: []int32{3},
	}
}

func TestQuantizedWeights(t *testing.T) {
	data := quantModel().bytes()
	m, err := Read("q.tflite", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var dq *tfpb.NodeDef
	for _, n := range m.GraphDef.Node {
		if n.Op == "_TFLDequantize" {
			dq = n
		}
	}
	if dq == nil {
		t.Fatalf("no _TFLDequantize in %v", opsOf(m.GraphDef))
	}
	if got := dq.Attr["scale"].GetList().F; len(got) != 2 || got[1] != 0.25 {
		t.Errorf("scales %v", got)
	}
	if got := dq.Attr["axis"].GetI(); got != 0 {
		t.Errorf("axis %d", got)
	}
	// --dequantize: the weight is float in the file's GraphDef already:
	// 0.5·(2−0), 0.5·(−2−0), 0.25·(4−4), 0.25·(8−4).
	m, err = Read("q.tflite", quantModel().bytes(), Options{Dequantize: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := constBytes(t, m.GraphDef, "w/dequantized"), f32bytes(1, -1, 0, 1); string(got) != string(want) {
		t.Errorf("dequantized weight %v, want %v", got, want)
	}
}

// --inputs may cut the graph at an intermediate tensor.
func TestInputsInside(t *testing.T) {
	m := tModel{
		tensors: []tTensor{
			{name: "x", typ: tFloat32, shape: []int32{1, 3}},
			{name: "h", typ: tFloat32, shape: []int32{1, 3}},
			{name: "c", typ: tFloat32, shape: []int32{3}, data: f32bytes(1, 2, 3)},
			{name: "y", typ: tFloat32, shape: []int32{1, 3}},
		},
		ops: []tOp{
			{code: opRelu, ins: []int32{0}, outs: []int32{1}},
			{code: opAdd, ins: []int32{1, 2}, outs: []int32{3}},
		},
		ins: []int32{0}, outs: []int32{3},
	}
	r, err := Read("cut.tflite", m.bytes(), Options{Inputs: []string{"h[1,3]"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.InputNames, ",") != "h" || r.Inputs[0].Shape == nil {
		t.Fatalf("inputs %v %v", r.InputNames, r.Inputs)
	}
	model, _, err := convert.GraphDef(context.Background(), r.GraphDef, convert.Options{Inputs: r.Inputs, Outputs: r.Outputs})
	if err != nil {
		t.Fatal(err)
	}
	if counts := model.Graph.OpCounts(); counts["Relu"] != 0 || counts["Add"] != 1 {
		t.Errorf("ops %v: want only the Add after the cut", counts)
	}
}

// A zero stride (a corrupt file) is a bad-file error, not a division by zero
// in the op mapping.
func TestZeroStride(t *testing.T) {
	m := tModel{
		tensors: []tTensor{
			{name: "x", typ: tFloat32, shape: []int32{1, 4, 4, 1}},
			{name: "y", typ: tFloat32, shape: []int32{1, 2, 2, 1}},
		},
		ops: []tOp{{code: 17, ins: []int32{0}, outs: []int32{1}, optType: fb.BuiltinOptionsPool2DOptions, // MAX_POOL_2D
			addOpts: func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
				fb.Pool2DOptionsStart(b)
				fb.Pool2DOptionsAddFilterWidth(b, 2)
				fb.Pool2DOptionsAddFilterHeight(b, 2)
				fb.Pool2DOptionsAddStrideW(b, 2)
				return fb.Pool2DOptionsEnd(b) // stride_h absent: 0
			}}},
		ins: []int32{0}, outs: []int32{1},
	}
	_, err := Read("pool.tflite", m.bytes(), Options{})
	if !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), "at least 1") {
		t.Errorf("got %v, want a bad-file error about the strides", err)
	}
}
