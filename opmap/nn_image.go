package opmap

import (
	"github.com/tf2onnx-go/tf2onnx/graph"
)

// imageRules: detection post-processing (non-max suppression, crops) and
// pooling with argmax.
var imageRules = []Rule{
	{"MaxPoolWithArgmax", MinOpset, arrNeeds(1, imgMaxPoolArgmax)},
	{"NonMaxSuppression", MinOpset, arrNeeds(3, imgNMS(1))},
	{"NonMaxSuppressionV2", MinOpset, arrNeeds(4, imgNMS(2))},
	{"NonMaxSuppressionV3", MinOpset, arrNeeds(5, imgNMS(3))},
	{"NonMaxSuppressionV4", MinOpset, arrNeeds(5, imgNMS(4))},
	{"NonMaxSuppressionV5", MinOpset, arrNeeds(6, imgNMS(5))},
	{"CropAndResize", MinOpset, arrNeeds(4, imgCropAndResize)},
	{"ResizeBicubic", MinOpset, arrNeeds(2, nnResizeBicubic)},
	{"ExtractImagePatches", MinOpset, arrNeeds(1, imgExtractPatches)},
	{"CombinedNonMaxSuppression", MinOpset, arrNeeds(6, imgCombinedNMS)},
	{"ResizeArea", MinOpset, arrNeeds(2, nnResizeArea)},
	{"AdjustHue", MinOpset, arrNeeds(2, imgAdjustHue)},
	{"AdjustSaturation", MinOpset, arrNeeds(2, imgAdjustSaturation)},
	{"SampleDistortedBoundingBox", MinOpset, arrNeeds(2, imgSampleDistortedBBox)},
	{"SampleDistortedBoundingBoxV2", MinOpset, arrNeeds(3, imgSampleDistortedBBox)},
}

// imgMaxPoolArgmax is MaxPool (NHWC) whose second output is TF's argmax:
// the flat NHWC index ((y·W + x)·C + c), plus b·H·W·C with
// include_batch_in_index. ONNX's Indices are flat NCHW indices, from
// which the y·W + x part is the remainder by H·W.
func imgMaxPoolArgmax(c *Ctx) error {
	x := c.In(0)
	dt := c.DType(x)
	if !nnIsFloat(dt) {
		return c.Errorf("%v max pooling with argmax is not supported", dt)
	}
	ksize, strides := c.Node.Ints("ksize"), c.Node.Ints("strides")
	k, err := nnSpatialList(ksize, "ksize", 4, false)
	if err != nil {
		return err
	}
	s, err := nnSpatialList(strides, "strides", 4, false)
	if err != nil {
		return err
	}
	attrs, err := nnPadAttrs(c.Node, nnSpatialDims(c.Shape(x), 4, false), k, s, []int64{1, 1}, 4, false)
	if err != nil {
		return err
	}
	attrs["kernel_shape"] = k
	attrs["strides"] = s
	xt := nnToCF(c, x, 4)
	outs := c.OpN("MaxPool", 2, attrs, xt)
	nnFinish(c, 0, outs[0], 4, false)
	shape := c.Op("Shape", nil, xt) // N, C, H, W
	dim := func(i int64) string {
		return c.Op("Slice", nil, shape, c.Int64s(i), c.Int64s(i+1))
	}
	n, ch, h, w := dim(0), dim(1), dim(2), dim(3)
	hw := c.Op("Mul", nil, h, w)
	pos := c.Op("Mod", Attrs{"fmod": int64(0)}, outs[1], hw)
	zero, one := c.AddConst(graph.ScalarInt64(0)), c.AddConst(graph.ScalarInt64(1))
	chIdx := c.Op("Range", nil, zero, c.Op("Squeeze", nil, ch, c.Int64s(0)), one)
	chIdx = c.Op("Unsqueeze", nil, chIdx, c.Int64s(1, 2)) // [C, 1, 1]
	idx := c.Op("Add", nil, c.Op("Mul", nil, pos, ch), chIdx)
	if c.Node.Bool("include_batch_in_index", false) {
		b := c.Op("Range", nil, zero, c.Op("Squeeze", nil, n, c.Int64s(0)), one)
		b = c.Op("Unsqueeze", nil, b, c.Int64s(1, 2, 3)) // [N, 1, 1, 1]
		idx = c.Op("Add", nil, idx, c.Op("Mul", nil, b, c.Op("Mul", nil, hw, ch)))
	}
	idx = c.Op("Transpose", Attrs{"perm": nnPermFromCF(4)}, idx)
	dtArg := c.Node.TypeOr("Targmax", graph.Int64)
	mathCastOut(c, 1, idx, dtArg)
	return nil
}

// nnPermFromCF takes channels-first data back to channels-last.
func nnPermFromCF(rank int) []int64 {
	p := []int64{0}
	for i := 2; i < rank; i++ {
		p = append(p, int64(i))
	}
	return append(p, 1)
}

// imgNMS: ONNX NonMaxSuppression over one batch and one class gives the
// kept box indices in TF's order (score descending; ties by index), with
// the same strict comparisons (IoU > threshold suppresses, score >
// threshold keeps) and the same corner box format. V4 pads the indices
// to max_output_size when asked and counts the valid ones; V5 also
// returns their scores (hard NMS only: soft_nms_sigma must be 0).
func imgNMS(version int) Handler {
	return func(c *Ctx) error {
		boxes, scores, maxOut := c.In(0), c.In(1), c.In(2)
		if version == 5 {
			if sig := c.Const(c.In(5)); sig == nil || sig.NumElements() != 1 || sig.Float64s()[0] != 0 {
				return c.Errorf("soft NMS (soft_nms_sigma ≠ 0) has no ONNX form")
			}
		}
		var iou string
		if version == 1 {
			iou = c.Scalar(graph.Float, float64(c.Node.Float("iou_threshold", 0.5)))
		} else {
			iou = mathCastTo(c, c.In(3), graph.Float)
		}
		inputs := []string{
			c.Op("Unsqueeze", nil, mathCastTo(c, boxes, graph.Float), c.Int64s(0)),
			c.Op("Unsqueeze", nil, mathCastTo(c, scores, graph.Float), c.Int64s(0, 1)),
			c.Op("Reshape", nil, mathCastTo(c, maxOut, graph.Int64), c.Int64s(1)),
			c.Op("Reshape", nil, iou, c.Int64s(1)),
		}
		if version >= 3 {
			inputs = append(inputs, c.Op("Reshape", nil, mathCastTo(c, c.In(4), graph.Float), c.Int64s(1)))
		}
		sel := c.Op("NonMaxSuppression", nil, inputs...)
		idx := c.Op("Squeeze", nil, c.Op("Slice", nil, sel, c.Int64s(2), c.Int64s(3), c.Int64s(1)), c.Int64s(1))
		count := c.Op("Shape", nil, idx) // [1]
		pad := (version == 4 || version == 5) && c.Node.Bool("pad_to_max_output_size", false)
		out := idx
		if pad {
			missing := c.Op("Sub", nil, c.Op("Reshape", nil, mathCastTo(c, maxOut, graph.Int64), c.Int64s(1)), count)
			out = c.Op("Pad", Attrs{"mode": "constant"}, idx, c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(0), missing))
		}
		c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(graph.Int32)}, out)
		switch version {
		case 4:
			c.OpTo(c.Out(1), "Cast", Attrs{"to": int64(graph.Int32)}, c.Op("Squeeze", nil, count, c.Int64s(0)))
		case 5:
			sc := c.Op("Gather", Attrs{"axis": int64(0)}, scores, idx)
			if pad {
				missing := c.Op("Sub", nil, c.Op("Reshape", nil, mathCastTo(c, maxOut, graph.Int64), c.Int64s(1)), count)
				sc = c.Op("Pad", Attrs{"mode": "constant"}, sc, c.Op("Concat", Attrs{"axis": int64(0)}, c.Int64s(0), missing))
			}
			c.Alias(c.Out(1), sc)
			c.OpTo(c.Out(2), "Cast", Attrs{"to": int64(graph.Int32)}, c.Op("Squeeze", nil, count, c.Int64s(0)))
		}
		return nil
	}
}

// imgCropAndResize samples each box (normalized y1, x1, y2, x2 of image
// box_ind[b]) on a crop_h × crop_w grid, TF's way: point i of n lies at
// y1·(H−1) + i·(y2−y1)·(H−1)/(n−1) (the box centre when n = 1); points
// outside the image take extrapolation_value; bilinear interpolation
// between the floor and ceil neighbours, or the nearest (rounded half up).
// The neighbours are GatherND reads of [B, h, w, C] cells.
func imgCropAndResize(c *Ctx) error {
	img, boxes, boxInd, size := c.In(0), c.In(1), c.In(2), c.In(3)
	method := c.Node.Str("method", "bilinear")
	if method != "bilinear" && method != "nearest" {
		return c.Errorf("method %q is not supported", method)
	}
	f := graph.Float
	img = mathCastTo(c, img, f)
	boxes = mathCastTo(c, boxes, f)
	extra := c.Scalar(f, float64(c.Node.Float("extrapolation_value", 0)))
	shape := c.Op("Shape", nil, img)
	dimF := func(i int64) string { // [1] float
		return c.Op("Cast", Attrs{"to": int64(f)}, c.Op("Slice", nil, shape, c.Int64s(i), c.Int64s(i+1)))
	}
	hMax := c.Op("Sub", nil, dimF(1), c.Scalar(f, 1))
	wMax := c.Op("Sub", nil, dimF(2), c.Scalar(f, 1))
	sz := mathCastTo(c, size, graph.Int64)
	col := func(i int64) string { // [B, 1]
		return c.Op("Slice", nil, boxes, c.Int64s(i), c.Int64s(i+1), c.Int64s(1))
	}
	// coords gives the sample positions [B, n] along one axis.
	coords := func(lo, hi, maxV string, k int64) string {
		n := c.Op("Slice", nil, sz, c.Int64s(k), c.Int64s(k+1)) // [1]
		steps := c.Op("Range", nil, c.Scalar(f, 0), c.Op("Squeeze", nil, c.Op("Cast", Attrs{"to": int64(f)}, n), c.Int64s(0)), c.Scalar(f, 1))
		nm1 := c.Op("Max", nil, c.Op("Sub", nil, c.Op("Cast", Attrs{"to": int64(f)}, n), c.Scalar(f, 1)), c.Scalar(f, 1))
		scale := c.Op("Div", nil, c.Op("Mul", nil, c.Op("Sub", nil, hi, lo), maxV), nm1) // [B, 1]
		grid := c.Op("Add", nil, c.Op("Mul", nil, lo, maxV), c.Op("Mul", nil, c.Op("Unsqueeze", nil, steps, c.Int64s(0)), scale))
		centre := c.Op("Mul", nil, c.Op("Mul", nil, c.Op("Add", nil, lo, hi), c.Scalar(f, 0.5)), maxV)
		one := c.Op("Equal", nil, n, c.AddConst(graph.Int64Tensor(1)))
		return c.Op("Where", nil, one, centre, grid)
	}
	ys := coords(col(0), col(2), hMax, 0) // [B, h]
	xs := coords(col(1), col(3), wMax, 1) // [B, w]
	zero := c.Scalar(f, 0)
	validY := c.Op("And", nil, c.Op("GreaterOrEqual", nil, ys, zero), c.Op("LessOrEqual", nil, ys, hMax))
	validX := c.Op("And", nil, c.Op("GreaterOrEqual", nil, xs, zero), c.Op("LessOrEqual", nil, xs, wMax))
	valid := c.Op("And", nil, c.Op("Unsqueeze", nil, validY, c.Int64s(2)), c.Op("Unsqueeze", nil, validX, c.Int64s(1))) // [B, h, w]
	bIdx := c.Op("Cast", Attrs{"to": int64(graph.Int64)}, boxInd)
	// read gathers img[b, y, x, :] for integer grids y [B, h], x [B, w],
	// clamped into the image (invalid points are replaced afterwards).
	read := func(y, x string) string {
		yi := c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.Op("Min", nil, c.Op("Max", nil, y, zero), hMax))
		xi := c.Op("Cast", Attrs{"to": int64(graph.Int64)}, c.Op("Min", nil, c.Op("Max", nil, x, zero), wMax))
		grid := c.Op("Add", nil, c.Op("Unsqueeze", nil, yi, c.Int64s(2)), c.Op("Mul", nil, c.Op("Unsqueeze", nil, xi, c.Int64s(1)), c.AddConst(graph.ScalarInt64(0))))
		bb := c.Op("Add", nil, c.Op("Unsqueeze", nil, bIdx, c.Int64s(1, 2)), c.Op("Mul", nil, grid, c.AddConst(graph.ScalarInt64(0))))
		xx := c.Op("Add", nil, c.Op("Unsqueeze", nil, xi, c.Int64s(1)), c.Op("Mul", nil, grid, c.AddConst(graph.ScalarInt64(0))))
		last := c.Int64s(-1)
		ind := c.Op("Concat", Attrs{"axis": int64(-1)}, c.Op("Unsqueeze", nil, bb, last), c.Op("Unsqueeze", nil, grid, last), c.Op("Unsqueeze", nil, xx, last))
		return c.Op("GatherND", nil, img, ind) // [B, h, w, C]
	}
	var out string
	if method == "nearest" {
		half := c.Scalar(f, 0.5)
		out = read(c.Op("Floor", nil, c.Op("Add", nil, ys, half)), c.Op("Floor", nil, c.Op("Add", nil, xs, half)))
	} else {
		y0, y1 := c.Op("Floor", nil, ys), c.Op("Ceil", nil, ys)
		x0, x1 := c.Op("Floor", nil, xs), c.Op("Ceil", nil, xs)
		yl := c.Op("Unsqueeze", nil, c.Op("Sub", nil, ys, y0), c.Int64s(2, 3)) // [B, h, 1, 1]
		xl := c.Op("Unsqueeze", nil, c.Op("Sub", nil, xs, x0), c.Int64s(1, 3)) // [B, 1, w, 1]
		tl, tr, bl, br := read(y0, x0), read(y0, x1), read(y1, x0), read(y1, x1)
		top := c.Op("Add", nil, tl, c.Op("Mul", nil, c.Op("Sub", nil, tr, tl), xl))
		bottom := c.Op("Add", nil, bl, c.Op("Mul", nil, c.Op("Sub", nil, br, bl), xl))
		out = c.Op("Add", nil, top, c.Op("Mul", nil, c.Op("Sub", nil, bottom, top), yl))
	}
	c.OpTo(c.Out(0), "Where", nil, c.Op("Unsqueeze", nil, valid, c.Int64s(3)), out, extra)
	return nil
}

// imgExtractPatches is a Conv whose kernel copies each tap: output channel
// (i·kw + j)·C + c reads input channel c at tap (i, j) with weight 1 (TF's
// patch order), with the rates as dilations. Adding the zero products of
// the other taps is exact. Needs the channel count and float data.
func imgExtractPatches(c *Ctx) error {
	x := c.In(0)
	dt := c.DType(x)
	if dt != graph.Float && dt != graph.Double && dt != graph.Float16 {
		return c.Errorf("ExtractImagePatches of %v is not supported", dt)
	}
	sh := c.Shape(x)
	if sh.Rank() != 4 || !sh.Dims[3].Known() {
		return c.Errorf("ExtractImagePatches needs NHWC images with a known channel count")
	}
	ch := sh.Dims[3].Size
	k, err := nnSpatialList(c.Node.Ints("ksizes"), "ksizes", 4, false)
	if err != nil {
		return err
	}
	s, err := nnSpatialList(c.Node.Ints("strides"), "strides", 4, false)
	if err != nil {
		return err
	}
	d, err := nnSpatialList(c.Node.Ints("rates"), "rates", 4, false)
	if err != nil {
		return err
	}
	kh, kw := k[0], k[1]
	out := kh * kw * ch
	w := make([]float64, out*ch*kh*kw)
	for i := range kh {
		for j := range kw {
			for cc := range ch {
				o := (i*kw+j)*ch + cc
				w[((o*ch+cc)*kh+i)*kw+j] = 1
			}
		}
	}
	attrs := Attrs{"kernel_shape": k, "strides": s, "dilations": d}
	switch p := c.Node.Str("padding", "VALID"); p {
	case "SAME":
		// Explicit pads: onnxruntime refuses auto_pad with dilations.
		in := nnSpatialDims(sh, 4, false)
		pads := make([]int64, 4)
		for a := range 2 {
			b, e, ok := nnSamePad(in[a], k[a], s[a], d[a])
			if !ok {
				return c.Errorf("SAME padding needs the image height and width")
			}
			pads[a], pads[2+a] = b, e
		}
		attrs["pads"] = pads
	case "VALID":
	default:
		return c.Errorf("padding %q is not supported", p)
	}
	kernel := c.AddConst(graph.NewTensor(dt, []int64{out, ch, kh, kw}, w))
	y := c.Op("Conv", attrs, nnToCF(c, x, 4), kernel)
	nnFinish(c, 0, y, 4, false)
	return nil
}

// imgRGB casts [..., 3] colour data to float32 and splits the channels
// ([..., 1] each); TF's colour kernels compute in float32.
func imgRGB(c *Ctx, x string) (r, g, b string, err error) {
	if s := c.Shape(x); s.Rank() >= 0 && (s.Rank() == 0 || s.Dims[s.Rank()-1].Known() && s.Dims[s.Rank()-1].Size != 3) {
		return "", "", "", c.Errorf("%s needs RGB data (last dim 3), got %v", c.Node.Op, s)
	}
	x = mathCastTo(c, x, graph.Float)
	outs := c.OpN("Split", 3, Attrs{"axis": int64(-1)}, x, c.Int64s(1, 1, 1))
	return outs[0], outs[1], outs[2], nil
}

// imgPick selects, element by element, vals[k] where the float category
// cat equals k, else def (TF's switch over the hue sextant).
func imgPick(c *Ctx, cat string, vals []string, def string) string {
	out := def
	for k := len(vals) - 1; k >= 0; k-- {
		out = c.Op("Where", nil, c.Op("Equal", nil, cat, c.Scalar(graph.Float, float64(k))), vals[k], out)
	}
	return out
}

// imgFinishRGB joins the channels and casts back to the node's dtype.
func imgFinishRGB(c *Ctx, r, g, b string) {
	mathCastOut(c, 0, c.Op("Concat", Attrs{"axis": int64(-1)}, r, g, b), c.DType(c.In(0)))
}

// imgAdjustHue follows TF's kernel: the hue in sextants [0, 6) from the
// channel order (h = sextant + ratio of the middle channel, the ratio
// reversed in odd sextants), shifted by 6·delta and wrapped into [0, 6),
// then the channels rebuilt from max, min and the new middle value
// min + ratio·(max − min). A grey pixel (max = min) stays as it is.
func imgAdjustHue(c *Ctx) error {
	r, g, b, err := imgRGB(c, c.In(0))
	if err != nil {
		return err
	}
	f := graph.Float
	k := func(v float64) string { return c.Scalar(f, v) }
	vmax := c.Op("Max", nil, r, g, b)
	vmin := c.Op("Min", nil, r, g, b)
	chroma := c.Op("Sub", nil, vmax, vmin)
	ratio := func(x, y string) string { return c.Op("Div", nil, c.Op("Sub", nil, x, y), chroma) }
	h := c.Op("Where", nil, c.Op("Equal", nil, r, vmax), ratio(g, b),
		c.Op("Where", nil, c.Op("Equal", nil, g, vmax), c.Op("Add", nil, ratio(b, r), k(2)), c.Op("Add", nil, ratio(r, g), k(4))))
	h = c.Op("Where", nil, c.Op("Greater", nil, chroma, k(0)), h, k(0)) // 0/0 for grey pixels
	h = c.Op("Add", nil, h, c.Op("Mul", nil, mathCastTo(c, c.In(1), f), k(6)))
	h = c.Op("Mod", Attrs{"fmod": int64(1)}, h, k(6))
	h = c.Op("Where", nil, c.Op("Less", nil, h, k(0)), c.Op("Add", nil, h, k(6)), h)
	h = c.Op("Where", nil, c.Op("GreaterOrEqual", nil, h, k(6)), c.Op("Sub", nil, h, k(6)), h)
	sextant := c.Op("Floor", nil, h)
	frac := c.Op("Sub", nil, h, sextant)
	odd := c.Op("Equal", nil, c.Op("Mod", Attrs{"fmod": int64(1)}, sextant, k(2)), k(1))
	frac = c.Op("Where", nil, odd, c.Op("Sub", nil, k(1), frac), frac)
	vmid := c.Op("Add", nil, vmin, c.Op("Mul", nil, frac, chroma))
	imgFinishRGB(c,
		imgPick(c, sextant, []string{vmax, vmid, vmin, vmin, vmid}, vmax),
		imgPick(c, sextant, []string{vmid, vmax, vmax, vmid, vmin}, vmin),
		imgPick(c, sextant, []string{vmin, vmin, vmid, vmax, vmax}, vmid))
	return nil
}

// imgAdjustSaturation follows TF's kernel: RGB → HSV (hue in [0, 1), s = 0
// where max ≤ 0), s·scale clamped to [0, 1], then HSV → RGB by sextant
// (C = s·v, X = C·(1 − |(6h mod 2) − 1|), m = v − C).
func imgAdjustSaturation(c *Ctx) error {
	r, g, b, err := imgRGB(c, c.In(0))
	if err != nil {
		return err
	}
	f := graph.Float
	k := func(v float64) string { return c.Scalar(f, v) }
	v := c.Op("Max", nil, r, g, b)
	rng := c.Op("Sub", nil, v, c.Op("Min", nil, r, g, b))
	s := c.Op("Where", nil, c.Op("Greater", nil, v, k(0)), c.Op("Div", nil, rng, v), k(0))
	norm := c.Op("Reciprocal", nil, c.Op("Mul", nil, rng, k(6)))
	part := func(x, y string) string { return c.Op("Mul", nil, norm, c.Op("Sub", nil, x, y)) }
	h := c.Op("Where", nil, c.Op("Equal", nil, r, v), part(g, b),
		c.Op("Where", nil, c.Op("Equal", nil, g, v), c.Op("Add", nil, part(b, r), k(2.0/6)), c.Op("Add", nil, part(r, g), k(4.0/6))))
	h = c.Op("Where", nil, c.Op("LessOrEqual", nil, rng, k(0)), k(0), h)
	h = c.Op("Where", nil, c.Op("Less", nil, h, k(0)), c.Op("Add", nil, h, k(1)), h)
	s = c.Op("Clip", nil, c.Op("Mul", nil, s, mathCastTo(c, c.In(1), f)), k(0), k(1))
	chroma := c.Op("Mul", nil, s, v)
	m := c.Op("Sub", nil, v, chroma)
	dh := c.Op("Mul", nil, h, k(6))
	sextant := c.Op("Floor", nil, dh)
	x := c.Op("Mul", nil, chroma, c.Op("Sub", nil, k(1),
		c.Op("Abs", nil, c.Op("Sub", nil, c.Op("Mod", Attrs{"fmod": int64(1)}, dh, k(2)), k(1)))))
	zero := k(0)
	add := func(ch string) string { return c.Op("Add", nil, ch, m) }
	// Sextant 6 (h rounded up to 1) is TF's default case: all zero.
	imgFinishRGB(c,
		add(imgPick(c, sextant, []string{chroma, x, zero, zero, x, chroma}, zero)),
		add(imgPick(c, sextant, []string{x, chroma, chroma, x, zero, zero}, zero)),
		add(imgPick(c, sextant, []string{zero, zero, x, chroma, chroma, x}, zero)))
	return nil
}

// imgSampleDistortedBBox maps SampleDistortedBoundingBox(V2) with TF's
// algorithm run on every attempt at once (imgCrops), each checked against
// the bounding boxes (imgCovered). The first good attempt wins, else the
// whole image. ONNX draws other numbers than TF's Philox generator, so the
// crops differ; the constraints they satisfy do not.
func imgSampleDistortedBBox(c *Ctx) error {
	if err := randomOpsetCheck(c); err != nil {
		return err
	}
	attempts := c.Node.Int("max_attempts", 100)
	if attempts <= 0 {
		return c.Errorf("max_attempts must be positive, got %d", attempts)
	}
	useImage := c.Node.Bool("use_image_if_no_bounding_boxes", false)
	if s := c.Shape(c.In(1)); s.Static() && s.NumElements() == 0 && !useImage {
		return c.Errorf("no bounding boxes are given and use_image_if_no_bounding_boxes is false: TensorFlow fails on every run of this node")
	}
	f := graph.Float
	size := mathCastTo(c, c.In(0), f)
	im := imgCrop{c: c, h: c.Op("Slice", nil, size, c.Int64s(0), c.Int64s(1)), w: c.Op("Slice", nil, size, c.Int64s(1), c.Int64s(2))}
	y, x, height, width, ok, err := im.crops(attempts)
	if err != nil {
		return err
	}
	var minCov string
	if c.NumIn() >= 3 {
		minCov = mathCastTo(c, c.In(2), f)
	} else {
		minCov = im.k(float64(c.Node.Float("min_object_covered", 0.1)))
	}
	covered := im.covered(y, x, height, width, minCov, useImage)
	good := c.Op("Cast", Attrs{"to": int64(f)}, im.op("And", ok, covered))
	first := c.Op("ArgMax", Attrs{"axis": int64(0), "keepdims": int64(1)}, good) // [1]
	found := im.op("Greater", imgReduceMax(c, good, 0, true), im.k(0))
	pick := func(v, otherwise string) string {
		return im.op("Where", found, c.Op("Gather", Attrs{"axis": int64(0)}, v, first), otherwise)
	}
	ry, rx, rh, rw := pick(y, im.k(0)), pick(x, im.k(0)), pick(height, im.h), pick(width, im.w)
	dt := c.DType(c.In(0))
	cat := func(vs ...string) string { return c.Op("Concat", Attrs{"axis": int64(0)}, vs...) }
	c.OpTo(c.Out(0), "Cast", Attrs{"to": int64(dt)}, cat(ry, rx, imgZero1(c)))
	c.OpTo(c.Out(1), "Cast", Attrs{"to": int64(dt)}, cat(rh, rw, c.AddConst(graph.NewTensor(f, []int64{1}, []float64{-1}))))
	div := func(a, b string) string { return im.op("Div", a, b) }
	bb := cat(div(ry, im.h), div(rx, im.w), div(im.op("Add", ry, rh), im.h), div(im.op("Add", rx, rw), im.w))
	c.OpTo(c.Out(2), "Reshape", nil, bb, c.Int64s(1, 1, 4))
	return nil
}

// imgCrop emits the sampled-crop arithmetic in float32 (integers are exact
// there); h and w are the image's height and width, [1].
type imgCrop struct {
	c    *Ctx
	h, w string
}

func (im imgCrop) k(v float64) string { return im.c.Scalar(graph.Float, v) }

func (im imgCrop) op(name string, in ...string) string { return im.c.Op(name, nil, in...) }

// crops follows TF's GenerateRandomCrop for every attempt ([A] values):
// an aspect ratio, a height between the rounded heights of the smallest
// and largest allowed area (capped so the width fits), the width
// round(height·ratio), nudged one row up or down when rounding left the
// area outside area_range, and a position. ok is TF's final check.
func (im imgCrop) crops(attempts int64) (y, x, height, width, ok string, err error) {
	c, op, k, f := im.c, im.op, im.k, graph.Float
	ar := imgRange(c.Node.Floats("aspect_ratio_range"), 0.75, 1.33)
	areas := imgRange(c.Node.Floats("area_range"), 0.05, 1)
	u, err := randomValues(c, "RandomUniform", f, c.Int64s(4, attempts), nil)
	if err != nil {
		return "", "", "", "", "", err
	}
	draw := func(i int64) string { // [A] uniform in [0, 1)
		return c.Op("Squeeze", nil, c.Op("Slice", nil, u, c.Int64s(i), c.Int64s(i+1)), c.Int64s(0))
	}
	// below picks an integer uniformly from [0, n) (n ≥ 1).
	below := func(uv, n string) string { return op("Min", op("Floor", op("Mul", uv, n)), op("Sub", n, k(1))) }

	ratio := op("Add", op("Mul", draw(0), k(float64(ar[1]-ar[0]))), k(float64(ar[0])))
	minArea := op("Mul", op("Mul", k(float64(areas[0])), im.w), im.h)
	maxArea := op("Mul", op("Mul", k(float64(areas[1])), im.w), im.h)
	height = op("Round", op("Sqrt", op("Div", minArea, ratio)))
	maxH := op("Round", op("Sqrt", op("Div", maxArea, ratio)))
	// The largest height whose rounded width still fits: TF computes it in
	// float64 as trunc((W + 0.5 − 1e-7)/ratio), one less if that rounds over.
	d := graph.Double
	fit := c.Op("Cast", Attrs{"to": int64(f)}, op("Floor", op("Div",
		op("Add", mathCastTo(c, im.w, d), c.Scalar(d, 0.5-float64(float32(1e-7)))), mathCastTo(c, ratio, d))))
	fit = op("Where", op("Greater", op("Round", op("Mul", fit, ratio)), im.w), op("Sub", fit, k(1)), fit)
	maxH = op("Where", op("Greater", op("Round", op("Mul", maxH, ratio)), im.w), fit, maxH)
	maxH = op("Min", maxH, im.h)
	height = op("Min", height, maxH)
	height = op("Add", height, below(draw(1), op("Add", op("Sub", maxH, height), k(1))))
	widthOf := func(h string) (string, string) {
		w := op("Round", op("Mul", h, ratio))
		return w, op("Mul", w, h)
	}
	width, area := widthOf(height)
	height = op("Where", op("Less", area, minArea), op("Add", height, k(1)), height)
	width, area = widthOf(height)
	height = op("Where", op("Greater", area, maxArea), op("Sub", height, k(1)), height)
	width, area = widthOf(height)
	ok = imgAll(c, op("GreaterOrEqual", area, minArea), op("LessOrEqual", area, maxArea),
		op("LessOrEqual", width, im.w), op("LessOrEqual", height, im.h), op("Greater", width, k(0)), op("Greater", height, k(0)))
	offset := func(uv, room string) string {
		return op("Where", op("Greater", room, k(0)), below(uv, room), k(0))
	}
	return offset(draw(2), op("Sub", im.h, height)), offset(draw(3), op("Sub", im.w, width)), height, width, ok, nil
}

// covered tells, per attempt, whether the crop covers at least minCov of
// one bounding box of at least one pixel (pixel boxes truncated from the
// normalized ones; the whole image counts as the box when none is given
// and useImage).
func (im imgCrop) covered(y, x, height, width, minCov string, useImage bool) string {
	c, op, k, f := im.c, im.op, im.k, graph.Float
	// Pixel boxes [4, M] (y0, x0, y1, x1), the image as one more column
	// that counts only when there are no boxes.
	bx := c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, c.Op("Reshape", nil, mathCastTo(c, c.In(1), f), c.Int64s(-1, 4)))
	scale := c.Op("Concat", Attrs{"axis": int64(0)}, im.h, im.w, im.h, im.w)
	px := op("Floor", op("Mul", bx, c.Op("Unsqueeze", nil, scale, c.Int64s(1))))
	row := func(v string, i int64) string { return c.Op("Slice", nil, v, c.Int64s(i), c.Int64s(i+1)) } // [1, M]
	objArea := op("Mul", op("Sub", row(px, 2), row(px, 0)), op("Sub", row(px, 3), row(px, 1)))
	if useImage {
		none := op("Equal", c.Op("Slice", nil, c.Op("Shape", nil, bx), c.Int64s(1), c.Int64s(2)), c.Int64s(0))
		whole := c.Op("Unsqueeze", nil, c.Op("Concat", Attrs{"axis": int64(0)}, imgZero1(c), imgZero1(c), im.h, im.w), c.Int64s(1))
		px = c.Op("Concat", Attrs{"axis": int64(1)}, px, whole)
		imgArea := op("Where", none, op("Mul", im.h, im.w), k(0))
		objArea = c.Op("Concat", Attrs{"axis": int64(1)}, objArea, c.Op("Unsqueeze", nil, imgArea, c.Int64s(0)))
	}
	col := func(v string) string { return c.Op("Unsqueeze", nil, v, c.Int64s(1)) } // [A, 1]
	y0, x0 := col(y), col(x)
	y1, x1 := op("Add", y0, col(height)), op("Add", x0, col(width))
	dy := op("Sub", op("Min", y1, row(px, 2)), op("Max", y0, row(px, 0)))
	dx := op("Sub", op("Min", x1, row(px, 3)), op("Max", x0, row(px, 1)))
	inter := op("Where", op("And", op("GreaterOrEqual", dy, k(0)), op("GreaterOrEqual", dx, k(0))), op("Mul", dy, dx), k(0))
	hit := op("And", op("GreaterOrEqual", objArea, k(1)), op("GreaterOrEqual", op("Div", inter, objArea), minCov)) // [A, M]
	return op("Greater", imgReduceMax(c, c.Op("Cast", Attrs{"to": int64(f)}, hit), 1, false), k(0))
}

// imgZero1 is a float32 [1] zero (a 1-D piece to concatenate).
func imgZero1(c *Ctx) string {
	return c.AddConst(graph.NewTensor(graph.Float, []int64{1}, []float64{0}))
}

// imgRange is a 2-float attribute, or its default.
func imgRange(v []float32, lo, hi float32) [2]float32 {
	if len(v) == 2 {
		return [2]float32{v[0], v[1]}
	}
	return [2]float32{lo, hi}
}

// imgAll is the elementwise And of the conditions.
func imgAll(c *Ctx, conds ...string) string {
	out := conds[0]
	for _, v := range conds[1:] {
		out = c.Op("And", nil, out, v)
	}
	return out
}

// imgReduceMax reduces one axis (an attribute before opset 18, an input
// after).
func imgReduceMax(c *Ctx, x string, axis int64, keep bool) string {
	a := mathReduceAttrs(c, axis)
	if keep {
		a["keepdims"] = int64(1)
	}
	return c.Op("ReduceMax", a, mathReduceInputs(c, x, axis)...)
}
