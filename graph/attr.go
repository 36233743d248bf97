package graph

// Attribute values are plain Go values: int64, float32, string, bool,
// []int64, []float32, []string, DType, []DType, Shape, []Shape, *Tensor,
// *Graph and Func. The ONNX writer accepts the ONNX kinds among them.

// Func names a function of the TensorFlow function library with its
// attributes (TF2 functional control flow).
type Func struct {
	Name  string
	Attrs map[string]any
}

// Int returns an int attribute, def when absent.
func (n *Node) Int(name string, def int64) int64 {
	switch v := n.Attrs[name].(type) {
	case int64:
		return v
	case bool:
		if v {
			return 1
		}
		return 0
	}
	return def
}

// Float returns a float attribute, def when absent.
func (n *Node) Float(name string, def float32) float32 {
	if v, ok := n.Attrs[name].(float32); ok {
		return v
	}
	return def
}

// Str returns a string attribute, def when absent.
func (n *Node) Str(name, def string) string {
	if v, ok := n.Attrs[name].(string); ok {
		return v
	}
	return def
}

// Bool returns a bool attribute, def when absent.
func (n *Node) Bool(name string, def bool) bool {
	switch v := n.Attrs[name].(type) {
	case bool:
		return v
	case int64:
		return v != 0
	}
	return def
}

// Ints returns an int-list attribute, nil when absent.
func (n *Node) Ints(name string) []int64 {
	v, _ := n.Attrs[name].([]int64)
	return v
}

// Floats returns a float-list attribute, nil when absent.
func (n *Node) Floats(name string) []float32 {
	v, _ := n.Attrs[name].([]float32)
	return v
}

// Type returns a dtype attribute, Undefined when absent. TF attributes
// hold a DType; ONNX ones (`to`, `dtype`) an int, read from a file or set
// by a handler.
func (n *Node) Type(name string) DType {
	switch v := n.Attrs[name].(type) {
	case DType:
		return v
	case int64:
		return DType(v)
	case int:
		return DType(v)
	case int32:
		return DType(v)
	}
	return Undefined
}

// TypeOr returns a dtype attribute, def when absent (TF's attr default).
func (n *Node) TypeOr(name string, def DType) DType {
	if t := n.Type(name); t != Undefined {
		return t
	}
	return def
}

// Types returns a dtype-list attribute.
func (n *Node) Types(name string) []DType {
	v, _ := n.Attrs[name].([]DType)
	return v
}

// ShapeAttr returns a shape attribute and whether it was present.
func (n *Node) ShapeAttr(name string) (Shape, bool) {
	v, ok := n.Attrs[name].(Shape)
	return v, ok
}

// TensorAttr returns a tensor attribute, nil when absent.
func (n *Node) TensorAttr(name string) *Tensor {
	v, _ := n.Attrs[name].(*Tensor)
	return v
}

// FuncAttr returns a function attribute, nil when absent.
func (n *Node) FuncAttr(name string) *Func {
	switch v := n.Attrs[name].(type) {
	case *Func:
		return v
	case Func:
		return &v
	}
	return nil
}
