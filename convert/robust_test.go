package convert

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/optimize"
)

func loadSeed(t *testing.T, name string) (ins, outs string, data []byte) {
	t.Helper()
	io := seeds(t)["testdata/seeds/"+name]
	data, err := os.ReadFile("testdata/seeds/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return io[0], io[1], data
}

func convertSeed(t *testing.T, name string, opts Options) (*Model, Diagnostics, error) {
	t.Helper()
	ins, outs, data := loadSeed(t, name)
	gd, err := frozen.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	opts.Inputs, _ = frozen.ParseSpecs(ins)
	opts.Outputs, _ = frozen.ParseSpecs(outs)
	return GraphDef(context.Background(), gd, opts)
}

// readsIn reports whether some subgraph of g's nodes (at any depth) reads v.
func readsIn(g *graph.Graph, v string) bool {
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			for _, fv := range sg.FreeValues() {
				if fv == v {
					return true
				}
			}
		}
	}
	return false
}

// TestBoundaryOptionsOnValuesReadInBodies: Relu:0 is a graph output that a
// Loop body and both If branches also read. Renaming it, or giving it as
// NCHW, must reach those readers: before, --rename-outputs left the bodies
// reading a name nothing defined (an internal error) and --outputs-as-nchw
// had them read the transposed NCHW value. Numbers: the parity cases
// robust_*_read_in_loop_* (tests/parity/cases_robust.py).
func TestBoundaryOptionsOnValuesReadInBodies(t *testing.T) {
	for _, seed := range []string{"robust_output_read_in_bodies_v1.pb", "robust_output_read_in_bodies_v2.pb"} {
		_, outs, _ := loadSeed(t, seed)
		n := len(strings.Split(outs, ","))
		renames := []string{"y_out", "acc_out", "cond_out"}[:n]
		m, _, err := convertSeed(t, seed, Options{Debug: true, RenameOutputs: renames})
		if err != nil {
			t.Fatalf("%s --rename-outputs: %v", seed, err)
		}
		if !readsIn(m.Graph, "y_out") || readsIn(m.Graph, "Relu:0") {
			t.Errorf("%s --rename-outputs: the bodies do not read the renamed output", seed)
		}

		m, _, err = convertSeed(t, seed, Options{Debug: true, OutputsAsNCHW: []string{"Relu:0"}})
		if err != nil {
			t.Fatalf("%s --outputs-as-nchw: %v", seed, err)
		}
		if readsIn(m.Graph, "Relu:0") {
			t.Errorf("%s --outputs-as-nchw: a body reads the NCHW output Relu:0 instead of the NHWC value", seed)
		}
	}
}

// TestRenameToUsedName: a new input or output name that an inner value has
// is taken from it (the inner value moves aside); before, the graph ended
// with two producers of one name ("the graph has a cycle").
func TestRenameToUsedName(t *testing.T) {
	seed := "robust_output_read_in_bodies_v1.pb"
	for _, opts := range []Options{
		{RenameInputs: []string{"mul:0"}},          // the v1 graph's x*2
		{RenameInputs: []string{"while/Exit_1:0"}}, // an output's name, before the rename of outputs
		{RenameOutputs: []string{"mul:0", "acc", "cond"}},
	} {
		opts.Debug = true
		if opts.RenameInputs != nil && opts.RenameInputs[0] == "while/Exit_1:0" {
			// The input would collide with output 2 at the boundary.
			_, _, err := convertSeed(t, seed, opts)
			var oe *OptionError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), "would name both") {
				t.Errorf("rename onto another boundary value: %v, want an OptionError", err)
			}
			continue
		}
		m, _, err := convertSeed(t, seed, opts)
		if err != nil {
			t.Fatalf("%+v: %v", opts, err)
		}
		g := m.Graph
		if len(opts.RenameInputs) > 0 && g.Inputs[0] != opts.RenameInputs[0] {
			t.Errorf("input named %s", g.Inputs[0])
		}
		if len(opts.RenameOutputs) > 0 && g.Outputs[0] != opts.RenameOutputs[0] {
			t.Errorf("output named %s", g.Outputs[0])
		}
	}
}

// TestDumpAfterNames: every stage and pass is a valid --dump-after name and
// the hook sees each stage, layout and renames included; a misspelt name is
// rejected with the list.
func TestDumpAfterNames(t *testing.T) {
	var seen []string
	_, _, err := convertSeed(t, "nn_conv2d_nhwc_same.pb", Options{Debug: true,
		AfterPass: func(p string, g *graph.Graph) { seen = append(seen, p) }})
	if err != nil {
		t.Fatal(err)
	}
	got := " " + strings.Join(seen, " ") + " "
	for _, want := range []string{"extract", "map", "layout", "optimize", "renames", "inference", "verify"} {
		if !strings.Contains(got, " "+want+" ") {
			t.Errorf("the hook did not run after %s: %s", want, got)
		}
		if err := CheckPassName("--dump-after", want); err != nil {
			t.Error(err)
		}
	}
	for _, p := range seen {
		if err := CheckPassName("--dump-after", p); err != nil {
			t.Errorf("seen pass %s is not a valid name: %v", p, err)
		}
	}
	err = CheckPassName("--dump-after", "trnaspose")
	if err == nil || !strings.Contains(err.Error(), `no pass is called "trnaspose"; choose one of extract, `) || !strings.Contains(err.Error(), "transpose") {
		t.Errorf("misspelt pass: %v", err)
	}
}

// TestDebugFailsOnWorkedAroundProblems: a problem the mapping works around
// (here a Reshape whose shape inference fails: 6 elements into [4]) is a
// warning in a normal run and fails the conversion under Debug, naming the
// node and the pass.
func TestDebugFailsOnWorkedAroundProblems(t *testing.T) {
	const pbtxt = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "shape" value { shape { dim { size: 2 } dim { size: 3 } } } } }
node { name: "s" op: "Const" attr { key: "dtype" value { type: DT_INT32 } }
       attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 1 } } int_val: 4 } } } }
node { name: "r" op: "Reshape" input: "x" input: "s" attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tshape" value { type: DT_INT32 } } }
node { name: "y" op: "Neg" input: "r" attr { key: "T" value { type: DT_FLOAT } } }
`
	run := func(debug bool) (Diagnostics, error) {
		gd, err := frozen.Parse("r.pbtxt", []byte(pbtxt))
		if err != nil {
			t.Fatal(err)
		}
		in, _ := frozen.ParseSpecs("x:0")
		out, _ := frozen.ParseSpecs("y:0")
		_, diag, err := GraphDef(context.Background(), gd, Options{Inputs: in, Outputs: out, Debug: debug})
		return diag, err
	}
	_, err := run(true)
	if err == nil || !strings.Contains(err.Error(), "pass map") || !strings.Contains(err.Error(), `"r"`) {
		t.Errorf("--debug: %v, want an error naming pass map and node r", err)
	}
	diag, err := run(false)
	if err == nil {
		// Either the final inference rejects the graph, or the run
		// warns that it went on without the failed inference.
		w := strings.Join(diag.Warnings, "\n")
		if !strings.Contains(w, `"r"`) || !strings.Contains(w, "went on without it") {
			t.Errorf("normal run: no warning about node r: %q", w)
		}
	}
}

// TestOptimizerNotConverging: a pass list that still changes the graph
// after maxOptimizeRounds ends with a warning naming the passes, and the
// hook ran after each change.
func TestOptimizerNotConverging(t *testing.T) {
	var diag Diagnostics
	hooks := 0
	c := &conversion{ctx: context.Background(), diag: &diag, g: graph.New("g"), mapped: true, sorted: true,
		opts: Options{AfterPass: func(string, *graph.Graph) { hooks++ }}}
	flip := optimize.Pass{Name: "flip", Run: func(*graph.Graph, int) (bool, error) { return true, nil }}
	if err := c.optimize(stage{name: "optimize", passes: []optimize.Pass{flip}}); err != nil {
		t.Fatal(err)
	}
	if len(diag.Warnings) != 1 || !strings.Contains(diag.Warnings[0], "did not converge in 10 rounds") || !strings.Contains(diag.Warnings[0], "flip") {
		t.Errorf("warnings %q", diag.Warnings)
	}
	if hooks != maxOptimizeRounds+1 {
		t.Errorf("hook ran %d times, want %d", hooks, maxOptimizeRounds+1)
	}
}

// TestCancelled: a cancelled context stops the conversion at the next
// stage boundary with the context's error.
func TestCancelled(t *testing.T) {
	ins, outs, data := loadSeed(t, "nn_conv2d_nhwc_same.pb")
	gd, err := frozen.Parse("s.pb", data)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := frozen.ParseSpecs(ins)
	out, _ := frozen.ParseSpecs(outs)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := ""
	_, _, err = GraphDef(ctx, gd, Options{Inputs: in, Outputs: out, AfterPass: func(p string, g *graph.Graph) {
		if p == "map" {
			cancel()
			stopped = p
		}
	}})
	if !errors.Is(err, context.Canceled) || stopped != "map" {
		t.Errorf("err %v after %q, want context.Canceled after map", err, stopped)
	}
}
