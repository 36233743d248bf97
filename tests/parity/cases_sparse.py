"""Issue 8, sparse outputs: DenseToDenseSetOperation (every operation,
duplicates, empty results, batch dims, run-time shapes), CTCGreedyDecoder
(merge_repeated, blank_index, short and zero sequence lengths, float64),
SparseFillEmptyRows (all four outputs, unsorted entries, no entries),
RaggedGather (nested rows, 2-D indices) and RaggedTensorToSparse (nested
rows, inner dims, empty rows)."""

import numpy as np
import tensorflow as tf

raw = tf.raw_ops
from harness import graph_case  # noqa: E402

# Sets: rows with duplicates, shared and distinct elements, one row whose
# intersection is empty.
SET_A = np.array([[10, 2, 30, 2, 5], [10, 9, 1, 9, 3], [7, 7, 7, 7, 7]], np.int32)
SET_B = np.array([[4, 5, 10, 8, 9], [1, 4, 1, 1, 5], [1, 2, 3, 4, 6]], np.int32)


def _sparse(s):
    return s.indices, s.values, s.dense_shape


for _op in ["union", "intersection", "a-b", "b-a"]:
    @graph_case(f"sparse_set_{_op.replace('-', '_minus_')}", {"a": SET_A, "b": SET_B})
    def _(a, b, _op=_op):
        return _sparse(tf.sets.difference(a, b, aminusb=_op == "a-b") if "-" in _op else
                       getattr(tf.sets, _op)(a, b))


@graph_case("sparse_set_union_int64_dynamic", {"a": np.array([[3, -1, 3], [0, 0, 0]], np.int64),
                                               "b": np.array([[-1, 8], [2, -5]], np.int64)},
            shapes={"a": [None, None], "b": [None, None]})
def _(a, b):
    return _sparse(tf.sets.union(a, b))


@graph_case("sparse_set_intersection_batch3d_uint8", {"a": np.array([[[1, 2, 2], [4, 5, 6]], [[9, 9, 8], [0, 1, 2]]], np.uint8),
                                                      "b": np.array([[[2, 1, 7, 7], [6, 6, 6, 6]], [[8, 9, 1, 1], [3, 3, 3, 3]]], np.uint8)})
def _(a, b):
    return _sparse(tf.sets.intersection(a, b))


@graph_case("sparse_set_difference_empty", {"a": np.array([[1, 2], [2, 1]], np.int16), "b": np.array([[2, 1, 1], [1, 2, 2]], np.int16)})
def _(a, b):
    return _sparse(tf.sets.difference(a, b))


# CTC: few classes so that repeats and blanks between repeats occur.
def _logits(t, b, c, seed, dt=np.float32):
    return np.random.default_rng(seed).uniform(size=(t, b, c)).astype(dt)


for _merge in [False, True]:
    @graph_case(f"sparse_ctc_greedy_merge_{_merge}", {"x": _logits(8, 5, 3, 1), "s": np.array([8, 3, 0, 8, 5], np.int32)})
    def _(x, s, _merge=_merge):
        (d,), lp = tf.nn.ctc_greedy_decoder(x, s, merge_repeated=_merge)
        return d.indices, d.values, d.dense_shape, lp


@graph_case("sparse_ctc_greedy_blank0_float64_dynamic", {"x": _logits(7, 4, 4, 2, np.float64), "s": np.array([7, 6, 1, 7], np.int32)},
            shapes={"x": [None, None, None], "s": [None]})
def _(x, s):
    d_i, d_v, d_s, lp = raw.CTCGreedyDecoder(inputs=x, sequence_length=s, merge_repeated=True, blank_index=0)
    return d_i[0], d_v[0], d_s[0], lp


@graph_case("sparse_ctc_greedy_blank1_no_merge", {"x": _logits(6, 3, 3, 3), "s": np.array([6, 6, 2], np.int32)})
def _(x, s):
    d_i, d_v, d_s, lp = raw.CTCGreedyDecoder(inputs=x, sequence_length=s, merge_repeated=False, blank_index=1)
    return d_i[0], d_v[0], d_s[0], lp


# SparseFillEmptyRows: entries not in row order, rows 0, 2 and 4 empty.
@graph_case("sparse_fill_empty_rows", {"i": np.array([[3, 2, 3], [1, 0, 2], [1, 0, 0], [3, 2, 2], [1, 1, 3]], np.int64),
                                       "v": np.array([1.5, 1.6, 1.7, 1.8, 1.9], np.float32),
                                       "s": np.array([5, 3, 4], np.int64), "d": np.array(2.5, np.float32)})
def _(i, v, s, d):
    return raw.SparseFillEmptyRows(indices=i, values=v, dense_shape=s, default_value=d)


@graph_case("sparse_fill_empty_rows_no_entries_int", {"i": np.zeros((0, 2), np.int64), "v": np.zeros((0,), np.int32),
                                                      "s": np.array([3, 4], np.int64), "d": np.array(-7, np.int32)},
            shapes={"i": [None, 2], "v": [None]})
def _(i, v, s, d):
    return raw.SparseFillEmptyRows(indices=i, values=v, dense_shape=s, default_value=d)


@graph_case("sparse_fill_empty_rows_full", {"i": np.array([[1, 4], [0, 1], [1, 0]], np.int64), "v": np.array([4, 5, 6], np.int64),
                                            "s": np.array([2, 6], np.int64), "d": np.array(0, np.int64)})
def _(i, v, s, d):
    return raw.SparseFillEmptyRows(indices=i, values=v, dense_shape=s, default_value=d)


# RaggedGather.
@graph_case("sparse_ragged_gather", {"s": np.array([0, 3, 3, 5, 9, 10], np.int32), "v": np.arange(10, 20, dtype=np.float32),
                                     "i": np.array([1, 3, 2, 0, 1, 1, 4, 3, 3], np.int32)})
def _(s, v, i):
    g = tf.gather(tf.RaggedTensor.from_row_splits(v, s, validate=False), i)
    return g.row_splits, g.flat_values


@graph_case("sparse_ragged_gather_nested_2d_indices", {"s1": np.array([0, 1, 1, 4], np.int64), "s2": np.array([0, 2, 2, 5, 6], np.int64),
                                                       "v": np.arange(12, dtype=np.int32).reshape(6, 2),
                                                       "i": np.array([[2, 0], [1, 2], [0, 0]], np.int64)},
            shapes={"i": [None, None]})
def _(s1, s2, v, i):
    r = raw.RaggedGather(params_nested_splits=[s1, s2], params_dense_values=v, indices=i, OUTPUT_RAGGED_RANK=3)
    return tuple(r.output_nested_splits) + (r.output_dense_values,)


# RaggedTensorToSparse.
@graph_case("sparse_ragged_to_sparse", {"s1": np.array([0, 1, 1, 5], np.int32), "s2": np.array([0, 3, 3, 5, 9, 10], np.int32),
                                        "v": np.arange(10, 20, dtype=np.float32)})
def _(s1, s2, v):
    return _sparse(tf.RaggedTensor.from_nested_row_splits(v, [s1, s2], validate=False).to_sparse())


@graph_case("sparse_ragged_to_sparse_inner_dims", {"s": np.array([0, 2, 2, 3, 3], np.int64), "v": np.arange(18, dtype=np.int64).reshape(3, 2, 3)},
            shapes={"s": [None], "v": [None, 2, 3]})
def _(s, v):
    return _sparse(tf.RaggedTensor.from_row_splits(v, s, validate=False).to_sparse())


# tf.map_fn over a ragged tensor: RaggedTensorToVariant/FromVariant around
# the loop's TensorLists (a TF-lowered frame from function_case, a
# StatelessWhile from graph_case).
from harness import function_case  # noqa: E402

RAGGED_SPLITS = np.array([0, 3, 3, 5, 9, 10], np.int32)


@function_case("sparse_ragged_map_fn_lowered", {"s": RAGGED_SPLITS, "v": np.arange(60, dtype=np.float32).reshape(10, 3, 2)})
def _(s, v):
    y = tf.map_fn(lambda r: r + r * r, tf.RaggedTensor.from_row_splits(v, s, validate=False))
    return y.row_splits, y.flat_values


@graph_case("sparse_ragged_map_fn_while", {"s": np.array([0, 0, 2, 7], np.int64), "v": np.arange(7, dtype=np.int32)},
            shapes={"s": [None], "v": [None]})
def _(s, v):
    y = tf.map_fn(lambda r: r * 3 - 1, tf.RaggedTensor.from_row_splits(v, s, validate=False))
    return y.row_splits, y.flat_values


@graph_case("sparse_ragged_map_fn_new_row_lengths", {"s": np.array([0, 2, 2, 5], np.int64), "v": np.arange(10, dtype=np.float32).reshape(5, 2)})
def _(s, v):
    # Each output row is twice as long as its input row, its inner dim 1.
    y = tf.map_fn(lambda r: tf.reshape(tf.concat([r, -r], 0), [-1, 1]), tf.RaggedTensor.from_row_splits(v, s, validate=False),
                  fn_output_signature=tf.RaggedTensorSpec(shape=[None, 1], dtype=tf.float32, ragged_rank=0))
    return y.row_splits, y.flat_values


@graph_case("sparse_ragged_map_fn_no_rows", {"s": np.array([0], np.int64), "v": np.zeros((0,), np.float32)},
            shapes={"s": [None], "v": [None]})
def _(s, v):
    y = tf.map_fn(lambda r: r + 1, tf.RaggedTensor.from_row_splits(v, s, validate=False))
    return y.row_splits, y.flat_values


@graph_case("sparse_ragged_map_fn_to_dense", {"s": np.array([0, 3, 3, 5], np.int32), "v": np.arange(5, dtype=np.float32)})
def _(s, v):
    # Rows read through variants; a dense result (no variant written).
    return tf.map_fn(lambda r: tf.reduce_sum(r) + 1.0, tf.RaggedTensor.from_row_splits(v, s, validate=False),
                     fn_output_signature=tf.float32)


@graph_case("sparse_ragged_map_fn_from_dense", {"n": np.array([2, 0, 3, 1], np.int32)})
def _(n):
    # A dense input mapped to ragged rows (variants written only).
    y = tf.map_fn(lambda k: tf.range(k) * 2, n, fn_output_signature=tf.RaggedTensorSpec(shape=[None], dtype=tf.int32))
    return y.row_splits, y.flat_values


def _random_sparse(seed, n, nrows, ncols):
    rng = np.random.default_rng(seed)
    flat = rng.choice(nrows * ncols, size=n, replace=False)  # unsorted, distinct
    return np.stack([flat // ncols, flat % ncols], 1).astype(np.int64), rng.standard_normal(n).astype(np.float32)


_RI, _RV = _random_sparse(5, 120, 60, 7)


@graph_case("sparse_fill_empty_rows_random", {"i": _RI, "v": _RV, "s": np.array([60, 7], np.int64), "d": np.array(-1.0, np.float32)},
            shapes={"i": [None, 2], "v": [None]})
def _(i, v, s, d):
    return raw.SparseFillEmptyRows(indices=i, values=v, dense_shape=s, default_value=d)


_RS = np.concatenate([[0], np.cumsum(np.random.default_rng(6).integers(0, 5, size=40))]).astype(np.int64)


@graph_case("sparse_ragged_gather_random", {"s": _RS, "v": np.arange(_RS[-1], dtype=np.float32),
                                            "i": np.random.default_rng(7).integers(0, 40, size=70).astype(np.int32)},
            shapes={"s": [None], "v": [None], "i": [None]})
def _(s, v, i):
    g = tf.gather(tf.RaggedTensor.from_row_splits(v, s, validate=False), i)
    return g.row_splits, g.flat_values, g.to_tensor(default_value=-1.0)
