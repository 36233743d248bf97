package infer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
)

// nd is a test node whose name is its first output.
func nd(op string, in []string, out string, a attrs) *graph.Node {
	if a == nil {
		a = attrs{}
	}
	return &graph.Node{Name: out, Op: op, Inputs: in, Outputs: []string{out}, Attrs: a}
}

// matchSyms compares a shape or contents string with a wanted one in which
// `$a` stands for a minted symbol: the same symbol wherever $a appears, a
// different one from $b. bind carries the binding across calls.
func matchSyms(got, want string, bind map[string]string) error {
	g := strings.Split(strings.Trim(got, "[]"), ",")
	w := strings.Split(strings.Trim(want, "[]"), ",")
	if len(g) != len(w) {
		return fmt.Errorf("got %s, want %s", got, want)
	}
	for i := range w {
		if !strings.HasPrefix(w[i], "$") {
			if g[i] != w[i] {
				return fmt.Errorf("got %s, want %s", got, want)
			}
			continue
		}
		if !strings.HasPrefix(g[i], "unk__") {
			return fmt.Errorf("got %s, want %s: dim %d is not a minted symbol", got, want, i)
		}
		if b, ok := bind[w[i]]; ok {
			if b != g[i] {
				return fmt.Errorf("got %s, want %s: %s is %s elsewhere", got, want, w[i], b)
			}
			continue
		}
		for k, v := range bind {
			if v == g[i] {
				return fmt.Errorf("got %s, want %s: %s is also %s", got, want, g[i], k)
			}
		}
		bind[w[i]] = g[i]
	}
	return nil
}

func contentsString(v *graph.Value) string {
	if v == nil || v.Contents == nil {
		return "nil"
	}
	parts := make([]string, len(v.Contents))
	for i, d := range v.Contents {
		if d.Name == "" {
			parts[i] = fmt.Sprint(d.Size)
		} else {
			parts[i] = d.Name
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

type flowCase struct {
	name   string
	inputs map[string]string // name -> shape (float)
	consts map[string]*graph.Tensor
	nodes  []*graph.Node
	opset  int
	shapes map[string]string // value -> wanted shape
	cont   map[string]string // value -> wanted contents ("nil" for none)
}

func i32(v ...int64) *graph.Tensor { return graph.NewIntTensor(graph.Int32, []int64{int64(len(v))}, v) }

func runFlow(t *testing.T, tc flowCase) *graph.Graph {
	t.Helper()
	g := graph.New("t")
	for k, s := range tc.inputs {
		g.Inputs = append(g.Inputs, k)
		g.SetValue(k, graph.Float, sh(s))
	}
	for k, c := range tc.consts {
		g.SetConst(k, c)
	}
	for _, n := range tc.nodes {
		g.AddNode(n)
	}
	opset := tc.opset
	if opset == 0 {
		opset = 17
	}
	if err := infer.Graph(g, opset); err != nil {
		t.Fatal(err)
	}
	bind := map[string]string{}
	for _, v := range sortedKeys(tc.shapes) {
		val := g.Values[v]
		if val == nil {
			t.Errorf("%s: not inferred", v)
			continue
		}
		if err := matchSyms(val.Shape.String(), tc.shapes[v], bind); err != nil {
			t.Errorf("%s: shape %v", v, err)
		}
	}
	for _, v := range sortedKeys(tc.cont) {
		got := contentsString(g.Values[v])
		if tc.cont[v] == "nil" || got == "nil" {
			if got != tc.cont[v] {
				t.Errorf("%s: contents %s, want %s", v, got, tc.cont[v])
			}
			continue
		}
		if err := matchSyms(got, tc.cont[v], bind); err != nil {
			t.Errorf("%s: contents %v", v, err)
		}
	}
	return g
}

func sortedKeys(m map[string]string) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	for i := range k {
		for j := i + 1; j < len(k); j++ {
			if k[j] < k[i] {
				k[i], k[j] = k[j], k[i]
			}
		}
	}
	return k
}

func TestContents(t *testing.T) {
	i64 := attrs{"to": int64(graph.Int64)}
	toI32 := attrs{"to": int64(graph.Int32)}
	cases := []flowCase{
		{
			// CTPN's tail: Reshape([N,H,W,C] -> [N,H,W,20]) with the target
			// built from the input's shape at run time.
			name:   "shape gather concat reshape",
			inputs: map[string]string{"x": "N,H,W,32", "y": "?,20"},
			consts: map[string]*graph.Tensor{"i0": graph.ScalarInt64(0), "i12": ints(1, 2), "ax": ints(0), "k20": ints(20)},
			nodes: []*graph.Node{
				nd("Shape", []string{"x"}, "s", nil),
				nd("Cast", []string{"s"}, "s32", toI32),
				nd("Gather", []string{"s32", "i0"}, "n", nil),
				nd("Gather", []string{"s32", "i12"}, "hw", nil),
				nd("Unsqueeze", []string{"n", "ax"}, "n1", nil),
				nd("Concat", []string{"n1", "hw", "k20"}, "tgt32", attrs{"axis": int64(0)}),
				nd("Cast", []string{"tgt32"}, "tgt", i64),
				nd("Reshape", []string{"y", "tgt"}, "out", nil),
			},
			shapes: map[string]string{"out": "[N,H,W,20]", "n": "[]", "hw": "[2]"},
			cont:   map[string]string{"s": "[N,H,W,32]", "n": "[N]", "hw": "[H,W]", "tgt": "[N,H,W,20]"},
		},
		{
			// [N*H, W, 32] and back: the products are one symbol however
			// they were multiplied, and -1 divides them out again.
			name:   "products and -1",
			inputs: map[string]string{"x": "N,H,W,32"},
			consts: map[string]*graph.Tensor{"st0": ints(0), "en1": ints(1), "st1": ints(1), "en2": ints(2),
				"st2": ints(2), "en3": ints(3), "ax": ints(0), "k32": ints(32), "m1": ints(-1), "k16": ints(16), "k2": ints(2)},
			nodes: []*graph.Node{
				nd("Shape", []string{"x"}, "s", nil),
				nd("Slice", []string{"s", "st0", "en1"}, "n", nil),
				nd("Slice", []string{"s", "st1", "en2"}, "h", nil),
				nd("Slice", []string{"s", "st2", "en3"}, "w", nil),
				nd("Mul", []string{"n", "h"}, "nh", nil),
				nd("Mul", []string{"h", "n"}, "hn", nil),
				nd("Mul", []string{"nh", "w"}, "nhw", nil),
				nd("Concat", []string{"nh", "w", "k32"}, "t1", attrs{"axis": int64(0)}),
				nd("Reshape", []string{"x", "t1"}, "r1", nil),
				nd("Concat", []string{"nhw", "k32"}, "t2", attrs{"axis": int64(0)}),
				nd("Reshape", []string{"r1", "t2"}, "r2", nil),
				nd("Concat", []string{"n", "h", "m1", "k2"}, "t3", attrs{"axis": int64(0)}),
				nd("Reshape", []string{"x", "t3"}, "r3", nil),
				nd("Concat", []string{"m1", "k16"}, "t4", attrs{"axis": int64(0)}),
				nd("Reshape", []string{"r2", "t4"}, "r4", nil),
				nd("Concat", []string{"m1", "h", "w", "k32"}, "t5", attrs{"axis": int64(0)}),
				nd("Reshape", []string{"r2", "t5"}, "r5", nil),
			},
			shapes: map[string]string{"r1": "[$nh,W,32]", "r2": "[$nhw,32]", "r3": "[N,H,$w16,2]", "r4": "[$nhw2,16]", "r5": "[N,H,W,32]"},
			cont:   map[string]string{"nh": "[$nh]", "hn": "[$nh]", "nhw": "[$nhw]"},
		},
		{
			name:   "slice steps and negative indices",
			inputs: map[string]string{"x": "N,3,H,W"},
			consts: map[string]*graph.Tensor{"st": ints(-1), "en": ints(-1000), "stp": ints(-2), "ax": ints(0), "i": ints(-2)},
			nodes: []*graph.Node{
				nd("Shape", []string{"x"}, "s", nil),
				nd("Slice", []string{"s", "st", "en", "ax", "stp"}, "rev", nil),
				nd("Gather", []string{"s", "i"}, "g", nil),
				nd("Shape", []string{"x"}, "s15", attrs{"start": int64(1), "end": int64(-1)}),
			},
			shapes: map[string]string{"rev": "[2]", "g": "[1]"},
			cont:   map[string]string{"rev": "[W,3]", "g": "[H]", "s15": "[3,H]"},
		},
		{
			name:   "arithmetic",
			inputs: map[string]string{"x": "N,3,H,W"},
			consts: map[string]*graph.Tensor{"i0": graph.ScalarInt64(0), "i2": graph.ScalarInt64(2), "i3": graph.ScalarInt64(3),
				"one": graph.ScalarInt64(1), "zero": graph.ScalarInt64(0), "two": graph.ScalarInt64(2), "m1": graph.ScalarInt64(-1)},
			nodes: []*graph.Node{
				nd("Shape", []string{"x"}, "s", nil),
				nd("Gather", []string{"s", "i0"}, "n", nil),
				nd("Gather", []string{"s", "i2"}, "h", nil),
				nd("Gather", []string{"s", "i3"}, "w", nil),
				nd("Mul", []string{"n", "one"}, "n1", nil),
				nd("Add", []string{"n", "zero"}, "n0", nil),
				nd("Div", []string{"n", "one"}, "nd1", nil),
				nd("Mul", []string{"h", "two"}, "h2", nil),
				nd("Mul", []string{"two", "h"}, "h2b", nil),
				nd("Div", []string{"h2", "two"}, "hh", nil),
				nd("Sub", []string{"h", "h"}, "z", nil),
				nd("Add", []string{"h", "m1"}, "hm1", nil),
				nd("Sub", []string{"h", "one"}, "hm1b", nil),
				nd("Mul", []string{"s", "two"}, "s2", nil),
				nd("Div", []string{"h", "w"}, "hw", nil),
				nd("Mul", []string{"m1", "two"}, "m2", nil),
			},
			cont: map[string]string{"n1": "[N]", "n0": "[N]", "nd1": "[N]", "h2": "[$h2]", "h2b": "[$h2]", "hh": "[H]",
				"z": "[0]", "hm1": "[$hm1]", "hm1b": "[$hm1]", "s2": "[$n2,6,$h2,$w2]", "hw": "[$hw]", "m2": "[-2]"},
		},
		{
			name:   "expand tile constantofshape resize range",
			inputs: map[string]string{"x": "N,3,H,W", "b": "1,3,1,1", "img": "1,3,8,8"},
			consts: map[string]*graph.Tensor{"i0": graph.ScalarInt64(0), "zero": graph.ScalarInt64(0), "one": graph.ScalarInt64(1),
				"i23": ints(2, 3), "ones": ints(1, 1), "roi": floats(), "sc": floats()},
			nodes: []*graph.Node{
				nd("Shape", []string{"x"}, "s", nil),
				nd("Expand", []string{"b", "s"}, "e", nil),
				nd("Tile", []string{"b", "s"}, "t", nil),
				nd("ConstantOfShape", []string{"s"}, "c", nil),
				nd("Gather", []string{"s", "i23"}, "hw", nil),
				nd("Concat", []string{"ones", "hw"}, "sizes", attrs{"axis": int64(0)}),
				nd("Resize", []string{"img", "roi", "sc", "sizes"}, "rs", nil),
				nd("Gather", []string{"s", "i0"}, "n", nil),
				nd("Range", []string{"zero", "n", "one"}, "rg", nil),
			},
			shapes: map[string]string{"e": "[N,3,H,W]", "t": "[N,9,H,W]", "c": "[N,3,H,W]", "rs": "[1,1,H,W]", "rg": "[N]"},
		},
		{
			name:   "unknown pieces stay unknown",
			inputs: map[string]string{"x": "N,3", "v": "2"},
			consts: map[string]*graph.Tensor{"f": floats(1, 2)},
			nodes: []*graph.Node{
				nd("Cast", []string{"v"}, "vi", i64), // data, not a shape
				nd("Reshape", []string{"x", "vi"}, "r", nil),
				nd("Add", []string{"f", "f"}, "ff", nil), // floats carry no contents
			},
			shapes: map[string]string{"r": "[$a,$b]"},
			cont:   map[string]string{"vi": "nil", "ff": "nil"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runFlow(t, tc) })
	}
}

// convStack is x → Conv(stride 2) → MaxPool(2) → Shape-driven Reshape.
func convStack() *graph.Graph {
	g := graph.New("t")
	g.Inputs = []string{"x"}
	g.SetValue("x", graph.Float, sh("N,3,H,W"))
	g.SetConst("w", graph.Float32Tensor([]int64{8, 3, 3, 3}, make([]float32, 8*27)))
	g.SetConst("i23", ints(2, 3))
	g.SetConst("k", ints(-1, 8))
	g.AddNode(nd("Conv", []string{"x", "w"}, "c", attrs{"strides": []int64{2, 2}, "pads": []int64{1, 1, 1, 1}}))
	g.AddNode(nd("MaxPool", []string{"c"}, "p", attrs{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}}))
	g.AddNode(nd("Transpose", []string{"p"}, "pt", attrs{"perm": []int64{0, 2, 3, 1}}))
	g.AddNode(nd("Reshape", []string{"pt", "k"}, "flat", nil))
	g.AddNode(nd("Shape", []string{"p"}, "s", nil))
	g.AddNode(nd("Gather", []string{"s", "i23"}, "hw", nil))
	g.Outputs = []string{"flat"}
	return g
}

func shapes(g *graph.Graph) string {
	var b strings.Builder
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			fmt.Fprintf(&b, "%s %v %s\n", o, g.Values[o].Shape, contentsString(g.Values[o]))
		}
	}
	return b.String()
}

func TestSymbolsStable(t *testing.T) {
	g := convStack()
	if err := infer.Graph(g, 17); err != nil {
		t.Fatal(err)
	}
	first := shapes(g)
	bind := map[string]string{}
	for v, want := range map[string]string{"c": "[N,8,$h,$w]", "p": "[N,8,$h2,$w2]", "flat": "[$f,8]", "hw": "[2]"} {
		if err := matchSyms(g.Values[v].Shape.String(), want, bind); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	if err := matchSyms(contentsString(g.Values["hw"]), "[$h2,$w2]", bind); err != nil {
		t.Errorf("hw contents: %v", err)
	}
	// Inferring again, node by node or as a whole, keeps every name.
	for _, n := range g.Nodes {
		if err := infer.Node(g, n, 17); err != nil {
			t.Fatal(err)
		}
	}
	if err := infer.Graph(g, 17); err != nil {
		t.Fatal(err)
	}
	if again := shapes(g); again != first {
		t.Errorf("names changed on re-inference:\n%s\nthen\n%s", first, again)
	}
	// The same model gives the same names.
	g2 := convStack()
	if err := infer.Graph(g2, 17); err != nil {
		t.Fatal(err)
	}
	if other := shapes(g2); other != first {
		t.Errorf("names differ between runs:\n%s\nthen\n%s", first, other)
	}
	// A graph that already holds unk__ names (a model read back) mints
	// past them.
	g3 := convStack()
	g3.SetValue("x", graph.Float, sh("N,3,unk__1,unk__2"))
	if err := infer.Graph(g3, 17); err != nil {
		t.Fatal(err)
	}
	if err := matchSyms(g3.Values["c"].Shape.String(), "[N,8,$a,$b]", map[string]string{"$x": "unk__1", "$y": "unk__2"}); err != nil {
		t.Errorf("c: %v", err)
	}
}

// TestSubgraphSymbols: a Loop body inferred on its own first (as the
// converter maps bodies before the Loop node exists) mints names of its
// own; once the Loop is inferred, the body's symbols come from the
// enclosing graph's supply and collide with none of its names.
func TestSubgraphSymbols(t *testing.T) {
	g := convStack()
	body := graph.New("body")
	body.Inputs = []string{"i", "cond_in", "v"}
	body.SetValue("i", graph.Int64, sh(""))
	body.SetValue("cond_in", graph.Bool, sh(""))
	body.SetValue("v", graph.Float, sh("N,8"))
	body.SetConst("bw", graph.Float32Tensor([]int64{8, 3, 5, 5}, make([]float32, 8*75)))
	body.SetValue("x", graph.Float, sh("N,3,H,W")) // read from outside
	body.AddNode(nd("Conv", []string{"x", "bw"}, "bc", attrs{"strides": []int64{3, 3}}))
	body.AddNode(nd("Shape", []string{"bc"}, "bs", nil))
	body.AddNode(nd("NonZero", []string{"v"}, "nz", nil))
	body.AddNode(nd("Identity", []string{"cond_in"}, "cond_out", nil))
	body.AddNode(nd("Identity", []string{"v"}, "v2", nil))
	body.Outputs = []string{"cond_out", "v2", "nz"}
	if err := infer.Graph(body, 17); err != nil {
		t.Fatal(err)
	}
	own := body.Values["bc"].Shape.String()

	if err := infer.Graph(g, 17); err != nil {
		t.Fatal(err)
	}
	g.SetConst("m", graph.ScalarInt64(3))
	loop := &graph.Node{Name: "loop", Op: "Loop", Inputs: []string{"m", "", "flat"}, Outputs: []string{"lv", "lnz"},
		Attrs: map[string]any{"body": body}}
	g.AddNode(loop)
	if err := infer.Node(g, loop, 17); err != nil {
		t.Fatal(err)
	}
	outer := map[string]bool{}
	for _, n := range g.Nodes {
		if n == loop {
			continue
		}
		for _, o := range n.Outputs {
			for _, d := range g.Values[o].Shape.Dims {
				if d.Name != "" {
					outer[d.Name] = true
				}
			}
		}
	}
	bc := body.Values["bc"].Shape
	nz := g.Values["lnz"].Shape
	t.Logf("outer %v; body conv standalone %s, linked %v; loop scan output %v", outer, own, bc, nz)
	for _, d := range []graph.Dim{bc.Dims[2], bc.Dims[3], nz.Dims[2]} {
		if !strings.HasPrefix(d.Name, "unk__") || outer[d.Name] {
			t.Errorf("body symbol %v collides with the enclosing graph's names %v", d, outer)
		}
	}
	if bc.Dims[2] == bc.Dims[3] || nz.Dims[0] != graph.D(3) || nz.Dims[1] != graph.D(2) {
		t.Errorf("body conv %v, scan output %v", bc, nz)
	}
	// The body's symbols are stable when the Loop is inferred again.
	before := shapes(body) + g.Values["lnz"].Shape.String()
	if err := infer.Graph(g, 17); err != nil {
		t.Fatal(err)
	}
	if after := shapes(body) + g.Values["lnz"].Shape.String(); after != before {
		t.Errorf("body names changed:\n%s\nthen\n%s", before, after)
	}
	// Whatever the enclosing graph mints next is new to the body too.
	if d := g.NewSym(); strings.Contains(shapes(body), d.Name+" ") || strings.Contains(shapes(body), d.Name+",") || strings.Contains(shapes(body), d.Name+"]") {
		t.Errorf("fresh outer symbol %v already used in the body", d)
	}
}
