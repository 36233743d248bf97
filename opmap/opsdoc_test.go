package opmap

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/ops.md")

// TestOpsDoc keeps docs/ops.md, the list of supported TF ops, equal to the
// rule table (run `go test ./opmap -update` after adding rules).
func TestOpsDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Supported TensorFlow ops\n\n")
	b.WriteString("Generated from the rule table in `opmap/` by `go test ./opmap -update`; a test fails when\n")
	b.WriteString(fmt.Sprintf("this page is stale. Every op serves opsets %d to %d unless a higher \"from\" is given. Ops\n", MinOpset, MaxOpset))
	b.WriteString("inside `_Onnx*` are the placeholders the control-flow rewrite leaves for TF1/TF2 loops and\n")
	b.WriteString("conds; LSTM/GRU cell loops become ONNX LSTM/GRU in that rewrite, before op mapping.\n")
	b.WriteString("`--opset 12` converts at 13 and writes the forms ONNX changed at 13 the old way (convert/opset12.go).\n")
	total := 0
	for _, f := range Families() {
		since := map[string]int{}
		for _, r := range f.Rules {
			if s, ok := since[r.Op]; !ok || r.Since < s {
				since[r.Op] = r.Since
			}
		}
		ops := make([]string, 0, len(since))
		for op := range since {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		total += len(ops)
		fmt.Fprintf(&b, "\n## %s (%d)\n\n", f.Name, len(ops))
		for i, op := range ops {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("`" + op + "`")
			if since[op] > MinOpset {
				fmt.Fprintf(&b, " (from %d)", since[op])
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n%d ops in all.\n", total)
	b.WriteString(complexOpsSection())
	b.WriteString(pythonOpsSection(t))
	const path = "../docs/ops.md"
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(path)
	if err != nil || string(have) != b.String() {
		t.Errorf("docs/ops.md is stale: run go test ./opmap -update")
	}
}

// notRules are the ops of the Python converter's list that our rule table
// does not hold, with where they are handled (or why they are not ops of
// a TF graph at all).
var notRules = map[string]string{
	"Const":          "read as constants",
	"Placeholder":    "graph inputs",
	"While":          "control-flow rewrite (tfrewrite)",
	"StatelessWhile": "control-flow rewrite (tfrewrite)",
	"StatelessIf":    "control-flow rewrite (tfrewrite)",
	"If":             "control-flow rewrite (tfrewrite)",
	// An input pipeline's outputs named by --inputs become graph inputs.
	"PlaceholderV2":      "graph inputs",
	"IteratorGetNext":    "graph inputs when --inputs names its outputs (frozen)",
	"QueueDequeueV2":     "graph inputs when --inputs names its outputs (frozen)",
	"QueueDequeueManyV2": "graph inputs when --inputs names its outputs (frozen)",
	"QueueDequeueUpToV2": "graph inputs when --inputs names its outputs (frozen)",
	"IteratorV2":         "upstream of IteratorGetNext, not converted",
	"FIFOQueueV2":        "upstream of QueueDequeue*, not converted",
	// tf.map_fn over a ragged tensor wraps its rows in these around a loop.
	"RaggedTensorToVariant":   "ragged-variant rewrite (tfrewrite), around map_fn loops",
	"RaggedTensorFromVariant": "ragged-variant rewrite (tfrewrite), around map_fn loops",
	// Names the Python converter's own rewriters give the nodes they make.
	"Loop": "internal to the Python converter", "Scan": "internal to the Python converter",
	"Flatten": "internal to the Python converter", "Prelu": "internal to the Python converter",
	"HardSwish": "internal to the Python converter", "L2Normalization": "internal to the Python converter",
	"Conv1D": "internal to the Python converter", "Dropout": "internal to the Python converter",
	"SquaredDistance": "internal to the Python converter", "ConstV2": "internal to the Python converter",
	"RandomNormal": "internal to the Python converter", "RandomNormalLike": "internal to the Python converter",
	"RandomUniformLike": "internal to the Python converter", "DepthwiseConv2d": "internal to the Python converter",
}

// pythonOpsSection lists every op the Python tf2onnx 1.17 maps
// (testdata/tf2onnx_1.17_ops.txt) with ours: a rule, handled elsewhere, or
// missing.
func pythonOpsSection(t *testing.T) string {
	data, err := os.ReadFile("testdata/tf2onnx_1.17_ops.txt")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range Rules() {
		have[r.Op] = true
	}
	var rows []string
	var missing []string
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		op := strings.TrimSpace(line)
		if op == "" || strings.HasPrefix(op, "#") {
			continue
		}
		n++
		status := "rule"
		switch {
		case have[op]:
		case notRules[op] != "":
			status = notRules[op]
		default:
			status = "**missing**"
			missing = append(missing, op)
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s |", op, status))
	}
	for op, why := range notRules {
		if have[op] && !strings.HasPrefix(why, "internal") {
			t.Errorf("%s is in the rule table and in notRules", op)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n## The Python tf2onnx 1.17 ops\n\n")
	fmt.Fprintf(&b, "Every TF op type the Python converter 1.17.0 maps (%d, the names in its `@tf_op` handlers), and ours;\n", n)
	if len(missing) == 0 {
		b.WriteString("none is missing.\n\n")
	} else {
		fmt.Fprintf(&b, "%d are missing: %s.\n\n", len(missing), strings.Join(missing, ", "))
	}
	b.WriteString("| op | here |\n|---|---|\n")
	b.WriteString(strings.Join(rows, "\n"))
	b.WriteString("\n")
	return b.String()
}

// complexOpsSection lists the ops converted on complex values (complexOps).
func complexOpsSection() string {
	ops := make([]string, 0, len(complexOps))
	for op := range complexOps {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for i, op := range ops {
		ops[i] = "`" + op + "`"
	}
	return fmt.Sprintf("\n## Ops on complex values (%d)\n\nONNX has no complex tensors: a complex value is carried as float pairs (a trailing axis of 2)\n"+
		"through these ops only; any other op on complex values, and a complex graph output, is refused.\n\n%s\n", len(ops), strings.Join(ops, ", "))
}
