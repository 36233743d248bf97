package infer_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
)

// sh parses a test shape: "N,3,?" has a named, a known and an anonymous
// dim; "" is a scalar; "*" has unknown rank.
func sh(s string) graph.Shape {
	if s == "*" {
		return graph.UnknownShape()
	}
	if s == "" {
		return graph.ShapeOf()
	}
	var dims []graph.Dim
	for _, p := range strings.Split(s, ",") {
		switch n, err := strconv.ParseInt(p, 10, 64); {
		case err == nil:
			dims = append(dims, graph.D(n))
		case p == "?":
			dims = append(dims, graph.Unk())
		default:
			dims = append(dims, graph.Sym(p))
		}
	}
	return graph.DimsOf(dims...)
}

// tcase is one node to infer. Inputs are named x0, x1...: in[i] is the
// shape of a float input ("-" for an omitted one) unless consts holds a
// constant for it; dts overrides input types.
type tcase struct {
	name   string
	op     string
	in     []string
	dts    map[int]graph.DType
	consts map[int]*graph.Tensor
	attrs  map[string]any
	opset  int
	nout   int
	want   []string // output shapes in Shape.String() form; "" skips one
	wantDT []graph.DType
	err    string // substring of the expected error
}

func ints(v ...int64) *graph.Tensor { return graph.Int64Tensor(v...) }

func floats(v ...float32) *graph.Tensor {
	return graph.Float32Tensor([]int64{int64(len(v))}, v)
}

func build(tc tcase) (*graph.Graph, *graph.Node) {
	g := graph.New("t")
	n := &graph.Node{Name: "n", Op: tc.op, Attrs: tc.attrs}
	if n.Attrs == nil {
		n.Attrs = map[string]any{}
	}
	for i, s := range tc.in {
		name := fmt.Sprintf("x%d", i)
		if s == "-" {
			n.Inputs = append(n.Inputs, "")
			continue
		}
		n.Inputs = append(n.Inputs, name)
		if t, ok := tc.consts[i]; ok {
			g.SetConst(name, t)
			continue
		}
		dt := graph.Float
		if d, ok := tc.dts[i]; ok {
			dt = d
		}
		g.SetValue(name, dt, sh(s))
	}
	for i := range tc.consts {
		if i >= len(tc.in) {
			panic("const index past inputs in " + tc.name)
		}
	}
	nout := tc.nout
	if nout == 0 {
		nout = max(len(tc.want), 1)
	}
	for i := 0; i < nout; i++ {
		n.Outputs = append(n.Outputs, fmt.Sprintf("y%d", i))
	}
	return g, n
}

func runCases(t *testing.T, cases []tcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, n := build(tc)
			opset := tc.opset
			if opset == 0 {
				opset = 17
			}
			err := infer.Node(g, n, opset)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want error containing %q, got %v", tc.err, err)
				}
				if !strings.Contains(err.Error(), `"n"`) {
					t.Errorf("error does not name the node: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			checkOutputs(t, g, n, tc.want, tc.wantDT)
		})
	}
}

func checkOutputs(t *testing.T, g *graph.Graph, n *graph.Node, want []string, wantDT []graph.DType) {
	t.Helper()
	for i, w := range want {
		if w == "" {
			continue
		}
		v := g.Values[n.Outputs[i]]
		if v == nil {
			t.Fatalf("output %d not set", i)
		}
		if got := normSyms(v.Shape.String(), w); got != w {
			t.Errorf("output %d shape = %s, want %s", i, got, w)
		}
	}
	for i, w := range wantDT {
		v := g.Values[n.Outputs[i]]
		if v == nil {
			t.Fatalf("output %d not set", i)
		}
		if v.DType != w {
			t.Errorf("output %d dtype = %v, want %v", i, v.DType, w)
		}
	}
}

var symRE = regexp.MustCompile(`unk__[0-9]+`)

// normSyms shows the symbols inference minted as "?", unless the wanted
// shape names them.
func normSyms(got, want string) string {
	if strings.Contains(want, "unk__") {
		return got
	}
	return symRE.ReplaceAllString(got, "?")
}
