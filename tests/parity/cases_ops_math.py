"""Issue 8, math and bits: Atan2, Rint, IsFinite, Cumprod, Roll, bitwise
ops, shifts, Invert, the one-input Where and Cast with Truncate. Inputs hit
the edges: the axes of atan2 (x = 0, y = 0, negative x), exact .5 for
rint, inf/nan for is_finite, negative shifts of signed values, zeros and
negative axes for cumprod and roll."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32, i64

raw = tf.raw_ops

_ATAN_Y = np.array([0, 1, -1, 0, 2, -2, 0.5, -0.5, 3, 0], np.float32)
_ATAN_X = np.array([1, 0, 0, -1, -3, -3, 2, -2, 0.1, 0], np.float32)


@graph_case("ops_atan2_f32", {"y": _ATAN_Y, "x": _ATAN_X}, shapes={"y": (None,), "x": (None,)})
def _(y, x):
    return tf.math.atan2(y, x)


@graph_case("ops_atan2_f64_broadcast", {"y": f32(3, 4).astype(np.float64), "x": f32(4, seed=1).astype(np.float64)},
            rtol=1e-6, atol=1e-6, why_tolerance="onnxruntime has no float64 Atan: the arctangent is taken in float32")
def _(y, x):
    return tf.math.atan2(y, x)


@graph_case("ops_rint", {"x": np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.4, -0.6, 7.0], np.float32)})
def _(x):
    return tf.math.rint(x)


@graph_case("ops_is_finite", {"x": np.array([1.0, np.inf, -np.inf, np.nan, 0.0, -3.0], np.float32)})
def _(x):
    return tf.math.is_finite(x)


for _ex in (False, True):
    for _rev in (False, True):
        graph_case(f"ops_cumprod_ex{int(_ex)}_rev{int(_rev)}", {"x": f32(2, 5, 3, lo=-2, hi=2)},
                   shapes={"x": (None, None, 3)})(
            lambda x, ex=_ex, rev=_rev: tf.math.cumprod(x, axis=1, exclusive=ex, reverse=rev))


@graph_case("ops_cumprod_int32_neg_axis_zero", {"x": np.array([[2, 0, 3], [-1, 4, 5]], np.int32)})
def _(x):
    return tf.math.cumprod(x, axis=-1)


@graph_case("ops_cumprod_axis0_f64", {"x": f32(4, 2).astype(np.float64)})
def _(x):
    return tf.math.cumprod(x, axis=0, reverse=True)


@graph_case("ops_roll_const", {"x": f32(3, 4, 5)}, shapes={"x": (None, 4, None)})
def _(x):
    return tf.roll(x, shift=[2, -1, 7], axis=[0, 1, -1])


@graph_case("ops_roll_runtime_shift", {"x": i32(6, 4), "s": np.array(-8, np.int32)})
def _(x, s):
    return tf.roll(x, shift=s, axis=0)


@graph_case("ops_roll_same_axis_twice", {"x": f32(5)})
def _(x):
    return tf.roll(x, shift=[1, 3], axis=[0, 0])


for _op, _fn in (("and", tf.bitwise.bitwise_and), ("or", tf.bitwise.bitwise_or), ("xor", tf.bitwise.bitwise_xor)):
    graph_case(f"ops_bitwise_{_op}_i32", {"x": i32(3, 4, lo=-100, hi=100), "y": i32(4, seed=1, lo=-100, hi=100)},
               min_opset=18)(lambda x, y, fn=_fn: fn(x, y))
    graph_case(f"ops_bitwise_{_op}_u8", {"x": np.arange(0, 250, 25, dtype=np.uint8), "y": np.full(10, 0x5A, np.uint8)},
               min_opset=18)(lambda x, y, fn=_fn: fn(x, y))


@graph_case("ops_invert_i32", {"x": np.array([0, 1, -1, 2**31 - 1, -2**31, 77], np.int32)})
def _(x):
    return tf.bitwise.invert(x)


@graph_case("ops_invert_u8_i64", {"x": np.array([0, 1, 200, 255], np.uint8), "y": np.array([5, -5, 0], np.int64)})
def _(x, y):
    return tf.bitwise.invert(x), tf.bitwise.invert(y)


@graph_case("ops_invert_i8", {"x": np.array([0, 1, -1, 127, -128], np.int8)})
def _(x):
    return tf.bitwise.invert(x)


_SHIFT_X = np.array([1, -1, 7, -8, 123456, -123456, 0, -2**31], np.int32)
_SHIFT_S = np.array([0, 1, 2, 3, 4, 5, 31, 1], np.int32)


@graph_case("ops_left_shift_i32", {"x": _SHIFT_X, "s": _SHIFT_S})
def _(x, s):
    return tf.bitwise.left_shift(x, s)


@graph_case("ops_right_shift_i32_arith", {"x": _SHIFT_X, "s": _SHIFT_S})
def _(x, s):
    return tf.bitwise.right_shift(x, s)


@graph_case("ops_shifts_i64_u8", {"x": np.array([5, -5, 1 << 40, -(1 << 40)], np.int64), "s": np.array([1, 2, 3, 63], np.int64),
                                  "u": np.array([1, 128, 255, 7], np.uint8), "v": np.array([1, 1, 4, 0], np.uint8)})
def _(x, s, u, v):
    return (tf.bitwise.right_shift(x, s), tf.bitwise.left_shift(x, s),
            tf.bitwise.right_shift(u, v), tf.bitwise.left_shift(u, v))


@graph_case("ops_right_shift_i8_i16", {"x": np.array([-128, -3, 3, 127], np.int8), "s": np.array([1, 1, 1, 6], np.int8),
                                       "y": np.array([-32768, -3, 3, 32767], np.int16), "t": np.array([15, 1, 1, 14], np.int16)})
def _(x, s, y, t):
    return tf.bitwise.right_shift(x, s), tf.bitwise.right_shift(y, t)


@graph_case("ops_where_one_input_bool", {"x": f32(3, 4)}, shapes={"x": (None, 4)})
def _(x):
    return tf.where(x > 0)


@graph_case("ops_where_one_input_numeric", {"x": np.array([[0, 2, 0], [-1, 0, 0]], np.int32),
                                            "y": np.array([0.0, 1.5, 0.0, -2.0], np.float64)})
def _(x, y):
    return tf.where(x), tf.where(y)


@graph_case("ops_where_one_input_none_true", {"x": np.zeros((2, 3), np.float32)})
def _(x):
    return tf.where(x > 0)


@graph_case("ops_boolean_mask", {"x": f32(5, 3), "m": np.array([True, False, True, True, False])})
def _(x, m):
    return tf.boolean_mask(x, m)


_TRUNC = np.array([1.0 + 2**-30, -(1.0 + 2**-30), 1.0 / 3, -2.0 / 3, 3.4028235677973366e38 * 1.0000001,
                   -3.5e38, 1e-40, np.inf, 0.0, 16777217.0, 2.0 - 2**-40], np.float64)


@graph_case("ops_cast_truncate_f64_f32", {"x": _TRUNC})
def _(x):
    return raw.Cast(x=x, DstT=tf.float32, Truncate=True)


@graph_case("ops_bfloat16_elementwise", {"x": f32(3, 4), "y": f32(3, 4, seed=1)})
def _(x, y):
    a, b = tf.cast(x, tf.bfloat16), tf.cast(y, tf.bfloat16)
    s = tf.abs(a + b * b - tf.maximum(a, b))
    return tf.cast(s, tf.float32), a < b
