package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// randomRules: random generators. Their values cannot match TF's (other
// generators, other seeds); the parity cases check shapes, dtypes, ranges
// and statistics.
var randomRules = []Rule{
	{"RandomUniform", MinOpset, arrNeeds(1, randomFill("RandomUniform", nil))},
	{"RandomStandardNormal", MinOpset, arrNeeds(1, randomFill("RandomNormal", nil))},
	{"RandomUniformInt", MinOpset, arrNeeds(3, randomUniformInt)},
	{"Multinomial", MinOpset, arrNeeds(2, randomMultinomial)},
	{"RandomShuffle", MinOpset, arrNeeds(1, randomShuffle)},
}

// randomValues emits a generator op of dtype dt and the shape held by the
// 1-D value shape: the op itself when the shape is constant, its *Like form
// over a run-time ConstantOfShape otherwise.
func randomValues(c *Ctx, op string, dt graph.DType, shape string, attrs Attrs) (string, error) {
	if err := randomOpsetCheck(c); err != nil {
		return "", err
	}
	if dt != graph.Float && dt != graph.Double && dt != graph.Float16 {
		return "", c.Errorf("%s of %v is not supported", c.Node.Op, dt)
	}
	a := Attrs{"dtype": int64(dt)}
	for k, v := range attrs {
		a[k] = v
	}
	if s, ok := c.ConstInts(shape); ok {
		a["shape"] = s
		return c.Op(op, a), nil
	}
	like := c.Op("ConstantOfShape", Attrs{"value": graph.NewTensor(dt, []int64{1}, []float64{0})}, mathVec1D(c, shape))
	return c.Op(op+"Like", a, like), nil
}

func randomFill(op string, attrs Attrs) Handler {
	return func(c *Ctx) error {
		dt := c.Node.TypeOr("dtype", graph.Float)
		v, err := randomValues(c, op, dt, c.In(0), attrs)
		if err != nil {
			return err
		}
		c.Alias(c.Out(0), v)
		return nil
	}
}

// randomUniformInt is minval + floor(U·(maxval−minval)) for U uniform in
// [0, 1), computed in float64 so that every int32 range is exact enough.
func randomUniformInt(c *Ctx) error {
	dt := c.Node.Type("Tout")
	if dt == graph.Undefined {
		dt = c.DType(c.In(1))
	}
	u, err := randomValues(c, "RandomUniform", graph.Double, c.In(0), nil)
	if err != nil {
		return err
	}
	lo := mathCastTo(c, c.In(1), graph.Double)
	hi := mathCastTo(c, c.In(2), graph.Double)
	v := c.Op("Add", nil, c.Op("Floor", nil, c.Op("Mul", nil, u, c.Op("Sub", nil, hi, lo))), lo)
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dt)}, v)
	return nil
}

// randomMultinomial: ONNX Multinomial also samples from unnormalized log
// probabilities, [batch, classes] → [batch, num_samples].
func randomMultinomial(c *Ctx) error {
	if err := randomOpsetCheck(c); err != nil {
		return err
	}
	n, ok := c.ConstInts(c.In(1))
	if !ok || len(n) != 1 {
		return c.Errorf("num_samples must be a constant")
	}
	dt := c.Node.TypeOr("output_dtype", graph.Int64)
	logits := c.In(0)
	if ldt := c.DType(logits); ldt != graph.Float && ldt != graph.Double {
		logits = c.Op("Cast", Attrs{"to": int64(graph.Float)}, logits)
	}
	c.OpTo(c.Out(0), "Multinomial", Attrs{"sample_size": n[0], "dtype": int64(dt)}, logits)
	return nil
}

// randomShuffle permutes the first axis by the order of as many uniform
// draws (TopK over them).
func randomShuffle(c *Ctx) error {
	x := c.In(0)
	if c.Rank(x) == 0 {
		c.Alias(c.Out(0), x)
		return nil
	}
	n := arrDim(c, x, 0)
	keys, err := randomValues(c, "RandomUniform", graph.Float, n, nil)
	if err != nil {
		return err
	}
	perm := c.OpN("TopK", 2, Attrs{"axis": int64(0)}, keys, n)
	c.OpTo(c.Out(0), "Gather", Attrs{"axis": int64(0)}, x, perm[1])
	return nil
}

// randomOpsetCheck: the generators' opset-22 versions have no onnxruntime
// CPU kernel (1.32), so the model would not run; refused with the way out.
func randomOpsetCheck(c *Ctx) error {
	if c.Opset >= 22 {
		return c.Errorf("%s maps to ONNX random generators, which onnxruntime cannot run at opset %d (no kernel for their opset-22 versions); convert with --opset 21 or lower", c.Node.Op, c.Opset)
	}
	return nil
}
