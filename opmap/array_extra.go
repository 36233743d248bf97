package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// arrayExtraRules: uniques, counts, permutations, stitching and
// partitioning, dense forms of sparse tensors, softmax cross entropy and
// image contrast.
var arrayExtraRules = []Rule{
	{"Unique", MinOpset, arrNeeds(1, arrUnique(false))},
	{"UniqueWithCounts", MinOpset, arrNeeds(1, arrUnique(true))},
	{"InvertPermutation", MinOpset, arrNeeds(1, arrInvertPermutation)},
	{"DynamicStitch", MinOpset, arrDynamicStitch},
	{"ParallelDynamicStitch", MinOpset, arrDynamicStitch},
	{"DynamicPartition", MinOpset, arrNeeds(2, arrDynamicPartition)},
	{"Bincount", MinOpset, arrNeeds(3, arrBincount)},
	{"DenseBincount", MinOpset, arrNeeds(3, arrBincount)},
	{"SparseToDense", MinOpset, arrNeeds(4, arrSparseToDense)},
	{"SoftmaxCrossEntropyWithLogits", MinOpset, arrNeeds(2, arrSoftmaxXent(false))},
	{"SparseSoftmaxCrossEntropyWithLogits", MinOpset, arrNeeds(2, arrSoftmaxXent(true))},
	{"AdjustContrastv2", MinOpset, arrNeeds(2, arrAdjustContrast)},
	{"StringToNumber", MinOpset, arrNeeds(1, arrStringToNumber)},
	{"AsString", MinOpset, arrNeeds(1, arrAsString)},
}

// arrUnique: ONNX Unique unsorted keeps the order of first occurrence, as
// TF's does; its inverse indices are TF's idx. onnxruntime's kernel takes
// float, int8 and int64 (other types go through one of those).
func arrUnique(counts bool) Handler {
	return func(c *Ctx) error {
		x := c.In(0)
		dt := c.DType(x)
		work := dt
		switch dt {
		case graph.Float, graph.Int64, graph.Int8, graph.String:
		case graph.Int32, graph.Int16, graph.Uint8, graph.Uint16, graph.Uint32:
			work = graph.Int64
		case graph.Double, graph.Float16:
			work = graph.Float
			if dt == graph.Double {
				return c.Errorf("Unique of float64 is not supported")
			}
		default:
			return c.Errorf("Unique of %v is not supported", dt)
		}
		if c.Rank(x) != 1 {
			return c.Errorf("Unique needs a 1-D input")
		}
		outs := c.OpN("Unique", 4, Attrs{"sorted": int64(0)}, mathCastTo(c, x, work))
		mathCastOut(c, 0, outs[0], dt)
		it := c.Node.TypeOr("out_idx", graph.Int32)
		mathCastOut(c, 1, outs[2], it)
		if counts {
			mathCastOut(c, 2, outs[3], it)
		}
		return nil
	}
}

// arrInvertPermutation writes i at position x[i].
func arrInvertPermutation(c *Ctx) error {
	x := c.In(0)
	dt := c.DType(x)
	n := c.Op("Squeeze", nil, arrDim(c, x, 0), c.Int64s(0))
	zero, one := c.AddConst(graph.ScalarInt64(0)), c.AddConst(graph.ScalarInt64(1))
	r := mathCastTo(c, c.Op("Range", nil, zero, n, one), dt)
	c.OpTo(c.Out(0), "ScatterElements", Attrs{"axis": int64(0)}, x, x, r)
	return nil
}

// arrDynamicStitch(indices..., data...): every data row goes to the row
// its index names; rows are written in input order, so a later index wins
// (as in TF). The output has max(index)+1 rows.
func arrDynamicStitch(c *Ctx) error {
	n := c.NumIn() / 2
	if n == 0 || c.NumIn()%2 != 0 {
		return c.Errorf("needs pairs of indices and data, has %d inputs", c.NumIn())
	}
	var idxs, rows []string
	rest := ""
	for i := range n {
		idx, data := c.In(i), c.In(n+i)
		k := c.Rank(idx)
		if k < 0 {
			return c.Errorf("the rank of indices %d is unknown", i)
		}
		shape := c.Op("Shape", nil, data)
		tail := c.Op("Slice", nil, shape, c.Int64s(int64(k)), c.Int64s(arrInt64Max))
		if rest == "" {
			rest = tail
		}
		idxs = append(idxs, c.Op("Reshape", nil, arrInt64(c, idx), c.Int64s(-1)))
		rows = append(rows, c.Op("Reshape", nil, data, c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(-1), tail)))
	}
	all, allRows := idxs[0], rows[0]
	if n > 1 {
		all = c.Op("Concat", Attrs{"axis": int64(0)}, idxs...)
		allRows = c.Op("Concat", Attrs{"axis": int64(0)}, rows...)
	}
	size := c.Op("Add", nil, c.Op("ReduceMax", Attrs{"keepdims": int64(1)}, all), c.Int64s(1))
	dt := c.DType(c.In(n))
	zeros := c.Op("ConstantOfShape", Attrs{"value": arrZeroOf(dt)}, c.Op("Concat", Attrs{"axis": int64(0)}, size, rest))
	c.OpTo(c.Out(0), "ScatterND", nil, zeros, c.Op("Unsqueeze", nil, all, c.Int64s(-1)), allRows)
	return nil
}

// arrZeroOf is a one-element zero of dt, for ConstantOfShape.
func arrZeroOf(dt graph.DType) *graph.Tensor {
	if dt.IsFloat() {
		return graph.NewTensor(dt, []int64{1}, []float64{0})
	}
	return graph.NewIntTensor(dt, []int64{1}, []int64{0})
}

// arrDynamicPartition: output i holds the rows whose partition is i, in
// order (Compress along the flattened partition dims).
func arrDynamicPartition(c *Ctx) error {
	data, parts := c.In(0), c.In(1)
	k := c.Rank(parts)
	if k < 0 {
		return c.Errorf("the rank of partitions is unknown")
	}
	num := c.Node.Int("num_partitions", -1)
	if num < 1 {
		return c.Errorf("num_partitions is missing")
	}
	p := c.Op("Reshape", nil, arrInt64(c, parts), c.Int64s(-1))
	if k != 1 {
		tail := c.Op("Slice", nil, c.Op("Shape", nil, data), c.Int64s(int64(k)), c.Int64s(arrInt64Max))
		data = c.Op("Reshape", nil, data, c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(-1), tail))
	}
	for i := range num {
		sel := c.Op("Equal", nil, p, c.AddConst(graph.ScalarInt64(i)))
		c.OpTo(c.Out(int(i)), "Compress", Attrs{"axis": int64(0)}, data, sel)
	}
	return nil
}

// arrBincount counts (or sums weights of) each value in [0, size) over the
// last axis: a [..., N, size] match mask reduced over N. Bincount and
// DenseBincount with empty weights count; binary_output gives 1 for any.
func arrBincount(c *Ctx) error {
	x, size, w := c.In(0), c.In(1), c.In(2)
	dt := c.Node.Type("T")
	if dt == graph.Undefined {
		dt = c.DType(w)
	}
	bins := c.Op("Range", nil, c.AddConst(graph.ScalarInt64(0)), c.Op("Reshape", nil, arrInt64(c, size), c.Int64s()), c.AddConst(graph.ScalarInt64(1)))
	mask := c.Op("Equal", nil, c.Op("Unsqueeze", nil, arrInt64(c, x), c.Int64s(-1)), bins)
	weighted := true
	if t := c.Const(w); t != nil && t.NumElements() == 0 {
		weighted = false
	}
	if c.Node.Bool("binary_output", false) {
		weighted = false
	}
	var vals string
	if weighted {
		zero := c.AddConst(matrixZero(dt))
		vals = mathWhere(c, "", mask, c.Op("Unsqueeze", nil, w, c.Int64s(-1)), zero)
	} else {
		vals = c.Op("Cast", Attrs{"to": int64(dt)}, mask)
	}
	sum := c.Op("ReduceSum", Attrs{"keepdims": int64(0)}, vals, c.Int64s(-2))
	if c.Node.Bool("binary_output", false) {
		c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dt)}, c.Op("Greater", nil, sum, c.AddConst(matrixZero(dt))))
		return nil
	}
	c.Alias(c.Out(0), sum)
	return nil
}

// arrSparseToDense(indices, output_shape, values, default): the default
// everywhere, the values scattered at the indices (a scalar value goes to
// every index).
func arrSparseToDense(c *Ctx) error {
	idx, shape, vals, def := arrInt64(c, c.In(0)), arrInt64(c, c.In(1)), c.In(2), c.In(3)
	switch c.Rank(idx) {
	case 0:
		idx = c.Op("Reshape", nil, idx, c.Int64s(1, 1))
	case 1:
		idx = c.Op("Unsqueeze", nil, idx, c.Int64s(-1))
	}
	shape = mathVec1D(c, shape)
	dense := c.Op("Expand", nil, def, shape)
	n := c.Op("Slice", nil, c.Op("Shape", nil, idx), c.Int64s(0), c.Int64s(1))
	vals = c.Op("Expand", nil, vals, n)
	c.OpTo(c.Out(0), "ScatterND", nil, dense, idx, vals)
	return nil
}

// arrSoftmaxXent: loss = −Σ labels·log_softmax(logits) over the classes;
// backprop = softmax(logits) − labels. The sparse form's labels are class
// indices, made one-hot.
func arrSoftmaxXent(sparse bool) Handler {
	return func(c *Ctx) error {
		logits, labels := c.In(0), c.In(1)
		dt := c.DType(logits)
		if sparse {
			classes := c.Op("Squeeze", nil, arrDim(c, logits, -1), c.Int64s(0))
			r := c.Op("Range", nil, c.AddConst(graph.ScalarInt64(0)), classes, c.AddConst(graph.ScalarInt64(1)))
			labels = c.Op("Cast", Attrs{"to": int64(dt)}, c.Op("Equal", nil, c.Op("Unsqueeze", nil, arrInt64(c, labels), c.Int64s(-1)), r))
		}
		ls := c.Op("LogSoftmax", Attrs{"axis": int64(-1)}, logits)
		s := c.Op("ReduceSum", Attrs{"keepdims": int64(0)}, c.Op("Mul", nil, labels, ls), c.Int64s(-1))
		c.OpTo(c.Out(0), "Neg", nil, s)
		c.OpTo(c.Out(1), "Sub", nil, c.Op("Softmax", Attrs{"axis": int64(-1)}, logits), labels)
		return nil
	}
}

// arrAdjustContrast: (x − mean)·factor + mean, the mean per channel over
// the image's height and width.
func arrAdjustContrast(c *Ctx) error {
	x, f := c.In(0), c.In(1)
	attrs := Attrs{"keepdims": int64(1)}
	var mean string
	if c.Opset >= 18 {
		mean = c.Op("ReduceMean", attrs, x, c.Int64s(-3, -2))
	} else {
		attrs["axes"] = []int64{-3, -2}
		mean = c.Op("ReduceMean", attrs, x)
	}
	f = mathCastTo(c, f, c.DType(x))
	c.OpTo(c.Out(0), "Add", nil, c.Op("Mul", nil, c.Op("Sub", nil, x, mean), f), mean)
	return nil
}

// arrStringToNumber parses decimal strings (ONNX Cast from string).
func arrStringToNumber(c *Ctx) error {
	dt := c.Node.TypeOr("out_type", graph.Float)
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dt)}, c.In(0))
	return nil
}

// arrAsString prints integers (ONNX Cast to string gives TF's digits for
// them) and bools ("true"/"false"). Floats print TF's "%f" digits (asstring.go): Cast
// gives the shortest form instead.
func arrAsString(c *Ctx) error {
	dt := c.DType(c.In(0))
	if dt.IsFloat() {
		return asStringFloat(c)
	}
	if !dt.IsInt() && dt != graph.Bool {
		return c.Errorf("AsString of %v is not supported", dt)
	}
	if fill, width, err := asStringFlags(c); err != nil {
		return err
	} else if width > 0 || fill == "+" || fill == " " {
		if dt == graph.Bool || dt == graph.Uint64 {
			return c.Errorf("AsString of %v with width or fill is not supported", dt)
		}
		if c.Opset < 20 {
			return c.Errorf("AsString with width or fill needs --opset 20 or higher (StringConcat)")
		}
		return asStringIntPadded(c, fill, width)
	}
	if dt == graph.Bool {
		// TF prints "true"/"false"; Cast to string gives "1"/"0".
		str := func(s string) string {
			return c.AddConst(&graph.Tensor{DType: graph.String, Strings: [][]byte{[]byte(s)}})
		}
		c.OpTo(c.Out(0), "Where", nil, c.In(0), str("true"), str("false"))
		return nil
	}
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(graph.String)}, c.In(0))
	return nil
}
