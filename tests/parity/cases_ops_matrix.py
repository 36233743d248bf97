"""Issue 8, matrices: MatrixBandPart (constant and run-time bounds,
negative = keep the triangle, bool data), the diagonal ops V1–V3 (k
ranges, run-time sizes, every alignment, padding values, non-square and
batched) and MatrixDeterminant."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32

raw = tf.raw_ops

for _lo, _hi in ((-1, 0), (0, -1), (2, 3), (0, 0), (-1, -1), (4, 1)):
    graph_case(f"ops_band_part_{_lo}_{_hi}".replace("-", "m"), {"x": i32(2, 5, 7)}, shapes={"x": (None, None, 7)})(
        lambda x, lo=_lo, hi=_hi: tf.linalg.band_part(x, lo, hi))


@graph_case("ops_band_part_runtime_bounds", {"x": f32(3, 6, 4), "lo": np.array(1, np.int64), "hi": np.array(-1, np.int64)})
def _(x, lo, hi):
    return tf.linalg.band_part(x, lo, hi)


@graph_case("ops_band_part_bool", {"x": np.random.RandomState(0).rand(4, 4) > 0.3})
def _(x):
    return tf.linalg.band_part(x, 1, 0)


@graph_case("ops_matrix_diag_v1", {"d": f32(2, 4)})
def _(d):
    return tf.linalg.diag(d)


@graph_case("ops_matrix_diag_part_v1_nonsquare", {"x": i32(2, 3, 5)})
def _(x):
    return raw.MatrixDiagPart(input=x)


for _align in ("LEFT_LEFT", "LEFT_RIGHT", "RIGHT_LEFT", "RIGHT_RIGHT"):
    graph_case(f"ops_matrix_diag_part_v3_{_align}", {"x": f32(2, 4, 5), "k": np.array([-2, 1], np.int32)})(
        lambda x, k, a=_align: raw.MatrixDiagPartV3(input=x, k=k, padding_value=9.0, align=a))
    graph_case(f"ops_matrix_diag_v3_{_align}", {"d": f32(2, 3, 4), "k": np.array([-1, 1], np.int32)})(
        lambda d, k, a=_align: raw.MatrixDiagV3(diagonal=d, k=k, num_rows=-1, num_cols=-1, padding_value=0.5, align=a))
    graph_case(f"ops_matrix_set_diag_v3_{_align}", {"x": f32(5, 4), "d": f32(2, 4, seed=1)})(
        lambda x, d, a=_align: raw.MatrixSetDiagV3(input=x, diagonal=d, k=tf.constant([0, 1]), align=a))


@graph_case("ops_matrix_diag_part_v2_single_k", {"x": f32(3, 6), "k": np.array([2], np.int32)})
def _(x, k):
    return raw.MatrixDiagPartV2(input=x, k=k, padding_value=0.0)


@graph_case("ops_matrix_diag_v3_sizes", {"d": np.array([1, 2, 3], np.int64), "r": np.array(5, np.int32), "c": np.array(-1, np.int32)})
def _(d, r, c):
    return raw.MatrixDiagV3(diagonal=d, k=-1, num_rows=r, num_cols=c, padding_value=7, align="LEFT_RIGHT")


@graph_case("ops_matrix_diag_v2_rows_cols", {"d": np.array([[1, 2, 3], [4, 5, 6]], np.int32)})
def _(d):
    return raw.MatrixDiagV2(diagonal=d, k=0, num_rows=3, num_cols=4, padding_value=-1)


@graph_case("ops_eye_runtime", {"n": np.array(4, np.int32)})
def _(n):
    return tf.eye(n, dtype=tf.float32), tf.eye(n, n + 2, dtype=tf.int64)


@graph_case("ops_matrix_set_diag_v1", {"x": f32(2, 3, 3), "d": f32(2, 3, seed=3)})
def _(x, d):
    return tf.linalg.set_diag(x, d)


@graph_case("ops_determinant", {"x": f32(2, 3, 3)}, shapes={"x": (None, 3, 3)})
def _(x):
    return tf.linalg.det(x)


@graph_case("ops_determinant_f64", {"x": f32(4, 4).astype(np.float64)}, rtol=1e-4, atol=1e-5,
            why_tolerance="onnxruntime has no float64 Det: it runs in float32")
def _(x):
    return tf.linalg.det(x)


@graph_case("ops_matrix_diag_raw_v1_set_diag_v1_v2", {"d": f32(2, 3), "x": f32(2, 3, 4, seed=4)})
def _(d, x):
    return (raw.MatrixDiag(diagonal=d), raw.MatrixSetDiag(input=x, diagonal=d),
            raw.MatrixSetDiagV2(input=x, diagonal=d, k=1))
