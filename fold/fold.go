// Package fold evaluates ONNX nodes whose inputs are all constants, so that
// constant subgraphs (shape arithmetic included) disappear from the model.
//
// Numbers follow the runtimes the model will meet: float math is done in
// float64 and rounded once to the element type (exact for + - * / and sqrt,
// within an ulp otherwise); integer math is exact in int64 and wraps to the
// element width as C does; integer Div truncates toward zero. Undefined
// cases (integer division by zero, a float cast out of an integer's range)
// are left to the runtime: Eval reports them as not foldable.
package fold

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// maxElements bounds any tensor Eval builds (16M elements), so that folding
// never turns a small node into a huge constant.
const maxElements = 16 << 20

type evalFunc func(c *call) ([]*graph.Tensor, bool, error)

// evaluators maps each foldable op of the default domain to its
// evaluation. Families live in their own files.
var evaluators = map[string]evalFunc{
	// movement.go
	"Identity": evalIdentity, "Reshape": evalReshape, "Flatten": evalFlatten,
	"Squeeze": evalSqueeze, "Unsqueeze": evalUnsqueeze, "Transpose": evalTranspose,
	"Expand": evalExpand, "Tile": evalTile, "Concat": evalConcat, "Split": evalSplit,
	"Slice": evalSlice, "Gather": evalGather, "Pad": evalPad,

	// generate.go
	"Shape": evalShape, "Size": evalSize, "ConstantOfShape": evalConstantOfShape,
	"Range": evalRange, "Cast": evalCast,

	// arith.go
	"Add": evalArith, "Sub": evalArith, "Mul": evalArith, "Div": evalArith,
	"Mod": evalArith, "Pow": evalPow, "Max": evalMinMax, "Min": evalMinMax,
	"Sum": evalArith,
	"Neg": evalUnary, "Abs": evalUnary, "Floor": evalUnary, "Ceil": evalUnary,
	"Round": evalUnary, "Sqrt": evalUnary, "Reciprocal": evalUnary,
	"Exp": evalUnary, "Log": evalUnary, "Sign": evalUnary, "Relu": evalUnary,
	"Clip": evalClip,

	// logic.go
	"Equal": evalCompare, "Less": evalCompare, "LessOrEqual": evalCompare,
	"Greater": evalCompare, "GreaterOrEqual": evalCompare,
	"Not": evalNot, "And": evalLogic, "Or": evalLogic, "Xor": evalLogic,
	"Where": evalWhere,

	// reduce.go
	"ReduceSum": evalReduce, "ReduceProd": evalReduce, "ReduceMax": evalReduce,
	"ReduceMin": evalReduce, "ReduceMean": evalReduce, "CumSum": evalCumSum,
}

// Eval computes n's outputs from its constant inputs (nil for an omitted
// optional input). ok is false when the op or its dtype is not foldable
// here, or when an output would exceed 16M elements; err reports inputs that
// no runtime would accept (and names the node), or a bug here (a recovered
// panic, wrapping graph.ErrInternal).
func Eval(n *graph.Node, in []*graph.Tensor, opset int) (out []*graph.Tensor, ok bool, err error) {
	if n.Domain != "" && n.Domain != "ai.onnx" {
		return nil, false, nil
	}
	f := evaluators[n.Op]
	if f == nil {
		return nil, false, nil
	}
	for _, t := range in {
		if t != nil && !wellFormed(t) {
			return nil, false, nil
		}
	}
	c := &call{n: n, in: in, opset: opset}
	defer func() {
		// A bug here must not take the whole conversion down without
		// saying which node tripped it.
		if r := recover(); r != nil {
			out, ok, err = nil, false, fmt.Errorf("%w: fold: node %q (%s): %v", graph.ErrInternal, n.Name, n.Op, r)
		}
	}()
	out, ok, err = f(c)
	if err != nil || !ok {
		return nil, false, err
	}
	// Ops that grow their input check before allocating; this catches the
	// ones that merely pass a big tensor along (Identity, Cast, Reshape).
	for _, t := range out {
		if tooBig(t.Dims) {
			return nil, false, nil
		}
	}
	return out, true, nil
}

// wellFormed accepts numeric and bool tensors whose data matches their dims;
// strings, complex numbers and malformed tensors are not folded.
func wellFormed(t *graph.Tensor) bool {
	sz := t.DType.Size()
	if sz == 0 || t.DType == graph.Complex64 || t.DType == graph.Complex128 {
		return false
	}
	n := int64(1)
	for _, d := range t.Dims {
		if d < 0 || (d > 0 && n > (1<<62)/d) {
			return false
		}
		n *= d
	}
	return int64(len(t.Data)) == n*int64(sz)
}

// call is one node being evaluated.
type call struct {
	n     *graph.Node
	in    []*graph.Tensor
	opset int
}

// arg is input i, nil when omitted.
func (c *call) arg(i int) *graph.Tensor {
	if i < len(c.in) {
		return c.in[i]
	}
	return nil
}

// ints reads input i as integers; ok is false when it is absent.
func (c *call) ints(i int) ([]int64, bool) {
	t := c.arg(i)
	if t == nil {
		return nil, false
	}
	return t.Int64s(), true
}

func (c *call) errf(format string, args ...any) error {
	return fmt.Errorf("fold: node %q (%s): %s", c.n.Name, c.n.Op, fmt.Sprintf(format, args...))
}

// one wraps a single result.
func one(t *graph.Tensor) ([]*graph.Tensor, bool, error) {
	return []*graph.Tensor{t}, true, nil
}

// no declines to fold.
func no() ([]*graph.Tensor, bool, error) { return nil, false, nil }

// tooBig reports a shape past maxElements (or with a negative dim).
func tooBig(dims []int64) bool {
	for _, d := range dims {
		if d < 0 {
			return true
		}
	}
	n := int64(1)
	for _, d := range dims {
		if d == 0 {
			return false
		}
		if n > maxElements/d {
			return true
		}
		n *= d
	}
	return false
}
