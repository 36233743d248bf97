package optimize

import (
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

var update = flag.Bool("update", false, "rewrite the golden dumps under testdata/")

// builder makes small float32 graphs by hand; value shapes come from
// running the graph once on random inputs.
type builder struct {
	g    *graph.Graph
	seed int64
}

func newBuilder(name string) *builder { return &builder{g: graph.New(name), seed: 1} }

func (b *builder) input(name string, dims ...int64) string {
	b.g.Inputs = append(b.g.Inputs, name)
	b.g.SetValue(name, graph.Float, graph.ShapeOf(dims...))
	b.g.Reserve(name)
	return name
}

// weights adds a random float32 constant.
func (b *builder) weights(name string, dims ...int64) string {
	r := rand.New(rand.NewSource(b.seed))
	b.seed++
	v := make([]float32, numel(dims))
	for i := range v {
		v[i] = float32(r.Float64()*2 - 1)
	}
	b.g.SetConst(name, graph.Float32Tensor(dims, v))
	return name
}

// positive adds a random float32 constant in [0.5, 1.5) (variances).
func (b *builder) positive(name string, dims ...int64) string {
	r := rand.New(rand.NewSource(b.seed))
	b.seed++
	v := make([]float32, numel(dims))
	for i := range v {
		v[i] = float32(r.Float64() + 0.5)
	}
	b.g.SetConst(name, graph.Float32Tensor(dims, v))
	return name
}

func (b *builder) ints(name string, vals ...int64) string {
	b.g.SetConst(name, graph.Int64Tensor(vals...))
	return name
}

func (b *builder) scalar(name string, v float64) string {
	b.g.SetConst(name, graph.ScalarOf(graph.Float, v))
	return name
}

// op adds a node named name whose one output is also named name.
func (b *builder) op(name, op string, attrs map[string]any, inputs ...string) string {
	b.g.AddNode(&graph.Node{Name: name, Op: op, Inputs: inputs, Outputs: []string{name}, Attrs: attrs})
	return name
}

func (b *builder) tr(name, in string, perm ...int64) string {
	return b.op(name, "Transpose", map[string]any{"perm": perm}, in)
}

func (b *builder) output(vs ...string) *graph.Graph {
	b.g.Outputs = append(b.g.Outputs, vs...)
	return b.g
}

// annotate records every value's shape by running the graph.
func annotate(t *testing.T, g *graph.Graph) {
	t.Helper()
	_, env, err := evalEnv(g, randomFeeds(t, g, 7))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			if a, ok := env[o]; ok {
				dt := graph.Float
				if v := g.Values[o]; v != nil && v.DType != graph.Undefined {
					dt = v.DType
				}
				g.SetValue(o, dt, graph.ShapeOf(a.dims...))
			}
		}
	}
}

// optimizeAndCheck runs the passes on g with the verifier after each one,
// checks that the outputs keep their names and values, and compares the
// dump with testdata/<name>.golden.
func optimizeAndCheck(t *testing.T, name string, g *graph.Graph, passes []Pass) *graph.Graph {
	t.Helper()
	return optimizeAndCheckAt(t, name, g, passes, 17)
}

// optimizeAndCheckAt is optimizeAndCheck at another opset.
func optimizeAndCheckAt(t *testing.T, name string, g *graph.Graph, passes []Pass, opset int) *graph.Graph {
	t.Helper()
	if err := g.Verify(graph.VerifyOptions{}); err != nil {
		t.Fatalf("test graph: %v", err)
	}
	feeds := randomFeeds(t, g, 3)
	want, err := evalGraph(g, feeds)
	if err != nil {
		t.Fatal(err)
	}
	ins := append([]string{}, g.Inputs...)
	outs := append([]string{}, g.Outputs...)
	before := g.Dump()
	err = Run(g, opset, passes, func(pass string, g *graph.Graph) error {
		return g.Verify(graph.VerifyOptions{NeedDTypes: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(g.Inputs, ",") != strings.Join(ins, ",") || strings.Join(g.Outputs, ",") != strings.Join(outs, ",") {
		t.Fatalf("inputs/outputs %v/%v, want %v/%v", g.Inputs, g.Outputs, ins, outs)
	}
	// A fixed point: no pass finds more to do.
	for _, p := range passes {
		if c, err := p.Run(g, opset); err != nil || c {
			t.Errorf("pass %s still changes the optimized graph (err %v):\n%s", p.Name, err, g.Dump())
		}
	}
	got, err := evalGraph(g, feeds)
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Dump())
	}
	sameValues(t, want, got)
	text := "# before\n" + before + "\n# after\n" + g.Dump()
	golden(t, name, text)
	return g
}

func golden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantText, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./optimize -update)", err)
	}
	if string(wantText) != text {
		t.Errorf("dump differs from %s (run go test ./optimize -update to accept):\n%s", path, text)
	}
}

func counts(g *graph.Graph) map[string]int { return g.OpCounts() }

func wantCounts(t *testing.T, g *graph.Graph, want map[string]int) {
	t.Helper()
	got := counts(g)
	for op, n := range want {
		if got[op] != n {
			t.Errorf("%d %s nodes, want %d\n%s", got[op], op, n, g.Dump())
		}
	}
}

func only(name string) []Pass {
	for _, p := range Passes() {
		if p.Name == name {
			return []Pass{p}
		}
	}
	panic("no pass " + name)
}

func nodeByOp(g *graph.Graph, op string) *graph.Node {
	for _, n := range g.Nodes {
		if n.Op == op {
			return n
		}
	}
	return nil
}

var (
	toNCHW = []int64{0, 3, 1, 2}
	toNHWC = []int64{0, 2, 3, 1}
)

// nhwcConv is what the op handlers emit for an NHWC Conv2D (+ BiasAdd):
// Transpose to NCHW, Conv, Transpose back, then Add of a 1-D bias.
func (b *builder) nhwcConv(name, x string, cin, cout int64, bias bool) string {
	w := b.weights(name+"/W", cout, cin, 3, 3)
	y := b.tr(name+"/in", x, toNCHW...)
	y = b.op(name, "Conv", map[string]any{"kernel_shape": []int64{3, 3}}, y, w)
	y = b.tr(name+"/out", y, toNHWC...)
	if bias {
		y = b.op(name+"/bias", "Add", nil, y, b.weights(name+"/b", cout))
	}
	return y
}

func TestTransposeCancelsPair(t *testing.T) {
	b := newBuilder("cancel")
	x := b.input("x", 1, 4, 5, 3)
	y := b.tr("t1", x, toNCHW...)
	y = b.tr("t2", y, toNHWC...)
	g := b.output(b.op("out", "Relu", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "cancel_pair", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 0, "Relu": 1})
}

func TestTransposeCancelWithOtherReaders(t *testing.T) {
	// t1 feeds its inverse and a Sigmoid: the inverse goes, then t1 has
	// one reader left and moves below the Sigmoid.
	b := newBuilder("cancel_multi")
	x := b.input("x", 1, 4, 5, 3)
	y := b.tr("t1", x, toNCHW...)
	r := b.op("r", "Relu", nil, b.tr("t2", y, toNHWC...))
	s := b.op("s", "Sigmoid", nil, y)
	g := b.output(r, s)
	annotate(t, g)
	optimizeAndCheck(t, "cancel_multi", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 1})
	if n := nodeByOp(g, "Transpose"); n.Outputs[0] != "s" {
		t.Errorf("the Transpose should produce the output s:\n%s", g.Dump())
	}
}

func TestTransposePushThroughUnary(t *testing.T) {
	b := newBuilder("unary")
	x := b.input("x", 1, 3, 4, 5)
	y := b.tr("t", x, toNHWC...)
	y = b.op("relu", "Relu", nil, y)
	y = b.op("clip", "Clip", nil, y, b.scalar("lo", 0), b.scalar("hi", 0.5))
	y = b.op("leaky", "LeakyRelu", map[string]any{"alpha": float32(0.2)}, y)
	y = b.op("neg", "Neg", nil, y)
	y = b.tr("back", y, toNCHW...)
	g := b.output(b.op("out", "Tanh", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "push_unary", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 0})
}

func TestTransposeToOutputKeepsName(t *testing.T) {
	b := newBuilder("to_output")
	x := b.input("x", 1, 3, 4, 5)
	y := b.tr("t", x, toNHWC...)
	g := b.output(b.op("out", "Sigmoid", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "to_output", g, Passes())
	n := nodeByOp(g, "Transpose")
	if n == nil || n.Outputs[0] != "out" {
		t.Errorf("want the Transpose to produce out:\n%s", g.Dump())
	}
}

func TestTransposeNotPushedWhenShared(t *testing.T) {
	// Pushing t below both readers would execute two Transposes.
	b := newBuilder("shared")
	x := b.input("x", 1, 3, 4, 5)
	y := b.tr("t", x, toNHWC...)
	g := b.output(b.op("a", "Relu", nil, y), b.op("b", "Sigmoid", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "shared", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 1})
	if n := nodeByOp(g, "Transpose"); n.Inputs[0] != "x" {
		t.Errorf("the Transpose should not move:\n%s", g.Dump())
	}
}

func TestTransposeMergeConsecutive(t *testing.T) {
	b := newBuilder("merge")
	x := b.input("x", 2, 3, 4, 5)
	y := b.tr("t1", x, 1, 0, 2, 3)
	y = b.tr("t2", y, 0, 2, 1, 3)
	g := b.output(b.op("out", "Relu", nil, b.op("e", "Exp", nil, y)))
	annotate(t, g)
	optimizeAndCheck(t, "merge", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 1})
	n := nodeByOp(g, "Transpose")
	if p := n.Ints("perm"); !slices.Equal(p, []int64{1, 2, 0, 3}) {
		t.Errorf("perm %v, want [1 2 0 3]", p)
	}
}

func TestTransposeIdentityAndDefaultPerm(t *testing.T) {
	b := newBuilder("identity_perm")
	x := b.input("x", 2, 3, 4)
	y := b.tr("id", x, 0, 1, 2)
	y = b.op("rev", "Transpose", nil, y) // no perm: reverse
	y = b.tr("rev2", y, 2, 1, 0)
	g := b.output(b.op("out", "Relu", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "identity_perm", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 0})
}

func TestTransposeDuplicates(t *testing.T) {
	b := newBuilder("duplicates")
	x := b.input("x", 1, 6, 6, 2)
	a := b.op("a", "Conv", nil, b.tr("ta", x, toNCHW...), b.weights("wa", 3, 2, 3, 3))
	c := b.op("c", "Conv", nil, b.tr("tc", x, toNCHW...), b.weights("wc", 3, 2, 3, 3))
	g := b.output(b.op("out", "Add", nil, a, c))
	annotate(t, g)
	optimizeAndCheck(t, "duplicates", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 1})
}

func TestTransposeBiasBecomesNCHW(t *testing.T) {
	// conv → bias → relu → conv, NHWC: one Transpose at each end, biases
	// fused into the Convs.
	b := newBuilder("bias")
	x := b.input("x", 1, 7, 7, 2)
	y := b.nhwcConv("c1", x, 2, 4, true)
	y = b.op("r1", "Relu", nil, y)
	y = b.nhwcConv("c2", y, 4, 3, true)
	g := b.output(b.op("out", "Relu", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "conv_bias_relu", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 2, "Add": 0, "Conv": 2})
	for _, n := range g.Nodes {
		if n.Op == "Conv" && (len(n.Inputs) != 3 || g.Consts[n.Inputs[2]] == nil) {
			t.Errorf("conv %s has no constant bias", n.Name)
		}
	}
}

func TestTransposeBinaryBothTransposed(t *testing.T) {
	b := newBuilder("binary")
	x := b.input("x", 1, 3, 4, 5)
	z := b.input("z", 1, 3, 4, 5)
	s := b.op("sum", "Add", nil, b.tr("tx", x, toNHWC...), b.tr("tz", z, toNHWC...))
	m := b.op("mul", "Mul", nil, s, b.scalar("two", 2))
	k := b.op("mulc", "Mul", nil, m, b.weights("k", 5, 1)) // broadcast over W and C
	g := b.output(b.tr("out", k, toNCHW...))
	annotate(t, g)
	optimizeAndCheck(t, "binary", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 0})
}

func TestTransposeConcat(t *testing.T) {
	b := newBuilder("concat")
	x := b.input("x", 1, 3, 4, 5)
	z := b.input("z", 1, 2, 4, 5)
	c := b.op("cat", "Concat", map[string]any{"axis": int64(-1)}, b.tr("tx", x, toNHWC...), b.tr("tz", z, toNHWC...), b.weights("k", 1, 4, 5, 1))
	g := b.output(b.op("out", "Relu", nil, c))
	annotate(t, g)
	optimizeAndCheck(t, "concat", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 1})
	if a := nodeByOp(g, "Concat").Int("axis", -9); a != 1 {
		t.Errorf("concat axis %d, want 1", a)
	}
}

func TestTransposeReduce(t *testing.T) {
	// Global average pooling written as ReduceMean over H, W of NHWC.
	b := newBuilder("reduce")
	x := b.input("x", 2, 3, 4, 5)
	y := b.tr("t", x, toNHWC...)
	m := b.op("mean", "ReduceMean", map[string]any{"axes": []int64{1, 2}, "keepdims": int64(0)}, y)
	k := b.op("sum", "ReduceSum", map[string]any{"keepdims": int64(1)}, b.tr("t2", x, toNHWC...), b.ints("axes", -1))
	g := b.output(b.op("out", "Relu", nil, m), b.op("out2", "Relu", nil, k))
	annotate(t, g)
	optimizeAndCheck(t, "reduce", g, Passes())
	// The keepdims branch needs its Transpose at its end; it moves only
	// the reduced dim of size 1, so it is a Reshape.
	wantCounts(t, g, map[string]int{"Transpose": 0, "Reshape": 1})
	if n := nodeByOp(g, "Reshape"); n.Outputs[0] != "out2" {
		t.Errorf("only the keepdims branch needs a Reshape, at its end:\n%s", g.Dump())
	}
}

func TestTransposeSoftmaxPadSlice(t *testing.T) {
	b := newBuilder("axis_ops")
	x := b.input("x", 1, 3, 4, 5)
	y := b.tr("t", x, toNHWC...)
	y = b.op("pad", "Pad", nil, y, b.ints("pads", 0, 1, 0, 0, 0, 0, 2, 0))
	y = b.op("slice", "Slice", nil, y, b.ints("starts", 1, 0), b.ints("ends", 4, 2), b.ints("sl_axes", 1, -1))
	y = b.op("sm", "Softmax", map[string]any{"axis": int64(-1)}, y)
	g := b.output(b.tr("out", y, toNCHW...))
	annotate(t, g)
	optimizeAndCheck(t, "axis_ops", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 0})
}

func TestTransposeResidual(t *testing.T) {
	// y feeds a conv (through its NCHW Transpose) and the residual add:
	// the add reuses that Transpose, so the one after the relu moves down.
	b := newBuilder("residual")
	x := b.input("x", 1, 6, 6, 3)
	y := b.op("pre", "Relu", nil, x)
	c := b.tr("c/in", y, toNCHW...)
	c = b.op("c", "Conv", nil, c, b.weights("c/W", 3, 3, 1, 1))
	c = b.tr("c/out", c, toNHWC...)
	c = b.op("r", "Relu", nil, c)
	c = b.op("res", "Add", nil, c, y)
	g := b.output(b.op("out", "Sigmoid", nil, c))
	annotate(t, g)
	optimizeAndCheck(t, "residual", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 2})
	for _, n := range g.Nodes {
		if n.Op == "Transpose" && n.Outputs[0] != "out" && n.Inputs[0] != "pre" {
			t.Errorf("Transposes should sit at the edges:\n%s", g.Dump())
		}
	}
}

// TestNCHWEdges is what --inputs-as-nchw and --outputs-as-nchw leave: a
// Transpose to NHWC after the input and one to NCHW before the output,
// which cancel against the convolution's own.
func TestNCHWEdges(t *testing.T) {
	b := newBuilder("nchw_edges")
	x := b.input("x", 1, 2, 6, 6)
	y := b.tr("x/to_nhwc", x, toNHWC...)
	y = b.nhwcConv("c", y, 2, 3, true)
	y = b.op("r", "Relu", nil, y)
	g := b.output(b.tr("out", y, toNCHW...))
	annotate(t, g)
	optimizeAndCheck(t, "nchw_edges", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 0, "Conv": 1, "Relu": 1, "Add": 0})
}

func TestTransposeFlattenIntoDense(t *testing.T) {
	// conv → NHWC → flatten → dense: the dense weights' rows follow the
	// NCHW order instead, and no Transpose is left after the conv.
	for _, tc := range []struct {
		name   string
		target []int64
		gemm   bool
	}{
		{"flatten_matmul", []int64{-1, 36}, false},
		{"flatten_gemm", []int64{0, -1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBuilder(tc.name)
			x := b.input("x", 2, 3, 4, 4)
			y := b.op("conv", "Conv", nil, x, b.weights("w", 4, 3, 2, 2)) // [2,4,3,3]
			y = b.tr("t", y, toNHWC...)
			y = b.op("flat", "Reshape", nil, y, b.ints("shape", tc.target...))
			if tc.gemm {
				y = b.op("dense", "Gemm", nil, y, b.weights("k", 36, 5), b.weights("bias", 5))
			} else {
				y = b.op("dense", "MatMul", nil, y, b.weights("k", 36, 5))
			}
			g := b.output(b.op("out", "Relu", nil, y))
			annotate(t, g)
			optimizeAndCheck(t, tc.name, g, Passes())
			wantCounts(t, g, map[string]int{"Transpose": 0})
		})
	}
}

func TestTransposeFlattenDynamicTarget(t *testing.T) {
	// Keras' Flatten with an unknown batch: the target is computed from
	// the Shape of the NHWC value.
	b := newBuilder("flatten_dynamic")
	x := b.input("x", 2, 3, 4, 4)
	y := b.op("conv", "Conv", nil, x, b.weights("w", 4, 3, 2, 2))
	y = b.tr("t", y, toNHWC...)
	s := b.op("shape", "Shape", nil, y)
	s = b.op("batch", "Slice", nil, s, b.ints("st", 0), b.ints("en", 1), b.ints("ax", 0))
	s = b.op("target", "Concat", map[string]any{"axis": int64(0)}, s, b.ints("minus1", -1))
	y = b.op("flat", "Reshape", map[string]any{"allowzero": int64(1)}, y, s)
	g := b.output(b.op("dense", "Gemm", nil, y, b.weights("k", 36, 5)))
	annotate(t, g)
	g.SetValue("x", graph.Float, graph.DimsOf(graph.Sym("N"), graph.D(3), graph.D(4), graph.D(4)))
	for _, v := range []string{"conv", "t"} { // unknown batch, as inference leaves it
		sh := g.ShapeOf(v)
		sh.Dims[0] = graph.Sym("N")
		g.SetValue(v, graph.Float, sh)
	}
	optimizeAndCheck(t, "flatten_dynamic", g, Passes())
	// Inference knows the computed target is [N, -1], so static-reshape
	// makes it the constant [0, -1] and the shape arithmetic goes.
	wantCounts(t, g, map[string]int{"Transpose": 0, "Gather": 0, "Shape": 0, "Concat": 0})
}

func TestTransposeOfOnesBeforeReshape(t *testing.T) {
	// Global pooling leaves [N,C,1,1]; back to NHWC and flattened, the
	// Transpose moves only dims of size 1 and goes.
	b := newBuilder("pool_flatten")
	x := b.input("x", 2, 3, 4, 5)
	y := b.op("gap", "ReduceMean", map[string]any{"axes": []int64{2, 3}}, x)
	y = b.tr("t", y, toNHWC...)
	a := b.op("flat", "Reshape", nil, y, b.ints("shape", 2, 3))
	g := b.output(b.op("out", "Relu", nil, a))
	annotate(t, g)
	optimizeAndCheck(t, "pool_flatten", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 0})
}

func TestTransposeSqueeze(t *testing.T) {
	b := newBuilder("squeeze")
	x := b.input("x", 2, 3, 1, 1)
	y := b.tr("t", x, toNHWC...)
	y = b.op("sq", "Squeeze", nil, y, b.ints("axes", 1, 2))
	g := b.output(b.op("out", "Relu", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "squeeze", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 0})
}

func TestFuseConvBatchNorm(t *testing.T) {
	b := newBuilder("conv_bn")
	x := b.input("x", 1, 2, 6, 6)
	y := b.op("conv", "Conv", map[string]any{"group": int64(2)}, x, b.weights("w", 4, 1, 3, 3), b.weights("b0", 4))
	y = b.op("bn", "BatchNormalization", map[string]any{"epsilon": float32(1e-3)}, y,
		b.weights("scale", 4), b.weights("shift", 4), b.weights("mean", 4), b.positive("var", 4))
	y = b.op("mul", "Mul", nil, y, b.weights("s", 4, 1, 1))
	y = b.op("sub", "Sub", nil, y, b.weights("k", 1, 4, 1, 1))
	g := b.output(b.op("out", "Relu", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "conv_bn", g, Passes())
	wantCounts(t, g, map[string]int{"BatchNormalization": 0, "Mul": 0, "Sub": 0, "Conv": 1})
}

func TestFuseConvTranspose(t *testing.T) {
	b := newBuilder("convtranspose")
	x := b.input("x", 1, 4, 3, 3)
	y := b.op("deconv", "ConvTranspose", map[string]any{"group": int64(2)}, x, b.weights("w", 4, 3, 2, 2))
	y = b.op("mul", "Mul", nil, b.weights("s", 6, 1, 1), y)
	g := b.output(b.op("out", "Add", nil, y, b.weights("bias", 6, 1, 1)))
	annotate(t, g)
	optimizeAndCheck(t, "convtranspose", g, Passes())
	wantCounts(t, g, map[string]int{"Mul": 0, "Add": 0, "ConvTranspose": 1})
	if nodeByOp(g, "ConvTranspose").Outputs[0] != "out" {
		t.Errorf("the fused node should produce out")
	}
}

func TestFuseConvNotWhenShared(t *testing.T) {
	b := newBuilder("conv_shared")
	x := b.input("x", 1, 2, 5, 5)
	y := b.op("conv", "Conv", nil, x, b.weights("w", 3, 2, 3, 3))
	a := b.op("add", "Add", nil, y, b.weights("bias", 3, 1, 1))
	g := b.output(a, b.op("r", "Relu", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "conv_shared", g, Passes())
	wantCounts(t, g, map[string]int{"Add": 1})
}

func TestFuseGemm(t *testing.T) {
	b := newBuilder("gemm")
	x := b.input("x", 2, 3)
	y := b.op("mm", "MatMul", nil, x, b.weights("w", 3, 4))
	y = b.op("add", "Add", nil, b.weights("bias", 4), y)
	y = b.op("r", "Relu", nil, y)
	z := b.input("z", 2, 2, 3) // rank 3: stays MatMul
	z = b.op("mm3", "MatMul", nil, z, b.weights("w3", 3, 4))
	z = b.op("add3", "Add", nil, z, b.weights("bias3", 4))
	g := b.output(y, z)
	annotate(t, g)
	optimizeAndCheck(t, "gemm", g, Passes())
	wantCounts(t, g, map[string]int{"Gemm": 1, "MatMul": 1, "Add": 1})
}

func TestSimplifyShapes(t *testing.T) {
	b := newBuilder("shapes")
	x := b.input("x", 2, 3, 4)
	y := b.op("r1", "Reshape", nil, x, b.ints("s1", 6, 4))
	y = b.op("r2", "Reshape", nil, y, b.ints("s2", 4, -1))
	y = b.op("r3", "Reshape", nil, y, b.ints("s3", 4, 6))
	y = b.op("cast", "Cast", map[string]any{"to": graph.Float}, y)
	y = b.op("unsq", "Unsqueeze", nil, y, b.ints("ax", -1))
	y = b.op("sq", "Squeeze", nil, y, b.ints("ax2", 2))
	g := b.output(b.op("out", "Relu", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "shapes", g, Passes())
	wantCounts(t, g, map[string]int{"Reshape": 1, "Cast": 0, "Squeeze": 0, "Unsqueeze": 0})
}

func TestFoldShape(t *testing.T) {
	b := newBuilder("fold_shape")
	x := b.input("x", 2, 3, 4)
	z := b.input("z", 24)
	s := b.op("shape", "Shape", nil, x)
	g := b.output(b.op("out", "Reshape", nil, z, s))
	annotate(t, g)
	optimizeAndCheck(t, "fold_shape", g, Passes())
	wantCounts(t, g, map[string]int{"Shape": 0, "Reshape": 1})
}

func TestIdentityBeforeOutput(t *testing.T) {
	b := newBuilder("identity")
	x := b.input("x", 2, 3)
	r := b.op("r", "Relu", nil, x)
	id := b.op("out", "Identity", nil, r)
	passthrough := b.op("out2", "Identity", nil, x) // a graph input: stays
	g := b.output(id, passthrough)
	annotate(t, g)
	optimizeAndCheck(t, "identity", g, Passes())
	wantCounts(t, g, map[string]int{"Identity": 1, "Relu": 1})
	if nodeByOp(g, "Relu").Outputs[0] != "out" {
		t.Errorf("Relu should produce out now:\n%s", g.Dump())
	}
}

// TestCNN is the shape of a converted NHWC network: convs with biases,
// batch norms, relus, a residual add, a max pool and a concat. It must end
// with one Transpose after the input and one before the output.
func TestCNN(t *testing.T) {
	b := newBuilder("cnn")
	x := b.input("x", 1, 9, 9, 2)
	a := b.nhwcConv("c1", x, 2, 4, true)
	// FusedBatchNorm as the handlers emit it: NCHW BatchNormalization
	// between Transposes.
	a = b.tr("bn1/in", a, toNCHW...)
	a = b.op("bn1", "BatchNormalization", nil, a, b.weights("bn1/s", 4), b.weights("bn1/b", 4), b.weights("bn1/m", 4), b.positive("bn1/v", 4))
	a = b.tr("bn1/out", a, toNHWC...)
	a = b.op("relu1", "Relu", nil, a)
	p := b.tr("pool/in", a, toNCHW...)
	p = b.op("pool", "Relu", nil, p) // stands for a pool: a layout-bound op
	p = b.tr("pool/out", p, toNHWC...)
	c := b.nhwcConv("c2", p, 4, 4, true)
	c = b.op("mulbn", "Mul", nil, c, b.weights("bn2/s", 4))
	c = b.op("addbn", "Add", nil, c, b.weights("bn2/b", 4))
	c = b.op("relu2", "Clip", nil, c, b.scalar("zero", 0), b.scalar("six", 6))
	res := b.op("res", "Add", nil, c, b.op("crop", "Slice", nil, p, b.ints("st", 1, 1), b.ints("en", 6, 6), b.ints("axes", 1, 2)))
	cat := b.op("cat", "Concat", map[string]any{"axis": int64(3)}, res, c)
	g := b.output(b.op("out", "Relu", nil, cat))
	annotate(t, g)
	optimizeAndCheck(t, "cnn", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 2, "BatchNormalization": 0, "Mul": 0})
}

// TestLargeGraphIsFast runs every pass on a graph of 3000 conv blocks (a
// ResNet-50 has about 50) and checks the result.
func TestLargeGraphIsFast(t *testing.T) {
	b := newBuilder("large")
	x := b.input("x", 1, 8, 8, 4)
	y := x
	for i := 0; i < 3000; i++ {
		name := fmt.Sprintf("b%d", i)
		c := b.tr(name+"/in", y, toNCHW...)
		c = b.op(name+"/conv", "Conv", map[string]any{"pads": []int64{1, 1, 1, 1}}, c, b.weights(name+"/W", 4, 4, 3, 3))
		c = b.tr(name+"/out", c, toNHWC...)
		c = b.op(name+"/bias", "Add", nil, c, b.weights(name+"/b", 4))
		c = b.tr(name+"/bn_in", c, toNCHW...)
		c = b.op(name+"/bn", "BatchNormalization", nil, c, b.weights(name+"/s", 4), b.weights(name+"/o", 4), b.weights(name+"/m", 4), b.positive(name+"/v", 4))
		c = b.tr(name+"/bn_out", c, toNHWC...)
		c = b.op(name+"/relu", "Relu", nil, c)
		y = b.op(name+"/res", "Add", nil, c, y)
	}
	g := b.output(b.op("out", "Relu", nil, y))
	for _, n := range g.Nodes { // shapes without running 3000 convs
		g.SetValue(n.Outputs[0], graph.Float, graph.ShapeOf(1, 8, 8, 4))
		if n.Op == "Transpose" && slices.Equal(n.Ints("perm"), toNCHW) || n.Op == "Conv" || n.Op == "BatchNormalization" {
			g.SetValue(n.Outputs[0], graph.Float, graph.ShapeOf(1, 4, 8, 8))
		}
	}
	nodes := len(g.Nodes)
	start := time.Now()
	if err := Run(g, 17, Passes(), nil); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if err := g.Verify(graph.VerifyOptions{NeedDTypes: true}); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, g, map[string]int{"Transpose": 2, "BatchNormalization": 0, "Conv": 3000})
	// No timing is asserted (a shared machine's load decides it); the
	// scaling row of make bench measures the cost per node.
	t.Logf("%d nodes → %d in %v", nodes, len(g.Nodes), took)
}

// TestPassesAlone runs single passes, so that each is seen to do its own
// job without the others' help.
func TestPassesAlone(t *testing.T) {
	cases := []struct {
		pass  string
		build func(b *builder) *graph.Graph
		want  map[string]int
	}{
		{"remove-identity", func(b *builder) *graph.Graph {
			x := b.input("x", 2, 3)
			return b.output(b.op("out", "Relu", nil, b.op("id", "Identity", nil, x)))
		}, map[string]int{"Identity": 0}},
		{"fold-constants", func(b *builder) *graph.Graph {
			x := b.input("x", 2, 3)
			s := b.op("shape", "Shape", nil, x)
			return b.output(b.op("out", "Reshape", nil, b.op("r", "Relu", nil, x), s))
		}, map[string]int{"Shape": 0}},
		{"transpose", func(b *builder) *graph.Graph {
			x := b.input("x", 1, 2, 3, 4)
			y := b.op("r", "Relu", nil, b.tr("t1", x, toNHWC...))
			return b.output(b.tr("out", y, toNCHW...))
		}, map[string]int{"Transpose": 0}},
		{"simplify-shapes", func(b *builder) *graph.Graph {
			x := b.input("x", 2, 3)
			y := b.op("r", "Reshape", nil, x, b.ints("s", 2, 3))
			return b.output(b.op("out", "Relu", nil, y))
		}, map[string]int{"Reshape": 0}},
		{"fuse-conv", func(b *builder) *graph.Graph {
			x := b.input("x", 1, 2, 4, 4)
			y := b.op("conv", "Conv", nil, x, b.weights("w", 3, 2, 3, 3))
			return b.output(b.op("out", "Add", nil, y, b.weights("b", 3, 1, 1)))
		}, map[string]int{"Add": 0}},
		{"fuse-gemm", func(b *builder) *graph.Graph {
			x := b.input("x", 2, 3)
			y := b.op("mm", "MatMul", nil, x, b.weights("w", 3, 4))
			return b.output(b.op("out", "Add", nil, y, b.weights("b", 1, 4)))
		}, map[string]int{"MatMul": 0, "Add": 0, "Gemm": 1}},
		{"dead-nodes", func(b *builder) *graph.Graph {
			x := b.input("x", 2, 3)
			b.op("unused", "Relu", nil, b.op("unused0", "Exp", nil, x))
			return b.output(b.op("out", "Neg", nil, x))
		}, map[string]int{"Relu": 0, "Exp": 0}},
	}
	for _, tc := range cases {
		t.Run(tc.pass, func(t *testing.T) {
			g := tc.build(newBuilder("alone_" + tc.pass))
			annotate(t, g)
			optimizeAndCheck(t, "alone_"+tc.pass, g, only(tc.pass))
			wantCounts(t, g, tc.want)
		})
	}
}

func TestRunReportsPass(t *testing.T) {
	b := newBuilder("hook")
	x := b.input("x", 2, 3)
	g := b.output(b.op("out", "Relu", nil, b.op("id", "Identity", nil, x)))
	var seen []string
	err := Run(g, 17, Passes(), func(pass string, g *graph.Graph) error {
		seen = append(seen, pass)
		return nil
	})
	if err != nil || strings.Join(seen, ",") != "remove-identity" {
		t.Errorf("hook saw %v (err %v), want remove-identity once", seen, err)
	}
	broken := []Pass{{Name: "broken", Run: func(*graph.Graph, int) (bool, error) { return false, fmt.Errorf("boom") }}}
	if err := Run(g, 17, broken, nil); err == nil || !strings.Contains(err.Error(), "pass broken: boom") {
		t.Errorf("error %v should name the pass", err)
	}
}

func TestPassesAreDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Passes() {
		if p.Name == "" || p.Doc == "" || p.Run == nil || seen[p.Name] {
			t.Errorf("pass %q: needs a unique name, a doc and a Run", p.Name)
		}
		seen[p.Name] = true
	}
	if ps := Passes(); ps[len(ps)-1].Name != "dead-nodes" {
		t.Errorf("dead-nodes should run last")
	}
}

func TestCancelToGraphInputKeepsOutputName(t *testing.T) {
	// out = T⁻¹(T(x)) is x itself: an Identity keeps the output's name
	// apart from the input's. mid is an output read by a node as well.
	b := newBuilder("cancel_to_input")
	x := b.input("x", 1, 2, 3, 4)
	mid := b.tr("mid", x, toNHWC...)
	out := b.tr("out", mid, toNCHW...)
	g := b.output(out, mid, b.op("r", "Relu", nil, mid))
	annotate(t, g)
	optimizeAndCheck(t, "cancel_to_input", g, Passes())
	wantCounts(t, g, map[string]int{"Identity": 1})
}

// TestTransposeBranchesSwish: x·sigmoid(x) and a hard swish after NHWC
// convs read the conv's NHWC Transpose twice; each reader gets its own
// copy, the copies travel down both arms and cancel at the next conv.
func TestTransposeBranchesSwish(t *testing.T) {
	b := newBuilder("branches_swish")
	x := b.input("x", 1, 6, 6, 2)
	y := b.nhwcConv("c1", x, 2, 3, true)
	y = b.op("swish", "Mul", nil, y, b.op("sig", "Sigmoid", nil, y))
	y = b.nhwcConv("c2", y, 3, 3, true)
	// Keras' hard swish: x · (relu6(x + 3) / 6).
	h := b.op("hs/add", "Add", nil, y, b.scalar("three", 3))
	h = b.op("hs/relu6", "Clip", nil, h, b.scalar("zero", 0), b.scalar("six", 6))
	h = b.op("hs/div", "Div", nil, h, b.scalar("six2", 6))
	y = b.op("hswish", "Mul", nil, y, h)
	y = b.nhwcConv("c3", y, 3, 2, true)
	g := b.output(b.op("out", "Relu", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "branches_swish", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 2, "HardSwish": 1, "Clip": 0, "Add": 0})
}

// TestTransposeBranchesKept: a split whose copy cannot move (the other
// operand is an NHWC graph input) is not kept.
func TestTransposeBranchesKept(t *testing.T) {
	b := newBuilder("branches_kept")
	x := b.input("x", 1, 4, 4, 2)
	z := b.input("z", 1, 2, 2, 3)
	y := b.nhwcConv("c1", x, 2, 3, false)
	g := b.output(b.op("a", "Add", nil, y, z), b.op("s", "Sigmoid", nil, y))
	annotate(t, g)
	before := counts(g)["Transpose"]
	optimizeAndCheck(t, "branches_kept", g, Passes())
	if got := counts(g)["Transpose"]; got > before {
		t.Errorf("%d Transposes, had %d:\n%s", got, before, g.Dump())
	}
}

// TestSqueezeExcite is Keras' squeeze-excite block after an NHWC conv:
// mean over H, W (no keepdims), a Reshape to [N,1,1,C], two 1×1 convs and
// a sigmoid scaling the block's input. It ends with GlobalAveragePool and
// no Reshape or Transpose inside.
func TestSqueezeExcite(t *testing.T) {
	b := newBuilder("squeeze_excite")
	x := b.input("x", 1, 5, 5, 4)
	y := b.nhwcConv("c1", x, 4, 4, true)
	y = b.op("act", "Mul", nil, y, b.op("act/sig", "Sigmoid", nil, y))
	s := b.op("se/mean", "ReduceMean", map[string]any{"axes": []int64{1, 2}, "keepdims": int64(0)}, y)
	s = b.op("se/reshape", "Reshape", nil, s, b.ints("se/shape", 1, 1, 1, 4))
	s = b.tr("se/r/in", s, toNCHW...)
	s = b.op("se/r", "Conv", nil, s, b.weights("se/r/W", 2, 4, 1, 1), b.weights("se/r/B", 2))
	s = b.tr("se/r/out", s, toNHWC...)
	s = b.op("se/relu", "Relu", nil, s)
	s = b.tr("se/e/in", s, toNCHW...)
	s = b.op("se/e", "Conv", nil, s, b.weights("se/e/W", 4, 2, 1, 1), b.weights("se/e/B", 4))
	s = b.tr("se/e/out", s, toNHWC...)
	s = b.op("se/sig", "Sigmoid", nil, s)
	y = b.op("se/excite", "Mul", nil, y, s)
	y = b.nhwcConv("c2", y, 4, 2, true)
	g := b.output(b.op("out", "Relu", nil, y))
	annotate(t, g)
	optimizeAndCheck(t, "squeeze_excite", g, Passes())
	// The last conv's output is [1,2,1,1]: its way back to NHWC moves only
	// dims of 1 and is a Reshape.
	wantCounts(t, g, map[string]int{"Transpose": 1, "GlobalAveragePool": 1, "ReduceMean": 0, "Reshape": 1})
}

func TestHardSigmoid(t *testing.T) {
	// relu6(x+3)·(1/6) → HardSigmoid; a conv in front would otherwise
	// take the +3 into its bias first.
	b := newBuilder("hard_sigmoid")
	x := b.input("x", 1, 2, 4, 4)
	y := b.op("conv", "Conv", nil, x, b.weights("w", 3, 2, 1, 1), b.weights("bias", 3))
	h := b.op("add", "Add", nil, b.scalar("three", 3), y)
	h = b.op("relu6", "Clip", nil, h, b.scalar("zero", 0), b.scalar("six", 6))
	h = b.op("mul", "Mul", nil, b.scalar("sixth", 1.0/6), h)
	g := b.output(b.op("out", "Mul", nil, h, b.input("z", 1, 3, 4, 4)))
	annotate(t, g)
	optimizeAndCheck(t, "hard_sigmoid", g, Passes())
	wantCounts(t, g, map[string]int{"HardSigmoid": 1, "Clip": 0, "Add": 0, "HardSwish": 0})
}

func TestFusePadThroughTranspose(t *testing.T) {
	// ZeroPadding2D before a conv: an NHWC Pad, then the conv's Transpose.
	b := newBuilder("fuse_pad")
	x := b.input("x", 1, 5, 5, 2)
	y := b.op("pad", "Pad", nil, x, b.ints("pads", 0, 1, 2, 0, 0, 2, 1, 0))
	y = b.tr("c/in", y, toNCHW...)
	y = b.op("c", "Conv", map[string]any{"pads": []int64{1, 0, 0, 1}}, y, b.weights("c/W", 3, 2, 3, 3))
	z := b.op("pad2", "Pad", nil, y, b.ints("pads2", 0, 0, 1, 1, 0, 0, 1, 1), b.scalar("zero", 0))
	z = b.op("c2", "Conv", nil, z, b.weights("c2/W", 2, 3, 3, 3))
	g := b.output(b.op("out", "Relu", nil, z))
	annotate(t, g)
	optimizeAndCheck(t, "fuse_pad", g, Passes())
	wantCounts(t, g, map[string]int{"Pad": 0, "Conv": 2})
	if p := nodeByOp(g, "Conv").Ints("pads"); !slices.Equal(p, []int64{2, 2, 2, 2}) {
		t.Errorf("pads %v, want [2 2 2 2]", p)
	}
}

func TestFusePadNotNonZero(t *testing.T) {
	b := newBuilder("fuse_pad_value")
	x := b.input("x", 1, 2, 4, 4)
	y := b.op("pad", "Pad", nil, x, b.ints("pads", 0, 0, 1, 1, 0, 0, 1, 1), b.scalar("one", 1))
	g := b.output(b.op("c", "Conv", nil, y, b.weights("w", 2, 2, 3, 3)))
	annotate(t, g)
	optimizeAndCheck(t, "fuse_pad_value", g, Passes())
	wantCounts(t, g, map[string]int{"Pad": 1})
}

func TestDropNeutral(t *testing.T) {
	b := newBuilder("neutral")
	x := b.input("x", 2, 3)
	y := b.op("m1", "Mul", nil, b.scalar("one", 1), x)
	y = b.op("d1", "Div", nil, y, b.scalar("one2", 1))
	y = b.op("a0", "Add", nil, y, b.weights("zeros", 3))
	// A 1 that broadcasts x wider stays.
	w := b.op("wide", "Mul", nil, y, b.positive("ones", 4, 2, 3))
	g := b.output(b.op("out", "Relu", nil, y), w)
	for _, k := range []string{"zeros", "ones"} {
		c := g.Consts[k]
		v := make([]float32, c.NumElements())
		if k == "ones" {
			for i := range v {
				v[i] = 1
			}
		}
		g.SetConst(k, graph.Float32Tensor(c.Dims, v))
	}
	annotate(t, g)
	optimizeAndCheck(t, "neutral", g, Passes())
	wantCounts(t, g, map[string]int{"Div": 0, "Add": 0, "Mul": 1})
}

// TestFuseScaleForward is DenseNet's layer: a batch norm (Mul, Add) after
// a Concat, then Relu and two convs (one padded, one grouped); the scale
// moves into both convs' weights, the shift stays as one Add.
func TestFuseScaleForward(t *testing.T) {
	b := newBuilder("scale_forward")
	x := b.input("x", 1, 2, 5, 5)
	z := b.input("z", 1, 2, 5, 5)
	c := b.op("cat", "Concat", map[string]any{"axis": int64(1)}, x, z)
	y := b.op("bn/mul", "Mul", nil, c, b.positive("bn/scale", 4, 1, 1))
	y = b.op("bn/add", "Add", nil, y, b.weights("bn/shift", 4, 1, 1))
	y = b.op("relu", "Relu", nil, y)
	a := b.op("c1", "Conv", map[string]any{"pads": []int64{1, 1, 1, 1}}, y, b.weights("c1/W", 3, 4, 3, 3))
	d := b.op("c2", "Conv", map[string]any{"group": int64(2)}, y, b.weights("c2/W", 4, 2, 1, 1))
	// A negative scale cannot cross the Relu.
	n := b.op("neg/mul", "Mul", nil, x, b.weights("neg/scale", 2, 1, 1))
	n = b.op("neg/relu", "Relu", nil, n)
	n = b.op("neg/conv", "Conv", nil, n, b.weights("neg/W", 2, 2, 1, 1))
	g := b.output(a, d, n)
	g.SetConst("neg/scale", graph.Float32Tensor([]int64{2, 1, 1}, []float32{0.5, -0.5}))
	annotate(t, g)
	optimizeAndCheck(t, "scale_forward", g, Passes())
	wantCounts(t, g, map[string]int{"Mul": 1, "Add": 1, "Conv": 3})
}

func TestBatchNormForward(t *testing.T) {
	b := newBuilder("bn_forward")
	x := b.input("x", 1, 3, 4, 4)
	y := b.op("bn", "BatchNormalization", map[string]any{"epsilon": float32(1e-3)}, x,
		b.positive("scale", 3), b.weights("shift", 3), b.weights("mean", 3), b.positive("var", 3))
	y = b.op("relu", "Relu", nil, y)
	g := b.output(b.op("c", "Conv", map[string]any{"pads": []int64{1, 1, 1, 1}}, y, b.weights("w", 2, 3, 3, 3)))
	annotate(t, g)
	optimizeAndCheck(t, "bn_forward", g, Passes())
	wantCounts(t, g, map[string]int{"BatchNormalization": 0, "Add": 1, "Mul": 0})
}

// TestMergeDuplicates: NASNet applies the same Relu, Pad and pool to one
// value in several branches; equal constants are stored once.
func TestMergeDuplicates(t *testing.T) {
	b := newBuilder("merge_duplicates")
	x := b.input("x", 1, 2, 5, 5)
	r1 := b.op("r1", "Relu", nil, x)
	r2 := b.op("r2", "Relu", nil, x)
	p1 := b.op("p1", "Pad", nil, r1, b.ints("pads1", 0, 0, 1, 1, 0, 0, 1, 1))
	p2 := b.op("p2", "Pad", nil, r2, b.ints("pads2", 0, 0, 1, 1, 0, 0, 1, 1))
	c1 := b.op("c1", "Conv", nil, p1, b.weights("w1", 2, 2, 3, 3))
	c2 := b.op("c2", "Conv", map[string]any{"group": int64(2)}, p2, b.weights("w2", 2, 1, 3, 3))
	s1 := b.op("s1", "Sigmoid", nil, c1)
	s2 := b.op("s2", "Sigmoid", nil, c1)
	g := b.output(b.op("out", "Add", nil, b.op("sum", "Add", nil, s1, s2), c2))
	annotate(t, g)
	optimizeAndCheck(t, "merge_duplicates", g, Passes())
	wantCounts(t, g, map[string]int{"Relu": 1, "Pad": 0, "Sigmoid": 1, "Conv": 2})
	if g.Consts["pads2"] != nil {
		t.Errorf("equal constants should be one:\n%s", g.Dump())
	}
}

// TestSubgraphs: an If branch gets the same passes as the main graph (a
// Transpose pair cancels, a Mul by 1 goes); the branch's output keeps its
// name and the If its values.
func TestSubgraphs(t *testing.T) {
	b := newBuilder("subgraphs")
	x := b.input("x", 1, 2, 3, 4)
	b.g.Inputs = append(b.g.Inputs, "cond")
	b.g.SetValue("cond", graph.Bool, graph.ShapeOf())
	then := newBuilder("then")
	y := then.tr("then/t1", x, toNHWC...)
	y = then.op("then/relu", "Relu", nil, y)
	y = then.tr("then/t2", y, toNCHW...)
	y = then.op("then/out", "Mul", nil, y, then.scalar("then/one", 1))
	then.output(y)
	els := newBuilder("else")
	els.output(els.op("else/out", "Sigmoid", nil, x))
	b.g.AddNode(&graph.Node{Name: "if", Op: "If", Inputs: []string{"cond"}, Outputs: []string{"if"},
		Attrs: map[string]any{"then_branch": then.g, "else_branch": els.g}})
	g := b.output(b.op("out", "Neg", nil, "if"))
	// Shapes: both branches give x's shape.
	for _, v := range []string{"then/t1", "then/relu"} {
		then.g.SetValue(v, graph.Float, graph.ShapeOf(1, 3, 4, 2))
	}
	for _, v := range []string{"then/t2", "then/out"} {
		then.g.SetValue(v, graph.Float, graph.ShapeOf(1, 2, 3, 4))
	}
	els.g.SetValue("else/out", graph.Float, graph.ShapeOf(1, 2, 3, 4))
	g.SetValue("if", graph.Float, graph.ShapeOf(1, 2, 3, 4))
	g.SetValue("out", graph.Float, graph.ShapeOf(1, 2, 3, 4))
	for _, c := range []float64{0, 1} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			gc := g.Clone()
			feeds := randomFeeds(t, gc, 3)
			feeds["cond"] = arr{v: []float64{c}}
			want, err := evalGraph(gc, feeds)
			if err != nil {
				t.Fatal(err)
			}
			if err := Run(gc, 17, Passes(), func(pass string, g *graph.Graph) error {
				return g.Verify(graph.VerifyOptions{NeedDTypes: true})
			}); err != nil {
				t.Fatal(err)
			}
			got, err := evalGraph(gc, feeds)
			if err != nil {
				t.Fatalf("%v\n%s", err, gc.Dump())
			}
			sameValues(t, want, got)
			body := nodeByOp(gc, "If").Attrs["then_branch"].(*graph.Graph)
			if n := counts(body); n["Transpose"] != 0 || n["Mul"] != 0 || len(body.Outputs) != 1 || body.Outputs[0] != "then/out" {
				t.Errorf("then branch not optimized or renamed:\n%s", body.Dump())
			}
		})
	}
}

// TestLayerNormGelu is a BERT feed-forward as TF writes it: a layer norm
// from tf.nn.moments and tf.nn.batch_normalization, then TF's exact GELU
// (0.5·x·erfc(−x/√2), Erfc mapped as 1 − Erf) and the tanh one. At opset
// 20 each is one node.
func TestLayerNormGelu(t *testing.T) {
	b := newBuilder("layer_norm_gelu")
	x := b.input("x", 2, 3, 8)
	mean := b.op("mean", "ReduceMean", map[string]any{"axes": []int64{-1}}, x)
	d := b.op("d", "Sub", nil, x, mean)
	v := b.op("var", "ReduceMean", map[string]any{"axes": []int64{2}}, b.op("sq", "Mul", nil, d, d))
	r := b.op("rsqrt", "Reciprocal", nil, b.op("sqrt", "Sqrt", nil, b.op("ve", "Add", nil, v, b.scalar("eps", 1e-3))))
	m := b.op("m", "Mul", nil, r, b.positive("gamma", 8))
	q := b.op("q", "Sub", nil, b.weights("beta", 1, 1, 8), b.op("mm", "Mul", nil, mean, m))
	y := b.op("ln", "Add", nil, b.op("xm", "Mul", nil, x, m), q)
	// exact GELU, TF's spelling
	h := b.op("g/half", "Mul", nil, b.scalar("half", 0.5), y)
	e := b.op("g/mul", "Mul", nil, b.op("g/neg", "Neg", nil, y), b.scalar("rsqrt2", 1/math.Sqrt2))
	e = b.op("g/erfc", "Sub", nil, b.scalar("one", 1), b.op("g/erf", "Erf", nil, e))
	y = b.op("g/out", "Mul", nil, h, e)
	// tanh GELU
	h = b.op("t/half", "Mul", nil, y, b.scalar("half2", 0.5))
	c := b.op("t/c", "Mul", nil, b.scalar("k", 0.044715), b.op("t/cube", "Pow", nil, y, b.scalar("three", 3)))
	u := b.op("t/u", "Mul", nil, b.scalar("s2pi", math.Sqrt(2/math.Pi)), b.op("t/a", "Add", nil, y, c))
	u = b.op("t/1p", "Add", nil, b.op("t/tanh", "Tanh", nil, u), b.scalar("one2", 1))
	g := b.output(b.op("out", "Mul", nil, h, u))
	annotate(t, g)
	optimizeAndCheckAt(t, "layer_norm_gelu", g, Passes(), 20)
	wantCounts(t, g, map[string]int{"LayerNormalization": 1, "Gelu": 2, "ReduceMean": 0, "Erf": 0, "Tanh": 0})
	if len(g.Nodes) != 3 {
		t.Errorf("want 3 nodes:\n%s", g.Dump())
	}
}

// TestAttentionMatMul: Keras' multi-head attention einsums become
// Transposes and MatMuls, and the dense layers' Tensordot Reshapes go.
func TestAttentionMatMul(t *testing.T) {
	b := newBuilder("attention")
	x := b.input("x", 1, 4, 6) // [B, T, C]
	flat := b.op("q/flat", "Reshape", nil, x, b.ints("q/s1", 4, 6))
	q := b.op("q/mm", "MatMul", nil, flat, b.weights("q/W", 6, 6))
	q = b.op("q/back", "Reshape", nil, q, b.ints("q/s2", 1, 4, 6))
	q = b.op("q/heads", "Reshape", nil, q, b.ints("q/s3", 1, 4, 2, 3)) // [B, T, N, H]
	k := b.op("k/heads", "Reshape", nil, b.op("k/mm", "MatMul", nil, x, b.weights("k/W", 6, 6)), b.ints("k/s", 1, 4, 2, 3))
	s := b.op("scores", "Einsum", map[string]any{"equation": "BTNH,BSNH->BNTS"}, q, k)
	s = b.op("probs", "Softmax", map[string]any{"axis": int64(-1)}, s)
	o := b.op("ctx", "Einsum", map[string]any{"equation": "BNTS,BSNH->BTNH"}, s, k)
	g := b.output(b.op("out", "Reshape", nil, o, b.ints("o/s", 1, 4, 6)))
	annotate(t, g)
	optimizeAndCheck(t, "attention", g, Passes())
	wantCounts(t, g, map[string]int{"Einsum": 0, "MatMul": 4})
	if mm := nodeByOp(g, "MatMul"); mm.Inputs[0] != "x" {
		t.Errorf("the dense layer should read x directly:\n%s", g.Dump())
	}
}

func TestPlanEinsum(t *testing.T) {
	for eq, ok := range map[string]bool{
		"BTNH,BSNH->BNTS": true, "BNTS,BSNH->BTNH": true, "ij,jk->ik": true, "bij,bjk->bik": true,
		"ij,jk->ki": true, "ii,ij->j": false, "ij,jk": false, "i,i->": false, "ijk,jkl->il": false, "...ij,...jk->...ik": false,
	} {
		if got := planEinsum(eq) != nil; got != ok {
			t.Errorf("planEinsum(%q) = %v, want %v", eq, got, ok)
		}
	}
}

func TestFlattenConcat(t *testing.T) {
	b := newBuilder("flatten_concat")
	x := b.input("x", 1, 2, 3, 3)
	z := b.input("z", 1, 1, 3, 3)
	inner := b.op("inner", "Concat", map[string]any{"axis": int64(1)}, x, z)
	twice := b.op("twice", "Concat", map[string]any{"axis": int64(1)}, z, z) // read twice below: kept
	other := b.op("other", "Concat", map[string]any{"axis": int64(2)}, x, x) // another axis: kept
	g := b.output(b.op("outer", "Concat", map[string]any{"axis": int64(-3)}, z, inner, twice, twice), other)
	annotate(t, g)
	optimizeAndCheck(t, "flatten_concat", g, Passes())
	wantCounts(t, g, map[string]int{"Concat": 3})
}

// TestTransposeSplit: an NHWC Split of a conv's output along channels,
// each part into its own conv; the Transpose moves below the Split and
// each copy cancels with its conv's.
func TestTransposeSplit(t *testing.T) {
	b := newBuilder("split")
	x := b.input("x", 1, 5, 5, 2)
	y := b.nhwcConv("c0", x, 2, 4, true)
	b.g.AddNode(&graph.Node{Name: "split", Op: "Split", Inputs: []string{y}, Outputs: []string{"s0", "s1"}, Attrs: map[string]any{"axis": int64(3)}})
	a := b.nhwcConv("c1", "s0", 2, 2, false)
	c := b.nhwcConv("c2", "s1", 2, 2, false)
	g := b.output(b.op("out", "Add", nil, a, c))
	annotate(t, g)
	optimizeAndCheck(t, "split", g, Passes())
	wantCounts(t, g, map[string]int{"Transpose": 1, "Split": 1}) // the last is a Reshape: 1×1×1×2
}

// TestTransposeSelfInverseWithItsInput: Add(x, Transpose(x)) with a
// self-inverse perm (the bounding-box overlap of tf.image's NMS). Pushing
// the Transpose below the Add must not reuse that same Transpose as the
// inverse of the other input: it moves below the Add, a cycle.
func TestTransposeSelfInverseWithItsInput(t *testing.T) {
	b := newBuilder("selfinv")
	x := b.input("x", 2, 4, 4)
	m := b.op("sum", "Add", nil, x, b.tr("t", x, 0, 2, 1))
	g := b.output(b.op("out", "Sub", nil, m, b.weights("k", 2, 4, 4)))
	annotate(t, g)
	optimizeAndCheck(t, "selfinv", g, Passes())
}
