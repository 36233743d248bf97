package opmap

import (
	"slices"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// tensorListRules: TF2 TensorLists outside the patterns the loop rewrites
// turn into scan outputs and Gathers (lists built in straight-line code,
// lists a loop pushes to, pops from or reads at will). A list of n
// elements of one shape is a tensor [n, element...]: every op below is a
// tensor op on that. Lists whose elements differ in shape (TensorListSplit
// with unequal lengths) cannot be held so and are an error.
var tensorListRules = []Rule{
	{"TensorListFromTensor", MinOpset, passThrough},
	{"TensorListStack", MinOpset, tlStack},
	{"TensorListReserve", MinOpset, tlReserve},
	{"EmptyTensorList", MinOpset, tlReserve},
	{"TensorListGetItem", MinOpset, tlGetItem},
	{"TensorListSetItem", MinOpset, tlSetItem},
	{"TensorListLength", MinOpset, tlLength},
	{"TensorListElementShape", MinOpset, tlElementShape},
	{"TensorListPushBack", MinOpset, tlPushBack},
	{"TensorListPopBack", MinOpset, tlPopBack},
	{"TensorListGather", MinOpset, tlGetItem},
	{"TensorListScatterIntoExistingList", MinOpset, tlScatterInto},
	{"TensorListScatter", MinOpset, tlScatter},
	{"TensorListScatterV2", MinOpset, tlScatter},
	{"TensorListConcatV2", MinOpset, tlConcat},
	{"TensorListSplit", MinOpset, tlSplit},
	{"TensorListResize", MinOpset, tlResize},
}

// tlReserve: a list of num_elements zeros (EmptyTensorList: none) of the
// element shape. An element shape not known here (the rewrite pass could
// not take it from a first item: a loop sets the items) gives n
// placeholders, shape [n], which the first SetItem/PushBack widens to
// [n, item shape...] at run time (tlWiden); a Loop carries the list with
// its shape relaxed.
func tlReserve(c *Ctx) error {
	dt := c.Node.Type("element_dtype")
	if dt == graph.Undefined {
		return c.Errorf("no element_dtype")
	}
	n := c.Int64s(0)
	if c.Node.Op == "TensorListReserve" {
		n = c.Op("Reshape", nil, c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.In(1)), c.Int64s(1))
	}
	shape, ok := c.ConstInts(c.In(0))
	if !ok || slices.Contains(shape, -1) || len(c.Const(c.In(0)).Dims) != 1 {
		shape = nil
	}
	full := c.Op("Concat", Attrs{"axis": int64(0)}, n, c.Int64s(shape...))
	c.OpTo(c.Out(0), "ConstantOfShape", Attrs{"value": graph.NewTensor(dt, []int64{1}, []float64{0})}, full)
	return nil
}

func tlIndex(c *Ctx, v string) string {
	if c.DType(v) != graph.Int64 {
		v = c.Op("Cast", Attrs{"to": int64(graph.Int64)}, v)
	}
	return v
}

// tlWiden gives a list that may still be n placeholders (a reserve of
// unknown element shape, shape [n]) its elements' shape elem (1-D int64):
// [n] becomes zeros [n, elem...]; a list already so is unchanged. A list
// is placeholders when its size is n (elements of size 1 reshape to
// themselves).
func tlWiden(c *Ctx, list, elem string) string {
	n := c.Op("Slice", nil, c.Op("Shape", nil, list), c.Int64s(0), c.Int64s(1))
	bare := c.Op("Equal", nil, c.Op("Reshape", nil, c.Op("Size", nil, list), c.Int64s(1)), n)
	ones := c.Op("ConstantOfShape", Attrs{"value": graph.Int64Tensor(1)}, c.Op("Shape", nil, elem))
	target := c.Op("Where", nil, bare, ones, elem)
	r := c.Op("Reshape", nil, list, c.Op("Concat", Attrs{"axis": int64(0)}, n, target))
	return c.Op("Expand", nil, r, c.Op("Concat", Attrs{"axis": int64(0)}, n, elem))
}

// tlFits reports a list whose static rank is one more than its elements'
// (rank elemRank): no widening needed.
func tlFits(c *Ctx, list string, elemRank int) bool {
	r := c.Rank(list)
	return elemRank >= 0 && r == elemRank+1
}

// tlHinted widens a list by an element_shape input that is constant and
// fully known, when the list's rank does not show it already.
func tlHinted(c *Ctx, list, shapeIn string) string {
	shape, ok := c.ConstInts(shapeIn)
	t := c.Const(shapeIn)
	if !ok || t == nil || len(t.Dims) != 1 || slices.Contains(shape, -1) || tlFits(c, list, len(shape)) {
		return list
	}
	return tlWiden(c, list, c.Int64s(shape...))
}

func tlStack(c *Ctx) error {
	list := c.In(0)
	if c.NumIn() > 1 {
		list = tlHinted(c, list, c.In(1))
	}
	c.OpTo(c.Out(0), "Identity", nil, list)
	return nil
}

// tlGetItem reads one element (a scalar index) or, for TensorListGather,
// several (a vector of indices): both a Gather on axis 0.
func tlGetItem(c *Ctx) error {
	list := c.In(0)
	if c.NumIn() > 2 {
		list = tlHinted(c, list, c.In(2))
	}
	c.OpTo(c.Out(0), "Gather", Attrs{"axis": int64(0)}, list, c.In(1))
	return nil
}

func tlSetItem(c *Ctx) error {
	list := c.In(0)
	if !tlFits(c, list, c.Rank(c.In(2))) {
		list = tlWiden(c, list, c.Op("Shape", nil, c.In(2)))
	}
	idx := c.Op("Reshape", nil, tlIndex(c, c.In(1)), c.Int64s(1, 1))
	if c.Node.Bool("resize_if_index_out_of_bounds", false) {
		// A TensorArray with dynamic_size: setting past the end grows the
		// list to index+1, the new elements unset (zeros when stacked).
		list = tlGrow(c, list, c.Op("Add", nil, c.Op("Reshape", nil, idx, c.Int64s(1)), c.Int64s(1)), c.DType(c.In(2)))
	}
	item := c.Op("Unsqueeze", nil, c.In(2), c.Int64s(0))
	c.OpTo(c.Out(0), "ScatterND", nil, list, idx, item)
	return nil
}

// tlGrow appends zero elements to list [n, elem...] so that it holds at
// least size ([1] int64) elements.
func tlGrow(c *Ctx, list, size string, dt graph.DType) string {
	shape := c.Op("Shape", nil, list)
	more := c.Op("Max", nil, c.Op("Sub", nil, size, c.Op("Slice", nil, shape, c.Int64s(0), c.Int64s(1))), c.Int64s(0))
	zero := &graph.Tensor{DType: graph.String, Strings: [][]byte{{}}}
	if dt != graph.String {
		zero = graph.NewTensor(dt, nil, []float64{0})
	}
	pad := c.Op("Expand", nil, c.AddConst(zero),
		c.Op("Concat", Attrs{"axis": int64(0)}, more, c.Op("Slice", nil, shape, c.Int64s(1), c.Int64s(arrInt64Max))))
	return c.Op("Concat", Attrs{"axis": int64(0)}, list, pad)
}

// tlLength: the number of elements, int32 as TensorFlow gives it.
func tlLength(c *Ctx) error {
	n := c.Op("Gather", Attrs{"axis": int64(0)}, c.Op("Shape", nil, c.In(0)), c.Int64s(0))
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(graph.Int32)}, c.Op("Squeeze", nil, n, c.Int64s(0)))
	return nil
}

func tlElementShape(c *Ctx) error {
	s := c.Op("Slice", nil, c.Op("Shape", nil, c.In(0)), c.Int64s(1), c.Int64s(1<<62))
	to := c.Node.TypeOr("shape_type", graph.Int32)
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(to)}, s)
	return nil
}

func tlPushBack(c *Ctx) error {
	list := c.In(0)
	if !tlFits(c, list, c.Rank(c.In(1))) {
		list = tlWiden(c, list, c.Op("Shape", nil, c.In(1)))
	}
	c.OpTo(c.Out(0), "Concat", Attrs{"axis": int64(0)}, list, c.Op("Unsqueeze", nil, c.In(1), c.Int64s(0)))
	return nil
}

// tlPopBack gives (the list without its last element, the last element).
func tlPopBack(c *Ctx) error {
	c.OpTo(c.Out(0), "Slice", nil, c.In(0), c.Int64s(0), c.Int64s(-1), c.Int64s(0))
	c.OpTo(c.Out(1), "Gather", Attrs{"axis": int64(0)}, c.In(0), c.AddConst(graph.ScalarInt64(-1)))
	return nil
}

func tlScatterInto(c *Ctx) error {
	idx := c.Op("Unsqueeze", nil, tlIndex(c, c.In(2)), c.Int64s(1))
	c.OpTo(c.Out(0), "ScatterND", nil, c.In(0), idx, c.In(1))
	return nil
}

// tlScatter: a new list holding tensor[k] at indices[k], as long as the
// highest index + 1 (V2: or num_elements, if longer); elements never
// written are zeros, as TensorFlow stacks them.
func tlScatter(c *Ctx) error {
	dt := c.Node.Type("element_dtype")
	if dt == graph.Undefined {
		return c.Errorf("no element_dtype")
	}
	idx := tlIndex(c, c.In(1))
	top := c.Op("ReduceMax", Attrs{"keepdims": int64(1)}, c.Op("Concat", Attrs{"axis": int64(0)}, idx, c.Int64s(-1)))
	n := c.Op("Add", nil, top, c.Int64s(1))
	if c.Node.Op == "TensorListScatterV2" {
		n = c.Op("Max", nil, n, c.Op("Reshape", nil, tlIndex(c, c.In(3)), c.Int64s(1)))
	}
	elem := c.Op("Slice", nil, c.Op("Shape", nil, c.In(0)), c.Int64s(1), c.Int64s(1<<62))
	zeros := c.Op("ConstantOfShape", Attrs{"value": graph.NewTensor(dt, []int64{1}, []float64{0})},
		c.Op("Concat", Attrs{"axis": int64(0)}, n, elem))
	c.OpTo(c.Out(0), "ScatterND", nil, zeros, c.Op("Unsqueeze", nil, idx, c.Int64s(1)), c.In(0))
	return nil
}

// tlConcat joins the elements along their first axis; the lengths output
// is each element's first dim (all equal here), int64.
func tlConcat(c *Ctx) error {
	shape := c.Op("Shape", nil, c.In(0))
	rest := c.Op("Slice", nil, shape, c.Int64s(2), c.Int64s(1<<62))
	switch {
	case c.Rank(c.In(0)) == 3:
		// Elements of rank 2 (the common case): Flatten joins the first two
		// axes with no target shape to get wrong for an inner dim of 0.
		c.OpTo(c.Out(0), "Flatten", Attrs{"axis": int64(2)}, c.In(0))
	case c.Opset >= 14:
		// The joined length spelled out, and allowzero: with an inner dim
		// of 0, -1 has no single value and a 0 would mean "copy".
		joined := c.Op("Mul", nil, c.Op("Slice", nil, shape, c.Int64s(0), c.Int64s(1)),
			c.Op("Slice", nil, shape, c.Int64s(1), c.Int64s(2)))
		c.OpTo(c.Out(0), "Reshape", Attrs{"allowzero": int64(1)}, c.In(0), c.Op("Concat", Attrs{"axis": int64(0)}, joined, rest))
	default: // opset 13, elements of rank 3 and more: an inner dim of 0 fails in Reshape
		c.OpTo(c.Out(0), "Reshape", nil, c.In(0), c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(-1), rest))
	}
	if len(c.Node.Outputs) > 1 {
		d := c.Op("Slice", nil, shape, c.Int64s(1), c.Int64s(2))
		c.OpTo(c.Out(1), "Expand", nil, d, c.Op("Slice", nil, shape, c.Int64s(0), c.Int64s(1)))
	}
	return nil
}

// tlSplit: a tensor cut along axis 0 into pieces of the given lengths,
// which must be equal and constant.
func tlSplit(c *Ctx) error {
	lens, ok := c.ConstInts(c.In(2))
	if !ok || len(lens) == 0 {
		return c.Errorf("the lengths must be constant")
	}
	for _, l := range lens {
		if l != lens[0] {
			return c.Errorf("pieces of lengths %v differ: a list of unequal elements has no tensor form", lens)
		}
	}
	rest := c.Op("Slice", nil, c.Op("Shape", nil, c.In(0)), c.Int64s(1), c.Int64s(1<<62))
	c.OpTo(c.Out(0), "Reshape", nil, c.In(0), c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(int64(len(lens)), lens[0]), rest))
	return nil
}

// tlResize keeps the first size elements, or pads with zeros (elements
// never set, which TensorFlow stacks as zeros) up to size.
func tlResize(c *Ctx) error {
	dt := c.DType(c.In(0))
	shape := c.Op("Shape", nil, c.In(0))
	size := c.Op("Reshape", nil, tlIndex(c, c.In(1)), c.Int64s(1))
	extra := c.Op("Max", nil, c.Op("Sub", nil, size, c.Op("Slice", nil, shape, c.Int64s(0), c.Int64s(1))), c.Int64s(0))
	zeros := c.Op("ConstantOfShape", Attrs{"value": graph.NewTensor(dt, []int64{1}, []float64{0})},
		c.Op("Concat", Attrs{"axis": int64(0)}, extra, c.Op("Slice", nil, shape, c.Int64s(1), c.Int64s(1<<62))))
	all := c.Op("Concat", Attrs{"axis": int64(0)}, c.In(0), zeros)
	c.OpTo(c.Out(0), "Slice", nil, all, c.Int64s(0), size, c.Int64s(0))
	return nil
}
