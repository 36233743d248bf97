"""Array and shape ops: reshape, transpose, join/split, squeeze, shape ops,
slicing (StridedSlice masks above all), gather, pad, tile, broadcast,
reverse."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32, i64

# ---------------------------------------------------------------- Reshape


@graph_case("array_reshape_const", {"x": f32(2, 3, 4)})
def _(x):
    return tf.reshape(x, [4, -1])


@graph_case("array_reshape_int32", {"x": i32(2, 3, 4)})
def _(x):
    return tf.reshape(x, [3, 2, 2, 2])


@graph_case("array_reshape_dynamic_batch", {"x": f32(2, 3, 4)}, shapes={"x": (None, 3, 4)})
def _(x):
    # Shape → StridedSlice → Pack → Reshape, the TF idiom for flattening
    # with an unknown batch.
    return tf.reshape(x, [tf.shape(x)[0], -1])


@graph_case("array_reshape_dynamic_batch_int32", {"x": i32(3, 2, 2)}, shapes={"x": (None, None, 2)})
def _(x):
    s = tf.shape(x)
    return tf.reshape(x, tf.stack([s[0] * s[1], s[2]]))


@graph_case("array_reshape_zero_dim", {"x": f32(2, 0, 3)})
def _(x):
    # TF's 0 is a zero-size dim, not ONNX's "copy the input dim".
    return tf.reshape(x, [0, 6])


@graph_case("array_reshape_zero_dim_int32", {"x": i32(0, 4)})
def _(x):
    return tf.reshape(x, [2, 0, 2])


@graph_case("array_reshape_zero_dim_dynamic", {"x": f32(2, 0, 3)}, shapes={"x": (None, None, 3)}, min_opset=14)
def _(x):
    # A run-time 0 needs Reshape's allowzero (opset 14).
    return tf.reshape(x, tf.stack([tf.shape(x)[1], 6]))


# ---------------------------------------------------------------- Transpose


@graph_case("array_transpose", {"x": f32(2, 3, 4)})
def _(x):
    return tf.transpose(x, [2, 0, 1])


@graph_case("array_transpose_int32_unknown", {"x": i32(2, 3, 4)}, shapes={"x": (None, None, 4)})
def _(x):
    return tf.transpose(x, [1, 2, 0])


# ---------------------------------------------------------------- ConcatV2, Pack, Unpack


@graph_case("array_concat_neg_axis", {"x": f32(2, 3), "y": f32(2, 4, seed=1)}, shapes={"x": (None, 3), "y": (None, 4)})
def _(x, y):
    return tf.concat([x, y, x], axis=-1)


@graph_case("array_concat_axis0_int32", {"x": i32(2, 3), "y": i32(1, 3, seed=1)})
def _(x, y):
    return tf.concat([x, y], axis=0)


@graph_case("array_pack", {"x": f32(2, 3), "y": f32(2, 3, seed=1)})
def _(x, y):
    return tf.stack([x, y], axis=1), tf.stack([x, y, x], axis=-1), tf.stack([x], axis=0)


@graph_case("array_pack_scalars_int32", {"x": i32(3, seed=2)}, shapes={"x": (None,)})
def _(x):
    return tf.stack([tf.shape(x)[0], 7, tf.reduce_max(x)])


@graph_case("array_unpack", {"x": f32(2, 3, 4)}, shapes={"x": (None, 3, 4)})
def _(x):
    a, b, c = tf.unstack(x, axis=1)
    outs = tf.unstack(x, axis=-1)
    return (a, b, c) + tuple(outs)


@graph_case("array_unpack_int32_single", {"x": i32(1, 3)})
def _(x):
    return tf.unstack(x, axis=0)[0]


# ---------------------------------------------------------------- Split, SplitV


@graph_case("array_split", {"x": f32(2, 6)}, shapes={"x": (None, 6)})
def _(x):
    return tuple(tf.split(x, 3, axis=-1)) + tuple(tf.split(x, 2, axis=1))


@graph_case("array_split_int32", {"x": i32(4, 3)})
def _(x):
    return tuple(tf.split(x, 2, axis=0))


@graph_case("array_splitv", {"x": f32(2, 7)})
def _(x):
    return tuple(tf.split(x, [1, -1, 2], axis=1))


@graph_case("array_splitv_unknown_dim", {"x": i32(2, 7)}, shapes={"x": (None, None)})
def _(x):
    # The -1 size needs the dim, known only at run time.
    return tuple(tf.split(x, [2, -1, 1], axis=-1))


# ---------------------------------------------------------------- Squeeze, ExpandDims


@graph_case("array_squeeze_dims", {"x": f32(2, 1, 3, 1)}, shapes={"x": (None, 1, 3, 1)})
def _(x):
    return tf.squeeze(x, axis=[1]), tf.squeeze(x, axis=[-1, 1])


@graph_case("array_squeeze_all_known", {"x": i32(1, 3, 1, 2)})
def _(x):
    return tf.squeeze(x)


@graph_case("array_expand_dims", {"x": f32(2, 3)}, shapes={"x": (None, 3)})
def _(x):
    return tf.expand_dims(x, 0), tf.expand_dims(x, -1), tf.expand_dims(x, 1), tf.expand_dims(x, -2)


@graph_case("array_expand_dims_int32", {"x": i32(2, 3)})
def _(x):
    return tf.expand_dims(x, axis=2)


# ---------------------------------------------------------------- Shape, Size, Rank


@graph_case("array_shape_ops", {"x": f32(2, 3, 4)}, shapes={"x": (None, 3, None)})
def _(x):
    return (tf.shape(x), tf.shape(x, out_type=tf.int64), tf.size(x), tf.size(x, out_type=tf.int64),
            tf.rank(x))


@graph_case("array_shape_ops_static", {"x": i32(2, 3)})
def _(x):
    # raw ops: tf.shape etc. would fold to constants in Python already.
    return (tf.raw_ops.Shape(input=x), tf.raw_ops.Size(input=x, out_type=tf.int64), tf.raw_ops.Rank(input=x),
            tf.raw_ops.Shape(input=x, out_type=tf.int64))


def _unknown_rank(x, s):
    # Reshaping to a fed shape hides the rank from TF and the converter.
    return tf.reshape(x, s)


@graph_case("array_shape_ops_unknown_rank", {"x": f32(2, 3, 1), "s": np.array([3, 1, 2], np.int32)})
def _(x, s):
    y = _unknown_rank(x, s)
    return tf.shape(y), tf.size(y), tf.rank(y), tf.shape(y, out_type=tf.int64)


@graph_case("array_shape_n", {"x": f32(2, 3), "y": f32(4)}, shapes={"x": (None, 3), "y": (None,)})
def _(x, y):
    a, b = tf.shape_n([x, y])
    c, = tf.shape_n([x], out_type=tf.int64)
    return a, b, c


# ---------------------------------------------------------------- StridedSlice


def _ss(x, begin, end, strides, **masks):
    return tf.strided_slice(x, begin, end, strides, **masks)


@graph_case("array_ss_basic", {"x": f32(4, 5, 6)})
def _(x):
    return x[1:3], x[:, 1:-1, ::2], x[-3:, :4, 5:1:-2]


@graph_case("array_ss_begin_mask", {"x": f32(4, 5)})
def _(x):
    return _ss(x, [2, 1], [3, 4], [1, 1], begin_mask=1), _ss(x, [2, 3], [0, 0], [-1, -1], begin_mask=3, end_mask=0)


@graph_case("array_ss_end_mask", {"x": i32(4, 5)})
def _(x):
    return _ss(x, [1, 1], [2, 2], [1, 2], end_mask=2), _ss(x, [2, 3], [0, 0], [-1, -2], end_mask=3)


@graph_case("array_ss_shrink", {"x": f32(4, 5, 6)}, shapes={"x": (None, 5, None)})
def _(x):
    return x[:, -1], x[1], x[..., 2], x[1, :, -1], x[-1, 0, 5]


@graph_case("array_ss_shrink_last_axis_int32", {"x": i32(3, 4)}, shapes={"x": (None, None)})
def _(x):
    return x[:, -1], x[:, 0], x[-1, -1]


@graph_case("array_ss_shrink_ignores_begin_mask", {"x": f32(4, 5)})
def _(x):
    # TF takes begin on an index even where begin_mask is set.
    return _ss(x, [2], [3], [1], begin_mask=1, shrink_axis_mask=1)


@graph_case("array_ss_new_axis", {"x": f32(3, 4)}, shapes={"x": (None, 4)})
def _(x):
    return x[None], x[:, None], x[:, None, 1:3, None], x[tf.newaxis, ..., tf.newaxis]


@graph_case("array_ss_ellipsis", {"x": f32(2, 3, 4, 5)}, shapes={"x": (None, 3, None, 5)})
def _(x):
    return x[..., 1:3], x[1, ..., ::-1], x[:, ..., 2], x[...]


@graph_case("array_ss_ellipsis_middle_new_axis", {"x": f32(2, 3, 4, 5)})
def _(x):
    return x[1:, ..., None, 2], x[None, 0, ..., tf.newaxis, 1:4:2], x[..., None, :, None]


@graph_case("array_ss_ellipsis_unknown_rank", {"x": f32(2, 3, 4, 5), "s": np.array([2, 3, 4, 5], np.int32)})
def _(x, s):
    # Unknown rank: indices after the ellipsis count from the end. Outputs
    # of unknown rank cannot be ONNX graph outputs, so give shape and
    # values apart.
    y = _unknown_rank(x, s)
    outs = []
    for t in (y[..., 1:3], y[1:, ..., None, -1], y[0, ..., ::-2], y[:, None], y[None, 1, ..., 2, None, 1:]):
        outs += [tf.shape(t), tf.reshape(t, [-1])]
    return tuple(outs)


@graph_case("array_ss_unknown_rank_dynamic", {"x": i32(4, 3, 2), "s": np.array([4, 3, 2], np.int32),
                                              "i": np.array(1, np.int32)})
def _(x, s, i):
    y = _unknown_rank(x, s)
    outs = []
    for t in (y[i], y[i:, ..., i], y[..., i - 2]):
        outs += [tf.shape(t), tf.reshape(t, [-1])]
    return tuple(outs)


@graph_case("array_ss_negative_strides", {"x": f32(5, 6)}, shapes={"x": (None, None)})
def _(x):
    return x[::-1], x[:, ::-2], x[3:0:-1, -2::-3], x[-2:-6:-1], x[::-1, 4:1:-1]


@graph_case("array_ss_negative_strides_int32", {"x": i32(5, 6)})
def _(x):
    return x[::-1, ::-1], x[10:-10:-2], x[-1::-4, :-10:-1]


@graph_case("array_ss_out_of_range_bounds", {"x": f32(4, 5)})
def _(x):
    return x[-10:10], x[2:-10], x[:, 7:], _ss(x, [-7], [0], [-1], end_mask=1)


@graph_case("array_ss_shape_first_dim", {"x": f32(3, 4)}, shapes={"x": (None, 4)})
def _(x):
    s = tf.shape(x)
    return s[0], s[-1], s[1:]


@graph_case("array_ss_dynamic_bounds", {"x": f32(6, 5), "i": np.array(2, np.int32)}, shapes={"x": (None, 5)})
def _(x, i):
    # begin/end computed at run time, strides constant.
    n = tf.shape(x)[0]
    return x[i:n - 1], x[:, i:], x[i:0:-1], x[n - 2::-2, 1:i + 2]


@graph_case("array_ss_dynamic_index", {"x": f32(6, 5), "i": np.array(-1, np.int32)}, shapes={"x": (None, 5)})
def _(x, i):
    # x[i] with a run-time i (here -1: "to the end" after +1 wraps to 0).
    return x[i], x[:, i], x[i + 3, 1:3]


@graph_case("array_ss_dynamic_index_int64", {"x": i32(4, 3), "i": np.array(2, np.int64)})
def _(x, i):
    return x[i], x[1:i, i - 1]


# ---------------------------------------------------------------- Slice


@graph_case("array_slice", {"x": f32(4, 5, 6)}, shapes={"x": (None, 5, None)})
def _(x):
    return tf.slice(x, [1, 0, 2], [2, -1, 3]), tf.slice(x, [0, 1, 0], [-1, 3, -1])


@graph_case("array_slice_dynamic", {"x": i32(4, 5), "b": np.array([1, 2], np.int32)}, shapes={"x": (None, None)})
def _(x, b):
    return tf.slice(x, b, [2, -1]), tf.slice(x, b, tf.stack([-1, tf.shape(x)[1] - 3]))


# ---------------------------------------------------------------- Gather, GatherNd


@graph_case("array_gather", {"x": f32(4, 5, 3), "i": np.array([[2, 0], [3, 3]], np.int32)}, shapes={"x": (None, 5, 3)})
def _(x, i):
    return tf.gather(x, i, axis=0), tf.gather(x, [4, 1], axis=1), tf.gather(x, tf.minimum(i, 2), axis=-1)


@graph_case("array_gather_int64_indices", {"x": i32(4, 5), "i": np.array([1, 3, 0], np.int64)})
def _(x, i):
    return tf.gather(x, i, axis=1), tf.gather(x, 2)


@graph_case("array_gather_nd", {"x": f32(3, 4, 2), "i": np.array([[0, 1], [2, 3], [1, 0]], np.int32)})
def _(x, i):
    return tf.gather_nd(x, i), tf.gather_nd(x, [[[1], [2]]]), tf.gather_nd(x, [[0, 1, 1]])


@graph_case("array_gather_nd_int64", {"x": i32(3, 4), "i": np.array([[2], [0]], np.int64)}, shapes={"x": (None, 4)})
def _(x, i):
    return tf.gather_nd(x, i)


# ---------------------------------------------------------------- Pad, PadV2, MirrorPad


@graph_case("array_pad", {"x": f32(2, 3)}, shapes={"x": (None, 3)})
def _(x):
    return tf.pad(x, [[1, 0], [2, 3]]), tf.pad(x, [[0, 2], [1, 1]], constant_values=1.5)


@graph_case("array_pad_int32_dynamic", {"x": i32(2, 3), "p": np.array([[1, 2], [0, 1]], np.int32)})
def _(x, p):
    return tf.pad(x, p), tf.pad(x, p, constant_values=-7)


@graph_case("array_mirror_pad_reflect", {"x": f32(3, 4, 2)}, shapes={"x": (None, 4, 2)})
def _(x):
    return tf.pad(x, [[1, 2], [3, 0], [0, 1]], mode="REFLECT")


@graph_case("array_mirror_pad_symmetric", {"x": f32(3, 4, 2)}, shapes={"x": (None, None, 2)})
def _(x):
    return tf.pad(x, [[1, 3], [0, 2], [2, 2]], mode="SYMMETRIC"), tf.pad(x, [[0, 0], [4, 4], [0, 0]], mode="SYMMETRIC")


@graph_case("array_mirror_pad_int32", {"x": i32(3, 4)})
def _(x):
    return tf.pad(x, [[2, 1], [1, 3]], mode="REFLECT"), tf.pad(x, [[3, 1], [0, 4]], mode="SYMMETRIC")


# ---------------------------------------------------------------- Tile, BroadcastTo, ReverseV2


@graph_case("array_tile", {"x": f32(2, 3)}, shapes={"x": (None, 3)})
def _(x):
    return tf.tile(x, [2, 3])


@graph_case("array_tile_dynamic_int32", {"x": i32(2, 3), "m": np.array([3, 1], np.int32)})
def _(x, m):
    return tf.tile(x, m)


@graph_case("array_broadcast_to", {"x": f32(3, 1)})
def _(x):
    return tf.broadcast_to(x, [2, 3, 4])


@graph_case("array_broadcast_to_dynamic_int32", {"x": i32(1, 3), "y": f32(4, 3)}, shapes={"y": (None, 3)})
def _(x, y):
    return tf.broadcast_to(x, tf.shape(y))


@graph_case("array_reverse", {"x": f32(2, 3, 4)}, shapes={"x": (None, 3, None)})
def _(x):
    return tf.reverse(x, [0]), tf.reverse(x, [-1]), tf.reverse(x, [0, 2]), tf.reverse(x, [])


@graph_case("array_reverse_int32", {"x": i32(3, 4)})
def _(x):
    return tf.reverse(x, [1])


# ---------------------------------------------------------------- v1 spellings and corners


@graph_case("array_v1_ops", {"x": f32(3, 4), "y": f32(2, 4, seed=1)}, shapes={"x": (None, 4)})
def _(x, y):
    return (tf.raw_ops.Concat(concat_dim=0, values=[x, y]),
            tf.raw_ops.Reverse(tensor=x, dims=[True, True]),
            tf.raw_ops.Gather(params=x, indices=[2, 0, 2]))


@graph_case("array_reshape_to_scalar", {"x": i32(1, 1)})
def _(x):
    return tf.reshape(x, [])


@graph_case("array_squeeze_nothing_to_squeeze", {"x": f32(2, 3)})
def _(x):
    return tf.squeeze(x)
