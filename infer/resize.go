package infer

import (
	"math"
	"strconv"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// inferResize covers Resize (X, roi, scales, sizes since opset 11; X,
// scales before) and the deprecated Upsample (X, scales).
func inferResize(c *ctx) error {
	x, dt := c.shape(0), c.dtype(0)
	if !x.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	r := len(x.Dims)
	scalesAt, sizesAt := 2, 3
	if c.n.Op == "Upsample" || c.opset < 11 {
		scalesAt, sizesAt = 1, -1
	}
	axes := make([]int64, r)
	for i := range axes {
		axes[i] = int64(i)
	}
	if a := c.n.Ints("axes"); c.opset >= 18 && a != nil {
		axes = a
	}
	ax, err := c.axesOf(axes, r)
	if err != nil {
		return err
	}
	out := x.Clone()
	// An empty scales tensor stands for "not given" (sizes is used).
	sizes, sizesOK := c.ints(sizesAt)
	sizesGiven := sizesAt > 0 && c.has(sizesAt) && !(sizesOK && len(sizes) == 0)
	var sizeDims []graph.Dim // sizes computed at run time
	if sizesGiven && !sizesOK && sizesAt > 0 {
		sizeDims = c.contents(sizesAt)
	}
	scales, scalesOK := c.floats(scalesAt)
	scalesGiven := c.has(scalesAt) && !(scalesOK && len(scales) == 0)
	switch {
	case sizesGiven && sizesOK:
		if len(sizes) != len(ax) {
			return c.errf("sizes %v do not fit axes %v of %v", sizes, axes, x)
		}
		c.resizeToSizes(out, ax, sizes)
	case sizesGiven && len(sizeDims) == len(ax) && c.resizePolicy() == "stretch":
		for i, a := range ax {
			out.Dims[a] = graph.Unk()
			if d := sizeDims[i]; !isVal(d) || d.Size >= 0 {
				out.Dims[a] = d
			}
		}
	case !sizesGiven && scalesGiven && scalesOK:
		if len(scales) != len(ax) {
			return c.errf("scales %v do not fit axes %v of %v", scales, axes, x)
		}
		for i, a := range ax {
			d := x.Dims[a]
			switch {
			case float32(scales[i]) == 1:
				// Unchanged, whatever the size.
			case d.Known():
				// Runtimes multiply in float32 and truncate.
				out.Dims[a] = graph.D(int64(math.Floor(float64(float32(d.Size) * float32(scales[i])))))
			case d.Name != "":
				out.Dims[a] = c.symFor("scale", d.Name, strconv.FormatUint(uint64(math.Float32bits(float32(scales[i]))), 16))
			default:
				out.Dims[a] = graph.Unk()
			}
		}
	default:
		for _, a := range ax {
			out.Dims[a] = graph.Unk()
		}
	}
	c.set(0, dt, out)
	return nil
}

// resizeToSizes applies sizes, honouring keep_aspect_ratio_policy (opset
// 18): not_larger / not_smaller scale every axis by the smallest / largest
// of the ratios.
func (c *ctx) resizeToSizes(out graph.Shape, ax []int, sizes []int64) {
	policy := c.resizePolicy()
	if policy == "stretch" {
		for i, a := range ax {
			out.Dims[a] = graph.D(sizes[i])
		}
		return
	}
	scale := math.Inf(1)
	if policy == "not_smaller" {
		scale = math.Inf(-1)
	}
	for i, a := range ax {
		d := out.Dims[a]
		if !d.Known() || d.Size == 0 {
			for _, a := range ax {
				out.Dims[a] = graph.Unk()
			}
			return
		}
		s := float64(float32(sizes[i]) / float32(d.Size))
		if policy == "not_smaller" {
			scale = math.Max(scale, s)
		} else {
			scale = math.Min(scale, s)
		}
	}
	for _, a := range ax {
		out.Dims[a] = graph.D(int64(math.Floor(scale*float64(out.Dims[a].Size) + 0.5)))
	}
}

func (c *ctx) resizePolicy() string {
	if c.opset >= 18 {
		return c.n.Str("keep_aspect_ratio_policy", "stretch")
	}
	return "stretch"
}
