package opmap

import (
	"fmt"
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// nnResizeModes picks ONNX Resize's mode, coordinate_transformation_mode
// and nearest_mode for TF's ResizeBilinear/ResizeNearestNeighbor flags.
//
// TF nearest computes the source index as round-half-away(out·s) under
// align_corners (so ties go up: round_prefer_ceil, not ONNX's default
// round_prefer_floor), floor((out+0.5)·s) under half_pixel_centers, and
// floor(out·s) otherwise. ONNX dropped tf_half_pixel_for_nn at opset 13;
// floor((x+0.5)·s) is round_prefer_ceil((x+0.5)·s − 0.5), i.e. half_pixel
// with round_prefer_ceil.
func nnResizeModes(nearest, alignCorners, halfPixel bool) (mode, ctm, nearestMode string, err error) {
	if alignCorners && halfPixel {
		return "", "", "", fmt.Errorf("align_corners and half_pixel_centers cannot both be true")
	}
	if nearest {
		switch {
		case alignCorners:
			return "nearest", "align_corners", "round_prefer_ceil", nil
		case halfPixel:
			return "nearest", "half_pixel", "round_prefer_ceil", nil
		default:
			return "nearest", "asymmetric", "floor", nil
		}
	}
	switch {
	case alignCorners:
		return "linear", "align_corners", "", nil
	case halfPixel:
		return "linear", "half_pixel", "", nil
	default:
		return "linear", "asymmetric", "", nil
	}
}

// nnResize maps ResizeBilinear / ResizeNearestNeighbor (NHWC images, a
// 2-element size that may be computed) to Resize on NCHW data.
func nnResize(nearest bool) Handler {
	return func(c *Ctx) error {
		x, size := c.In(0), c.In(1)
		if r := c.Rank(x); r >= 0 && r != 4 {
			return fmt.Errorf("images have rank %d; resizing takes rank-4 NHWC images", r)
		}
		mode, ctm, nm, err := nnResizeModes(nearest, c.Node.Bool("align_corners", false), c.Node.Bool("half_pixel_centers", false))
		if err != nil {
			return err
		}
		attrs := Attrs{"mode": mode, "coordinate_transformation_mode": ctm}
		if nm != "" {
			attrs["nearest_mode"] = nm
		}
		if !nearest {
			// TF's bilinear resize always yields float32.
			x = nnCastTo(c, x, graph.Float)
		}
		nnResizeEmit(c, x, size, attrs)
		return nil
	}
}

// nnResizeBicubic: TF's bicubic resize with half_pixel_centers is Keys'
// cubic (a = −0.5) with the weights of taps outside the image dropped and
// the rest renormalized (ONNX exclude_outside); the legacy kernel uses
// a = −0.75 and repeats the edge pixels.
func nnResizeBicubic(c *Ctx) error {
	x, size := c.In(0), c.In(1)
	if r := c.Rank(x); r >= 0 && r != 4 {
		return fmt.Errorf("images have rank %d; resizing takes rank-4 NHWC images", r)
	}
	align, half := c.Node.Bool("align_corners", false), c.Node.Bool("half_pixel_centers", false)
	attrs := Attrs{"mode": "cubic", "cubic_coeff_a": float32(-0.75), "exclude_outside": int64(0), "coordinate_transformation_mode": "asymmetric"}
	switch {
	case align && half:
		return fmt.Errorf("align_corners and half_pixel_centers cannot both be true")
	case half:
		attrs["cubic_coeff_a"], attrs["exclude_outside"], attrs["coordinate_transformation_mode"] = float32(-0.5), int64(1), "half_pixel"
	case align:
		attrs["coordinate_transformation_mode"] = "align_corners"
	}
	// The images go to Resize as [N·C, 1, H, W]: onnxruntime's layout
	// optimizer would otherwise move the NHWC transposes through the Resize
	// and its cubic kernel refuses scales on other than the last two dims.
	xt := nnToCF(c, nnCastTo(c, x, graph.Float), 4)
	shape := c.Op("Shape", nil, xt)
	hw := nnCastTo(c, size, graph.Int64)
	flat := c.Op("Reshape", nil, xt, c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(-1, 1), c.Op("Slice", nil, shape, c.Int64s(2), c.Int64s(4))))
	lead := c.Op("Slice", nil, c.Op("Shape", nil, flat), c.Int64s(0), c.Int64s(2))
	y := c.Op("Resize", attrs, flat, "", "", c.Op("Concat", Attrs{"axis": int64(0)}, lead, hw))
	back := c.Op("Reshape", nil, y, c.Op("Concat", Attrs{"axis": int64(0)}, c.Op("Slice", nil, shape, c.Int64s(0), c.Int64s(2)), hw))
	nnFinish(c, 0, back, 4, false)
	return nil
}

// nnResizeEmit resizes NHWC x to the 2 sizes given, on NCHW data.
func nnResizeEmit(c *Ctx, x, size string, attrs Attrs) {
	{
		xt := nnToCF(c, x, 4)
		hw := nnCastTo(c, size, graph.Int64)
		// Full 4-D sizes at every opset: with Resize-18's axes attribute,
		// onnxruntime's own transpose optimizer (1.31) rewrites the node
		// into one that reads 4 sizes from the 2 given and fails to load.
		n, ch := nnDimOf(c, x, 0), nnDimOf(c, x, 3)
		var nc string
		if n.V == "" && ch.V == "" {
			nc = c.Int64s(n.N, ch.N)
		} else {
			nc = c.Op("Slice", nil, c.Op("Shape", nil, xt), c.Int64s(0), c.Int64s(2), c.Int64s(0))
		}
		sizes := c.Op("Concat", Attrs{"axis": int64(0)}, nc, hw)
		y := c.Op("Resize", attrs, xt, "", "", sizes)
		nnFinish(c, 0, y, 4, false)
	}
}

// nnResizeArea: TF's area resize averages the input cells each output
// cell covers: with s = in/out ((in−1)/(out−1) under align_corners), output
// cell y spans [y·s, (y+1)·s) and input cell i weighs its overlap with it
// (the last input cell also takes whatever lies past the image, which TF
// reads clamped to the edge). The weights factor by axis, so the result is
// Wy · X · Wxᵀ · 1/(sy·sx) on NCHW data; with static sizes the weight
// matrices fold to constants.
func nnResizeArea(c *Ctx) error {
	x, size := c.In(0), c.In(1)
	if r := c.Rank(x); r >= 0 && r != 4 {
		return fmt.Errorf("images have rank %d; resizing takes rank-4 NHWC images", r)
	}
	f := graph.Float
	align := c.Node.Bool("align_corners", false)
	xt := nnToCF(c, nnCastTo(c, x, f), 4) // [N, C, H, W]
	shape := c.Op("Shape", nil, xt)
	hw := nnCastTo(c, size, graph.Int64)
	one := c.Scalar(f, 1)
	// weights gives the [out, in] matrix of one axis and its scale s.
	weights := func(in, out string) (string, string) {
		inF := c.Op("Cast", Attrs{"to": int64(f)}, c.Op("Squeeze", nil, in, c.Int64s(0)))
		outF := c.Op("Cast", Attrs{"to": int64(f)}, c.Op("Squeeze", nil, out, c.Int64s(0)))
		s := c.Op("Div", nil, inF, outF)
		if align {
			s = c.Op("Where", nil, c.Op("Greater", nil, outF, one),
				c.Op("Div", nil, c.Op("Sub", nil, inF, one), c.Op("Sub", nil, outF, one)), s)
		}
		ys := c.Op("Unsqueeze", nil, c.Op("Range", nil, c.Scalar(f, 0), outF, one), c.Int64s(1)) // [out, 1]
		lo := c.Op("Mul", nil, ys, s)
		hi := c.Op("Mul", nil, c.Op("Add", nil, ys, one), s)
		is := c.Op("Unsqueeze", nil, c.Op("Range", nil, c.Scalar(f, 0), inF, one), c.Int64s(0)) // [1, in]
		top := c.Op("Where", nil, c.Op("Equal", nil, is, c.Op("Sub", nil, inF, one)), c.Scalar(f, math.Inf(1)), c.Op("Add", nil, is, one))
		w := c.Op("Max", nil, c.Op("Sub", nil, c.Op("Min", nil, top, hi), c.Op("Max", nil, is, lo)), c.Scalar(f, 0))
		return w, s
	}
	dim := func(v string, i int64) string { return c.Op("Slice", nil, v, c.Int64s(i), c.Int64s(i+1)) }
	wy, sy := weights(dim(shape, 2), dim(hw, 0))
	wx, sx := weights(dim(shape, 3), dim(hw, 1))
	y := c.Op("MatMul", nil, wy, xt)                                                // [N, C, out_h, W]
	y = c.Op("MatMul", nil, y, c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, wx)) // [N, C, out_h, out_w]
	y = c.Op("Mul", nil, y, c.Op("Reciprocal", nil, c.Op("Mul", nil, sy, sx)))
	nnFinish(c, 0, y, 4, false)
	return nil
}
