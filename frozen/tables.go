package frozen

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// Attributes AttachTables gives a table node (HashTableV2): its contents,
// keys and values as 1-D tensors in insertion order, or why they are not
// known. The mapping reads them where the graph looks the table up.
const (
	TableKeysAttr   = "_tf2onnx_table_keys"
	TableValuesAttr = "_tf2onnx_table_values"
	TableErrorAttr  = "_tf2onnx_table_error"
)

// TableSource says where a table's vocabulary files are.
type TableSource struct {
	// Dir is the folder of the model file: a relative vocabulary path in
	// the graph is tried there when it does not exist as written.
	Dir string
	// Assets maps tensors (`node:0`) that stand for asset files at run
	// time to the files: a SavedModel's asset_file_def, whose paths in the
	// graph are those of the machine that saved it.
	Assets map[string]string
}

// tableInitOps fill a table once; inputs 0 (the table), then keys and
// values, or the file name.
var tableInitOps = map[string]bool{
	"InitializeTableV2": true, "InitializeTable": true,
	"LookupTableImportV2": true, "LookupTableImport": true,
	"InitializeTableFromTextFileV2": true, "InitializeTableFromTextFile": true,
}

// TableOps make tables whose contents can be known at conversion: filled
// once by one of tableInitOps.
var TableOps = map[string]bool{"HashTableV2": true, "HashTable": true}

// maxCallDepth bounds how deep AttachTables follows function calls to an
// initializer (a SavedModel's init op calls the table's _initializer
// function; nothing deeper is expected), and maxScanNodes how many nodes it
// reads in all: a hostile file's functions calling each other many times
// per level would otherwise multiply.
const (
	maxCallDepth = 8
	maxScanNodes = 1 << 22
)

// maxVocabBytes bounds a vocabulary file read into the model.
const maxVocabBytes = 1 << 31

// AttachTables reads the whole GraphDef, whether or not the init ops are
// upstream of the outputs, for the ops that fill hash tables with known
// contents (constant keys and values, or a vocabulary file), in the graph
// and in the functions it calls with the table as an argument (a TF2
// SavedModel's init op calls each table's initializer function), and
// records on each table node what it holds (TableKeysAttr,
// TableValuesAttr) or why that is not known (TableErrorAttr).
//
// A table already annotated is left as it is, so calling it again (the
// SavedModel reader, then the conversion) changes nothing; calls are
// serialized, so that conversions of one GraphDef may run at once.
func AttachTables(gd *tfpb.GraphDef, src TableSource) {
	if !hasTables(gd) {
		return
	}
	attachMu.Lock()
	defer attachMu.Unlock()
	funcs := map[string]*tfpb.FunctionDef{}
	for _, f := range gd.GetLibrary().GetFunction() {
		funcs[f.GetSignature().GetName()] = f
	}
	top := &tableScope{nodes: map[string]*tfpb.NodeDef{}, funcs: funcs, src: src, budget: new(int)}
	for _, n := range gd.Node {
		top.nodes[n.Name] = n
	}
	top.top = top
	top.scan(gd.Node, 0)
}

var attachMu sync.Mutex

// hasTables reports a table op anywhere in the GraphDef: most graphs have
// none, and need no index of their nodes.
func hasTables(gd *tfpb.GraphDef) bool {
	for _, n := range gd.Node {
		if TableOps[n.Op] {
			return true
		}
	}
	for _, f := range gd.GetLibrary().GetFunction() {
		for _, n := range f.NodeDef {
			if TableOps[n.Op] {
				return true
			}
		}
	}
	return false
}

// tableScope is the graph or a function body being read, with the values
// its arguments are bound to.
type tableScope struct {
	nodes  map[string]*tfpb.NodeDef
	args   map[string]tableRef
	funcs  map[string]*tfpb.FunctionDef
	src    TableSource
	top    *tableScope
	inFunc bool
	budget *int // nodes scanned, shared by all scopes
}

type tableRef struct {
	scope *tableScope
	ref   string
}

func (s *tableScope) scan(nodes []*tfpb.NodeDef, depth int) {
	for _, n := range nodes {
		if *s.budget++; *s.budget > maxScanNodes {
			return
		}
		if tableInitOps[n.Op] {
			s.initTable(n)
			continue
		}
		name := ""
		switch {
		case n.Op == "StatefulPartitionedCall" || n.Op == "PartitionedCall":
			name = n.Attr["f"].GetFunc().GetName()
		case s.funcs[n.Op] != nil:
			name = n.Op
		}
		f := s.funcs[name]
		if f == nil || depth >= maxCallDepth {
			continue
		}
		// Only calls that pass a table matter.
		inner := &tableScope{nodes: map[string]*tfpb.NodeDef{}, args: map[string]tableRef{}, funcs: s.funcs, src: s.src, top: s.top, inFunc: true, budget: s.budget}
		var data []string
		for _, ref := range n.Input {
			if !strings.HasPrefix(ref, "^") {
				data = append(data, ref)
			}
		}
		passesTable := false
		for i, a := range f.GetSignature().GetInputArg() {
			if i < len(data) {
				inner.args[a.Name] = tableRef{s, data[i]}
				if t := s.resolve(data[i]); t.node != nil && TableOps[t.node.Op] {
					passesTable = true
				}
			}
		}
		if !passesTable {
			continue
		}
		for _, fn := range f.NodeDef {
			inner.nodes[fn.Name] = fn
		}
		inner.scan(f.NodeDef, depth+1)
	}
}

// resolved is a node a reference leads to, past Identity nodes and
// function arguments, in the scope that holds it.
type resolved struct {
	scope *tableScope
	node  *tfpb.NodeDef
	port  int
}

// resolve follows ref through Identity nodes and bound function arguments.
func (s *tableScope) resolve(ref string) resolved {
	for hops := 0; hops < 64; hops++ {
		ref = strings.TrimPrefix(ref, "^")
		name, port := ref, 0
		if s.inFunc {
			// Inside a function: `arg`, or `node:output_arg:k`.
			if b, ok := s.args[ref]; ok && !strings.Contains(ref, ":") {
				s, ref = b.scope, b.ref
				continue
			}
			parts := strings.Split(ref, ":")
			name = parts[0]
			if len(parts) == 3 {
				port, _ = strconv.Atoi(parts[2])
			}
		} else {
			name, port, _ = SplitTensorName(ref)
		}
		n := s.nodes[name]
		if n == nil {
			return resolved{}
		}
		if n.Op == "Identity" && len(n.Input) > 0 {
			ref = n.Input[0]
			continue
		}
		if n.Op == "IdentityN" && port < len(n.Input) {
			ref = n.Input[port]
			continue
		}
		return resolved{s, n, port}
	}
	return resolved{}
}

func (s *tableScope) initTable(n *tfpb.NodeDef) {
	if len(n.Input) < 2 {
		return
	}
	t := s.resolve(n.Input[0])
	if t.node == nil || !TableOps[t.node.Op] {
		return // a table of a kind whose lookups are refused anyway
	}
	table := t.node
	if table.Attr[TableKeysAttr] != nil || table.Attr[TableErrorAttr] != nil {
		// Filled twice (a SavedModel's init op and a TF1 initializer):
		// the first reading stands.
		return
	}
	keyDT, _ := DType(table.Attr["key_dtype"].GetType())
	valDT, _ := DType(table.Attr["value_dtype"].GetType())
	var keys, vals *graph.Tensor
	var err error
	if strings.HasPrefix(n.Op, "InitializeTableFromTextFile") {
		keys, vals, err = s.textFileTable(n, keyDT, valDT)
	} else if len(n.Input) >= 3 {
		keys, err = s.constant(n.Input[1])
		if err == nil {
			vals, err = s.constant(n.Input[2])
		}
		if err == nil && (keys.DType != keyDT || vals.DType != valDT) {
			err = fmt.Errorf("its keys are %v and values %v, the table holds %v → %v", keys.DType, vals.DType, keyDT, valDT)
		}
		if err == nil && keys.NumElements() != vals.NumElements() {
			err = fmt.Errorf("%d keys but %d values", keys.NumElements(), vals.NumElements())
		}
	}
	if err != nil {
		setAttr(table, TableErrorAttr, &tfpb.AttrValue{Value: &tfpb.AttrValue_S{S: []byte(fmt.Sprintf("%s %q: %v", n.Op, n.Name, err))}})
		return
	}
	kp, err1 := encodeTable(keys)
	vp, err2 := encodeTable(vals)
	if err := errors.Join(err1, err2); err != nil {
		setAttr(table, TableErrorAttr, &tfpb.AttrValue{Value: &tfpb.AttrValue_S{S: []byte(fmt.Sprintf("%s %q: %v", n.Op, n.Name, err))}})
		return
	}
	setAttr(table, TableKeysAttr, &tfpb.AttrValue{Value: &tfpb.AttrValue_Tensor{Tensor: kp}})
	setAttr(table, TableValuesAttr, &tfpb.AttrValue{Value: &tfpb.AttrValue_Tensor{Tensor: vp}})
}

func setAttr(n *tfpb.NodeDef, k string, v *tfpb.AttrValue) {
	if n.Attr == nil {
		n.Attr = map[string]*tfpb.AttrValue{}
	}
	n.Attr[k] = v
}

// constant evaluates ref when it is a constant, or the few ops TF's own
// table helpers put between constants and the initializer
// (index_table_from_tensor's Cast(Range(Size(vocab)))), or an asset path.
func (s *tableScope) constant(ref string) (*graph.Tensor, error) {
	return s.constantDepth(ref, 0)
}

func (s *tableScope) constantDepth(ref string, depth int) (*graph.Tensor, error) {
	if depth > 16 {
		return nil, fmt.Errorf("%q is too deep a computation to read at conversion", ref)
	}
	r := s.resolve(ref)
	if r.node == nil {
		return nil, fmt.Errorf("%q is not a node of the graph", ref)
	}
	n := r.node
	if !r.scope.inFunc {
		if path, ok := r.scope.src.Assets[n.Name+":"+strconv.Itoa(r.port)]; ok {
			return &graph.Tensor{DType: graph.String, Strings: [][]byte{[]byte(path)}}, nil
		}
	}
	arg := func(i int) (*graph.Tensor, error) {
		if i >= len(n.Input) {
			return nil, fmt.Errorf("node %q (%s) lacks input %d", n.Name, n.Op, i)
		}
		return r.scope.constantDepth(n.Input[i], depth+1)
	}
	switch n.Op {
	case "Const":
		return DecodeTensor(n.Attr["value"].GetTensor())
	case "ReadVariableOp":
		// A TF2 SavedModel keeps an asset's path in a variable assigned
		// from the asset placeholder.
		if len(n.Input) == 0 {
			break
		}
		v := r.scope.resolve(n.Input[0])
		if v.node != nil && v.node.Op == "VarHandleOp" {
			for _, m := range v.scope.nodes {
				if m.Op == "AssignVariableOp" && len(m.Input) >= 2 {
					if w := v.scope.resolve(m.Input[0]); w.node == v.node {
						return v.scope.constantDepth(m.Input[1], depth+1)
					}
				}
			}
		}
	case "Cast":
		x, err := arg(0)
		if err != nil {
			return nil, err
		}
		to, _ := DType(n.Attr["DstT"].GetType())
		if x.DType == graph.String || to == graph.String || to == graph.Undefined {
			break
		}
		if to.IsInt() || to == graph.Bool {
			return graph.NewIntTensor(to, x.Dims, x.Int64s()), nil
		}
		return graph.NewTensor(to, x.Dims, x.Float64s()), nil
	case "Size":
		x, err := arg(0)
		if err != nil {
			return nil, err
		}
		to, _ := DType(n.Attr["out_type"].GetType())
		k := x.NumElements()
		if x.DType == graph.String {
			k = int64(len(x.Strings))
		}
		return graph.NewIntTensor(to, nil, []int64{k}), nil
	case "Range":
		a, err1 := arg(0)
		b, err2 := arg(1)
		d, err3 := arg(2)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, err
		}
		if !a.DType.IsInt() || a.NumElements() != 1 || b.NumElements() != 1 || d.NumElements() != 1 {
			break
		}
		start, limit, delta := a.Int64s()[0], b.Int64s()[0], d.Int64s()[0]
		const bound = 1 << 40 // keeps limit-start from wrapping
		if delta == 0 || max(start, limit, delta) > bound || min(start, limit, delta) < -bound || (limit-start)/delta > 1<<24 {
			break
		}
		var vals []int64
		for v := start; (delta > 0 && v < limit) || (delta < 0 && v > limit); v += delta {
			vals = append(vals, v)
		}
		return graph.NewIntTensor(a.DType, []int64{int64(len(vals))}, vals), nil
	}
	return nil, fmt.Errorf("%q comes from node %q (%s), not a constant", ref, n.Name, n.Op)
}

// textFileTable reads a vocabulary file as TensorFlow's
// InitializeTableFromTextFileV2 does: one entry per line (no empty line),
// key and value the whole line (-2), the line number plus offset (-1) or a
// column split at the one-byte delimiter; at most vocab_size lines, and
// exactly that many when it is set.
func (s *tableScope) textFileTable(n *tfpb.NodeDef, keyDT, valDT graph.DType) (*graph.Tensor, *graph.Tensor, error) {
	name, err := s.constant(n.Input[1])
	if err != nil {
		return nil, nil, fmt.Errorf("the vocabulary file name: %v", err)
	}
	if name.DType != graph.String || len(name.Strings) != 1 {
		return nil, nil, fmt.Errorf("the vocabulary file name is not one string")
	}
	path, err := s.findFile(string(name.Strings[0]))
	if err != nil {
		return nil, nil, err
	}
	keyIndex := n.Attr["key_index"].GetI()
	valIndex := n.Attr["value_index"].GetI()
	vocabSize := int64(-1)
	if a, ok := n.Attr["vocab_size"]; ok {
		vocabSize = a.GetI()
	}
	offset := n.Attr["offset"].GetI()
	delim := byte('\t')
	if a, ok := n.Attr["delimiter"]; ok && len(a.GetS()) > 0 {
		delim = a.GetS()[0]
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("vocabulary file %s: %v", path, err)
	}
	defer f.Close()
	kb := newColumn(keyDT)
	vb := newColumn(valDT)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<30)
	var line int64
	for sc.Scan() {
		if vocabSize >= 0 && line >= vocabSize {
			break
		}
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" {
			return nil, nil, fmt.Errorf("vocabulary file %s: line %d is empty (TensorFlow refuses it)", path, line+1)
		}
		var cols []string
		if max(keyIndex, valIndex) >= 0 {
			cols = strings.Split(text, string(delim))
			if int64(len(cols)) <= max(keyIndex, valIndex) {
				return nil, nil, fmt.Errorf("vocabulary file %s: line %d has %d columns, the table reads column %d", path, line+1, len(cols), max(keyIndex, valIndex))
			}
		}
		for _, c := range []struct {
			b     *column
			index int64
		}{{kb, keyIndex}, {vb, valIndex}} {
			if err := c.b.add(text, cols, c.index, line, offset); err != nil {
				return nil, nil, fmt.Errorf("vocabulary file %s: line %d: %v", path, line+1, err)
			}
		}
		line++
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("vocabulary file %s: %v", path, err)
	}
	if vocabSize >= 0 && line != vocabSize {
		return nil, nil, fmt.Errorf("vocabulary file %s has %d lines, the table expects vocab_size %d", path, line, vocabSize)
	}
	return kb.tensor(), vb.tensor(), nil
}

// findFile finds a vocabulary file: as written, else relative to the
// model's folder, else by its base name there (a graph frozen on another
// machine keeps that machine's absolute path).
func (s *tableScope) findFile(p string) (string, error) {
	tries := []string{p}
	if s.src.Dir != "" {
		if !filepath.IsAbs(p) {
			tries = append(tries, filepath.Join(s.src.Dir, p))
		}
		tries = append(tries, filepath.Join(s.src.Dir, filepath.Base(p)))
	}
	for _, t := range tries {
		if st, err := os.Stat(t); err == nil && st.Mode().IsRegular() {
			if st.Size() > maxVocabBytes {
				return "", fmt.Errorf("vocabulary file %s has %d bytes, more than the %d read", t, st.Size(), int64(maxVocabBytes))
			}
			return t, nil
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("vocabulary file %s: %v", t, err)
		}
	}
	if len(tries) > 1 {
		return "", fmt.Errorf("vocabulary file %s not found (nor %s)", p, strings.Join(tries[1:], ", "))
	}
	return "", fmt.Errorf("vocabulary file %s not found", p)
}

// column gathers one side of a text file table.
type column struct {
	dt    graph.DType
	ints  []int64
	flts  []float64
	strs  [][]byte
	count int64
}

func newColumn(dt graph.DType) *column { return &column{dt: dt} }

func (c *column) add(line string, cols []string, index, lineNo, offset int64) error {
	c.count++
	if index == -1 {
		if c.dt != graph.Int64 {
			return fmt.Errorf("a line-number column needs an int64 table side, not %v", c.dt)
		}
		c.ints = append(c.ints, lineNo+offset)
		return nil
	}
	tok := line
	if index >= 0 {
		tok = cols[index]
	} else if index != -2 {
		return fmt.Errorf("column index %d", index)
	}
	switch c.dt {
	case graph.String:
		c.strs = append(c.strs, []byte(tok))
	case graph.Int32:
		v, err := strconv.ParseInt(strings.TrimSpace(tok), 10, 32)
		if err != nil {
			return fmt.Errorf("%q is not an int32", tok)
		}
		// TensorFlow adds the offset to int32 fields (not to int64 ones).
		c.ints = append(c.ints, int64(int32(v+offset)))
	case graph.Int64:
		v, err := strconv.ParseInt(strings.TrimSpace(tok), 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an int64", tok)
		}
		c.ints = append(c.ints, v)
	case graph.Float, graph.Double:
		bits := 64
		if c.dt == graph.Float {
			bits = 32
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(tok), bits)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("%q is not a %v", tok, c.dt)
		}
		if math.IsInf(v, 0) && !strings.Contains(strings.ToLower(tok), "inf") {
			return fmt.Errorf("%q is out of %v's range", tok, c.dt)
		}
		c.flts = append(c.flts, v)
	default:
		return fmt.Errorf("a %v table side cannot be read from a file", c.dt)
	}
	return nil
}

func (c *column) tensor() *graph.Tensor {
	dims := []int64{c.count}
	switch {
	case c.dt == graph.String:
		return &graph.Tensor{DType: graph.String, Dims: dims, Strings: c.strs}
	case c.dt.IsInt():
		return graph.NewIntTensor(c.dt, dims, c.ints)
	}
	return graph.NewTensor(c.dt, dims, c.flts)
}

// encodeTable writes a table side as a 1-D TensorProto.
func encodeTable(t *graph.Tensor) (*tfpb.TensorProto, error) {
	var dt tfpb.DataType
	switch t.DType {
	case graph.String:
		dt = tfpb.DataType_DT_STRING
	case graph.Int32:
		dt = tfpb.DataType_DT_INT32
	case graph.Int64:
		dt = tfpb.DataType_DT_INT64
	case graph.Float:
		dt = tfpb.DataType_DT_FLOAT
	case graph.Double:
		dt = tfpb.DataType_DT_DOUBLE
	case graph.Bool:
		dt = tfpb.DataType_DT_BOOL
	default:
		return nil, fmt.Errorf("a table of %v is not supported", t.DType)
	}
	k := t.NumElements()
	if t.DType == graph.String {
		k = int64(len(t.Strings))
	}
	p := &tfpb.TensorProto{Dtype: dt, TensorShape: &tfpb.TensorShapeProto{Dim: []*tfpb.TensorShapeProto_Dim{{Size: k}}}}
	if t.DType == graph.String {
		p.StringVal = t.Strings
	} else {
		p.TensorContent = t.Data
	}
	return p, nil
}
