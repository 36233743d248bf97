// Package savedmodel reads TensorFlow SavedModel directories (TF2 exports
// such as tf.saved_model.save and Keras model.export, and TF1
// SavedModelBuilder exports) and TF1 checkpoints (a .meta MetaGraphDef and
// its tensor bundle), with no TensorFlow: it picks a meta graph by tags and
// a signature, and freezes the graph in Go by turning each variable the
// signature reads into a Const whose tensor_content aliases the
// memory-mapped variables shard. It hands package convert the same
// GraphDef-level graph package frozen does, with the tensors to convert and
// their ONNX names (the signature's keys). It knows nothing of ONNX.
package savedmodel

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// ErrNotSavedModel is wrapped by the errors about a directory or file that
// is not a usable SavedModel or checkpoint.
var ErrNotSavedModel = errors.New("not a usable SavedModel")

// Options pick what to read from a SavedModel.
type Options struct {
	// Tags select the meta graph (default: serve).
	Tags []string
	// Signature is the signature key (default: serving_default, else the
	// only signature, else the first by name).
	Signature string
	// ConcreteFunction, when not nil, picks the root's __call__ traced for
	// that input signature instead of a signature.
	ConcreteFunction *int
}

// Model is a frozen graph and what to convert in it.
type Model struct {
	Graph *tfpb.GraphDef
	// Inputs and Outputs are the signature's tensors in Graph, sorted by
	// key, as the Python converter orders them; InputNames and
	// OutputNames are the keys, the ONNX names. Empty for a checkpoint,
	// which has no signature.
	Inputs, Outputs         []frozen.Spec
	InputNames, OutputNames []string
	Signature               string
	// Variables is the number of variables turned into constants.
	Variables int
	Warnings  []string

	mg     *tfpb.MetaGraphDef
	bundle *Bundle
	dir    string
}

// Load reads the SavedModel in dir (or dir/saved_model.pb itself), selects
// the meta graph and signature, and freezes the variables the signature's
// outputs read.
func Load(dir string, opts Options) (*Model, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		if base := filepath.Base(dir); base != "saved_model.pb" && base != "saved_model.pbtxt" {
			return nil, notSavedModel("%s is a file, not a SavedModel directory (a frozen GraphDef converts with --graphdef, a .meta with --checkpoint)", dir)
		}
		dir = filepath.Dir(dir)
	}
	sm, err := readSavedModel(dir)
	if err != nil {
		return nil, err
	}
	tags := opts.Tags
	if len(tags) == 0 {
		tags = []string{"serve"}
	}
	mg, err := pickMetaGraph(dir, sm, tags)
	if err != nil {
		return nil, err
	}
	m := &Model{Graph: mg.GetGraphDef(), mg: mg, dir: dir}
	if m.Graph == nil || len(m.Graph.Node) == 0 {
		return nil, notSavedModel("%s: the meta graph %v has no graph", dir, tags)
	}
	if opts.ConcreteFunction != nil {
		if err := m.pickConcreteFunction(*opts.ConcreteFunction); err != nil {
			return nil, err
		}
		return m, nil
	}
	if err := m.pickSignature(opts.Signature); err != nil {
		return nil, err
	}
	return m, nil
}

func readSavedModel(dir string) (*tfpb.SavedModel, error) {
	sm := &tfpb.SavedModel{}
	pb := filepath.Join(dir, "saved_model.pb")
	data, err := frozen.MapFile(pb)
	if errors.Is(err, fs.ErrNotExist) {
		txt := filepath.Join(dir, "saved_model.pbtxt")
		data, err = os.ReadFile(txt)
		if errors.Is(err, fs.ErrNotExist) {
			if _, serr := os.Stat(dir); serr != nil {
				return nil, notSavedModel("%s: no such directory", dir)
			}
			return nil, notSavedModel("%s is not a SavedModel: it has no saved_model.pb", dir)
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", txt, err)
		}
		if err := (prototext.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, sm); err != nil {
			return nil, notSavedModel("%s: cannot parse as a text SavedModel", txt)
		}
		return sm, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", pb, err)
	}
	restore := aliasGraphs(data)
	if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, sm); err != nil {
		return nil, notSavedModel("%s: cannot parse as a SavedModel, the file is corrupt or truncated", pb)
	}
	for i, mg := range sm.MetaGraphs {
		if f := restore[i]; f != nil && mg.GraphDef != nil {
			f(mg.GraphDef)
		}
	}
	if len(sm.MetaGraphs) == 0 {
		return nil, notSavedModel("%s: no meta graphs; is it a SavedModel?", pb)
	}
	return sm, nil
}

// aliasGraphs finds each meta graph's GraphDef in the mapped
// saved_model.pb (SavedModel field 2, MetaGraphDef field 2) and prepares
// its large constants to alias the file, as frozen.Parse does for a .pb: a
// TF1 export can hold its weights as constants. It returns, by meta graph
// index, the function to apply to the decoded GraphDef. Malformed bytes
// are left to the decoder to report.
func aliasGraphs(data []byte) map[int]func(*tfpb.GraphDef) {
	out := map[int]func(*tfpb.GraphDef){}
	i := 0
	eachBytesField(data, func(num protowire.Number, mg []byte) {
		if num != 2 {
			return
		}
		eachBytesField(mg, func(num protowire.Number, gd []byte) {
			if num == 2 {
				out[i] = frozen.AliasTensorContents(gd)
			}
		})
		i++
	})
	return out
}

// eachBytesField calls f for each top-level length-delimited field of msg.
func eachBytesField(msg []byte, f func(num protowire.Number, v []byte)) {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return
		}
		msg = msg[n:]
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(msg)
			if m < 0 {
				return
			}
			f(num, v)
			msg = msg[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, msg)
		if m < 0 {
			return
		}
		msg = msg[m:]
	}
}

func pickMetaGraph(dir string, sm *tfpb.SavedModel, tags []string) (*tfpb.MetaGraphDef, error) {
	want := tagSet(tags)
	var have []string
	for _, mg := range sm.MetaGraphs {
		got := tagSet(mg.GetMetaInfoDef().GetTags())
		if got == want {
			return mg, nil
		}
		have = append(have, "--tag "+quoteTags(got))
	}
	return nil, notSavedModel("%s: no meta graph with tags %s; the SavedModel has %s",
		dir, quoteTags(want), strings.Join(have, ", "))
}

func tagSet(tags []string) string {
	s := append([]string(nil), tags...)
	sort.Strings(s)
	return strings.Join(s, ",")
}

func quoteTags(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

func (m *Model) pickSignature(name string) error {
	var names []string
	for k := range m.mg.GetSignatureDef() {
		if !strings.HasPrefix(k, "_") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if name == "" {
		switch {
		case m.mg.SignatureDef["serving_default"] != nil:
			name = "serving_default"
		case len(names) == 0:
			return notSavedModel("%s: the SavedModel has no signatures; name the tensors with --inputs and --outputs", m.dir)
		default:
			name = names[0]
			if len(names) > 1 {
				m.Warnings = append(m.Warnings, fmt.Sprintf("no --signature_def given and no serving_default; using %q of %s", name, strings.Join(names, ", ")))
			}
		}
	}
	sig := m.mg.SignatureDef[name]
	if sig == nil {
		return notSavedModel("%s: no signature %q; the SavedModel has %s", m.dir, name, strings.Join(names, ", "))
	}
	m.Signature = name
	var err error
	if m.Inputs, m.InputNames, err = signatureTensors(sig.Inputs, "input"); err != nil {
		return fmt.Errorf("%s: signature %q: %w", m.dir, name, err)
	}
	if m.Outputs, m.OutputNames, err = signatureTensors(sig.Outputs, "output"); err != nil {
		return fmt.Errorf("%s: signature %q: %w", m.dir, name, err)
	}
	if len(m.Outputs) == 0 {
		return notSavedModel("%s: signature %q has no outputs", m.dir, name)
	}
	return nil
}

// signatureTensors lists a signature's tensors sorted by key: the order in
// which TensorFlow flattens the signature's arguments and results, and so
// the Python converter's input and output order.
func signatureTensors(m map[string]*tfpb.TensorInfo, what string) ([]frozen.Spec, []string, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	specs := make([]frozen.Spec, len(keys))
	for i, k := range keys {
		name := m[k].GetName()
		if name == "" {
			return nil, nil, fmt.Errorf("%s %q is a sparse or composite tensor, which is not supported", what, k)
		}
		s, err := frozen.ParseSpec(name)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %q: %w", what, k, err)
		}
		specs[i] = s
	}
	return specs, keys, nil
}

// LoadCheckpoint reads a TF1 checkpoint: the MetaGraphDef in meta
// (model.ckpt.meta) and the tensor bundle beside it (model.ckpt.index and
// data shards). It has no signature: the caller names the tensors.
func LoadCheckpoint(meta string) (*Model, error) {
	data, err := os.ReadFile(meta)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notSavedModel("%s: no such file", meta)
		}
		return nil, fmt.Errorf("read %s: %w", meta, err)
	}
	mg := &tfpb.MetaGraphDef{}
	if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, mg); err != nil || len(mg.GetGraphDef().GetNode()) == 0 {
		return nil, notSavedModel("%s: not a MetaGraphDef (the .meta file a tf.compat.v1.train.Saver writes)", meta)
	}
	m := &Model{Graph: mg.GraphDef, mg: mg, dir: meta}
	prefix := strings.TrimSuffix(meta, ".meta")
	if _, err := os.Stat(prefix + ".index"); err != nil {
		v1, _ := filepath.Glob(prefix + "-?????-of-?????")
		if st, err := os.Stat(prefix); (err == nil && st.Mode().IsRegular()) || len(v1) > 0 {
			// The V1 format (a Saver with write_version=V1) has no .index.
			return nil, notSavedModel("%s: no %s.index beside it: a V1-format checkpoint? Only the V2 format (.index and .data files, TensorFlow's default since 1.x) is read", meta, prefix)
		}
		return nil, notSavedModel("%s: the checkpoint %s.index beside it is missing", meta, prefix)
	}
	b, err := OpenBundle(prefix)
	if err != nil {
		return nil, err
	}
	m.bundle = b
	return m, nil
}
