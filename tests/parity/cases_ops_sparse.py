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


@graph_case("ops_ragged_to_tensor_splits", {"s1": np.array([0, 1, 1, 5], np.int32), "s2": np.array([0, 3, 3, 5, 9, 10], np.int32),
                                            "v": np.arange(10, 20, dtype=np.float32)})
def _(s1, s2, v):
    return tf.RaggedTensor.from_nested_row_splits(v, [s1, s2], validate=False).to_tensor(default_value=7)


@graph_case("ops_ragged_to_tensor_row_ids", {"i1": np.array([0, 0, 0, 2, 2], np.int64), "i2": np.array([0, 0, 2, 2, 2, 3, 3, 4], np.int64),
                                             "v": np.arange(48, dtype=np.int32).reshape(8, 2, 3)})
def _(i1, i2, v):
    return tf.RaggedTensor.from_nested_value_rowids(v, [i1, i2], [4, 5]).to_tensor(default_value=-1)


@graph_case("ops_ragged_to_tensor_constrained", {"s1": np.array([0, 1, 1, 5], np.int64), "s2": np.array([0, 3, 3, 5, 9, 10], np.int64),
                                                 "v": np.arange(60, dtype=np.float32).reshape(10, 2, 3)})
def _(s1, s2, v):
    r = tf.RaggedTensor.from_nested_row_splits(v, [s1, s2], validate=False)
    return r.to_tensor(default_value=0.5, shape=[2, None, 2, 2, 3])
