package frozen

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// tableGraph is a text GraphDef with a table t filled from the file whose
// name the constant holds, with the init op's attributes attrs; nothing
// downstream of the outputs reads the init op.
func tableGraph(t *testing.T, file, attrs string, keyDT, valDT string) *tfpb.GraphDef {
	t.Helper()
	txt := `
node { name: "t" op: "HashTableV2" attr { key: "key_dtype" value { type: ` + keyDT + ` } }
       attr { key: "value_dtype" value { type: ` + valDT + ` } } }
node { name: "f" op: "Const" attr { key: "dtype" value { type: DT_STRING } }
       attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { } string_val: "` + file + `" } } } }
node { name: "init" op: "InitializeTableFromTextFileV2" input: "t" input: "f" ` + attrs + ` }
`
	gd, err := Parse("t.pbtxt", []byte(txt))
	if err != nil {
		t.Fatal(err)
	}
	return gd
}

func TestTextFileTables(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "v.txt"), []byte("a,1,x\r\nb,2,y\nc,3,z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	idx := func(k, v int, more string) string {
		return `attr { key: "key_index" value { i: ` + strconv.Itoa(k) + ` } } attr { key: "value_index" value { i: ` + strconv.Itoa(v) + ` } } ` + more
	}
	comma := `attr { key: "delimiter" value { s: "," } } `
	for _, tc := range []struct {
		name, attrs, kdt, vdt string
		keys, vals            string // the decoded tensors, printed
		err                   string
	}{
		{name: "whole line to line number", attrs: idx(-2, -1, ""), kdt: "DT_STRING", vdt: "DT_INT64",
			keys: "[a,1,x b,2,y c,3,z]", vals: "[0 1 2]"},
		{name: "offset", attrs: idx(-2, -1, `attr { key: "offset" value { i: 10 } }`), kdt: "DT_STRING", vdt: "DT_INT64",
			keys: "[a,1,x b,2,y c,3,z]", vals: "[10 11 12]"},
		{name: "columns", attrs: idx(2, 1, comma), kdt: "DT_STRING", vdt: "DT_INT64", keys: "[x y z]", vals: "[1 2 3]"},
		{name: "int32 column adds the offset", attrs: idx(0, 1, comma+`attr { key: "offset" value { i: 5 } }`), kdt: "DT_STRING", vdt: "DT_INT32",
			keys: "[a b c]", vals: "[6 7 8]"},
		{name: "vocab_size", attrs: idx(1, 0, comma+`attr { key: "vocab_size" value { i: 2 } }`), kdt: "DT_INT64", vdt: "DT_STRING",
			keys: "[1 2]", vals: "[a b]"},
		{name: "vocab_size past the end", attrs: idx(1, 0, comma+`attr { key: "vocab_size" value { i: 4 } }`), kdt: "DT_INT64", vdt: "DT_STRING",
			err: "has 3 lines, the table expects vocab_size 4"},
		{name: "missing column", attrs: idx(0, 3, comma), kdt: "DT_STRING", vdt: "DT_STRING", err: "line 1 has 3 columns"},
		{name: "not a number", attrs: idx(0, 2, comma), kdt: "DT_STRING", vdt: "DT_INT64", err: `"x" is not an int64`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gd := tableGraph(t, "v.txt", tc.attrs, tc.kdt, tc.vdt)
			AttachTables(gd, TableSource{Dir: dir})
			checkTable(t, gd.Node[0], tc.keys, tc.vals, tc.err)
		})
	}
}

func checkTable(t *testing.T, n *tfpb.NodeDef, keys, vals, wantErr string) {
	t.Helper()
	if wantErr != "" {
		got := string(n.Attr[TableErrorAttr].GetS())
		if !strings.Contains(got, wantErr) {
			t.Fatalf("error %q, want it to contain %q", got, wantErr)
		}
		return
	}
	if e := n.Attr[TableErrorAttr]; e != nil {
		t.Fatalf("unexpected error: %s", e.GetS())
	}
	show := func(k string) string {
		tn, err := DecodeTensor(n.Attr[k].GetTensor())
		if err != nil {
			t.Fatal(err)
		}
		if tn.Strings != nil {
			var s []string
			for _, b := range tn.Strings {
				s = append(s, string(b))
			}
			return "[" + strings.Join(s, " ") + "]"
		}
		return fmt.Sprint(tn.Int64s())
	}
	if got := show(TableKeysAttr); got != keys {
		t.Errorf("keys %s, want %s", got, keys)
	}
	if got := show(TableValuesAttr); got != vals {
		t.Errorf("values %s, want %s", got, vals)
	}
}

func TestTextFileMissing(t *testing.T) {
	gd := tableGraph(t, "/nowhere/vocab.txt", "", "DT_STRING", "DT_INT64")
	AttachTables(gd, TableSource{Dir: t.TempDir()})
	got := string(gd.Node[0].Attr[TableErrorAttr].GetS())
	for _, want := range []string{`"init"`, "/nowhere/vocab.txt not found"} {
		if !strings.Contains(got, want) {
			t.Errorf("error %q lacks %q", got, want)
		}
	}
}

// A SavedModel's asset: the graph's path is replaced by the file the
// asset map names; a TF2 init op is a call of the initializer function
// with the table as an argument.
func TestTablesThroughCallsAndAssets(t *testing.T) {
	dir := t.TempDir()
	asset := filepath.Join(dir, "assets", "v.txt")
	if err := os.MkdirAll(filepath.Dir(asset), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(asset, []byte("p\nq\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	txt := `
node { name: "t" op: "HashTableV2" attr { key: "key_dtype" value { type: DT_STRING } } attr { key: "value_dtype" value { type: DT_INT64 } } }
node { name: "path" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } }
node { name: "k" op: "Const" attr { key: "dtype" value { type: DT_STRING } }
       attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { dim { size: 2 } } string_val: "a" string_val: "b" } } } }
node { name: "v" op: "Const" attr { key: "dtype" value { type: DT_INT64 } }
       attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 2 } } int64_val: 4 int64_val: 5 } } } }
node { name: "t2" op: "HashTableV2" attr { key: "key_dtype" value { type: DT_STRING } } attr { key: "value_dtype" value { type: DT_INT64 } } }
node { name: "call" op: "StatefulPartitionedCall" input: "path" input: "t" attr { key: "f" value { func { name: "init_file" } } } }
node { name: "call2" op: "StatefulPartitionedCall" input: "t2" input: "k" input: "v" attr { key: "f" value { func { name: "init_kv" } } } }
library {
  function { signature { name: "init_file" input_arg { name: "p" type: DT_STRING } input_arg { name: "h" type: DT_RESOURCE } }
    node_def { name: "i" op: "InitializeTableFromTextFileV2" input: "h" input: "p"
      attr { key: "key_index" value { i: -2 } } attr { key: "value_index" value { i: -1 } } } }
  function { signature { name: "init_kv" input_arg { name: "h" type: DT_RESOURCE } input_arg { name: "k" type: DT_STRING } input_arg { name: "v" type: DT_INT64 } }
    node_def { name: "id" op: "Identity" input: "k" }
    node_def { name: "i" op: "LookupTableImportV2" input: "h" input: "id:output:0" input: "v" } }
}`
	gd, err := Parse("t.pbtxt", []byte(txt))
	if err != nil {
		t.Fatal(err)
	}
	AttachTables(gd, TableSource{Dir: dir, Assets: map[string]string{"path:0": asset}})
	checkTable(t, gd.Node[0], "[p q]", "[0 1]", "")
	checkTable(t, gd.Node[4], "[a b]", "[4 5]", "")
}

// A hostile graph: the keys come from a ReadVariableOp without inputs.
// The table gets an error, not an index panic.
func TestTableKeysFromBareReadVariable(t *testing.T) {
	gd := &tfpb.GraphDef{Node: []*tfpb.NodeDef{
		{Name: "t", Op: "HashTableV2", Attr: map[string]*tfpb.AttrValue{
			"key_dtype":   {Value: &tfpb.AttrValue_Type{Type: tfpb.DataType_DT_INT64}},
			"value_dtype": {Value: &tfpb.AttrValue_Type{Type: tfpb.DataType_DT_INT64}}}},
		{Name: "r", Op: "ReadVariableOp"},
		{Name: "init", Op: "InitializeTableV2", Input: []string{"t", "r", "r"}},
	}}
	AttachTables(gd, TableSource{})
	if gd.Node[0].Attr[TableErrorAttr] == nil {
		t.Fatalf("no error on the table: %v", gd.Node[0].Attr)
	}
}
