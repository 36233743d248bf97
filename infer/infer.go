// Package infer computes the element type and shape of every output of an
// ONNX node from its inputs, as the ONNX operator specs define them, with
// symbolic dims carried through where they are unknown. The converter runs it
// on each node it emits (so that TF op handlers see their inputs' shapes) and
// the cost pass runs it over whole models.
//
// Conventions: an unknown dim keeps the name of an input dim it is provably
// equal to; otherwise it gets a symbol (graph.Graph.SymFor, see syms.go)
// keyed by how it is computed, so that dims computed alike share a name and
// inferring again gives the same names. An output whose rank cannot be
// known gets graph.UnknownShape(). Small integer vectors computed from
// shapes (Shape → Gather → Concat) carry their elements as dims in
// graph.Value.Contents (contents.go), which Reshape, Expand, Tile,
// ConstantOfShape and Resize read as their shape inputs.
package infer

import (
	"fmt"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// inferFunc sets the outputs of the node held by c.
type inferFunc func(c *ctx) error

// ops maps each ONNX op type of the default domain to its rule. Families
// live in their own files; this is the one place that lists them.
var ops = map[string]inferFunc{
	// elementwise.go
	"Relu": same, "Sigmoid": same, "Tanh": same, "Exp": same, "Log": same,
	"Sqrt": same, "Neg": same, "Abs": same, "Sign": same, "Reciprocal": same,
	"Floor": same, "Ceil": same, "Round": same, "Erf": same, "Softplus": same,
	"Softsign": same, "Elu": same, "Selu": same, "LeakyRelu": same,
	"HardSigmoid": same, "HardSwish": same, "ThresholdedRelu": same,
	"Celu": same, "Gelu": same, "Mish": same, "Shrink": same, "Not": same,
	"Identity": same, "Sin": same, "Cos": same, "Tan": same, "Asin": same,
	"Acos": same, "Atan": same, "Sinh": same, "Cosh": same, "Asinh": same,
	"Acosh": same, "Atanh": same, "BitwiseNot": same,
	"IsNaN": boolSame, "IsInf": boolSame,
	"Cast": inferCast, "CastLike": inferCastLike,
	"Add": broadcastOp, "Sub": broadcastOp, "Mul": broadcastOp,
	"Div": broadcastOp, "Pow": broadcastOp, "Mod": broadcastOp,
	"BitShift": broadcastOp, "BitwiseAnd": broadcastOp,
	"BitwiseOr": broadcastOp, "BitwiseXor": broadcastOp,
	"And": broadcastOp, "Or": broadcastOp, "Xor": broadcastOp,
	"Max": broadcastOp, "Min": broadcastOp, "Sum": broadcastOp, "Mean": broadcastOp,
	"Equal": compareOp, "Less": compareOp, "LessOrEqual": compareOp,
	"Greater": compareOp, "GreaterOrEqual": compareOp,
	"PRelu": inferPRelu, "Where": inferWhere, "Clip": same,
	"StringConcat": broadcastOp, "BitCast": inferCast,

	// matmul.go
	"MatMul": inferMatMul, "Gemm": inferGemm, "Einsum": inferEinsum,

	// conv.go
	"Conv": inferConv, "ConvTranspose": inferConvTranspose,
	"MaxPool": inferPool, "AveragePool": inferPool, "LpPool": inferPool,
	"GlobalAveragePool": inferGlobalPool, "GlobalMaxPool": inferGlobalPool,
	"GlobalLpPool": inferGlobalPool,

	// norm.go
	"BatchNormalization": inferBatchNorm, "LayerNormalization": inferLayerNorm,
	"InstanceNormalization": same, "GroupNormalization": same, "LRN": same,
	"LpNormalization": same, "MeanVarianceNormalization": same,
	"Softmax": same, "LogSoftmax": same, "Hardmax": same, "Dropout": inferDropout,

	// reshape.go
	"Reshape": inferReshape, "Flatten": inferFlatten, "Transpose": inferTranspose,
	"Squeeze": inferSqueeze, "Unsqueeze": inferUnsqueeze, "Expand": inferExpand,
	"Tile": inferTile, "DepthToSpace": inferDepthToSpace,
	"SpaceToDepth": inferSpaceToDepth,

	// generate.go
	"Shape": inferShape, "Size": inferSize, "ConstantOfShape": inferConstantOfShape,
	"Range": inferRange, "EyeLike": inferEyeLike, "Constant": inferConstant,
	"NonZero": inferNonZero, "OneHot": inferOneHot,

	// index.go
	"Concat": inferConcat, "Split": inferSplit, "Slice": inferSlice,
	"Gather": inferGather, "GatherElements": inferGatherElements,
	"GatherND": inferGatherND, "ScatterND": same, "ScatterElements": same,
	"Scatter": same, "Pad": inferPad, "Trilu": same, "ReverseSequence": same,
	"CumSum": same, "TopK": inferTopK,

	// reduce.go
	"ReduceSum": inferReduce, "ReduceMean": inferReduce, "ReduceMax": inferReduce,
	"ReduceMin": inferReduce, "ReduceProd": inferReduce, "ReduceL1": inferReduce,
	"ReduceL2": inferReduce, "ReduceLogSum": inferReduce,
	"ReduceLogSumExp": inferReduce, "ReduceSumSquare": inferReduce,
	"ArgMax": inferArg, "ArgMin": inferArg,

	// resize.go
	"Resize": inferResize, "Upsample": inferResize,

	// rnn.go
	"LSTM": inferRNN, "GRU": inferRNN, "RNN": inferRNN,

	// control.go
	"Loop": inferLoop, "If": inferIf, "Scan": inferScan,

	// quant.go
	"QuantizeLinear": inferQuantize, "DequantizeLinear": inferDequantize,
	// extra.go
	"Det": inferDet, "NonMaxSuppression": inferNMS,
	"RandomUniform": inferRandom, "RandomNormal": inferRandom,
	"RandomUniformLike": inferRandomLike, "RandomNormalLike": inferRandomLike,
	"Bernoulli": inferRandomLike, "Multinomial": inferMultinomial,
	"Unique": inferUnique, "DFT": inferDFT, "Compress": inferCompress,
}

// Node infers n's outputs and records them in g.Values. Ops it does not know
// (and ops of other domains) leave their outputs unset; that is not an
// error. Errors report inputs that contradict each other, or a bug in a rule
// (a recovered panic, wrapping graph.ErrInternal).
func Node(g *graph.Graph, n *graph.Node, opset int) error {
	return run(&scope{g: g}, n, opset)
}

// Graph infers every node of g in order (g must be topologically sorted).
func Graph(g *graph.Graph, opset int) error {
	return runGraph(&scope{g: g}, opset)
}

func runGraph(s *scope, opset int) error {
	for _, n := range s.g.Nodes {
		if err := run(s, n, opset); err != nil {
			return err
		}
	}
	return nil
}

func run(s *scope, n *graph.Node, opset int) (err error) {
	if n.Domain != "" && n.Domain != "ai.onnx" {
		return nil
	}
	defer func() {
		// A rule that trips on inputs it did not foresee is a bug: report
		// it with the node rather than take down the caller (a conversion,
		// or a program embedding the converter).
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: infer: node %q (%s): %v", graph.ErrInternal, n.Name, n.Op, r)
		}
	}()
	f := ops[n.Op]
	if f == nil {
		return nil
	}
	// The dispatcher travels in the context rather than being named by the
	// control-flow rules, so that the ops table can hold them without an
	// initialization cycle.
	c := &ctx{s: s, n: n, opset: opset, runGraph: runGraph}
	if err := f(c); err != nil {
		return err
	}
	if cf := contentOps[n.Op]; cf != nil {
		cf(c)
	}
	return nil
}

// scope resolves value names: a subgraph sees its own values first, then
// those of the graphs around it.
type scope struct {
	g     *graph.Graph
	outer *scope
	// consts holds the values of Constant nodes met while inferring this
	// graph, so that a Reshape fed by a Constant node (rather than by an
	// initializer) still gets an exact shape.
	consts map[string]*graph.Tensor
}

func (s *scope) lookup(name string) (graph.DType, graph.Shape, bool) {
	for sc := s; sc != nil; sc = sc.outer {
		if t, ok := sc.g.Consts[name]; ok {
			return t.DType, t.Shape(), true
		}
		if v := sc.g.Values[name]; v != nil {
			return v.DType, v.Shape, true
		}
	}
	return graph.Undefined, graph.UnknownShape(), false
}

func (s *scope) constant(name string) *graph.Tensor {
	for sc := s; sc != nil; sc = sc.outer {
		if t, ok := sc.g.Consts[name]; ok {
			return t
		}
		if t, ok := sc.consts[name]; ok {
			return t
		}
		// A name defined by this graph hides any outer one.
		if sc.g.Values[name] != nil {
			return nil
		}
	}
	return nil
}

func (s *scope) set(name string, dt graph.DType, sh graph.Shape) {
	if name == "" {
		return
	}
	if s.g.Values == nil {
		// graph.SetValue assumes a map made by graph.New; a Graph literal
		// has none.
		s.g.Values = map[string]*graph.Value{}
	}
	s.g.SetValue(name, dt, sh.Clone())
}

// ctx is one node being inferred.
type ctx struct {
	s        *scope
	n        *graph.Node
	opset    int
	runGraph func(*scope, int) error
}

// has reports a present (not omitted) input.
func (c *ctx) has(i int) bool { return i >= 0 && i < len(c.n.Inputs) && c.n.Inputs[i] != "" }

func (c *ctx) shape(i int) graph.Shape {
	if !c.has(i) {
		return graph.UnknownShape()
	}
	_, sh, _ := c.s.lookup(c.n.Inputs[i])
	return sh
}

func (c *ctx) dtype(i int) graph.DType {
	if !c.has(i) {
		return graph.Undefined
	}
	dt, _, _ := c.s.lookup(c.n.Inputs[i])
	return dt
}

// constant returns input i's value when it is a constant.
func (c *ctx) constant(i int) *graph.Tensor {
	if !c.has(i) {
		return nil
	}
	t := c.s.constant(c.n.Inputs[i])
	if t == nil || t.DType == graph.String || t.DType.Size() == 0 ||
		int64(len(t.Data)) < t.NumElements()*int64(t.DType.Size()) {
		return nil
	}
	return t
}

// ints returns input i's values when it is a constant.
func (c *ctx) ints(i int) ([]int64, bool) {
	t := c.constant(i)
	if t == nil {
		return nil, false
	}
	return t.Int64s(), true
}

// floats returns input i's values when it is a constant.
func (c *ctx) floats(i int) ([]float64, bool) {
	t := c.constant(i)
	if t == nil {
		return nil, false
	}
	return t.Float64s(), true
}

// set records output i (a no-op for an absent or unused output).
func (c *ctx) set(i int, dt graph.DType, sh graph.Shape) {
	if i < len(c.n.Outputs) {
		c.s.set(c.n.Outputs[i], dt, c.named(sh, i))
	}
}

func (c *ctx) errf(format string, args ...any) error {
	return fmt.Errorf("infer: node %q (%s): %s", c.n.Name, c.n.Op, fmt.Sprintf(format, args...))
}
