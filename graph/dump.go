package graph

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Dump writes a graph as deterministic, readable text: inputs, constants
// (sorted by name; up to 8 values shown), nodes in order with their sorted
// attributes, and outputs. Golden files of tests hold these dumps.
func (g *Graph) Dump() string {
	var b strings.Builder
	dumpGraph(&b, g, "")
	return b.String()
}

func dumpGraph(b *strings.Builder, g *Graph, indent string) {
	fmt.Fprintf(b, "%sgraph %s\n", indent, g.Name)
	for _, in := range g.Inputs {
		fmt.Fprintf(b, "%s  input %s: %s\n", indent, in, typeString(g, in))
	}
	names := make([]string, 0, len(g.Consts))
	for c := range g.Consts {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		fmt.Fprintf(b, "%s  const %s: %s\n", indent, c, tensorString(g.Consts[c]))
	}
	for _, n := range g.Nodes {
		op := n.Op
		if n.Domain != "" {
			op = n.Domain + "." + op
		}
		fmt.Fprintf(b, "%s  %s = %s(%s)", indent, strings.Join(n.Outputs, ", "), op, strings.Join(n.Inputs, ", "))
		keys := make([]string, 0, len(n.Attrs))
		for k := range n.Attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var subs []*Graph
		var attrs []string
		for _, k := range keys {
			if sg, ok := n.Attrs[k].(*Graph); ok {
				subs = append(subs, sg)
				attrs = append(attrs, k+"=<graph "+sg.Name+">")
				continue
			}
			attrs = append(attrs, k+"="+attrString(n.Attrs[k]))
		}
		if len(attrs) > 0 {
			fmt.Fprintf(b, " {%s}", strings.Join(attrs, ", "))
		}
		fmt.Fprintf(b, "  # %s\n", n.Name)
		for _, sg := range subs {
			dumpGraph(b, sg, indent+"    ")
		}
	}
	for _, o := range g.Outputs {
		fmt.Fprintf(b, "%s  output %s: %s\n", indent, o, typeString(g, o))
	}
}

func typeString(g *Graph, v string) string {
	return g.DTypeOf(v).String() + g.ShapeOf(v).String()
}

func tensorString(t *Tensor) string {
	s := t.DType.String() + ShapeOf(t.Dims...).String()
	if t.DType == String {
		return s
	}
	if t.DType.Size() == 0 || int64(len(t.Data)) != t.NumElements()*int64(t.DType.Size()) {
		return s + " <bad data>"
	}
	n := t.NumElements()
	var vals []string
	if t.DType.IsInt() || t.DType == Bool {
		for i, v := range t.Int64s() {
			if i == 8 {
				break
			}
			vals = append(vals, strconv.FormatInt(v, 10))
		}
	} else {
		for i, v := range t.Float64s() {
			if i == 8 {
				break
			}
			vals = append(vals, strconv.FormatFloat(v, 'g', 6, 64))
		}
	}
	if n > 8 {
		vals = append(vals, "…")
	}
	return s + " {" + strings.Join(vals, " ") + "}"
}

func attrString(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case []int64:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strconv.FormatInt(e, 10)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case []float32:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strconv.FormatFloat(float64(e), 'g', -1, 32)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case *Tensor:
		return tensorString(x)
	}
	return fmt.Sprint(v)
}
