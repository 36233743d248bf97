"""Issue 8, conformance leftovers: MatrixInverse as com.microsoft Inverse
(with --extra_opset com.microsoft:1; refused without it, see the Go tests),
Range as com.microsoft Range when that domain is imported, float AsString
("%f" built from ONNX string ops), a large constant Tile left unfolded,
keras_learning_phase folded to its default, Conv2DBackpropInput with a
run-time batch in input_sizes."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32, Failure

MS = ("--extra_opset", "com.microsoft:1")


def _domain_of(op, domain):
    def check(model, opset):
        nodes = [n for n in model.graph.node if n.op_type == op]
        if not nodes or any(n.domain != domain for n in nodes):
            raise Failure(f"want {op} nodes in domain {domain!r}, got {[(n.op_type, n.domain) for n in nodes]}")
    return check


def _well_conditioned(*shape, seed=0):
    # Random matrices plus a multiple of the identity: far from singular, so
    # float32 inverses agree to the tolerance.
    x = f32(*shape, seed=seed)
    return (x + 4 * np.eye(shape[-1], dtype=np.float32)).astype(np.float32)


@graph_case("small_inverse", {"x": _well_conditioned(5, 5)}, extra_flags=MS, check=_domain_of("Inverse", "com.microsoft"))
def _(x):
    return tf.linalg.inv(x)


@graph_case("small_inverse_batched_dynamic", {"x": _well_conditioned(2, 3, 4, 4, seed=1)}, shapes={"x": (None, None, 4, 4)},
            extra_flags=MS, check=_domain_of("Inverse", "com.microsoft"))
def _(x):
    return tf.linalg.inv(x) * 2.0


@graph_case("small_inverse_adjoint", {"x": _well_conditioned(3, 4, 4, seed=2)}, extra_flags=MS)
def _(x):
    return tf.linalg.inv(x, adjoint=True)


@graph_case("small_inverse_f64", {"x": _well_conditioned(2, 6, 6, seed=3).astype(np.float64)}, extra_flags=MS)
def _(x):
    return tf.linalg.inv(x)


@graph_case("small_ms_range_f32", {"d": np.array(1.5, np.float32)}, extra_flags=MS, check=_domain_of("Range", "com.microsoft"))
def _(d):
    return tf.range(-5.0, 5.0, d)


@graph_case("small_ms_range_i32_neg", {"s": np.array(7, np.int32), "d": np.array(-2, np.int32)}, extra_flags=MS,
            check=_domain_of("Range", "com.microsoft"))
def _(s, d):
    return tf.range(s, -4, d) * 3


@graph_case("small_ms_range_i64_empty", {"n": np.array(0, np.int64)}, extra_flags=MS, check=_domain_of("Range", "com.microsoft"))
def _(n):
    return tf.range(n, dtype=tf.int64), tf.range(n + 3, dtype=tf.int64)


def _asstring_values():
    # Ordinary values, negatives, zeros, values at and near the rounding
    # boundaries of 6 decimals (exact binary ties go to even: 1/128 =
    # 0.0078125 → "0.007812"), subnormals, large integers up to float32's
    # max, and non-finite values.
    v = [0.0, -0.0, 1.5, -1.5, 0.1, -0.1, 1 / 3, 2 / 3, 0.5, 2.5, 1e-7, -1e-7, 4.9999e-7, 5e-7, 5.0001e-7,
         0.0078125, 0.0234375, -0.0078125, 0.9999995, 0.99999949, 0.99999951, 9.9999995, 123456.789, -98765.4321,
         8388607.5, 8388608.0, 16777217.0, 1e10, -1e10, 2.0 ** 63, 2.0 ** 64, 1e20, 3.4e38, -3.4e38, 2.0 ** 127,
         1.17549435e-38, 1e-45, -1e-45, np.inf, -np.inf, np.nan, 1234.5678, 0.000001, 0.0000015, 0.0000025]
    x = np.array(v, np.float32)
    rnd = np.random.RandomState(0)
    y = (rnd.standard_normal(200) * 10.0 ** rnd.randint(-8, 12, 200)).astype(np.float32)
    # Random bit patterns: every exponent, subnormals, NaNs of both signs.
    z = rnd.randint(0, 2 ** 32, 2000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    return np.concatenate([x, y, z])


@graph_case("small_asstring_f32", {"x": _asstring_values()}, shapes={"x": (None,)}, min_opset=26)
def _(x):
    # 0/0 computed at run time is a NaN with the sign bit set on x86: "-nan".
    nan = tf.zeros([1]) / tf.zeros([1])
    return tf.strings.as_string(tf.concat([x, nan, -nan], 0))


@graph_case("small_asstring_precision", {"x": _asstring_values()[:245].reshape(-1, 5)}, min_opset=26)
def _(x):
    return tuple(tf.strings.as_string(x, precision=p) for p in (0, 1, 3, 9, 11))


@graph_case("small_asstring_f16", {"x": np.array([0.5, -2.25, 65504, 6e-8, 1e-4, 0.1, -0.0, np.inf], np.float16)}, min_opset=26)
def _(x):
    return tf.strings.as_string(x), tf.strings.as_string(tf.cast(x, tf.bfloat16), precision=2)


def _no_op(op):
    def check(model, opset):
        if any(n.op_type == op for n in model.graph.node):
            raise Failure(f"{op} left in the graph")
    return check


for _default in (False, True):
    # A training flag that is no input (keras_learning_phase) takes its
    # default: the conds on it become the branch taken.
    @graph_case(f"small_learning_phase_{str(_default).lower()}", {"x": f32(2, 3)}, shapes={"x": (None, 3)}, check=_no_op("If"))
    def _(x, d=_default):
        lp = tf.compat.v1.placeholder_with_default(d, [], name="keras_learning_phase")
        y = tf.cond(lp, lambda: x * 2, lambda: x * 3)
        z = tf.cond(tf.logical_not(lp), lambda: tf.nn.relu(y), lambda: y - 1.0)
        return z


@graph_case("small_learning_phase_dropout", {"x": f32(4, 3)}, check=_no_op("If"))
def _(x):
    # The branch not taken (dropout) is not even mapped: its RandomUniform has
    # no onnxruntime kernel at opset 22 and later.
    lp = tf.compat.v1.placeholder_with_default(False, [], name="keras_learning_phase")
    return tf.cond(lp, lambda: tf.nn.dropout(x, rate=0.5, seed=1), lambda: tf.nn.relu(x))


@graph_case("small_learning_phase_tf1_cond", {"x": f32(4, 3)}, control_flow_v2=False, check=_no_op("If"))
def _(x):
    lp = tf.compat.v1.placeholder_with_default(True, [], name="keras_learning_phase")
    return tf.cond(lp, lambda: x * 2.0 + 1.0, lambda: tf.nn.relu(x))


def _conv_transpose_has_pads(model, opset):
    # Static pads: not the run-time crop of a full transposed convolution.
    if not any(n.op_type == "ConvTranspose" and any(a.name == "pads" for a in n.attribute) for n in model.graph.node):
        raise Failure("no ConvTranspose with pads")


def _backprop_repeat(padding, out_hw, k, stride, cin=3, cout=5, explicit=None, dil=1):
    # input_sizes = stack([batch, H, W, C]) with the batch read from a
    # tf.repeat'ed gradient: its spatial size is lost to shape inference.
    def fn(w, dy, n):
        dy = tf.repeat(dy, n, axis=0)
        b = tf.shape(dy)[0]
        sizes = tf.stack([b, out_hw[0], out_hw[1], cin])
        pad = padding if explicit is None else [[0, 0], explicit[0], explicit[1], [0, 0]]
        return tf.compat.v1.nn.conv2d_backprop_input(input_sizes=sizes, filter=w, out_backprop=dy,
                                                     strides=[1, stride, stride, 1], padding=pad,
                                                     dilations=[1, dil, dil, 1])
    return fn


for _name, _pad, _out, _k, _s, _exp, _dil in (
        ("same_s2", "SAME", (10, 10), 3, 2, None, 1),
        ("same_s2_odd", "SAME", (9, 11), 3, 2, None, 1),
        ("same_s3_k2", "SAME", (9, 8), 2, 3, None, 1),   # the full output is shorter: output_padding
        ("valid_s2", "VALID", (11, 12), 3, 2, None, 1),
        ("explicit", "EXPLICIT", (10, 9), 3, 2, ((1, 2), (0, 1)), 1),
        ("same_dilated", "SAME", (10, 10), 3, 1, None, 2)):
    _eff = (_k - 1) * _dil + 1
    if _pad == "SAME":
        _in = [-(-o // _s) for o in _out]
    elif _pad == "VALID":
        _in = [(o - _eff) // _s + 1 for o in _out]
    else:
        _in = [(o + sum(e) - _eff) // _s + 1 for o, e in zip(_out, _exp)]
    graph_case(f"small_backprop_input_repeat_{_name}",
               {"w": f32(_k, _k, 3, 5), "dy": f32(1, _in[0], _in[1], 5, seed=1), "n": np.array(2, np.int32)},
               check=_conv_transpose_has_pads)(
        _backprop_repeat(_pad, _out, _k, _s, explicit=_exp, dil=_dil))


# Softmax on another axis than the last: at opset 12, where Softmax flattens
# at the axis, it goes through a Transpose (convert/opset12.go).
@graph_case("small_softmax_axes", {"x": f32(2, 3, 4, 5)}, shapes={"x": (None, 3, 4, 5)})
def _(x):
    return tf.nn.softmax(x, axis=1), tf.nn.log_softmax(x, axis=2), tf.nn.softmax(x, axis=-1), tf.nn.log_softmax(x, axis=0)


@graph_case("small_opset12_forms", {"x": f32(2, 1, 6)}, shapes={"x": (None, 1, 6)})
def _(x):
    a, b = tf.split(x, [2, 4], axis=2)
    s = tf.reduce_sum(tf.squeeze(x, 1), axis=1, keepdims=True)
    return tf.expand_dims(a, 0), b * 2.0, s, tf.image.resize(tf.reshape(x, [-1, 2, 3, 1]), [4, 6])


# printf's flags and width: fill is passed to printf as a flag by TF.
_FLAG_FORMATS = [(fill, w, p) for fill in ("", " ", "+", "-", "0", "#") for w, p in ((-1, -1), (12, -1), (3, 4), (10, 0), (-1, 0), (48, 2))]


@graph_case("small_asstring_flags", {"x": _asstring_values()[:60]}, min_opset=26)
def _(x):
    nan = tf.zeros([1]) / tf.zeros([1])
    x = tf.concat([x, nan], 0)
    return tuple(tf.strings.as_string(x, fill=fill, width=w, precision=p) for fill, w, p in _FLAG_FORMATS)


@graph_case("small_asstring_int_flags", {"a": np.array([0, 5, -7, 123456789, -2 ** 31, 2 ** 31 - 1], np.int32),
                                         "b": np.array([0, -1, 10 ** 18, -2 ** 63, 2 ** 63 - 1, 999999999, 1000000000], np.int64),
                                         "c": np.array([-128, 127, 0], np.int8)}, min_opset=20)
def _(a, b, c):
    outs = []
    for fill in ("", " ", "+", "-", "0"):
        for w in (-1, 4, 12, 25):
            outs += [tf.strings.as_string(v, fill=fill, width=w) for v in (a, b, c)]
    return tuple(outs)


# A loop whose condition holds a cond on a loop flag that starts constant:
# the condition function is evaluated before the loop (the cond's predicate
# constant, its branch inlined) and again in the body, with the same names.
for _n in (15, 4):
    @graph_case(f"small_while_cond_flag_{_n}", {"x": np.arange(0, _n, dtype=np.int32)}, shapes={"x": (None,)})
    def _(x):
        n = tf.shape(x)[0]

        def cond(i, r, stop):
            return tf.cond(stop, lambda: tf.constant(False), lambda: tf.logical_not(tf.equal(i, n)))

        def body(i, r, stop):
            r = r + x[i]
            return i + 1, r, tf.greater_equal(i + 1, 10)

        _, r, _ = tf.while_loop(cond, body, [tf.constant(0), tf.constant(0), tf.constant(False)])
        return r
