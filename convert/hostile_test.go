package convert

import (
	"context"
	"runtime"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// allocated runs f and returns the bytes it allocated in all.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

const hx = `node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "shape" value { shape { dim { size: 1 } dim { size: 1 } } } } }
`

func constNode(name, dtype, shape, vals string) string {
	return `node { name: "` + name + `" op: "Const" attr { key: "dtype" value { type: ` + dtype + ` } }
  attr { key: "value" value { tensor { dtype: ` + dtype + ` tensor_shape { ` + shape + ` } ` + vals + ` } } } }
`
}

// hostileGraphs are small graphs that ask for huge tensors through the ops
// that make them: the conversion must leave them to the runtime (not fold
// them into constants) or refuse them, without building them.
var hostileGraphs = []struct{ name, pbtxt, keep string }{
	{"Fill of [2^20,2^20]", hx + constNode("d", "DT_INT64", "dim { size: 2 }", "int64_val: 1048576 int64_val: 1048576") +
		constNode("v", "DT_FLOAT", "", "float_val: 1") +
		`node { name: "f" op: "Fill" input: "d" input: "v" attr { key: "T" value { type: DT_FLOAT } } attr { key: "index_type" value { type: DT_INT64 } } }
node { name: "y" op: "AddV2" input: "x" input: "f" attr { key: "T" value { type: DT_FLOAT } } }`, ""},
	{"Tile of a constant by 2^30×2^30", hx + constNode("m", "DT_INT64", "dim { size: 2 }", "int64_val: 1073741824 int64_val: 1073741824") +
		constNode("one", "DT_FLOAT", "dim { size: 1 } dim { size: 1 }", "float_val: 2") +
		`node { name: "t" op: "Tile" input: "one" input: "m" attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tmultiples" value { type: DT_INT64 } } }
node { name: "y" op: "AddV2" input: "x" input: "t" attr { key: "T" value { type: DT_FLOAT } } }`, "Tile"},
	{"Range of 2^40 integers", hx + constNode("s", "DT_INT64", "", "int64_val: 0") + constNode("l", "DT_INT64", "", "int64_val: 1099511627776") +
		constNode("dl", "DT_INT64", "", "int64_val: 1") +
		`node { name: "r" op: "Range" input: "s" input: "l" input: "dl" attr { key: "Tidx" value { type: DT_INT64 } } }
node { name: "rf" op: "Cast" input: "r" attr { key: "SrcT" value { type: DT_INT64 } } attr { key: "DstT" value { type: DT_FLOAT } } }
node { name: "y" op: "AddV2" input: "x" input: "rf" attr { key: "T" value { type: DT_FLOAT } } }`, "Range"},
	{"Range whose count overflows int64", hx + constNode("s", "DT_INT64", "", "int64_val: -9223372036854775807") +
		constNode("l", "DT_INT64", "", "int64_val: 9223372036854775807") + constNode("dl", "DT_INT64", "", "int64_val: 1") +
		`node { name: "r" op: "Range" input: "s" input: "l" input: "dl" attr { key: "Tidx" value { type: DT_INT64 } } }
node { name: "rf" op: "Cast" input: "r" attr { key: "SrcT" value { type: DT_INT64 } } attr { key: "DstT" value { type: DT_FLOAT } } }
node { name: "y" op: "AddV2" input: "x" input: "rf" attr { key: "T" value { type: DT_FLOAT } } }`, "Range"},
	{"Range of 1e60 floats", hx + constNode("s", "DT_FLOAT", "", "float_val: 0") + constNode("l", "DT_FLOAT", "", "float_val: 1e30") +
		constNode("dl", "DT_FLOAT", "", "float_val: 1e-30") +
		`node { name: "r" op: "Range" input: "s" input: "l" input: "dl" attr { key: "Tidx" value { type: DT_FLOAT } } }
node { name: "y" op: "AddV2" input: "x" input: "r" attr { key: "T" value { type: DT_FLOAT } } }`, "Range"},
	{"ZerosLike of a huge Fill", hx + constNode("d", "DT_INT32", "dim { size: 3 }", "int_val: 65536 int_val: 65536 int_val: 65536") +
		constNode("v", "DT_FLOAT", "", "float_val: 1") +
		`node { name: "f" op: "Fill" input: "d" input: "v" attr { key: "T" value { type: DT_FLOAT } } attr { key: "index_type" value { type: DT_INT32 } } }
node { name: "z" op: "ZerosLike" input: "f" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "y" op: "AddV2" input: "x" input: "z" attr { key: "T" value { type: DT_FLOAT } } }`, ""},
}

// checkBounded converts gd and requires a clean result (converted, or one
// error) that allocated little and holds no big constant.
func checkBounded(t *testing.T, name string, gd *tfpb.GraphDef, ins, outs, keep string) {
	t.Helper()
	in, _ := frozen.ParseSpecs(ins)
	out, _ := frozen.ParseSpecs(outs)
	var m *Model
	var err error
	n := allocated(func() {
		m, _, err = GraphDef(context.Background(), gd, Options{Inputs: in, Outputs: out, Debug: true})
	})
	if n > 64<<20 {
		t.Errorf("%s: allocated %d bytes", name, n)
	}
	if err != nil {
		t.Logf("%s: refused: %v", name, err)
		return
	}
	var walk func(g *graph.Graph)
	walk = func(g *graph.Graph) {
		for c, t2 := range g.Consts {
			if len(t2.Data) > 1<<20 {
				t.Errorf("%s: constant %s holds %d bytes", name, c, len(t2.Data))
			}
		}
		for _, n := range g.Nodes {
			for _, sg := range n.Subgraphs() {
				walk(sg)
			}
		}
	}
	walk(m.Graph)
	if sh := m.Graph.ShapeOf(m.Graph.Outputs[0]); sh.NumElements() == 0 {
		t.Errorf("%s: the output is declared empty (%v); a wrapped-around count?", name, sh)
	}
	if keep != "" && m.Graph.OpCounts()[keep] == 0 {
		t.Errorf("%s: no %s left; it was folded (ops %v)", name, keep, m.Graph.OpCounts())
	}
}

// TestHostileOpsStayUnfolded: Fill, Tile, Range (integer, overflowing,
// float), ZerosLike of huge declared sizes convert without building the
// tensors, and without declaring a size that wrapped around: before the
// overflow checks the integer Range from -(2^63-1) to 2^63-1 and the float
// one of 1e60 elements were declared [0] (their counts wrapped).
func TestHostileOpsStayUnfolded(t *testing.T) {
	for _, c := range hostileGraphs {
		gd, err := frozen.Parse("h.pbtxt", []byte(c.pbtxt))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkBounded(t, c.name, gd, "x:0", "y:0", c.keep)
	}
}

// TestHostileLoopSizes: a TF1 while loop whose trip count is 2^31-1 and
// TensorArrays of 2^31-1 elements (the seeds with their size or limit
// constant replaced) convert without building anything that big.
func TestHostileLoopSizes(t *testing.T) {
	for _, c := range []struct{ seed, retarget, why string }{
		{"loop_v1_running_product.pb", "while/Less/Enter", "loop limit"},
		{"rnn_gru.pb", "TensorArrayV3", "TensorArray size"},
		{"rnn_bilstm.pb", "TensorArrayV3", "TensorArray size"},
	} {
		ins, outs, data := loadSeed(t, c.seed)
		gd, err := frozen.Parse(c.seed, data)
		if err != nil {
			t.Fatal(err)
		}
		big := &tfpb.NodeDef{Name: "hostile_size", Op: "Const", Attr: map[string]*tfpb.AttrValue{
			"dtype": {Value: &tfpb.AttrValue_Type{Type: tfpb.DataType_DT_INT32}},
			"value": {Value: &tfpb.AttrValue_Tensor{Tensor: &tfpb.TensorProto{Dtype: tfpb.DataType_DT_INT32,
				TensorShape: &tfpb.TensorShapeProto{}, IntVal: []int32{1<<31 - 1}}}}}}
		gd.Node = append(gd.Node, big)
		hit := 0
		for _, n := range gd.Node {
			if n.Name == c.retarget || n.Op == c.retarget {
				n.Input[0] = "hostile_size"
				hit++
			}
		}
		if hit == 0 {
			t.Fatalf("%s: no %s to retarget", c.seed, c.retarget)
		}
		gd = proto.Clone(gd).(*tfpb.GraphDef)
		checkBounded(t, c.seed+" with a hostile "+c.why, gd, ins, outs, "")
	}
}
