package onnxio

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/onnxpb"
)

// ReadOptions control how much of a model's weight data is kept in memory.
type ReadOptions struct {
	// MaxDataBytes drops the data of initializers larger than this many
	// bytes, keeping their dims and dtype (Tensor.Data is nil). The cost
	// pass needs only sizes, and small constants (shapes, axes) for shape
	// inference. Zero keeps every initializer's data.
	MaxDataBytes int64
}

// ReadInfo is what was learned while reading a model besides its graph.
type ReadInfo struct {
	ModelInfo
	IRVersion int64
	// External names the initializers whose data lives in external files;
	// that data is never loaded (their tensors have nil Data).
	External []string
	// Dropped names the initializers whose data was not kept because of
	// ReadOptions.MaxDataBytes.
	Dropped []string
	// Functions names the model-local functions (their calls stay nodes of
	// the function's domain).
	Functions []string
}

// ReadFile reads an ONNX model into a graph: nodes, initializers as
// g.Consts, the types of inputs, outputs and value_info in g.Values
// (dim_params kept as symbolic dims), subgraphs of Loop, If and Scan as
// *graph.Graph attributes. Data stored outside the file is never read.
func ReadFile(path string, opts ReadOptions) (*graph.Graph, ReadInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, ReadInfo{}, fmt.Errorf("read %s: %w", path, err)
	}
	g, info, err := Parse(data, opts)
	if err != nil {
		return nil, info, fmt.Errorf("read %s: %w", path, err)
	}
	return g, info, nil
}

// Parse reads an ONNX model from its bytes, as ReadFile does.
func Parse(data []byte, opts ReadOptions) (*graph.Graph, ReadInfo, error) {
	m := &onnxpb.ModelProto{}
	if err := proto.Unmarshal(data, m); err != nil {
		return nil, ReadInfo{}, fmt.Errorf("not an ONNX model: %w", err)
	}
	return FromProto(m, opts)
}

// FromProto turns a ModelProto into a graph.
func FromProto(m *onnxpb.ModelProto, opts ReadOptions) (*graph.Graph, ReadInfo, error) {
	info := ReadInfo{
		ModelInfo: ModelInfo{Producer: m.GetProducerName(), Version: m.GetProducerVersion(), Doc: m.GetDocString()},
		IRVersion: m.GetIrVersion(),
	}
	for _, op := range m.GetOpsetImport() {
		switch op.GetDomain() {
		case "", "ai.onnx":
			info.Opset = int(op.GetVersion())
		default:
			if info.ExtraDomains == nil {
				info.ExtraDomains = map[string]int{}
			}
			info.ExtraDomains[op.GetDomain()] = int(op.GetVersion())
		}
	}
	for _, f := range m.GetFunctions() {
		info.Functions = append(info.Functions, f.GetDomain()+"."+f.GetName())
	}
	if m.GetGraph() == nil {
		return nil, info, fmt.Errorf("the model has no graph")
	}
	r := &reader{opts: opts, info: &info}
	g, err := r.graph(m.GetGraph())
	if err != nil {
		return nil, info, err
	}
	g.Opset = info.Opset
	return g, info, nil
}

type reader struct {
	opts ReadOptions
	info *ReadInfo
}

func (r *reader) graph(gp *onnxpb.GraphProto) (*graph.Graph, error) {
	g := graph.New(gp.GetName())
	for _, t := range gp.GetInitializer() {
		tt, err := r.tensor(t, true)
		if err != nil {
			return nil, fmt.Errorf("initializer %q: %w", t.GetName(), err)
		}
		g.Consts[t.GetName()] = tt
	}
	for _, st := range gp.GetSparseInitializer() {
		// Only the dense size matters to the readers of this graph; the
		// values stay unread.
		v := st.GetValues()
		if v == nil {
			continue
		}
		g.Consts[v.GetName()] = &graph.Tensor{DType: graph.DType(v.GetDataType()), Dims: append([]int64{}, st.GetDims()...)}
		r.info.Dropped = append(r.info.Dropped, v.GetName())
	}
	for name, t := range g.Consts {
		g.Values[name] = &graph.Value{DType: t.DType, Shape: t.Shape()}
	}
	for _, vi := range gp.GetInput() {
		if _, isConst := g.Consts[vi.GetName()]; isConst {
			// Before IR 4 every initializer is also listed as an input (an
			// overridable default); here it is a constant.
			continue
		}
		g.Inputs = append(g.Inputs, vi.GetName())
		r.valueInfo(g, vi)
	}
	for _, vi := range gp.GetOutput() {
		g.Outputs = append(g.Outputs, vi.GetName())
		r.valueInfo(g, vi)
	}
	for _, vi := range gp.GetValueInfo() {
		r.valueInfo(g, vi)
	}
	for i, np := range gp.GetNode() {
		name := np.GetName()
		if name == "" {
			name = fmt.Sprintf("%s_%d", np.GetOpType(), i)
		}
		n := &graph.Node{
			Name:    name,
			Op:      np.GetOpType(),
			Domain:  np.GetDomain(),
			Inputs:  append([]string{}, np.GetInput()...),
			Outputs: append([]string{}, np.GetOutput()...),
			Attrs:   map[string]any{},
		}
		if n.Domain == "ai.onnx" {
			n.Domain = ""
		}
		for _, a := range np.GetAttribute() {
			v, err := r.attr(a)
			if err != nil {
				return nil, fmt.Errorf("node %q (%s) attribute %s: %w", name, n.Op, a.GetName(), err)
			}
			if v != nil {
				n.Attrs[a.GetName()] = v
			}
		}
		g.Nodes = append(g.Nodes, n)
	}
	return g, nil
}

func (r *reader) valueInfo(g *graph.Graph, vi *onnxpb.ValueInfoProto) {
	tt := vi.GetType().GetTensorType()
	if tt == nil {
		return // sequences, maps, optionals: no tensor type to record
	}
	v := &graph.Value{DType: graph.DType(tt.GetElemType()), Shape: graph.UnknownShape()}
	if sp := tt.GetShape(); sp != nil {
		v.Shape = graph.Shape{Known: true, Dims: make([]graph.Dim, len(sp.GetDim()))}
		for i, d := range sp.GetDim() {
			switch x := d.GetValue().(type) {
			case *onnxpb.TensorShapeProto_Dimension_DimValue:
				v.Shape.Dims[i] = graph.D(x.DimValue)
			case *onnxpb.TensorShapeProto_Dimension_DimParam:
				v.Shape.Dims[i] = graph.Sym(x.DimParam)
			default:
				v.Shape.Dims[i] = graph.Unk()
			}
		}
	}
	if _, isConst := g.Consts[vi.GetName()]; isConst {
		return // the initializer's own dims win
	}
	g.Values[vi.GetName()] = v
}

func (r *reader) attr(a *onnxpb.AttributeProto) (any, error) {
	switch a.GetType() {
	case onnxpb.AttributeProto_INT:
		return a.GetI(), nil
	case onnxpb.AttributeProto_FLOAT:
		return a.GetF(), nil
	case onnxpb.AttributeProto_STRING:
		return string(a.GetS()), nil
	case onnxpb.AttributeProto_INTS:
		return append([]int64{}, a.GetInts()...), nil
	case onnxpb.AttributeProto_FLOATS:
		return append([]float32{}, a.GetFloats()...), nil
	case onnxpb.AttributeProto_STRINGS:
		out := make([]string, len(a.GetStrings()))
		for i, s := range a.GetStrings() {
			out[i] = string(s)
		}
		return out, nil
	case onnxpb.AttributeProto_TENSOR:
		return r.tensor(a.GetT(), false)
	case onnxpb.AttributeProto_GRAPH:
		return r.graph(a.GetG())
	case onnxpb.AttributeProto_TENSORS:
		out := make([]*graph.Tensor, len(a.GetTensors()))
		for i, t := range a.GetTensors() {
			tt, err := r.tensor(t, false)
			if err != nil {
				return nil, err
			}
			out[i] = tt
		}
		return out, nil
	case onnxpb.AttributeProto_GRAPHS:
		out := make([]*graph.Graph, len(a.GetGraphs()))
		for i, gp := range a.GetGraphs() {
			sg, err := r.graph(gp)
			if err != nil {
				return nil, err
			}
			out[i] = sg
		}
		return out, nil
	case onnxpb.AttributeProto_UNDEFINED:
		// Old exporters leave the type unset; guess it from the field set.
		switch {
		case a.GetG() != nil:
			return r.graph(a.GetG())
		case a.GetT() != nil:
			return r.tensor(a.GetT(), false)
		case len(a.GetInts()) > 0:
			return append([]int64{}, a.GetInts()...), nil
		case len(a.GetFloats()) > 0:
			return append([]float32{}, a.GetFloats()...), nil
		case len(a.GetS()) > 0:
			return string(a.GetS()), nil
		case a.GetF() != 0:
			return a.GetF(), nil
		}
		return a.GetI(), nil
	}
	// Sparse tensors and type protos as attributes: no reader here needs
	// them, and they have no plain Go form in graph.
	return nil, nil
}

// tensor decodes a TensorProto into little-endian bytes. External data is
// not read; neither is data past MaxDataBytes for initializers.
func (r *reader) tensor(t *onnxpb.TensorProto, initializer bool) (*graph.Tensor, error) {
	dt := graph.DType(t.GetDataType())
	out := &graph.Tensor{DType: dt, Dims: append([]int64{}, t.GetDims()...)}
	elems := int64(1)
	for _, d := range out.Dims {
		if d < 0 {
			return nil, fmt.Errorf("negative dim %d", d)
		}
		// Bytes must fit an int64 too (16 per complex128 element).
		if d > 0 && elems > math.MaxInt64/16/d {
			return nil, fmt.Errorf("dims %v: more elements than fit in memory", out.Dims)
		}
		elems *= d
	}
	if t.GetDataLocation() == onnxpb.TensorProto_EXTERNAL || len(t.GetExternalData()) > 0 {
		r.info.External = append(r.info.External, t.GetName())
		return out, nil
	}
	n := out.NumElements()
	if initializer && r.opts.MaxDataBytes > 0 && n*int64(max(dt.Size(), 1)) > r.opts.MaxDataBytes {
		r.info.Dropped = append(r.info.Dropped, t.GetName())
		return out, nil
	}
	if dt == graph.String {
		out.Strings = t.GetStringData()
		return out, nil
	}
	sz := dt.Size()
	if sz == 0 {
		return out, nil
	}
	if raw := t.GetRawData(); len(raw) > 0 || n == 0 {
		if int64(len(raw)) != n*int64(sz) {
			return nil, fmt.Errorf("raw_data has %d bytes for %d elements of %v", len(raw), n, dt)
		}
		out.Data = raw
		return out, nil
	}
	// Count the values before allocating: a small file may declare any
	// dims, and only values that are there may be stored.
	if have := typedCount(t, dt); have != n {
		return nil, fmt.Errorf("%d values for %d elements of %v", have, n, dt)
	}
	b := make([]byte, n*int64(sz))
	put := func(i int, bits uint64) {
		switch sz {
		case 1:
			b[i] = byte(bits)
		case 2:
			binary.LittleEndian.PutUint16(b[2*i:], uint16(bits))
		case 4:
			binary.LittleEndian.PutUint32(b[4*i:], uint32(bits))
		case 8:
			binary.LittleEndian.PutUint64(b[8*i:], bits)
		case 16:
			binary.LittleEndian.PutUint64(b[16*i:], bits)
		}
	}
	var have int
	switch dt {
	case graph.Float, graph.Complex64:
		f := t.GetFloatData()
		have = len(f)
		if dt == graph.Complex64 {
			for i := 0; i+1 < len(f); i += 2 {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f[i]))
				binary.LittleEndian.PutUint32(b[4*i+4:], math.Float32bits(f[i+1]))
			}
			have /= 2
			break
		}
		for i, v := range f {
			if i < int(n) {
				put(i, uint64(math.Float32bits(v)))
			}
		}
	case graph.Double, graph.Complex128:
		f := t.GetDoubleData()
		have = len(f)
		if dt == graph.Complex128 {
			for i, v := range f {
				if 8*i+8 <= len(b) {
					binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
				}
			}
			have /= 2
			break
		}
		for i, v := range f {
			if i < int(n) {
				put(i, math.Float64bits(v))
			}
		}
	case graph.Int64:
		v := t.GetInt64Data()
		have = len(v)
		for i, x := range v {
			if i < int(n) {
				put(i, uint64(x))
			}
		}
	case graph.Uint32, graph.Uint64:
		v := t.GetUint64Data()
		have = len(v)
		for i, x := range v {
			if i < int(n) {
				put(i, x)
			}
		}
	default:
		// int32_data carries every type of 32 bits or fewer, half floats
		// as their bit patterns.
		v := t.GetInt32Data()
		have = len(v)
		for i, x := range v {
			if i < int(n) {
				put(i, uint64(uint32(x)))
			}
		}
	}
	if int64(have) != n {
		return nil, fmt.Errorf("%d values for %d elements of %v", have, n, dt)
	}
	out.Data = b
	return out, nil
}

// typedCount is the number of elements a TensorProto's typed field holds
// for dt (a complex element is two numbers; an odd count holds none fully
// and never matches).
func typedCount(t *onnxpb.TensorProto, dt graph.DType) int64 {
	switch dt {
	case graph.Float:
		return int64(len(t.GetFloatData()))
	case graph.Complex64:
		return pairs(len(t.GetFloatData()))
	case graph.Double:
		return int64(len(t.GetDoubleData()))
	case graph.Complex128:
		return pairs(len(t.GetDoubleData()))
	case graph.Int64:
		return int64(len(t.GetInt64Data()))
	case graph.Uint32, graph.Uint64:
		return int64(len(t.GetUint64Data()))
	}
	return int64(len(t.GetInt32Data()))
}

func pairs(n int) int64 {
	if n%2 != 0 {
		return -1
	}
	return int64(n / 2)
}
