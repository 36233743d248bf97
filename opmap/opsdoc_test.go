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
