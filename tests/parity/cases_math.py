"""The math op family: elementwise arithmetic, comparisons and logic, casts,
selects, matmuls and einsum, reductions, arg/top-k, one-hot, cumsum and
the generators. Case names start with math_; the trap_ ones feed inputs
that expose a wrong mapping (negative operands, zero divisors, exact .5
values, row-selecting conditions, transposed batches)."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32, i64, rng, op_counts

raw = tf.raw_ops


def _nonzero_i32(*shape, seed=0, lo=-9, hi=10):
    v = i32(*shape, seed=seed, lo=lo, hi=hi)
    v[v == 0] = 3
    return v


def _nonzero_i64(*shape, seed=0, lo=-9, hi=10):
    v = i64(*shape, seed=seed, lo=lo, hi=hi)
    v[v == 0] = -4
    return v


def _away_from_zero(*shape, seed=0):
    """Floats in ±[0.5, 2]: safe divisors."""
    r = rng(seed)
    mag = r.uniform(0.5, 2.0, size=shape)
    sign = np.where(r.rand(*shape) < 0.5, -1.0, 1.0)
    return (mag * sign).astype(np.float32)


# ---------------------------------------------------------------- binary

_BINARY = {
    "Add": lambda x, y: raw.Add(x=x, y=y),
    "AddV2": lambda x, y: raw.AddV2(x=x, y=y),
    "Sub": tf.subtract,
    "Mul": tf.multiply,
    "Maximum": tf.maximum,
    "Minimum": tf.minimum,
}

for _op, _fn in _BINARY.items():
    graph_case(f"math_{_op}_f32", {"x": f32(2, 3), "y": f32(3, seed=1)},
               shapes={"x": (None, 3)})(lambda x, y, fn=_fn: fn(x, y))
    graph_case(f"math_{_op}_i32", {"x": i32(2, 3), "y": i32(2, 3, seed=1)})(lambda x, y, fn=_fn: fn(x, y))
    graph_case(f"math_{_op}_i64", {"x": i64(4), "y": i64(1, 4, seed=1)})(lambda x, y, fn=_fn: fn(x, y))

_NAN_X = np.array([np.nan, 1.0, -np.inf, 2.0, np.nan], np.float32)
_NAN_Y = np.array([1.0, np.nan, 0.0, np.inf, np.nan], np.float32)
graph_case("math_Maximum_Minimum_nan", {"x": _NAN_X, "y": _NAN_Y})(lambda x, y: (tf.maximum(x, y), tf.minimum(x, y)))

graph_case("math_Add_f64", {"x": f32(2, 3).astype(np.float64), "y": f32(2, 3, seed=1).astype(np.float64)})(
    lambda x, y: tf.add(x, y))


@graph_case("math_RealDiv_f32", {"x": f32(2, 3), "y": _away_from_zero(2, 3, seed=1)}, shapes={"x": (None, None)})
def _(x, y):
    return tf.divide(x, y)


@graph_case("math_RealDiv_f64", {"x": f32(4).astype(np.float64), "y": _away_from_zero(4, seed=2).astype(np.float64)})
def _(x, y):
    return raw.RealDiv(x=x, y=y)


@graph_case("math_Pow_f32", {"x": f32(2, 3, lo=0.1, hi=3.0), "y": f32(2, 3, seed=1, lo=-2, hi=2)})
def _(x, y):
    return tf.pow(x, y)


@graph_case("math_Pow_i32", {"x": i32(6, lo=-4, hi=5), "y": i32(6, seed=1, lo=0, hi=4)})
def _(x, y):
    return tf.pow(x, y)


@graph_case("math_Pow_i64", {"x": i64(6, lo=-4, hi=5), "y": i64(6, seed=1, lo=0, hi=4)})
def _(x, y):
    return tf.pow(x, y)


@graph_case("math_SquaredDifference", {"x": f32(2, 3), "y": f32(3, seed=1)}, shapes={"x": (None, 3)})
def _(x, y):
    return tf.math.squared_difference(x, y)


@graph_case("math_SquaredDifference_i32", {"x": i32(5), "y": i32(5, seed=1)})
def _(x, y):
    return tf.math.squared_difference(x, y)


@graph_case("math_AddN_f32", {"a": f32(2, 3), "b": f32(2, 3, seed=1), "c": f32(2, 3, seed=2)},
            shapes={"a": (None, 3), "b": (None, 3), "c": (None, 3)})
def _(a, b, c):
    return tf.math.add_n([a, b, c])


@graph_case("math_AddN_two_i32", {"a": i32(4), "b": i32(4, seed=1)})
def _(a, b):
    return tf.math.add_n([a, b])


@graph_case("math_AddN_i64", {"a": i64(4), "b": i64(4, seed=1), "c": i64(4, seed=2)})
def _(a, b, c):
    return tf.math.add_n([a, b, c])


# TF's Div on integers is C++ division (toward zero), unlike FloorDiv.
@graph_case("math_trap_Div_i32_negative", {"x": np.array([-7, 7, -7, 7, -1, 0, 9], np.int32),
                                           "y": np.array([2, -2, -2, 2, 3, -5, 4], np.int32)})
def _(x, y):
    return raw.Div(x=x, y=y)


@graph_case("math_Div_i64", {"x": _nonzero_i64(6, seed=3), "y": _nonzero_i64(6, seed=4, lo=-4, hi=5)})
def _(x, y):
    return raw.Div(x=x, y=y)


@graph_case("math_Div_f32", {"x": f32(2, 3), "y": _away_from_zero(2, 3, seed=5)})
def _(x, y):
    return raw.Div(x=x, y=y)


@graph_case("math_TruncateDiv_i32", {"x": np.array([-7, 7, -7, 7, -1], np.int32),
                                     "y": np.array([2, -2, -2, 2, 3], np.int32)})
def _(x, y):
    return tf.truncatediv(x, y)


@graph_case("math_Mod_truncates_f32", {"x": np.array([-7.5, 7.5, -7.5, 7.5, 0.25], np.float32),
                                      "y": np.array([2, -2, -2, 2, -1], np.float32)})
def _(x, y):
    return raw.Mod(x=x, y=y)


@graph_case("math_TruncateMod_i32", {"x": np.array([-7, 7, -7, 7, -1], np.int32),
                                     "y": np.array([2, -2, -2, 2, 3], np.int32)})
def _(x, y):
    return tf.truncatemod(x, y)


@graph_case("math_trap_DivNoNan_zeros", {"x": np.array([[1.5, 0.0, -2.0], [3.0, 0.0, 4.0]], np.float32),
                                         "y": np.array([[0.0, 0.0, 2.0], [-0.5, 3.0, 0.0]], np.float32)},
            shapes={"x": (None, 3), "y": (None, 3)})
def _(x, y):
    return tf.math.divide_no_nan(x, y)


@graph_case("math_DivNoNan_f64_broadcast", {"x": f32(2, 3).astype(np.float64),
                                            "y": np.array([0.0, 2.0, -4.0], np.float64)})
def _(x, y):
    return tf.math.divide_no_nan(x, y)


_SIGNS_X = np.array([-7, -7, 7, 7, -6, 6, 0, -1, 1, 5], np.int32)
_SIGNS_Y = np.array([3, -3, 3, -3, 3, -3, 4, 4, -4, 5], np.int32)


@graph_case("math_trap_FloorDiv_i32_negative", {"x": _SIGNS_X, "y": _SIGNS_Y})
def _(x, y):
    return tf.math.floordiv(x, y)


@graph_case("math_trap_FloorDiv_i64_negative", {"x": _SIGNS_X.astype(np.int64), "y": _SIGNS_Y.astype(np.int64)})
def _(x, y):
    return tf.math.floordiv(x, y)


@graph_case("math_trap_FloorDiv_f32_negative", {"x": np.array([-7.5, -7, 7.5, 7, -6, 0.5, -0.5, 2.25], np.float32),
                                                "y": np.array([3, -3, -3, 3, 3, 2, 2, -1.5], np.float32)})
def _(x, y):
    return tf.math.floordiv(x, y)


@graph_case("math_trap_FloorMod_i32_negative", {"x": _SIGNS_X, "y": _SIGNS_Y})
def _(x, y):
    return tf.math.floormod(x, y)


@graph_case("math_trap_FloorMod_i64_negative", {"x": _SIGNS_X.astype(np.int64), "y": _SIGNS_Y.astype(np.int64)})
def _(x, y):
    return tf.math.floormod(x, y)


@graph_case("math_trap_FloorMod_f32_negative", {"x": np.array([-7.5, -7, 7.5, 7, -6, 6, 0, -0.25, 5.5, 1e-3], np.float32),
                                                "y": np.array([3, -3, -3, 3, 3, -3, 2, 2, -2.5, -1], np.float32)},
            shapes={"x": (None,), "y": (None,)})
def _(x, y):
    return tf.math.floormod(x, y)


@graph_case("math_FloorMod_f32_random", {"x": f32(4, 5, lo=-10, hi=10), "y": _away_from_zero(5, seed=3)})
def _(x, y):
    return tf.math.floormod(x, y)


@graph_case("math_FloorMod_f64", {"x": f32(6, lo=-10, hi=10).astype(np.float64),
                                  "y": _away_from_zero(6, seed=4).astype(np.float64)})
def _(x, y):
    return tf.math.floormod(x, y)


# ---------------------------------------------------------------- unary

_UNARY_F32 = {
    "Sqrt": (tf.sqrt, f32(2, 3, lo=0.01, hi=4)),
    "Rsqrt": (tf.math.rsqrt, f32(2, 3, lo=0.01, hi=4)),
    "Square": (tf.square, f32(2, 3, lo=-3, hi=3)),
    "Exp": (tf.exp, f32(2, 3, lo=-5, hi=5)),
    "Log": (tf.math.log, f32(2, 3, lo=0.01, hi=10)),
    "Neg": (tf.negative, f32(2, 3)),
    "Abs": (tf.abs, f32(2, 3)),
    "Sign": (tf.sign, np.array([[-2.5, 0.0, 3.0], [1e-3, -1e-3, 0.0]], np.float32)),
    "Reciprocal": (tf.math.reciprocal, _away_from_zero(2, 3)),
    "Floor": (tf.floor, f32(2, 3, lo=-3, hi=3)),
    "Ceil": (tf.math.ceil, f32(2, 3, lo=-3, hi=3)),
    "Erf": (tf.math.erf, f32(2, 3, lo=-3, hi=3)),
    "Sigmoid": (tf.sigmoid, f32(2, 3, lo=-8, hi=8)),
    "Tanh": (tf.tanh, f32(2, 3, lo=-4, hi=4)),
    "Softplus": (tf.math.softplus, np.array([[-30, -5, -0.5], [0.0, 2.0, 30.0]], np.float32)),
    "Softsign": (tf.math.softsign, f32(2, 3, lo=-5, hi=5)),
}

for _op, (_fn, _x) in _UNARY_F32.items():
    graph_case(f"math_{_op}_f32", {"x": _x}, shapes={"x": (None, 3)})(lambda x, fn=_fn: fn(x))

for _op, _fn in {"Neg": tf.negative, "Abs": tf.abs, "Sign": tf.sign, "Square": tf.square}.items():
    graph_case(f"math_{_op}_i32", {"x": i32(2, 3)})(lambda x, fn=_fn: fn(x))
    graph_case(f"math_{_op}_i64", {"x": i64(5)})(lambda x, fn=_fn: fn(x))

for _op, _fn in {"Sqrt": tf.sqrt, "Exp": tf.exp, "Tanh": tf.tanh}.items():
    graph_case(f"math_{_op}_f64", {"x": f32(4, lo=0.1, hi=2).astype(np.float64)})(lambda x, fn=_fn: fn(x))


_MORE_UNARY = {
    "Relu": (tf.nn.relu, f32(2, 3)),
    "Elu": (tf.nn.elu, f32(2, 3, lo=-3, hi=3)),
    "Selu": (tf.nn.selu, f32(2, 3, lo=-3, hi=3)),
    "Inv": (lambda x: raw.Inv(x=x), _away_from_zero(2, 3)),
    "Sin": (tf.sin, f32(2, 3, lo=-3, hi=3)),
    "Cos": (tf.cos, f32(2, 3, lo=-3, hi=3)),
    "Tan": (tf.tan, f32(2, 3, lo=-1.2, hi=1.2)),
    "Asin": (tf.asin, f32(2, 3, lo=-0.95, hi=0.95)),
    "Acos": (tf.acos, f32(2, 3, lo=-0.95, hi=0.95)),
    "Atan": (tf.atan, f32(2, 3, lo=-5, hi=5)),
    "Sinh": (tf.sinh, f32(2, 3, lo=-3, hi=3)),
    "Cosh": (tf.cosh, f32(2, 3, lo=-3, hi=3)),
    "Asinh": (tf.asinh, f32(2, 3, lo=-5, hi=5)),
    "Acosh": (tf.acosh, f32(2, 3, lo=1.05, hi=5)),
    "Atanh": (tf.atanh, f32(2, 3, lo=-0.9, hi=0.9)),
    "IsNan": (tf.math.is_nan, np.array([[np.nan, 1.0, -np.inf], [0.0, np.inf, np.nan]], np.float32)),
    "IsInf": (tf.math.is_inf, np.array([[np.nan, 1.0, -np.inf], [0.0, np.inf, np.nan]], np.float32)),
}

for _op, (_fn, _x) in _MORE_UNARY.items():
    graph_case(f"math_{_op}_f32", {"x": _x}, shapes={"x": (None, 3)})(lambda x, fn=_fn: fn(x))


@graph_case("math_trap_Round_half_even", {"x": np.array([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.49, -0.51, 4.5],
                                                        np.float32)})
def _(x):
    return tf.round(x)


@graph_case("math_Round_f64", {"x": np.array([-2.5, -0.5, 0.5, 1.5, 2.5, 1.2], np.float64)})
def _(x):
    return tf.round(x)


# ---------------------------------------------------------------- clip, cast

@graph_case("math_ClipByValue_scalar_bounds", {"x": f32(3, 4, lo=-3, hi=3), "lo": np.array(-1.0, np.float32),
                                               "hi": np.array(1.5, np.float32)}, shapes={"x": (None, 4)})
def _(x, lo, hi):
    return raw.ClipByValue(t=x, clip_value_min=lo, clip_value_max=hi)


@graph_case("math_ClipByValue_tensor_bounds", {"x": f32(3, 4, lo=-3, hi=3), "lo": f32(3, 4, seed=1, lo=-2, hi=0),
                                               "hi": f32(3, 4, seed=2, lo=0, hi=2)})
def _(x, lo, hi):
    return raw.ClipByValue(t=x, clip_value_min=lo, clip_value_max=hi)


@graph_case("math_ClipByValue_i32_const", {"x": i32(3, 4)})
def _(x):
    return raw.ClipByValue(t=x, clip_value_min=tf.constant(-3), clip_value_max=tf.constant(4))


@graph_case("math_ClipByValue_i64", {"x": i64(6), "lo": np.array(-2, np.int64), "hi": np.array(5, np.int64)})
def _(x, lo, hi):
    return raw.ClipByValue(t=x, clip_value_min=lo, clip_value_max=hi)


_FRACTIONS = np.array([-2.9, -2.5, -1.5, -0.7, -0.0, 0.3, 0.5, 1.5, 2.99, 7.0], np.float32)


@graph_case("math_trap_Cast_f32_to_i32_truncates", {"x": _FRACTIONS})
def _(x):
    return tf.cast(x, tf.int32)


@graph_case("math_Cast_f32_to_i64", {"x": _FRACTIONS})
def _(x):
    return tf.cast(x, tf.int64)


@graph_case("math_Cast_Truncate_f32_to_i32", {"x": _FRACTIONS})
def _(x):
    return raw.Cast(x=x, DstT=tf.int32, Truncate=True)


@graph_case("math_Cast_f32_to_bool", {"x": np.array([0.0, -0.0, 0.1, -3.0, 1e-30], np.float32)})
def _(x):
    return tf.cast(x, tf.bool)


@graph_case("math_Cast_i32_to_bool", {"x": np.array([0, 1, -1, 7], np.int32)})
def _(x):
    return tf.cast(x, tf.bool)


@graph_case("math_Cast_bool_to_f32_i32", {"x": np.array([True, False, True], np.bool_)})
def _(x):
    return tf.cast(x, tf.float32), tf.cast(x, tf.int32)


@graph_case("math_Cast_i32_i64_f64", {"x": i32(2, 3)}, shapes={"x": (None, 3)})
def _(x):
    return tf.cast(x, tf.int64), tf.cast(x, tf.float64), tf.cast(tf.cast(x, tf.float64), tf.float32)


@graph_case("math_Cast_f64_to_f32", {"x": f32(5).astype(np.float64) / 3.0})
def _(x):
    return tf.cast(x, tf.float32)


@graph_case("math_Cast_i64_to_i32_wraps", {"x": np.array([1, -1, 2**31 + 5, -(2**31) - 7], np.int64)})
def _(x):
    return tf.cast(x, tf.int32)


# ---------------------------------------------------------------- compare, logic

_COMPARE = {
    "Less": tf.less, "LessEqual": tf.less_equal, "Greater": tf.greater,
    "GreaterEqual": tf.greater_equal, "Equal": tf.equal, "NotEqual": tf.not_equal,
}
_CMP_X = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], np.float32)
_CMP_Y = np.array([2.0, 2.0, 2.0], np.float32)

for _op, _fn in _COMPARE.items():
    graph_case(f"math_{_op}_f32", {"x": _CMP_X, "y": _CMP_Y}, shapes={"x": (None, 3)})(lambda x, y, fn=_fn: fn(x, y))
    graph_case(f"math_{_op}_i32", {"x": i32(3, 4, lo=-2, hi=3), "y": i32(3, 4, seed=1, lo=-2, hi=3)})(
        lambda x, y, fn=_fn: fn(x, y))
    graph_case(f"math_{_op}_i64", {"x": i64(6, lo=-2, hi=3), "y": i64(6, seed=1, lo=-2, hi=3)})(
        lambda x, y, fn=_fn: fn(x, y))

_BX = np.array([[True, False], [True, True], [False, False]], np.bool_)
_BY = np.array([True, False], np.bool_)


@graph_case("math_Equal_NotEqual_bool", {"x": _BX, "y": _BY})
def _(x, y):
    return tf.equal(x, y), tf.not_equal(x, y)


@graph_case("math_Logical", {"x": _BX, "y": _BY}, shapes={"x": (None, 2)})
def _(x, y):
    return tf.logical_and(x, y), tf.logical_or(x, y), tf.logical_not(x)


# ---------------------------------------------------------------- select

@graph_case("math_trap_Select_v1_row_condition", {"c": np.array([True, False, True], np.bool_),
                                                   "x": f32(3, 2, 3), "y": f32(3, 2, 3, seed=1)})
def _(c, x, y):
    return raw.Select(condition=c, x=x, y=y)


@graph_case("math_Select_v1_row_condition_unknown_dims", {"c": np.array([False, True], np.bool_),
                                                          "x": i32(2, 3), "y": i32(2, 3, seed=1)},
            shapes={"c": (None,), "x": (None, None), "y": (None, None)})
def _(c, x, y):
    return raw.Select(condition=c, x=x, y=y)


@graph_case("math_Select_v1_same_shape", {"c": f32(2, 3) > 0, "x": f32(2, 3), "y": f32(2, 3, seed=1)},
            shapes={"c": (None, 3), "x": (None, 3), "y": (None, 3)})
def _(c, x, y):
    return raw.Select(condition=c, x=x, y=y)


@graph_case("math_Select_v1_rank1", {"c": np.array([True, False, False, True]), "x": i64(4), "y": i64(4, seed=1)})
def _(c, x, y):
    return raw.Select(condition=c, x=x, y=y)


@graph_case("math_trap_SelectV2_broadcast", {"c": np.array([True, False, True, False], np.bool_),
                                              "x": f32(3, 4), "y": np.array(7.0, np.float32)})
def _(c, x, y):
    # A rank-1 condition broadcasts against the LAST dim here, unlike Select.
    return tf.where(c, x, y)


@graph_case("math_Select_bool_operands", {"r": np.array([True, False]), "c": np.array([True, False, True]),
                                          "x": _BX.T.copy(), "y": ~_BX.T})
def _(r, c, x, y):
    return raw.Select(condition=r, x=x, y=y), raw.SelectV2(condition=c, t=x, e=y)


@graph_case("math_SelectV2_i16", {"c": np.array([True, False]), "x": np.array([[1, -2], [3, 4]], np.int16),
                                  "y": np.array([-5, 6], np.int16)})
def _(c, x, y):
    return raw.SelectV2(condition=c, t=x, e=y)


@graph_case("math_SelectV2_i32", {"c": f32(2, 1) > 0, "x": i32(1, 3), "y": i32(2, 3, seed=1)})
def _(c, x, y):
    return raw.SelectV2(condition=c, t=x, e=y)


# ---------------------------------------------------------------- matmul

@graph_case("math_MatMul", {"a": f32(3, 4), "b": f32(4, 5, seed=1)}, shapes={"a": (None, 4)})
def _(a, b):
    return tf.matmul(a, b)


@graph_case("math_MatMul_transpose_a_b", {"a": f32(4, 3), "b": f32(5, 4, seed=1)})
def _(a, b):
    return tf.matmul(a, b, transpose_a=True, transpose_b=True)


def _no_ops(*ops):
    def check(model, opset):
        counts = op_counts(model)
        left = [o for o in ops if o in counts]
        if left:
            raise AssertionError(f"expected {left} to fold away, got {counts}")
    return check


@graph_case("math_MatMul_transpose_b_const", {"a": f32(2, 4)}, shapes={"a": (None, 4)}, check=_no_ops("Transpose"))
def _(a):
    w = tf.constant(f32(6, 4, seed=3))
    return tf.matmul(a, w, transpose_b=True)


@graph_case("math_MatMul_i32", {"a": i32(2, 3), "b": i32(3, 2, seed=1)})
def _(a, b):
    return tf.matmul(a, b)


@graph_case("math_MatMul_f64", {"a": f32(2, 3).astype(np.float64), "b": f32(3, 2, seed=1).astype(np.float64)})
def _(a, b):
    return raw.MatMul(a=a, b=b, transpose_a=False, transpose_b=False)


@graph_case("math_trap_BatchMatMul_adj", {"x": f32(2, 4, 3), "y": f32(2, 5, 4, seed=1)})
def _(x, y):
    return raw.BatchMatMul(x=x, y=y, adj_x=True, adj_y=True)


@graph_case("math_BatchMatMul_plain", {"x": f32(2, 3, 4), "y": f32(2, 4, 5, seed=1)}, shapes={"x": (None, 3, 4)})
def _(x, y):
    return raw.BatchMatMul(x=x, y=y)


@graph_case("math_trap_BatchMatMulV2_adj_broadcast", {"x": f32(2, 1, 3, 4), "y": f32(3, 5, 4, seed=1)})
def _(x, y):
    return raw.BatchMatMulV2(x=x, y=y, adj_y=True)


@graph_case("math_BatchMatMulV2_adj_x_unknown_dims", {"x": f32(2, 4, 3), "y": f32(2, 4, 5, seed=1)},
            shapes={"x": (None, None, None), "y": (None, None, None)})
def _(x, y):
    return raw.BatchMatMulV2(x=x, y=y, adj_x=True)


# Unknown ranks: ONNX graph inputs and outputs need a rank, so the operands
# get theirs hidden inside the graph by a Reshape to a fed shape of unknown
# length, and the result is flattened back.
def _hide_rank(v, shape):
    return tf.reshape(v, shape)


@graph_case("math_BatchMatMulV2_adj_unknown_rank", {"x": f32(24), "sx": np.array([2, 4, 3], np.int32),
                                                    "y": f32(40, seed=1), "sy": np.array([2, 5, 4], np.int32)},
            shapes={"sx": (None,), "sy": (None,)})
def _(x, sx, y, sy):
    out = raw.BatchMatMulV2(x=_hide_rank(x, sx), y=_hide_rank(y, sy), adj_x=True, adj_y=True)
    return tf.reshape(out, [-1])


@graph_case("math_Select_v1_unknown_rank_condition", {"c": np.array([True, False, True]), "s": np.array([3], np.int32),
                                                      "x": f32(3), "y": f32(3, seed=1)}, shapes={"s": (None,)})
def _(c, s, x, y):
    return tf.reshape(raw.Select(condition=_hide_rank(c, s), x=x, y=y), [-1])


@graph_case("math_ClipByValue_unknown_rank", {"x": f32(6, lo=-3, hi=3), "s": np.array([2, 3], np.int32),
                                              "lo": np.array(-1.0, np.float32), "hi": np.array(0.5, np.float32)},
            shapes={"s": (None,)})
def _(x, s, lo, hi):
    out = raw.ClipByValue(t=_hide_rank(x, s), clip_value_min=lo, clip_value_max=hi)
    return tf.reshape(out, [-1])


@graph_case("math_Sum_unknown_rank_neg_axis", {"x": f32(24), "s": np.array([2, 3, 4], np.int32)}, shapes={"s": (None,)})
def _(x, s):
    return tf.reshape(tf.reduce_sum(_hide_rank(x, s), axis=-1, keepdims=True), [-1])


@graph_case("math_BatchMatMulV3_adj_y", {"x": f32(2, 3, 4), "y": f32(2, 5, 4, seed=1)})
def _(x, y):
    return raw.BatchMatMulV3(x=x, y=y, Tout=tf.float32, adj_y=True)


@graph_case("math_BatchMatMulV3_matmul_api", {"x": f32(2, 2, 3, 4), "y": f32(4, 2, seed=1)})
def _(x, y):
    return tf.matmul(x, y)


@graph_case("math_BatchMatMulV3_i32", {"x": i32(2, 3, 4), "y": i32(2, 4, 2, seed=1)})
def _(x, y):
    return raw.BatchMatMulV3(x=x, y=y, Tout=tf.int32)


@graph_case("math_BatchMatMulV3_i8_to_i32", {"x": i32(2, 3, 4).astype(np.int8), "y": i32(2, 4, 2, seed=1).astype(np.int8)})
def _(x, y):
    return raw.BatchMatMulV3(x=x, y=y, Tout=tf.int32)


# ---------------------------------------------------------------- einsum

_EINSUM = {
    "matmul": ("ij,jk->ik", [(3, 4), (4, 5)]),
    "batch_matmul": ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    "transpose": ("ij->ji", [(3, 4)]),
    "permute": ("abc->cab", [(2, 3, 4)]),
    "outer": ("i,j->ij", [(3,), (4,)]),
    "row_sum": ("ij->i", [(3, 4)]),
    "total": ("ij->", [(3, 4)]),
    "dot": ("i,i->", [(5,), (5,)]),
    "bilinear": ("bi,ij,bj->b", [(2, 3), (3, 3), (2, 3)]),
    "ellipsis": ("...ij,...jk->...ik", [(2, 2, 3, 4), (2, 2, 4, 5)]),
    "attention": ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)]),
    "diag": ("ii->i", [(3, 3)]),
}

for _nm, (_eq, _shapes) in _EINSUM.items():
    _ins = {f"x{i}": f32(*s, seed=i) for i, s in enumerate(_shapes)}
    graph_case(f"math_Einsum_{_nm}", _ins)(lambda *xs, eq=_eq: tf.einsum(eq, *xs))


@graph_case("math_Einsum_upper_case", {"x": f32(2, 3, 4), "y": f32(2, 4, 5, seed=1)})
def _(x, y):
    return tf.einsum("bIJ,bJK->bIK", x, y)


@graph_case("math_Einsum_implicit", {"x": f32(3, 4), "y": f32(4, 5, seed=1)})
def _(x, y):
    return tf.einsum("ij,jk", x, y)


@graph_case("math_Einsum_unknown_batch", {"x": f32(2, 3, 4), "y": f32(4, 5, seed=1)}, shapes={"x": (None, None, 4)})
def _(x, y):
    return tf.einsum("bij,jk->bik", x, y)


# ---------------------------------------------------------------- reductions

_REDUCE = {"Mean": tf.reduce_mean, "Sum": tf.reduce_sum, "Max": tf.reduce_max,
           "Min": tf.reduce_min, "Prod": tf.reduce_prod}

for _op, _fn in _REDUCE.items():
    graph_case(f"math_{_op}_axis1", {"x": f32(3, 4, 5, lo=0.5, hi=1.5)}, shapes={"x": (None, 4, 5)})(
        lambda x, fn=_fn: fn(x, axis=1))
    graph_case(f"math_{_op}_keepdims_neg_axes", {"x": f32(3, 4, 5, lo=0.5, hi=1.5)})(
        lambda x, fn=_fn: fn(x, axis=[-1, 0], keepdims=True))
    graph_case(f"math_{_op}_all_axes", {"x": f32(2, 3, lo=0.5, hi=1.5)})(lambda x, fn=_fn: fn(x))
    graph_case(f"math_{_op}_i32", {"x": i32(3, 4, lo=-5, hi=6)})(lambda x, fn=_fn: fn(x, axis=-1))
    graph_case(f"math_{_op}_i64_keepdims", {"x": i64(3, 4, lo=-5, hi=6)})(
        lambda x, fn=_fn: fn(x, axis=0, keepdims=True))
    # axes as a computed tensor: ReduceSum takes it as an input from 13 on,
    # the others from 18 on (min_opset).
    graph_case(f"math_{_op}_dynamic_axes", {"x": f32(3, 4, lo=0.5, hi=1.5), "a": np.array([1], np.int32)},
               min_opset=13 if _op == "Sum" else 18)(lambda x, a, fn=_fn: fn(x, axis=a))


@graph_case("math_Sum_scalar_axis_i64", {"x": f32(3, 4)})
def _(x):
    return raw.Sum(input=x, axis=tf.constant(-2, tf.int64), keep_dims=False)


@graph_case("math_trap_Sum_empty_axes", {"x": f32(3, 4)})
def _(x):
    # TF reduces nothing over an empty axis list; ONNX would reduce all.
    return raw.Sum(input=x, axis=tf.constant([], tf.int32), keep_dims=False)


@graph_case("math_Mean_f64", {"x": f32(3, 4).astype(np.float64)})
def _(x):
    return tf.reduce_mean(x, axis=0)


_BOOLS = np.array([[True, True, False], [True, True, True], [False, False, False]], np.bool_)

for _op, _fn in {"All": tf.reduce_all, "Any": tf.reduce_any}.items():
    graph_case(f"math_{_op}_axis1", {"x": _BOOLS}, shapes={"x": (None, 3)})(lambda x, fn=_fn: fn(x, axis=1))
    graph_case(f"math_{_op}_axis0_keepdims", {"x": _BOOLS})(lambda x, fn=_fn: fn(x, axis=0, keepdims=True))
    graph_case(f"math_{_op}_all_axes", {"x": _BOOLS})(lambda x, fn=_fn: fn(x))


def _no_ties(*shape, seed=0):
    return rng(seed).permutation(int(np.prod(shape))).reshape(shape).astype(np.float32) - 5.0


@graph_case("math_trap_ArgMax_output_type_i32", {"x": _no_ties(3, 4)}, shapes={"x": (None, 4)})
def _(x):
    return tf.math.argmax(x, axis=1, output_type=tf.int32)


@graph_case("math_ArgMax_i64_neg_axis", {"x": _no_ties(3, 4, 2, seed=1)})
def _(x):
    return tf.math.argmax(x, axis=-2)


@graph_case("math_trap_ArgMin_output_type_i32", {"x": _no_ties(3, 4)})
def _(x):
    return tf.math.argmin(x, axis=0, output_type=tf.int32)


@graph_case("math_ArgMin_i64", {"x": rng(3).permutation(12).reshape(3, 4).astype(np.int32)})
def _(x):
    return tf.math.argmin(x, axis=1, output_type=tf.int64)


@graph_case("math_TopKV2", {"x": _no_ties(3, 6)}, shapes={"x": (None, 6)})
def _(x):
    v, i = tf.math.top_k(x, k=3)
    return v, i


@graph_case("math_TopKV2_ties_i32", {"x": np.array([[3, 1, 3, 2, 3], [0, 0, 5, 5, 1]], np.int32)})
def _(x):
    v, i = tf.math.top_k(x, k=4)
    return v, i


@graph_case("math_TopKV2_dynamic_k", {"x": _no_ties(2, 7), "k": np.array(2, np.int32)})
def _(x, k):
    v, i = tf.math.top_k(x, k=k)
    return v, i


@graph_case("math_TopKV2_index_i64", {"x": _no_ties(4, 5, seed=2)})
def _(x):
    v, i = raw.TopKV2(input=x, k=tf.constant(2), sorted=True, index_type=tf.int64)
    return v, i


# ---------------------------------------------------------------- one-hot, cumsum

@graph_case("math_trap_OneHot_negative_index", {"i": np.array([0, 2, -1, 3, 5, 1], np.int32)})
def _(i):
    # -1 and 5 are out of range: all-off rows in TF.
    return tf.one_hot(i, depth=4, on_value=2.5, off_value=-1.0)


@graph_case("math_OneHot_axis0_i64", {"i": np.array([[0, 2], [1, -3]], np.int64)})
def _(i):
    return tf.one_hot(i, depth=3, axis=0, dtype=tf.int64)


@graph_case("math_OneHot_axis1_i32_values", {"i": np.array([[0, 2, 1], [1, 0, 4]], np.int32)},
            shapes={"i": (None, 3)})
def _(i):
    return tf.one_hot(i, depth=3, axis=1, on_value=7, off_value=-2, dtype=tf.int32)


@graph_case("math_OneHot_bool_uint8", {"i": np.array([0, 2, 1, 3], np.uint8)})
def _(i):
    return tf.one_hot(i, depth=3, on_value=True, off_value=False, dtype=tf.bool)


@graph_case("math_OneHot_dynamic", {"i": np.array([0, 2, 1], np.int32), "d": np.array(4, np.int32),
                                     "on": np.array(1.5, np.float32), "off": np.array(0.25, np.float32)})
def _(i, d, on, off):
    return tf.one_hot(i, depth=d, on_value=on, off_value=off)


for _ex in (False, True):
    for _rev in (False, True):
        _nm = f"math_Cumsum{'_exclusive' if _ex else ''}{'_reverse' if _rev else ''}"
        graph_case(_nm, {"x": f32(3, 4)}, shapes={"x": (None, 4)})(
            lambda x, ex=_ex, rev=_rev: tf.math.cumsum(x, axis=1, exclusive=ex, reverse=rev))


@graph_case("math_Cumsum_i32_neg_axis", {"x": i32(3, 4)})
def _(x):
    return tf.math.cumsum(x, axis=-2, exclusive=True)


@graph_case("math_Cumsum_i64_axis_i64", {"x": i64(2, 5)})
def _(x):
    return tf.math.cumsum(x, axis=tf.constant(1, tf.int64), reverse=True)


# ---------------------------------------------------------------- generators

@graph_case("math_Range_i32", {"s": np.array(2, np.int32), "l": np.array(17, np.int32), "d": np.array(3, np.int32)})
def _(s, l, d):
    return tf.range(s, l, d)


@graph_case("math_Range_i32_negative_delta", {"s": np.array(5, np.int32), "l": np.array(-6, np.int32),
                                              "d": np.array(-2, np.int32)})
def _(s, l, d):
    return tf.range(s, l, d)


@graph_case("math_Range_i64_empty", {"s": np.array(5, np.int64), "l": np.array(5, np.int64)})
def _(s, l):
    return tf.range(s, l, tf.constant(1, tf.int64))


@graph_case("math_Range_f32", {"s": np.array(0.5, np.float32), "l": np.array(3.1, np.float32),
                               "d": np.array(0.25, np.float32)})
def _(s, l, d):
    return tf.range(s, l, d)


@graph_case("math_Range_f64", {"l": np.array(2.5, np.float64)})
def _(l):
    return tf.range(tf.constant(-1.0, tf.float64), l, tf.constant(0.5, tf.float64))


@graph_case("math_ZerosLike_OnesLike_f32", {"x": f32(2, 3)}, shapes={"x": (None, 3)})
def _(x):
    return raw.ZerosLike(x=x), raw.OnesLike(x=x)


@graph_case("math_ZerosLike_OnesLike_i32", {"x": i32(2, 3)}, shapes={"x": (None, None)})
def _(x):
    return raw.ZerosLike(x=x), raw.OnesLike(x=x)


@graph_case("math_ZerosLike_OnesLike_static_i64", {"x": i64(4)}, check=_no_ops("Shape", "ConstantOfShape"))
def _(x):
    return raw.ZerosLike(x=x), raw.OnesLike(x=x)


@graph_case("math_ZerosLike_OnesLike_bool", {"x": _BOOLS}, shapes={"x": (None, 3)})
def _(x):
    return raw.ZerosLike(x=x), raw.OnesLike(x=x)


@graph_case("math_Fill_dynamic_dims", {"d": np.array([2, 3], np.int32)})
def _(d):
    return tf.fill(d, 1.5)


@graph_case("math_Fill_dynamic_value_i32", {"v": np.array(7, np.int32), "d": np.array([2, 3], np.int32)})
def _(v, d):
    return tf.fill(d, v)


@graph_case("math_Fill_i64_dims", {"d": np.array([3, 1, 2], np.int64)})
def _(d):
    return tf.fill(d, tf.constant(-4, tf.int64))


@graph_case("math_Fill_const_dims_f64", {"x": f32(2).astype(np.float64)}, check=_no_ops("ConstantOfShape"))
def _(x):
    return tf.fill([2, 2], tf.constant(0.5, tf.float64)) + x
