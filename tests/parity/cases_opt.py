"""Optimizer fusions on the patterns Keras applications are made of: each
case checks the numbers against TensorFlow and, through check=, that the
fusion happened (the op it should leave, no Transpose inside the network).
"""

import numpy as np
import tensorflow as tf

from harness import graph_case, function_case, f32, op_counts
from cases_nets import var, const, bn


def expect(max_transposes=None, present=(), absent=(), since=None):
    """A structure check; since maps an op of present (absent) to the first
    opset at which it is expected (no longer expected)."""
    since = since or {}

    def check(model, opset):
        counts = {}

        def walk(g):
            for n in g.node:
                counts[n.op_type] = counts.get(n.op_type, 0) + 1
                for a in n.attribute:
                    if a.HasField("g"):
                        walk(a.g)
                    for sg in a.graphs:
                        walk(sg)
        walk(model.graph)
        if max_transposes is not None and counts.get("Transpose", 0) > max_transposes:
            raise AssertionError(f"{counts.get('Transpose')} Transposes, want at most {max_transposes}: {counts}")
        missing = [o for o in present if o not in counts and opset >= since.get(o, 0)]
        if missing:
            raise AssertionError(f"missing ops {missing} in {counts}")
        bad = {o: counts[o] for o in absent if o in counts and opset >= since.get(o, 0)}
        if bad:
            raise AssertionError(f"unexpected ops {bad} in {counts}")
    return check


def conv(x, name, cin, cout, seed, k=3, padding="SAME"):
    w = var(name + "/kernel", [k, k, cin, cout], seed=seed)
    b = var(name + "/bias", [cout], seed=seed + 1, scale=0.1)
    return tf.nn.bias_add(tf.nn.conv2d(x, w, strides=1, padding=padding), b)


# ---- x·sigmoid(x) and squeeze-excite (EfficientNet) ------------------------------

@graph_case("opt_swish_squeeze_excite", {"x": f32(2, 8, 8, 4)},
            check=expect(max_transposes=2, present=("GlobalAveragePool",), absent=("ReduceMean",)))
def _(x):
    h = conv(x, "c1", 4, 8, seed=1)
    h = h * tf.nn.sigmoid(h)                                   # swish: two readers of h
    s = tf.reduce_mean(h, axis=[1, 2])                         # squeeze, no keepdims
    s = tf.reshape(s, [-1, 1, 1, 8])
    s = conv(s, "se/reduce", 8, 2, seed=3, k=1)
    s = s * tf.nn.sigmoid(s)
    s = tf.nn.sigmoid(conv(s, "se/expand", 2, 8, seed=5, k=1))
    h = h * s                                                  # excite
    return tf.identity(conv(h, "c2", 8, 4, seed=7), name="out")


@graph_case("opt_squeeze_excite_keepdims", {"x": f32(1, 6, 6, 3, seed=2)},
            check=expect(max_transposes=2, present=("GlobalAveragePool",), absent=("ReduceMean",)))
def _(x):
    h = tf.nn.relu(conv(x, "c1", 3, 6, seed=11))
    s = tf.reduce_mean(h, axis=[1, 2], keepdims=True)
    s = tf.nn.relu(conv(s, "se/reduce", 6, 3, seed=13, k=1))
    s = tf.nn.sigmoid(conv(s, "se/expand", 3, 6, seed=15, k=1))
    return tf.identity(conv(h * s, "c2", 6, 2, seed=17), name="out")


# ---- hard swish and hard sigmoid (MobileNetV3) -----------------------------------

@graph_case("opt_hard_swish", {"x": f32(1, 7, 7, 3, seed=3, lo=-4, hi=4)},
            check=expect(max_transposes=2, present=("HardSwish", "HardSigmoid"), absent=("Clip",),
                         since={"HardSwish": 14}))
def _(x):
    h = conv(x, "c1", 3, 8, seed=21)
    h = h * (tf.nn.relu6(h + 3.0) / 6.0)                       # Keras hard_swish
    s = tf.reduce_mean(h, axis=[1, 2], keepdims=True)
    s = tf.nn.relu(conv(s, "se/reduce", 8, 4, seed=23, k=1))
    s = conv(s, "se/expand", 4, 8, seed=25, k=1)
    s = tf.nn.relu6(s + 3.0) * (1.0 / 6.0)                     # Keras hard_sigmoid
    return tf.identity(conv(h * s, "c2", 8, 3, seed=27), name="out")


# ---- zero padding into the convolution ---------------------------------------------

@graph_case("opt_pad_into_conv", {"x": f32(1, 9, 9, 2, seed=4)},
            check=expect(max_transposes=2, absent=("Pad",)))
def _(x):
    h = tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]])            # ZeroPadding2D, uneven
    h = tf.nn.relu(conv(h, "c1", 2, 4, seed=31, padding="VALID"))
    h = tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]])
    h = tf.nn.depthwise_conv2d(h, var("dw", [3, 3, 4, 1], seed=33), strides=[1, 2, 2, 1], padding="VALID")
    return tf.identity(h, name="out")


@graph_case("opt_pad_nonzero_kept", {"x": f32(1, 6, 6, 2, seed=5)}, check=expect(present=("Pad",)))
def _(x):
    h = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], constant_values=1.0)
    return tf.identity(conv(h, "c1", 2, 3, seed=35, padding="VALID"), name="out")


# ---- batch norm after a Concat, before Relu and Conv (DenseNet) ----------------------

@graph_case("opt_densenet_bn_forward", {"x": f32(2, 6, 6, 4, seed=6)},
            check=expect(max_transposes=2, absent=("Mul", "BatchNormalization")))
def _(x):
    feats = [x]
    for i in range(2):
        h = tf.concat(feats, axis=3)
        c = h.shape[-1]
        h = tf.nn.relu(bn(h, f"l{i}/bn", c, seed=40 + 10 * i))
        h = tf.nn.conv2d(h, var(f"l{i}/conv", [3, 3, c, 4], seed=41 + 10 * i), strides=1, padding="SAME")
        feats.append(h)
    return tf.identity(tf.concat(feats, axis=3), name="out")


@graph_case("opt_bn_negative_scale_kept", {"x": f32(1, 5, 5, 2, seed=7)})
def _(x):
    # A negative scale cannot move through the Relu: the numbers must hold.
    y, _, _ = tf.compat.v1.nn.fused_batch_norm(
        x, tf.constant([0.7, -1.3]), tf.constant([0.1, 0.2]), mean=tf.constant([0.0, 0.5]),
        variance=tf.constant([1.0, 2.0]), epsilon=1e-3, is_training=False)
    h = tf.nn.relu(y)
    return tf.identity(tf.nn.conv2d(h, var("k", [1, 1, 2, 3], seed=51), strides=1, padding="SAME"), name="out")


# ---- layer normalization and GELU (BERT) ----------------------------------------------

def layer_norm(x, name, seed, eps=1e-6):
    width = x.shape[-1]
    gamma = const(width, seed=seed, lo=0.5, hi=1.5)
    beta = const(width, seed=seed + 1)
    mean, variance = tf.nn.moments(x, axes=[-1], keepdims=True)
    return tf.nn.batch_normalization(x, mean, variance, beta, gamma, eps, name=name)


@graph_case("opt_layer_norm", {"x": f32(2, 5, 16, seed=8, lo=-2, hi=2)},
            check=expect(present=("LayerNormalization", "Gelu"), absent=("ReduceMean", "Erf"),
                         since={"LayerNormalization": 17, "ReduceMean": 17, "Gelu": 20, "Erf": 20}))
def _(x):
    h = layer_norm(x, "ln1", seed=60)
    w = var("dense/kernel", [16, 16], seed=62)
    h = tf.nn.gelu(tf.einsum("btc,cd->btd", h, w), approximate=False)   # exact GELU: Erfc
    return tf.identity(layer_norm(h + x, "ln2", seed=64), name="out")


@graph_case("opt_gelu_tanh", {"x": f32(3, 32, seed=9, lo=-4, hi=4)},
            check=expect(present=("Gelu",), absent=("Tanh",), since={"Gelu": 20, "Tanh": 20}))
def _(x):
    return tf.identity(tf.nn.gelu(x, approximate=True), name="out")


@graph_case("opt_keras_bn_forward", {"x": f32(1, 6, 6, 3, seed=10)},
            check=expect(max_transposes=2, absent=("Mul",)))
def _(x):
    # Keras 3 writes an inference batch norm as x·s + b: after a Concat no
    # conv takes it, so s moves into the next convs (one padded, one 1×1).
    h = tf.concat([x, tf.nn.relu(conv(x, "c0", 3, 3, seed=71))], axis=3)
    h = h * const(6, seed=72, lo=0.5, hi=1.5) + const(6, seed=73)
    h = tf.nn.relu(h)
    a = tf.nn.conv2d(h, var("a", [3, 3, 6, 4], seed=74), strides=1, padding="SAME")
    b = tf.nn.conv2d(h, var("b", [1, 1, 6, 2], seed=75), strides=1, padding="SAME")
    return tf.identity(tf.concat([a, b], axis=3), name="out")


def _count(model, op):
    return sum(1 for n in model.graph.node if n.op_type == op)


def _one_relu_no_pad(model, opset):
    if _count(model, "Relu") != 1 or _count(model, "Pad") != 0:
        raise AssertionError(f"want 1 Relu and no Pad: {op_counts(model)}")


@graph_case("opt_nasnet_shared_branches", {"x": f32(1, 9, 9, 3, seed=11)}, check=_one_relu_no_pad)
def _(x):
    # Keras NASNet: each branch applies its own Relu (and ZeroPadding) to
    # the same value; one of each is left, the padding inside both convs.
    outs = []
    for i in range(2):
        h = tf.nn.relu(x)
        h = tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]])
        h = tf.nn.depthwise_conv2d(h, var(f"b{i}/dw", [3, 3, 3, 1], seed=80 + i), strides=[1, 2, 2, 1],
                                   padding="VALID")
        outs.append(h)
    return tf.identity(tf.add(outs[0], outs[1]), name="out")


# ---- a Keras 3 attention block (BERT) -------------------------------------------------

_bert = {}


def _bert_block():
    if "m" not in _bert:
        import keras
        from keras import layers
        keras.utils.set_random_seed(11)
        x_in = keras.Input((6, 8))
        a = layers.MultiHeadAttention(2, 4)(x_in, x_in)
        h = layers.LayerNormalization(epsilon=1e-6)(x_in + a)
        f = layers.Dense(16, activation=lambda v: keras.activations.gelu(v, approximate=True))(h)
        f = layers.Dense(8)(f)
        h = layers.LayerNormalization(epsilon=1e-6)(h + f)
        m = keras.Model(x_in, h)
        # Non-trivial norm parameters and biases, as a trained model has.
        for w in m.weights:
            if "gamma" in w.path or "beta" in w.path or "bias" in w.path:
                w.assign(f32(*w.shape, seed=len(w.path), lo=0.5 if "gamma" in w.path else -0.5, hi=1.5 if "gamma" in w.path else 0.5))
        _bert["m"] = m
    return _bert["m"]


@function_case("opt_keras_attention_block", {"x": f32(1, 6, 8, seed=12)},
               check=expect(present=("MatMul", "LayerNormalization", "Gelu"), absent=("Einsum", "ReduceMean", "Tanh"),
                            since={"LayerNormalization": 17, "ReduceMean": 17, "Gelu": 20, "Tanh": 20}))
def _(x):
    return _bert_block()(x, training=False)


def _concats(n):
    def check(model, opset):
        if _count(model, "Concat") != n:
            raise AssertionError(f"want {n} Concat: {op_counts(model)}")
    return check


@graph_case("opt_inception_nested_concat", {"x": f32(1, 5, 5, 2, seed=13)}, check=_concats(1))
def _(x):
    # InceptionV3's last blocks: concat([a, concat([b1, b2]), concat([c1, c2])]).
    a = tf.nn.relu(conv(x, "a", 2, 2, seed=91, k=1))
    b = tf.concat([conv(x, "b1", 2, 2, seed=93), conv(x, "b2", 2, 3, seed=95)], axis=3)
    c = tf.concat([conv(x, "c1", 2, 1, seed=97), conv(x, "c2", 2, 2, seed=99)], axis=-1)
    return tf.identity(tf.concat([a, b, c], axis=3), name="out")
