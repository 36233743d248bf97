"""Issue 8, sparse and ragged: SparseReshape (with -1, run-time shapes)
and RaggedRange (empty and negative rows, scalar broadcast, floats)."""

import numpy as np
import tensorflow as tf

raw = tf.raw_ops
from harness import graph_case  # noqa: E402


@graph_case("ops_sparse_reshape", {"i": np.array([[1, 0, 0], [1, 0, 2], [1, 1, 3], [3, 2, 2], [3, 2, 3]], np.int64),
                                   "s": np.array([5, 3, 4], np.int64), "n": np.array([2, -1, 1, 3], np.int64)})
def _(i, s, n):
    oi, os_ = raw.SparseReshape(input_indices=i, input_shape=s, new_shape=n)
    return oi, os_


@graph_case("ops_sparse_reshape_flatten", {"i": np.array([[0, 1], [2, 0]], np.int64), "s": np.array([3, 2], np.int64)})
def _(i, s):
    oi, os_ = raw.SparseReshape(input_indices=i, input_shape=s, new_shape=tf.constant([-1], tf.int64))
    return oi, os_


@graph_case("ops_ragged_range_int", {"a": np.array([0, 1, 3, 0, 0, 5], np.int32), "b": np.array([-6, -5, 9, 0, 4, 1], np.int32),
                                     "d": np.array([-5, -5, 2, 1, 3, -1], np.int32)})
def _(a, b, d):
    r = tf.ragged.range(a, b, d)
    return r.row_splits, r.flat_values


@graph_case("ops_ragged_range_float_scalar_broadcast", {"b": np.array([1.0, 2.5, 0.0, 3.3], np.float32)})
def _(b):
    r = raw.RaggedRange(starts=tf.constant(0.0), limits=b, deltas=tf.constant(0.5), Tsplits=tf.int32)
    return r.rt_nested_splits, r.rt_dense_values
