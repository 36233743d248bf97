package opmap

import "github.com/tf2onnx-go/tf2onnx/graph"

// Family is one group of rules, as the files split them.
type Family struct {
	Name  string
	Rules []Rule
}

// Families is the one table of TF op → handler, by family. Simple 1:1
// mappings are data (unaryOps, binaryOps); everything else is a handler in
// its family's file. A TF op may appear more than once with different Since
// opsets; the rule with the highest Since not above the target opset wins.
func Families() []Family {
	var simple []Rule
	for tf, onnx := range unaryOps {
		simple = append(simple, Rule{tf, MinOpset, unary(onnx)})
	}
	for tf, onnx := range binaryOps {
		simple = append(simple, Rule{tf, MinOpset, binary(onnx)})
	}
	return []Family{
		{"elementwise (1:1)", simple},
		{"identity", identityRules},
		{"nn", nnRules},
		{"math", mathRules},
		{"array", arrayRules},
		{"control", controlRules()},
		{"rnn", rnnRules},
		{"tf2", tf2Rules},
		{"resource", resourceRules},
		{"tflite", tfliteRules},
		{"tensorlist", tensorListRules},
		{"math and bits", mathExtraRules},
		{"scatter and segments", scatterRules},
		{"matrix", matrixRules},
		{"quantization", quantRules},
		{"random", randomRules},
		{"signal", signalRules},
		{"detection and image", imageRules},
		{"array (more)", arrayExtraRules},
		{"sparse and ragged", sparseRules},
		{"lookup tables", tableRules},
	}
}

// Rules is every rule of every family.
func Rules() []Rule {
	var rs []Rule
	for _, f := range Families() {
		rs = append(rs, f.Rules...)
	}
	return rs
}

// unaryOps are TF ops that are one ONNX op of the same input and output.
var unaryOps = map[string]string{
	"Relu": "Relu", "Elu": "Elu", "Selu": "Selu", "Sigmoid": "Sigmoid", "Tanh": "Tanh",
	"Softplus": "Softplus", "Softsign": "Softsign", "Erf": "Erf", "Exp": "Exp", "Log": "Log",
	"Neg": "Neg", "Abs": "Abs", "Sign": "Sign", "Reciprocal": "Reciprocal", "Inv": "Reciprocal",
	"Floor": "Floor", "Ceil": "Ceil", "Round": "Round", "Sqrt": "Sqrt", "LogicalNot": "Not",
	"Sin": "Sin", "Cos": "Cos", "Tan": "Tan", "Asin": "Asin", "Acos": "Acos", "Atan": "Atan",
	"Sinh": "Sinh", "Cosh": "Cosh", "Asinh": "Asinh", "Acosh": "Acosh", "Atanh": "Atanh",
	"IsNan": "IsNaN", "IsInf": "IsInf",
}

// binaryOps are TF ops with numpy broadcasting that ONNX has with the same
// broadcasting and meaning for every dtype TF allows.
var binaryOps = map[string]string{
	"Add": "Add", "AddV2": "Add", "Sub": "Sub", "Mul": "Mul", "RealDiv": "Div",
	"Maximum": "Max", "Minimum": "Min", "Pow": "Pow",
	"Less": "Less", "LessEqual": "LessOrEqual", "Greater": "Greater", "GreaterEqual": "GreaterOrEqual",
	"Equal": "Equal", "LogicalAnd": "And", "LogicalOr": "Or",
}

func unary(op string) Handler {
	return func(c *Ctx) error {
		if c.DType(c.In(0)) == graph.BFloat16 {
			return viaFloat(c, op, c.In(0))
		}
		c.OpTo(c.Out(0), op, nil, c.In(0))
		return nil
	}
}

func binary(op string) Handler {
	return func(c *Ctx) error {
		if c.DType(c.In(0)) == graph.BFloat16 {
			return viaFloat(c, op, c.In(0), c.In(1))
		}
		if op == "Equal" && c.DType(c.In(0)) == graph.String && c.Opset < stringEqualOpset {
			eq, err := stringEqual(c, c.In(0), c.In(1))
			if err != nil {
				return err
			}
			c.Alias(c.Out(0), eq)
			return nil
		}
		c.OpTo(c.Out(0), op, nil, c.In(0), c.In(1))
		return nil
	}
}

// viaFloat runs a 1:1 op on bfloat16 inputs in float32 (onnxruntime has
// no bfloat16 CPU kernels for them; TF's CPU kernels also widen) and
// rounds a bfloat16 result back.
func viaFloat(c *Ctx, op string, ins ...string) error {
	wide := make([]string, len(ins))
	for i, v := range ins {
		wide[i] = c.Op("Cast", Attrs{"to": int64(graph.Float)}, v)
	}
	y := c.Op(op, nil, wide...)
	if c.DType(y) == graph.Bool {
		c.Alias(c.Out(0), y)
		return nil
	}
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(graph.BFloat16)}, y)
	return nil
}

// identityRules are ops that pass their input through.
var identityRules = []Rule{
	{"Identity", MinOpset, passThrough},
	{"StopGradient", MinOpset, passThrough},
	{"Snapshot", MinOpset, passThrough},
	{"PreventGradient", MinOpset, passThrough},
	{"PlaceholderWithDefault", MinOpset, passThrough},
	{"CheckNumerics", MinOpset, passThrough},
	{"EnsureShape", MinOpset, passThrough},
	{"IdentityN", MinOpset, identityN},
	{"NoOp", MinOpset, func(c *Ctx) error { return nil }},
	{graph.GuardedConst, MinOpset, guardedConst},
}

// guardedConst: a constant of one TF1 cond branch (its input only ties it to
// the branch) is a constant of that If branch.
func guardedConst(c *Ctx) error {
	t := c.Node.TensorAttr("value")
	if t == nil {
		return c.Errorf("no value")
	}
	c.Alias(c.Out(0), c.AddConst(t))
	return nil
}

func passThrough(c *Ctx) error {
	c.Alias(c.Out(0), c.In(0))
	return nil
}

func identityN(c *Ctx) error {
	for i := range c.Node.Inputs {
		c.Alias(c.Out(i), c.In(i))
	}
	return nil
}
