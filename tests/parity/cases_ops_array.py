"""Issue 8, array ops and the run-time variants of ops we had: Unique,
InvertPermutation, DynamicStitch/Partition, Bincount, SparseToDense,
softmax cross entropy, AdjustContrastv2; ExpandDims with a run-time axis,
SplitV with run-time sizes (and -1), MirrorPad SYMMETRIC with run-time
paddings, StridedSlice with run-time strides, GatherV2/GatherNd with
batch_dims, int MaxPool, PlaceholderWithDefault defaults."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32, i64

raw = tf.raw_ops


@graph_case("ops_unique_f32_int64_idx", {"x": np.array([2, 3, 3, 6, 4, 1, 1, 2], np.float32)}, shapes={"x": (None,)})
def _(x):
    y, i = tf.unique(x, out_idx=tf.int64)
    return y, i


@graph_case("ops_unique_with_counts_i32", {"x": np.array([5, -1, 5, 5, 0, -1], np.int32)})
def _(x):
    y, i, n = tf.unique_with_counts(x)
    return y, i, n


@graph_case("ops_invert_permutation", {"x": np.array([3, 0, 4, 1, 2], np.int32), "y": np.array([1, 0], np.int64)})
def _(x, y):
    return tf.math.invert_permutation(x), tf.math.invert_permutation(y)


@graph_case("ops_dynamic_stitch", {"i": np.array([[0, 5, 4], [2, 3, 1]], np.int32), "d": f32(2, 3, 2)})
def _(i, d):
    return tf.dynamic_stitch(tf.unstack(i), tf.unstack(d))


@graph_case("ops_dynamic_stitch_overlap_i32", {"a": np.array([0, 2], np.int32), "b": np.array([[2], [1]], np.int32),
                                               "x": i32(2, 3), "y": i32(2, 1, 3, seed=1)})
def _(a, b, x, y):
    return raw.ParallelDynamicStitch(indices=[a, b], data=[x, y]), tf.dynamic_stitch([a, b], [x, y])


@graph_case("ops_dynamic_partition", {"d": f32(5, 2), "p": np.array([0, 2, 1, 0, 2], np.int32)}, shapes={"d": (None, 2)})
def _(d, p):
    return tuple(tf.dynamic_partition(d, p, 4))  # partition 3 is empty


@graph_case("ops_dynamic_partition_rank2", {"d": i64(2, 3, 2), "p": np.array([[1, 0, 1], [1, 1, 0]], np.int32)})
def _(d, p):
    return tuple(tf.dynamic_partition(d, p, 2))


@graph_case("ops_bincount", {"x": np.array([5, 2, 3, 1, 3, 2, 7, 5, 9, 10], np.int32)})
def _(x):
    return tf.math.bincount(x), tf.math.bincount(x, minlength=14, weights=tf.cast(x, tf.float32) / 2)


@graph_case("ops_dense_bincount", {"x": np.array([[5, 2, 3, 1, 3], [2, 7, 5, 9, 0]], np.int32), "w": f32(2, 5)})
def _(x, w):
    return (tf.math.bincount(x, axis=-1), tf.math.bincount(x, weights=w, axis=-1),
            tf.math.bincount(x, axis=-1, binary_output=True), tf.math.bincount(x, axis=0, minlength=12))


@graph_case("ops_sparse_to_dense", {"i": np.array([[0, 0], [1, 2], [2, 1]], np.int64), "v": f32(3), "d": np.array(-1.0, np.float32)})
def _(i, v, d):
    st = tf.sparse.SparseTensor(i, v, [3, 4])
    return tf.sparse.to_dense(st, d), raw.SparseToDense(sparse_indices=tf.constant([1, 3]), output_shape=[5],
                                                        sparse_values=7, default_value=0)


@graph_case("ops_softmax_xent", {"l": f32(4, 5), "y": np.random.RandomState(0).dirichlet(np.ones(5), 4).astype(np.float32)})
def _(l, y):
    loss, grad = raw.SoftmaxCrossEntropyWithLogits(features=l, labels=y)
    return loss, grad


@graph_case("ops_sparse_softmax_xent", {"l": f32(4, 5), "y": np.array([0, 4, 2, 2], np.int64)}, shapes={"l": (None, 5)})
def _(l, y):
    loss, grad = raw.SparseSoftmaxCrossEntropyWithLogits(features=l, labels=y)
    return loss, grad


@graph_case("ops_adjust_contrast", {"x": f32(2, 4, 5, 3), "f": np.array(1.7, np.float32)})
def _(x, f):
    return tf.image.adjust_contrast(x, f)


@graph_case("ops_expand_dims_runtime_axis", {"x": f32(2, 3), "a": np.array(-1, np.int32), "b": np.array([1], np.int64)})
def _(x, a, b):
    return tf.expand_dims(x, a), tf.expand_dims(x, b[0])


@graph_case("ops_splitv_runtime_sizes", {"x": f32(2, 9), "s": np.array([2, -1, 3], np.int32)}, shapes={"x": (None, None)})
def _(x, s):
    return tuple(tf.split(x, s, axis=1, num=3))


@graph_case("ops_splitv_runtime_sizes_int64", {"x": i32(6, 2), "s": np.array([0, 4, 2], np.int64)})
def _(x, s):
    return tuple(tf.split(x, s, axis=0, num=3))


@graph_case("ops_mirror_pad_symmetric_runtime", {"x": f32(2, 3, 4), "p": np.array([[1, 0], [0, 3], [2, 2]], np.int32)})
def _(x, p):
    return tf.pad(x, p, mode="SYMMETRIC"), tf.pad(x, p // 2, mode="REFLECT")


@graph_case("ops_strided_slice_runtime_strides", {"x": f32(3, 8, 5), "b": np.array(6, np.int32), "s": np.array(-2, np.int32),
                                                  "t": np.array(2, np.int32)}, shapes={"x": (None, 8, None)})
def _(x, b, s, t):
    return x[:, b::s], x[::t, ::s, 1], x[:, :, ::s]


@graph_case("ops_gather_batch_dims", {"p": f32(2, 3, 4, 5), "i": np.array([[[0, 2], [1, 1], [3, 0]], [[2, 2], [0, 1], [1, 3]]], np.int32)})
def _(p, i):
    return (tf.gather(p, i, axis=2, batch_dims=2), tf.gather(p, i[:, :, 0], axis=3, batch_dims=1),
            tf.gather(p, i[:, 0, :], axis=2, batch_dims=1), tf.gather(p, i[:, :, 0] % 3, axis=1, batch_dims=1))


@graph_case("ops_gather_batch_dims_scalar_index", {"p": f32(3, 4), "i": np.array([3, 0, 2], np.int64)})
def _(p, i):
    return tf.gather(p, i, axis=1, batch_dims=1)


@graph_case("ops_gather_nd_batch_dims", {"p": f32(2, 3, 4), "i": np.array([[[1], [3]], [[0], [2]]], np.int32)})
def _(p, i):
    return tf.gather_nd(p, tf.concat([i % 3, i], axis=-1), batch_dims=1), tf.gather_nd(p, i % 3, batch_dims=1)


for _dt in (np.int32, np.int16, np.int8, np.uint8):
    graph_case(f"ops_maxpool_{np.dtype(_dt).name}", {"x": np.random.RandomState(1).randint(-100 if _dt != np.uint8 else 0, 100,
                                                                                          size=(1, 6, 6, 2)).astype(_dt)})(
        lambda x: tf.nn.max_pool2d(x, 3, 2, "SAME"))


@graph_case("ops_bincount_raw_v1", {"x": np.array([0, 3, 3, 1, 6], np.int32), "w": f32(5)})
def _(x, w):
    return (raw.Bincount(arr=x, size=8, weights=w),
            raw.Bincount(arr=x, size=tf.constant(7), weights=tf.constant([], tf.int32)))


@graph_case("ops_string_to_number", {"s": np.array(["123", "-4.5", "1e3"], dtype=object)})
def _(s):
    return tf.strings.to_number(s)


@graph_case("ops_string_to_number_int", {"s": np.array(["123", "-45", "0"], dtype=object)})
def _(s):
    return tf.strings.to_number(s, out_type=tf.int64), tf.strings.to_number(s, out_type=tf.int32)


@graph_case("ops_as_string_ints", {"x": np.array([0, -17, 2**31 - 1], np.int32), "y": np.array([5, -(2**40)], np.int64)})
def _(x, y):
    # onnxruntime returns str where TF returns bytes: the digits are
    # compared by reading them back.
    return (tf.strings.to_number(tf.strings.as_string(x), out_type=tf.int32),
            tf.strings.to_number(tf.strings.as_string(y), out_type=tf.int64))


@graph_case("ops_fused_batch_norm_half_data_float_stats", {"x": (np.random.RandomState(2).rand(1, 6, 6, 3) * 4).astype(np.float16)},
            rtol=1e-3, atol=1e-3, why_tolerance="float16 output: one half-precision step is 1e-3 relative")
def _(x):
    y, _, _, _, _, _ = raw.FusedBatchNormV3(x=x, scale=tf.constant([1.0, 2.0, 0.5]), offset=tf.constant([0.1, -0.2, 0.3]),
                                           mean=tf.constant([2.0, 1.5, 1.0]), variance=tf.constant([0.3, 1.2, 2.0]),
                                           epsilon=0.001, is_training=False)
    return y
