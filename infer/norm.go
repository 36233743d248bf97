package infer

import "github.com/tf2onnx-go/tf2onnx/graph"

// inferBatchNorm: Y mirrors X; the optional statistics outputs (running
// mean and variance since opset 14, also saved mean and variance before)
// are per-channel vectors.
func inferBatchNorm(c *ctx) error {
	x := c.shape(0)
	c.set(0, c.dtype(0), x)
	ch := graph.Unk()
	if x.Known && len(x.Dims) >= 2 {
		ch = x.Dims[1]
	}
	for i := 1; i < 5; i++ {
		if s := c.shape(i); s.Known && len(s.Dims) == 1 {
			d, ok := unifyDim(ch, s.Dims[0])
			if !ok {
				return c.errf("input %d %v does not match the channels of %v", i, s, x)
			}
			ch = d
		}
	}
	stat := c.dtype(3)
	if stat == graph.Undefined {
		stat = c.dtype(0)
	}
	for i := 1; i < len(c.n.Outputs); i++ {
		c.set(i, stat, graph.DimsOf(ch))
	}
	return nil
}

// inferLayerNorm: Y mirrors X; Mean and InvStdDev keep the leading dims
// and have 1 for each normalized one, in the stash type.
func inferLayerNorm(c *ctx) error {
	x := c.shape(0)
	c.set(0, c.dtype(0), x)
	stash := c.n.TypeOr("stash_type", graph.Float)
	if !x.Known {
		c.set(1, stash, x)
		c.set(2, stash, x)
		return nil
	}
	axis, ok := normAxis(c.n.Int("axis", -1), len(x.Dims))
	if !ok {
		return c.errf("axis %d out of range for %v", c.n.Int("axis", -1), x)
	}
	st := x.Clone()
	for i := axis; i < len(st.Dims); i++ {
		st.Dims[i] = graph.D(1)
	}
	c.set(1, stash, st)
	c.set(2, stash, st)
	return nil
}

func inferDropout(c *ctx) error {
	c.set(0, c.dtype(0), c.shape(0))
	c.set(1, graph.Bool, c.shape(0))
	return nil
}
