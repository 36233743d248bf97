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
from harness import f32, op_counts


def fused(op, n, direction=None):
    """A check: n op nodes (LSTM/GRU), no Loop or Scan left."""

    def check(model, opset):
        counts = op_counts(model)
        if counts.get(op, 0) != n:
            raise AssertionError(f"{counts.get(op, 0)} {op} node(s), want {n}; ops {counts}")
        for bad in ("Loop", "Scan"):
            if counts.get(bad, 0):
                raise AssertionError(f"{counts[bad]} {bad} node(s) left; ops {counts}")
        if direction:
            for node in model.graph.node:
                if node.op_type == op:
                    d = next((a.s.decode() for a in node.attribute if a.name == "direction"), "forward")
                    if d != direction:
                        raise AssertionError(f"{op} direction {d}, want {direction}")
    return check


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
                       lower=_lower, check=fused(_op, _n, _dir))


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
               check=fused("LSTM", 1))
    keras_case(f"keras3_mask_explicit_initial_state_{_sfx}", _explicit_mask_initial_state,
               {"x": f32(5, T, F, seed=63), "m": _M, "h0": f32(5, 5, seed=64), "c0": f32(5, 5, seed=65)},
               lower=_lower, check=fused("LSTM", 1))
    keras_case(f"keras3_mask_explicit_bigru_state_{_sfx}", _explicit_mask_bigru,
               {"x": f32(5, T, F, seed=66), "m": _M}, lower=_lower, check=fused("GRU", 1, "bidirectional"))


# A dynamic_rnn LSTM with an initial state and a length-0 sequence: TF keeps
# the initial state as its final state, onnxruntime's LSTM gives zeros.
from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl  # noqa: E402


@harness.graph_case("rnn2_lstm_seqlen_zero_initial_state", {"x": f32(3, 5, 4, seed=67), "len": np.array([5, 0, 2], np.int32),
                                                            "c0": f32(3, 6, seed=68), "h0": f32(3, 6, seed=69)},
                    shapes={"x": (None, None, 4), "len": (None,), "c0": (None, 6), "h0": (None, 6)},
                    check=fused("LSTM", 1))
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
