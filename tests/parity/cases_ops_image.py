"""Issue 8, detection and image: non-max suppression V1–V5 (score
threshold, padding, zero outputs), MaxPoolWithArgmax (padding, batch in
index, unknown channels) and CropAndResize (bilinear, nearest,
extrapolation, boxes past the image, one-pixel crops)."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32

raw = tf.raw_ops
_R = np.random.RandomState(3)
_BOXES = np.sort(_R.rand(12, 2, 2), axis=1).reshape(12, 4)[:, [0, 2, 1, 3]].astype(np.float32)
_SCORES = _R.permutation(12).astype(np.float32) / 12  # distinct


@graph_case("ops_nms_v2_v3", {"b": _BOXES, "s": _SCORES}, shapes={"b": (None, 4), "s": (None,)})
def _(b, s):
    return (raw.NonMaxSuppressionV2(boxes=b, scores=s, max_output_size=5, iou_threshold=0.3),
            raw.NonMaxSuppressionV3(boxes=b, scores=s, max_output_size=20, iou_threshold=0.5, score_threshold=0.4),
            raw.NonMaxSuppressionV3(boxes=b, scores=s, max_output_size=0, iou_threshold=0.5, score_threshold=0.0))


@graph_case("ops_nms_v1", {"b": _BOXES, "s": _SCORES})
def _(b, s):
    return raw.NonMaxSuppression(boxes=b, scores=s, max_output_size=4, iou_threshold=0.2)


@graph_case("ops_nms_v4_padded", {"b": _BOXES, "s": _SCORES, "n": np.array(15, np.int32)})
def _(b, s, n):
    i, v = raw.NonMaxSuppressionV4(boxes=b, scores=s, max_output_size=n, iou_threshold=0.4, score_threshold=0.2,
                                   pad_to_max_output_size=True)
    j, w = raw.NonMaxSuppressionV4(boxes=b, scores=s, max_output_size=n, iou_threshold=0.4, score_threshold=0.2)
    return i, v, j, w


@graph_case("ops_nms_v5", {"b": _BOXES, "s": _SCORES})
def _(b, s):
    i, sc, v = raw.NonMaxSuppressionV5(boxes=b, scores=s, max_output_size=6, iou_threshold=0.5, score_threshold=0.1,
                                       soft_nms_sigma=0.0, pad_to_max_output_size=True)
    return i, sc, v


for _pad in ("SAME", "VALID"):
    graph_case(f"ops_maxpool_argmax_{_pad}", {"x": f32(2, 7, 6, 3)})(
        lambda x, p=_pad: tf.nn.max_pool_with_argmax(x, [1, 3, 2, 1], [1, 2, 2, 1], p))
    graph_case(f"ops_maxpool_argmax_{_pad}_batch_index", {"x": f32(2, 5, 5, 2)}, shapes={"x": (None, 5, 5, None)})(
        lambda x, p=_pad: tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 1, 1, 1], p, include_batch_in_index=True))


@graph_case("ops_maxpool_argmax_int32_argmax", {"x": f32(1, 4, 4, 2)})
def _(x):
    return raw.MaxPoolWithArgmax(input=x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID", Targmax=tf.int32)


_IMG = np.random.RandomState(5).randint(0, 256, size=(2, 12, 10, 3)).astype(np.float32)
_CROPS = np.array([[0.1, 0.2, 0.8, 0.9], [0.5, 0.0, 1.0, 0.5], [-0.2, 0.3, 1.3, 1.1], [0.9, 0.8, 0.2, 0.1]], np.float32)
_CTOL = dict(rtol=1e-4, atol=1e-3, why_tolerance="bilinear weights in float32 on 0-255 pixel values")

for _m in ("bilinear", "nearest"):
    graph_case(f"ops_crop_and_resize_{_m}", {"x": _IMG, "b": _CROPS, "i": np.array([0, 1, 1, 0], np.int32)}, **_CTOL)(
        lambda x, b, i, m=_m: tf.image.crop_and_resize(x, b, i, [5, 7], method=m, extrapolation_value=-1.0))


@graph_case("ops_crop_and_resize_runtime_size_one_pixel", {"x": _IMG, "b": _CROPS[:2], "i": np.array([1, 0], np.int32),
                                                           "s": np.array([1, 4], np.int32)},
            shapes={"x": (None, None, None, 3)}, **_CTOL)
def _(x, b, i, s):
    return tf.image.crop_and_resize(x, b, i, s)


@graph_case("ops_crop_and_resize_uint8_no_boxes", {"x": _IMG.astype(np.uint8), "b": np.zeros((0, 4), np.float32),
                                                    "i": np.zeros((0,), np.int32)})
def _(x, b, i):
    return tf.image.crop_and_resize(x, b, i, [3, 3])


for _half, _align in ((True, False), (False, True), (False, False)):
    graph_case(f"ops_resize_bicubic_half{int(_half)}_align{int(_align)}", {"x": f32(2, 5, 7, 3, lo=0, hi=10)},
               rtol=1e-3, atol=1e-3,
               why_tolerance="TF's bicubic kernel reads its weights from a 1024-entry table; ONNX Resize computes them exactly")(
        lambda x, h=_half, a=_align: raw.ResizeBicubic(images=x, size=[9, 4], half_pixel_centers=h, align_corners=a))


@graph_case("ops_resize_bicubic_runtime_size", {"x": f32(2, 5, 7, 3, lo=0, hi=10), "s": np.array([9, 4], np.int32)},
            rtol=1e-3, atol=1e-3,
               why_tolerance="TF's bicubic kernel reads its weights from a 1024-entry table; ONNX Resize computes them exactly")
def _(x, s):
    return tf.image.resize(x, s, method="bicubic")


@graph_case("ops_resize_bicubic_batch1_const", {"x": f32(1, 5, 7, 3, lo=0, hi=10)},
            rtol=1e-3, atol=1e-3,
               why_tolerance="TF's bicubic kernel reads its weights from a 1024-entry table; ONNX Resize computes them exactly")
def _(x):
    return tf.image.resize(x, [9, 4], method="bicubic")


for _pad in ("SAME", "VALID"):
    graph_case(f"ops_extract_image_patches_{_pad}", {"x": f32(2, 9, 8, 3)}, shapes={"x": (None, 9, 8, 3)})(
        lambda x, p=_pad: tf.image.extract_patches(x, sizes=[1, 3, 2, 1], strides=[1, 2, 3, 1], rates=[1, 2, 1, 1], padding=p))
