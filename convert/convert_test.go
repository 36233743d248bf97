package convert

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
)

var update = flag.Bool("update", false, "rewrite the golden dumps under testdata/")

// convertFile runs the whole pipeline with the verifier after every pass.
func convertFile(t *testing.T, path, inputs, outputs string, opts Options) (*Model, []string) {
	t.Helper()
	gd, err := frozen.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Inputs, err = frozen.ParseSpecs(inputs); err != nil {
		t.Fatal(err)
	}
	if opts.Outputs, err = frozen.ParseSpecs(outputs); err != nil {
		t.Fatal(err)
	}
	var passes []string
	opts.Debug = true
	opts.AfterPass = func(pass string, g *graph.Graph) { passes = append(passes, pass) }
	m, _, err := GraphDef(context.Background(), gd, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m, passes
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./convert -update)", err)
	}
	if string(want) != got {
		t.Errorf("converted graph differs from %s (run go test ./convert -update to accept):\n%s", path, got)
	}
}

// TestLeNetGolden: the TF LeNet converts to one Transpose at the input, two
// Convs with fused biases, pools, Gemms with the flatten folded into the
// weights, and LogSoftmax; the dump is the readable record of that.
func TestLeNetGolden(t *testing.T) {
	m, passes := convertFile(t, "../testdata/lenet/lenet_tf.pb", "Placeholder:0", "output:0", Options{})
	golden(t, "lenet.golden", m.Graph.Dump())
	if passes[0] != "extract" || !strings.Contains(strings.Join(passes, " "), "map") {
		t.Errorf("passes seen: %v", passes)
	}
}

// TestCTPNNarrowStructure: the narrow CTPN (same topology as the example)
// keeps its TF names at the boundary, symbolic N/H/W, and exactly one
// bidirectional LSTM with no Loop and no TF op left, at every opset.
func TestCTPNNarrowStructure(t *testing.T) {
	for _, opset := range []int{13, 17, 21} {
		m, _ := convertFile(t, "../testdata/ctpn/ctpn_narrow.pb", "Placeholder:0", "Reshape_2:0,rpn_bbox_pred/Reshape_1:0", Options{Opset: opset})
		g := m.Graph
		counts := g.OpCounts()
		if counts["LSTM"] != 1 || counts["Loop"] != 0 {
			t.Errorf("opset %d: ops %v", opset, counts)
		}
		for _, n := range g.Nodes {
			if n.Domain == graph.DomainTF {
				t.Errorf("opset %d: TF op %s left", opset, n.Op)
			}
			if n.Op == "LSTM" && n.Str("direction", "") != "bidirectional" {
				t.Errorf("opset %d: LSTM direction %q", opset, n.Str("direction", ""))
			}
		}
		if got := strings.Join(g.Inputs, ","); got != "Placeholder:0" {
			t.Errorf("inputs %s", got)
		}
		if got := strings.Join(g.Outputs, ","); got != "Reshape_2:0,rpn_bbox_pred/Reshape_1:0" {
			t.Errorf("outputs %s", got)
		}
		if s := g.ShapeOf("Placeholder:0"); s.String() != "[Placeholder_dim0,Placeholder_dim1,Placeholder_dim2,3]" {
			t.Errorf("input shape %v", s)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	gd, err := frozen.Load("../testdata/lenet/lenet_tf.pb")
	if err != nil {
		t.Fatal(err)
	}
	in, _ := frozen.ParseSpecs("Placeholder:0")
	out, _ := frozen.ParseSpecs("output:0")
	cases := []struct {
		opts Options
		want string
	}{
		{Options{Opset: 11}, "--opset 11 is not supported"},
		{Options{RenameInputs: []string{"a", "b"}}, "--rename-inputs: 2 names for 1 inputs"},
		{Options{InputsAsNCHW: []string{"nope"}}, "--inputs-as-nchw: nope is not among --inputs"},
		{Options{OutputsAsNCHW: []string{"output"}}, "only rank-4 outputs can be NCHW"},
	}
	for _, c := range cases {
		c.opts.Inputs, c.opts.Outputs = in, out
		_, _, err := GraphDef(context.Background(), gd, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.opts, err, c.want)
		}
	}
}
