package optimize

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// dq-transpose: a Transpose between the DequantizeLinear of an int8 graph
// input and a Conv moves above the DequantizeLinear, and the other passes
// leave it there.
func TestDQTranspose(t *testing.T) {
	b := newBuilder("dq")
	x := b.input("x", 1, 4, 4, 2)
	b.g.SetValue(x, graph.Int8, graph.ShapeOf(1, 4, 4, 2))
	b.g.SetConst("scale", graph.ScalarOf(graph.Float, 0.5))
	b.g.SetConst("zero", graph.NewIntTensor(graph.Int8, nil, []int64{3}))
	d := b.op("dq", "DequantizeLinear", nil, x, "scale", "zero")
	b.g.SetValue(d, graph.Float, graph.ShapeOf(1, 4, 4, 2))
	y := b.tr("t", d, 0, 3, 1, 2)
	b.g.SetValue(y, graph.Float, graph.ShapeOf(1, 2, 4, 4))
	w := b.weights("w", 3, 2, 1, 1)
	g := b.output(b.op("out", "Conv", nil, y, w))
	b.g.SetValue("out", graph.Float, graph.ShapeOf(1, 3, 4, 4))
	if err := Run(g, 21, Passes(), nil); err != nil {
		t.Fatal(err)
	}
	tr, dq := nodeByOp(g, "Transpose"), nodeByOp(g, "DequantizeLinear")
	if tr == nil || dq == nil || tr.Inputs[0] != "x" || dq.Inputs[0] != tr.Outputs[0] {
		t.Fatalf("want x → Transpose → DequantizeLinear:\n%s", g.Dump())
	}
	if got := g.DTypeOf(tr.Outputs[0]); got != graph.Int8 {
		t.Errorf("the transposed input is %v, want int8", got)
	}
	if got := g.ShapeOf(dq.Outputs[0]).String(); got != "[1,2,4,4]" {
		t.Errorf("the dequantized value has shape %s", got)
	}
}

// evalTyped evaluates the ops whose values depend on element types
// (QuantizeLinear saturates to its zero point's type) or that only the QDQ
// tests use. Arithmetic is float32, as onnxruntime's.
var evalTyped = map[string]func(g *graph.Graph, n *graph.Node, in []arr, has []bool) ([]arr, error){
	"QuantizeLinear":   evalQuantize,
	"DequantizeLinear": evalQuantize,
	"ScatterND":        evalScatterND,
	"Min": func(_ *graph.Graph, _ *graph.Node, in []arr, _ []bool) ([]arr, error) {
		out, err := elementwise(in, func(x []float64) float64 { return slices.Min(x) })
		return []arr{out}, err
	},
}

func evalQuantize(g *graph.Graph, n *graph.Node, in []arr, has []bool) ([]arr, error) {
	x, s := in[0], in[1]
	zp := arr{dims: s.dims, v: make([]float64, len(s.v))}
	dt := graph.Uint8
	if len(in) > 2 && has[2] {
		zp, dt = in[2], g.DTypeOf(n.Inputs[2])
	} else if n.Op == "DequantizeLinear" {
		dt = g.DTypeOf(n.Inputs[0])
	}
	lo, hi := 0.0, 255.0
	if dt == graph.Int8 {
		lo, hi = -128, 127
	}
	inner, size := int64(1), int64(1)
	if len(s.dims) == 1 {
		a := normAxes([]int64{n.Int("axis", 1)}, len(x.dims))[0]
		size = x.dims[a]
		inner = numel(x.dims[a+1:])
		if size != s.dims[0] {
			return nil, fmt.Errorf("eval: %d scales for axis of %d", s.dims[0], size)
		}
	}
	out := arr{dims: x.dims, v: make([]float64, len(x.v))}
	for i, v := range x.v {
		c := (int64(i) / inner) % size
		sc, z := float32(s.v[c]), zp.v[c]
		if n.Op == "QuantizeLinear" {
			q := math.RoundToEven(float64(float32(v)/sc)) + z
			out.v[i] = max(lo, min(hi, q))
		} else {
			out.v[i] = float64(float32(v-z) * sc)
		}
	}
	return []arr{out}, nil
}

// evalScatterND: indices [k, 1] into the first axis of data.
func evalScatterND(_ *graph.Graph, n *graph.Node, in []arr, _ []bool) ([]arr, error) {
	data, idx, upd := in[0], in[1], in[2]
	if len(idx.dims) != 2 || idx.dims[1] != 1 {
		return nil, fmt.Errorf("eval: ScatterND indices %v", idx.dims)
	}
	out := arr{dims: data.dims, v: append([]float64{}, data.v...)}
	row := numel(data.dims[1:])
	for k, i := range idx.v {
		copy(out.v[int64(i)*row:int64(i+1)*row], upd.v[int64(k)*row:int64(k+1)*row])
	}
	return []arr{out}, nil
}

// qdq adds QuantizeLinear → DequantizeLinear of x with the given scale
// and zero point constants (axis for per-axis ones, -1 otherwise).
func (b *builder) qdq(name, x, scale, zp string, axis int64) string {
	attrs := map[string]any{}
	if axis >= 0 {
		attrs["axis"] = axis
	}
	q := b.op(name+"/q", "QuantizeLinear", attrs, x, scale, zp)
	b.g.SetValue(q, b.g.DTypeOf(zp), graph.UnknownShape())
	return b.op(name+"/dq", "DequantizeLinear", attrs, q, scale, zp)
}

func (b *builder) zeroPoint(name string, dt graph.DType, vals ...int64) string {
	var dims []int64
	if len(vals) > 1 {
		dims = []int64{int64(len(vals))}
	}
	b.g.SetConst(name, graph.NewIntTensor(dt, dims, vals))
	return name
}

func readers(g *graph.Graph, v string) []*graph.Node {
	var out []*graph.Node
	for _, n := range g.Nodes {
		if slices.Contains(n.Inputs, v) {
			out = append(out, n)
		}
	}
	return out
}

func producerOf(g *graph.Graph, v string) *graph.Node {
	for _, n := range g.Nodes {
		if slices.Contains(n.Outputs, v) {
			return n
		}
	}
	return nil
}

// TestQDQ: each rewrite of the qdq pass (with all the other passes, as
// the converter runs them) keeps the graph's values, checked by the
// float32 interpreter on random inputs, and gives the expected pattern.
func TestQDQ(t *testing.T) {
	cases := []struct {
		name  string
		build func(b *builder) *graph.Graph
		check func(t *testing.T, g *graph.Graph)
	}{{
		// test_qdq_optimizer: DQ moves below Transpose and Reshape and
		// meets the next Q: one DequantizeLinear is left.
		name: "qdq_transpose_reshape",
		build: func(b *builder) *graph.Graph {
			s, z := b.scalar("s", 0.01), b.zeroPoint("z", graph.Uint8, 100)
			y := b.qdq("a", b.input("x", 3, 3, 2), s, z, -1)
			y = b.tr("t", y, 1, 2, 0)
			y = b.op("r", "Reshape", nil, y, b.ints("shape", 9, 2))
			return b.output(b.qdq("b", y, s, z, -1))
		},
		check: func(t *testing.T, g *graph.Graph) {
			wantCounts(t, g, map[string]int{"QuantizeLinear": 1, "DequantizeLinear": 1, "Transpose": 1, "Reshape": 1})
			if dq := producerOf(g, g.Outputs[0]); dq == nil || dq.Op != "DequantizeLinear" || g.DTypeOf(dq.Inputs[0]) != graph.Uint8 {
				t.Errorf("want Reshape of uint8 → DequantizeLinear → output:\n%s", g.Dump())
			}
		},
	}, {
		// test_qdq_optimizer_split_concat: the MatMul reads two
		// DequantizeLinears and feeds a QuantizeLinear.
		name: "qdq_split_concat_matmul",
		build: func(b *builder) *graph.Graph {
			s, z := b.scalar("s", 0.02), b.zeroPoint("z", graph.Int8, -3)
			x := b.qdq("qx", b.input("x", 7, 3, 5), s, z, -1)
			b.g.AddNode(&graph.Node{Name: "split", Op: "Split", Inputs: []string{x}, Outputs: []string{"s0", "s1", "s2"}, Attrs: map[string]any{"axis": int64(1)}})
			ac := b.op("ac", "Concat", map[string]any{"axis": int64(1)}, "s0", "s2")
			y := b.tr("yt", b.qdq("qy", b.input("y", 7, 2, 5), s, z, -1), 0, 2, 1)
			m := b.op("m", "MatMul", nil, ac, y)
			m = b.op("sl", "Slice", nil, m, b.ints("st", 2), b.ints("en", 7), b.ints("ax", 0))
			return b.output(b.qdq("qm", m, s, z, -1))
		},
		check: func(t *testing.T, g *graph.Graph) {
			mm := nodeByOp(g, "MatMul")
			for _, in := range mm.Inputs {
				if p := producerOf(g, in); p == nil || p.Op != "DequantizeLinear" {
					t.Errorf("MatMul input %s is not dequantized:\n%s", in, g.Dump())
				}
			}
			for _, r := range readers(g, mm.Outputs[0]) {
				if r.Op != "QuantizeLinear" {
					t.Errorf("MatMul read by %s:\n%s", r.Op, g.Dump())
				}
			}
		},
	}, {
		// test_qdq_optimizer_scatter: data and updates dequantized alike.
		name: "qdq_scatter",
		build: func(b *builder) *graph.Graph {
			s, z := b.scalar("s", 0.01), b.zeroPoint("z", graph.Uint8, 128)
			x := b.qdq("qx", b.input("x", 4, 3), s, z, -1)
			u := b.qdq("qu", b.input("u", 2, 3), s, z, -1)
			b.g.SetConst("idx", graph.NewIntTensor(graph.Int64, []int64{2, 1}, []int64{3, 1}))
			return b.output(b.qdq("qw", b.op("w", "ScatterND", nil, x, "idx", u), s, z, -1))
		},
		check: func(t *testing.T, g *graph.Graph) {
			wantCounts(t, g, map[string]int{"DequantizeLinear": 1, "QuantizeLinear": 2, "ScatterND": 1})
		},
	}, {
		// Float updates: the QuantizeLinear after the scatter moves up
		// to both of its data inputs.
		name: "qdq_scatter_float_updates",
		build: func(b *builder) *graph.Graph {
			s, z := b.scalar("s", 0.01), b.zeroPoint("z", graph.Uint8, 128)
			x := b.qdq("qx", b.input("x", 4, 3), s, z, -1)
			b.g.SetConst("idx", graph.NewIntTensor(graph.Int64, []int64{2, 1}, []int64{0, 2}))
			return b.output(b.qdq("qw", b.op("w", "ScatterND", nil, x, "idx", b.input("u", 2, 3)), s, z, -1))
		},
		check: func(t *testing.T, g *graph.Graph) {
			wantCounts(t, g, map[string]int{"DequantizeLinear": 1, "QuantizeLinear": 2})
			sc := nodeByOp(g, "ScatterND")
			if g.DTypeOf(sc.Outputs[0]) != graph.Uint8 {
				t.Errorf("the scatter is not on uint8:\n%s", g.Dump())
			}
		},
	}, {
		// A per-channel kernel (TF's HWIO, axis 3) transposed to OIHW:
		// stored as int8 OIHW, its DequantizeLinear's axis now 0.
		name: "qdq_conv_per_channel",
		build: func(b *builder) *graph.Graph {
			b.g.SetConst("ws", graph.NewTensor(graph.Float, []int64{4}, []float64{0.01, 0.02, 0.005, 0.03}))
			z := b.zeroPoint("wz", graph.Int8, 0, 0, 0, 0)
			w := b.qdq("qw", b.weights("w", 3, 3, 2, 4), "ws", z, 3)
			w = b.tr("wt", w, 3, 2, 0, 1)
			return b.output(b.op("conv", "Conv", map[string]any{"kernel_shape": []int64{3, 3}}, b.input("x", 1, 2, 5, 5), w))
		},
		check: func(t *testing.T, g *graph.Graph) {
			wantCounts(t, g, map[string]int{"QuantizeLinear": 0, "DequantizeLinear": 1, "Transpose": 0})
			dq := nodeByOp(g, "DequantizeLinear")
			w := g.Consts[dq.Inputs[0]]
			if w == nil || w.DType != graph.Int8 || fmt.Sprint(w.Dims) != "[4 2 3 3]" || dq.Int("axis", 1) != 0 {
				t.Errorf("want an int8 [4 2 3 3] constant dequantized on axis 0:\n%s", g.Dump())
			}
		},
	}, {
		// test_conv2d_transpose_quantization_axis: a per-tensor kernel of
		// a ConvTranspose gets axis 1 (its output channels).
		name: "qdq_conv_transpose_axis",
		build: func(b *builder) *graph.Graph {
			w := b.qdq("qw", b.weights("w", 3, 3, 2, 3), b.scalar("ws", 0.01), b.zeroPoint("wz", graph.Int8, 0), -1)
			w = b.tr("wt", w, 3, 2, 0, 1)
			return b.output(b.op("convt", "ConvTranspose", map[string]any{"kernel_shape": []int64{3, 3}}, b.input("x", 1, 3, 4, 4), w))
		},
		check: func(t *testing.T, g *graph.Graph) {
			dq := nodeByOp(g, "DequantizeLinear")
			if dq == nil || dq.Int("axis", 1) != 1 || g.Consts[dq.Inputs[0]] == nil || g.Consts[dq.Inputs[0]].DType != graph.Int8 {
				t.Errorf("want an int8 constant kernel dequantized with axis 1:\n%s", g.Dump())
			}
		},
	}, {
		// Different parameters: the DequantizeLinears stay above the
		// Concat; the QuantizeLinear after it moves up, cancels the pair
		// of equal parameters and requantizes the other.
		name: "qdq_unequal_params",
		build: func(b *builder) *graph.Graph {
			z := b.zeroPoint("z", graph.Uint8, 128)
			x := b.qdq("qx", b.input("x", 2, 3), b.scalar("s1", 0.01), z, -1)
			y := b.qdq("qy", b.input("y", 2, 3), b.scalar("s2", 0.02), z, -1)
			c := b.op("c", "Concat", map[string]any{"axis": int64(0)}, x, y)
			return b.output(b.qdq("qc", c, "s2", z, -1))
		},
		check: func(t *testing.T, g *graph.Graph) {
			if c := nodeByOp(g, "Concat"); g.DTypeOf(c.Outputs[0]) != graph.Uint8 {
				t.Errorf("the Concat is not on uint8:\n%s", g.Dump())
			}
			wantCounts(t, g, map[string]int{"QuantizeLinear": 3, "DequantizeLinear": 2})
		},
	}, {
		// A DequantizeLinear also read by a computing op and a graph
		// output stays for them; the Transpose gets its own.
		name: "qdq_shared",
		build: func(b *builder) *graph.Graph {
			d := b.qdq("qx", b.input("x", 2, 3, 4), b.scalar("s", 0.01), b.zeroPoint("z", graph.Int8, 5), -1)
			return b.output(b.tr("t", d, 2, 0, 1), b.op("relu", "Relu", nil, d), d)
		},
		check: func(t *testing.T, g *graph.Graph) {
			tr := nodeByOp(g, "Transpose")
			if g.DTypeOf(tr.Inputs[0]) != graph.Int8 {
				t.Errorf("the Transpose does not read the quantized tensor:\n%s", g.Dump())
			}
			wantCounts(t, g, map[string]int{"DequantizeLinear": 2})
		},
	}, {
		// A scatter that adds its updates computes: nothing moves.
		name: "qdq_scatter_add_kept",
		build: func(b *builder) *graph.Graph {
			s, z := b.scalar("s", 0.01), b.zeroPoint("z", graph.Uint8, 128)
			x := b.qdq("qx", b.input("x", 4, 3), s, z, -1)
			u := b.qdq("qu", b.input("u", 2, 3), s, z, -1)
			b.g.SetConst("idx", graph.NewIntTensor(graph.Int64, []int64{2, 1}, []int64{3, 1}))
			w := b.op("w", "ScatterND", map[string]any{"reduction": "add"}, x, "idx", u)
			return b.output(b.qdq("qw", w, s, z, -1))
		},
		check: func(t *testing.T, g *graph.Graph) {
			wantCounts(t, g, map[string]int{"DequantizeLinear": 3, "QuantizeLinear": 3})
		},
	}, {
		// An NHWC conv stack with fake quantization between: the layout
		// Transposes meet through the quantized tensor and cancel.
		name: "qdq_nhwc_convs",
		build: func(b *builder) *graph.Graph {
			s, z := b.scalar("s", 0.02), b.zeroPoint("z", graph.Uint8, 120)
			y := b.qdq("q0", b.input("x", 1, 5, 5, 2), s, z, -1)
			y = b.nhwcConv("c1", y, 2, 3, false)
			y = b.qdq("q1", y, s, z, -1)
			y = b.nhwcConv("c2", y, 3, 2, false)
			return b.output(b.qdq("q2", y, s, z, -1))
		},
		check: func(t *testing.T, g *graph.Graph) {
			// One Transpose in at the input; the last (to 1×1×1×2) is a Reshape.
			wantCounts(t, g, map[string]int{"Transpose": 1, "QuantizeLinear": 3, "DequantizeLinear": 3})
			for _, n := range g.Nodes {
				if n.Op != "Conv" {
					continue
				}
				if p := producerOf(g, n.Inputs[0]); p == nil || p.Op != "DequantizeLinear" {
					t.Errorf("%s does not read a DequantizeLinear:\n%s", n.Name, g.Dump())
				}
				for _, r := range readers(g, n.Outputs[0]) {
					if r.Op != "QuantizeLinear" {
						t.Errorf("%s read by %s:\n%s", n.Name, r.Op, g.Dump())
					}
				}
			}
		},
	}, {
		// A residual block between NCHW convs (TFLite int8 models): the
		// Transposes travel down through the DequantizeLinear into the
		// Add and cancel, as they do without quantization.
		name: "qdq_residual",
		build: func(b *builder) *graph.Graph {
			s, z := b.scalar("s", 0.02), b.zeroPoint("z", graph.Int8, -5)
			conv1x1 := func(name, x string) string {
				y := b.tr(name+"/in", x, toNCHW...)
				y = b.op(name, "Conv", map[string]any{"kernel_shape": []int64{1, 1}}, y, b.weights(name+"/W", 3, 3, 1, 1))
				return b.qdq(name+"/q", b.tr(name+"/out", y, toNHWC...), s, z, -1)
			}
			a := conv1x1("c1", b.qdq("q0", b.input("x", 1, 4, 4, 3), s, z, -1))
			sum := b.qdq("qsum", b.op("add", "Add", nil, a, conv1x1("c2", a)), s, z, -1)
			return b.output(conv1x1("c3", sum))
		},
		check: func(t *testing.T, g *graph.Graph) {
			wantCounts(t, g, map[string]int{"Transpose": 2, "Conv": 3, "Add": 1})
		},
	}, {
		// FakeQuant's clamp to its nudged range, a Relu before a zero
		// point of 0, and a per-channel clamp: all saturate where the
		// QuantizeLinear does, and go. (Inputs are scaled to ±8 so that
		// the clamps act on the test values.)
		name: "qdq_clamps_dropped",
		build: func(b *builder) *graph.Graph {
			s, z := b.scalar("s", 0.02), b.zeroPoint("z", graph.Uint8, 100)
			b.scalar("eight", 8)
			x := b.op("x8", "Mul", nil, b.input("x", 2, 3), "eight")
			y := b.op("min", "Min", nil, x, b.scalar("hi", float64(float32(155*0.02))))
			y = b.op("max", "Max", nil, y, b.scalar("lo", float64(float32(-100*0.02))))
			a := b.qdq("qa", y, s, z, -1)
			y = b.op("relu", "Relu", nil, b.op("u8", "Mul", nil, b.input("u", 2, 3), "eight"))
			c := b.qdq("qc", y, s, b.zeroPoint("z0", graph.Uint8, 0), -1)
			b.g.SetConst("cs", graph.NewTensor(graph.Float, []int64{3}, []float64{0.01, 0.02, 0.04}))
			b.g.SetConst("chi", graph.NewTensor(graph.Float, []int64{3}, []float64{1.27, 2.54, 5.08}))
			b.g.SetConst("clo", graph.NewTensor(graph.Float, []int64{3}, []float64{-1.28, -2.56, -5.12}))
			y = b.op("cmax", "Max", nil, b.op("cmin", "Min", nil, b.op("v8", "Mul", nil, b.input("v", 2, 3), "eight"), "chi"), "clo")
			e := b.qdq("qe", b.op("clip", "Clip", nil, b.op("w8", "Mul", nil, b.input("w", 2, 3), "eight"), "lo", "hi"), s, z, -1)
			d := b.qdq("qd", y, "cs", b.zeroPoint("cz", graph.Int8, 0, 0, 0), 1)
			return b.output(a, c, d, e)
		},
		check: func(t *testing.T, g *graph.Graph) {
			wantCounts(t, g, map[string]int{"Min": 0, "Max": 0, "Relu": 0, "Clip": 0})
		},
	}, {
		// A narrow range (the clamp stops one step above the type's
		// minimum) and a Relu before a zero point of 10 change values:
		// they stay.
		name: "qdq_clamps_kept",
		build: func(b *builder) *graph.Graph {
			s, z := b.scalar("s", 0.02), b.zeroPoint("z", graph.Uint8, 100)
			b.scalar("eight", 8)
			x := b.op("x8", "Mul", nil, b.input("x", 2, 3), "eight")
			y := b.op("max", "Max", nil, x, b.scalar("lo", float64(float32(-99*0.02))))
			a := b.qdq("qa", y, s, z, -1)
			y = b.op("relu", "Relu", nil, b.op("u8", "Mul", nil, b.input("u", 2, 3), "eight"))
			c := b.qdq("qc", y, s, b.zeroPoint("z10", graph.Uint8, 10), -1)
			return b.output(a, c)
		},
		check: func(t *testing.T, g *graph.Graph) {
			wantCounts(t, g, map[string]int{"Max": 1, "Relu": 1})
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBuilder(c.name)
			g := c.build(b)
			annotate(t, g)
			for _, opset := range []int{13, 21} {
				h := g.Clone()
				optimizeAndCheckAt(t, fmt.Sprintf("%s_%d", c.name, opset), h, Passes(), opset)
				c.check(t, h)
			}
		})
	}
}

// TestQuantizeValues: the folded QuantizeLinear follows the ONNX
// definition: x/scale rounded half to even, plus the zero point,
// saturated; per axis, each slice with its own scale and zero point.
func TestQuantizeValues(t *testing.T) {
	f := func(dims []int64, v ...float64) *graph.Tensor { return graph.NewTensor(graph.Float, dims, v) }
	cases := []struct {
		name string
		x    *graph.Tensor
		p    qparams
		want []int64
	}{
		{"ties to even", f([]int64{6}, 0.5, 1.5, 2.5, -0.5, -1.5, 0.26),
			qparams{scale: f(nil, 1), zp: []int64{0}, dt: graph.Int8, axis: -1}, []int64{0, 2, 2, 0, -2, 0}},
		{"zero point, saturation", f([]int64{4}, -1, 0, 1, 100),
			qparams{scale: f(nil, 0.5), zp: []int64{10}, dt: graph.Uint8, axis: -1}, []int64{8, 10, 12, 210}},
		{"int8 saturation", f([]int64{3}, -1000, 1000, -64),
			qparams{scale: f(nil, 0.5), zp: []int64{0}, dt: graph.Int8, axis: -1}, []int64{-128, 127, -128}},
		{"per axis 1 of [2,2]", f([]int64{2, 2}, 1, 1, 2, 2),
			qparams{scale: f([]int64{2}, 0.5, 0.25), zp: []int64{0, 3}, dt: graph.Int8, axis: 1}, []int64{2, 7, 4, 11}},
	}
	for _, c := range cases {
		got := quantizeValues(c.x, c.p)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if got := quantizeValues(f([]int64{2}, 1, math.NaN()), qparams{scale: f(nil, 1), zp: []int64{0}, dt: graph.Int8, axis: -1}); got != nil {
		t.Errorf("NaN folded to %v", got)
	}
}

// TestQDQRandomChains builds random chains of fake quantization (three
// parameter sets), clamps, Relu and element-moving ops (Transpose,
// Reshape, Split/Concat, Concat of a value with itself) with branches
// joining by Add or Concat, and checks that all passes keep every output's values
// and reach a fixed point.
func TestQDQRandomChains(t *testing.T) {
	for seed := int64(0); seed < 300; seed++ {
		r := rand.New(rand.NewSource(seed))
		b := newBuilder(fmt.Sprintf("chain%d", seed))
		sa, za := b.scalar("sa", 0.02), b.zeroPoint("za", graph.Uint8, 100)
		sb, zb := b.scalar("sb", 0.03), b.zeroPoint("zb", graph.Int8, -3)
		sc, zc := b.scalar("sc", 0.05), b.zeroPoint("zc", graph.Uint8, 90)
		b.scalar("hiA", float64(float32(155*0.02)))
		b.scalar("loA", float64(float32(-100*0.02)))
		b.scalar("three", 3)
		dims := []int64{2, 3, 4}
		y := b.op("x3", "Mul", nil, b.input("x", dims...), "three")
		var outs []string
		var saved string
		for k := range 4 + r.Intn(6) {
			name := fmt.Sprintf("n%d", k)
			switch r.Intn(10) {
			case 9:
				// One value quantized two ways.
				y = b.op(name, "Add", nil, b.qdq(name+"/a", y, sa, za, -1), b.qdq(name+"/c", y, sc, zc, -1))
			case 0:
				y = b.qdq(name, y, sa, za, -1)
			case 1:
				y = b.qdq(name, y, sc, zc, -1)
			case 2:
				y = b.qdq(name, y, sb, zb, -1)
			case 3:
				p := []int64{0, 1, 2}
				r.Shuffle(3, func(i, j int) { p[i], p[j] = p[j], p[i] })
				y = b.tr(name, y, p...)
				dims = []int64{dims[p[0]], dims[p[1]], dims[p[2]]}
			case 4:
				dims = []int64{dims[1], dims[0], dims[2]}
				y = b.op(name, "Reshape", nil, y, b.ints(name+"/shape", dims...))
			case 5:
				if r.Intn(2) == 0 {
					y = b.op(name, "Relu", nil, y)
				} else {
					y = b.op(name+"/max", "Max", nil, b.op(name+"/min", "Min", nil, y, "hiA"), "loA")
				}
			case 6:
				a := int64(r.Intn(3))
				if dims[a]%2 != 0 || dims[a] > 8 {
					y = b.op(name, "Concat", map[string]any{"axis": a}, y, y)
					dims[a] *= 2
					break
				}
				b.g.AddNode(&graph.Node{Name: name, Op: "Split", Inputs: []string{y}, Outputs: []string{name + "/0", name + "/1"}, Attrs: map[string]any{"axis": a}})
				y = b.op(name+"/cat", "Concat", map[string]any{"axis": a}, name+"/1", name+"/0")
			case 7:
				if saved == "" || b.g.ShapeOf(saved).String() != graph.ShapeOf(dims...).String() {
					break
				}
				if r.Intn(2) == 0 {
					y = b.op(name, "Add", nil, y, saved)
				} else {
					y = b.op(name, "Concat", map[string]any{"axis": int64(0)}, y, saved)
					dims[0] *= 2
				}
			case 8:
				outs = append(outs, y)
			}
			if r.Intn(3) == 0 {
				saved = y
				b.g.SetValue(saved, b.g.DTypeOf(saved), graph.ShapeOf(dims...))
			}
		}
		g := b.output(append(outs, y)...)
		annotate(t, g)
		if err := g.Verify(graph.VerifyOptions{}); err != nil {
			t.Fatalf("seed %d: test graph: %v", seed, err)
		}
		feeds := randomFeeds(t, g, seed)
		want, err := evalGraph(g, feeds)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		before := g.Dump()
		for _, opset := range []int{13, 21} {
			h := g.Clone()
			err := Run(h, opset, Passes(), func(pass string, g *graph.Graph) error {
				return g.Verify(graph.VerifyOptions{NeedDTypes: true})
			})
			if err != nil {
				t.Fatalf("seed %d: %v\n%s", seed, err, before)
			}
			for _, p := range Passes() {
				if c, err := p.Run(h, opset); err != nil || c {
					t.Fatalf("seed %d: pass %s still changes the graph (err %v):\n%s\n%s", seed, p.Name, err, before, h.Dump())
				}
			}
			got, err := evalGraph(h, feeds)
			if err != nil {
				t.Fatalf("seed %d: %v\n%s", seed, err, h.Dump())
			}
			if len(got) != len(want) {
				t.Fatalf("seed %d: %d outputs, want %d", seed, len(got), len(want))
			}
			for i := range want {
				if fmt.Sprint(want[i].dims) != fmt.Sprint(got[i].dims) {
					t.Fatalf("seed %d: output %d dims %v, want %v", seed, i, got[i].dims, want[i].dims)
				}
				for k := range want[i].v {
					if d := math.Abs(want[i].v[k] - got[i].v[k]); d > 1e-5*(1+math.Abs(want[i].v[k])) {
						t.Fatalf("seed %d: output %d differs at %d: %g vs %g\n%s\n%s", seed, i, k, got[i].v[k], want[i].v[k], before, h.Dump())
					}
				}
			}
		}
	}
}
