"""Issue 8, the QDQ optimizer (optimize/qdq.go): quantization-aware graphs
(fake quantization of activations per tensor and of weights per channel,
around conv, conv transpose, matmul, with concat/split/transposes/reshapes
between) must come out as QDQ models that onnxruntime runs quantized, with
TensorFlow's values.

Tolerance: one quantization step of the output's fake quantization. TF's
FakeQuant computes floor((x − min)/scale + 0.5); QuantizeLinear computes
x/scale rounded half to even plus the zero point, and onnxruntime runs the
fused QLinearConv/QLinearMatMul in integers with one float requantization:
a value within float32 rounding of a half step can land on the neighbouring
step. The final fake quantization puts every output on its grid, so an
output is either exact or one step (its scale) away (all cases were exact
on 2026-11-30). The cases run to opset 27 (checked at 13, 17, 21, 23, 27):
at 28 the converter writes fake quantization as float arithmetic, since
onnxruntime 1.32 has no QuantizeLinear-28 kernel for these types."""


import numpy as np
import tensorflow as tf

from harness import graph_case, f32, op_counts, ort_optimized_op_counts

MAX_QDQ_OPSET = 27


def _fq(x, lo, hi, narrow=False):
    return tf.quantization.fake_quant_with_min_max_vars(x, tf.constant(lo), tf.constant(hi), narrow_range=narrow)


def _fq_channels(w, amax):
    """Symmetric narrow-range per-channel weights, as TF's QAT makes them."""
    amax = np.asarray(amax, np.float32)
    return tf.quantization.fake_quant_with_min_max_vars_per_channel(
        w, tf.constant(-amax), tf.constant(amax), narrow_range=True)


def _step(lo, hi):
    return (hi - lo) / 255.0


def ort_quantized(*fused):
    """The model has QuantizeLinear/DequantizeLinear and onnxruntime's
    optimized model contains the fused quantized ops named (at least one
    each): the model runs quantized, not merely dequantized."""

    def check(model, opset):
        counts = op_counts(model)
        if "QuantizeLinear" not in counts or "DequantizeLinear" not in counts:
            raise AssertionError(f"no QuantizeLinear/DequantizeLinear in {counts}")
        got = ort_optimized_op_counts(model)
        missing = [op for op in fused if not got.get(op)]
        if missing:
            raise AssertionError(f"onnxruntime fused no {missing}: {got}")

    return check


def wrapped(op, ins=2):
    """Every `op` node reads its first `ins` inputs from DequantizeLinear
    and is read only by QuantizeLinear (onnxruntime's DQ → op → Q unit;
    its CPU build on machines without VNNI does not fuse int8 activations,
    so the fusion itself is not checked for signed inputs)."""

    def check(model, opset):
        prod = {o: n for n in model.graph.node for o in n.output}
        nodes = [n for n in model.graph.node if n.op_type == op]
        if not nodes:
            raise AssertionError(f"no {op} in {op_counts(model)}")
        for n in nodes:
            for i in n.input[:ins]:
                if i not in prod or prod[i].op_type != "DequantizeLinear":
                    raise AssertionError(f"{op} {n.name} input {i} is not a DequantizeLinear output")
            for r in model.graph.node:
                if n.output[0] in r.input and r.op_type != "QuantizeLinear":
                    raise AssertionError(f"{op} {n.name} is read by {r.op_type}")

    return check


def _count(model, op, n):
    got = op_counts(model).get(op, 0)
    if got != n:
        raise AssertionError(f"{got} {op}, want {n}: {op_counts(model)}")


def _kernel(shape, seed):
    return f32(*shape, seed=seed, lo=-0.5, hi=0.5)


# conv → bias → relu → fake quant, twice, NHWC: the layout Transposes meet
# through the quantized tensors; per-channel narrow weights.
@graph_case("qdq_conv_per_channel", {"x": f32(1, 9, 9, 3, seed=1)}, max_opset=MAX_QDQ_OPSET,
            atol=_step(0.0, 6.0), rtol=0, why_tolerance="one step of the output's fake quantization (see the module doc)",
            check=ort_quantized("QLinearConv"))
def _(x):
    y = _fq(x, -1.0, 1.0)
    w1 = _fq_channels(_kernel((3, 3, 3, 4), 2), [0.5, 0.4, 0.3, 0.45])
    y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(y, w1, 1, "SAME"), tf.constant([0.1, -0.2, 0.05, 0.0])))
    y = _fq(y, 0.0, 6.0)
    w2 = _fq_channels(_kernel((3, 3, 4, 2), 3), [0.5, 0.35])
    y = tf.nn.relu(tf.nn.conv2d(y, w2, 2, "VALID"))
    return _fq(y, 0.0, 6.0)


# Per-tensor fake quant everywhere, with a transpose and reshape between
# two quantizations (tf2onnx's test_qdq_optimizer, larger).
@graph_case("qdq_transpose_reshape", {"x": f32(3, 4, 5, seed=4, lo=-3, hi=3)}, max_opset=MAX_QDQ_OPSET,
            atol=_step(-3.0, 3.0), rtol=0, why_tolerance="one step of the output's fake quantization (see the module doc)",
            check=lambda m, opset: _count(m, "DequantizeLinear", 1))
def _(x):
    y = _fq(x, -3.0, 3.0)
    y = tf.reshape(tf.transpose(y, [2, 0, 1]), [5, 12])
    return _fq(y, -3.0, 3.0)


# Split, concat and transpose between fake quantization and a MatMul by
# quantized weights, a slice after (tf2onnx's test_qdq_optimizer_split_concat).
@graph_case("qdq_split_concat_matmul", {"x": f32(4, 3, 6, seed=5), "y": f32(4, 5, 6, seed=6)},
            max_opset=MAX_QDQ_OPSET, atol=_step(-4.0, 4.0), rtol=0,
            why_tolerance="one step of the output's fake quantization (see the module doc)",
            check=ort_quantized("QLinearMatMul"))
def _(x, y):
    xq = _fq(x, -1.0, 1.0)
    a, _, c = tf.unstack(xq, axis=1)
    ac = tf.stack([c, a], axis=1)
    yq = _fq(y, -1.0, 1.0)
    m = tf.matmul(ac, tf.transpose(yq, [0, 2, 1]))
    return _fq(m[1:, :, 1:], -4.0, 4.0)


# Dense layers: per-channel weights on the output units, a concat of two
# branches, a split after.
@graph_case("qdq_dense_concat_split", {"x": f32(5, 8, seed=7)}, max_opset=MAX_QDQ_OPSET,
            atol=_step(0.0, 4.0), rtol=0, why_tolerance="one step of the output's fake quantization (see the module doc)",
            check=ort_quantized("QLinearMatMul"))
def _(x):
    xq = _fq(x, -1.0, 1.0)
    w1 = _fq_channels(_kernel((8, 6), 8), np.full(6, 0.5))
    w2 = _fq_channels(_kernel((8, 4), 9), np.full(4, 0.5))
    h1 = _fq(tf.nn.relu(tf.matmul(xq, w1)), 0.0, 4.0)
    h2 = _fq(tf.nn.relu(tf.matmul(xq, w2)), 0.0, 4.0)
    h = tf.concat([h2, h1], axis=1)
    p, q = tf.split(h, [3, 7], axis=1)
    return tf.concat([q, p], axis=1)


# conv2d_transpose with a fake-quantized kernel (per tensor and per its
# TF last axis, the input channels) between quantized activations.
# onnxruntime 1.32's CPU build leaves ConvTranspose in float between the
# DQ and Q (no QLinearConvTranspose here): the QDQ form is checked.
@graph_case("qdq_conv_transpose", {"x": f32(2, 5, 4, 3, seed=10)}, max_opset=MAX_QDQ_OPSET,
            atol=_step(-4.0, 4.0), rtol=0, why_tolerance="one step of the output's fake quantization (see the module doc)",
            check=wrapped("ConvTranspose"))
def _(x):
    xq = _fq(x, -1.0, 1.0)
    k1 = tf.quantization.quantize_and_dequantize_v2(tf.constant(_kernel((3, 3, 2, 3), 11)), -0.5, 0.5, range_given=True)
    y = tf.nn.conv2d_transpose(xq, k1, [2, 11, 9, 2], strides=[1, 2, 2, 1], padding="VALID")
    y = _fq(y, -4.0, 4.0)
    k2 = _fq_channels(_kernel((2, 2, 3, 2), 12), [0.5, 0.4])
    y = tf.nn.conv2d_transpose(y, k2, [2, 11, 9, 3], strides=[1, 1, 1, 1], padding="SAME")
    return _fq(y, -4.0, 4.0)


# QuantizeAndDequantizeV2 with an axis on a conv kernel (HWIO, axis 3; the
# range computed per output channel): the per-axis scale follows the
# kernel's transpose to OIHW.
@graph_case("qdq_v2_axis_conv", {"x": f32(1, 6, 6, 2, seed=13)}, max_opset=MAX_QDQ_OPSET,
            atol=_step(-2.0, 2.0), rtol=0, why_tolerance="one step of the output's fake quantization (see the module doc)",
            check=wrapped("Conv"))
def _(x):
    xq = tf.quantization.quantize_and_dequantize_v2(x, -1.0, 1.0, range_given=True)
    k = tf.quantization.quantize_and_dequantize_v2(
        tf.constant(_kernel((3, 3, 2, 3), 14)), tf.zeros([3]), tf.zeros([3]), range_given=False, axis=3)
    y = tf.nn.conv2d(xq, k, 1, "VALID")
    return tf.quantization.quantize_and_dequantize_v2(y, -2.0, 2.0, range_given=True)


# tensor_scatter_nd_update of quantized data and updates, quantized after
# (tf2onnx's test_qdq_optimizer_scatter), and one with float updates.
@graph_case("qdq_scatter", {"x": f32(6, 3, seed=15), "u": f32(2, 3, seed=16)}, max_opset=MAX_QDQ_OPSET,
            atol=_step(-1.0, 1.0), rtol=0, why_tolerance="one step of the output's fake quantization (see the module doc)",
            check=lambda m, opset: _count(m, "DequantizeLinear", 2))
def _(x, u):
    xq, uq = _fq(x, -1.0, 1.0), _fq(u, -1.0, 1.0)
    a = _fq(tf.tensor_scatter_nd_update(xq, tf.constant([[4], [1]]), uq), -1.0, 1.0)
    b = _fq(tf.tensor_scatter_nd_update(xq, tf.constant([[0], [5]]), u), -1.0, 1.0)
    return a, b
