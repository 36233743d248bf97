package opmap

import (
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestParseEinsum(t *testing.T) {
	tests := []struct {
		eq   string
		n    int
		want string
	}{
		{"ij,jk->ik", 2, "ij,jk->ik"},
		{"bij,bjk->bik", 2, "bij,bjk->bik"},
		{" ij , jk -> ik ", 2, "ij,jk->ik"},
		{"ij->ji", 1, "ij->ji"},
		{"ij->i", 1, "ij->i"},
		{"i,j->ij", 2, "i,j->ij"},
		{"ii->i", 1, "ii->i"},
		{"...ij,...jk->...ik", 2, "...ij,...jk->...ik"},
		{"bIJ,bJK->bIK", 2, "bIJ,bJK->bIK"},
		{"ij->", 1, "ij->"},
		// implicit output: letters seen once, sorted, after the ellipsis
		{"ij,jk", 2, "ij,jk->ik"},
		{"ba", 1, "ba->ab"},
		{"ii", 1, "ii->"},
		{"...ij,...jk", 2, "...ij,...jk->...ik"},
		{"Ba", 1, "Ba->Ba"},
	}
	for _, tt := range tests {
		e, err := parseEinsum(tt.eq, tt.n)
		if err != nil {
			t.Errorf("parseEinsum(%q): %v", tt.eq, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("parseEinsum(%q) = %q, want %q", tt.eq, got, tt.want)
		}
	}
}

func TestParseEinsumErrors(t *testing.T) {
	tests := []struct {
		eq   string
		n    int
		want string
	}{
		{"ij,jk->ik", 1, "operands"},
		{"ij->ik", 1, "in no operand"},
		{"ij->ii", 1, "repeats"},
		{"i.j->ij", 1, "lone"},
		{"......i->i", 1, "two ellipses"},
		{"ij->...ij", 1, "ellipsis"},
		{"i1->i", 1, "character"},
		{"ij->j->i", 1, "more than one"},
	}
	for _, tt := range tests {
		_, err := parseEinsum(tt.eq, tt.n)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseEinsum(%q) error %v, want one mentioning %q", tt.eq, err, tt.want)
		}
	}
}

// mathMapOne runs one TF node through Apply and returns the mapped graph.
func mathMapOne(t *testing.T, opset int, op string, attrs map[string]any, inputs map[string]graph.Value, consts map[string]*graph.Tensor, order []string) (*graph.Graph, error) {
	t.Helper()
	g := graph.New("t")
	for _, name := range order {
		if k, ok := consts[name]; ok {
			g.SetConst(name, k)
			continue
		}
		v := inputs[name]
		g.Inputs = append(g.Inputs, name)
		g.SetValue(name, v.DType, v.Shape)
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	g.AddNode(&graph.Node{Name: "n", Op: op, Domain: graph.DomainTF, Inputs: append([]string{}, order...), Outputs: []string{"n:0", "n:1"}[:mathOutputsOf(op)], Attrs: attrs})
	g.Outputs = []string{"n:0"}
	_, err := Apply(g, Options{Opset: opset})
	return g, err
}

func mathOutputsOf(op string) int {
	if op == "TopKV2" {
		return 2
	}
	return 1
}

func mathOpsOf(g *graph.Graph) string {
	var ops []string
	for _, n := range g.Nodes {
		ops = append(ops, n.Op)
	}
	return strings.Join(ops, ",")
}

func TestReduceAxesByOpset(t *testing.T) {
	f := graph.Value{DType: graph.Float, Shape: graph.ShapeOf(2, 3)}
	i32 := graph.Value{DType: graph.Int32, Shape: graph.ShapeOf(1)}
	axes := graph.NewIntTensor(graph.Int32, []int64{1}, []int64{-1})
	attrs := map[string]any{"keep_dims": true}
	for _, tt := range []struct {
		opset   int
		op      string
		dynamic bool
		wantErr bool
		wantIn  int // inputs of the reduce node
	}{
		{13, "Sum", false, false, 2},
		{13, "Max", false, false, 1},
		{18, "Max", false, false, 2},
		{13, "Max", true, true, 0},
		{13, "Sum", true, false, 2},
		{18, "Mean", true, false, 2},
	} {
		var consts map[string]*graph.Tensor
		inputs := map[string]graph.Value{"x": f}
		if tt.dynamic {
			inputs["a"] = i32
		} else {
			consts = map[string]*graph.Tensor{"a": axes}
		}
		g, err := mathMapOne(t, tt.opset, tt.op, attrs, inputs, consts, []string{"x", "a"})
		if tt.wantErr {
			if err == nil {
				t.Errorf("%s at %d with dynamic axes: no error", tt.op, tt.opset)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s at %d: %v", tt.op, tt.opset, err)
			continue
		}
		var red *graph.Node
		for _, n := range g.Nodes {
			if strings.HasPrefix(n.Op, "Reduce") {
				red = n
			}
		}
		if red == nil {
			t.Errorf("%s at %d: no reduce node in %s", tt.op, tt.opset, mathOpsOf(g))
			continue
		}
		if len(red.Inputs) != tt.wantIn {
			t.Errorf("%s at %d: reduce has %d inputs, want %d", tt.op, tt.opset, len(red.Inputs), tt.wantIn)
		}
		if red.Attrs["keepdims"] != int64(1) {
			t.Errorf("%s at %d: keepdims %v", tt.op, tt.opset, red.Attrs["keepdims"])
		}
		if tt.dynamic && red.Attrs["noop_with_empty_axes"] != int64(1) {
			t.Errorf("%s at %d: dynamic axes need noop_with_empty_axes=1", tt.op, tt.opset)
		}
	}
}

func TestReduceEmptyAxesIsIdentity(t *testing.T) {
	f := graph.Value{DType: graph.Float, Shape: graph.ShapeOf(2, 3)}
	empty := graph.NewIntTensor(graph.Int32, []int64{0}, nil)
	g, err := mathMapOne(t, 13, "Sum", nil, map[string]graph.Value{"x": f}, map[string]*graph.Tensor{"a": empty}, []string{"x", "a"})
	if err != nil {
		t.Fatal(err)
	}
	if got := mathOpsOf(g); got != "Identity" {
		t.Errorf("Sum over no axes mapped to %q, want the output Identity only", got)
	}
}

func TestSelectRowCondition(t *testing.T) {
	cond := graph.Value{DType: graph.Bool, Shape: graph.ShapeOf(2)}
	x := graph.Value{DType: graph.Float, Shape: graph.ShapeOf(2, 3, 4)}
	g, err := mathMapOne(t, 13, "Select", nil, map[string]graph.Value{"c": cond, "t": x, "e": x}, nil, []string{"c", "t", "e"})
	if err != nil {
		t.Fatal(err)
	}
	if got := mathOpsOf(g); got != "Unsqueeze,Where" {
		t.Errorf("Select with a row condition mapped to %q", got)
	}
	var axes []int64
	for _, n := range g.Nodes {
		if n.Op == "Unsqueeze" {
			axes = g.Consts[n.Inputs[1]].Int64s()
		}
	}
	if len(axes) != 2 || axes[0] != 1 || axes[1] != 2 {
		t.Errorf("Unsqueeze axes %v, want [1 2]", axes)
	}
}

func TestCastTruncateNarrowingRejected(t *testing.T) {
	x := graph.Value{DType: graph.Float, Shape: graph.ShapeOf(2)}
	_, err := mathMapOne(t, 13, "Cast", map[string]any{"SrcT": graph.Float, "DstT": graph.Float16, "Truncate": true},
		map[string]graph.Value{"x": x}, nil, []string{"x"})
	if err == nil {
		t.Error("Cast with Truncate to float16: no error")
	}
	_, err = mathMapOne(t, 13, "Cast", map[string]any{"SrcT": graph.Float, "DstT": graph.Int32, "Truncate": true},
		map[string]graph.Value{"x": x}, nil, []string{"x"})
	if err != nil {
		t.Errorf("Cast with Truncate to int32: %v", err)
	}
}
