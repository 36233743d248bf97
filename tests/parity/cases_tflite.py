"""TFLite input (--tflite): models made by TF 2.21's TFLiteConverter, run in
tf.lite.Interpreter as the reference, converted by the binary from the
.tflite file. Float, fp16-weight, dynamic-range and full-int8 variants of one
Keras CNN; a Keras LSTM; a concrete function with resize, pad, strided slice,
gather, top-k and concat; then cases per family of TFLite builtins."""

import functools

import numpy as np
import tensorflow as tf

import keras
from harness import tflite_case, f32, op_counts


def interp_inputs(content):
    it = tf.lite.Interpreter(model_content=content)
    return it.get_input_details()


def feeds_for(content, seed=0, lo=-1.0, hi=1.0):
    """Random feeds for every input of a model, by TFLite tensor name."""
    feeds = {}
    for k, d in enumerate(interp_inputs(content)):
        shape = [int(x) for x in d["shape"]]
        if d["dtype"] == np.float32:
            feeds[d["name"]] = f32(*shape, seed=seed + k, lo=lo, hi=hi)
        elif d["dtype"] in (np.int8, np.uint8):
            info = np.iinfo(d["dtype"])
            feeds[d["name"]] = np.random.RandomState(seed + k).randint(info.min, info.max + 1, size=shape).astype(d["dtype"])
        else:
            feeds[d["name"]] = np.random.RandomState(seed + k).randint(0, 4, size=shape).astype(d["dtype"])
    return feeds


@functools.lru_cache(maxsize=None)
def keras_cnn():
    keras.utils.set_random_seed(1)
    return keras.Sequential([
        keras.Input((16, 16, 3), batch_size=1),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.DepthwiseConv2D(3, padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu6"),
        keras.layers.AveragePooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
        keras.layers.Softmax(),
    ])


def representative():
    for k in range(8):
        yield [f32(1, 16, 16, 3, seed=100 + k)]


def cnn_tflite(kind):
    conv = tf.lite.TFLiteConverter.from_keras_model(keras_cnn())
    if kind in ("fp16", "dynamic", "int8"):
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    if kind == "fp16":
        conv.target_spec.supported_types = [tf.float16]
    if kind == "int8":
        conv.representative_dataset = representative
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
    return conv.convert()


def has_ops(*ops, absent=()):
    def check(model, opset):
        counts = op_counts(model)
        missing = [o for o in ops if o not in counts]
        if missing:
            raise AssertionError(f"missing ops {missing} in {counts}")
        bad = [o for o in absent if o in counts]
        if bad:
            raise AssertionError(f"unexpected ops {bad} in {counts}")
    return check


@tflite_case("tflite_cnn_float", check=has_ops("Conv", absent=("QuantizeLinear", "DequantizeLinear")))
def _cnn_float():
    b = cnn_tflite("float")
    return b, feeds_for(b)


@tflite_case("tflite_cnn_fp16", check=has_ops("Conv", absent=("QuantizeLinear", "DequantizeLinear", "Cast")))
def _cnn_fp16():
    b = cnn_tflite("fp16")
    return b, feeds_for(b)


@tflite_case("tflite_cnn_dynamic_range", rtol=1e-2, atol=2e-3,
             why_tolerance="TFLite quantizes the activations of dynamic-range layers on the fly; ONNX computes them in float",
             check=has_ops("DequantizeLinear"))
def _cnn_dynamic():
    b = cnn_tflite("dynamic")
    return b, feeds_for(b)


# onnxruntime 1.32's transpose optimizer breaks QDQ models at opset 21 (it
# makes a QuantizeLinear whose output_dtype contradicts its zero point; the
# model loads with ORT_ENABLE_BASIC): the int8 cases stop at opset 20.
@tflite_case("tflite_cnn_int8", atol=1, max_opset=20, why_tolerance="int8 outputs within one quantization step",
             check=has_ops("QuantizeLinear", "DequantizeLinear", "Conv"))
def _cnn_int8():
    b = cnn_tflite("int8")
    return b, feeds_for(b)


@tflite_case("tflite_cnn_int8_dequantize", atol=1, max_opset=20, why_tolerance="int8 outputs within one quantization step",
             extra_flags=("--dequantize",))
def _cnn_int8_deq():
    b = cnn_tflite("int8")
    return b, feeds_for(b)
