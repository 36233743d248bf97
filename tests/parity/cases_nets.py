"""Whole small networks: each case checks the numbers and, through check=,
the structure the optimizer should leave (Transposes only at the model's
edges, biases and batch norms folded into convolutions, Gemm for dense
layers)."""

import numpy as np
import tensorflow as tf

from harness import graph_case, function_case, f32, op_counts


def var(name, shape, seed, scale=None):
    """A seeded variable (frozen into a constant by the harness)."""
    if scale is None:
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        scale = 1.0 / np.sqrt(max(fan_in, 1))
    init = tf.compat.v1.random_uniform_initializer(-scale, scale, seed=seed)
    return tf.compat.v1.get_variable(name, shape, tf.float32, initializer=init)


def const(*shape, seed, lo=-1.0, hi=1.0):
    return tf.constant(f32(*shape, seed=seed, lo=lo, hi=hi))


def structure(max_transposes=None, conv_bias=False, absent=(), present=(), any_of=()):
    """A check on the converted model's op counts."""
    def check(model, opset):
        counts = op_counts(model)
        if max_transposes is not None and counts.get("Transpose", 0) > max_transposes:
            raise AssertionError(f"{counts.get('Transpose')} Transposes, want at most {max_transposes}: {counts}")
        bad = {o: counts[o] for o in absent if o in counts}
        if bad:
            raise AssertionError(f"unexpected ops {bad} in {counts}")
        missing = [o for o in present if o not in counts]
        if missing:
            raise AssertionError(f"missing ops {missing} in {counts}")
        if any_of and not any(o in counts for o in any_of):
            raise AssertionError(f"none of {list(any_of)} in {counts}")
        if conv_bias:
            convs = [n for n in model.graph.node if n.op_type == "Conv"]
            if not convs:
                raise AssertionError(f"no Conv in {counts}")
            for n in convs:
                if len(n.input) < 3 or not n.input[2]:
                    raise AssertionError(f"Conv {n.name} has no bias input: {list(n.input)}")
    return check


def bn(x, name, channels, seed):
    """An inference-mode FusedBatchNormV3 with seeded statistics."""
    scale = const(channels, seed=seed, lo=0.5, hi=1.5)
    offset = const(channels, seed=seed + 1)
    mean = const(channels, seed=seed + 2, lo=-0.5, hi=0.5)
    variance = const(channels, seed=seed + 3, lo=0.5, hi=2.0)
    y, _, _ = tf.compat.v1.nn.fused_batch_norm(x, scale, offset, mean=mean, variance=variance,
                                               epsilon=1e-3, is_training=False, name=name)
    return y


# ---- MLP ----------------------------------------------------------------------

# Each dense layer (MatMul + bias Add) becomes one Gemm.
@graph_case("net_mlp", {"x": f32(4, 16)}, check=structure(present=("Gemm", "Softmax"), absent=("MatMul", "Add")))
def _(x):
    h = x
    for i, (n_in, n_out) in enumerate([(16, 32), (32, 32), (32, 10)]):
        w = var(f"dense{i}/kernel", [n_in, n_out], seed=10 + i)
        b = var(f"dense{i}/bias", [n_out], seed=20 + i, scale=0.1)
        h = tf.matmul(h, w) + b
        if i < 2:
            h = tf.nn.relu(h)
    return tf.nn.softmax(h, name="probs")


# ---- LeNet ----------------------------------------------------------------------

def lenet(x):
    w1 = var("conv1/kernel", [5, 5, 1, 10], seed=1)
    b1 = var("conv1/bias", [10], seed=2, scale=0.1)
    h = tf.nn.bias_add(tf.nn.conv2d(x, w1, strides=1, padding="VALID"), b1)    # 24×24×10
    h = tf.nn.relu(h)
    h = tf.nn.max_pool2d(h, ksize=2, strides=2, padding="VALID")                # 12×12×10
    w2 = var("conv2/kernel", [3, 3, 10, 20], seed=3)
    b2 = var("conv2/bias", [20], seed=4, scale=0.1)
    h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, w2, strides=1, padding="VALID"), b2))  # 10×10×20
    h = tf.reshape(h, [-1, 10 * 10 * 20])                                       # 2000
    w3 = var("fc1/kernel", [2000, 500], seed=5)
    b3 = var("fc1/bias", [500], seed=6, scale=0.1)
    h = tf.nn.relu(tf.matmul(h, w3) + b3)
    w4 = var("fc2/kernel", [500, 10], seed=7)
    b4 = var("fc2/bias", [10], seed=8, scale=0.1)
    return tf.nn.log_softmax(tf.matmul(h, w4) + b4, name="logits")


LENET_CHECK = structure(max_transposes=1, conv_bias=True, absent=("BatchNormalization",),
                        present=("Conv", "MaxPool", "LogSoftmax"), any_of=("Gemm", "MatMul"))


@graph_case("net_lenet", {"x": f32(2, 28, 28, 1, lo=0.0, hi=1.0)}, check=LENET_CHECK)
def _(x):
    return lenet(x)


@graph_case("net_lenet_unknown_batch", {"x": f32(3, 28, 28, 1, seed=5, lo=0.0, hi=1.0)},
            shapes={"x": (None, 28, 28, 1)}, check=LENET_CHECK)
def _(x):
    return lenet(x)


# ---- CNN with batch norm, a residual add and a concat -----------------------------

@graph_case("net_cnn_bn_residual", {"x": f32(2, 12, 12, 3)},
            check=structure(max_transposes=2, conv_bias=True, absent=("BatchNormalization", "Mul", "Sub")))
def _(x):
    w1 = var("c1/kernel", [3, 3, 3, 8], seed=31)
    h1 = tf.nn.conv2d(x, w1, strides=1, padding="SAME")
    a = tf.nn.relu(bn(h1, "bn1", 8, seed=40))
    w2 = var("c2/kernel", [3, 3, 8, 8], seed=32)
    h2 = tf.nn.conv2d(a, w2, strides=1, padding="SAME")
    b = tf.nn.relu(bn(h2, "bn2", 8, seed=50))
    res = a + b
    return tf.concat([res, a], axis=3, name="out")


# ---- Depthwise-separable block ---------------------------------------------------

@graph_case("net_depthwise_separable", {"x": f32(1, 10, 10, 4)},
            check=structure(max_transposes=2, conv_bias=True, absent=("BatchNormalization",)))
def _(x):
    dw = var("dw/kernel", [3, 3, 4, 2], seed=61)  # channel multiplier 2
    h = tf.nn.depthwise_conv2d(x, dw, strides=[1, 1, 1, 1], padding="SAME")
    h = tf.nn.relu6(bn(h, "dw_bn", 8, seed=70))
    pw = var("pw/kernel", [1, 1, 8, 6], seed=62)
    h = tf.nn.conv2d(h, pw, strides=1, padding="VALID")
    return tf.nn.relu6(bn(h, "pw_bn", 6, seed=80), name="out")


# ---- Dilated convolutions ---------------------------------------------------------

@graph_case("net_dilated", {"x": f32(1, 16, 16, 3)},
            check=structure(max_transposes=2, conv_bias=True, absent=("SpaceToDepth", "DepthToSpace")))
def _(x):
    w1 = var("atrous/kernel", [3, 3, 3, 6], seed=91)
    b1 = var("atrous/bias", [6], seed=92, scale=0.1)
    h = tf.nn.relu(tf.nn.atrous_conv2d(x, w1, rate=2, padding="SAME") + b1)
    w2 = var("dil/kernel", [3, 3, 6, 4], seed=93)
    b2 = var("dil/bias", [4], seed=94, scale=0.1)
    h = tf.nn.conv2d(h, w2, strides=1, padding="VALID", dilations=2) + b2
    return tf.nn.relu(h, name="out")


# ---- Global-average-pool classifier -----------------------------------------------

@graph_case("net_gap_classifier", {"x": f32(3, 16, 16, 3)}, shapes={"x": (None, 16, 16, 3)},
            check=structure(max_transposes=1, conv_bias=True, absent=("BatchNormalization",),
                            any_of=("Gemm", "MatMul")))
def _(x):
    h = tf.nn.conv2d(x, var("g1/kernel", [3, 3, 3, 8], seed=101), strides=1, padding="SAME")
    h = tf.nn.relu(bn(h, "g1/bn", 8, seed=110))
    h = tf.nn.max_pool2d(h, ksize=3, strides=2, padding="SAME")                 # 8×8×8
    h = tf.nn.conv2d(h, var("g2/kernel", [3, 3, 8, 16], seed=102), strides=2, padding="SAME")  # 4×4×16
    h = tf.nn.relu(bn(h, "g2/bn", 16, seed=120))
    h = tf.reduce_mean(h, axis=[1, 2])                                          # global average pool
    w = var("head/kernel", [16, 5], seed=103)
    b = var("head/bias", [5], seed=104, scale=0.1)
    return tf.nn.softmax(tf.matmul(h, w) + b, name="probs")


# ---- A Keras model in a tf.function (TF2 export path) -------------------------------

_keras = {}


def _keras_cnn():
    if "m" not in _keras:
        tf.keras.utils.set_random_seed(7)
        L = tf.keras.layers
        _keras["m"] = tf.keras.Sequential([
            tf.keras.Input((12, 12, 3)),
            L.Conv2D(8, 3, padding="same", use_bias=False),
            L.BatchNormalization(epsilon=1e-3),
            L.ReLU(),
            L.SeparableConv2D(12, 3, padding="same"),
            L.BatchNormalization(),
            L.ReLU(max_value=6.0),
            L.AveragePooling2D(2),
            L.Flatten(),
            # A non-zero bias, as a trained model has (a zero one is dropped,
            # and the dense layer is then a MatMul, not a Gemm).
            L.Dense(10, bias_initializer=tf.keras.initializers.RandomUniform(-0.5, 0.5, seed=7)),
        ])
        # Non-trivial moving statistics, as a trained model has.
        for layer in _keras["m"].layers:
            if isinstance(layer, L.BatchNormalization):
                n = layer.moving_mean.shape[0]
                layer.moving_mean.assign(f32(n, seed=3, lo=-0.5, hi=0.5))
                layer.moving_variance.assign(f32(n, seed=4, lo=0.5, hi=2.0))
                layer.gamma.assign(f32(n, seed=5, lo=0.5, hi=1.5))
                layer.beta.assign(f32(n, seed=6))
    return _keras["m"]


@function_case("net_keras_cnn", {"x": f32(2, 12, 12, 3)},
               signature=[tf.TensorSpec((None, 12, 12, 3), tf.float32, name="x")],
               check=structure(max_transposes=1, absent=("BatchNormalization",), present=("Gemm",)))
def _(x):
    # (The separable conv's depthwise half has no bias of its own.)
    return _keras_cnn()(x, training=False)
