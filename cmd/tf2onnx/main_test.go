package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/onnxpb"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// runCLI runs the command in-process and returns exit code, stdout, stderr.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(append([]string{"tf2onnx"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

const goodPbtxt = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "shape" value { shape { dim { size: -1 } dim { size: 3 } } } } }
node { name: "y" op: "Relu" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "output" op: "Neg" input: "y" attr { key: "T" value { type: DT_FLOAT } } }
`

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func binaryGraph(t *testing.T, pbtxt string) []byte {
	t.Helper()
	gd, err := frozen.Parse("g.pbtxt", []byte(pbtxt))
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(gd)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConvertGood(t *testing.T) {
	dir := t.TempDir()
	pb := writeFile(t, dir, "g.pb", binaryGraph(t, goodPbtxt))
	out := filepath.Join(dir, "g.onnx")
	code, stdout, stderr := runCLI("--graphdef", pb, "--inputs", "x:0", "--outputs", "output:0", "--output", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "converted g.pb") || !strings.Contains(stdout, "opset 17") {
		t.Errorf("summary line: %q", stdout)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no output file: %v", err)
	}
	// The Python converter's underscore spelling and --input alias work too.
	out2 := filepath.Join(dir, "g2.onnx")
	code, _, stderr = runCLI("--input", pb, "--inputs", "x", "--outputs", "output", "--output", out2, "--continue_on_error", "--opset", "13")
	if code != 0 {
		t.Fatalf("aliases: exit %d: %s", code, stderr)
	}
}

// TestBadInput: each bad input gives one clear line, a non-zero exit and no
// output file.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.pb", binaryGraph(t, goodPbtxt))
	full := binaryGraph(t, goodPbtxt)
	badConst := &tfpb.GraphDef{Node: []*tfpb.NodeDef{{
		Name: "c", Op: "Const",
		Attr: map[string]*tfpb.AttrValue{"value": {Value: &tfpb.AttrValue_Tensor{Tensor: &tfpb.TensorProto{
			Dtype: tfpb.DataType_DT_FLOAT, TensorShape: &tfpb.TensorShapeProto{Dim: []*tfpb.TensorShapeProto_Dim{{Size: 4}}},
			TensorContent: make([]byte, 10)}}}},
	}, {Name: "n", Op: "Neg", Input: []string{"c"}}}}
	badConstBytes, _ := proto.Marshal(badConst)
	savedModel := []byte{0x08, 0x01, 0x12, 0x02, 0x0a, 0x00}
	files := map[string]string{
		"text.pb":      writeFile(t, dir, "text.pb", []byte("hello, I am not a graph\n\xff\xfe")),
		"truncated.pb": writeFile(t, dir, "truncated.pb", full[:len(full)/2]),
		"saved.pb":     writeFile(t, dir, "saved_model.pb", savedModel),
		"empty.pb":     writeFile(t, dir, "empty.pb", nil),
		"badconst.pb":  writeFile(t, dir, "badconst.pb", badConstBytes),
		"cycle.pbtxt":  writeFile(t, dir, "cycle.pbtxt", []byte(`node { name: "a" op: "Neg" input: "b" } node { name: "b" op: "Neg" input: "a" }`)),
		"unsup.pbtxt": writeFile(t, dir, "unsup.pbtxt", []byte(goodPbtxt+`
node { name: "f1" op: "FancyOp" input: "output" }
node { name: "f2" op: "FancyOp" input: "f1" }
node { name: "g1" op: "OtherOp" input: "f2" }`)),
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not a graphdef", []string{"--graphdef", files["text.pb"], "--outputs", "output:0"}, 1, "cannot parse as a binary GraphDef"},
		{"truncated", []string{"--graphdef", files["truncated.pb"], "--inputs", "x:0", "--outputs", "output:0"}, 1, "truncated"},
		{"saved model", []string{"--graphdef", files["saved.pb"], "--outputs", "output:0"}, 1, "SavedModel"},
		{"empty", []string{"--graphdef", files["empty.pb"], "--outputs", "output:0"}, 1, "the file is empty"},
		{"missing file", []string{"--graphdef", filepath.Join(dir, "nope.pb"), "--outputs", "output:0"}, 1, "no such file"},
		{"unknown output", []string{"--graphdef", good, "--inputs", "x:0", "--outputs", "outptu:0"}, 1, `no node named "outptu" in the graph; did you mean "output"`},
		{"unknown input", []string{"--graphdef", good, "--inputs", "xx:0", "--outputs", "output:0"}, 1, `--inputs: no node named "xx"`},
		{"unlisted placeholder", []string{"--graphdef", good, "--outputs", "output:0"}, 1, `Placeholder "x", which is not listed`},
		{"bad spec", []string{"--graphdef", good, "--inputs", "x:0[1,a]", "--outputs", "output:0"}, 2, `bad tensor spec "x:0[1,a]"`},
		{"bad port", []string{"--graphdef", good, "--inputs", "x:zero", "--outputs", "output:0"}, 2, "is not a non-negative integer"},
		{"bad opset", []string{"--graphdef", good, "--inputs", "x:0", "--outputs", "output:0", "--opset", "7"}, 2, "--opset 7 is not supported; choose 12 to 27"},
		{"bad const", []string{"--graphdef", files["badconst.pb"], "--outputs", "n:0"}, 1, `node "c": constant of type float32 and shape [4] needs 16 bytes but tensor_content holds 10`},
		{"cycle", []string{"--graphdef", files["cycle.pbtxt"], "--outputs", "a:0"}, 1, "cycle through node"},
		{"unsupported ops", []string{"--graphdef", files["unsup.pbtxt"], "--inputs", "x:0", "--outputs", "g1:0"}, 1, `3 node(s) with 2 op type(s) unsupported at opset 17: FancyOp ×2 (e.g. "f1"), OtherOp ×1 (e.g. "g1")`},
		{"no graphdef flag", []string{"--outputs", "output:0"}, 2, "--graphdef is required"},
		{"unknown flag", []string{"--graphdef", good, "--outputs", "output:0", "--frobnicate"}, 2, "frobnicate"},
		{"output dir missing", []string{"--graphdef", good, "--inputs", "x:0", "--outputs", "output:0", "--output", filepath.Join(dir, "no/such/dir/m.onnx")}, 3, "write"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".onnx")
			args := tc.args
			hasOut := false
			for _, a := range args {
				if a == "--output" {
					hasOut = true
				}
			}
			if !hasOut {
				args = append(args, "--output", out)
			}
			code, _, stderr := runCLI(args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			if len(lines) != 1 {
				t.Errorf("stderr has %d lines, want 1: %q", len(lines), stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.want)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace in stderr: %q", stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("output file %s was written", out)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("temp file left behind: %s", e.Name())
				}
			}
		})
	}
}

// TestContinueOnError keeps unsupported ops as org.tensorflow nodes, warns
// once per op type, and still writes the model.
func TestContinueOnError(t *testing.T) {
	dir := t.TempDir()
	pb := writeFile(t, dir, "u.pbtxt", []byte(goodPbtxt+`
node { name: "f1" op: "FancyOp" input: "output" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "f2" op: "FancyOp" input: "f1" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "last" op: "Relu" input: "f2" attr { key: "T" value { type: DT_FLOAT } } }`))
	out := filepath.Join(dir, "u.onnx")
	code, _, stderr := runCLI("--graphdef", pb, "--inputs", "x:0", "--outputs", "last:0", "--output", out, "--continue-on-error")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, `warning: kept 2 FancyOp node(s) in domain org.tensorflow (e.g. "f1")`) {
		t.Errorf("warning: %q", stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m := &onnxpb.ModelProto{}
	if err := proto.Unmarshal(data, m); err != nil {
		t.Fatal(err)
	}
	kept, hasDomain := 0, false
	for _, n := range m.Graph.Node {
		if n.Domain == "org.tensorflow" && n.OpType == "FancyOp" {
			kept++
		}
	}
	for _, o := range m.OpsetImport {
		hasDomain = hasDomain || o.Domain == "org.tensorflow"
	}
	if kept != 2 || !hasDomain {
		t.Errorf("kept %d FancyOp nodes, opset import of the domain: %v", kept, hasDomain)
	}
}

func TestDumpAfter(t *testing.T) {
	dir := t.TempDir()
	pb := writeFile(t, dir, "g.pb", binaryGraph(t, goodPbtxt))
	code, _, stderr := runCLI("--graphdef", pb, "--inputs", "x:0", "--outputs", "output:0", "--output", filepath.Join(dir, "g.onnx"), "--dump-after", "map")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "# after map\ngraph tf2onnx\n  input x:0: float32[x_dim0,3]") || !strings.Contains(stderr, "= Relu(x:0)") {
		t.Errorf("dump: %q", stderr)
	}
}

func TestExtraOpset(t *testing.T) {
	dir := t.TempDir()
	pb := writeFile(t, dir, "g.pb", binaryGraph(t, goodPbtxt))
	out := filepath.Join(dir, "g.onnx")
	code, _, stderr := runCLI("--graphdef", pb, "--inputs", "x:0", "--outputs", "output:0", "--output", out, "--extra_opset", "ai.onnx.contrib:1,com.microsoft:1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(out)
	m := &onnxpb.ModelProto{}
	if err := proto.Unmarshal(data, m); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, o := range m.OpsetImport {
		got[o.Domain] = o.Version
	}
	if got[""] != 17 || got["ai.onnx.contrib"] != 1 || got["com.microsoft"] != 1 {
		t.Errorf("opset imports %v", got)
	}
	code, _, stderr = runCLI("--graphdef", pb, "--inputs", "x:0", "--outputs", "output:0", "--output", filepath.Join(dir, "h.onnx"), "--extra-opset", "contrib")
	if code != 2 || !strings.Contains(stderr, `--extra-opset: "contrib" is not DOMAIN:VERSION`) {
		t.Errorf("bad --extra-opset: exit %d %q", code, stderr)
	}
}
