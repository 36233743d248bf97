package tflite

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
	"github.com/tf2onnx-go/tf2onnx/tflite/fb"
)

// ErrBadFile is wrapped by every error about a file that is not a usable
// TFLite model.
var ErrBadFile = errors.New("not a TFLite model")

// Options pick the tensors and the handling of quantization.
type Options struct {
	// Inputs and Outputs are TFLite tensor names, each optionally followed by
	// a shape `[1,224,224,3]`; empty means the main subgraph's own.
	Inputs, Outputs []string
	// Dequantize folds quantized weights to float and drops the
	// quantize/dequantize pairs between float ops (the Python converter's
	// --dequantize); otherwise they become QuantizeLinear/DequantizeLinear.
	Dequantize bool
}

// Model is a TFLite model as a GraphDef, with the specs that name its inputs
// and outputs in the GraphDef and the TFLite tensor names they stand for
// (the ONNX model's input and output names).
type Model struct {
	GraphDef                *tfpb.GraphDef
	Inputs, Outputs         []frozen.Spec
	InputNames, OutputNames []string
	Ops                     int // TFLite operators in the main subgraph
}

// Load maps a .tflite file and reads it.
func Load(path string, opts Options) (*Model, error) {
	data, err := frozen.MapFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return Read(path, data, opts)
}

// badf makes an error about the file.
func badf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrBadFile)
}

// Read turns the bytes of a .tflite file into a GraphDef; the GraphDef's
// constants alias data. name is used in messages.
func Read(name string, data []byte, opts Options) (m *Model, err error) {
	// The flatbuffer accessors index the bytes without checks: a corrupt
	// offset panics. That is a bad file, reported as such.
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%s: the flatbuffer is corrupt or truncated (%v): %w", name, r, ErrBadFile)
		}
	}()
	if len(data) < 8 {
		return nil, fmt.Errorf("%s: the file is too short to be a TFLite model: %w", name, ErrBadFile)
	}
	if string(data[4:8]) != "TFL3" {
		return nil, fmt.Errorf("%s: no TFL3 identifier at byte 4: %w", name, ErrBadFile)
	}
	root := binary.LittleEndian.Uint32(data)
	if int(root) >= len(data) {
		return nil, fmt.Errorf("%s: the root offset points past the end of the file: %w", name, ErrBadFile)
	}
	b := &builder{file: data, m: fb.GetRootAsModel(data, 0), opts: opts, gd: &tfpb.GraphDef{}, funcs: map[int]string{}}
	if b.m.SubgraphsLength() == 0 {
		return nil, fmt.Errorf("%s: the model has no subgraphs: %w", name, ErrBadFile)
	}
	m, err = b.main()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// builder holds what the subgraphs share: the file, the model, the
// function library.
type builder struct {
	file  []byte
	m     *fb.Model
	opts  Options
	gd    *tfpb.GraphDef
	funcs map[int]string // subgraph index → function name
}

// sub builds one subgraph, the main graph (nodes go to the GraphDef) or a
// function body (nodes go to a FunctionDef).
type sub struct {
	b     *builder
	sg    fb.SubGraph
	index int
	nodes []*tfpb.NodeDef
	used  map[string]bool
	refs  map[int32]string // tensor → its value in the stored dtype
	frefs map[int32]string // quantized tensor → its float value
	// producedFloat marks quantized tensors whose producer computed float;
	// with --dequantize the stored value is made only if someone asks.
	producedFloat map[int32]bool
}

func (b *builder) newSub(index int) (*sub, error) {
	s := &sub{b: b, index: index, used: map[string]bool{}, refs: map[int32]string{}, frefs: map[int32]string{}, producedFloat: map[int32]bool{}}
	if !b.m.Subgraphs(&s.sg, index) {
		return nil, badf("subgraph %d is missing", index)
	}
	return s, nil
}

func (s *sub) tensor(i int32) (*fb.Tensor, error) {
	var t fb.Tensor
	if i < 0 || int(i) >= s.sg.TensorsLength() || !s.sg.Tensors(&t, int(i)) {
		return nil, badf("subgraph %d: tensor index %d is out of range", s.index, i)
	}
	if !s.b.fits(t.ShapeLength(), 4) || !s.b.fits(t.ShapeSignatureLength(), 4) {
		return nil, badf("subgraph %d: tensor %d's shape is longer than the file", s.index, i)
	}
	return &t, nil
}

// fits reports whether a vector of n elements of size bytes can be in the
// file: a corrupt length must not become a huge allocation.
func (b *builder) fits(n, size int) bool { return n >= 0 && n <= len(b.file)/size }

func (s *sub) tname(i int32) string {
	t, err := s.tensor(i)
	if err != nil {
		return "#" + strconv.Itoa(int(i))
	}
	return string(t.Name())
}

// stem is the part of a TFLite tensor name that names nodes: TFLite joins
// the names of fused TF ops with ';' (the first is kept), and names carry
// ':0'.
func stem(name string) string {
	if i := strings.IndexByte(name, ';'); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndexByte(name, ':'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	return name
}

// nodeName makes a node name, unique in the subgraph, from a stem and
// suffixes ("conv/BiasAdd" + "/perm").
func (s *sub) nodeName(base string) string {
	base = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == '/', r == '-':
			return r
		}
		return '_'
	}, stem(base))
	base = strings.Trim(base, "/")
	if base == "" || base[0] == '_' || base[0] == '-' || base[0] == '.' || base[0] == '/' {
		base = "t" + base
	}
	name := base
	for k := 1; s.used[name]; k++ {
		name = base + "_" + strconv.Itoa(k)
	}
	s.used[name] = true
	return name
}

// node adds a node and returns its name.
func (s *sub) node(name, op string, inputs []string, attrs map[string]*tfpb.AttrValue) string {
	if attrs == nil {
		attrs = map[string]*tfpb.AttrValue{}
	}
	s.nodes = append(s.nodes, &tfpb.NodeDef{Name: name, Op: op, Input: inputs, Attr: attrs})
	return name
}

// op adds a one-output node named after base and returns its output.
func (s *sub) op(base, op string, attrs map[string]*tfpb.AttrValue, inputs ...string) string {
	return s.node(s.nodeName(base), op, inputs, attrs) + ":0"
}

// --- attributes ---

func aI(v int64) *tfpb.AttrValue { return &tfpb.AttrValue{Value: &tfpb.AttrValue_I{I: v}} }
func aF(v float32) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_F{F: v}}
}
func aB(v bool) *tfpb.AttrValue   { return &tfpb.AttrValue{Value: &tfpb.AttrValue_B{B: v}} }
func aS(v string) *tfpb.AttrValue { return &tfpb.AttrValue{Value: &tfpb.AttrValue_S{S: []byte(v)}} }
func aT(t tfpb.DataType) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_Type{Type: t}}
}
func aIs(v ...int64) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{I: v}}}
}
func aFs(v ...float32) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{F: v}}}
}
func aTs(v ...tfpb.DataType) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{Type: v}}}
}
func aFn(name string) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_Func{Func: &tfpb.NameAttrList{Name: name}}}
}
func aShape(dims []int64, known bool) *tfpb.AttrValue {
	sp := &tfpb.TensorShapeProto{UnknownRank: !known}
	for _, d := range dims {
		sp.Dim = append(sp.Dim, &tfpb.TensorShapeProto_Dim{Size: d})
	}
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_Shape{Shape: sp}}
}

// --- types and shapes ---

// tfType is the TF dtype of a TFLite TensorType.
func tfType(t int8) (tfpb.DataType, bool) {
	switch t {
	case 0:
		return tfpb.DataType_DT_FLOAT, true
	case 1:
		return tfpb.DataType_DT_HALF, true
	case 2:
		return tfpb.DataType_DT_INT32, true
	case 3:
		return tfpb.DataType_DT_UINT8, true
	case 4:
		return tfpb.DataType_DT_INT64, true
	case 5:
		return tfpb.DataType_DT_STRING, true
	case 6:
		return tfpb.DataType_DT_BOOL, true
	case 7:
		return tfpb.DataType_DT_INT16, true
	case 8:
		return tfpb.DataType_DT_COMPLEX64, true
	case 9:
		return tfpb.DataType_DT_INT8, true
	case 10:
		return tfpb.DataType_DT_DOUBLE, true
	case 11:
		return tfpb.DataType_DT_COMPLEX128, true
	case 12:
		return tfpb.DataType_DT_UINT64, true
	case 15:
		return tfpb.DataType_DT_UINT32, true
	case 16:
		return tfpb.DataType_DT_UINT16, true
	case 18:
		return tfpb.DataType_DT_BFLOAT16, true
	}
	return 0, false
}

var typeNames = map[int8]string{13: "RESOURCE", 14: "VARIANT", 17: "INT4"}

func (s *sub) dtype(i int32) (tfpb.DataType, error) {
	t, err := s.tensor(i)
	if err != nil {
		return 0, err
	}
	dt, ok := tfType(t.Type())
	if !ok {
		name := typeNames[t.Type()]
		if name == "" {
			name = "type " + strconv.Itoa(int(t.Type()))
		}
		return 0, fmt.Errorf("tensor %q is of TFLite type %s, which has no ONNX equivalent", t.Name(), name)
	}
	return dt, nil
}

// shape is a tensor's shape: the signature (-1 for dynamic dims) when the
// file has one, else the static shape; known is false for unknown rank.
func shapeOf(t *fb.Tensor) (dims []int64, known bool) {
	if n := t.ShapeSignatureLength(); n > 0 {
		for j := 0; j < n; j++ {
			dims = append(dims, int64(t.ShapeSignature(j)))
		}
		return dims, true
	}
	n := t.ShapeLength()
	for j := 0; j < n; j++ {
		dims = append(dims, int64(t.Shape(j)))
	}
	return dims, n > 0 || t.HasRank() || t.Buffer() > 0
}

// staticShape is the stored shape (constants have no dynamic dims).
func staticShape(t *fb.Tensor) []int64 {
	dims := make([]int64, t.ShapeLength())
	for j := range dims {
		dims[j] = int64(t.Shape(j))
	}
	return dims
}

// --- quantization ---

type quant struct {
	scale []float32
	zero  []int64
	axis  int64
}

// quantOf is a tensor's affine quantization, or nil for float tensors and
// integer tensors without a scale.
func quantOf(t *fb.Tensor) *quant {
	var qp fb.QuantizationParameters
	if t.Quantization(&qp) == nil || qp.ScaleLength() == 0 {
		return nil
	}
	switch t.Type() {
	case 2, 3, 7, 9, 4: // int32, uint8, int16, int8, int64
	default:
		return nil
	}
	q := &quant{axis: int64(qp.QuantizedDimension())}
	for j := 0; j < qp.ScaleLength(); j++ {
		q.scale = append(q.scale, qp.Scale(j))
	}
	for j := 0; j < qp.ZeroPointLength(); j++ {
		q.zero = append(q.zero, qp.ZeroPoint(j))
	}
	for len(q.zero) < len(q.scale) {
		q.zero = append(q.zero, 0)
	}
	return q
}

func (q *quant) attrs(dt tfpb.DataType) map[string]*tfpb.AttrValue {
	a := map[string]*tfpb.AttrValue{"scale": aFs(q.scale...), "zero_point": aIs(q.zero...), "T": aT(dt)}
	if len(q.scale) > 1 {
		a["axis"] = aI(q.axis)
	}
	return a
}

// --- buffers and constants ---

// constData is the bytes of a constant tensor, aliasing the file (a buffer
// past the flatbuffer is found by its offset); nil for non-constants.
func (s *sub) constData(t *fb.Tensor) ([]byte, error) {
	bi := int(t.Buffer())
	if bi == 0 {
		return nil, nil
	}
	var buf fb.Buffer
	if bi >= s.b.m.BuffersLength() || !s.b.m.Buffers(&buf, bi) {
		return nil, badf("tensor %q: buffer %d is out of range", t.Name(), bi)
	}
	if off := buf.Offset(); off > 1 {
		size := buf.Size()
		if off+size > uint64(len(s.b.file)) || off+size < off {
			return nil, badf("tensor %q: external buffer [%d, +%d) lies past the end of the file (%d bytes)", t.Name(), off, size, len(s.b.file))
		}
		return s.b.file[off : off+size], nil
	}
	d := buf.DataBytes()
	if len(d) == 0 {
		return nil, nil
	}
	return d, nil
}

func elemSize(dt tfpb.DataType) int {
	switch dt {
	case tfpb.DataType_DT_DOUBLE, tfpb.DataType_DT_INT64, tfpb.DataType_DT_UINT64, tfpb.DataType_DT_COMPLEX64:
		return 8
	case tfpb.DataType_DT_COMPLEX128:
		return 16
	case tfpb.DataType_DT_FLOAT, tfpb.DataType_DT_INT32, tfpb.DataType_DT_UINT32:
		return 4
	case tfpb.DataType_DT_HALF, tfpb.DataType_DT_BFLOAT16, tfpb.DataType_DT_INT16, tfpb.DataType_DT_UINT16:
		return 2
	}
	return 1
}

// constNode makes a Const node of a tensor's bytes.
func (s *sub) constNode(i int32, t *fb.Tensor, data []byte) (string, error) {
	dt, err := s.dtype(i)
	if err != nil {
		return "", err
	}
	if dt == tfpb.DataType_DT_STRING {
		return "", fmt.Errorf("tensor %q: string constants are not supported", t.Name())
	}
	dims := staticShape(t)
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	if want := n * int64(elemSize(dt)); want != int64(len(data)) {
		return "", badf("constant %q of shape %v needs %d bytes, its buffer holds %d", t.Name(), dims, want, len(data))
	}
	return s.constOf(string(t.Name()), dt, dims, data), nil
}

func (s *sub) constOf(base string, dt tfpb.DataType, dims []int64, data []byte) string {
	sp := &tfpb.TensorShapeProto{}
	for _, d := range dims {
		sp.Dim = append(sp.Dim, &tfpb.TensorShapeProto_Dim{Size: d})
	}
	tp := &tfpb.TensorProto{Dtype: dt, TensorShape: sp, TensorContent: data}
	return s.node(s.nodeName(base), "Const", nil, map[string]*tfpb.AttrValue{
		"dtype": aT(dt), "value": {Value: &tfpb.AttrValue_Tensor{Tensor: tp}},
	}) + ":0"
}

// intConst adds a small int32 or int64 constant.
func (s *sub) intConst(base string, dt tfpb.DataType, dims []int64, vals ...int64) string {
	var data []byte
	for _, v := range vals {
		if dt == tfpb.DataType_DT_INT64 {
			data = binary.LittleEndian.AppendUint64(data, uint64(v))
		} else {
			data = binary.LittleEndian.AppendUint32(data, uint32(int32(v)))
		}
	}
	return s.constOf(base, dt, dims, data)
}

func (s *sub) i32s(base string, vals ...int64) string {
	return s.intConst(base, tfpb.DataType_DT_INT32, []int64{int64(len(vals))}, vals...)
}

func (s *sub) scalarI32(base string, v int64) string {
	return s.intConst(base, tfpb.DataType_DT_INT32, nil, v)
}

func (s *sub) scalarF32(base string, v float32) string {
	return s.constOf(base, tfpb.DataType_DT_FLOAT, nil, binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)))
}

// dequantizeConst computes scale·(q − zero) of a quantized constant in Go.
func dequantizeConst(dt tfpb.DataType, dims []int64, data []byte, q *quant) ([]byte, error) {
	n := len(data) / elemSize(dt)
	get := func(k int) int64 {
		switch dt {
		case tfpb.DataType_DT_INT8:
			return int64(int8(data[k]))
		case tfpb.DataType_DT_UINT8:
			return int64(data[k])
		case tfpb.DataType_DT_INT16:
			return int64(int16(binary.LittleEndian.Uint16(data[2*k:])))
		case tfpb.DataType_DT_INT32:
			return int64(int32(binary.LittleEndian.Uint32(data[4*k:])))
		case tfpb.DataType_DT_INT64:
			return int64(binary.LittleEndian.Uint64(data[8*k:]))
		}
		return 0
	}
	// Per-channel: the channel of element k is (k / inner) % dims[axis].
	inner, ch := 1, 1
	if len(q.scale) > 1 {
		if q.axis < 0 || int(q.axis) >= len(dims) || int(dims[q.axis]) != len(q.scale) {
			return nil, fmt.Errorf("%d scales along axis %d of shape %v", len(q.scale), q.axis, dims)
		}
		for _, d := range dims[q.axis+1:] {
			inner *= int(d)
		}
		ch = len(q.scale)
	}
	out := make([]byte, 4*n)
	for k := 0; k < n; k++ {
		c := (k / inner) % ch
		v := float32(float64(q.scale[c]) * float64(get(k)-q.zero[c]))
		binary.LittleEndian.PutUint32(out[4*k:], math.Float32bits(v))
	}
	return out, nil
}

// --- reading tensors ---

// val is a tensor's value in its stored dtype.
func (s *sub) val(i int32) (string, error) {
	if r, ok := s.refs[i]; ok {
		return r, nil
	}
	t, err := s.tensor(i)
	if err != nil {
		return "", err
	}
	if s.producedFloat[i] {
		// --dequantize: the producer computed float; quantize for readers
		// of the stored type (an int8 graph output).
		dt, err := s.dtype(i)
		if err != nil {
			return "", err
		}
		r := s.op(stem(string(t.Name()))+"/quantize", "_TFLQuantize", quantOf(t).attrs(dt), s.frefs[i])
		s.refs[i] = r
		return r, nil
	}
	data, err := s.constData(t)
	if err != nil {
		return "", err
	}
	if data == nil {
		if t.IsVariable() {
			return "", fmt.Errorf("tensor %q is a variable, which has no ONNX equivalent", t.Name())
		}
		return "", badf("tensor %q is read before any operator writes it", t.Name())
	}
	if t.Sparsity(nil) != nil {
		return "", fmt.Errorf("tensor %q is sparse (densify the model first)", t.Name())
	}
	r, err := s.constNode(i, t, data)
	if err != nil {
		return "", err
	}
	s.refs[i] = r
	return r, nil
}

// float is a tensor's value as an op reads it: quantized tensors
// dequantized, float16 ones cast to float; others as stored.
func (s *sub) float(i int32) (string, error) {
	if r, ok := s.frefs[i]; ok {
		return r, nil
	}
	t, err := s.tensor(i)
	if err != nil {
		return "", err
	}
	q := quantOf(t)
	if q == nil && t.Type() != 1 {
		return s.val(i)
	}
	// int32 constants are biases (scale = input scale × weight scale): ONNX
	// adds them in float, which lets the optimizer fold them into the Conv
	// or Gemm; so do weights with --dequantize.
	if q != nil && (s.b.opts.Dequantize || t.Type() == 2) {
		if _, have := s.refs[i]; !have {
			if data, err := s.constData(t); err == nil && data != nil {
				dt, err := s.dtype(i)
				if err != nil {
					return "", err
				}
				dims := staticShape(t)
				f, err := dequantizeConst(dt, dims, data, q)
				if err != nil {
					return "", fmt.Errorf("tensor %q: %v", t.Name(), err)
				}
				r := s.constOf(stem(string(t.Name()))+"/dequantized", tfpb.DataType_DT_FLOAT, dims, f)
				s.frefs[i] = r
				return r, nil
			}
		}
	}
	v, err := s.val(i)
	if err != nil {
		return "", err
	}
	var r string
	if q != nil {
		dt, _ := s.dtype(i)
		r = s.op(stem(string(t.Name()))+"/dequantize", "_TFLDequantize", q.attrs(dt), v)
	} else {
		r = s.op(stem(string(t.Name()))+"/to_float", "Cast", map[string]*tfpb.AttrValue{
			"SrcT": aT(tfpb.DataType_DT_HALF), "DstT": aT(tfpb.DataType_DT_FLOAT)}, v)
	}
	s.frefs[i] = r
	return r, nil
}

// set records the value an op computed for tensor i. Ops compute in float;
// a quantized tensor gets a _TFLQuantize (or, with --dequantize, keeps the
// float value and is quantized only for readers of the stored type).
func (s *sub) set(i int32, v string) error {
	t, err := s.tensor(i)
	if err != nil {
		return err
	}
	q := quantOf(t)
	if q == nil {
		s.refs[i] = v
		return nil
	}
	if s.b.opts.Dequantize {
		s.frefs[i] = v
		s.producedFloat[i] = true
		return nil
	}
	dt, err := s.dtype(i)
	if err != nil {
		return err
	}
	s.refs[i] = s.op(stem(string(t.Name()))+"/quantize", "_TFLQuantize", q.attrs(dt), v)
	return nil
}

// setRaw records a value already in the tensor's stored dtype (integer
// results such as ArgMax, or ops that move quantized values unchanged).
func (s *sub) setRaw(i int32, v string) { s.refs[i] = v }

// weight is input i of an op as float, like float(), but a quantized
// constant is stored permuted by perm, so that the DequantizeLinear holds
// the layout the ONNX op wants (OIHW for a Conv, [I, O] for a MatMul) and
// the Transposes that TF's layout puts after it cancel in the optimizer:
// Transpose(DequantizeLinear(permuted), inverse perm) is the tensor in the
// file's layout. onnxruntime then fuses the DequantizeLinear into a
// quantized kernel.
func (s *sub) weight(i int32, perm []int) (string, error) {
	t, err := s.tensor(i)
	if err != nil {
		return "", err
	}
	q := quantOf(t)
	if q == nil || s.b.opts.Dequantize || t.Type() == 2 {
		return s.float(i)
	}
	if r, ok := s.frefs[i]; ok {
		return r, nil
	}
	data, err := s.constData(t)
	if err != nil || data == nil {
		return s.float(i)
	}
	dims := staticShape(t)
	dt, err := s.dtype(i)
	if err != nil {
		return "", err
	}
	if len(dims) != len(perm) || t.Sparsity(nil) != nil {
		return s.float(i)
	}
	pdata, pdims, err := permute(data, dims, perm, elemSize(dt))
	if err != nil {
		return "", badf("tensor %q: %v", t.Name(), err)
	}
	pq := *q
	inv := make([]int64, len(perm))
	for k, p := range perm {
		inv[p] = int64(k)
		if int64(p) == q.axis {
			pq.axis = int64(k)
		}
	}
	base := stem(string(t.Name()))
	c := s.constOf(base+"/permuted", dt, pdims, pdata)
	dq := s.op(base+"/dequantize", "_TFLDequantize", pq.attrs(dt), c)
	r := s.op(base+"/layout", "Transpose", nil, dq, s.i32s(base+"/inverse_perm", inv...))
	s.frefs[i] = r
	return r, nil
}

// permute transposes a row-major tensor's bytes: out dim k is in dim perm[k].
func permute(data []byte, dims []int64, perm []int, size int) ([]byte, []int64, error) {
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	if n*int64(size) != int64(len(data)) {
		return nil, nil, fmt.Errorf("shape %v needs %d bytes, has %d", dims, n*int64(size), len(data))
	}
	rank := len(dims)
	odims := make([]int64, rank)
	for k, p := range perm {
		odims[k] = dims[p]
	}
	// Strides of the input, in elements, taken in output order.
	in := make([]int64, rank)
	st := int64(1)
	for k := rank - 1; k >= 0; k-- {
		in[k] = st
		st *= dims[k]
	}
	ostr := make([]int64, rank)
	for k, p := range perm {
		ostr[k] = in[p]
	}
	out := make([]byte, len(data))
	idx := make([]int64, rank)
	src := int64(0)
	for o := int64(0); o < n; o++ {
		copy(out[o*int64(size):], data[src*int64(size):(src+1)*int64(size)])
		for k := rank - 1; k >= 0; k-- {
			idx[k]++
			src += ostr[k]
			if idx[k] < odims[k] {
				break
			}
			src -= ostr[k] * idx[k]
			idx[k] = 0
		}
	}
	return out, odims, nil
}
