"""Neural-network ops: convolutions, pooling, normalization, activations,
softmax, resize, space/batch/depth layout ops and the dilated-conv pattern."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, op_counts


def W(*shape, seed=1):
    return tf.constant(f32(*shape, seed=seed))


def no_ops(*ops):
    """A check that the converted model contains none of ops."""
    def check(model, opset):
        counts = op_counts(model)
        bad = {o: counts[o] for o in ops if o in counts}
        if bad:
            raise AssertionError(f"unexpected ops {bad} in {counts}")
    return check


def has_conv_dilations(dil, *, absent=()):
    def check(model, opset):
        no_ops(*absent)(model, opset)
        convs = [n for n in model.graph.node if n.op_type == "Conv"]
        if not convs:
            raise AssertionError(f"no Conv in {op_counts(model)}")
        for n in convs:
            got = [list(a.ints) for a in n.attribute if a.name == "dilations"]
            if got != [list(dil)]:
                raise AssertionError(f"Conv {n.name} dilations {got}, want {list(dil)}")
    return check


def attr_of(node, name):
    for a in node.attribute:
        if a.name == name:
            return a
    return None


def resize_modes(ctm, nearest_mode=None):
    def check(model, opset):
        rs = [n for n in model.graph.node if n.op_type == "Resize"]
        if len(rs) != 1:
            raise AssertionError(f"want one Resize, have {op_counts(model)}")
        got = attr_of(rs[0], "coordinate_transformation_mode").s.decode()
        if got != ctm:
            raise AssertionError(f"coordinate_transformation_mode {got}, want {ctm}")
        if nearest_mode:
            got = attr_of(rs[0], "nearest_mode").s.decode()
            if got != nearest_mode:
                raise AssertionError(f"nearest_mode {got}, want {nearest_mode}")
    return check


# ---- Conv2D -----------------------------------------------------------------

@graph_case("nn_conv2d_nhwc_same", {"x": f32(2, 7, 9, 3)})
def _(x):
    return tf.nn.conv2d(x, W(3, 3, 3, 4), strides=1, padding="SAME")


# Odd input, even kernel, stride 2: TF puts the odd padded cell at the end.
@graph_case("nn_conv2d_nhwc_same_stride_odd", {"x": f32(1, 7, 8, 3)})
def _(x):
    return tf.nn.conv2d(x, W(4, 2, 3, 5), strides=[1, 2, 3, 1], padding="SAME")


@graph_case("nn_conv2d_nhwc_valid_strides", {"x": f32(2, 9, 11, 2)})
def _(x):
    return tf.nn.conv2d(x, W(3, 2, 2, 3), strides=[1, 2, 3, 1], padding="VALID")


@graph_case("nn_conv2d_dilations_attr", {"x": f32(1, 10, 9, 3)})
def _(x):
    return tf.nn.conv2d(x, W(3, 3, 3, 2), strides=1, dilations=[2, 3], padding="SAME")


@graph_case("nn_conv2d_explicit_pads", {"x": f32(1, 6, 7, 2)})
def _(x):
    return tf.nn.conv2d(x, W(3, 3, 2, 3), strides=[1, 2, 1, 1],
                        padding=[[0, 0], [1, 2], [0, 3], [0, 0]])


@graph_case("nn_conv2d_nchw_same_stride", {"x": f32(2, 3, 7, 8)})
def _(x):
    return tf.nn.conv2d(x, W(3, 3, 3, 4), strides=2, padding="SAME", data_format="NCHW")


@graph_case("nn_conv2d_nchw_valid_dilated", {"x": f32(1, 2, 9, 8)})
def _(x):
    return tf.nn.conv2d(x, W(2, 3, 2, 3), strides=1, dilations=2, padding="VALID", data_format="NCHW")


# Unknown spatial dims with stride 2: SAME needs auto_pad SAME_UPPER.
@graph_case("nn_conv2d_same_unknown_stride", {"x": f32(2, 7, 8, 3)}, shapes={"x": (None, None, None, 3)})
def _(x):
    return tf.nn.conv2d(x, W(3, 3, 3, 4), strides=2, padding="SAME")


# Unknown dims, stride 1, dilated: the pads are static whatever the size.
@graph_case("nn_conv2d_same_unknown_dilated", {"x": f32(1, 9, 6, 3)}, shapes={"x": (None, None, None, 3)})
def _(x):
    return tf.nn.conv2d(x, W(3, 2, 3, 2), strides=1, dilations=2, padding="SAME")


@graph_case("nn_conv2d_bias_relu_block", {"x": f32(2, 8, 8, 3)})
def _(x):
    y = tf.nn.conv2d(x, W(3, 3, 3, 8), strides=1, padding="SAME")
    y = tf.nn.relu(tf.nn.bias_add(y, tf.constant(f32(8, seed=3))))
    y = tf.nn.max_pool2d(y, 2, 2, "VALID")
    y = tf.nn.conv2d(y, W(3, 3, 8, 4, seed=4), strides=2, padding="SAME")
    return tf.nn.bias_add(y, tf.constant(f32(4, seed=5)))


# ---- Conv3D -----------------------------------------------------------------

@graph_case("nn_conv3d_ndhwc_same_stride", {"x": f32(1, 5, 6, 7, 2)})
def _(x):
    return tf.nn.conv3d(x, W(2, 3, 3, 2, 3), strides=[1, 2, 2, 1, 1], padding="SAME")


@graph_case("nn_conv3d_valid_unknown", {"x": f32(2, 4, 5, 6, 2)}, shapes={"x": (None, None, None, None, 2)})
def _(x):
    return tf.nn.conv3d(x, W(2, 2, 3, 2, 3), strides=[1, 1, 2, 1, 1], padding="VALID")


# ---- DepthwiseConv2dNative ------------------------------------------------

@graph_case("nn_depthwise_same", {"x": f32(2, 8, 7, 3)})
def _(x):
    return tf.nn.depthwise_conv2d(x, W(3, 3, 3, 2), strides=[1, 1, 1, 1], padding="SAME")


@graph_case("nn_depthwise_valid_stride", {"x": f32(1, 9, 8, 4)})
def _(x):
    return tf.nn.depthwise_conv2d(x, W(3, 2, 4, 1), strides=[1, 2, 2, 1], padding="VALID")


@graph_case("nn_depthwise_same_stride_unknown", {"x": f32(1, 7, 9, 2)}, shapes={"x": (None, None, None, 2)})
def _(x):
    return tf.nn.depthwise_conv2d(x, W(3, 3, 2, 3), strides=[1, 2, 2, 1], padding="SAME")


@graph_case("nn_depthwise_nchw", {"x": f32(1, 3, 6, 7)})
def _(x):
    return tf.nn.depthwise_conv2d(x, W(3, 3, 3, 2), strides=[1, 1, 2, 2], padding="SAME", data_format="NCHW")


@graph_case("nn_depthwise_raw_dilations", {"x": f32(1, 9, 10, 2)})
def _(x):
    return tf.raw_ops.DepthwiseConv2dNative(input=x, filter=W(3, 3, 2, 2), strides=[1, 1, 1, 1],
                                             padding="SAME", dilations=[1, 2, 2, 1])


# ---- Conv2DBackpropInput (conv2d_transpose) -------------------------------

# Odd output sizes with SAME and stride 2.
@graph_case("nn_deconv_same_stride_odd", {"x": f32(2, 4, 5, 3)})
def _(x):
    return tf.nn.conv2d_transpose(x, W(3, 3, 2, 3), [2, 7, 9, 2], strides=2, padding="SAME")


@graph_case("nn_deconv_same_stride_even", {"x": f32(1, 4, 5, 3)})
def _(x):
    return tf.nn.conv2d_transpose(x, W(4, 4, 2, 3), [1, 8, 10, 2], strides=2, padding="SAME")


# VALID with stride leftovers: the forward conv never read the last rows.
@graph_case("nn_deconv_valid_leftover", {"x": f32(1, 3, 4, 2)})
def _(x):
    return tf.nn.conv2d_transpose(x, W(3, 2, 3, 2), [1, 8, 9, 3], strides=[1, 2, 2, 1], padding="VALID")


@graph_case("nn_deconv_nchw_same", {"x": f32(1, 3, 4, 5)})
def _(x):
    return tf.nn.conv2d_transpose(x, W(3, 3, 2, 3), [1, 2, 7, 10], strides=2, padding="SAME", data_format="NCHW")


@graph_case("nn_deconv_explicit", {"x": f32(1, 5, 5, 2)})
def _(x):
    return tf.nn.conv2d_transpose(x, W(3, 3, 2, 2), [1, 10, 9, 2], strides=2,
                                  padding=[[0, 0], [1, 1], [0, 2], [0, 0]])


# Unknown dims: the output shape is computed, so pads are computed too.
@graph_case("nn_deconv_same_dynamic", {"x": f32(2, 4, 5, 3)}, shapes={"x": (None, None, None, 3)})
def _(x):
    s = tf.shape(x)
    out = tf.stack([s[0], s[1] * 2 - 1, s[2] * 2, 2])
    return tf.nn.conv2d_transpose(x, W(3, 3, 2, 3), out, strides=2, padding="SAME")


@graph_case("nn_deconv_valid_dynamic", {"x": f32(1, 3, 4, 2)}, shapes={"x": (None, None, None, 2)})
def _(x):
    s = tf.shape(x)
    out = tf.stack([s[0], s[1] * 2 + 2, s[2] * 2 + 1, 3])
    return tf.nn.conv2d_transpose(x, W(3, 2, 3, 2), out, strides=2, padding="VALID")


# Unknown batch only, constant output shape with a -1-free batch (static path).
@graph_case("nn_deconv_same_unknown_batch", {"x": f32(2, 4, 4, 3)}, shapes={"x": (None, 4, 4, 3)})
def _(x):
    out = tf.stack([tf.shape(x)[0], 8, 8, 2])
    return tf.nn.conv2d_transpose(x, W(3, 3, 2, 3), out, strides=2, padding="SAME")


# ---- BiasAdd, activations, softmax ----------------------------------------

@graph_case("nn_bias_add_nhwc", {"x": f32(2, 3, 4, 5)}, shapes={"x": (None, None, None, 5)})
def _(x):
    return tf.nn.bias_add(x, tf.constant(f32(5, seed=2)))


@graph_case("nn_bias_add_nchw", {"x": f32(2, 5, 3, 4)})
def _(x):
    return tf.nn.bias_add(x, tf.constant(f32(5, seed=2)), data_format="NCHW")


@graph_case("nn_bias_add_rank2", {"x": f32(3, 6), "b": f32(6, seed=4)})
def _(x, b):
    return tf.nn.bias_add(x, b)


@graph_case("nn_relu6", {"x": f32(3, 50, lo=-4, hi=10)})
def _(x):
    return tf.nn.relu6(x)


@graph_case("nn_leaky_relu", {"x": f32(4, 5, lo=-3, hi=3)})
def _(x):
    return tf.nn.leaky_relu(x, alpha=0.13), tf.nn.leaky_relu(x)


@graph_case("nn_elu_selu", {"x": f32(4, 5, lo=-3, hi=3)})
def _(x):
    return tf.nn.elu(x), tf.nn.selu(x)


@graph_case("nn_softmax_rank3", {"x": f32(2, 3, 5, lo=-3, hi=3)}, shapes={"x": (None, 3, None)})
def _(x):
    return tf.nn.softmax(x), tf.nn.log_softmax(x)


@graph_case("nn_softmax_rank2", {"x": f32(4, 7, lo=-5, hi=5)})
def _(x):
    return tf.nn.softmax(x), tf.nn.log_softmax(x)


# ---- Pooling ----------------------------------------------------------------

@graph_case("nn_maxpool_same_stride_odd", {"x": f32(2, 7, 9, 3)})
def _(x):
    return tf.nn.max_pool2d(x, [3, 2], [2, 2], "SAME")


@graph_case("nn_maxpool_valid", {"x": f32(1, 8, 9, 2)})
def _(x):
    return tf.nn.max_pool2d(x, [2, 3], [2, 3], "VALID")


@graph_case("nn_maxpool_nchw", {"x": f32(1, 2, 7, 8)})
def _(x):
    return tf.nn.max_pool2d(x, 3, 2, "SAME", data_format="NCHW")


@graph_case("nn_maxpool_same_unknown", {"x": f32(2, 7, 9, 3)}, shapes={"x": (None, None, None, 3)})
def _(x):
    return tf.nn.max_pool2d(x, 3, 2, "SAME")


@graph_case("nn_maxpool_v2", {"x": f32(1, 9, 7, 2)})
def _(x):
    return tf.raw_ops.MaxPoolV2(input=x, ksize=tf.constant([1, 3, 3, 1]), strides=tf.constant([1, 2, 2, 1]),
                                padding="SAME")


# SAME average pooling divides by the number of real cells (not the pads).
@graph_case("nn_avgpool_same_excludes_pads", {"x": f32(2, 7, 9, 3, lo=0.5, hi=2)})
def _(x):
    return tf.nn.avg_pool2d(x, 3, 2, "SAME")


@graph_case("nn_avgpool_valid_nchw", {"x": f32(1, 3, 8, 7)})
def _(x):
    return tf.nn.avg_pool2d(x, [2, 3], [2, 2], "VALID", data_format="NCHW")


@graph_case("nn_avgpool_same_unknown", {"x": f32(1, 8, 5, 2)}, shapes={"x": (None, None, None, 2)})
def _(x):
    return tf.nn.avg_pool2d(x, [3, 2], [3, 2], "SAME")


@graph_case("nn_pool3d", {"x": f32(1, 5, 6, 7, 2)})
def _(x):
    return tf.nn.max_pool3d(x, 2, 2, "SAME"), tf.nn.avg_pool3d(x, [2, 3, 2], [1, 2, 2], "SAME")


# ---- FusedBatchNorm ---------------------------------------------------------

def _bn_params(c):
    return (tf.constant(f32(c, seed=11, lo=0.5, hi=1.5)), tf.constant(f32(c, seed=12)),
            tf.constant(f32(c, seed=13)), tf.constant(f32(c, seed=14, lo=0.2, hi=2.0)))


@graph_case("nn_fused_batch_norm_v3_nhwc", {"x": f32(2, 4, 5, 3)}, shapes={"x": (None, None, None, 3)})
def _(x):
    s, o, m, v = _bn_params(3)
    y, bm, bv = tf.compat.v1.nn.fused_batch_norm(x, s, o, m, v, epsilon=0.01, is_training=False)
    # Fetched directly, grappler's remapper drops outputs 1 and 2 of an
    # inference-mode batch norm; consumed by an op, they are kept.
    return y, bm * 1.0, bv * 1.0


@graph_case("nn_fused_batch_norm_v3_nchw", {"x": f32(2, 3, 4, 5)})
def _(x):
    s, o, m, v = _bn_params(3)
    return tf.compat.v1.nn.fused_batch_norm(x, s, o, m, v, epsilon=0.001, is_training=False,
                                            data_format="NCHW")[0]


@graph_case("nn_fused_batch_norm_v1_v2", {"x": f32(2, 4, 5, 3)})
def _(x):
    s, o, m, v = _bn_params(3)
    y1 = tf.raw_ops.FusedBatchNorm(x=x, scale=s, offset=o, mean=m, variance=v, epsilon=0.003,
                                   is_training=False)[0]
    y2 = tf.raw_ops.FusedBatchNormV2(x=x, scale=s, offset=o, mean=m, variance=v, is_training=False)[0]
    return y1, y2


@graph_case("nn_fused_batch_norm_5d", {"x": f32(1, 3, 4, 5, 2)})
def _(x):
    s, o, m, v = _bn_params(2)
    return tf.raw_ops.FusedBatchNormV3(x=x, scale=s, offset=o, mean=m, variance=v, epsilon=0.002,
                                       is_training=False, data_format="NDHWC")[0]


@graph_case("nn_fused_batch_norm_training", {"x": f32(3, 4, 5, 2)}, shapes={"x": (None, None, None, 2)})
def _(x):
    s, o, _, _ = _bn_params(2)
    return tf.compat.v1.nn.fused_batch_norm(x, s, o, epsilon=0.001, is_training=True)[0]


@graph_case("nn_keras_batch_norm_inference", {"x": f32(2, 5, 5, 4)})
def _(x):
    layer = tf.keras.layers.BatchNormalization(epsilon=0.01)
    layer.build(x.shape)
    layer.set_weights([f32(4, seed=21, lo=0.5, hi=1.5), f32(4, seed=22), f32(4, seed=23),
                       f32(4, seed=24, lo=0.3, hi=2)])
    return layer(x, training=False)


# ---- LRN --------------------------------------------------------------------

@graph_case("nn_lrn_params", {"x": f32(2, 3, 4, 9)})
def _(x):
    return tf.nn.local_response_normalization(x, depth_radius=2, bias=1.5, alpha=0.3, beta=0.75)


@graph_case("nn_lrn_defaults", {"x": f32(1, 3, 3, 14)})
def _(x):
    return tf.nn.local_response_normalization(x)


# ---- Resize -----------------------------------------------------------------

def _resize_cases():
    for kind, fn in (("bilinear", tf.compat.v1.image.resize_bilinear),
                     ("nearest", tf.compat.v1.image.resize_nearest_neighbor)):
        nearest = kind == "nearest"
        for flags, (ctm, nm) in (("asym", ("asymmetric", "floor")),
                                 ("align", ("align_corners", "round_prefer_ceil")),
                                 ("halfpix", ("half_pixel", "round_prefer_ceil"))):
            ac, hp = flags == "align", flags == "halfpix"
            for size_name, in_hw, out_hw in (("up", (5, 7), (8, 11)), ("down", (9, 8), (4, 6)),
                                             ("tie", (3, 4), (5, 7))):
                name = f"nn_resize_{kind}_{flags}_{size_name}"

                def body(x, fn=fn, ac=ac, hp=hp, out_hw=out_hw):
                    return fn(x, out_hw, align_corners=ac, half_pixel_centers=hp)

                graph_case(name, {"x": f32(2, *in_hw, 3, seed=len(name))},
                           check=resize_modes(ctm, nm if nearest else None))(body)


_resize_cases()


# The size computed from the input's (unknown) shape.
@graph_case("nn_resize_bilinear_computed_size", {"x": f32(1, 4, 6, 2)}, shapes={"x": (None, None, None, 2)})
def _(x):
    hw = tf.shape(x)[1:3] * 2 + 1
    return tf.compat.v1.image.resize_bilinear(x, hw, half_pixel_centers=True)


@graph_case("nn_resize_nearest_computed_size", {"x": f32(2, 3, 5, 3)}, shapes={"x": (None, None, None, 3)})
def _(x):
    hw = tf.shape(x)[1:3] * 3
    return tf.compat.v1.image.resize_nearest_neighbor(x, hw)


@graph_case("nn_resize_bilinear_uint8", {"x": np.arange(2 * 4 * 5 * 3, dtype=np.uint8).reshape(2, 4, 5, 3)})
def _(x):
    return tf.compat.v1.image.resize_bilinear(x, (7, 9), align_corners=True)


@graph_case("nn_resize_nearest_int32", {"x": np.arange(4 * 5 * 2, dtype=np.int32).reshape(1, 4, 5, 2)})
def _(x):
    return tf.compat.v1.image.resize_nearest_neighbor(x, (9, 6), half_pixel_centers=True)


# ---- SpaceToBatchND / BatchToSpaceND --------------------------------------

@graph_case("nn_space_to_batch_nd", {"x": f32(2, 5, 7, 3)})
def _(x):
    return tf.space_to_batch_nd(x, [2, 3], [[1, 0], [1, 1]])


@graph_case("nn_batch_to_space_nd", {"x": f32(12, 3, 2, 3)})
def _(x):
    return tf.batch_to_space(x, [2, 3], [[1, 0], [2, 1]])


@graph_case("nn_space_batch_roundtrip_unknown", {"x": f32(2, 6, 9, 3)}, shapes={"x": (None, None, None, 3)})
def _(x):
    y = tf.space_to_batch_nd(x, [2, 3], [[0, 2], [3, 0]])
    return y, tf.batch_to_space(y * 2.0, [2, 3], [[0, 2], [3, 0]])


@graph_case("nn_space_batch_dynamic_pads", {"x": f32(1, 5, 7, 2)}, shapes={"x": (None, None, None, 2)})
def _(x):
    pads, crops = tf.required_space_to_batch_paddings(tf.shape(x)[1:3], [2, 2])
    y = tf.space_to_batch_nd(x, [2, 2], pads)
    return y, tf.batch_to_space(y + 1.0, [2, 2], crops)


@graph_case("nn_space_batch_1d_block", {"x": f32(2, 6, 4)})
def _(x):
    y = tf.space_to_batch_nd(x, [3], [[1, 2]])
    return y, tf.batch_to_space(y, [3], [[1, 2]])


# ---- Dilated conv pattern (SpaceToBatchND → conv → BatchToSpaceND) --------

DILATED_ABSENT = ("SpaceToDepth", "DepthToSpace", "Reshape", "Pad", "Slice")


@graph_case("nn_atrous_conv2d_same", {"x": f32(1, 17, 19, 3)},
            check=has_conv_dilations([2, 2], absent=DILATED_ABSENT))
def _(x):
    return tf.compat.v1.nn.atrous_conv2d(x, W(3, 3, 3, 4), rate=2, padding="SAME")


@graph_case("nn_atrous_conv2d_valid", {"x": f32(2, 16, 13, 3)},
            check=has_conv_dilations([3, 3], absent=DILATED_ABSENT))
def _(x):
    return tf.compat.v1.nn.atrous_conv2d(x, W(3, 2, 3, 4), rate=3, padding="VALID")


# Unknown dims: TF computes paddings and crops from the input's shape; they
# differ by constants, so the pattern still folds.
@graph_case("nn_atrous_conv2d_same_unknown", {"x": f32(2, 13, 10, 3)}, shapes={"x": (None, None, None, 3)},
            check=has_conv_dilations([2, 2], absent=("SpaceToDepth", "DepthToSpace", "Reshape")))
def _(x):
    return tf.compat.v1.nn.atrous_conv2d(x, W(3, 3, 3, 2), rate=2, padding="SAME")


@graph_case("nn_atrous_conv2d_valid_unknown", {"x": f32(1, 11, 12, 2)}, shapes={"x": (None, None, None, 2)},
            check=has_conv_dilations([2, 2], absent=("SpaceToDepth", "DepthToSpace", "Reshape")))
def _(x):
    return tf.compat.v1.nn.atrous_conv2d(x, W(2, 3, 2, 3), rate=2, padding="VALID")


@graph_case("nn_atrous_depthwise_same", {"x": f32(1, 10, 11, 3)},
            check=has_conv_dilations([2, 2], absent=DILATED_ABSENT))
def _(x):
    return tf.nn.depthwise_conv2d(x, W(3, 3, 3, 2), [1, 1, 1, 1], "SAME", dilations=[2, 2])


@graph_case("nn_atrous_conv2d_bias", {"x": f32(1, 12, 12, 4)},
            check=has_conv_dilations([4, 4], absent=DILATED_ABSENT))
def _(x):
    y = tf.compat.v1.nn.atrous_conv2d(x, W(3, 3, 4, 4), rate=4, padding="SAME")
    return tf.nn.relu(tf.nn.bias_add(y, tf.constant(f32(4, seed=9))))


# TF emits the pattern for dilated 1-D convs (around ExpandDims/Conv2D/
# Squeeze), 3-D convs and max pooling too.
@graph_case("nn_atrous_conv1d_same", {"x": f32(2, 21, 3)},
            check=has_conv_dilations([1, 2], absent=DILATED_ABSENT))
def _(x):
    return tf.compat.v1.nn.convolution(x, W(3, 3, 4), padding="SAME", dilation_rate=[2])


@graph_case("nn_atrous_conv1d_valid_unknown", {"x": f32(1, 20, 2)}, shapes={"x": (None, None, 2)},
            check=has_conv_dilations([1, 3], absent=("SpaceToDepth", "DepthToSpace")))
def _(x):
    return tf.compat.v1.nn.convolution(x, W(2, 2, 3), padding="VALID", dilation_rate=[3])


@graph_case("nn_atrous_conv3d_same", {"x": f32(1, 7, 8, 9, 2)},
            check=has_conv_dilations([2, 2, 2], absent=DILATED_ABSENT))
def _(x):
    return tf.compat.v1.nn.convolution(x, W(2, 3, 2, 2, 3), padding="SAME", dilation_rate=[2, 2, 2])


def _maxpool_dilated(model, opset):
    no_ops(*DILATED_ABSENT)(model, opset)
    pools = [n for n in model.graph.node if n.op_type == "MaxPool"]
    if len(pools) != 1 or [list(a.ints) for a in pools[0].attribute if a.name == "dilations"] != [[2, 3]]:
        raise AssertionError(f"want one MaxPool with dilations [2, 3]: {op_counts(model)}")


@graph_case("nn_atrous_maxpool_valid", {"x": f32(1, 11, 13, 2)}, check=_maxpool_dilated)
def _(x):
    return tf.compat.v1.nn.pool(x, [2, 3], "MAX", padding="VALID", dilation_rate=[2, 3])


# ---- DepthToSpace / SpaceToDepth -------------------------------------------

@graph_case("nn_depth_to_space", {"x": f32(2, 3, 4, 12)}, shapes={"x": (None, None, None, 12)})
def _(x):
    return tf.nn.depth_to_space(x, 2)


@graph_case("nn_space_to_depth", {"x": f32(2, 6, 9, 2)})
def _(x):
    return tf.nn.space_to_depth(x, 3)


@graph_case("nn_depth_space_roundtrip", {"x": f32(1, 4, 6, 3)})
def _(x):
    return tf.nn.depth_to_space(tf.nn.space_to_depth(x, 2) * 3.0, 2)


# Downscale 9→6 and 10→4: out·(in/out) lands on exact integers in TF's float
# arithmetic while onnxruntime divides by the float ratio out/in.
@graph_case("nn_resize_nearest_asym_down_exact", {"x": f32(1, 9, 10, 2, seed=3)})
def _(x):
    return tf.compat.v1.image.resize_nearest_neighbor(x, (6, 4))


@graph_case("nn_resize_bilinear_asym_down_exact", {"x": f32(1, 9, 10, 2, seed=3)})
def _(x):
    return tf.compat.v1.image.resize_bilinear(x, (6, 4))


# ---- More dtypes, 3-D transposed conv, Keras-built layers ------------------

@graph_case("nn_conv3d_transpose_same", {"x": f32(1, 3, 4, 3, 2)})
def _(x):
    return tf.nn.conv3d_transpose(x, W(2, 3, 3, 3, 2), [1, 6, 7, 6, 3], strides=[1, 2, 2, 2, 1], padding="SAME")


@graph_case("nn_fused_batch_norm_half", {"x": f32(2, 3, 4, 3).astype(np.float16)},
            rtol=2e-3, atol=2e-3, why_tolerance="float16 data: TF computes in float32 and rounds once, "
            "onnxruntime's half BatchNormalization rounds intermediate steps (1 ulp of half is ~1e-3)")
def _(x):
    s, o, m, v = _bn_params(3)
    return tf.compat.v1.nn.fused_batch_norm(x, s, o, m, v, epsilon=0.001, is_training=False)[0]


def _keras_convnet(x, upsample=True):
    L = tf.keras.layers
    tf.keras.utils.set_random_seed(7)
    y = L.Conv2D(6, 3, padding="same", dilation_rate=2, activation="relu")(x)
    y = L.BatchNormalization(epsilon=0.01)(y, training=False)
    y = L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2)(y)
    y = L.ReLU(max_value=6.0)(y)
    y = L.MaxPooling2D(2, padding="same")(y)
    y = L.Conv2DTranspose(4, 3, strides=2, padding="same")(y)
    y = L.LeakyReLU(negative_slope=0.1)(y)
    if upsample:  # Keras cannot build UpSampling2D on unknown sizes in graph mode
        y = L.UpSampling2D(2, interpolation="bilinear")(y)
    y = L.AveragePooling2D(3, strides=2, padding="same")(y)
    if upsample:
        y = L.UpSampling2D(2)(y)
    return L.Softmax()(L.Conv2D(3, 1)(y))


@graph_case("nn_keras_convnet", {"x": f32(2, 13, 11, 3)})
def _(x):
    return _keras_convnet(x)


@graph_case("nn_keras_convnet_unknown", {"x": f32(2, 13, 11, 3)}, shapes={"x": (None, None, None, 3)})
def _(x):
    return _keras_convnet(x, upsample=False)
