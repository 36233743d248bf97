"""Control flow and recurrent networks: TF1 dynamic_rnn LSTM/GRU loops
(rewritten to one ONNX LSTM/GRU), TF1 while loops and conds (v1 control
flow: Enter/Merge/Switch/NextIteration/Exit, TensorArrays) and TF2 While/If
(functional ops with the bodies in the GraphDef's function library)."""

import numpy as np
import tensorflow as tf

from harness import f32, function_case, graph_case, op_counts

# tf.compat.v1.nn.rnn_cell.* raise under Keras 3 (TF 2.21); the same TF1
# cells ship inside TensorFlow.
from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl

LSTMCell = rnn_cell_impl.LSTMCell
BasicLSTMCell = rnn_cell_impl.BasicLSTMCell
GRUCell = rnn_cell_impl.GRUCell


def expect_ops(want, absent=("Loop", "If")):
    """A check that the model has exactly the counted ops (op -> count, or
    op -> (count, {attr: value})) and none of the absent ones."""

    def check(model, opset):
        counts = op_counts(model)
        for op, spec in want.items():
            n, attrs = (spec if isinstance(spec, tuple) else (spec, {}))
            if counts.get(op, 0) != n:
                raise AssertionError(f"{counts.get(op, 0)} {op} node(s), want {n}; ops {counts}")
            for node in model.graph.node:
                if node.op_type != op:
                    continue
                got = {a.name: (a.s.decode() if a.type == 3 else a.i) for a in node.attribute}
                for k, v in attrs.items():
                    if got.get(k) != v:
                        raise AssertionError(f"{op} {k}={got.get(k)}, want {v}")
        for op in absent:
            if counts.get(op, 0):
                raise AssertionError(f"{counts[op]} {op} node(s) left; ops {counts}")
    return check


def seeded(fn):
    def wrapper(*args):
        tf.compat.v1.set_random_seed(1234)
        return fn(*args)
    return wrapper


# Inputs: batch 3, time 5, features 4. Sequence lengths include the full
# length, a short one and 1.
X = f32(3, 5, 4, seed=11)
LENS = np.array([5, 2, 1], dtype=np.int32)
XS = {"x": (None, None, 4)}


def lstm(hidden=6, **kw):
    return LSTMCell(hidden, **kw)


# --- LSTM, one direction -------------------------------------------------

@graph_case("rnn_lstm_forward", {"x": X}, shapes=XS, control_flow_v2=False,
            check=expect_ops({"LSTM": (1, {"direction": "forward"})}, absent=("Loop", "If", "Scan")))
@seeded
def _(x):
    out, st = tf.compat.v1.nn.dynamic_rnn(lstm(), x, dtype=tf.float32)
    return out, st.c, st.h


@graph_case("rnn_lstm_forward_seqlen", {"x": X, "len": LENS}, shapes={"x": (None, None, 4), "len": (None,)},
            control_flow_v2=False, check=expect_ops({"LSTM": 1}))
@seeded
def _(x, n):
    out, st = tf.compat.v1.nn.dynamic_rnn(lstm(), x, sequence_length=n, dtype=tf.float32)
    return out, st.c, st.h


@graph_case("rnn_basic_lstm_time_major", {"x": X}, shapes=XS, control_flow_v2=False,
            check=expect_ops({"LSTM": 1}))
@seeded
def _(x):
    cell = BasicLSTMCell(5, forget_bias=0.5)
    out, st = tf.compat.v1.nn.dynamic_rnn(cell, x, dtype=tf.float32, time_major=True)
    return out, st.h


@graph_case("rnn_lstm_initial_state", {"x": X, "c0": f32(3, 6, seed=2), "h0": f32(3, 6, seed=3)},
            shapes={"x": (None, None, 4), "c0": (None, 6), "h0": (None, 6)}, control_flow_v2=False,
            check=expect_ops({"LSTM": 1}))
@seeded
def _(x, c0, h0):
    init = rnn_cell_impl.LSTMStateTuple(c0, h0)
    out, st = tf.compat.v1.nn.dynamic_rnn(lstm(), x, initial_state=init, dtype=tf.float32)
    return out, st.c


# --- LSTM, both directions -----------------------------------------------

@graph_case("rnn_bilstm", {"x": X}, shapes=XS, control_flow_v2=False,
            check=expect_ops({"LSTM": (1, {"direction": "bidirectional"})}))
@seeded
def _(x):
    (fw, bw), (sf, sb) = tf.compat.v1.nn.bidirectional_dynamic_rnn(lstm(), lstm(), x, dtype=tf.float32)
    return tf.concat([fw, bw], -1), sf.h, sb.c


@graph_case("rnn_bilstm_seqlen", {"x": X, "len": LENS}, shapes={"x": (None, None, 4), "len": (None,)},
            control_flow_v2=False, check=expect_ops({"LSTM": (1, {"direction": "bidirectional"})}))
@seeded
def _(x, n):
    (fw, bw), (sf, sb) = tf.compat.v1.nn.bidirectional_dynamic_rnn(lstm(), lstm(), x, sequence_length=n,
                                                                   dtype=tf.float32)
    return tf.concat([fw, bw], -1), sf.h, sb.h


@graph_case("rnn_bilstm_seqlen_int64", {"x": X, "len": LENS.astype(np.int64)},
            shapes={"x": (None, None, 4), "len": (None,)},
            control_flow_v2=False, check=expect_ops({"LSTM": (1, {"direction": "bidirectional"})}))
@seeded
def _(x, n):
    (fw, bw), _ = tf.compat.v1.nn.bidirectional_dynamic_rnn(lstm(), lstm(), x, sequence_length=n,
                                                           dtype=tf.float32)
    return fw, bw


@graph_case("rnn_bilstm_time_major", {"x": X}, shapes=XS, control_flow_v2=False,
            check=expect_ops({"LSTM": (1, {"direction": "bidirectional"})}))
@seeded
def _(x):
    (fw, bw), _ = tf.compat.v1.nn.bidirectional_dynamic_rnn(lstm(), lstm(), x, dtype=tf.float32, time_major=True)
    return tf.concat([fw, bw], 2)


@graph_case("rnn_lstm_stacked", {"x": X}, shapes=XS, control_flow_v2=False,
            check=expect_ops({"LSTM": 2}))
@seeded
def _(x):
    with tf.compat.v1.variable_scope("l1"):
        (fw, bw), _ = tf.compat.v1.nn.bidirectional_dynamic_rnn(lstm(), lstm(), x, dtype=tf.float32)
    with tf.compat.v1.variable_scope("l2"):
        out, _ = tf.compat.v1.nn.dynamic_rnn(lstm(3), tf.concat([fw, bw], -1), dtype=tf.float32)
    return out


# --- GRU -----------------------------------------------------------------

@graph_case("rnn_gru", {"x": X}, shapes=XS, control_flow_v2=False,
            check=expect_ops({"GRU": (1, {"direction": "forward", "linear_before_reset": 0})}))
@seeded
def _(x):
    out, st = tf.compat.v1.nn.dynamic_rnn(GRUCell(6), x, dtype=tf.float32)
    return out, st


@graph_case("rnn_bigru_seqlen", {"x": X, "len": LENS}, shapes={"x": (None, None, 4), "len": (None,)},
            control_flow_v2=False, check=expect_ops({"GRU": (1, {"direction": "bidirectional"})}))
@seeded
def _(x, n):
    (fw, bw), (sf, sb) = tf.compat.v1.nn.bidirectional_dynamic_rnn(GRUCell(5), GRUCell(5), x, sequence_length=n,
                                                                   dtype=tf.float32)
    return tf.concat([fw, bw], -1), sf, sb


# --- cells the LSTM rewrite does not take: the generic Loop runs them ----

@graph_case("rnn_lstm_peephole_generic_loop", {"x": X, "len": LENS}, shapes={"x": (None, None, 4), "len": (None,)},
            control_flow_v2=False, check=expect_ops({"Loop": 1, "LSTM": 0}, absent=()))
@seeded
def _(x, n):
    cell = lstm(use_peepholes=True, cell_clip=0.8)
    out, st = tf.compat.v1.nn.dynamic_rnn(cell, x, sequence_length=n, dtype=tf.float32)
    return out, st.c


@graph_case("rnn_bilstm_proj_generic_loop", {"x": X}, shapes=XS, control_flow_v2=False,
            check=expect_ops({"Loop": 2, "LSTM": 0}, absent=()))
@seeded
def _(x):
    (fw, bw), _ = tf.compat.v1.nn.bidirectional_dynamic_rnn(lstm(num_proj=3), lstm(num_proj=3), x, dtype=tf.float32)
    return tf.concat([fw, bw], -1)


# --- while loops ---------------------------------------------------------

V = f32(6, seed=5, lo=0.5, hi=1.5)


def running_product(x):
    n = tf.shape(x)[0]

    def body(i, p):
        return i + 1, p * x[i]

    _, p = tf.compat.v1.while_loop(lambda i, p: i < n, body, [tf.constant(0), tf.constant(1.0)])
    return p


@graph_case("loop_v1_running_product", {"x": V}, shapes={"x": (None,)}, control_flow_v2=False,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    return running_product(x)


@graph_case("loop_v2_running_product", {"x": V}, shapes={"x": (None,)}, control_flow_v2=True,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    return running_product(x)


def nested(x):
    n = tf.shape(x)[0]

    def outer(i, acc):
        def inner(j, s):
            return j + 1, s + x[j] * tf.cast(i + 1, tf.float32)

        _, s = tf.compat.v1.while_loop(lambda j, s: j <= i, inner, [tf.constant(0), tf.constant(0.0)])
        return i + 1, acc * 0.5 + s

    i, acc = tf.compat.v1.while_loop(lambda i, acc: i < n, outer, [tf.constant(0), tf.constant(0.0)])
    return i, acc


@graph_case("loop_v1_nested", {"x": V}, shapes={"x": (None,)}, control_flow_v2=False,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    return nested(x)


@graph_case("loop_v2_nested", {"x": V}, shapes={"x": (None,)}, control_flow_v2=True,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    return nested(x)


def tensor_array_scan(x):
    n = tf.shape(x)[0]
    ta_in = tf.TensorArray(tf.float32, size=n).unstack(x)
    ta_out = tf.TensorArray(tf.float32, size=n)

    def body(i, acc, ta):
        acc = acc * 0.9 + ta_in.read(i)
        return i + 1, acc, ta.write(i, tf.tanh(acc))

    _, acc, ta_out = tf.compat.v1.while_loop(lambda i, a, t: i < ta_in.size(), body,
                                             [tf.constant(0), tf.zeros(tf.shape(x)[1:]), ta_out])
    return ta_out.stack(), acc


@graph_case("loop_v1_tensor_array", {"x": f32(5, 3, seed=8)}, shapes={"x": (None, 3)}, control_flow_v2=False,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    return tensor_array_scan(x)


@graph_case("loop_v2_tensor_list", {"x": f32(5, 3, seed=8)}, shapes={"x": (None, 3)}, control_flow_v2=True,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    return tensor_array_scan(x)


@graph_case("rnn_v2_gru", {"x": X}, shapes=XS, control_flow_v2=True,
            check=expect_ops({"GRU": 1}))
@seeded
def _(x):
    out, st = tf.compat.v1.nn.dynamic_rnn(GRUCell(6), x, dtype=tf.float32)
    return out, st


@graph_case("loop_v1_max_iterations", {"x": V}, shapes={"x": (None,)}, control_flow_v2=False,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    def body(i, s):
        return i + 1, s + tf.reduce_sum(x) * tf.cast(i, tf.float32)

    return tf.compat.v1.while_loop(lambda i, s: s < 1e9, body, (tf.constant(0), tf.constant(0.0)),
                                   maximum_iterations=tf.shape(x)[0] - 2)


@graph_case("loop_v1_shape_changes", {"x": f32(2, 3, seed=9)}, shapes={"x": (None, 3)}, control_flow_v2=False,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    def body(i, acc):
        return i + 1, tf.concat([acc, acc[-1:] * 0.5 + x[:1]], axis=0)

    _, acc = tf.compat.v1.while_loop(lambda i, a: i < 4, body, [tf.constant(0), x],
                                     shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 3])])
    return acc


# --- conds ---------------------------------------------------------------

def cond_graph(x, y):
    return tf.cond(tf.reduce_sum(x) > 0,
                   lambda: (tf.nn.relu(x) * 2.0 + y, tf.reduce_max(x)),
                   lambda: (x - y, tf.reduce_min(y)))


for _v2 in (False, True):
    for _sign, _seed in (("pos", 1), ("neg", 2)):
        _x = np.abs(f32(2, 3, seed=_seed)) * (1 if _sign == "pos" else -1)

        @graph_case(f"cond_{'v2' if _v2 else 'v1'}_{_sign}", {"x": _x, "y": f32(2, 3, seed=4)},
                    shapes={"x": (None, 3), "y": (None, 3)}, control_flow_v2=_v2,
                    check=expect_ops({"If": 1}, absent=("Loop",)))
        def _(x, y):
            return cond_graph(x, y)


@graph_case("cond_v1_passthrough", {"x": f32(2, 3, seed=6), "y": f32(2, 3, seed=7)}, control_flow_v2=False,
            check=expect_ops({"If": 1}, absent=("Loop",)))
def _(x, y):
    return tf.cond(tf.reduce_sum(x) < 0, lambda: x, lambda: y)


@graph_case("cond_v1_nested", {"x": f32(4, seed=3)}, shapes={"x": (None,)}, control_flow_v2=False,
            check=expect_ops({"If": 1}, absent=("Loop",)))
def _(x):
    s = tf.reduce_sum(x)
    return tf.cond(s > -10.0,
                   lambda: tf.cond(s > 0.0, lambda: x * 3.0, lambda: x + 7.0),
                   lambda: -x)


@graph_case("cond_v1_in_loop", {"x": V}, shapes={"x": (None,)}, control_flow_v2=False,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    n = tf.shape(x)[0]

    def body(i, s):
        v = x[i]
        return i + 1, tf.cond(v > 1.0, lambda: s + v, lambda: s * v)

    return tf.compat.v1.while_loop(lambda i, s: i < n, body, [tf.constant(0), tf.constant(1.0)])[1]


@graph_case("cond_v2_in_loop", {"x": V}, shapes={"x": (None,)}, control_flow_v2=True,
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    n = tf.shape(x)[0]

    def body(i, s):
        v = x[i]
        return i + 1, tf.cond(v > 1.0, lambda: s + v, lambda: s * v)

    return tf.compat.v1.while_loop(lambda i, s: i < n, body, [tf.constant(0), tf.constant(1.0)])[1]


# --- tf.function (frozen with convert_variables_to_constants_v2) ---------

@function_case("func_while_cond_scan", {"x": f32(6, 2, seed=12)},
               signature=[tf.TensorSpec([None, 2], tf.float32)], check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    ta = tf.TensorArray(tf.float32, size=tf.shape(x)[0])
    acc = tf.zeros([2])
    for i in tf.range(tf.shape(x)[0]):
        acc = tf.cond(tf.reduce_sum(x[i]) > 0, lambda: acc + x[i], lambda: acc * 0.5)
        ta = ta.write(i, acc)
    return ta.stack(), acc


@function_case("func_while_tensor_list_read", {"x": f32(5, 3, seed=13)},
               signature=[tf.TensorSpec([None, 3], tf.float32)], check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    n = tf.shape(x)[0]
    xs = tf.TensorArray(tf.float32, size=n).unstack(x)
    out = tf.TensorArray(tf.float32, size=n)
    h = tf.zeros([3])
    for i in tf.range(n):
        h = tf.tanh(h * 0.7 + xs.read(n - 1 - i))
        out = out.write(i, h)
    return out.stack(), h


# A cond whose branches are only constants: TF ties them to their branch by
# control edges alone (the reader keeps those as _GuardedConst inputs).
@graph_case("cond_v1_const_branches", {"x": f32(3)}, control_flow_v2=False)
def _(x):
    c = tf.compat.v1.cond(tf.reduce_sum(x) > 0, lambda: tf.constant(2.0), lambda: tf.constant(-1.0))
    return x * c


@graph_case("cond_v1_const_branches_in_loop", {"x": f32(3)}, control_flow_v2=False)
def _(x):
    def body(i, acc):
        k = tf.compat.v1.cond(tf.equal(i % 2, 0), lambda: tf.constant(2.0), lambda: tf.constant(0.5))
        return i + 1, acc * k
    _, out = tf.compat.v1.while_loop(lambda i, a: i < 5, body, [tf.constant(0), x])
    return out
