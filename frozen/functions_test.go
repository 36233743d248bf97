package frozen

import (
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// TestOutputPort: a function body names outputs as node:arg:index, and the
// flat port counts the arguments before arg, lists by the node's attrs.
func TestOutputPort(t *testing.T) {
	n := func(op string, attrs map[string]*tfpb.AttrValue) *tfpb.NodeDef {
		return &tfpb.NodeDef{Name: "n", Op: op, Attr: attrs}
	}
	intAttr := func(v int64) *tfpb.AttrValue { return &tfpb.AttrValue{Value: &tfpb.AttrValue_I{I: v}} }
	types := func(k int) *tfpb.AttrValue {
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{Type: make([]tfpb.DataType, k)}}}
	}
	for _, c := range []struct {
		nd   *tfpb.NodeDef
		arg  string
		idx  int
		want int
		err  string
	}{
		{nd: n("GRUBlockCell", nil), arg: "h", want: 3}, // the op a hand-written table missed
		{nd: n("Switch", nil), arg: "output_true", want: 1},
		{nd: n("Split", nil), arg: "output", idx: 2, want: 2}, // one list argument
		{nd: n("Relu", nil), arg: "activations", want: 0},
		{nd: n("RaggedGather", map[string]*tfpb.AttrValue{"OUTPUT_RAGGED_RANK": intAttr(2)}), arg: "output_dense_values", want: 2},
		{nd: n("RaggedGather", map[string]*tfpb.AttrValue{"OUTPUT_RAGGED_RANK": intAttr(2)}), arg: "output_nested_splits", idx: 1, want: 1},
		{nd: n("RaggedGather", map[string]*tfpb.AttrValue{"OUTPUT_RAGGED_RANK": intAttr(2)}), arg: "output_nested_splits", idx: 2, err: "has 2 element(s)"},
		{nd: n("RaggedTensorToSparse", map[string]*tfpb.AttrValue{"RAGGED_RANK": intAttr(3)}), arg: "sparse_dense_shape", want: 2},
		{nd: n("IteratorGetNextAsOptional", nil), arg: "optional", want: 0},
		{nd: n("ParseSingleExample", map[string]*tfpb.AttrValue{"num_sparse": intAttr(1), "sparse_types": types(1), "dense_shapes": types(0), "Tdense": types(2)}), arg: "dense_values", idx: 1, want: 4},
		{nd: n("Unique", nil), arg: "count", err: `Unique has no output "count"`},
	} {
		got, err := outputPort(c.nd, c.arg, c.idx)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s:%s:%d: error %v, want %q", c.nd.Op, c.arg, c.idx, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s:%s:%d = %d, %v; want %d", c.nd.Op, c.arg, c.idx, got, err, c.want)
		}
	}
}
