package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// gates is the number of stacked gate matrices in W and R per direction.
var gates = map[string]int64{"LSTM": 4, "GRU": 3, "RNN": 1}

// inferRNN covers LSTM, GRU and RNN: Y is [seq, dirs, batch, hidden] and
// Y_h / Y_c are [dirs, batch, hidden]; layout=1 (opset 14) puts batch
// first in all of them.
func inferRNN(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	layout := int64(0)
	if c.opset >= 14 {
		layout = c.n.Int("layout", 0)
	}
	dirs := int64(1)
	if c.n.Str("direction", "forward") == "bidirectional" {
		dirs = 2
	}
	hidden := graph.Unk()
	if h := c.n.Int("hidden_size", 0); h > 0 {
		hidden = graph.D(h)
	} else if r := c.shape(2); r.Known && len(r.Dims) == 3 {
		hidden = r.Dims[2]
	} else if w := c.shape(1); w.Known && len(w.Dims) == 3 {
		hidden = c.divDim(w.Dims[1], gates[c.n.Op])
	}
	if w := c.shape(1); w.Known && len(w.Dims) == 3 {
		if d := w.Dims[0]; d.Known() && d.Size != dirs {
			return c.errf("weights %v are for %d directions, not %d", w, d.Size, dirs)
		}
		if d := w.Dims[1]; d.Known() && hidden.Known() && d.Size != gates[c.n.Op]*hidden.Size {
			return c.errf("weights %v do not hold %d gates of hidden size %d", w, gates[c.n.Op], hidden.Size)
		}
	}
	seq, batch := graph.Unk(), graph.Unk()
	if x.Known {
		if len(x.Dims) != 3 {
			return c.errf("input %v must be 3-D", x)
		}
		seq, batch = x.Dims[0], x.Dims[1]
		if layout != 0 {
			seq, batch = batch, seq
		}
	}
	nd := graph.D(dirs)
	if layout == 0 {
		c.set(0, dt, graph.DimsOf(seq, nd, batch, hidden))
		c.set(1, dt, graph.DimsOf(nd, batch, hidden))
		c.set(2, dt, graph.DimsOf(nd, batch, hidden))
	} else {
		c.set(0, dt, graph.DimsOf(batch, seq, nd, hidden))
		c.set(1, dt, graph.DimsOf(batch, nd, hidden))
		c.set(2, dt, graph.DimsOf(batch, nd, hidden))
	}
	return nil
}
