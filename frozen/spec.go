package frozen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Spec names one tensor on the command line: `node`, `node:1`, optionally
// followed by a shape `[1,28,28,3]` in which -1 or ? marks an unknown dim.
type Spec struct {
	Node  string
	Port  int
	Shape *graph.Shape // nil when not given
}

// Tensor is the tensor name `node:port`.
func (s Spec) Tensor() string { return s.Node + ":" + strconv.Itoa(s.Port) }

func (s Spec) String() string {
	if s.Shape == nil {
		return s.Tensor()
	}
	return s.Tensor() + s.Shape.String()
}

// SpecError is a malformed tensor spec.
type SpecError struct {
	Spec, Why string
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("bad tensor spec %q: %s", e.Spec, e.Why)
}

// SplitSpecs splits a comma-separated list of tensor names or specs;
// commas inside a shape's brackets do not separate items. Items are
// trimmed, and empty ones are kept for the caller to refuse or skip.
func SplitSpecs(list string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i <= len(list); i++ {
		if i < len(list) {
			switch list[i] {
			case '[':
				depth++
				continue
			case ']':
				depth--
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		out = append(out, strings.TrimSpace(list[start:i]))
		start = i + 1
	}
	return out
}

// ParseSpecs parses a comma-separated list of specs; commas inside a shape's
// brackets do not separate specs, and a trailing comma is allowed.
func ParseSpecs(list string) ([]Spec, error) {
	items := SplitSpecs(list)
	if n := len(items); n > 1 && items[n-1] == "" {
		items = items[:n-1]
	}
	out := make([]Spec, 0, len(items))
	for _, item := range items {
		if item == "" {
			return nil, &SpecError{Spec: list, Why: "empty name in the list"}
		}
		s, err := ParseSpec(item)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// ParseSpec parses one spec.
func ParseSpec(item string) (Spec, error) {
	name := item
	var shape *graph.Shape
	if i := strings.IndexByte(item, '['); i >= 0 {
		if !strings.HasSuffix(item, "]") {
			return Spec{}, &SpecError{Spec: item, Why: "the shape must end with ']'"}
		}
		name = item[:i]
		s, err := parseShape(item, item[i+1:len(item)-1])
		if err != nil {
			return Spec{}, err
		}
		shape = &s
	} else if strings.ContainsAny(item, "]") {
		return Spec{}, &SpecError{Spec: item, Why: "']' without '['"}
	}
	if name == "" {
		return Spec{}, &SpecError{Spec: item, Why: "no tensor name"}
	}
	if strings.ContainsAny(name, " \t[]") {
		return Spec{}, &SpecError{Spec: item, Why: "the name holds a space or bracket"}
	}
	port := 0
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		p, err := strconv.Atoi(name[i+1:])
		if err != nil || p < 0 {
			return Spec{}, &SpecError{Spec: item, Why: fmt.Sprintf("the output index %q after ':' is not a non-negative integer", name[i+1:])}
		}
		port = p
		name = name[:i]
		if name == "" {
			return Spec{}, &SpecError{Spec: item, Why: "no node name before ':'"}
		}
	}
	return Spec{Node: name, Port: port, Shape: shape}, nil
}

func parseShape(item, body string) (graph.Shape, error) {
	s := graph.Shape{Known: true}
	if strings.TrimSpace(body) == "" {
		return s, nil // a scalar
	}
	for _, f := range strings.Split(body, ",") {
		f = strings.TrimSpace(f)
		switch f {
		case "?", "-1":
			s.Dims = append(s.Dims, graph.Unk())
			continue
		}
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil || n < 0 {
			return s, &SpecError{Spec: item, Why: fmt.Sprintf("dim %q is not a size, -1 or ?", f)}
		}
		s.Dims = append(s.Dims, graph.D(n))
	}
	return s, nil
}

// SplitTensorName splits a GraphDef input reference `node:port` (or `node`,
// port 0). Control inputs `^node` report control=true.
func SplitTensorName(ref string) (node string, port int, control bool) {
	if strings.HasPrefix(ref, "^") {
		return ref[1:], 0, true
	}
	if i := strings.LastIndexByte(ref, ':'); i >= 0 {
		if p, err := strconv.Atoi(ref[i+1:]); err == nil {
			return ref[:i], p, false
		}
	}
	return ref, 0, false
}
