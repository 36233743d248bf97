"""Issue 8, scatters and segment reductions: ScatterNd (repeated indices
add up from opset 16), TensorScatter{Update,Add,Sub,Max,Min}, Segment*,
UnsortedSegment* (negative ids dropped, empty segments), SparseSegment*
with and without num_segments, int and float data, ids of rank 2."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32

raw = tf.raw_ops


@graph_case("ops_scatter_nd_slices", {"i": np.array([[0], [2]], np.int32), "u": f32(2, 3)})
def _(i, u):
    return tf.scatter_nd(i, u, tf.constant([4, 3]))


@graph_case("ops_scatter_nd_repeated_adds", {"i": np.array([[1, 1], [0, 2], [1, 1]], np.int64), "u": np.array([1, 2, 5], np.int32)},
            min_opset=16)
def _(i, u):
    return tf.scatter_nd(i, u, tf.constant([2, 3], tf.int64))


@graph_case("ops_scatter_nd_runtime_shape", {"i": np.array([[3], [0]], np.int32), "u": f32(2), "s": np.array([5], np.int32)})
def _(i, u, s):
    return tf.scatter_nd(i, u, s)


for _name, _fn, _since in (("update", tf.tensor_scatter_nd_update, 13), ("add", tf.tensor_scatter_nd_add, 16),
                           ("sub", tf.tensor_scatter_nd_sub, 16), ("max", tf.tensor_scatter_nd_max, 18),
                           ("min", tf.tensor_scatter_nd_min, 18)):
    graph_case(f"ops_tensor_scatter_{_name}_f32", {"x": f32(4, 3), "i": np.array([[0], [3]], np.int32), "u": f32(2, 3, seed=2)},
               shapes={"x": (None, 3)}, min_opset=_since)(lambda x, i, u, fn=_fn: fn(x, i, u))
    graph_case(f"ops_tensor_scatter_{_name}_i64_points", {"x": np.arange(6, dtype=np.int64).reshape(2, 3),
                                                          "i": np.array([[1, 2], [0, 0]], np.int64),
                                                          "u": np.array([-7, 9], np.int64)},
               min_opset=_since)(lambda x, i, u, fn=_fn: fn(x, i, u))

_SEG = np.array([0, 0, 1, 3, 3, 3], np.int32)  # segment 2 is empty
for _name, _fn in (("sum", tf.math.segment_sum), ("mean", tf.math.segment_mean), ("max", tf.math.segment_max),
                   ("min", tf.math.segment_min), ("prod", tf.math.segment_prod)):
    graph_case(f"ops_segment_{_name}_f32", {"d": f32(6, 2, 3), "s": _SEG}, shapes={"d": (None, 2, 3), "s": (None,)})(
        lambda d, s, fn=_fn: fn(d, s))
    graph_case(f"ops_segment_{_name}_i32_vector", {"d": i32(6, lo=-9, hi=9), "s": _SEG})(lambda d, s, fn=_fn: fn(d, s))

_USEG = np.array([[2, -1, 0], [2, 4, 0]], np.int32)  # -1 dropped, 1 and 3 empty
for _name, _fn in (("sum", tf.math.unsorted_segment_sum), ("mean", tf.math.unsorted_segment_mean),
                   ("max", tf.math.unsorted_segment_max), ("min", tf.math.unsorted_segment_min),
                   ("prod", tf.math.unsorted_segment_prod), ("sqrt_n", tf.math.unsorted_segment_sqrt_n)):
    graph_case(f"ops_unsorted_segment_{_name}_rank2_ids", {"d": f32(2, 3, 4), "s": _USEG})(
        lambda d, s, fn=_fn: fn(d, s, num_segments=5))
    graph_case(f"ops_unsorted_segment_{_name}_i32", {"d": i32(6, lo=-9, hi=9), "s": np.array([1, 0, 1, 4, 1, 0], np.int32)})(
        lambda d, s, fn=_fn: fn(d, s, num_segments=tf.constant(5, tf.int64)) if fn is not tf.math.unsorted_segment_mean
        and fn is not tf.math.unsorted_segment_sqrt_n else fn(tf.cast(d, tf.float32), s, num_segments=5))

_SIDX = np.array([0, 3, 3, 1, 2], np.int32)
_SSEG = np.array([0, 0, 1, 1, 3], np.int32)
for _name, _fn in (("sum", tf.sparse.segment_sum), ("mean", tf.sparse.segment_mean), ("sqrt_n", tf.sparse.segment_sqrt_n)):
    graph_case(f"ops_sparse_segment_{_name}", {"d": f32(4, 3), "i": _SIDX, "s": _SSEG})(lambda d, i, s, fn=_fn: fn(d, i, s))
    graph_case(f"ops_sparse_segment_{_name}_num_segments", {"d": f32(4, 2, 2), "i": _SIDX.astype(np.int64), "s": _SSEG})(
        lambda d, i, s, fn=_fn: fn(d, i, s, num_segments=6))
