package cost

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// layerNamer groups nodes into layers by name scope: `conv1_1/Conv2D`,
// `conv1_1/BiasAdd` and `conv1_1/Relu` form layer `conv1_1` (TensorFlow);
// `/conv1/Conv` forms layer `conv1` (PyTorch modules); a node at the root
// (`/Relu`, `MaxPool`) is a layer of its own.
//
// Converters name the helper nodes they emit after the node they replace
// (`conv1/Conv2D/Transpose` beside `conv1/Conv2D`), so a scope that is
// itself the name of a node stands for that node's layer; and a helper named
// `<TF node>/<ONNX op>` whose TF node is gone (`conv1/Conv2D/Conv`) belongs
// to the TF node's scope (`conv1`).
type layerNamer struct {
	nodes map[string]bool
	depth int
	memo  map[string]string
}

func newLayerNamer(g *graph.Graph, depth int) *layerNamer {
	l := &layerNamer{nodes: map[string]bool{}, depth: depth, memo: map[string]string{}}
	for _, n := range g.Nodes {
		l.nodes[unwrap(n.Name)] = true
	}
	return l
}

// tfDefaultName matches the names TensorFlow gives nodes by default: the op
// type, with a count (`Conv2D`, `BiasAdd_1`, `MatMul`), and the lowercase
// names of tf.nn's convolutions, which Keras 3 layers call
// (`conv_a/convolution`, `dw/depthwise`).
var tfDefaultName = regexp.MustCompile(`^([A-Z][A-Za-z0-9]*|convolution|depthwise)(_[0-9]+)?$`)

// emittedSuffix strips the uniqueness suffixes a converter appends.
var emittedSuffix = regexp.MustCompile(`(__[0-9]+|:[0-9]+)+$`)

// callWrapper matches the leading scopes that inlined function calls leave
// on node names: TensorFlow's and the Python converter's
// `StatefulPartitionedCall/`, and ours, which also keep the function
// attribute (`StatefulPartitionedCall_1/f/`). A SavedModel's layers sit
// under one or two of them; they say nothing about the layer.
var callWrapper = regexp.MustCompile(`^((Stateful)?PartitionedCall(_[0-9]+)?/(f/)?)+`)

// unwrap is a node name without PyTorch's leading slash and the call
// wrappers.
func unwrap(name string) string {
	name = strings.TrimPrefix(name, "/")
	if short := callWrapper.ReplaceAllString(name, ""); short != "" {
		return short
	}
	return name
}

func (l *layerNamer) layer(n *graph.Node) string {
	lay := l.scopeOf(unwrap(n.Name), n.Op)
	if l.depth > 0 {
		parts := strings.Split(lay, "/")
		if len(parts) > l.depth {
			lay = strings.Join(parts[:l.depth], "/")
		}
	}
	return lay
}

func (l *layerNamer) scopeOf(name, op string) string {
	if v, ok := l.memo[name]; ok {
		return v
	}
	parts := strings.Split(name, "/")
	var res string
	switch {
	case len(parts) == 1:
		res = name
	case l.nodes[strings.Join(parts[:len(parts)-1], "/")]:
		parent := strings.Join(parts[:len(parts)-1], "/")
		res = l.scopeOf(parent, "")
	case len(parts) >= 3 && op != "" && emittedSuffix.ReplaceAllString(parts[len(parts)-1], "") == op &&
		tfDefaultName.MatchString(parts[len(parts)-2]):
		res = strings.Join(parts[:len(parts)-2], "/")
	default:
		res = strings.Join(parts[:len(parts)-1], "/")
	}
	l.memo[name] = res
	return res
}

// commas prints an integer with thousands separators.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// human prints a count as ptflops does: two decimals at most, at least
// one ("1.34 MMac", "182.0 KMac", "1.01 M"); kilo is "K" for MACs and "k"
// for parameters, as ptflops writes them.
func human(n float64, unit, kilo string) string {
	prefixes := []struct {
		v float64
		p string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, kilo}}
	for _, p := range prefixes {
		if math.Abs(n) >= p.v {
			return trimZeros(n/p.v) + " " + p.p + unit
		}
	}
	s := trimZeros(n)
	if n == math.Trunc(n) {
		s = strconv.FormatFloat(n, 'f', 0, 64)
	}
	if unit == "" {
		return s
	}
	return s + " " + unit
}

func trimZeros(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	return s
}

// humanBytes prints bytes in decimal units.
func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

func fmtFloat(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func pct(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

func shapeString(d []int64) string {
	if d == nil {
		return "?"
	}
	parts := make([]string, len(d))
	for i, x := range d {
		parts[i] = strconv.FormatInt(x, 10)
	}
	return "[" + strings.Join(parts, ",") + "]"
}
