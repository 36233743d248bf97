"""Recurrent layers beyond cases_tf2.py: Keras masking fused into ONNX
LSTM/GRU (right, left and middle padding, fully masked sequences), the
TensorList forms a loop rewrite does not see (TensorListScatter*, unequal
TensorListSplit, unknown element shapes), and TF's fused RNN kernels
(BlockLSTM, LSTMBlockCell, GRUBlockCell).

Masking is fused for any mask (see docs/notes.md, TF2 control flow): the
data below pad at the end, at the start and in the middle, and hold a fully
masked sequence, and every case compares against TensorFlow."""

import numpy as np
import tensorflow as tf

import harness
from harness import f32, fused_rnn, op_counts


def keras_case(name, make, feeds, *, lower, check, **kw):
    """Registers a Keras model frozen by convert_variables_to_constants_v2,
    control flow lowered (lower=True) or functional. make() returns
    (keras.Model, [TensorSpec...]) with specs named as feeds' keys."""

    def build():
        import keras
        from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

        keras.utils.set_random_seed(7)
        model, specs = make()
        if len(specs) == 1:
            fn = tf.function(lambda a: model(a))
        else:
            fn = tf.function(lambda *a: model(list(a)))
        frozen = convert_variables_to_constants_v2(fn.get_concrete_function(*specs), lower_control_flow=lower)
        gd = frozen.graph.as_graph_def()
        ops = {n.op for n in gd.node} | {n.op for f in gd.library.function for n in f.node_def}
        want = "Enter" if lower else "While"
        if want not in ops:
            raise AssertionError(f"the frozen graph has no {want}; ops {sorted(ops)}")
        in_names = [t.name for t in frozen.inputs if t.dtype != tf.resource]
        return harness.Built(gd, dict(zip(in_names, feeds.values())), [t.name for t in frozen.outputs])

    harness._register(harness.Case(name=name, build=build, check=check, **kw))


# --- Keras masking ----------------------------------------------------------

T, F = 7, 4


def padded(kind, seed):
    """[5, T, F] data whose zero steps the Masking layer masks: row 0 full,
    row 4 fully masked, rows 1-3 padded as kind says."""
    x = f32(5, T, F, seed=seed)
    x[4] = 0.0
    if kind == "right":
        x[1, 4:], x[2, 2:], x[3, 6:] = 0.0, 0.0, 0.0
    elif kind == "left":
        x[1, :3], x[2, :5], x[3, :1] = 0.0, 0.0, 0.0
    else:  # gaps in the middle and at both ends
        x[1, 2], x[1, 4:6] = 0.0, 0.0
        x[2, 0], x[2, 3], x[2, 6] = 0.0, 0.0, 0.0
        x[3, 1:6] = 0.0
    return x


def masked(layer_fn):
    """make() for Input → Masking(0) → layer_fn()."""

    def make():
        import keras
        inp = keras.Input((None, F))
        out = layer_fn()(keras.layers.Masking(0.0)(inp))
        return keras.Model(inp, out), [tf.TensorSpec((None, None, F), tf.float32, name="x")]
    return make


def _layers():
    import keras
    L = keras.layers
    return {
        # zero_output_for_mask False: masked steps repeat the previous output.
        "lstm": (lambda: L.LSTM(5, return_sequences=True, return_state=True), "LSTM", None),
        "lstm_zero_output": (lambda: L.LSTM(5, return_sequences=True, zero_output_for_mask=True), "LSTM", None),
        "lstm_last": (lambda: L.LSTM(5), "LSTM", None),
        "lstm_backwards": (lambda: L.LSTM(4, return_sequences=True, go_backwards=True, return_state=True),
                           "LSTM", "reverse"),
        "lstm_last_zero_output": (lambda: L.LSTM(5, zero_output_for_mask=True), "LSTM", None),
        "gru_backwards_last_zero_output": (lambda: L.GRU(4, go_backwards=True, zero_output_for_mask=True,
                                                         return_state=True), "GRU", "reverse"),
        "gru": (lambda: L.GRU(5, return_sequences=True, return_state=True), "GRU", None),
        "gru_reset_before": (lambda: L.GRU(4, return_sequences=True, reset_after=False), "GRU", None),
        # Bidirectional forces zero_output_for_mask = return_sequences.
        "bilstm": (lambda: L.Bidirectional(L.LSTM(4, return_sequences=True)), "LSTM", "bidirectional"),
        "bilstm_state": (lambda: L.Bidirectional(L.LSTM(4, return_sequences=True), merge_mode=None), "LSTM",
                         "bidirectional"),
        "bigru_last": (lambda: L.Bidirectional(L.GRU(4)), "GRU", "bidirectional"),
        "bilstm_stacked": (lambda: (lambda t: L.Bidirectional(L.LSTM(3, return_sequences=True))(
            L.Bidirectional(L.LSTM(4, return_sequences=True))(t))), "LSTM", "bidirectional"),
    }


for _lower in (False, True):
    _sfx = "lowered" if _lower else "functional"
    for _name, (_make, _op, _dir) in _layers().items():
        _n = 2 if _name == "bilstm_stacked" else 1
        for _pad, _seed in (("right", 60), ("left", 61), ("middle", 62)):
            keras_case(f"keras3_mask_{_name}_{_pad}_{_sfx}", masked(_make), {"x": padded(_pad, _seed)},
                       lower=_lower, check=fused_rnn(_op, _n, _dir))


def _embedding_mask_zero():
    import keras
    ids = keras.Input((None,), dtype="int32")
    y = keras.layers.LSTM(5, return_sequences=True)(keras.layers.Embedding(11, 4, mask_zero=True)(ids))
    return keras.Model(ids, y), [tf.TensorSpec((None, None), tf.int32, name="ids")]


def _explicit_mask_initial_state():
    """mask= given as an input; an initial state, so that a fully masked
    sequence must keep it (ONNX zeroes an empty sequence's final state)."""
    import keras
    x, m = keras.Input((None, F)), keras.Input((None,), dtype="bool")
    h0, c0 = keras.Input((5,)), keras.Input((5,))
    y, h, c = keras.layers.LSTM(5, return_sequences=True, return_state=True)(x, mask=m, initial_state=[h0, c0])
    specs = [tf.TensorSpec((None, None, F), tf.float32, name="x"), tf.TensorSpec((None, None), tf.bool, name="m"),
             tf.TensorSpec((None, 5), tf.float32, name="h0"), tf.TensorSpec((None, 5), tf.float32, name="c0")]
    return keras.Model([x, m, h0, c0], [y, h, c]), specs


def _explicit_mask_bigru():
    import keras
    x, m = keras.Input((None, F)), keras.Input((None,), dtype="bool")
    y = keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True, return_state=True))(x, mask=m)
    specs = [tf.TensorSpec((None, None, F), tf.float32, name="x"), tf.TensorSpec((None, None), tf.bool, name="m")]
    return keras.Model([x, m], y), specs


_IDS = np.array([[3, 1, 4, 1, 5, 9, 2], [6, 5, 3, 0, 0, 0, 0], [0, 0, 7, 2, 0, 8, 0], [0] * 7], dtype=np.int32)
_M = np.array([[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0, 0], [0, 1, 0, 1, 1, 0, 1], [0, 0, 0, 0, 0, 0, 0],
               [0, 0, 0, 1, 1, 1, 1]], dtype=bool)
for _lower in (False, True):
    _sfx = "lowered" if _lower else "functional"
    keras_case(f"keras3_mask_embedding_mask_zero_{_sfx}", _embedding_mask_zero, {"ids": _IDS}, lower=_lower,
               check=fused_rnn("LSTM", 1))
    keras_case(f"keras3_mask_explicit_initial_state_{_sfx}", _explicit_mask_initial_state,
               {"x": f32(5, T, F, seed=63), "m": _M, "h0": f32(5, 5, seed=64), "c0": f32(5, 5, seed=65)},
               lower=_lower, check=fused_rnn("LSTM", 1))
    keras_case(f"keras3_mask_explicit_bigru_state_{_sfx}", _explicit_mask_bigru,
               {"x": f32(5, T, F, seed=66), "m": _M}, lower=_lower, check=fused_rnn("GRU", 1, "bidirectional"))


# A dynamic_rnn LSTM with an initial state and a length-0 sequence: TF keeps
# the initial state as its final state, onnxruntime's LSTM gives zeros.
from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl  # noqa: E402


@harness.graph_case("rnn2_lstm_seqlen_zero_initial_state", {"x": f32(3, 5, 4, seed=67), "len": np.array([5, 0, 2], np.int32),
                                                            "c0": f32(3, 6, seed=68), "h0": f32(3, 6, seed=69)},
                    shapes={"x": (None, None, 4), "len": (None,), "c0": (None, 6), "h0": (None, 6)},
                    check=fused_rnn("LSTM", 1))
def _(x, n, c0, h0):
    tf.compat.v1.set_random_seed(1234)
    st0 = rnn_cell_impl.LSTMStateTuple(c0, h0)
    out, st = tf.compat.v1.nn.dynamic_rnn(rnn_cell_impl.LSTMCell(6), x, sequence_length=n, initial_state=st0)
    return out, st.c, st.h


# --- TensorLists: scatter, unequal split, unknown element shapes ------------

from tensorflow.python.ops import gen_list_ops, list_ops  # noqa: E402


def needs(*ops):
    """The case registered last must build a graph holding every op of ops."""
    case = harness.REGISTRY[-1]
    build = case.build

    def checked():
        built = build()
        have = {n.op for n in built.graph_def.node}
        have |= {n.op for f in built.graph_def.library.function for n in f.node_def}
        missing = [o for o in ops if o not in have]
        if missing:
            raise AssertionError(f"the frozen graph has no {missing}; ops {sorted(have)}")
        return built

    case.build = checked


def no_loop(model, opset):
    if op_counts(model).get("Loop", 0):
        raise AssertionError(f"a Loop is left; ops {op_counts(model)}")


@harness.graph_case("tensor_list_scatter", {"x": f32(3, 2, seed=70), "i": np.array([4, 0, 2], np.int32)},
                    shapes={"x": (None, 2), "i": (None,)}, check=no_loop)
def _(x, i):
    # num_elements -1: as long as the highest index + 1; unwritten are zeros.
    a = list_ops.tensor_list_scatter(x * 2.0, i, element_shape=[2])
    # num_elements longer than the indices reach.
    b = gen_list_ops.tensor_list_scatter_v2(x, i, element_shape=[2], num_elements=7)
    # The first version: no num_elements.
    c = gen_list_ops.tensor_list_scatter(x - 1.0, [1, 0, 3], element_shape=[2])
    stack = lambda l: list_ops.tensor_list_stack(l, tf.float32, element_shape=[2])  # noqa: E731
    return stack(a), stack(b), stack(c), list_ops.tensor_list_length(b)


needs("TensorListScatterV2", "TensorListScatter")


@harness.graph_case("tensor_list_split_unequal", {"x": f32(6, 2, seed=71), "k": np.array(2, np.int32)},
                    shapes={"x": (6, 2), "k": ()}, check=no_loop)
def _(x, k):
    l = list_ops.tensor_list_split(x, element_shape=[-1, 2], lengths=[1, 3, 2])
    first = list_ops.tensor_list_get_item(l, 0, element_dtype=tf.float32)
    at_k = list_ops.tensor_list_get_item(l, k, element_dtype=tf.float32)
    cat, lens = gen_list_ops.tensor_list_concat_v2(l, element_dtype=tf.float32, element_shape=[-1, 2],
                                                   leading_dims=tf.zeros([0], tf.int64))
    return first, at_k, cat * 2.0, lens, list_ops.tensor_list_length(l)


needs("TensorListSplit", "TensorListConcatV2", "TensorListLength", "TensorListGetItem")


@harness.graph_case("tensor_list_concat_empty_inner", {"x": f32(3, 2, 0, seed=74)}, shapes={"x": (None, 2, 0)})
def _(x):
    # Elements [2, 0]: the joined [6, 0] must not come from Reshape's -1 (no
    # single value next to a 0) nor from its 0 ("copy the input dim").
    l = list_ops.tensor_list_from_tensor(x, element_shape=[2, 0])
    cat, lens = gen_list_ops.tensor_list_concat_v2(l, element_dtype=tf.float32, element_shape=[2, 0],
                                                   leading_dims=tf.zeros([0], tf.int64))
    return cat + 1.0, lens


@harness.graph_case("tensor_list_concat_empty_inner_rank3", {"x": f32(3, 2, 0, 4, seed=75)},
                    shapes={"x": (None, 2, 0, 4)}, min_opset=14)
def _(x):
    # Elements [2, 0, 4] (opset 14 on: Reshape with allowzero).
    l = list_ops.tensor_list_from_tensor(x, element_shape=[2, 0, 4])
    cat, _ = gen_list_ops.tensor_list_concat_v2(l, element_dtype=tf.float32, element_shape=[2, 0, 4],
                                                leading_dims=tf.zeros([0], tf.int64))
    return cat * 2.0


for _v2 in (True, False):
    @harness.graph_case(f"tensor_array_split_unequal_read_in_loop_{'cf2' if _v2 else 'cf1'}",
                        {"x": f32(6, 3, seed=72)}, shapes={"x": (None, 3)}, control_flow_v2=_v2)
    def _(x):
        # TensorArray.split with unequal lengths, read at the iteration
        # number inside a while loop.
        ta = tf.TensorArray(tf.float32, size=3, infer_shape=False, clear_after_read=False).split(x, [1, 3, 2])

        def body(i, acc):
            return i + 1, acc + tf.reshape(tf.reduce_sum(ta.read(i), axis=0), [3]) * tf.cast(i + 1, tf.float32)
        _, acc = tf.while_loop(lambda i, a: i < 3, body, [0, tf.zeros([3])])
        return acc, ta.concat(), ta.size()

    needs("TensorListSplit" if _v2 else "TensorArraySplitV3")


@harness.graph_case("tensor_array_unknown_element_shape", {"x": f32(5, 4, seed=73)}, shapes={"x": (None, 4)},
                    check=no_loop)
def _(x):
    # size 3, no element shape: the shape comes from the first write.
    ta = tf.TensorArray(tf.float32, size=3)
    ta = ta.write(0, tf.tanh(x)).write(2, x * 3.0)
    # EmptyTensorList with an unknown element shape, grown by PushBack.
    l = list_ops.empty_tensor_list(element_shape=None, element_dtype=tf.float32)
    l = list_ops.tensor_list_push_back(l, x[:2] + 1.0)
    l = list_ops.tensor_list_push_back(l, x[2:4])
    return ta.stack(), list_ops.tensor_list_stack(l, tf.float32)


needs("TensorListReserve", "EmptyTensorList", "TensorListSetItem")


# --- TF's fused RNN kernels (tf.raw_ops, graph mode; CPU kernels) ----------
# BlockLSTM/BlockLSTMV2 become one ONNX LSTM; the single-step cells their
# arithmetic. Values reach past ±3 so that LSTMBlockCell's cell_clip acts.

_BT, _BB, _BI, _BH = 6, 3, 4, 5


def _block_weights(seed, peephole):
    r = np.random.default_rng(seed)
    w = tf.constant(r.uniform(-0.8, 0.8, (_BI + _BH, 4 * _BH)).astype(np.float32))
    b = tf.constant(r.uniform(-0.5, 0.5, (4 * _BH,)).astype(np.float32))
    p = [tf.constant(r.uniform(-0.5, 0.5, (_BH,)).astype(np.float32)) for _ in range(3)]
    if not peephole:
        p = [tf.zeros([_BH])] * 3
    return w, b, p


_BFEED = {"x": f32(_BT, _BB, _BI, seed=80, lo=-2, hi=2), "c0": f32(_BB, _BH, seed=81, lo=-2, hi=2),
          "h0": f32(_BB, _BH, seed=82)}
_BSHAPES = {"x": (None, None, _BI), "c0": (None, _BH), "h0": (None, _BH), "n": ()}

for _op, _peep, _n in (("BlockLSTM", False, _BT), ("BlockLSTM", True, 4), ("BlockLSTMV2", True, _BT),
                       ("BlockLSTMV2", False, 3)):
    @harness.graph_case(f"block_lstm_{_op[9:].lower() or 'v1'}_{'peephole' if _peep else 'plain'}_len{_n}",
                        dict(_BFEED, n=np.array(_n, np.int64)), shapes=_BSHAPES, check=fused_rnn("LSTM", 1))
    def _(x, c0, h0, n, _op=_op, _peep=_peep):
        w, b, (wci, wcf, wco) = _block_weights(83, _peep)
        kw = dict(seq_len_max=n, x=x, cs_prev=c0, h_prev=h0, w=w, wci=wci, wcf=wcf, wco=wco, b=b, use_peephole=_peep)
        if _op == "BlockLSTM":
            outs = tf.raw_ops.BlockLSTM(forget_bias=0.7, cell_clip=-1.0, **kw)
        else:
            outs = tf.raw_ops.BlockLSTMV2(cell_clip=0.0, **kw)
        # h at every step, and the cell state at the last (zeros past n).
        return outs.h, outs.cs[-1], outs.h[-1] * 2.0

    needs(_op)

for _peep, _clip in ((True, 3.0), (False, -1.0), (True, 0.5)):
    @harness.graph_case(f"lstm_block_cell_{'peephole' if _peep else 'plain'}_clip{_clip:g}",
                        {"x": f32(_BB, _BI, seed=84, lo=-3, hi=3), "c0": f32(_BB, _BH, seed=85, lo=-5, hi=5),
                         "h0": f32(_BB, _BH, seed=86)}, shapes={"x": (None, _BI), "c0": (None, _BH), "h0": (None, _BH)})
    def _(x, c0, h0, _peep=_peep, _clip=_clip):
        w, b, (wci, wcf, wco) = _block_weights(87, _peep)
        o = tf.raw_ops.LSTMBlockCell(x=x, cs_prev=c0, h_prev=h0, w=w, wci=wci, wcf=wcf, wco=wco, b=b,
                                     forget_bias=0.3, cell_clip=_clip, use_peephole=_peep)
        return o.i, o.cs, o.f, o.o, o.ci, o.co, o.h

    needs("LSTMBlockCell")


@harness.graph_case("gru_block_cell", {"x": f32(_BB, _BI, seed=88, lo=-2, hi=2), "h0": f32(_BB, _BH, seed=89)},
                    shapes={"x": (None, _BI), "h0": (None, _BH)})
def _(x, h0):
    r = np.random.default_rng(90)
    w_ru = tf.constant(r.uniform(-0.8, 0.8, (_BI + _BH, 2 * _BH)).astype(np.float32))
    w_c = tf.constant(r.uniform(-0.8, 0.8, (_BI + _BH, _BH)).astype(np.float32))
    b_ru = tf.constant(r.uniform(-0.5, 0.5, (2 * _BH,)).astype(np.float32))
    b_c = tf.constant(r.uniform(-0.5, 0.5, (_BH,)).astype(np.float32))
    o = tf.raw_ops.GRUBlockCell(x=x, h_prev=h0, w_ru=w_ru, w_c=w_c, b_ru=b_ru, b_c=b_c)
    return o.r, o.u, o.c, o.h


needs("GRUBlockCell")


# A while loop over LSTMBlockCell/GRUBlockCell (what tf.contrib's
# LSTMBlockCell/GRUBlockCell build under dynamic_rnn): one ONNX LSTM/GRU;
# with a clipped cell state, a correct Loop of the cell's arithmetic.
def _block_cell_loop(x, cell, hidden=_BH, peephole=False, clip=-1.0):
    w, b, (wci, wcf, wco) = _block_weights(91, peephole)
    r = np.random.default_rng(92)
    feat = x.shape[-1]
    w_ru = tf.constant(r.uniform(-0.8, 0.8, (feat + hidden, 2 * hidden)).astype(np.float32))
    w_c = tf.constant(r.uniform(-0.8, 0.8, (feat + hidden, hidden)).astype(np.float32))
    b_ru = tf.constant(r.uniform(-0.5, 0.5, (2 * hidden,)).astype(np.float32))
    b_c = tf.constant(r.uniform(-0.5, 0.5, (hidden,)).astype(np.float32))
    xt = tf.transpose(x, [1, 0, 2])
    n = tf.shape(xt)[0]
    xs = tf.TensorArray(tf.float32, size=n).unstack(xt)
    ys = tf.TensorArray(tf.float32, size=n)
    zeros = tf.zeros(tf.stack([tf.shape(x)[0], hidden]))

    def body(t, h, c, ys):
        if cell == "lstm":
            o = tf.raw_ops.LSTMBlockCell(x=xs.read(t), cs_prev=c, h_prev=h, w=w, wci=wci, wcf=wcf, wco=wco, b=b,
                                         forget_bias=0.4, cell_clip=clip, use_peephole=peephole)
            h, c = o.h, o.cs
        else:
            h = tf.raw_ops.GRUBlockCell(x=xs.read(t), h_prev=h, w_ru=w_ru, w_c=w_c, b_ru=b_ru, b_c=b_c).h
        return t + 1, h, c, ys.write(t, h)
    _, h, c, ys = tf.while_loop(lambda t, *_: t < n, body, [0, zeros, zeros, ys])
    return tf.transpose(ys.stack(), [1, 0, 2]), h, c


def one_loop(model, opset):
    if op_counts(model).get("Loop", 0) != 1:
        raise AssertionError(f"want one Loop; ops {op_counts(model)}")


_LX = {"x": f32(3, 6, _BI, seed=93, lo=-2, hi=2)}
_LS = {"x": (None, None, _BI)}
for _v2 in (True, False):
    _sfx = "cf2" if _v2 else "cf1"
    harness.graph_case(f"lstm_block_cell_loop_{_sfx}", _LX, shapes=_LS, control_flow_v2=_v2,
                       check=fused_rnn("LSTM", 1))(lambda x: _block_cell_loop(x, "lstm"))
    harness.graph_case(f"lstm_block_cell_loop_peephole_{_sfx}", _LX, shapes=_LS, control_flow_v2=_v2,
                       check=fused_rnn("LSTM", 1))(lambda x: _block_cell_loop(x, "lstm", peephole=True))
    harness.graph_case(f"gru_block_cell_loop_{_sfx}", _LX, shapes=_LS, control_flow_v2=_v2,
                       check=fused_rnn("GRU", 1))(lambda x: _block_cell_loop(x, "gru"))
    harness.graph_case(f"lstm_block_cell_loop_clipped_stays_loop_{_sfx}", _LX, shapes=_LS, control_flow_v2=_v2,
                       check=one_loop)(lambda x: _block_cell_loop(x, "lstm", peephole=True, clip=0.8))


# --- CudnnRNN (Keras 3's GPU path) ------------------------------------------
# TensorFlow has no CPU kernel for CudnnRNN*, so these cases build the graph
# Keras 3 writes for a GPU (its own _cudnn_lstm/_cudnn_gru, as a CUDA build
# lays the params out) and take the reference from the Keras layer the
# graph stands for, with the same weights, computed by TensorFlow on the
# CPU: Keras swaps the two for each other, so they must agree.

import dataclasses  # noqa: E402
import importlib  # noqa: E402
from unittest import mock  # noqa: E402

_CT, _CB, _CI, _CH = 5, 3, 4, 6


def _cudnn_case(name, mode, *, fed_state, lens=None):
    r = np.random.default_rng(94)
    g3 = 4 if mode == "lstm" else 3
    kernel = r.uniform(-0.6, 0.6, (_CI, g3 * _CH)).astype(np.float32)
    rec = r.uniform(-0.6, 0.6, (_CH, g3 * _CH)).astype(np.float32)
    bias = r.uniform(-0.5, 0.5, (g3 * _CH,) if mode == "lstm" else (2, g3 * _CH)).astype(np.float32)
    x = f32(_CB, _CT, _CI, seed=95)
    h0 = f32(_CB, _CH, seed=96) if fed_state else np.zeros((_CB, _CH), np.float32)
    c0 = f32(_CB, _CH, seed=97) if fed_state else np.zeros((_CB, _CH), np.float32)
    if lens is not None:  # right padding, as Keras's cuDNN path requires of a mask
        for b, n in enumerate(lens):
            x[b, n:] = 0.0

    def build():
        krnn = importlib.import_module("keras.src.backend.tensorflow.rnn")
        info = dict(tf.sysconfig.get_build_info(), is_cuda_build=True, is_rocm_build=False)
        g = tf.Graph()
        with g.as_default(), mock.patch.object(tf.sysconfig, "get_build_info", return_value=info):
            xp = tf.compat.v1.placeholder(tf.float32, (None, None, _CI), name="x")
            feeds = {"x:0": x}
            mask = None
            if lens is not None:
                mp = tf.compat.v1.placeholder(tf.bool, (None, None), name="m")
                feeds["m:0"] = np.arange(_CT)[None, :] < np.array(lens)[:, None]
                mask = mp
            if fed_state:
                hp = tf.compat.v1.placeholder(tf.float32, (None, _CH), name="h0")
                cp = tf.compat.v1.placeholder(tf.float32, (None, _CH), name="c0")
                feeds["h0:0"] = h0
                if mode == "lstm":
                    feeds["c0:0"] = c0
            else:  # zeros as Keras makes them: Fill(Pack(batch, units))
                hp = cp = tf.zeros(tf.stack([tf.shape(xp)[0], _CH]))
            k, rk, b = tf.constant(kernel), tf.constant(rec), tf.constant(bias)
            if mode == "lstm":
                _, y, (h, c) = krnn._cudnn_lstm(xp, hp, cp, k, rk, b, mask, False, False, True)
                outs = [y, h, c]
            else:
                _, y, (h,) = krnn._cudnn_gru(xp, hp, k, rk, b, mask, False, False, True)
                outs = [y, h]
            outs = [tf.identity(o, name=f"out{i}") for i, o in enumerate(outs)]
        return harness.Built(g.as_graph_def(), feeds, [o.name for o in outs])

    def reference(built):
        import keras
        L = keras.layers
        layer = (L.LSTM if mode == "lstm" else L.GRU)(_CH, return_sequences=True, return_state=True)
        state = [tf.constant(h0), tf.constant(c0)] if mode == "lstm" else [tf.constant(h0)]
        mask = None if lens is None else tf.constant(built.feeds["m:0"])
        layer(tf.constant(x), initial_state=state, mask=mask)
        layer.set_weights([kernel, rec, bias])
        outs = layer(tf.constant(x), initial_state=state, mask=mask)
        outs = [np.asarray(o) for o in outs]
        if lens is not None:
            # cuDNN (and Keras on a GPU) zeros the padded steps; on the CPU
            # Keras repeats the last output there.
            valid = built.feeds["m:0"][:, :, None]
            outs[0] = outs[0] * valid
        return outs

    def run(case, opsets, workdir):
        orig = harness.tf_reference
        harness.tf_reference = reference
        try:
            return harness.run_case(dataclasses.replace(case, runner=None), opsets, workdir)
        finally:
            harness.tf_reference = orig

    harness._register(harness.Case(name=name, build=build, runner=run,
                                   check=fused_rnn("LSTM" if mode == "lstm" else "GRU", 1)))


_cudnn_case("cudnn_lstm_keras_gpu_graph", "lstm", fed_state=False)
_cudnn_case("cudnn_lstm_keras_gpu_graph_state_mask", "lstm", fed_state=True, lens=[5, 2, 3])
_cudnn_case("cudnn_gru_keras_gpu_graph", "gru", fed_state=False)
_cudnn_case("cudnn_gru_keras_gpu_graph_state_mask", "gru", fed_state=True, lens=[5, 2, 3])


# A list of unknown element shape that a loop sets and reads back (a
# carried list, not a scan): n placeholders widened by the first set at
# run time.
@harness.graph_case("tensor_array_unknown_element_shape_in_loop", {"x": f32(5, 3, seed=98)}, shapes={"x": (None, 3)},
                    check=one_loop)
def _(x):
    n = tf.shape(x)[0]
    ta = tf.TensorArray(tf.float32, size=n, clear_after_read=False)

    def body(i, ta):
        prev = tf.cond(i > 0, lambda: ta.read(tf.maximum(i - 1, 0)), lambda: tf.zeros([3]))
        return i + 1, ta.write(i, prev * 0.5 + x[i])
    _, ta = tf.while_loop(lambda i, ta: i < n, body, [0, ta])
    # Nothing in the graph tells the stack's rank (TF's static shape is
    # unknown too) and an ONNX graph output needs one: the reshapes give it.
    return tf.reshape(ta.stack(), [-1, 3]), tf.reshape(ta.read(2), [3])


needs("TensorListReserve", "TensorListSetItem", "TensorListGetItem")


@harness.graph_case("tensor_list_unknown_element_shape_push_in_loop", {"x": f32(4, 2, 3, seed=99)},
                    shapes={"x": (None, 2, 3)}, check=one_loop)
def _(x):
    n = tf.shape(x)[0]
    empty = list_ops.empty_tensor_list(element_shape=None, element_dtype=tf.float32)

    def body(i, l):
        prev = tf.cond(i > 0, lambda: list_ops.tensor_list_get_item(l, i - 1, element_dtype=tf.float32),
                       lambda: tf.zeros([2, 3]))
        return i + 1, list_ops.tensor_list_push_back(l, prev * 0.5 + x[i])
    _, l = tf.while_loop(lambda i, l: i < n, body, [0, empty])
    return tf.reshape(list_ops.tensor_list_stack(l, tf.float32), [-1, 2, 3]), list_ops.tensor_list_length(l)


needs("EmptyTensorList", "TensorListPushBack")


# The tf.keras (Keras 2) recurrent layers TensorFlow still ships, in a
# TF1-style graph: their masked loop has the same form.
def _tf_keras_masked(layer):
    def fn(x):
        from tensorflow.python.keras.layers import core, recurrent
        tf.compat.v1.set_random_seed(3)
        return layer(recurrent)(core.Masking(0.0)(x))
    return fn


_TK = {"lstm": lambda R: R.LSTM(5, return_sequences=True, implementation=2),
       # implementation=1 (the default of this layer): one product per gate.
       "lstm_per_gate": lambda R: R.LSTM(5, return_sequences=True),
       "lstm_per_gate_relu_backwards": lambda R: R.LSTM(4, activation="relu", go_backwards=True, return_sequences=True),
       "gru_per_gate": lambda R: R.GRU(4, return_sequences=True),
       "gru_per_gate_reset_after": lambda R: R.GRU(4, return_sequences=True, reset_after=True),
       "gru": lambda R: R.GRU(4, return_sequences=True, reset_after=True, implementation=2),
       "lstm_backwards_last": lambda R: R.LSTM(3, go_backwards=True, implementation=2)}
for _name, _make in _TK.items():
    for _pad, _seed in (("right", 100), ("middle", 101)):
        harness.graph_case(f"tf_keras_mask_{_name}_{_pad}", {"x": padded(_pad, _seed)}, shapes={"x": (None, None, F)},
                           check=fused_rnn("GRU" if _name.startswith("gru") else "LSTM", 1))(_tf_keras_masked(_make))


# Keras 3 GRU with hard_sigmoid gates (HardSigmoid alpha 1/6, one per
# direction; GRU takes two activations per direction), masked.
for _lower in (False, True):
    _sfx = "lowered" if _lower else "functional"
    keras_case(f"keras3_mask_gru_hard_sigmoid_middle_{_sfx}", masked(lambda: __import__("keras").layers.GRU(
        4, recurrent_activation="hard_sigmoid", return_sequences=True)), {"x": padded("middle", 102) * 3.0},
        lower=_lower, check=fused_rnn("GRU", 1))
    keras_case(f"keras3_mask_bigru_hard_sigmoid_left_{_sfx}", masked(lambda: __import__("keras").layers.Bidirectional(
        __import__("keras").layers.GRU(4, recurrent_activation="hard_sigmoid", return_sequences=True))),
        {"x": padded("left", 103) * 3.0}, lower=_lower, check=fused_rnn("GRU", 1, "bidirectional"))


# The same layer unmasked, in TF1 control flow (a TF1-era tf.keras model).
for _v2 in (True, False):
    harness.graph_case(f"tf_keras_lstm_per_gate_{'cf2' if _v2 else 'cf1'}", {"x": f32(3, 6, F, seed=104)},
                       shapes={"x": (None, None, F)}, control_flow_v2=_v2, check=fused_rnn("LSTM", 1))(
        lambda x: __import__("tensorflow.python.keras.layers.recurrent", fromlist=["LSTM"]).LSTM(
            5, return_sequences=True, return_state=True)(x))
    harness.graph_case(f"tf_keras_gru_per_gate_{'cf2' if _v2 else 'cf1'}", {"x": f32(3, 6, F, seed=105)},
                       shapes={"x": (None, None, F)}, control_flow_v2=_v2, check=fused_rnn("GRU", 1))(
        lambda x: __import__("tensorflow.python.keras.layers.recurrent", fromlist=["GRU"]).GRU(
            5, return_sequences=True, return_state=True, reset_after=True)(x))


# A static batch of 1 (grappler rewrites more of the cell), masked.
def _masked_static(layer_fn, shape):
    def make():
        import keras
        inp = keras.Input(shape[1:], batch_size=shape[0])
        out = layer_fn()(keras.layers.Masking(0.0)(inp))
        return keras.Model(inp, out), [tf.TensorSpec(shape, tf.float32, name="x")]
    return make


_X1 = padded("middle", 106)[1:2]
for _lower in (False, True):
    keras_case(f"keras3_mask_bilstm_static_batch1_{'lowered' if _lower else 'functional'}",
               _masked_static(lambda: __import__("keras").layers.Bidirectional(
                   __import__("keras").layers.LSTM(4, return_sequences=True)), _X1.shape),
               {"x": _X1}, lower=_lower, check=fused_rnn("LSTM", 1, "bidirectional"))
