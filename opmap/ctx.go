package opmap

import (
	"fmt"
	"strconv"

	"github.com/tf2onnx-go/tf2onnx/fold"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
)

// Ctx is what a handler sees while it replaces one TensorFlow node: the
// node's inputs (already mapped, with dtypes and shapes known as far as
// inference goes), the target opset, and ways to emit ONNX nodes. Every
// emitted node is typed at once and, when all its inputs are constants,
// folded into a constant instead of being emitted.
type Ctx struct {
	G     *graph.Graph
	Opset int
	Node  *graph.Node // the TF node being mapped

	out     []*graph.Node     // the mapped graph's node list, in order
	aliases map[string]string // TF output name → the value that stands for it
	pruner  *pruner           // frees constants nobody will read (nil in subgraphs)
	report  func(error)       // Options.Report
	domains map[string]int    // Options.Domains
	pending []*graph.Node     // every node of this mapping, in order (mapped or not)
	cxParts cxJoins           // packed complex values → their parts (complex.go)

	// tables: each hash table's handle constant → its contents (tables.go).
	tables map[*graph.Tensor]*table
}

// DomainMS is onnxruntime's contrib domain.
const DomainMS = "com.microsoft"

// DomainVersion is the version of an extra opset domain the model imports
// (--extra_opset), or 0.
func (c *Ctx) DomainVersion(domain string) int { return c.domains[domain] }

// OpDomainTo emits a node of another domain with output out. Inference
// knows only ONNX's ops, so the caller states the output's type.
func (c *Ctx) OpDomainTo(out, domain, op string, attrs Attrs, dt graph.DType, shape graph.Shape, inputs ...string) {
	if attrs == nil {
		attrs = Attrs{}
	}
	name := c.G.UniqueName(c.Node.Name + "/" + op)
	if out == c.Node.Name+":0" {
		name = c.Node.Name
	}
	c.G.Reserve(out)
	c.G.Reserve(name)
	c.out = append(c.out, &graph.Node{Name: name, Op: op, Domain: domain, Inputs: inputs, Outputs: []string{out}, Attrs: attrs})
	c.G.SetValue(out, dt, shape)
}

// problem passes a worked-around problem to Options.Report.
func (c *Ctx) problem(err error) {
	if c.report != nil {
		if c.Node != nil && c.Node.Domain == graph.DomainTF {
			err = fmt.Errorf("mapping TF node %q (%s): %w", c.Node.Name, c.Node.Op, err)
		}
		c.report(err)
	}
}

// In is the value name of the node's i-th input. A node with fewer inputs
// than its handler reads is a damaged model, not a handler bug: the panic
// here becomes an error saying so (see callHandler).
func (c *Ctx) In(i int) string {
	if i >= len(c.Node.Inputs) {
		panic(missingInput{i})
	}
	return c.Node.Inputs[i]
}

// missingInput is a handler's read of input i that the node does not have.
type missingInput struct{ i int }

// NumIn is the node's number of (data) inputs.
func (c *Ctx) NumIn() int { return len(c.Node.Inputs) }

// Out is the TF name of the node's i-th output (`node:i`).
func (c *Ctx) Out(i int) string {
	if i < len(c.Node.Outputs) {
		return c.Node.Outputs[i]
	}
	return c.Node.Name + ":" + strconv.Itoa(i)
}

// DType is a value's element type.
func (c *Ctx) DType(v string) graph.DType { return c.G.DTypeOf(v) }

// Shape is a value's shape as far as known.
func (c *Ctx) Shape(v string) graph.Shape { return c.G.ShapeOf(v) }

// Rank is a value's rank, or -1.
func (c *Ctx) Rank(v string) int { return c.G.ShapeOf(v).Rank() }

// Const returns the constant behind a value, or nil.
func (c *Ctx) Const(v string) *graph.Tensor { return c.G.Consts[v] }

// ConstInts returns a constant input's values as int64s; ok is false when
// the input is not constant.
func (c *Ctx) ConstInts(v string) ([]int64, bool) {
	t := c.G.Consts[v]
	if t == nil {
		return nil, false
	}
	return t.Int64s(), true
}

// KnownInts returns the elements of a 1-D integer value that are known
// before run time, -1 for the others: shape vectors such as
// stack([tf.shape(x)[0], 8, 8, 2]) whose pieces are constants but for the
// batch (inference tracks them as the value's Contents). ok is false when
// even the length is unknown.
func (c *Ctx) KnownInts(v string) ([]int64, bool) {
	if vals, ok := c.ConstInts(v); ok {
		return vals, true
	}
	if val := c.G.Value(v); val != nil && val.Contents != nil {
		out := make([]int64, len(val.Contents))
		for i, d := range val.Contents {
			out[i] = -1
			if d.Known() {
				out[i] = d.Size
			}
		}
		return out, true
	}
	s := c.Shape(v)
	switch {
	case s.Rank() == 0:
		return []int64{-1}, true
	case s.Rank() == 1 && s.Dims[0].Known():
		out := make([]int64, s.Dims[0].Size)
		for i := range out {
			out[i] = -1
		}
		return out, true
	}
	return nil, false
}

// Errorf makes an error about the node being mapped.
func (c *Ctx) Errorf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

// AddConst adds a constant and returns its value name.
func (c *Ctx) AddConst(t *graph.Tensor) string {
	return c.G.AddConst(c.Node.Name+"/const", t)
}

// Int64s adds a 1-D int64 constant.
func (c *Ctx) Int64s(vals ...int64) string { return c.AddConst(graph.Int64Tensor(vals...)) }

// Scalar adds a rank-0 constant of dtype dt.
func (c *Ctx) Scalar(dt graph.DType, v float64) string { return c.AddConst(graph.ScalarOf(dt, v)) }

// Attrs is the attribute map of an emitted node.
type Attrs = map[string]any

// Op emits a single-output node with a fresh output name and returns it.
func (c *Ctx) Op(op string, attrs Attrs, inputs ...string) string {
	return c.emit(op, attrs, inputs, []string{c.G.UniqueName(c.Node.Name + "/" + op)})[0]
}

// OpTo emits a single-output node whose output is the given name (usually
// c.Out(i), so that consumers of the TF output read it).
func (c *Ctx) OpTo(out, op string, attrs Attrs, inputs ...string) {
	c.emit(op, attrs, inputs, []string{out})
}

// OpN emits a node with n fresh outputs.
func (c *Ctx) OpN(op string, n int, attrs Attrs, inputs ...string) []string {
	outs := make([]string, n)
	for i := range outs {
		outs[i] = c.G.UniqueName(c.Node.Name + "/" + op + ":" + strconv.Itoa(i))
	}
	return c.emit(op, attrs, inputs, outs)
}

// OpOuts emits a node with the given output names ("" for unused ones).
func (c *Ctx) OpOuts(op string, attrs Attrs, outs []string, inputs ...string) {
	c.emit(op, attrs, inputs, outs)
}

// Alias makes the TF output out stand for an existing value v: consumers
// of out will read v. No node is emitted.
func (c *Ctx) Alias(out, v string) {
	c.aliases[out] = v
	c.pruner.alias(out, v)
}

func (c *Ctx) emit(op string, attrs Attrs, inputs, outs []string) []string {
	if attrs == nil {
		attrs = Attrs{}
	}
	name := c.G.UniqueName(c.Node.Name + "/" + op)
	if len(outs) > 0 && outs[0] == c.Node.Name+":0" {
		// The node that yields the TF node's first output takes its name:
		// TF names are unique and reserved, and the TF node is going away.
		name = c.Node.Name
	}
	n := &graph.Node{Name: name, Op: op, Inputs: inputs, Outputs: outs, Attrs: attrs}
	for _, o := range outs {
		c.G.Reserve(o)
	}
	if c.tryFold(n) {
		return outs
	}
	c.out = append(c.out, n)
	c.G.Reserve(n.Name)
	if err := infer.Node(c.G, n, c.Opset); err != nil {
		// The node stays, untyped; a handler that needs a shape asks for it
		// and reports its own error.
		c.problem(err)
	}
	if t := knownContents(c.G, outs); t != nil {
		// A shape vector whose elements are all known (a static dim read
		// from a partly dynamic shape) is a constant.
		c.out = c.out[:len(c.out)-1]
		c.G.SetConst(outs[0], t)
	}
	return outs
}

// knownContents is the constant that a single integer vector or scalar
// output stands for when inference knows every element (graph.Value
// Contents), else nil.
func knownContents(g *graph.Graph, outs []string) *graph.Tensor {
	if len(outs) != 1 || outs[0] == "" {
		return nil
	}
	v := g.Value(outs[0])
	if v == nil || v.Contents == nil || (v.DType != graph.Int64 && v.DType != graph.Int32) || !v.Shape.Known || v.Shape.Rank() > 1 {
		return nil
	}
	vals := make([]int64, len(v.Contents))
	for i, d := range v.Contents {
		if d.Name != "" || d.Size < 0 {
			return nil
		}
		vals[i] = d.Size
	}
	return graph.NewIntTensor(v.DType, v.Shape.Sizes(), vals)
}

func (c *Ctx) tryFold(n *graph.Node) bool {
	in := make([]*graph.Tensor, len(n.Inputs))
	for i, v := range n.Inputs {
		if v == "" {
			continue
		}
		t := c.G.Consts[v]
		if t == nil {
			if n.Op == "Shape" && i == 0 && c.G.ShapeOf(v).Static() {
				continue // Shape of a static shape folds without the data
			}
			return false
		}
		in[i] = t
	}
	if n.Op == "Shape" && in[0] == nil {
		s := c.G.ShapeOf(n.Inputs[0]).Sizes()
		start, end := int64(0), int64(len(s))
		if v, ok := n.Attrs["start"].(int64); ok {
			start = clampAxis(v, int64(len(s)))
		}
		if v, ok := n.Attrs["end"].(int64); ok {
			end = clampAxis(v, int64(len(s)))
		}
		if end < start {
			end = start
		}
		c.G.SetConst(n.Outputs[0], graph.Int64Tensor(s[start:end]...))
		return true
	}
	outs, ok, err := fold.Eval(n, in, c.Opset)
	if err != nil {
		c.problem(err) // the node stays, for the runtime to evaluate
	}
	if !ok || err != nil || len(outs) != len(n.Outputs) {
		return false
	}
	if !fold.WorthFolding(in, outs) {
		return false // a large expansion (Tile, Expand, Fill) stays a node
	}
	for i, t := range outs {
		if n.Outputs[i] != "" {
			c.G.SetConst(n.Outputs[i], t)
		}
	}
	return true
}

func clampAxis(v, rank int64) int64 {
	if v < 0 {
		v += rank
	}
	return max(0, min(v, rank))
}
