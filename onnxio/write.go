// Package onnxio moves graphs in and out of ONNX files: it builds a
// ModelProto from a graph.Graph, writes it atomically (a temp file beside
// the target, then rename), and reads ONNX models back into a graph.Graph
// (for the cost pass), without loading external weight data.
package onnxio

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/onnxpb"
)

// IRVersion is the ONNX IR version that goes with an opset (the newest IR
// the onnx release that introduced the opset wrote).
func IRVersion(opset int) int64 {
	switch {
	case opset <= 8:
		return 3
	case opset <= 11:
		return int64(opset - 5) // 9→4, 10→5, 11→6
	case opset <= 14:
		return 7
	case opset <= 18:
		return 8
	case opset <= 20:
		return 9
	case opset <= 22:
		return 10
	case opset <= 23:
		return 11
	case opset <= 24:
		return 12
	case opset <= 27:
		return 13
	}
	return 14
}

// ModelInfo is what the model header says about its producer.
type ModelInfo struct {
	Producer, Version string
	Opset             int
	ExtraDomains      map[string]int // other opset imports, e.g. org.tensorflow
	Doc               string
}

// ToProto builds the ModelProto of a fully mapped graph.
func ToProto(g *graph.Graph, info ModelInfo) (*onnxpb.ModelProto, error) {
	gp, err := graphProto(g, true)
	if err != nil {
		return nil, err
	}
	m := &onnxpb.ModelProto{
		IrVersion:       IRVersion(info.Opset),
		ProducerName:    info.Producer,
		ProducerVersion: info.Version,
		DocString:       info.Doc,
		Graph:           gp,
		OpsetImport:     []*onnxpb.OperatorSetIdProto{{Domain: "", Version: int64(info.Opset)}},
	}
	doms := make([]string, 0, len(info.ExtraDomains))
	for d := range info.ExtraDomains {
		doms = append(doms, d)
	}
	sort.Strings(doms)
	for _, d := range doms {
		m.OpsetImport = append(m.OpsetImport, &onnxpb.OperatorSetIdProto{Domain: d, Version: int64(info.ExtraDomains[d])})
	}
	return m, nil
}

func graphProto(g *graph.Graph, top bool) (*onnxpb.GraphProto, error) {
	gp := &onnxpb.GraphProto{Name: g.Name}
	for _, in := range g.Inputs {
		gp.Input = append(gp.Input, valueInfo(g, in))
	}
	for _, out := range g.Outputs {
		gp.Output = append(gp.Output, valueInfo(g, out))
	}
	names := make([]string, 0, len(g.Consts))
	for c := range g.Consts {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		gp.Initializer = append(gp.Initializer, TensorProto(c, g.Consts[c]))
	}
	for _, n := range g.Nodes {
		np := &onnxpb.NodeProto{Name: n.Name, OpType: n.Op, Domain: n.Domain, Input: trimOptional(n.Inputs), Output: n.Outputs}
		keys := make([]string, 0, len(n.Attrs))
		for k := range n.Attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			a, err := attrProto(k, n.Attrs[k], n.Domain != "")
			if err != nil {
				return nil, fmt.Errorf("node %q (%s): %w", n.Name, n.Op, err)
			}
			if a != nil {
				np.Attribute = append(np.Attribute, a)
			}
		}
		gp.Node = append(gp.Node, np)
		if top {
			continue
		}
	}
	// Intermediate types help runtimes and readers; inputs, outputs and
	// initializers already carry theirs.
	skip := map[string]bool{}
	for _, v := range append(append([]string{}, g.Inputs...), g.Outputs...) {
		skip[v] = true
	}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o == "" || skip[o] {
				continue
			}
			if v := g.Values[o]; v != nil && v.DType != graph.Undefined {
				gp.ValueInfo = append(gp.ValueInfo, valueInfo(g, o))
			}
		}
	}
	return gp, nil
}

// trimOptional drops trailing omitted inputs; inner ones stay as "".
func trimOptional(in []string) []string {
	n := len(in)
	for n > 0 && in[n-1] == "" {
		n--
	}
	return in[:n]
}

func valueInfo(g *graph.Graph, name string) *onnxpb.ValueInfoProto {
	vi := &onnxpb.ValueInfoProto{Name: name}
	dt := g.DTypeOf(name)
	s := g.ShapeOf(name)
	tt := &onnxpb.TypeProto_Tensor{ElemType: int32(dt)}
	if s.Known {
		tt.Shape = &onnxpb.TensorShapeProto{}
		for _, d := range s.Dims {
			dim := &onnxpb.TensorShapeProto_Dimension{}
			switch {
			case d.Known():
				dim.Value = &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: d.Size}
			case d.Name != "":
				dim.Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: d.Name}
			}
			tt.Shape.Dim = append(tt.Shape.Dim, dim)
		}
	}
	vi.Type = &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: tt}}
	return vi
}

// TensorProto encodes a constant; numeric data goes to raw_data.
func TensorProto(name string, t *graph.Tensor) *onnxpb.TensorProto {
	tp := &onnxpb.TensorProto{Name: name, DataType: int32(t.DType), Dims: append([]int64{}, t.Dims...)}
	if t.DType == graph.String {
		tp.StringData = t.Strings
	} else {
		tp.RawData = t.Data
	}
	return tp
}

func attrProto(name string, v any, custom bool) (*onnxpb.AttributeProto, error) {
	a := &onnxpb.AttributeProto{Name: name}
	switch x := v.(type) {
	case int64:
		a.Type, a.I = onnxpb.AttributeProto_INT, x
	case int:
		a.Type, a.I = onnxpb.AttributeProto_INT, int64(x)
	case float32:
		a.Type, a.F = onnxpb.AttributeProto_FLOAT, x
	case string:
		a.Type, a.S = onnxpb.AttributeProto_STRING, []byte(x)
	case []int64:
		a.Type, a.Ints = onnxpb.AttributeProto_INTS, x
	case []float32:
		a.Type, a.Floats = onnxpb.AttributeProto_FLOATS, x
	case []string:
		a.Type = onnxpb.AttributeProto_STRINGS
		for _, s := range x {
			a.Strings = append(a.Strings, []byte(s))
		}
	case *graph.Tensor:
		a.Type, a.T = onnxpb.AttributeProto_TENSOR, TensorProto("", x)
	case *graph.Graph:
		gp, err := graphProto(x, false)
		if err != nil {
			return nil, err
		}
		a.Type, a.G = onnxpb.AttributeProto_GRAPH, gp
	case bool, graph.DType:
		if !custom {
			return nil, fmt.Errorf("attribute %s has TensorFlow-only kind %T", name, v)
		}
		i := int64(0)
		if b, ok := x.(bool); ok && b {
			i = 1
		} else if d, ok := x.(graph.DType); ok {
			i = int64(d)
		}
		a.Type, a.I = onnxpb.AttributeProto_INT, i
	default:
		if custom {
			return nil, nil // TF-only attribute kinds are dropped from kept TF nodes
		}
		return nil, fmt.Errorf("attribute %s has unsupported kind %T", name, v)
	}
	return a, nil
}

// WriteOptions say how Write lays out the weights.
type WriteOptions struct {
	// ExternalData puts every initializer of at least externalMin bytes in
	// a file beside the model (<model>.data, ONNX's external-data layout:
	// data_location EXTERNAL, with location, offset and length). Write turns
	// it on by itself when the model would pass protobuf's 2 GB cap.
	ExternalData bool
}

// protobufCap is the size past which protobuf readers refuse a message; a
// margin below 2 GiB leaves room for the graph's own fields.
const protobufCap = 2<<30 - 64<<20

// externalMin: smaller initializers stay inline, as onnx's own converter
// does (its default size_threshold is 1 KiB).
const externalMin = 1024

// externalAlign aligns each external tensor to a page, so readers can map it.
const externalAlign = 4096

// Write serializes the model to path atomically: nothing appears at path
// unless the whole file was written. Initializers are streamed one by one
// from the tensors' own bytes, so writing never holds a second copy of the
// weights (peak memory stays near the model's size). With external data,
// the data file is written (atomically too) before the model that points
// into it. Returns the size of the model file plus its data file.
func Write(path string, m *onnxpb.ModelProto, opts WriteOptions) (int64, error) {
	var raw int64
	for _, tp := range m.GetGraph().GetInitializer() {
		raw += int64(len(tp.RawData))
	}
	var ext *externalLayout
	if opts.ExternalData || raw > protobufCap {
		var err error
		if ext, err = writeExternal(path, m); err != nil {
			return 0, err
		}
	}
	var size int64
	err := writeAtomic(path, func(w io.Writer) error {
		n, err := encodeModel(w, m, ext)
		size = n
		return err
	})
	if ext != nil {
		size += ext.size
	}
	return size, err
}

// externalLayout records where each initializer's bytes went in the data
// file (by initializer index).
type externalLayout struct {
	location string
	offset   map[int]int64
	size     int64
}

// place reports the data-file offset of initializer i, if it went there.
func (l *externalLayout) place(i int) (int64, bool) {
	if l == nil {
		return 0, false
	}
	off, ok := l.offset[i]
	return off, ok
}

func writeExternal(path string, m *onnxpb.ModelProto) (*externalLayout, error) {
	lay := &externalLayout{location: filepath.Base(path) + ".data", offset: map[int]int64{}}
	err := writeAtomic(filepath.Join(filepath.Dir(path), lay.location), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		pad := make([]byte, externalAlign)
		for i, tp := range m.Graph.Initializer {
			if len(tp.RawData) < externalMin {
				continue
			}
			if r := lay.size % externalAlign; r != 0 {
				if _, err := bw.Write(pad[:externalAlign-r]); err != nil {
					return err
				}
				lay.size += externalAlign - r
			}
			lay.offset[i] = lay.size
			if _, err := bw.Write(tp.RawData); err != nil {
				return err
			}
			lay.size += int64(len(tp.RawData))
		}
		return bw.Flush()
	})
	return lay, err
}

// encodeModel writes m in protobuf wire format: the model's own fields, then
// the graph (field 7) as its small fields followed by each initializer
// (graph field 5), each initializer's raw_data (tensor field 9) last. Field
// order is free in the wire format; readers take these bytes as the same
// message proto.Marshal would give.
// With ext, the initializers it placed carry external_data entries instead
// of raw_data.
func encodeModel(w io.Writer, m *onnxpb.ModelProto, ext *externalLayout) (int64, error) {
	det := proto.MarshalOptions{Deterministic: true}
	g := m.Graph
	inits := g.GetInitializer()
	// Shallow copies without the big parts (proto.Clone would copy the
	// weights only to drop them).
	headBytes, err := det.Marshal(&onnxpb.ModelProto{
		IrVersion: m.IrVersion, OpsetImport: m.OpsetImport, ProducerName: m.ProducerName,
		ProducerVersion: m.ProducerVersion, Domain: m.Domain, ModelVersion: m.ModelVersion,
		DocString: m.DocString, MetadataProps: m.MetadataProps, Functions: m.Functions,
	})
	if err != nil {
		return 0, err
	}
	shellBytes, err := det.Marshal(&onnxpb.GraphProto{
		Node: g.Node, Name: g.Name, SparseInitializer: g.SparseInitializer, DocString: g.DocString,
		Input: g.Input, Output: g.Output, ValueInfo: g.ValueInfo, MetadataProps: g.MetadataProps,
	})
	if err != nil {
		return 0, err
	}
	type part struct {
		head []byte
		raw  []byte
	}
	parts := make([]part, len(inits))
	graphLen := int64(len(shellBytes))
	for i, tp := range inits {
		head := &onnxpb.TensorProto{
			Dims: tp.Dims, DataType: tp.DataType, Segment: tp.Segment, FloatData: tp.FloatData,
			Int32Data: tp.Int32Data, StringData: tp.StringData, Int64Data: tp.Int64Data, Name: tp.Name,
			DocString: tp.DocString, ExternalData: tp.ExternalData, DataLocation: tp.DataLocation,
			DoubleData: tp.DoubleData, Uint64Data: tp.Uint64Data, MetadataProps: tp.MetadataProps,
		}
		raw := tp.RawData
		if off, ok := ext.place(i); ok {
			head.DataLocation = onnxpb.TensorProto_EXTERNAL
			head.ExternalData = []*onnxpb.StringStringEntryProto{
				{Key: "location", Value: ext.location},
				{Key: "offset", Value: strconv.FormatInt(off, 10)},
				{Key: "length", Value: strconv.Itoa(len(raw))},
			}
			raw = nil
		}
		hb, err := det.Marshal(head)
		if err != nil {
			return 0, err
		}
		if len(raw) > 0 {
			hb = protowire.AppendTag(hb, 9, protowire.BytesType)
			hb = protowire.AppendVarint(hb, uint64(len(raw)))
		}
		parts[i] = part{hb, raw}
		n := int64(len(hb) + len(raw))
		graphLen += int64(protowire.SizeTag(5)+protowire.SizeVarint(uint64(n))) + n
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	total := int64(0)
	put := func(b []byte) {
		if err == nil {
			_, err = bw.Write(b)
			total += int64(len(b))
		}
	}
	put(headBytes)
	put(protowire.AppendVarint(protowire.AppendTag(nil, 7, protowire.BytesType), uint64(graphLen)))
	put(shellBytes)
	for _, p := range parts {
		n := uint64(len(p.head) + len(p.raw))
		put(protowire.AppendVarint(protowire.AppendTag(nil, 5, protowire.BytesType), n))
		put(p.head)
		put(p.raw)
	}
	if err == nil {
		err = bw.Flush()
	}
	return total, err
}

// WriteFileAtomic writes data to a temp file in path's folder and renames
// it over path.
func WriteFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func writeAtomic(path string, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	werr := fill(f)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}
