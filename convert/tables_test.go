package convert

import (
	"context"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Lookups in tables whose contents are not known at conversion fail with
// one line naming the node and saying why; a known table becomes a
// LabelEncoder and a constant size.
func TestTableLookups(t *testing.T) {
	const head = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } attr { key: "shape" value { shape { dim { size: -1 } } } } }
node { name: "d" op: "Const" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { } int64_val: -1 } } } }
node { name: "k" op: "Const" attr { key: "dtype" value { type: DT_STRING } }
       attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { dim { size: 3 } } string_val: "a" string_val: "b" string_val: "a" } } } }
node { name: "v" op: "Const" attr { key: "dtype" value { type: DT_INT64 } }
       attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 3 } } int64_val: 7 int64_val: 8 int64_val: 7 } } } }
node { name: "find" op: "LookupTableFindV2" input: "t" input: "x" input: "d" attr { key: "Tin" value { type: DT_STRING } } attr { key: "Tout" value { type: DT_INT64 } } }
node { name: "size" op: "LookupTableSizeV2" input: "t" }
`
	const table = `node { name: "t" op: "HashTableV2" attr { key: "key_dtype" value { type: DT_STRING } } attr { key: "value_dtype" value { type: DT_INT64 } } }
`
	const init = `node { name: "init" op: "LookupTableImportV2" input: "t" input: "k" input: "v" }
`
	for _, tc := range []struct{ name, graph, err string }{
		{"known", head + table + init, ""},
		{"known, InitializeTableV2", head + table + strings.Replace(init, "LookupTableImportV2", "InitializeTableV2", 1), ""},
		{"known, TF1 ref-typed ops", strings.NewReplacer("HashTableV2", "HashTable", "LookupTableFindV2", "LookupTableFind",
			"LookupTableSizeV2", "LookupTableSize", "LookupTableImportV2", "InitializeTable").Replace(head + table + init), ""},
		{"no initializer", head + table, `node "find" (LookupTableFindV2): table "t": no op in the graph fills it with known contents`},
		{"run-time values", head + table + `node { name: "init" op: "LookupTableImportV2" input: "t" input: "k" input: "x" }`,
			`node "find" (LookupTableFindV2): table "t": its contents cannot be read at conversion: LookupTableImportV2 "init": "x" comes from node "x" (Placeholder), not a constant`},
		{"missing vocabulary file", head + table + `node { name: "f" op: "Const" attr { key: "dtype" value { type: DT_STRING } }
       attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { } string_val: "/nowhere/v.txt" } } } }
node { name: "init" op: "InitializeTableFromTextFileV2" input: "t" input: "f" attr { key: "key_index" value { i: -2 } } attr { key: "value_index" value { i: -1 } } }`,
			`table "t": its contents cannot be read at conversion: InitializeTableFromTextFileV2 "init": vocabulary file /nowhere/v.txt not found`},
		{"mutable", head + `node { name: "t" op: "MutableHashTableV2" attr { key: "key_dtype" value { type: DT_STRING } } attr { key: "value_dtype" value { type: DT_INT64 } } }`,
			`unsupported at opset 17: MutableHashTableV2 ×1 (e.g. "t")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gd, err := frozen.Parse("t.pbtxt", []byte(tc.graph))
			if err != nil {
				t.Fatal(err)
			}
			ins, _ := frozen.ParseSpecs("x:0")
			outs, _ := frozen.ParseSpecs("find:0,size:0")
			m, _, err := GraphDef(context.Background(), gd, Options{Inputs: ins, Outputs: outs, Debug: true})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var enc *graph.Node
			for _, n := range m.Graph.Nodes {
				if n.Op == "LabelEncoder" {
					enc = n
				}
			}
			if enc == nil || enc.Domain != "ai.onnx.ml" || m.ExtraDomains["ai.onnx.ml"] != 2 {
				t.Fatalf("no ai.onnx.ml LabelEncoder (opset 2) in %v, domains %v", m.Graph.OpCounts(), m.ExtraDomains)
			}
			// The repeated key is dropped: two entries.
			if got := enc.Attrs["keys_strings"]; len(got.([]string)) != 2 {
				t.Errorf("keys %v, want the repeat dropped", got)
			}
		})
	}
}

// Two run-time strings cannot be compared before opset 19: one line says so.
func TestStringEqualBefore19(t *testing.T) {
	const txt = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } attr { key: "shape" value { shape { dim { size: 2 } } } } }
node { name: "y" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } attr { key: "shape" value { shape { dim { size: 2 } } } } }
node { name: "eq" op: "Equal" input: "x" input: "y" attr { key: "T" value { type: DT_STRING } } }
`
	gd, err := frozen.Parse("t.pbtxt", []byte(txt))
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := frozen.ParseSpecs("x:0,y:0")
	outs, _ := frozen.ParseSpecs("eq:0")
	for _, opset := range []int{17, 19} {
		_, _, err = GraphDef(context.Background(), gd, Options{Inputs: ins, Outputs: outs, Opset: opset})
		want := opset < 19
		if got := err != nil && strings.Contains(err.Error(), "comparing strings needs opset 19"); got != want {
			t.Errorf("opset %d: error %v", opset, err)
		}
	}
}

// Under --continue-on-error a lookup of an unknown table stays a TF node
// reading a defined value (the table's handle constant), with a warning.
func TestTableLookupKept(t *testing.T) {
	const txt = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } attr { key: "shape" value { shape { dim { size: -1 } } } } }
node { name: "d" op: "Const" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { } int64_val: -1 } } } }
node { name: "t" op: "HashTableV2" attr { key: "key_dtype" value { type: DT_STRING } } attr { key: "value_dtype" value { type: DT_INT64 } } }
node { name: "find" op: "LookupTableFindV2" input: "t" input: "x" input: "d" attr { key: "Tin" value { type: DT_STRING } } attr { key: "Tout" value { type: DT_INT64 } } }
`
	gd, err := frozen.Parse("t.pbtxt", []byte(txt))
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := frozen.ParseSpecs("x:0")
	outs, _ := frozen.ParseSpecs("find:0")
	m, diag, err := GraphDef(context.Background(), gd, Options{Inputs: ins, Outputs: outs, ContinueOnError: true, Debug: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(diag.Warnings) == 0 || !strings.Contains(strings.Join(diag.Warnings, "\n"), `table "t"`) {
		t.Errorf("warnings %q", diag.Warnings)
	}
	if m.Graph.OpCounts()["LookupTableFindV2"] != 1 {
		t.Errorf("ops %v", m.Graph.OpCounts())
	}
}
