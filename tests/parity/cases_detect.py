"""Issue 8, detection and image (second part): CombinedNonMaxSuppression
(shared and per-class boxes, pad_per_class, clip_boxes, thresholds, more
candidates than max_total_size and fewer), tf.image.non_max_suppression_padded
(a TF2 while loop whose condition is a variable only the condition reads),
ResizeArea (up, down, non-integer ratios, align_corners, run-time sizes,
integer images), AdjustHue/AdjustSaturation, and SampleDistortedBoundingBoxV2
(random: shapes and the invariants the crop must satisfy)."""

import numpy as np
import tensorflow as tf

from harness import graph_case, function_case, f32

raw = tf.raw_ops
_R = np.random.RandomState(11)


def _boxes(*shape, seed=0):
    """Random boxes with corners in any order, coordinates in [-0.5, 1.5)."""
    return (np.random.RandomState(seed).random_sample(shape) * 2 - 0.5).astype(np.float32)


def _scores(*shape, seed=0):
    """Distinct scores (TF's sort is unstable on ties)."""
    n = int(np.prod(shape))
    return (np.random.RandomState(seed).permutation(n).reshape(shape) / n).astype(np.float32)


for _pad in (False, True):
    for _clip in (False, True):
        graph_case(f"detect_combined_nms_pad{int(_pad)}_clip{int(_clip)}",
                   {"b": _boxes(4, 10, 1, 4), "s": _scores(4, 10, 3)})(
            lambda b, s, p=_pad, cl=_clip: tf.image.combined_non_max_suppression(
                b, s, max_output_size_per_class=3, max_total_size=7, iou_threshold=0.4, score_threshold=0.2,
                pad_per_class=p, clip_boxes=cl))


@graph_case("detect_combined_nms_per_class_boxes_dynamic", {"b": _boxes(3, 12, 4, 4, seed=1), "s": _scores(3, 12, 4, seed=1),
                                                            "t": np.array(0.3, np.float32)},
            shapes={"b": (None, None, 4, 4), "s": (None, None, 4)})
def _(b, s, t):
    # q = classes: every class has its own boxes; a run-time score threshold.
    return tf.image.combined_non_max_suppression(b, s, max_output_size_per_class=5, max_total_size=6,
                                                 iou_threshold=0.5, score_threshold=t, clip_boxes=False)


@graph_case("detect_combined_nms_total_past_candidates", {"b": _boxes(2, 3, 1, 4, seed=2), "s": _scores(2, 3, 2, seed=2)})
def _(b, s):
    # max_total_size 20 > classes·boxes = 6: zeros past the candidates; and
    # with pad_per_class, P = min(20, 4·2) = 8.
    r1 = tf.image.combined_non_max_suppression(b, s, 4, 20, iou_threshold=0.6, score_threshold=0.0, clip_boxes=False)
    r2 = tf.image.combined_non_max_suppression(b, s, 4, 20, iou_threshold=0.6, score_threshold=0.0, pad_per_class=True)
    return tuple(r1) + tuple(r2)


@graph_case("detect_combined_nms_none_kept", {"b": _boxes(2, 5, 1, 4, seed=3), "s": _scores(2, 5, 2, seed=3)})
def _(b, s):
    # Every score under the threshold: nothing valid, all zeros.
    return tf.image.combined_non_max_suppression(b, s, 2, 4, iou_threshold=0.5, score_threshold=0.99)


for _pad in (False, True):
    graph_case(f"detect_nms_padded_loop_pad{int(_pad)}", {"b": np.sort(_R.rand(14, 2, 2), axis=1).reshape(14, 4)[:, [0, 2, 1, 3]]
                                                          .astype(np.float32), "s": _scores(14, seed=4)})(
        lambda b, s, p=_pad: tf.image.non_max_suppression_padded(b, s, max_output_size=9 if p else 14, iou_threshold=0.3,
                                                                 score_threshold=0.1, pad_to_max_output_size=p))


@function_case("detect_nms_padded_loop_batched", {"b": np.sort(_R.rand(2, 12, 2, 2), axis=2).reshape(2, 12, 4)[:, :, [0, 2, 1, 3]]
                                                  .astype(np.float32), "s": _scores(2, 12, seed=5)})
def _(b, s):
    # Batched boxes, the TF2 While kept functional inside a tf.function.
    return tf.image.non_max_suppression_padded(b, s, max_output_size=6, iou_threshold=0.4, pad_to_max_output_size=True)


_IMG = np.arange(1, 1 + 2 * 9 * 11 * 3).astype(np.float32).reshape(2, 9, 11, 3)
_ATOL = dict(rtol=1e-5, atol=1e-4, why_tolerance="area weights and sums in float32 on values up to 600: TF sums row "
                                                  "by row, ONNX MatMul in another order")

for _name, _size in (("up2", [18, 22]), ("down", [4, 5]), ("odd", [7, 13]), ("one", [1, 1])):
    graph_case(f"detect_resize_area_{_name}", {"x": _IMG}, **_ATOL)(
        lambda x, s=_size: raw.ResizeArea(images=x, size=s))
    graph_case(f"detect_resize_area_{_name}_align", {"x": _IMG}, **_ATOL)(
        lambda x, s=_size: raw.ResizeArea(images=x, size=s, align_corners=True))


@graph_case("detect_resize_area_runtime_size_uint8", {"x": _IMG.astype(np.uint8), "s": np.array([6, 17], np.int32)},
            shapes={"x": (None, None, None, 3)}, **_ATOL)
def _(x, s):
    return raw.ResizeArea(images=x, size=s)


def _colours(seed, *shape):
    """Pixels with ties (grey, two equal channels), zeros and negatives among random ones."""
    x = np.random.RandomState(seed).uniform(0, 1, size=shape + (3,)).astype(np.float32)
    flat = x.reshape(-1, 3)
    flat[0] = [0.5, 0.5, 0.5]
    flat[1] = [0.9, 0.9, 0.1]
    flat[2] = [0.2, 0.7, 0.7]
    flat[3] = [0.8, 0.3, 0.8]
    flat[4] = [0.0, 0.0, 0.0]
    flat[5] = [-0.2, 0.4, 0.1]
    flat[6] = [-0.3, -0.1, -0.6]
    return x


for _i, _d in enumerate((-0.9, -0.25, 0.0, 0.1, 0.5, 0.83, 1.0)):
    graph_case(f"detect_adjust_hue_{_i}", {"x": _colours(7, 4, 6), "d": np.array(_d, np.float32)},
               shapes={"x": (None, None, 3)})(lambda x, d: raw.AdjustHue(images=x, delta=d))

for _i, _s in enumerate((0.0, 0.4, 1.0, 2.5, 30.0)):
    graph_case(f"detect_adjust_saturation_{_i}", {"x": _colours(8, 2, 5, 4), "s": np.array(_s, np.float32)},
               shapes={"x": (None, 5, None, 3)})(lambda x, s: raw.AdjustSaturation(images=x, scale=s))


@graph_case("detect_adjust_hue_saturation_uint8_images", {"x": np.random.RandomState(9).randint(0, 256, (2, 3, 4, 3)).astype(np.uint8)},
            )
def _(x):
    # tf.image converts integer images to float in [0, 1] around the raw ops and back.
    return tf.image.adjust_hue(x, 0.3), tf.image.adjust_saturation(x, 1.7)


def _bbox_checks(image_size, boxes, min_cov, begin, size, bbox, aspect, area):
    """What every sample must satisfy, as booleans (TF's true, ONNX's must be
    too): inside the image, bboxes agreeing with begin/size, area and aspect
    ranges kept (the width is round(height·ratio)), min_object_covered of
    one box covered; or the whole image (TF's fallback)."""
    f = lambda v: tf.cast(v, tf.float32)  # noqa: E731
    H, W = f(image_size[0]), f(image_size[1])
    y, x, h, w = f(begin[0]), f(begin[1]), f(size[0]), f(size[1])
    whole = tf.equal(y, 0.0) & tf.equal(x, 0.0) & tf.equal(h, H) & tf.equal(w, W)
    inside = ((y >= 0) & (x >= 0) & (h > 0) & (w > 0) & (y + h <= H) & (x + w <= W)
              & tf.equal(begin[2], 0) & tf.equal(size[2], -1))
    want = tf.reshape(tf.stack([y / H, x / W, (y + h) / H, (x + w) / W]), [1, 1, 4])
    agree = tf.reduce_all(tf.abs(bbox - want) < 1e-6)
    a = h * w / (H * W)
    area_ok = whole | ((a >= area[0] - 1e-6) & (a <= area[1] + 1e-6))
    aspect_ok = whole | ((w >= h * aspect[0] - 0.5) & (w <= h * aspect[1] + 0.5))
    px = tf.floor(tf.reshape(boxes, [-1, 4]) * tf.stack([H, W, H, W]))
    dy = tf.minimum(y + h, px[:, 2]) - tf.maximum(y, px[:, 0])
    dx = tf.minimum(x + w, px[:, 3]) - tf.maximum(x, px[:, 1])
    inter = tf.where((dy >= 0) & (dx >= 0), dy * dx, 0.0)
    obj = (px[:, 2] - px[:, 0]) * (px[:, 3] - px[:, 1])
    covered = whole | tf.reduce_any((obj >= 1) & (inter / tf.maximum(obj, 1.0) >= min_cov))
    return (tf.shape(begin), tf.shape(size), tf.shape(bbox), inside, agree, area_ok, aspect_ok, covered), whole


_SIZE = np.array([200, 300, 3], np.int32)
_CORNERS = np.array([[0, 0, 0.1, 0.1], [0.9, 0.9, 1, 1]], np.float32).reshape([1, 2, 4])
_MID = np.array([[0.2, 0.3, 0.7, 0.8], [0.4, 0.1, 0.9, 0.5]], np.float32).reshape([1, 2, 4])
_RANDOM_OPSETS = dict(max_opset=21)  # onnxruntime has no kernels for the opset-22 generators


@graph_case("detect_sample_bbox_v2_invariants", {"s": _SIZE, "b": _CORNERS, "m": np.array(0.8, np.float32)},
            **_RANDOM_OPSETS)
def _(s, b, m):
    # The conformance test's settings: small boxes in two corners.
    begin, size, bbox = tf.image.sample_distorted_bounding_box(s, b, min_object_covered=m, aspect_ratio_range=[0.05, 3],
                                                               area_range=[0.05, 1], max_attempts=100)
    checks, _ = _bbox_checks(s, b, m, begin, size, bbox, [0.05, 3], [0.05, 1])
    return checks


@graph_case("detect_sample_bbox_v2_found", {"s": _SIZE.astype(np.int64), "b": _MID, "m": np.array(0.3, np.float32)},
            shapes={"s": (3,), "b": (1, None, 4)}, **_RANDOM_OPSETS)
def _(s, b, m):
    # Easy settings: nearly every attempt is good, so the sample is not the
    # whole image (a converter that always falls back fails here).
    begin, size, bbox = raw.SampleDistortedBoundingBoxV2(image_size=s, bounding_boxes=b, min_object_covered=m,
                                                         aspect_ratio_range=[0.5, 2.0], area_range=[0.2, 0.6],
                                                         max_attempts=50)
    checks, whole = _bbox_checks(s, b, m, begin, size, bbox, [0.5, 2.0], [0.2, 0.6])
    return checks + (whole,)


@graph_case("detect_sample_bbox_v1_no_boxes_use_image", {"s": _SIZE, "b": np.zeros((1, 0, 4), np.float32)},
            shapes={"b": (1, None, 4)}, **_RANDOM_OPSETS)
def _(s, b):
    # No boxes: the whole image is the box to cover (V1: min_object_covered
    # is an attribute).
    begin, size, bbox = raw.SampleDistortedBoundingBox(image_size=s, bounding_boxes=b, min_object_covered=0.25,
                                                       aspect_ratio_range=[0.75, 1.33], area_range=[0.3, 1.0],
                                                       use_image_if_no_bounding_boxes=True)
    img = tf.constant([[[0, 0, 1, 1]]], tf.float32)
    checks, whole = _bbox_checks(s, img, 0.25, begin, size, bbox, [0.75, 1.33], [0.3, 1.0])
    return checks + (whole,)


@graph_case("detect_sample_bbox_v2_fallback_whole_image", {"s": _SIZE, "b": _MID}, **_RANDOM_OPSETS)
def _(s, b):
    # A crop of at most 2% of the image cannot cover all of a quarter-image
    # box: every attempt fails and TF returns the whole image (exact values).
    return raw.SampleDistortedBoundingBoxV2(image_size=s, bounding_boxes=b, min_object_covered=1.0,
                                            aspect_ratio_range=[0.5, 2.0], area_range=[0.01, 0.02], max_attempts=20)


@graph_case("detect_sample_bbox_v2_exact_area", {"s": np.array([10, 20, 3], np.int32), "b": _MID}, **_RANDOM_OPSETS)
def _(s, b):
    # area_range [1, 1]: only height 10, width 20 fits, found once a ratio in
    # [1.95, 2.05) is drawn (exact values, almost surely within 100 attempts).
    return raw.SampleDistortedBoundingBoxV2(image_size=s, bounding_boxes=b, min_object_covered=0.1,
                                            aspect_ratio_range=[1.9, 2.1], area_range=[1.0, 1.0], max_attempts=100)


for _v2 in (False, True):
    # The loop condition is a variable the body recomputes and nothing else
    # reads (non_max_suppression_padded's inner loop): the LoopCond reads its
    # Merge directly, and its Switch is dead, so freezing drops it.
    graph_case(f"detect_loop_flag_only_cond_reads_v{2 if _v2 else 1}", {"x": f32(5)}, control_flow_v2=_v2)(
        lambda x: tf.while_loop(lambda i, more, acc: more,
                                lambda i, more, acc: (i + 1, i + 1 < 4, acc * 1.5 + x),
                                [tf.constant(0), tf.constant(True), x])[2])
