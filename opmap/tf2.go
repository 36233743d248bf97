package opmap

import "github.com/tf2onnx-go/tf2onnx/graph"

// tf2Rules: ops that TensorFlow 2 graphs bring beside their control flow:
// a TF2 bidirectional RNN with sequence_length reverses its input with
// ReverseSequence. (Keras 3's exact GELU brings Erfc, a math rule.)
var tf2Rules = []Rule{
	{"ReverseSequence", MinOpset, reverseSequence},
}

// reverseSequence: ONNX ReverseSequence takes only the batch and time axes
// 0 and 1 and int64 lengths; other axes go through a transpose that puts
// batch first and time second, and back.
func reverseSequence(c *Ctx) error {
	x, lens := c.In(0), c.In(1)
	seq, batch := c.Node.Int("seq_dim", -1), c.Node.Int("batch_dim", 0)
	r := int64(c.Rank(x))
	if seq < 0 || batch < 0 {
		if r < 0 {
			return c.Errorf("negative seq_dim/batch_dim need the input's rank, which is unknown")
		}
		if seq < 0 {
			seq += r
		}
		if batch < 0 {
			batch += r
		}
	}
	if seq == batch || seq < 0 || batch < 0 {
		return c.Errorf("seq_dim %d and batch_dim %d must be two different axes", seq, batch)
	}
	if c.DType(lens) != graph.Int64 {
		lens = c.Op("Cast", Attrs{"to": int64(graph.Int64)}, lens)
	}
	if seq <= 1 && batch <= 1 {
		c.OpTo(c.Out(0), "ReverseSequence", Attrs{"batch_axis": batch, "time_axis": seq}, x, lens)
		return nil
	}
	if r < 0 {
		return c.Errorf("seq_dim %d / batch_dim %d beyond 1 need the input's rank, which is unknown", seq, batch)
	}
	perm := []int64{batch, seq}
	for i := int64(0); i < r; i++ {
		if i != batch && i != seq {
			perm = append(perm, i)
		}
	}
	inv := make([]int64, r)
	for i, p := range perm {
		inv[p] = int64(i)
	}
	t := c.Op("Transpose", Attrs{"perm": perm}, x)
	rv := c.Op("ReverseSequence", Attrs{"batch_axis": int64(0), "time_axis": int64(1)}, t, lens)
	c.OpTo(c.Out(0), "Transpose", Attrs{"perm": inv}, rv)
	return nil
}
