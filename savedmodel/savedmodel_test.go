package savedmodel

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

func node(gd *tfpb.GraphDef, name string) *tfpb.NodeDef {
	for _, n := range gd.Node {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// A TF2 tf.Module: the signature's keys name the tensors, sorted; the
// VarHandleOps the signature's call captures become Consts holding what
// TensorFlow reads from the checkpoint, aliasing the shard.
func TestLoadTF2(t *testing.T) {
	dir := filepath.Join(fixtures, "module")
	m, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Signature != "serving_default" || strings.Join(m.InputNames, ",") != "features" || strings.Join(m.OutputNames, ",") != "logits,probs" {
		t.Fatalf("signature %s, inputs %v, outputs %v", m.Signature, m.InputNames, m.OutputNames)
	}
	if m.Inputs[0].Tensor() != "serving_default_features:0" {
		t.Errorf("input tensor %s", m.Inputs[0].Tensor())
	}
	if err := m.Freeze(m.Inputs, m.Outputs); err != nil {
		t.Fatal(err)
	}
	if m.Variables != 2 {
		t.Errorf("%d variables frozen, want 2", m.Variables)
	}
	w := readWant(t, dir)
	for name, key := range map[string]string{"w": "w/.ATTRIBUTES/VARIABLE_VALUE", "b": "b/.ATTRIBUTES/VARIABLE_VALUE"} {
		n := node(m.Graph, name)
		if n == nil || n.Op != "Const" {
			t.Fatalf("node %s: %v", name, n)
		}
		tp := n.Attr["value"].GetTensor()
		checkTensor(t, name, tp, w[key])
		if !within(tp.TensorContent, m.bundle.shards[0]) {
			t.Errorf("%s: the constant is a copy of the shard's bytes", name)
		}
		// The graph-level decoder keeps the alias.
		gt, err := frozen.DecodeTensor(tp)
		if err != nil || !within(gt.Data, m.bundle.shards[0]) {
			t.Errorf("%s: frozen.DecodeTensor copied the bytes (%v)", name, err)
		}
	}
	other, err := Load(dir, Options{Signature: "double", Tags: []string{"serve"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(other.InputNames, ",") != "x" || strings.Join(other.OutputNames, ",") != "y" {
		t.Errorf("signature double: %v → %v", other.InputNames, other.OutputNames)
	}
}

// A TF1 SavedModelBuilder export whose saver renames the variables: the
// keys come from the restore ops.
func TestLoadTF1Builder(t *testing.T) {
	dir := filepath.Join(fixtures, "tf1")
	m, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Freeze(m.Inputs, m.Outputs); err != nil {
		t.Fatal(err)
	}
	w := readWant(t, dir)
	for name, key := range map[string]string{"w": "dense/kernel", "b": "dense/bias"} {
		n := node(m.Graph, name)
		if n == nil || n.Op != "Const" {
			t.Fatalf("node %s: %v", name, n)
		}
		checkTensor(t, name, n.Attr["value"].GetTensor(), w[key])
	}
}

// A TF1 checkpoint with a partitioned variable: each part reads its slice.
func TestLoadCheckpoint(t *testing.T) {
	dir := filepath.Join(fixtures, "partitioned")
	m, err := LoadCheckpoint(filepath.Join(dir, "model.ckpt.meta"))
	if err != nil {
		t.Fatal(err)
	}
	in, _ := frozen.ParseSpecs("x:0")
	out, _ := frozen.ParseSpecs("y:0")
	if err := m.Freeze(in, out); err != nil {
		t.Fatal(err)
	}
	if m.Variables != 3 {
		t.Errorf("%d variables frozen, want the 3 parts", m.Variables)
	}
	rows := 0
	for _, p := range []string{"emb/part_0", "emb/part_1", "emb/part_2"} {
		n := node(m.Graph, p)
		if n == nil || n.Op != "Const" {
			t.Fatalf("node %s: %v", p, n)
		}
		rows += int(n.Attr["value"].GetTensor().TensorShape.Dim[0].Size)
	}
	if rows != 7 {
		t.Errorf("the parts have %d rows, want 7", rows)
	}
}

// Bad inputs fail with one line naming the problem (and the choices).
func TestLoadErrors(t *testing.T) {
	empty := t.TempDir()
	cases := []struct {
		name string
		run  func() error
		want string
		is   error
	}{
		{"not a SavedModel", func() error { _, err := Load(empty, Options{}); return err }, "is not a SavedModel: it has no saved_model.pb", ErrNotSavedModel},
		{"a file", func() error {
			_, err := Load(filepath.Join(fixtures, "partitioned", "model.ckpt.meta"), Options{})
			return err
		}, "is a file, not a SavedModel directory", ErrNotSavedModel},
		{"the saved_model.pb itself", func() error {
			_, err := Load(filepath.Join(fixtures, "module", "saved_model.pb"), Options{})
			return err
		}, "", nil},
		{"no such directory", func() error { _, err := Load(filepath.Join(empty, "nope"), Options{}); return err }, "no such directory", ErrNotSavedModel},
		{"unknown tag", func() error {
			_, err := Load(filepath.Join(fixtures, "module"), Options{Tags: []string{"train"}})
			return err
		}, "no meta graph with tags train; the SavedModel has --tag serve", ErrNotSavedModel},
		{"unknown signature", func() error {
			_, err := Load(filepath.Join(fixtures, "module"), Options{Signature: "predict"})
			return err
		}, `no signature "predict"; the SavedModel has double, serving_default`, ErrNotSavedModel},
		{"corrupt saved_model.pb", func() error {
			dir := copyFixture(t, "module")
			os.Truncate(filepath.Join(dir, "saved_model.pb"), 1000)
			_, err := Load(dir, Options{})
			return err
		}, "corrupt or truncated", ErrNotSavedModel},
		{"no variables", func() error {
			dir := copyFixture(t, "module")
			os.RemoveAll(filepath.Join(dir, "variables"))
			m, err := Load(dir, Options{})
			if err != nil {
				return err
			}
			return m.Freeze(m.Inputs, m.Outputs)
		}, "variables.index is missing", ErrBadBundle},
		{"a variable the checkpoint lacks", func() error {
			m, err := Load(filepath.Join(fixtures, "tf1"), Options{})
			if err != nil {
				return err
			}
			// The saver's key list names a key the bundle does not hold.
			for _, n := range m.Graph.Node {
				if n.Op == "Const" && strings.HasPrefix(n.Name, "save/RestoreV2/tensor_names") {
					sv := n.Attr["value"].GetTensor().StringVal
					for i := range sv {
						sv[i] = append([]byte("renamed/"), sv[i]...)
					}
				}
			}
			return m.Freeze(m.Inputs, m.Outputs)
		}, `lacks its key "renamed/dense/`, ErrBadBundle},
		{"checkpoint without its index", func() error {
			dir := copyFixture(t, "partitioned")
			os.Remove(filepath.Join(dir, "model.ckpt.index"))
			_, err := LoadCheckpoint(filepath.Join(dir, "model.ckpt.meta"))
			return err
		}, "model.ckpt.index beside it is missing", ErrNotSavedModel},
		{"a mutable lookup table", func() error {
			gd := &tfpb.GraphDef{Node: []*tfpb.NodeDef{
				{Name: "keys", Op: "Placeholder"},
				{Name: "table", Op: "MutableHashTableV2"},
				{Name: "find", Op: "LookupTableFindV2", Input: []string{"table", "keys", "keys"}},
			}}
			m := &Model{Graph: gd, mg: &tfpb.MetaGraphDef{GraphDef: gd}, dir: "x"}
			in, _ := frozen.ParseSpecs("keys:0")
			out, _ := frozen.ParseSpecs("find:0")
			return m.Freeze(in, out)
		}, `node "table" (MutableHashTableV2): a table filled at run time (a mutable one) has no contents to convert`, ErrNotSavedModel},
		{"concrete function out of range", func() error {
			n := 3
			_, err := Load(filepath.Join(fixtures, "module"), Options{ConcreteFunction: &n})
			return err
		}, "no __call__ function", ErrNotSavedModel},
		{"a V1 checkpoint", func() error {
			dir := copyFixture(t, "partitioned")
			os.Remove(filepath.Join(dir, "model.ckpt.index"))
			os.WriteFile(filepath.Join(dir, "model.ckpt"), []byte("v1"), 0o644)
			_, err := LoadCheckpoint(filepath.Join(dir, "model.ckpt.meta"))
			return err
		}, "a V1-format checkpoint?", ErrNotSavedModel},
		{"checkpoint that is not a meta graph", func() error {
			_, err := LoadCheckpoint(filepath.Join(fixtures, "partitioned", "model.ckpt.index"))
			return err
		}, "not a MetaGraphDef", ErrNotSavedModel},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if c.is == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line containing %q", err, c.want)
			}
			if !errors.Is(err, c.is) {
				t.Errorf("error %q does not match %v", err, c.is)
			}
		})
	}
}

// A large constant in saved_model.pb's graph aliases the file's bytes
// (as in a .pb), small ones are decoded as usual.
func TestGraphConstantsAlias(t *testing.T) {
	big := make([]byte, 100<<10)
	for i := range big {
		big[i] = byte(i * 7)
	}
	konst := func(name string, content []byte) *tfpb.NodeDef {
		return &tfpb.NodeDef{Name: name, Op: "Const", Attr: map[string]*tfpb.AttrValue{
			"value": {Value: &tfpb.AttrValue_Tensor{Tensor: &tfpb.TensorProto{
				Dtype:         tfpb.DataType_DT_UINT8,
				TensorShape:   &tfpb.TensorShapeProto{Dim: []*tfpb.TensorShapeProto_Dim{{Size: int64(len(content))}}},
				TensorContent: content,
			}}}}}
	}
	sm := &tfpb.SavedModel{MetaGraphs: []*tfpb.MetaGraphDef{
		{MetaInfoDef: &tfpb.MetaGraphDef_MetaInfoDef{Tags: []string{"train"}}},
		{GraphDef: &tfpb.GraphDef{Node: []*tfpb.NodeDef{konst("small", []byte{1, 2, 3}), konst("big", big)}}},
	}}
	data, err := proto.Marshal(sm)
	if err != nil {
		t.Fatal(err)
	}
	restore := aliasGraphs(data)
	got := &tfpb.SavedModel{}
	if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, got); err != nil {
		t.Fatal(err)
	}
	gd := got.MetaGraphs[1].GraphDef
	restore[1](gd)
	tc := node(gd, "big").Attr["value"].GetTensor().TensorContent
	if !bytes.Equal(tc, big) || !within(tc, data) {
		t.Errorf("the large constant is not the file's bytes (equal %v, aliased %v)", bytes.Equal(tc, big), within(tc, data))
	}
	if sc := node(gd, "small").Attr["value"].GetTensor().TensorContent; !bytes.Equal(sc, []byte{1, 2, 3}) {
		t.Errorf("small constant %v", sc)
	}
}
