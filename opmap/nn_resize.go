package opmap

import (
	"fmt"

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
