"""TFLite input (--tflite): models made by TF 2.21's TFLiteConverter, run in
tf.lite.Interpreter as the reference, converted by the binary from the
.tflite file. Float, fp16-weight, dynamic-range and full-int8 variants of one
Keras CNN; a Keras LSTM; a concrete function with resize, pad, strided slice,
gather, top-k and concat; then cases per family of TFLite builtins."""

import functools

import numpy as np
import tensorflow as tf

import keras
from harness import tflite_case, f32, op_counts, ort_optimized_op_counts


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


@tflite_case("tflite_cnn_dynamic_range", rtol=1e-2, atol=2e-3, max_opset=21,
             why_tolerance="TFLite quantizes the activations of dynamic-range layers on the fly; ONNX computes them in float",
             check=has_ops("DequantizeLinear"))
def _cnn_dynamic():
    b = cnn_tflite("dynamic")
    return b, feeds_for(b)


def runs_quantized(model, opset):
    """onnxruntime fuses the QDQ model's convolutions into QLinearConv: the
    model runs quantized, not merely dequantized."""
    has_ops("QuantizeLinear", "DequantizeLinear", "Conv")(model, opset)
    fused = ort_optimized_op_counts(model).get("QLinearConv", 0)
    if fused < 2:
        raise AssertionError(f"onnxruntime made {fused} QLinearConv of the 3 convolutions")


# onnxruntime 1.32's transpose optimizer breaks QDQ models at opset 21 when a
# Transpose follows the input's quantization (it makes a QuantizeLinear whose
# output_dtype contradicts its zero point); the optimizer's dq-transpose
# pass avoids that for int8 inputs, not for float inputs quantized in the
# model (the float-I/O case stops at opset 20). Past opset 21 onnxruntime has
# no QuantizeLinear/DequantizeLinear kernels at all: quantized cases stop at 21.
@tflite_case("tflite_cnn_int8", atol=1, max_opset=21, why_tolerance="int8 outputs within one quantization step",
             check=runs_quantized)
def _cnn_int8():
    b = cnn_tflite("int8")
    return b, feeds_for(b)


@tflite_case("tflite_cnn_int8_dequantize", atol=1, max_opset=21, why_tolerance="int8 outputs within one quantization step",
             extra_flags=("--dequantize",))
def _cnn_int8_deq():
    b = cnn_tflite("int8")
    return b, feeds_for(b)


def from_function(fn, *specs, **opts):
    """A .tflite of a tf.function with the given input specs."""
    concrete = tf.function(fn).get_concrete_function(*specs)
    conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    for k, v in opts.items():
        setattr(conv, k, v)
    return conv.convert()


@functools.lru_cache(maxsize=None)
def keras_lstm():
    keras.utils.set_random_seed(2)
    return keras.Sequential([
        keras.Input((7, 5), batch_size=2),
        keras.layers.LSTM(6, return_sequences=True),
        keras.layers.Dense(3),
    ])


@tflite_case("tflite_keras_lstm", rtol=1e-4, atol=1e-5, why_tolerance="seven LSTM steps in float32 by two runtimes")
def _keras_lstm():
    b = tf.lite.TFLiteConverter.from_keras_model(keras_lstm()).convert()
    return b, feeds_for(b)


def _mixed(x, idx):
    y = tf.image.resize(x, (12, 10), method="bilinear")
    y = tf.pad(y, [[0, 0], [1, 2], [2, 1], [0, 0]])
    y = y[:, 1:13:2, ::3, :]
    g = tf.gather(y, idx, axis=3)
    v, i = tf.math.top_k(tf.reshape(g, [2, -1]), k=5)
    return tf.concat([v, tf.cast(i, tf.float32)], axis=1), tf.concat([g, y], axis=3)


@tflite_case("tflite_function_resize_pad_slice_gather_topk_concat")
def _function_mixed():
    b = from_function(_mixed, tf.TensorSpec((2, 6, 5, 3), tf.float32), tf.TensorSpec((4,), tf.int32))
    feeds = feeds_for(b)
    for d in interp_inputs(b):
        if d["dtype"] == np.int32:
            feeds[d["name"]] = np.array([2, 0, 1, 1], np.int32)
    return b, feeds


def function_case(name, fn, *specs, int_feeds=None, **kw):
    """A tflite_case of a tf.function; int_feeds gives fixed values for
    integer inputs by position."""
    def make():
        b = from_function(fn, *specs)
        feeds = feeds_for(b)
        for k, d in enumerate(interp_inputs(b)):
            if int_feeds and d["name"] in feeds and d["dtype"] != np.float32:
                feeds[d["name"]] = int_feeds[k]
        return b, feeds
    tflite_case(name, **kw)(make)


F = tf.float32
NHWC = tf.TensorSpec((1, 9, 9, 4), F)

keras.utils.set_random_seed(3)
_conv = keras.layers.Conv2D(6, 3, strides=2, padding="same", activation="relu")
_dw = keras.layers.DepthwiseConv2D(3, depth_multiplier=2, dilation_rate=2, activation="relu6")
_tconv = keras.layers.Conv2DTranspose(5, 3, strides=2, padding="same")
for layer in (_conv, _dw, _tconv):
    layer.build((1, 9, 9, 4))

function_case("tflite_conv2d_relu", lambda x: _conv(x), NHWC)
function_case("tflite_depthwise_dilated_relu6", lambda x: _dw(x), NHWC)
function_case("tflite_transpose_conv", lambda x: _tconv(x), NHWC, rtol=1e-5, atol=2e-5,
              why_tolerance="sums of 36 products in a different order")
function_case("tflite_pools", lambda x: (tf.nn.max_pool2d(x, 3, 2, "SAME"), tf.nn.avg_pool2d(x, 2, 2, "VALID")), NHWC)
function_case("tflite_arith_fused", lambda x, y: (
    tf.nn.relu(x + y), tf.nn.relu6(x * y), tf.nn.relu(x - y), x / (tf.abs(y) + 1.0),
    tf.maximum(x, y), tf.minimum(x, 0.25), tf.math.squared_difference(x, y)),
    tf.TensorSpec((2, 3, 4), F), tf.TensorSpec((4,), F))
function_case("tflite_reductions", lambda x: (
    tf.reduce_mean(x, axis=[1, 2]), tf.reduce_sum(x, axis=1, keepdims=True), tf.reduce_max(x, axis=-1),
    tf.reduce_min(x, axis=0), tf.reduce_prod(x, axis=2)), tf.TensorSpec((2, 3, 4), F))
function_case("tflite_shape_ops", lambda x: (
    tf.reshape(x, [4, 6]), tf.squeeze(tf.expand_dims(x, 0), [0]), tf.transpose(x, [2, 0, 1]),
    tf.pad(x, [[0, 1], [1, 0], [0, 0]], constant_values=0.5), tf.pad(x, [[1, 1], [0, 0], [2, 2]], mode="REFLECT"),
    tf.pad(x, [[0, 0], [1, 2], [0, 0]], mode="SYMMETRIC"), tf.tile(x, [1, 2, 1])), tf.TensorSpec((2, 3, 4), F))
function_case("tflite_split_slice_pack", lambda x: (
    *tf.split(x, 2, axis=2), *tf.split(x, [1, 2], axis=1), tf.slice(x, [0, 1, 1], [2, 2, 2]),
    x[:, ::-1, 1:3], x[1, :, tf.newaxis, 2], tf.stack([x[0], x[1]], axis=1), *tf.unstack(x, axis=1)),
    tf.TensorSpec((2, 3, 4), F))
function_case("tflite_gather_nd", lambda x, i: (tf.gather(x, i, axis=1), tf.gather_nd(x, tf.reshape(i[:2], [1, 2]))),
              tf.TensorSpec((3, 4, 5), F), tf.TensorSpec((3,), tf.int32),
              int_feeds={1: np.array([2, 0, 3], np.int32)})
function_case("tflite_resize_nearest", lambda x: (
    tf.compat.v1.image.resize_nearest_neighbor(x, (14, 13), align_corners=True),
    tf.compat.v1.image.resize_nearest_neighbor(x, (18, 18), half_pixel_centers=True),
    tf.compat.v1.image.resize_bilinear(x, (12, 11), align_corners=True)), NHWC)
function_case("tflite_activations", lambda x: (
    tf.nn.softmax(x), tf.nn.log_softmax(x), tf.sigmoid(x), tf.tanh(x), tf.nn.leaky_relu(x, 0.1),
    tf.nn.relu6(x * 8), tf.clip_by_value(x * 3, -1, 1), tf.nn.gelu(x, approximate=True),
    x * tf.nn.relu6(x + 3) / 6, tf.nn.elu(x), tf.exp(x), tf.math.rsqrt(tf.abs(x) + 1)),
    tf.TensorSpec((2, 3, 8), F), rtol=1e-5, atol=2e-6, why_tolerance="exp/erf/tanh approximations differ by ulps")
_prelu = keras.layers.PReLU(alpha_initializer=keras.initializers.RandomUniform(0, 0.5, seed=4))
_prelu.build((None, 5, 5, 3))
function_case("tflite_prelu", lambda x: _prelu(x), tf.TensorSpec((1, 5, 5, 3), F))
function_case("tflite_argmax_cast_topk", lambda x: (
    tf.argmax(x, axis=1), tf.argmin(x, axis=2, output_type=tf.int32), tf.cast(x * 4, tf.int32),
    tf.math.top_k(x, 2)[0]), tf.TensorSpec((2, 5, 6), F))
function_case("tflite_batch_matmul", lambda a, b: (tf.matmul(a, b), tf.matmul(a, b, transpose_b=True)[..., :2]),
              tf.TensorSpec((2, 3, 4), F), tf.TensorSpec((2, 4, 4), F))
function_case("tflite_norms", lambda x: (tf.math.l2_normalize(x, axis=-1),
                                         tf.nn.local_response_normalization(x, 2, 1.0, 0.5, 0.75)), NHWC,
              rtol=1e-5, atol=2e-6, why_tolerance="rsqrt and pow approximations differ by ulps")
function_case("tflite_space_depth", lambda x: (
    tf.nn.space_to_depth(x[:, :8, :8], 2), tf.nn.depth_to_space(x, 2),
    tf.space_to_batch_nd(x[:, :8, :8], [2, 2], [[0, 0], [0, 0]]),
    tf.compat.v1.batch_to_space_nd(x, [1, 2], [[0, 0], [0, 0]])), tf.TensorSpec((4, 9, 9, 4), F))


def fused_lstm_tflite(batch=2, steps=5, inp=4, hidden=3, time_major=False, seed=11, bidirectional=None):
    """A model of one UNIDIRECTIONAL_SEQUENCE_LSTM, written with the TFLite
    schema's Python object API (TF 2.21's converter lowers Keras 3 LSTMs to
    WHILE loops instead): the interpreter's fused kernel is the reference."""
    from tensorflow.lite.python import schema_py_generated as s
    import flatbuffers

    rng = np.random.RandomState(seed)
    buffers = [s.BufferT()]
    tensors = []

    def tensor(name, shape, data=None, variable=False):
        t = s.TensorT()
        t.name, t.shape, t.type = name, list(shape), s.TensorType.FLOAT32
        if data is not None:
            b = s.BufferT()
            b.data = np.asarray(data, np.float32).tobytes()
            buffers.append(b)
            t.buffer = len(buffers) - 1
        t.isVariable = variable
        tensors.append(t)
        return len(tensors) - 1

    xshape = (steps, batch, inp) if time_major else (batch, steps, inp)
    x = tensor("serving_default_x:0", xshape)
    gates = "ifco"  # TFLite's order: input, forget, cell, output
    w = [tensor(f"w_{g}", (hidden, inp), rng.uniform(-0.5, 0.5, (hidden, inp))) for g in gates]
    r = [tensor(f"r_{g}", (hidden, hidden), rng.uniform(-0.5, 0.5, (hidden, hidden))) for g in gates]
    b = [tensor(f"b_{g}", (hidden,), rng.uniform(-0.5, 0.5, hidden)) for g in gates]
    h0 = tensor("h_state", (batch, hidden), variable=True)
    c0 = tensor("c_state", (batch, hidden), variable=True)

    def yshape(h):
        return (steps, batch, h) if time_major else (batch, steps, h)
    op = s.OperatorT()
    op.opcodeIndex = 0
    code = s.OperatorCodeT()
    if bidirectional is None:
        y = [tensor("StatefulPartitionedCall:0", yshape(hidden))]
        op.inputs = [x, *w, *r, -1, -1, -1, *b, -1, -1, h0, c0, -1, -1, -1, -1]
        opt = s.UnidirectionalSequenceLSTMOptionsT()
        op.builtinOptionsType = s.BuiltinOptions.UnidirectionalSequenceLSTMOptions
        code.builtinCode = code.deprecatedBuiltinCode = s.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM
    else:  # bidirectional = merge_outputs
        bw_w = [tensor(f"bw_w_{g}", (hidden, inp), rng.uniform(-0.5, 0.5, (hidden, inp))) for g in gates]
        bw_r = [tensor(f"bw_r_{g}", (hidden, hidden), rng.uniform(-0.5, 0.5, (hidden, hidden))) for g in gates]
        bw_b = [tensor(f"bw_b_{g}", (hidden,), rng.uniform(-0.5, 0.5, hidden)) for g in gates]
        bh0 = tensor("bw_h_state", (batch, hidden), variable=True)
        bc0 = tensor("bw_c_state", (batch, hidden), variable=True)
        if bidirectional:
            y = [tensor("StatefulPartitionedCall:0", yshape(2 * hidden))]
        else:
            y = [tensor("StatefulPartitionedCall:0", yshape(hidden)), tensor("StatefulPartitionedCall:1", yshape(hidden))]
        op.inputs = [x, *w, *r, -1, -1, -1, *b, -1, -1, *bw_w, *bw_r, -1, -1, -1, *bw_b, -1, -1,
                     h0, c0, bh0, bc0, -1, -1, -1, -1, -1, -1, -1, -1, -1]
        opt = s.BidirectionalSequenceLSTMOptionsT()
        opt.mergeOutputs = bidirectional
        op.builtinOptionsType = s.BuiltinOptions.BidirectionalSequenceLSTMOptions
        code.builtinCode = code.deprecatedBuiltinCode = s.BuiltinOperator.BIDIRECTIONAL_SEQUENCE_LSTM
    op.outputs = y
    opt.fusedActivationFunction = s.ActivationFunctionType.TANH
    opt.timeMajor = time_major
    op.builtinOptions = opt
    sg = s.SubGraphT()
    sg.tensors, sg.inputs, sg.outputs, sg.operators = tensors, [x], y, [op]
    m = s.ModelT()
    m.version, m.operatorCodes, m.subgraphs, m.buffers = 3, [code], [sg], buffers
    bld = flatbuffers.Builder(1024)
    bld.Finish(m.Pack(bld), file_identifier=b"TFL3")
    return bytes(bld.Output())


for _tm in (False, True):
    tflite_case(f"tflite_unidirectional_sequence_lstm{'_time_major' if _tm else ''}", rtol=1e-5, atol=2e-6,
                why_tolerance="sigmoid and tanh differ by ulps between the fused kernel and onnxruntime",
                check=has_ops("LSTM"))(
        lambda _tm=_tm: (lambda b: (b, feeds_for(b)))(fused_lstm_tflite(time_major=_tm)))


# TFLite 2.21's kernel for a batch-major BIDIRECTIONAL_SEQUENCE_LSTM with
# merge_outputs gives different numbers on every fresh interpreter (it reads
# memory it never wrote; 8 runs differ by up to 0.76), so that one variant has
# no trustworthy reference; the three others are deterministic.
for _tm in (False, True):
    for _merge in (False, True):
        if _merge and not _tm:
            continue
        tflite_case(f"tflite_bidirectional_sequence_lstm{'_merged' if _merge else ''}{'_time_major' if _tm else ''}",
                    rtol=1e-5, atol=2e-6, check=has_ops("LSTM"),
                    why_tolerance="sigmoid and tanh differ by ulps between the fused kernel and onnxruntime")(
            lambda _tm=_tm, _merge=_merge: (lambda b: (b, feeds_for(b)))(
                fused_lstm_tflite(time_major=_tm, bidirectional=_merge)))


@tflite_case("tflite_cnn_int8_float_io", rtol=0, atol=0.0040,
             why_tolerance="int8 activations: the float outputs within one quantization step (the softmax's scale, 1/256)",
             check=has_ops("QuantizeLinear", "DequantizeLinear"))
def _cnn_int8_float_io():
    conv = tf.lite.TFLiteConverter.from_keras_model(keras_cnn())
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    b = conv.convert()  # float input and output: QUANTIZE and DEQUANTIZE ops at the edges
    return b, feeds_for(b)


def _cond(x, p):
    return tf.cond(p[0] > 0, lambda: tf.nn.relu(x) * 2.0, lambda: tf.sigmoid(x) - 1.0)


for _k, _pv in (("then", 1.0), ("else", -1.0)):
    function_case(f"tflite_if_{_k}", _cond, tf.TensorSpec((2, 3), F), tf.TensorSpec((1,), F),
                  check=has_ops("If"))
    # the predicate is a float input: set it after feeds_for
    REG = __import__("harness").REGISTRY
    _case = REG[-1]
    _orig = _case.build

    def _build(_orig=_orig, _pv=_pv):
        built = _orig()
        for name, arr in built.feeds.items():
            if arr.shape == (1,):
                built.feeds[name] = np.array([_pv], np.float32)
        return built
    _case.build = _build

function_case("tflite_fake_quant", lambda x: tf.quantization.fake_quant_with_min_max_args(x, -0.75, 1.25, 8),
              tf.TensorSpec((2, 8), F), check=has_ops("QuantizeLinear"), max_opset=21)
function_case("tflite_unary_misc", lambda x: (
    tf.nn.relu(x), tf.nn.relu6(x * 6), tf.minimum(tf.maximum(x * 2, -1.0), 1.0), tf.cos(x), tf.sin(x),
    tf.math.log(tf.abs(x) + 1), tf.sqrt(tf.abs(x)), tf.square(x), -x, tf.floor(x * 3), tf.math.ceil(x * 3),
    tf.round(x * 3), tf.sign(x), tf.reverse(x, [1]), tf.zeros_like(x) + 1), tf.TensorSpec((2, 5), F))
function_case("tflite_compare_select", lambda x, y: (
    tf.where(x > y, x, y), tf.cast(tf.logical_and(x < 0.5, y >= -0.5), tf.float32),
    tf.cast(tf.logical_or(tf.equal(tf.round(x), 0.0), tf.not_equal(y, x)), tf.int32),
    tf.cast(tf.logical_not(x <= y), tf.float32), tf.math.floordiv(x * 5, 2.0), tf.math.floormod(x * 5, 2.0),
    tf.add_n([x, y, x * y]), tf.broadcast_to(y[:1], [3, 2, 4])),
    tf.TensorSpec((2, 4), F), tf.TensorSpec((2, 4), F))
function_case("tflite_generators", lambda x, i: (
    tf.one_hot(i, 5, 2.0, -1.0), tf.cumsum(x, axis=1), tf.cumsum(x, axis=1, exclusive=True, reverse=True),
    tf.cast(tf.shape(x), tf.float32) * tf.reduce_sum(x), tf.range(0, i[0] + 3) * 2,
    tf.fill([i[1] + 1, 2], 3.5)),
    tf.TensorSpec((2, 4), F), tf.TensorSpec((3,), tf.int32), int_feeds={1: np.array([2, 0, 4], np.int32)})


def symbolic_batch(model, opset):
    has_ops("Conv")(model, opset)
    d = model.graph.input[0].type.tensor_type.shape.dim[0]
    if not d.dim_param:
        raise AssertionError(f"the input's batch dim is {d}, want a symbolic one")


@tflite_case("tflite_cnn_dynamic_batch", check=symbolic_batch)
def _cnn_dynamic_batch():
    """A Keras model without a batch size: the .tflite's shape_signature has
    -1 for the batch, which the ONNX input keeps as a symbolic dim."""
    keras.utils.set_random_seed(5)
    m = keras.Sequential([
        keras.Input((12, 12, 3)),
        keras.layers.Conv2D(6, 3, activation="relu"),
        keras.layers.DepthwiseConv2D(3),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(4, activation="tanh"),
        keras.layers.Reshape((2, 2)),
    ])
    b = tf.lite.TFLiteConverter.from_keras_model(m).convert()
    return b, feeds_for(b)

keras.utils.set_random_seed(6)
_conv3d = keras.layers.Conv3D(4, 3, strides=(1, 2, 1), padding="same", activation="relu")
_conv3d.build((1, 5, 6, 6, 2))
_tconv3d = keras.layers.Conv3DTranspose(3, 2, strides=2)
_tconv3d.build((1, 5, 6, 6, 2))
function_case("tflite_conv3d", lambda x: _conv3d(x), tf.TensorSpec((1, 5, 6, 6, 2), F))
function_case("tflite_conv3d_transpose", lambda x: _tconv3d(x), tf.TensorSpec((1, 5, 6, 6, 2), F))
function_case("tflite_reverse_sequence_where", lambda x, n: (
    tf.reverse_sequence(x, n, seq_axis=1, batch_axis=0), tf.where(x > 0.2)),
    tf.TensorSpec((3, 5, 2), F), tf.TensorSpec((3,), tf.int32), int_feeds={1: np.array([2, 5, 0], np.int32)})


def single_op_tflite(op, inputs, outputs, options=None, consts=None):
    """A model of one builtin operator, for operators the converter never
    writes on its own (it folds or rewrites them): inputs and outputs are
    (name, shape, TensorType) tuples, consts (name, numpy array) inputs
    after them; options a schema object (e.g. FakeQuantOptionsT)."""
    from tensorflow.lite.python import schema_py_generated as s
    import flatbuffers

    ttypes = {np.float32: s.TensorType.FLOAT32, np.int32: s.TensorType.INT32, np.bool_: s.TensorType.BOOL}
    buffers, tensors = [s.BufferT()], []

    def tensor(name, shape, ttype, data=None):
        t = s.TensorT()
        t.name, t.shape, t.type = name, list(shape), ttype
        if data is not None:
            b = s.BufferT()
            b.data = np.ascontiguousarray(data).tobytes()
            buffers.append(b)
            t.buffer = len(buffers) - 1
        tensors.append(t)
        return len(tensors) - 1

    ins = [tensor(n, sh, ty) for n, sh, ty in inputs]
    cins = [tensor(n, a.shape, ttypes[a.dtype.type], a) for n, a in (consts or [])]
    outs = [tensor(n, sh, ty) for n, sh, ty in outputs]
    o = s.OperatorT()
    o.opcodeIndex, o.inputs, o.outputs = 0, ins + cins, outs
    if options is not None:
        o.builtinOptionsType = getattr(s.BuiltinOptions, type(options).__name__[:-1])
        o.builtinOptions = options
    code = s.OperatorCodeT()
    code.builtinCode = getattr(s.BuiltinOperator, op)
    code.deprecatedBuiltinCode = min(code.builtinCode, 127)
    sg = s.SubGraphT()
    sg.tensors, sg.inputs, sg.outputs, sg.operators = tensors, ins, outs, [o]
    m = s.ModelT()
    m.version, m.operatorCodes, m.subgraphs, m.buffers = 3, [code], [sg], buffers
    bld = flatbuffers.Builder(1024)
    bld.Finish(m.Pack(bld), file_identifier=b"TFL3")
    return bytes(bld.Output())


def _options(cls, **fields):
    from tensorflow.lite.python import schema_py_generated as s
    o = getattr(s, cls)()
    for k, v in fields.items():
        setattr(o, k, v)
    return o


def single_op_case(name, op, in_shape, out_shape, options=None, consts=None, out_type=0, lo=-2.0, hi=2.0, **kw):
    def make():
        b = single_op_tflite(op, [("x", in_shape, 0)], [("y", out_shape, out_type)], options, consts)
        return b, feeds_for(b, lo=lo, hi=hi)
    tflite_case(name, **kw)(make)


single_op_case("tflite_op_fake_quant", "FAKE_QUANT", (2, 6), (2, 6),
               _options("FakeQuantOptionsT", min=-1.0, max=1.5, numBits=8), check=has_ops("QuantizeLinear"), max_opset=21)
single_op_case("tflite_op_relu_n1_to_1", "RELU_N1_TO_1", (2, 6), (2, 6))
single_op_case("tflite_op_relu6", "RELU6", (2, 6), (2, 6), lo=-3.0, hi=9.0)
single_op_case("tflite_op_l2_pool", "L2_POOL_2D", (1, 6, 6, 2), (1, 3, 3, 2),
               _options("Pool2DOptionsT", padding=1, strideW=2, strideH=2, filterWidth=2, filterHeight=2),
               rtol=1e-5, atol=2e-6, why_tolerance="a square root of a mean, in a different order")
single_op_case("tflite_op_squeeze", "SQUEEZE", (2, 1, 3, 1), (2, 3), _options("SqueezeOptionsT", squeezeDims=[1, 3]))
single_op_case("tflite_op_expand_dims", "EXPAND_DIMS", (2, 3), (2, 1, 3), consts=[("axis", np.array([1], np.int32))])
single_op_case("tflite_op_shape", "SHAPE", (2, 3, 4), (3,), _options("ShapeOptionsT", outType=2), out_type=2)
single_op_case("tflite_op_hard_swish", "HARD_SWISH", (2, 8), (2, 8), lo=-5.0, hi=5.0)
single_op_case("tflite_op_softmax_beta", "SOFTMAX", (2, 8), (2, 8), _options("SoftmaxOptionsT", beta=0.5))
single_op_case("tflite_op_reshape_new_shape", "RESHAPE", (2, 6), (3, 4), _options("ReshapeOptionsT", newShape=[3, 4]))
