package opmap

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// DomainML is ONNX's traditional-ML domain (LabelEncoder), and MLOpset the
// version the model imports when --extra_opset does not name one: 2 is the
// first LabelEncoder with string, int64 and float keys and values, which
// every opset we serve (13 on) pairs with.
const (
	DomainML = "ai.onnx.ml"
	MLOpset  = 2
)

// tableRules map hash tables whose contents are known at conversion
// (frozen.AttachTables read their initializer) to constants: a lookup is an
// ai.onnx.ml LabelEncoder, a size a constant. Tables filled at run time
// (MutableHashTableV2 and the like) have no rule: they are listed as
// unsupported ops (a SavedModel's reader says why).
var tableRules = []Rule{
	{"HashTableV2", MinOpset, hashTable},
	{"HashTable", MinOpset, hashTable},
	{"LookupTableFindV2", MinOpset, lookupFind},
	{"LookupTableFind", MinOpset, lookupFind},
	{"LookupTableSizeV2", MinOpset, lookupSize},
	{"LookupTableSize", MinOpset, lookupSize},
	{"LookupTableExportV2", MinOpset, lookupExport},
}

// table is a hash table's contents: keys (unique, first occurrence kept)
// and values, as 1-D tensors.
type table struct {
	name         string
	keys, values *graph.Tensor
	err          error // why the contents are not known
}

// hashTable emits nothing: the lookups that read the table find its
// contents through c.tables. A table whose contents are not known is
// reported by its lookups (one line each, naming the table and why), not
// here as well.
func hashTable(c *Ctx) error {
	n := c.Node
	if c.tables == nil {
		c.tables = map[*graph.Tensor]*table{}
	}
	t := &table{name: n.Name}
	// The handle becomes a string constant naming the table: what reads it
	// (through Identity nodes, into loop bodies, which copy constants but
	// share their tensors) finds the table by that tensor, and a lookup
	// kept as a TF node (--continue-on-error) still reads a defined value.
	// Mapped lookups do not read it, so it goes.
	handle := &graph.Tensor{DType: graph.String, Strings: [][]byte{[]byte(n.Name)}}
	c.Alias(c.Out(0), c.AddConst(handle))
	c.tables[handle] = t
	if msg := n.Str(frozen.TableErrorAttr, ""); msg != "" {
		t.err = fmt.Errorf("its contents cannot be read at conversion: %s", msg)
		return nil
	}
	keys, _ := n.Attrs[frozen.TableKeysAttr].(*graph.Tensor)
	vals, _ := n.Attrs[frozen.TableValuesAttr].(*graph.Tensor)
	if keys == nil || vals == nil {
		t.err = fmt.Errorf("no op in the graph fills it with known contents (InitializeTableV2 or LookupTableImportV2 " +
			"of constants, InitializeTableFromTextFileV2 of a file); a table filled at run time cannot be converted")
		return nil
	}
	u, err := uniqueKeys(keys, vals)
	if err != nil {
		t.err = err
		return nil
	}
	t.keys, t.values = u.keys, u.values
	return nil
}

// uniqueKeys drops repeated keys, keeping the first: TensorFlow refuses a
// repeated key with another value when it fills the table, so any choice
// gives its result; one with another value is an error here too.
func uniqueKeys(keys, vals *graph.Tensor) (*table, error) {
	k := keyCount(keys)
	if k != keyCount(vals) {
		return nil, fmt.Errorf("the table has %d keys and %d values", k, keyCount(vals))
	}
	seen := map[string]int{}
	var keep []int
	for i := 0; i < k; i++ {
		key := elemKey(keys, i)
		if j, dup := seen[key]; dup {
			if elemKey(vals, i) != elemKey(vals, j) {
				return nil, fmt.Errorf("the table's key #%d repeats key #%d with another value; TensorFlow refuses to fill it", i, j)
			}
			continue
		}
		seen[key] = i
		keep = append(keep, i)
	}
	if len(keep) == k {
		return &table{keys: keys, values: vals}, nil
	}
	return &table{keys: pick(keys, keep), values: pick(vals, keep)}, nil
}

func keyCount(t *graph.Tensor) int {
	if t.DType == graph.String {
		return len(t.Strings)
	}
	return int(t.NumElements())
}

// elemKey is element i's bytes, to compare elements of one tensor.
func elemKey(t *graph.Tensor, i int) string {
	if t.DType == graph.String {
		return string(t.Strings[i])
	}
	sz := t.DType.Size()
	return string(t.Data[i*sz : (i+1)*sz])
}

func pick(t *graph.Tensor, idx []int) *graph.Tensor {
	out := &graph.Tensor{DType: t.DType, Dims: []int64{int64(len(idx))}}
	if t.DType == graph.String {
		for _, i := range idx {
			out.Strings = append(out.Strings, t.Strings[i])
		}
		return out
	}
	sz := t.DType.Size()
	for _, i := range idx {
		out.Data = append(out.Data, t.Data[i*sz:(i+1)*sz]...)
	}
	return out
}

// tableOf finds the contents of the table input 0 reads.
func tableOf(c *Ctx) (*table, error) {
	t := c.tables[c.Const(c.In(0))]
	if t == nil {
		return nil, fmt.Errorf("input 0 (%s) is not a hash table whose contents are known at conversion", c.In(0))
	}
	if t.err != nil {
		return nil, fmt.Errorf("table %q: %w", t.name, t.err)
	}
	return t, nil
}

func lookupSize(c *Ctx) error {
	t, err := tableOf(c)
	if err != nil {
		return err
	}
	c.Alias(c.Out(0), c.AddConst(graph.ScalarInt64(int64(keyCount(t.keys)))))
	return nil
}

// lookupExport gives the table's keys and values in the order they were
// inserted; TensorFlow gives them in its hash map's order, which no
// program can rely on.
func lookupExport(c *Ctx) error {
	t, err := tableOf(c)
	if err != nil {
		return err
	}
	c.Alias(c.Out(0), c.AddConst(t.keys))
	c.Alias(c.Out(1), c.AddConst(t.values))
	return nil
}

// lookupFind is LookupTableFindV2(table, keys, default): a LabelEncoder
// from the table's keys to its values where ONNX's LabelEncoder holds both
// kinds (string, int64, float) and the default is a constant; otherwise a
// LabelEncoder to the position in the table (-1 when absent), a Gather of
// the values and a Where for the default, which serves every value dtype.
func lookupFind(c *Ctx) error {
	t, err := tableOf(c)
	if err != nil {
		return err
	}
	keys := c.In(1)
	kdt := c.DType(keys)
	if kdt != t.keys.DType {
		return fmt.Errorf("the keys are %v, the table %q holds %v", kdt, t.name, t.keys.DType)
	}
	vdt := t.values.DType
	def := c.In(2)
	shape := c.Shape(keys)
	if c.Rank(def) > 0 {
		return fmt.Errorf("a default value of rank %d (a table of non-scalar values) is not supported", c.Rank(def))
	}
	if keyCount(t.keys) == 0 {
		// An empty table: every key gets the default.
		c.OpTo(c.Out(0), "Expand", nil, def, c.Op("Shape", nil, keys))
		return nil
	}
	keyAttr, keyVals, err := labelKeys(c, t.keys)
	if err != nil {
		return err
	}
	if kdt == graph.Int32 {
		keys = c.Op("Cast", Attrs{"to": int64(graph.Int64)}, keys)
	}
	if d := c.Const(def); d != nil && d.NumElements() == 1 && (vdt == graph.String || vdt == graph.Int64 || vdt == graph.Float) {
		attrs := Attrs{keyAttr: keyVals}
		switch vdt {
		case graph.String:
			attrs["values_strings"] = stringList(t.values.Strings)
			attrs["default_string"] = string(d.Strings[0])
		case graph.Int64:
			attrs["values_int64s"] = t.values.Int64s()
			attrs["default_int64"] = d.Int64s()[0]
		case graph.Float:
			attrs["values_floats"] = t.values.Float32s()
			attrs["default_float"] = d.Float32s()[0]
		}
		c.OpDomainTo(c.Out(0), DomainML, "LabelEncoder", attrs, vdt, shape, keys)
		return nil
	}
	n := keyCount(t.keys)
	pos := make([]int64, n)
	for i := range pos {
		pos[i] = int64(i)
	}
	idx := c.G.UniqueName(c.Node.Name + "/position")
	c.OpDomainTo(idx, DomainML, "LabelEncoder", Attrs{keyAttr: keyVals, "values_int64s": pos, "default_int64": int64(-1)}, graph.Int64, shape, keys)
	found := c.Op("GreaterOrEqual", nil, idx, c.AddConst(graph.ScalarInt64(0)))
	safe := c.Op("Max", nil, idx, c.AddConst(graph.ScalarInt64(0)))
	got := c.Op("Gather", Attrs{"axis": int64(0)}, c.AddConst(t.values), safe)
	if vdt == graph.Bool {
		// onnxruntime's Where has no bool kernel.
		c.OpTo(c.Out(0), "Or", nil, c.Op("And", nil, found, got), c.Op("And", nil, c.Op("Not", nil, found), def))
		return nil
	}
	c.OpTo(c.Out(0), "Where", nil, found, got, def)
	return nil
}

// labelKeys is the LabelEncoder attribute holding the table's keys.
func labelKeys(c *Ctx, keys *graph.Tensor) (string, any, error) {
	if v := c.DomainVersion(DomainML); v != 0 && v < 2 {
		return "", nil, fmt.Errorf("LabelEncoder needs %s opset 2 or newer, --extra_opset gives %d", DomainML, v)
	}
	switch keys.DType {
	case graph.String:
		return "keys_strings", stringList(keys.Strings), nil
	case graph.Int64, graph.Int32:
		return "keys_int64s", keys.Int64s(), nil
	case graph.Float:
		return "keys_floats", keys.Float32s(), nil
	}
	return "", nil, fmt.Errorf("tables with %v keys are not supported (string, int32, int64 and float are)", keys.DType)
}

func stringList(b [][]byte) []string {
	out := make([]string, len(b))
	for i, s := range b {
		out[i] = string(s)
	}
	return out
}

// stringEqualOpset is the first opset whose Equal takes strings.
const stringEqualOpset = 19

// stringEqual is Equal(a, b) on strings before opset 19 (a Keras lookup's
// mask token, a string compared with a constant): against a one-element
// constant it is a LabelEncoder from that string to 1, anything else 0.
// Two run-time string tensors cannot be compared there.
func stringEqual(c *Ctx, a, b string) (string, error) {
	x, k := a, c.Const(b)
	if k == nil || len(k.Strings) != 1 {
		x, k = b, c.Const(a)
	}
	if k == nil || len(k.Strings) != 1 || (c.Rank(x) >= 0 && len(k.Dims) > c.Rank(x)) || c.Rank(x) < 0 && len(k.Dims) > 0 {
		return "", fmt.Errorf("comparing strings needs opset %d or one side a constant string", stringEqualOpset)
	}
	if v := c.DomainVersion(DomainML); v != 0 && v < 2 {
		return "", fmt.Errorf("comparing strings below opset %d uses LabelEncoder, which needs %s opset 2 or newer, --extra_opset gives %d", stringEqualOpset, DomainML, v)
	}
	eq := c.G.UniqueName(c.Node.Name + "/equal")
	c.OpDomainTo(eq, DomainML, "LabelEncoder", Attrs{"keys_strings": []string{string(k.Strings[0])},
		"values_int64s": []int64{1}, "default_int64": int64(0)}, graph.Int64, c.Shape(x), x)
	return c.Op("Cast", Attrs{"to": int64(graph.Bool)}, eq), nil
}
