"""Issue 8, quantization: FakeQuant* (nudged ranges, narrow range, other
bit widths, per channel) and QuantizeAndDequantizeV2/V3/V4 (given and
computed ranges, signed and unsigned, narrow, per axis, HALF_UP). 8-bit
forms must come out as QuantizeLinear/DequantizeLinear pairs."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32

raw = tf.raw_ops

# Values avoid the exact half steps where TF rounds up and QuantizeLinear
# rounds to even.
_X = (np.random.RandomState(0).uniform(-8, 8, size=(4, 6)).astype(np.float32))


def _qdq(model, opset):
    if opset >= 28:
        return  # onnxruntime 1.32 has no QuantizeLinear-28 kernel: the float form is used
    ops = [n.op_type for n in model.graph.node]
    if "QuantizeLinear" not in ops or "DequantizeLinear" not in ops:
        raise AssertionError(f"no QuantizeLinear/DequantizeLinear pair in {ops}")


@graph_case("ops_fake_quant_args", {"x": _X}, check=_qdq)
def _(x):
    return tf.quantization.fake_quant_with_min_max_args(x, min=-6.0, max=6.0, num_bits=8)


@graph_case("ops_fake_quant_args_same_sign", {"x": _X}, check=_qdq)
def _(x):
    return tf.quantization.fake_quant_with_min_max_args(x, min=1.0, max=5.0)


@graph_case("ops_fake_quant_args_narrow", {"x": _X}, check=_qdq)
def _(x):
    return tf.quantization.fake_quant_with_min_max_args(x, min=-3.0, max=7.0, narrow_range=True)


@graph_case("ops_fake_quant_args_4bit", {"x": _X})
def _(x):
    return tf.quantization.fake_quant_with_min_max_args(x, min=-2.0, max=2.0, num_bits=4)


@graph_case("ops_fake_quant_vars", {"x": _X}, check=_qdq)
def _(x):
    return tf.quantization.fake_quant_with_min_max_vars(x, tf.constant(-4.5), tf.constant(3.2))


@graph_case("ops_fake_quant_vars_per_channel", {"x": _X}, check=_qdq)
def _(x):
    lo = tf.constant([-1.0, -2.0, -3.0, -4.0, -5.0, -6.0])
    hi = tf.constant([1.0, 2.5, 3.0, 0.5, 5.0, 6.0])
    return tf.quantization.fake_quant_with_min_max_vars_per_channel(x, lo, hi)


@graph_case("ops_qdq_v2_given_signed", {"x": _X}, check=_qdq)
def _(x):
    return tf.quantization.quantize_and_dequantize_v2(x, -6.0, 6.0, signed_input=True, range_given=True)


@graph_case("ops_qdq_v2_given_unsigned", {"x": np.abs(_X)}, check=_qdq)
def _(x):
    return tf.quantization.quantize_and_dequantize_v2(x, 0.0, 5.0, signed_input=False, range_given=True)


@graph_case("ops_qdq_v2_computed_range", {"x": _X}, shapes={"x": (None, 6)}, check=_qdq)
def _(x):
    return tf.quantization.quantize_and_dequantize_v2(x, 0.0, 0.0, range_given=False)


@graph_case("ops_qdq_v2_narrow", {"x": _X}, check=_qdq)
def _(x):
    return tf.quantization.quantize_and_dequantize_v2(x, -3.0, 5.0, range_given=True, narrow_range=True)


@graph_case("ops_qdq_v2_computed_per_axis", {"x": _X}, check=_qdq)
def _(x):
    return tf.quantization.quantize_and_dequantize_v2(x, tf.zeros([4]), tf.zeros([4]), range_given=False, axis=0)


@graph_case("ops_qdq_v3_6bit", {"x": _X})
def _(x):
    return raw.QuantizeAndDequantizeV3(input=x, input_min=-4.0, input_max=4.0, num_bits=6, range_given=True)


@graph_case("ops_qdq_v4_half_up", {"x": _X})
def _(x):
    return raw.QuantizeAndDequantizeV4(input=x, input_min=-8.0, input_max=8.0, range_given=True, round_mode="HALF_UP")


@graph_case("ops_qdq_raw_v2", {"x": _X}, check=_qdq)
def _(x):
    return raw.QuantizeAndDequantizeV2(input=x, input_min=-5.0, input_max=5.0, range_given=True)
