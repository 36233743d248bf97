package opmap

import (
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// smallIn is one input of a node under test: a typed graph input, or a
// constant when t is set.
type smallIn struct {
	name string
	v    graph.Value
	t    *graph.Tensor
}

// smallMap maps one TF node with the given options.
func smallMap(t *testing.T, opts Options, op string, attrs map[string]any, ins ...smallIn) (*graph.Graph, error) {
	t.Helper()
	g := graph.New("t")
	var names []string
	for _, in := range ins {
		names = append(names, in.name)
		if in.t != nil {
			g.SetConst(in.name, in.t)
			continue
		}
		g.Inputs = append(g.Inputs, in.name)
		g.SetValue(in.name, in.v.DType, in.v.Shape)
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	g.AddNode(&graph.Node{Name: "n", Op: op, Domain: graph.DomainTF, Inputs: names, Outputs: []string{"n:0"}, Attrs: attrs})
	g.Outputs = []string{"n:0"}
	_, err := Apply(g, opts)
	return g, err
}

func smallNode(g *graph.Graph, op string) *graph.Node {
	for _, n := range g.Nodes {
		if n.Op == op {
			return n
		}
	}
	return nil
}

var msDomains = map[string]int{DomainMS: 1}

func TestMatrixInverseNeedsMSDomain(t *testing.T) {
	x := smallIn{name: "x", v: graph.Value{DType: graph.Float, Shape: graph.ShapeOf(-1, 3, 3)}}
	_, err := smallMap(t, Options{Opset: 17}, "MatrixInverse", nil, x)
	if err == nil || !strings.Contains(err.Error(), "--extra_opset com.microsoft:1") {
		t.Fatalf("MatrixInverse without com.microsoft: error %v, want one naming --extra_opset com.microsoft:1", err)
	}
	for _, tt := range []struct {
		adjoint bool
		ops     string
	}{{false, "Inverse"}, {true, "Transpose,Inverse"}} {
		g, err := smallMap(t, Options{Opset: 17, Domains: msDomains}, "MatrixInverse", map[string]any{"adjoint": tt.adjoint}, x)
		if err != nil {
			t.Fatalf("adjoint %v: %v", tt.adjoint, err)
		}
		if got := mathOpsOf(g); got != tt.ops {
			t.Errorf("adjoint %v: mapped to %s, want %s", tt.adjoint, got, tt.ops)
		}
		inv := smallNode(g, "Inverse")
		if inv.Domain != DomainMS {
			t.Errorf("Inverse in domain %q", inv.Domain)
		}
		if v := g.Value("n:0"); v == nil || v.DType != graph.Float || v.Shape.Rank() != 3 || v.Shape.Dims[1].Size != 3 || v.Shape.Dims[2].Size != 3 {
			t.Errorf("output typed %+v, want float [?,3,3]", v)
		}
	}
	i := smallIn{name: "x", v: graph.Value{DType: graph.Int32, Shape: graph.ShapeOf(3, 3)}}
	if _, err := smallMap(t, Options{Opset: 17, Domains: msDomains}, "MatrixInverse", nil, i); err == nil {
		t.Error("int32 MatrixInverse: no error")
	}
}

func TestRangeDomain(t *testing.T) {
	scalar := func(name string, dt graph.DType) smallIn {
		return smallIn{name: name, v: graph.Value{DType: dt, Shape: graph.ShapeOf()}}
	}
	k := func(name string, v float64) smallIn { return smallIn{name: name, t: graph.ScalarOf(graph.Float, v)} }
	for _, tt := range []struct {
		name    string
		domains map[string]int
		ins     []smallIn
		want    string // domain of the Range node; "-" when it folds away
	}{
		{"onnx by default", nil, []smallIn{k("a", 0), scalar("b", graph.Float), k("c", 1)}, ""},
		{"ms when imported", msDomains, []smallIn{k("a", 0), scalar("b", graph.Float), k("c", 1)}, DomainMS},
		{"int64 ms", msDomains, []smallIn{scalar("a", graph.Int64), scalar("b", graph.Int64), scalar("c", graph.Int64)}, DomainMS},
		{"float16 stays onnx", msDomains, []smallIn{scalar("a", graph.Float16), scalar("b", graph.Float16), scalar("c", graph.Float16)}, ""},
		{"constant folds", msDomains, []smallIn{k("a", 0), k("b", 5), k("c", 1)}, "-"},
	} {
		g, err := smallMap(t, Options{Opset: 17, Domains: tt.domains}, "Range", nil, tt.ins...)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		r := smallNode(g, "Range")
		switch {
		case tt.want == "-" && r != nil:
			t.Errorf("%s: a constant Range stayed a node", tt.name)
		case tt.want != "-" && r == nil:
			t.Errorf("%s: no Range node in %s", tt.name, mathOpsOf(g))
		case r != nil && r.Domain != tt.want:
			t.Errorf("%s: Range in domain %q, want %q", tt.name, r.Domain, tt.want)
		}
	}
}

func TestAsStringFloatRefusals(t *testing.T) {
	in := func(dt graph.DType) smallIn {
		return smallIn{name: "x", v: graph.Value{DType: dt, Shape: graph.ShapeOf(-1, 2)}}
	}
	for _, tt := range []struct {
		name  string
		opset int
		dt    graph.DType
		attrs map[string]any
		want  string // "" when it maps
	}{
		{"float32", 26, graph.Float, nil, ""},
		{"float16 precision 11", 27, graph.Float16, map[string]any{"precision": int64(11)}, ""},
		{"bfloat16 precision 0", 26, graph.BFloat16, map[string]any{"precision": int64(0)}, ""},
		{"below opset 26", 25, graph.Float, nil, "needs --opset 26"},
		{"float64", 26, graph.Double, nil, "AsString of float64 is not supported"},
		{"scientific", 26, graph.Float, map[string]any{"scientific": true}, "scientific=true"},
		{"shortest", 26, graph.Float, map[string]any{"shortest": true}, "shortest=true"},
		{"width and fill 0", 26, graph.Float, map[string]any{"width": int64(12), "fill": "0"}, ""},
		{"fill -", 26, graph.Float, map[string]any{"width": int64(12), "fill": "-"}, ""},
		{"fill #", 26, graph.Float, map[string]any{"fill": "#", "precision": int64(0)}, ""},
		{"fill x", 26, graph.Float, map[string]any{"fill": "x"}, `fill "x"`},
		{"width 200", 26, graph.Float, map[string]any{"width": int64(200)}, "width 200"},
		{"precision 12", 26, graph.Float, map[string]any{"precision": int64(12)}, "precision 12"},
	} {
		g, err := smallMap(t, Options{Opset: tt.opset}, "AsString", tt.attrs, in(tt.dt))
		if tt.want != "" {
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		last := g.Nodes[len(g.Nodes)-1]
		if last.Op != "StringConcat" && last.Op != "Where" || smallNode(g, "BitCast") == nil {
			t.Errorf("%s: mapped to %s, want BitCast … StringConcat", tt.name, mathOpsOf(g))
		}
		if v := g.Value("n:0"); v == nil || v.DType != graph.String || v.Shape.Rank() != 2 {
			t.Errorf("%s: output typed %+v, want a rank-2 string", tt.name, v)
		}
	}
}

// The constant tables behind the digits: 2^e in base-10^9 limbs and the
// zero-padded numbers.
func TestAsStringTables(t *testing.T) {
	limbs := pow2Limbs(104).Int64s()
	// 2^100 = 1267650600228229401496703205376
	want := []int64{703205376, 229401496, 650600228, 1267, 0}
	for k, w := range want {
		if got := limbs[100*asStringLimbs+k]; got != w {
			t.Errorf("limb %d of 2^100 = %d, want %d", k, got, w)
		}
	}
	if got := pow2Table(62).Int64s()[62]; got != 1<<62 {
		t.Errorf("2^62 = %d", got)
	}
	d := digitTable(3)
	if len(d.Strings) != 1000 || string(d.Strings[7]) != "007" || string(d.Strings[999]) != "999" {
		t.Errorf("digitTable(3): %d entries, [7]=%q", len(d.Strings), d.Strings[7])
	}
}

// The mapping's eager folding follows fold.WorthFolding: a Tile whose
// constant result is 32 MB stays a node; a small one folds.
func TestTileLargeConstStaysNode(t *testing.T) {
	x := graph.Float32Tensor([]int64{2, 2}, []float32{0, 1, 2, 3})
	for _, tt := range []struct {
		reps  []int64
		nodes int
	}{{[]int64{1000000, 2}, 1}, {[]int64{10, 2}, 0}} {
		g, err := smallMap(t, Options{Opset: 17}, "Tile", nil, smallIn{name: "x", t: x}, smallIn{name: "r", t: graph.NewIntTensor(graph.Int32, []int64{2}, tt.reps)})
		if err != nil {
			t.Fatal(err)
		}
		tiles := 0
		for _, n := range g.Nodes {
			if n.Op == "Tile" {
				tiles++
			}
		}
		if tiles != tt.nodes {
			t.Errorf("Tile by %v: %d Tile nodes (%s), want %d", tt.reps, tiles, mathOpsOf(g), tt.nodes)
		}
	}
}

func TestForwardSize(t *testing.T) {
	for _, tt := range []struct {
		pad                 string
		in, k, s, d, pb, pe int64
		want                int64
	}{
		{"SAME", 10, 3, 2, 1, 0, 0, 5},
		{"SAME", 9, 3, 2, 1, 0, 0, 5},
		{"SAME", 9, 2, 3, 1, 0, 0, 3},
		{"VALID", 11, 3, 2, 1, 0, 0, 5},
		{"VALID", 2, 3, 1, 1, 0, 0, -1},
		{"VALID", 10, 3, 1, 2, 0, 0, 6},
		{"EXPLICIT", 10, 3, 2, 1, 1, 2, 6},
		{"EXPLICIT", 1, 5, 1, 1, 1, 1, -1},
	} {
		if got := nnForwardSize(tt.pad, tt.in, tt.k, tt.s, tt.d, tt.pb, tt.pe); got != tt.want {
			t.Errorf("%s in %d k %d stride %d dil %d pads %d,%d: %d, want %d", tt.pad, tt.in, tt.k, tt.s, tt.d, tt.pb, tt.pe, got, tt.want)
		}
	}
}

// An _OnnxIf on a constant condition becomes the branch taken, mapped; a
// branch constant whose name the graph uses for another value is renamed.
func TestConstantIfInlined(t *testing.T) {
	for _, cond := range []bool{true, false} {
		g := graph.New("t")
		g.Inputs = []string{"x"}
		g.SetValue("x", graph.Float, graph.ShapeOf(2))
		g.SetConst("k", graph.ScalarOf(graph.Float, 5))
		g.SetConst("c", graph.NewIntTensor(graph.Bool, nil, []int64{map[bool]int64{true: 1}[cond]}))
		branch := func(op string) *graph.Graph {
			b := graph.New(op)
			b.SetConst("k", graph.ScalarOf(graph.Float, 2)) // same name as the outer k, another value
			b.AddNode(&graph.Node{Name: "b/" + op, Op: op, Domain: graph.DomainTF, Inputs: []string{"x", "k"}, Outputs: []string{"b/" + op + ":0"}, Attrs: map[string]any{}})
			b.Outputs = []string{"b/" + op + ":0"}
			return b
		}
		g.AddNode(&graph.Node{Name: "a", Op: "AddV2", Domain: graph.DomainTF, Inputs: []string{"x", "k"}, Outputs: []string{"a:0"}, Attrs: map[string]any{}})
		g.AddNode(&graph.Node{Name: "if", Op: "_OnnxIf", Domain: graph.DomainTF, Inputs: []string{"c"}, Outputs: []string{"if:0"},
			Attrs: map[string]any{"then_branch": branch("Mul"), "else_branch": branch("Sub")}})
		g.Outputs = []string{"a:0", "if:0"}
		if _, err := Apply(g, Options{Opset: 17}); err != nil {
			t.Fatal(err)
		}
		want, gone := "Mul", "Sub"
		if !cond {
			want, gone = gone, want
		}
		if smallNode(g, "If") != nil || smallNode(g, gone) != nil || smallNode(g, want) == nil {
			t.Fatalf("cond %v: mapped to %s, want the %s branch inlined", cond, mathOpsOf(g), want)
		}
		if v := g.Consts[smallNode(g, want).Inputs[1]].Float64s()[0]; v != 2 {
			t.Errorf("cond %v: the branch's %s reads %v, want its own constant 2", cond, want, v)
		}
		if v := g.Consts[smallNode(g, "Add").Inputs[1]].Float64s()[0]; v != 5 {
			t.Errorf("cond %v: the outer Add reads %v, want 5", cond, v)
		}
	}
}

func TestAsStringIntFlags(t *testing.T) {
	in := func(dt graph.DType) smallIn {
		return smallIn{name: "x", v: graph.Value{DType: dt, Shape: graph.ShapeOf(3)}}
	}
	for _, tt := range []struct {
		name  string
		opset int
		dt    graph.DType
		attrs map[string]any
		want  string // error, or "" when it maps
		cast  bool   // a plain Cast (no flag changes TF's digits)
	}{
		{"plain", 13, graph.Int32, nil, "", true},
		{"fill - without width", 13, graph.Int32, map[string]any{"fill": "-"}, "", true},
		{"width", 21, graph.Int64, map[string]any{"width": int64(6)}, "", false},
		{"plus", 21, graph.Int8, map[string]any{"fill": "+"}, "", false},
		{"zeros below opset 20", 19, graph.Int32, map[string]any{"width": int64(6), "fill": "0"}, "--opset 20", false},
		{"uint64 width", 21, graph.Uint64, map[string]any{"width": int64(6)}, "uint64 with width or fill", false},
		{"bad fill", 21, graph.Int32, map[string]any{"fill": "*"}, `fill "*"`, false},
	} {
		g, err := smallMap(t, Options{Opset: tt.opset}, "AsString", tt.attrs, in(tt.dt))
		if tt.want != "" {
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := mathOpsOf(g) == "Cast"; got != tt.cast {
			t.Errorf("%s: mapped to %s", tt.name, mathOpsOf(g))
		}
	}
}
