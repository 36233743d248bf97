package tfrewrite

import (
	"reflect"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// dilGraph builds x → SpaceToBatchND(block, paddings) → conv → BatchToSpaceND
// (block, crops) with the given paddings and crops values (names of values
// already in g).
type dilBuilder struct{ g *graph.Graph }

func newDilBuilder(xShape graph.Shape) *dilBuilder {
	g := graph.New("t")
	g.Inputs = []string{"x:0"}
	g.SetValue("x:0", graph.Float, xShape)
	g.SetConst("w:0", graph.NewTensor(graph.Float, []int64{3, 3, 3, 4}, make([]float64, 108)))
	return &dilBuilder{g: g}
}

func (b *dilBuilder) konst(name string, dims []int64, vals ...int64) string {
	b.g.SetConst(name+":0", graph.NewIntTensor(graph.Int32, dims, vals))
	return name + ":0"
}

func (b *dilBuilder) node(name, op string, attrs map[string]any, inputs ...string) string {
	if attrs == nil {
		attrs = map[string]any{}
	}
	b.g.AddNode(&graph.Node{Name: name, Op: op, Domain: graph.DomainTF, Inputs: inputs,
		Outputs: []string{name + ":0"}, Attrs: attrs})
	return name + ":0"
}

func (b *dilBuilder) pattern(convOp string, convAttrs map[string]any, block, paddings, crops string) {
	s2b := b.node("s2b", "SpaceToBatchND", nil, "x:0", block, paddings)
	if convAttrs == nil {
		convAttrs = map[string]any{"padding": "VALID", "strides": []int64{1, 1, 1, 1}, "T": graph.Float}
	}
	conv := b.node("conv", convOp, convAttrs, s2b, "w:0")
	b.node("b2s", "BatchToSpaceND", nil, conv, block, crops)
	b.g.Outputs = []string{"b2s:0"}
}

func (b *dilBuilder) nodeNamed(name string) *graph.Node {
	for _, n := range b.g.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

func TestDilatedConstPattern(t *testing.T) {
	b := newDilBuilder(graph.ShapeOf(1, 17, 19, 3))
	block := b.konst("block", []int64{2}, 2, 2)
	// atrous_conv2d SAME, rate 2, 3x3: base pads 2,2 plus 1 to make the
	// padded size even, cropped again afterwards.
	pads := b.konst("pads", []int64{2, 2}, 2, 3, 2, 3)
	crops := b.konst("crops", []int64{2, 2}, 0, 1, 0, 1)
	b.pattern("Conv2D", nil, block, pads, crops)
	changed, err := dilatedConv(b.g)
	if err != nil || !changed {
		t.Fatalf("dilatedConv = %v, %v", changed, err)
	}
	conv := b.nodeNamed("conv")
	if conv.Inputs[0] != "x:0" {
		t.Errorf("conv reads %v, want x:0", conv.Inputs)
	}
	if got := conv.Ints("dilations"); !reflect.DeepEqual(got, []int64{1, 2, 2, 1}) {
		t.Errorf("dilations %v", got)
	}
	if conv.Str("padding", "") != "EXPLICIT" || !reflect.DeepEqual(conv.Ints("explicit_paddings"), []int64{0, 0, 2, 2, 2, 2, 0, 0}) {
		t.Errorf("padding %q %v", conv.Str("padding", ""), conv.Ints("explicit_paddings"))
	}
	if b2s := b.nodeNamed("b2s"); b2s == nil || b2s.Op != "Identity" || !reflect.DeepEqual(b2s.Inputs, []string{"conv:0"}) {
		t.Errorf("b2s became %+v", b2s)
	}
	if b.nodeNamed("s2b") != nil {
		t.Error("SpaceToBatchND should be gone")
	}
}

func TestDilatedValidNoPads(t *testing.T) {
	b := newDilBuilder(graph.ShapeOf(1, 16, 16, 3))
	block := b.konst("block", []int64{2}, 3, 3)
	pads := b.konst("pads", []int64{2, 2}, 0, 2, 0, 2)
	crops := b.konst("crops", []int64{2, 2}, 0, 2, 0, 2)
	b.pattern("DepthwiseConv2dNative", nil, block, pads, crops)
	if changed, err := dilatedConv(b.g); err != nil || !changed {
		t.Fatalf("dilatedConv = %v, %v", changed, err)
	}
	conv := b.nodeNamed("conv")
	if conv.Str("padding", "") != "VALID" || !reflect.DeepEqual(conv.Ints("dilations"), []int64{1, 3, 3, 1}) {
		t.Errorf("padding %q dilations %v", conv.Str("padding", ""), conv.Ints("dilations"))
	}
}

func TestDilatedRejects(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *dilBuilder)
	}{
		{"SAME inner conv", func(b *dilBuilder) {
			b.pattern("Conv2D", map[string]any{"padding": "SAME"}, b.konst("block", []int64{2}, 2, 2),
				b.konst("pads", []int64{2, 2}, 0, 0, 0, 0), b.konst("crops", []int64{2, 2}, 0, 0, 0, 0))
		}},
		{"strided inner conv", func(b *dilBuilder) {
			b.pattern("Conv2D", map[string]any{"padding": "VALID", "strides": []int64{1, 2, 2, 1}}, b.konst("block", []int64{2}, 2, 2),
				b.konst("pads", []int64{2, 2}, 0, 0, 0, 0), b.konst("crops", []int64{2, 2}, 0, 0, 0, 0))
		}},
		{"crops exceed pads", func(b *dilBuilder) {
			b.pattern("Conv2D", nil, b.konst("block", []int64{2}, 2, 2),
				b.konst("pads", []int64{2, 2}, 0, 0, 0, 0), b.konst("crops", []int64{2, 2}, 1, 0, 0, 0))
		}},
		{"different blocks", func(b *dilBuilder) {
			s2b := b.node("s2b", "SpaceToBatchND", nil, "x:0", b.konst("b1", []int64{2}, 2, 2), b.konst("p", []int64{2, 2}, 0, 0, 0, 0))
			conv := b.node("conv", "Conv2D", map[string]any{"padding": "VALID"}, s2b, "w:0")
			b.node("b2s", "BatchToSpaceND", nil, conv, b.konst("b2", []int64{2}, 3, 3), "p:0")
			b.g.Outputs = []string{"b2s:0"}
		}},
		{"conv output used twice", func(b *dilBuilder) {
			b.pattern("Conv2D", nil, b.konst("block", []int64{2}, 2, 2),
				b.konst("pads", []int64{2, 2}, 0, 0, 0, 0), b.konst("crops", []int64{2, 2}, 0, 0, 0, 0))
			b.g.Outputs = append(b.g.Outputs, "conv:0")
		}},
		{"NCHW", func(b *dilBuilder) {
			b.pattern("Conv2D", map[string]any{"padding": "VALID", "data_format": "NCHW"}, b.konst("block", []int64{2}, 2, 2),
				b.konst("pads", []int64{2, 2}, 0, 0, 0, 0), b.konst("crops", []int64{2, 2}, 0, 0, 0, 0))
		}},
	}
	for _, tt := range tests {
		b := newDilBuilder(graph.ShapeOf(1, 8, 8, 3))
		tt.build(b)
		changed, err := dilatedConv(b.g)
		if err != nil || changed {
			t.Errorf("%s: dilatedConv = %v, %v; want no change", tt.name, changed, err)
		}
	}
}

// With unknown sizes TF computes paddings = base + (rate - size%rate)%rate
// at the end and crops = the same extra; the extra terms cancel.
func TestDilatedComputedPaddings(t *testing.T) {
	b := newDilBuilder(graph.DimsOf(graph.Sym("n"), graph.Sym("h"), graph.Sym("w"), graph.D(3)))
	block := b.konst("block", []int64{2}, 2, 2)
	shape := b.node("shape", "Shape", nil, "x:0")
	ss := map[string]any{"begin_mask": int64(0), "end_mask": int64(0), "shrink_axis_mask": int64(0)}
	hw := b.node("hw", "StridedSlice", ss, shape, b.konst("b", []int64{1}, 1), b.konst("e", []int64{1}, 3), b.konst("s", []int64{1}, 1))
	full := b.node("full", "AddV2", nil, hw, b.konst("base_total", []int64{2}, 4, 4))
	mod := b.node("mod", "FloorMod", nil, full, block)
	extra := b.node("extra", "FloorMod", nil, b.node("sub", "Sub", nil, block, mod), block)
	shrink := func(name, v string, i int64) string {
		return b.node(name, "StridedSlice", map[string]any{"shrink_axis_mask": int64(1)}, v,
			b.konst(name+"_b", []int64{1}, i), b.konst(name+"_e", []int64{1}, i+1), b.konst(name+"_s", []int64{1}, 1))
	}
	two := b.konst("two", nil, 2)
	zero := b.konst("zero", nil, 0)
	e0, e1 := shrink("e0", extra, 0), shrink("e1", extra, 1)
	p0 := b.node("p0", "Pack", nil, two, b.node("a0", "AddV2", nil, two, e0))
	p1 := b.node("p1", "Pack", nil, two, b.node("a1", "AddV2", nil, two, e1))
	pads := b.node("pads", "Identity", nil, b.node("padsp", "Pack", nil, p0, p1))
	crops := b.node("crops", "Pack", nil, b.node("c0", "Pack", nil, zero, e0), b.node("c1", "Pack", nil, zero, e1))
	b.pattern("Conv2D", nil, block, pads, crops)
	if changed, err := dilatedConv(b.g); err != nil || !changed {
		t.Fatalf("dilatedConv = %v, %v", changed, err)
	}
	conv := b.nodeNamed("conv")
	if !reflect.DeepEqual(conv.Ints("explicit_paddings"), []int64{0, 0, 2, 2, 2, 2, 0, 0}) {
		t.Errorf("explicit_paddings %v", conv.Ints("explicit_paddings"))
	}
	if b.nodeNamed("mod") != nil {
		t.Error("the paddings subgraph should be gone")
	}
}

func TestDilEvalStridedSlice(t *testing.T) {
	b := newDilBuilder(graph.ShapeOf(1))
	x := b.konst("x", []int64{2, 3}, 0, 1, 2, 3, 4, 5)
	ev := &dilEval{g: b.g, prod: b.g.Producers(), memo: map[string]*dilTensor{}}
	tests := []struct {
		attrs              map[string]any
		begin, end, stride []int64
		dims               []int64
		want               []int64
	}{
		{nil, []int64{0, 1}, []int64{2, 3}, []int64{1, 1}, []int64{2, 2}, []int64{1, 2, 4, 5}},
		{map[string]any{"shrink_axis_mask": int64(1)}, []int64{1}, []int64{2}, []int64{1}, []int64{3}, []int64{3, 4, 5}},
		{map[string]any{"shrink_axis_mask": int64(2)}, []int64{0, -1}, []int64{2, 0}, []int64{1, 1}, []int64{2}, []int64{2, 5}},
		{map[string]any{"begin_mask": int64(2), "end_mask": int64(2)}, []int64{0, 5}, []int64{2, -9}, []int64{1, -1}, []int64{2, 3}, []int64{2, 1, 0, 5, 4, 3}},
		{nil, []int64{-1, 0}, []int64{10, 3}, []int64{1, 2}, []int64{1, 2}, []int64{3, 5}},
	}
	for i, tt := range tests {
		n := &graph.Node{Op: "StridedSlice", Attrs: tt.attrs}
		if n.Attrs == nil {
			n.Attrs = map[string]any{}
		}
		konst := func(v []int64) *dilTensor {
			t := &dilTensor{dims: []int64{int64(len(v))}}
			for _, x := range v {
				t.el = append(t.el, dilConst(x))
			}
			return t
		}
		got := ev.stridedSlice(n, ev.eval(x, 0), konst(tt.begin), konst(tt.end), konst(tt.stride))
		if got == nil {
			t.Errorf("case %d: nil", i)
			continue
		}
		var vals []int64
		for _, e := range got.el {
			vals = append(vals, e.c)
		}
		if !reflect.DeepEqual(got.dims, tt.dims) || !reflect.DeepEqual(vals, tt.want) {
			t.Errorf("case %d: dims %v vals %v; want %v %v", i, got.dims, vals, tt.dims, tt.want)
		}
	}
}

// TF's dilated conv1d: SpaceToBatchND → ExpandDims(1) → Conv2D → Squeeze([1])
// → BatchToSpaceND on [N, W, C] data.
func TestDilatedConv1D(t *testing.T) {
	b := newDilBuilder(graph.ShapeOf(2, 21, 3))
	block := b.konst("block", []int64{1}, 2)
	pads := b.konst("pads", []int64{1, 2}, 2, 3)
	crops := b.konst("crops", []int64{1, 2}, 0, 1)
	s2b := b.node("s2b", "SpaceToBatchND", nil, "x:0", block, pads)
	exp := b.node("exp", "ExpandDims", nil, s2b, b.konst("axis", nil, 1))
	conv := b.node("conv", "Conv2D", map[string]any{"padding": "VALID", "strides": []int64{1, 1, 1, 1}}, exp, "w:0")
	sq := b.node("sq", "Squeeze", map[string]any{"squeeze_dims": []int64{1}}, conv)
	b.node("b2s", "BatchToSpaceND", nil, sq, block, crops)
	b.g.Outputs = []string{"b2s:0"}
	if changed, err := dilatedConv(b.g); err != nil || !changed {
		t.Fatalf("dilatedConv = %v, %v", changed, err)
	}
	c := b.nodeNamed("conv")
	if got := c.Ints("dilations"); !reflect.DeepEqual(got, []int64{1, 1, 2, 1}) {
		t.Errorf("dilations %v", got)
	}
	if got := c.Ints("explicit_paddings"); !reflect.DeepEqual(got, []int64{0, 0, 0, 0, 2, 2, 0, 0}) {
		t.Errorf("explicit_paddings %v", got)
	}
	if e := b.nodeNamed("exp"); e.Inputs[0] != "x:0" {
		t.Errorf("ExpandDims reads %v", e.Inputs)
	}
	if n := b.nodeNamed("b2s"); n.Op != "Identity" || n.Inputs[0] != "sq:0" {
		t.Errorf("b2s became %s %v", n.Op, n.Inputs)
	}
}

// Pooling folds only without pads: ONNX MaxPool pads are not zeros.
func TestDilatedMaxPool(t *testing.T) {
	for _, tt := range []struct {
		pads, crops []int64
		fold        bool
	}{
		{[]int64{0, 1, 0, 1}, []int64{0, 1, 0, 1}, true},
		{[]int64{1, 1, 0, 1}, []int64{0, 1, 0, 1}, false},
	} {
		b := newDilBuilder(graph.ShapeOf(1, 9, 9, 3))
		b.pattern("MaxPool", map[string]any{"padding": "VALID", "ksize": []int64{1, 2, 2, 1}, "strides": []int64{1, 1, 1, 1}},
			b.konst("block", []int64{2}, 2, 2), b.konst("pads", []int64{2, 2}, tt.pads...), b.konst("crops", []int64{2, 2}, tt.crops...))
		changed, err := dilatedConv(b.g)
		if err != nil || changed != tt.fold {
			t.Errorf("pads %v crops %v: changed %v, %v; want %v", tt.pads, tt.crops, changed, err, tt.fold)
		}
	}
}
