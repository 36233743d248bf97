package opmap

import (
	"reflect"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestNNSamePad(t *testing.T) {
	tests := []struct {
		in, k, s, d int64
		begin, end  int64
		ok          bool
	}{
		{7, 3, 1, 1, 1, 1, true},
		{7, 4, 1, 1, 1, 2, true}, // the odd cell goes to the end
		{7, 3, 2, 1, 1, 1, true},
		{8, 3, 2, 1, 0, 1, true},
		{8, 2, 3, 1, 0, 0, true},
		{7, 2, 3, 1, 0, 1, true},
		{9, 3, 3, 1, 0, 0, true},
		{5, 1, 2, 1, 0, 0, true},
		{10, 3, 1, 2, 2, 2, true}, // dilated kernel spans 5 cells
		{9, 2, 1, 3, 1, 2, true},
		{3, 5, 4, 1, 1, 1, true},
		{-1, 3, 1, 2, 2, 2, true}, // stride 1: independent of the size
		{-1, 3, 2, 1, 0, 0, false},
		{7, -1, 1, 1, 0, 0, false},
	}
	for _, tt := range tests {
		b, e, ok := nnSamePad(tt.in, tt.k, tt.s, tt.d)
		if b != tt.begin || e != tt.end || ok != tt.ok {
			t.Errorf("nnSamePad(in=%d k=%d s=%d d=%d) = %d, %d, %v; want %d, %d, %v",
				tt.in, tt.k, tt.s, tt.d, b, e, ok, tt.begin, tt.end, tt.ok)
		}
	}
}

// SAME means ceil(in/stride) outputs with the least padding, split with
// the extra cell at the end; check that against brute force.
func TestNNSamePadOutputSize(t *testing.T) {
	for in := int64(1); in <= 12; in++ {
		for k := int64(1); k <= 5; k++ {
			for s := int64(1); s <= 4; s++ {
				for d := int64(1); d <= 3; d++ {
					b, e, ok := nnSamePad(in, k, s, d)
					if !ok || b < 0 || e < b || e > b+1 {
						t.Fatalf("in=%d k=%d s=%d d=%d: pads %d,%d ok=%v", in, k, s, d, b, e, ok)
					}
					eff := (k-1)*d + 1
					want := (in + s - 1) / s
					got := (in+b+e-eff)/s + 1
					if in+b+e < eff || got != want {
						t.Errorf("in=%d k=%d s=%d d=%d: pads %d,%d give %d outputs, want %d", in, k, s, d, b, e, got, want)
					}
					if b+e > 0 {
						// one cell less padding would lose an output
						if less := (in+b+e-1-eff)/s + 1; in+b+e-1 >= eff && less == want {
							t.Errorf("in=%d k=%d s=%d d=%d: pads %d,%d are not the least", in, k, s, d, b, e)
						}
					}
				}
			}
		}
	}
}

func TestNNExplicitPads(t *testing.T) {
	got, err := nnExplicitPads([]int64{0, 0, 1, 2, 3, 4, 0, 0}, 4, false)
	if err != nil || !reflect.DeepEqual(got, []int64{1, 3, 2, 4}) {
		t.Errorf("NHWC: got %v, %v", got, err)
	}
	got, err = nnExplicitPads([]int64{0, 0, 0, 0, 1, 2, 3, 4}, 4, true)
	if err != nil || !reflect.DeepEqual(got, []int64{1, 3, 2, 4}) {
		t.Errorf("NCHW: got %v, %v", got, err)
	}
	got, err = nnExplicitPads([]int64{0, 0, 1, 1, 2, 2, 3, 3, 0, 0}, 5, false)
	if err != nil || !reflect.DeepEqual(got, []int64{1, 2, 3, 1, 2, 3}) {
		t.Errorf("NDHWC: got %v, %v", got, err)
	}
	if _, err := nnExplicitPads([]int64{1, 0, 1, 2, 3, 4, 0, 0}, 4, false); err == nil {
		t.Error("padding the batch dim should be an error")
	}
	if _, err := nnExplicitPads([]int64{0, 0, 1, 2}, 4, false); err == nil {
		t.Error("a short list should be an error")
	}
}

func TestNNSpatialList(t *testing.T) {
	got, err := nnSpatialList([]int64{1, 2, 3, 1}, "strides", 4, false)
	if err != nil || !reflect.DeepEqual(got, []int64{2, 3}) {
		t.Errorf("NHWC: %v, %v", got, err)
	}
	got, err = nnSpatialList([]int64{1, 1, 2, 3}, "strides", 4, true)
	if err != nil || !reflect.DeepEqual(got, []int64{2, 3}) {
		t.Errorf("NCHW: %v, %v", got, err)
	}
	got, err = nnSpatialList(nil, "dilations", 5, false)
	if err != nil || !reflect.DeepEqual(got, []int64{1, 1, 1}) {
		t.Errorf("absent: %v, %v", got, err)
	}
	if _, err := nnSpatialList([]int64{2, 1, 1, 1}, "strides", 4, false); err == nil {
		t.Error("a batch stride should be an error")
	}
}

func TestNNLRNParams(t *testing.T) {
	tests := []struct {
		r                             int64
		bias, alpha, beta             float32
		size                          int64
		onnxAlpha, onnxBeta, onnxBias float32
	}{
		{2, 1.5, 0.3, 0.75, 5, 1.5, 0.75, 1.5},
		{5, 1, 1, 0.5, 11, 11, 0.5, 1}, // TF's defaults
		{0, 2, 0.5, 1, 1, 0.5, 1, 2},
	}
	for _, tt := range tests {
		size, a, b, bias := nnLRNParams(tt.r, tt.bias, tt.alpha, tt.beta)
		if size != tt.size || a != tt.onnxAlpha || b != tt.onnxBeta || bias != tt.onnxBias {
			t.Errorf("nnLRNParams(%d, %v, %v, %v) = %d, %v, %v, %v", tt.r, tt.bias, tt.alpha, tt.beta, size, a, b, bias)
		}
	}
}

func TestNNTransposeConvPads(t *testing.T) {
	tests := []struct {
		in, out, k, s, d, pb, pe int64
		op                       int64
		err                      bool
	}{
		{4, 7, 3, 2, 1, 1, 1, 0, false},  // SAME, odd output
		{4, 8, 4, 2, 1, 1, 1, 0, false},  // SAME, even output
		{3, 8, 3, 2, 1, 0, 0, 1, false},  // VALID: the last row was never read
		{4, 9, 2, 2, 1, 0, 0, 1, false},  // VALID
		{5, 10, 3, 2, 1, 1, 1, 1, false}, // explicit pads
		{4, 12, 3, 2, 1, 0, 0, 0, true},  // does not fit
	}
	for _, tt := range tests {
		op, err := nnTransposeConvPads(tt.in, tt.out, tt.k, tt.s, tt.d, tt.pb, tt.pe)
		if (err != nil) != tt.err || (err == nil && op != tt.op) {
			t.Errorf("nnTransposeConvPads(%+v) = %d, %v; want %d (err %v)", tt, op, err, tt.op, tt.err)
			continue
		}
		if err == nil {
			// The forward conv from `out` cells gives back `in` cells.
			eff := (tt.k-1)*tt.d + 1
			if fwd := (tt.out+tt.pb+tt.pe-eff)/tt.s + 1; fwd != tt.in {
				t.Errorf("%+v: forward conv gives %d cells, want %d", tt, fwd, tt.in)
			}
		}
	}
}

func TestNNResizeModes(t *testing.T) {
	tests := []struct {
		nearest, ac, hp      bool
		mode, ctm, nearestMd string
	}{
		{false, false, false, "linear", "asymmetric", ""},
		{false, true, false, "linear", "align_corners", ""},
		{false, false, true, "linear", "half_pixel", ""},
		{true, false, false, "nearest", "asymmetric", "floor"},
		{true, true, false, "nearest", "align_corners", "round_prefer_ceil"},
		{true, false, true, "nearest", "half_pixel", "round_prefer_ceil"},
	}
	for _, tt := range tests {
		m, c, n, err := nnResizeModes(tt.nearest, tt.ac, tt.hp)
		if err != nil || m != tt.mode || c != tt.ctm || n != tt.nearestMd {
			t.Errorf("nnResizeModes(%v, %v, %v) = %q %q %q %v", tt.nearest, tt.ac, tt.hp, m, c, n, err)
		}
	}
	if _, _, _, err := nnResizeModes(true, true, true); err == nil {
		t.Error("align_corners with half_pixel_centers should be an error")
	}
}

func TestNNPerms(t *testing.T) {
	if got := nnPermToCF(4); !reflect.DeepEqual(got, []int64{0, 3, 1, 2}) {
		t.Errorf("nnPermToCF(4) = %v", got)
	}
	if got := nnPermToCL(5); !reflect.DeepEqual(got, []int64{0, 2, 3, 4, 1}) {
		t.Errorf("nnPermToCL(5) = %v", got)
	}
	if got := nnKernelPerm(2); !reflect.DeepEqual(got, []int64{3, 2, 0, 1}) {
		t.Errorf("nnKernelPerm(2) = %v", got)
	}
	if got := nnKernelPerm(3); !reflect.DeepEqual(got, []int64{4, 3, 0, 1, 2}) {
		t.Errorf("nnKernelPerm(3) = %v", got)
	}
}

// ndTranspose permutes a row-major array.
func ndTranspose(data []int, dims []int, perm []int64) ([]int, []int) {
	outDims := make([]int, len(dims))
	for i, p := range perm {
		outDims[i] = dims[p]
	}
	stride := make([]int, len(dims))
	acc := 1
	for i := len(dims) - 1; i >= 0; i-- {
		stride[i] = acc
		acc *= dims[i]
	}
	out := make([]int, len(data))
	idx := make([]int, len(dims))
	for o := range out {
		rem := o
		for i := len(outDims) - 1; i >= 0; i-- {
			idx[i] = rem % outDims[i]
			rem /= outDims[i]
		}
		src := 0
		for i, p := range perm {
			src += idx[i] * stride[p]
		}
		out[o] = data[src]
	}
	return out, outDims
}

// The reshape/transpose recipes reproduce TF's definition of
// SpaceToBatchND: output[(i_h·bw + i_w)·N + n, h, w, c] =
// padded[n, h·bh + i_h, w·bw + i_w, c], and BatchToSpaceND inverts it.
func TestNNSpaceBatchPerms(t *testing.T) {
	n, h, w, c, bh, bw := 2, 4, 6, 3, 2, 3
	x := make([]int, n*h*w*c)
	for i := range x {
		x[i] = i
	}
	// reshape is free on row-major data: [n, h/bh, bh, w/bw, bw, c]
	s2b, dims := ndTranspose(x, []int{n, h / bh, bh, w / bw, bw, c}, nnS2BPerm(2, 1))
	if !reflect.DeepEqual(dims, []int{bh, bw, n, h / bh, w / bw, c}) {
		t.Fatalf("S2B dims %v", dims)
	}
	at := func(b, hh, ww, cc int) int { // s2b as [bh·bw·n, h/bh, w/bw, c]
		return s2b[((b*(h/bh)+hh)*(w/bw)+ww)*c+cc]
	}
	for ih := 0; ih < bh; ih++ {
		for iw := 0; iw < bw; iw++ {
			for nn := 0; nn < n; nn++ {
				for hh := 0; hh < h/bh; hh++ {
					for ww := 0; ww < w/bw; ww++ {
						for cc := 0; cc < c; cc++ {
							want := x[((nn*h+hh*bh+ih)*w+ww*bw+iw)*c+cc]
							if got := at((ih*bw+iw)*n+nn, hh, ww, cc); got != want {
								t.Fatalf("S2B mismatch at block (%d,%d) n=%d h=%d w=%d c=%d: %d vs %d", ih, iw, nn, hh, ww, cc, got, want)
							}
						}
					}
				}
			}
		}
	}
	back, dims := ndTranspose(s2b, []int{bh, bw, n, h / bh, w / bw, c}, nnB2SPerm(2, 1))
	if !reflect.DeepEqual(dims, []int{n, h / bh, bh, w / bw, bw, c}) || !reflect.DeepEqual(back, x) {
		t.Errorf("B2S does not invert S2B (dims %v)", dims)
	}
	if got := nnS2BPerm(1, 2); !reflect.DeepEqual(got, []int64{2, 0, 1, 3, 4}) {
		t.Errorf("nnS2BPerm(1, 2) = %v", got)
	}
	if got := nnB2SPerm(1, 2); !reflect.DeepEqual(got, []int64{1, 2, 0, 3, 4}) {
		t.Errorf("nnB2SPerm(1, 2) = %v", got)
	}
}

// nnMapOne maps a graph holding one TF node and returns the ONNX nodes.
func nnMapOne(t *testing.T, opset int, n *graph.Node, inputs map[string]graph.Shape, consts map[string]*graph.Tensor) *graph.Graph {
	t.Helper()
	g := graph.New("t")
	for name, s := range inputs {
		g.Inputs = append(g.Inputs, name)
		g.SetValue(name, graph.Float, s)
	}
	for name, c := range consts {
		g.SetConst(name, c)
	}
	n.Domain = graph.DomainTF
	n.Outputs = []string{n.Name + ":0"}
	g.AddNode(n)
	g.Outputs = []string{n.Name + ":0"}
	if _, err := Apply(g, Options{Opset: opset}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return g
}

func nnFind(g *graph.Graph, op string) *graph.Node {
	for _, n := range g.Nodes {
		if n.Op == op {
			return n
		}
	}
	return nil
}

func TestNNConvPadding(t *testing.T) {
	kernel := graph.NewTensor(graph.Float, []int64{3, 3, 2, 4}, make([]float64, 72))
	conv := func(padding string, strides []int64) *graph.Node {
		return &graph.Node{Name: "conv", Op: "Conv2D", Inputs: []string{"x", "w"},
			Attrs: map[string]any{"padding": padding, "strides": strides, "data_format": "NHWC"}}
	}
	tests := []struct {
		name    string
		shape   graph.Shape
		padding string
		strides []int64
		pads    []int64
		autoPad string
	}{
		{"known", graph.ShapeOf(1, 7, 8, 2), "SAME", []int64{1, 2, 2, 1}, []int64{1, 0, 1, 1}, ""},
		{"unknown stride 1", graph.ShapeOf(-1, -1, -1, 2), "SAME", []int64{1, 1, 1, 1}, []int64{1, 1, 1, 1}, ""},
		{"unknown stride 2", graph.ShapeOf(-1, -1, -1, 2), "SAME", []int64{1, 2, 2, 1}, nil, "SAME_UPPER"},
		{"valid", graph.ShapeOf(-1, -1, -1, 2), "VALID", []int64{1, 2, 2, 1}, nil, ""},
	}
	for _, tt := range tests {
		g := nnMapOne(t, 17, conv(tt.padding, tt.strides), map[string]graph.Shape{"x": tt.shape}, map[string]*graph.Tensor{"w": kernel})
		c := nnFind(g, "Conv")
		if c == nil {
			t.Fatalf("%s: no Conv", tt.name)
		}
		pads, _ := c.Attrs["pads"].([]int64)
		autoPad, _ := c.Attrs["auto_pad"].(string)
		if !reflect.DeepEqual(pads, tt.pads) || autoPad != tt.autoPad {
			t.Errorf("%s: pads %v auto_pad %q; want %v %q", tt.name, pads, autoPad, tt.pads, tt.autoPad)
		}
		if got, _ := c.Attrs["strides"].([]int64); !reflect.DeepEqual(got, tt.strides[1:3]) {
			t.Errorf("%s: strides %v", tt.name, got)
		}
	}
}

func TestNNDepthwiseKernel(t *testing.T) {
	w := graph.NewTensor(graph.Float, []int64{3, 3, 4, 2}, make([]float64, 72))
	n := &graph.Node{Name: "dw", Op: "DepthwiseConv2dNative", Inputs: []string{"x", "w"},
		Attrs: map[string]any{"padding": "VALID", "strides": []int64{1, 1, 1, 1}}}
	g := nnMapOne(t, 13, n, map[string]graph.Shape{"x": graph.ShapeOf(1, 5, 5, 4)}, map[string]*graph.Tensor{"w": w})
	c := nnFind(g, "Conv")
	if c == nil {
		t.Fatal("no Conv")
	}
	if grp, _ := c.Attrs["group"].(int64); grp != 4 {
		t.Errorf("group %d, want 4", grp)
	}
	if s := g.ShapeOf(c.Inputs[1]); s.Rank() != 4 || !reflect.DeepEqual(s.Sizes(), []int64{8, 1, 3, 3}) {
		t.Errorf("kernel shape %v, want [8 1 3 3]", s)
	}
}

func TestNNUnsupportedAttrs(t *testing.T) {
	n := &graph.Node{Name: "p", Op: "MaxPool", Inputs: []string{"x"},
		Attrs: map[string]any{"padding": "SAME", "ksize": []int64{1, 2, 2, 1}, "strides": []int64{1, 2, 2, 1},
			"data_format": "NCHW_VECT_C"}}
	g := graph.New("t")
	g.Inputs = []string{"x"}
	g.SetValue("x", graph.Float, graph.ShapeOf(1, 4, 4, 4))
	n.Domain = graph.DomainTF
	n.Outputs = []string{"p:0"}
	g.AddNode(n)
	g.Outputs = []string{"p:0"}
	if _, err := Apply(g, Options{Opset: 13}); err == nil {
		t.Error("NCHW_VECT_C should be refused")
	}
}
