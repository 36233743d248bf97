package tfrewrite

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// load reads a fixture made by the parity cases (testdata/*.pb) with
// its functions attached, as convert.GraphDef does.
func load(t *testing.T, file, inputs, outputs string) *graph.Graph {
	t.Helper()
	gd, err := frozen.Load("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	in, err := frozen.ParseSpecs(inputs)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := frozen.ParseSpecs(outputs)
	if err != nil {
		t.Fatal(err)
	}
	g, err := frozen.Extract(gd, in, outs)
	if err != nil {
		t.Fatal(err)
	}
	if err := frozen.AttachFunctions(g, gd.GetLibrary()); err != nil {
		t.Fatal(err)
	}
	g.Opset = 17
	return g
}

func runAll(t *testing.T, g *graph.Graph) {
	t.Helper()
	for _, p := range Passes() {
		if _, err := p.Run(g); err != nil {
			t.Fatalf("pass %s: %v", p.Name, err)
		}
	}
	if err := g.Verify(graph.VerifyOptions{AllowTF: true}); err != nil {
		t.Fatal(err)
	}
}

// noTF1 fails on any TF1 control-flow or TensorArray op left in g or its
// subgraphs.
func noTF1(t *testing.T, g *graph.Graph) {
	t.Helper()
	for _, n := range g.Nodes {
		switch n.Op {
		case "Enter", "Exit", "Merge", "Switch", "NextIteration", "LoopCond", "While", "StatelessWhile",
			"If", "StatelessIf", "TensorArrayV3", "TensorArrayReadV3", "TensorArrayWriteV3",
			"TensorArrayScatterV3", "TensorArrayGatherV3", "TensorArraySizeV3":
			t.Errorf("%s node %q left", n.Op, n.Name)
		}
		for _, sg := range n.Subgraphs() {
			noTF1(t, sg)
		}
	}
}

func only(t *testing.T, g *graph.Graph, op string) *graph.Node {
	t.Helper()
	var found *graph.Node
	for _, n := range g.Nodes {
		if n.Op == op {
			if found != nil {
				t.Fatalf("two %s nodes", op)
			}
			found = n
		}
	}
	if found == nil {
		t.Fatalf("no %s node; ops %v", op, opCount(g))
	}
	return found
}

func TestLoopWithTensorArrays(t *testing.T) {
	g := load(t, "loop_v1_ta.pb", "x:0", "TensorArrayStack/TensorArrayGatherV3:0,while/Exit_1:0")
	runAll(t, g)
	noTF1(t, g)
	l := only(t, g, LoopOp)
	body := l.Attrs["body"].(*graph.Graph)
	// Carried: i, acc; the written TensorArray is one scan output.
	if len(l.Inputs) != 4 || len(l.Outputs) != 3 || len(body.Inputs) != 4 || len(body.Outputs) != 4 {
		t.Fatalf("loop %v → %v, body %v → %v", l.Inputs, l.Outputs, body.Inputs, body.Outputs)
	}
	if l.Inputs[0] != "" || l.Outputs[1] != "while/Exit_1:0" {
		t.Errorf("loop inputs %v outputs %v", l.Inputs, l.Outputs)
	}
	gathers := 0
	for _, n := range body.Nodes {
		if n.Op == "Gather" && n.Domain == "" {
			gathers++
		}
	}
	if gathers != 1 {
		t.Errorf("want the TensorArray read as one Gather in the body, got %d; ops %v", gathers, opCount(body))
	}
	if !g.IsOutput("TensorArrayStack/TensorArrayGatherV3:0") {
		t.Errorf("graph outputs renamed: %v", g.Outputs)
	}
}

func TestNestedLoops(t *testing.T) {
	g := load(t, "loop_v1_nested.pb", "x:0", "while/Exit:0,while/Exit_1:0")
	runAll(t, g)
	noTF1(t, g)
	l := only(t, g, LoopOp)
	inner := only(t, l.Attrs["body"].(*graph.Graph), LoopOp)
	// The inner loop reads x from the outermost scope.
	found := false
	for _, v := range inner.OuterReads() {
		found = found || v == "x:0"
	}
	if !found {
		t.Errorf("inner body does not read x:0: %v", inner.OuterReads())
	}
}

func TestCondInLoop(t *testing.T) {
	g := load(t, "cond_v1_in_loop.pb", "x:0", "while/Exit_1:0")
	runAll(t, g)
	noTF1(t, g)
	l := only(t, g, LoopOp)
	ifn := only(t, l.Attrs["body"].(*graph.Graph), IfOp)
	for _, k := range []string{"then_branch", "else_branch"} {
		b := ifn.Attrs[k].(*graph.Graph)
		if len(b.Inputs) != 0 || len(b.Outputs) != 1 {
			t.Errorf("%s: inputs %v outputs %v", k, b.Inputs, b.Outputs)
		}
	}
}

func TestFunctionalWhile(t *testing.T) {
	g := load(t, "loop_v2_nested.pb", "x:0", "while/Identity_2:0,while/Identity_3:0")
	runAll(t, g)
	noTF1(t, g)
	l := only(t, g, LoopOp)
	body := l.Attrs["body"].(*graph.Graph)
	only(t, body, LoopOp)
	if n := len(l.Inputs) - 2; len(body.Outputs) != n+1 || len(l.Outputs) != n {
		t.Errorf("%d carried values, body outputs %d, loop outputs %d", n, len(body.Outputs), len(l.Outputs))
	}
}

func TestFunctionalIf(t *testing.T) {
	g := load(t, "cond_v2.pb", "x:0,y:0", "cond/Identity:0,cond/Identity_1:0")
	runAll(t, g)
	noTF1(t, g)
	ifn := only(t, g, IfOp)
	if len(ifn.Inputs) != 1 || len(ifn.Outputs) != 2 {
		t.Errorf("if %v → %v", ifn.Inputs, ifn.Outputs)
	}
	for _, k := range []string{"then_branch", "else_branch"} {
		b := ifn.Attrs[k].(*graph.Graph)
		if len(b.Inputs) != 0 || len(b.Outputs) != 2 {
			t.Errorf("%s: inputs %v outputs %v", k, b.Inputs, b.Outputs)
		}
	}
}

// TestLoopFlagOnlyTheConditionReads: while_loop(lambda i, more, acc: more,
// ...) whose body recomputes `more` without reading it: the LoopCond reads
// the flag's Merge directly and freezing dropped its Switch (nothing read
// either side). The flag is still a carried value, and the condition of
// the Loop is the flag itself, initial and next.
func TestLoopFlagOnlyTheConditionReads(t *testing.T) {
	g := load(t, "loop_v1_flag.pb", "x:0", "while/Exit_2:0")
	runAll(t, g)
	noTF1(t, g)
	l := only(t, g, LoopOp)
	body := l.Attrs["body"].(*graph.Graph)
	// Carried: i, more, acc.
	if len(l.Inputs) != 5 || len(body.Inputs) != 5 || len(body.Outputs) != 4 {
		t.Fatalf("loop %v → %v, body %v → %v", l.Inputs, l.Outputs, body.Inputs, body.Outputs)
	}
	// The condition starts as the flag's initial value and goes on as the
	// comparison the body computes for it.
	if l.Inputs[1] != l.Inputs[3] || body.Outputs[0] != "while/Less:0" {
		t.Errorf("loop inputs %v, body outputs %v", l.Inputs, body.Outputs)
	}
}
