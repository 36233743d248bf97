"""TensorFlow 2 graphs: function calls (PartitionedCall/StatefulPartitionedCall,
nested, inside While/If bodies), functional control flow, TensorLists, and
TF2/Keras 3 RNNs fused into one ONNX LSTM/GRU.

Every case states which TF ops its frozen graph must hold (`needs`), so a
change in how TensorFlow builds or freezes the graph cannot quietly turn a
case into a test of something else."""

import numpy as np
import tensorflow as tf

import harness
from harness import f32, function_case, graph_case, op_counts


def graph_ops(gd):
    """TF op types of a GraphDef, its function library included."""
    ops = {n.op for n in gd.node}
    for f in gd.library.function:
        ops.update(n.op for n in f.node_def)
    return ops


def needs(*ops, absent=()):
    """Wraps the case registered last: its frozen graph must hold every op
    of ops and none of absent."""
    case = harness.REGISTRY[-1]
    build = case.build

    def checked():
        built = build()
        have = graph_ops(built.graph_def)
        missing = [o for o in ops if o not in have]
        if missing:
            raise AssertionError(f"the frozen graph has no {missing}; ops {sorted(have)}")
        extra = [o for o in absent if o in have]
        if extra:
            raise AssertionError(f"the frozen graph has {extra}")
        return built

    case.build = checked


def expect_ops(want, absent=("Loop",)):
    """A check: the model has exactly the counted ops (op -> count) and none
    of the absent ones."""

    def check(model, opset):
        counts = op_counts(model)
        for op, n in want.items():
            if counts.get(op, 0) != n:
                raise AssertionError(f"{counts.get(op, 0)} {op} node(s), want {n}; ops {counts}")
        for op in absent:
            if counts.get(op, 0):
                raise AssertionError(f"{counts[op]} {op} node(s) left; ops {counts}")
    return check


# --- Function calls --------------------------------------------------------

@tf.function
def _affine(x, w):
    return tf.matmul(x, w) + 1.0


@tf.function
def _inner(x):
    return tf.tanh(x) * 2.0, x - 1.0


@tf.function
def _outer(x, w):
    # A function that calls functions, one of them twice.
    a, b = _inner(_affine(x, w))
    c, _ = _inner(b)
    return a + c


W = f32(3, 3, seed=21)


@graph_case("call_partitioned", {"x": f32(2, 3, seed=20)}, check=expect_ops({}, absent=("Loop", "If")))
def _(x):
    return _affine(x, tf.constant(W))


needs("PartitionedCall")


@graph_case("call_nested", {"x": f32(2, 3, seed=20)}, shapes={"x": (None, 3)})
def _(x):
    return _outer(x, tf.constant(W)), _inner(x)[1]


needs("PartitionedCall")


@graph_case("call_stateful_variable", {"x": f32(2, 3, seed=20)})
def _(x):
    # A variable captured by the function: a StatefulPartitionedCall whose
    # resource argument freezing turns into a constant.
    v = tf.Variable(W, name="w")

    @tf.function
    def f(x):
        return _affine(tf.nn.relu(x), v.read_value())
    return f(x)


needs("StatefulPartitionedCall")


@graph_case("call_in_while_body", {"x": f32(4, seed=22)}, shapes={"x": (None,)})
def _(x):
    def body(i, acc):
        return i + 1, _inner(acc)[0] + _affine(tf.reshape(acc, [1, -1]), tf.constant(np.eye(4, dtype=np.float32)))[0]
    _, r = tf.while_loop(lambda i, acc: i < 3, body, [tf.constant(0), x], shape_invariants=None)
    return r


needs("StatelessWhile", "PartitionedCall")


@graph_case("call_in_cond_branch", {"x": f32(2, 3, seed=23)})
def _(x):
    return tf.cond(tf.reduce_sum(x) > 0, lambda: _inner(x)[0], lambda: _outer(x, tf.constant(W)))


needs("StatelessIf", "PartitionedCall")


# --- Ops TF2 graphs bring -------------------------------------------------

@graph_case("tf2_erfc", {"x": f32(4, 5, seed=25, lo=-4, hi=4)})
def _(x):
    return tf.math.erfc(x)


needs("Erfc")


@function_case("tf2_keras_gelu", {"x": f32(2, 8, seed=26, lo=-5, hi=5)})
def _(x):
    import keras
    return keras.activations.gelu(x, approximate=False) + tf.nn.gelu(x * 0.5)


needs("Erfc")

SEQ = f32(3, 5, 2, 4, seed=27)
SEQ_LENS = np.array([5, 2, 0], dtype=np.int32)


@graph_case("tf2_reverse_sequence_batch0", {"x": SEQ, "n": SEQ_LENS}, shapes={"x": (None, None, 2, 4), "n": (None,)})
def _(x, n):
    return tf.reverse_sequence(x, n, seq_axis=1, batch_axis=0)


needs("ReverseSequence")


@graph_case("tf2_reverse_sequence_time_major_int64", {"x": SEQ.transpose(1, 0, 2, 3), "n": SEQ_LENS.astype(np.int64)})
def _(x, n):
    return tf.reverse_sequence(x, n, seq_axis=0, batch_axis=1)


needs("ReverseSequence")


@graph_case("tf2_reverse_sequence_axes_2_3", {"x": SEQ.transpose(2, 3, 1, 0), "n": np.array([1, 3], dtype=np.int32)})
def _(x, n):
    # batch on axis 0 (size 2), time on axis 3 (size 3): through a transpose.
    return tf.reverse_sequence(x, n, seq_axis=3, batch_axis=0)


needs("ReverseSequence")


# --- RNNs under control flow v2 (functional While, TensorLists) ------------
# tf.compat.v1 cells: tf.compat.v1.nn.rnn_cell.* raise under Keras 3; the
# same TF1 cells ship inside TensorFlow.

from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl  # noqa: E402

RX = f32(3, 5, 4, seed=31)
RLENS = np.array([5, 2, 1], dtype=np.int32)
RXS = {"x": (None, None, 4)}
RXL = {"x": (None, None, 4), "len": (None,)}


def seeded(fn):
    def wrapper(*args):
        tf.compat.v1.set_random_seed(1234)
        return fn(*args)
    return wrapper


def rnn_check(op, n, direction=None):
    def check(model, opset):
        expect_ops({op: n}, absent=("Loop", "Scan"))(model, opset)
        if direction:
            for node in model.graph.node:
                if node.op_type == op:
                    d = next((a.s.decode() for a in node.attribute if a.name == "direction"), "forward")
                    if d != direction:
                        raise AssertionError(f"{op} direction {d}, want {direction}")
    return check


for _v2 in (True, False):
    _sfx = "" if _v2 else "_cf1"

    @graph_case(f"rnn2_lstm{_sfx}", {"x": RX}, shapes=RXS, control_flow_v2=_v2, check=rnn_check("LSTM", 1, "forward"))
    @seeded
    def _(x):
        out, st = tf.compat.v1.nn.dynamic_rnn(rnn_cell_impl.LSTMCell(6), x, dtype=tf.float32)
        return out, st.c, st.h

    needs("StatelessWhile" if _v2 else "Enter", "TensorListReserve" if _v2 else "TensorArrayV3")

    @graph_case(f"rnn2_bilstm_seqlen{_sfx}", {"x": RX, "len": RLENS}, shapes=RXL, control_flow_v2=_v2,
                check=rnn_check("LSTM", 1, "bidirectional"))
    @seeded
    def _(x, n):
        (fw, bw), (sf, sb) = tf.compat.v1.nn.bidirectional_dynamic_rnn(
            rnn_cell_impl.LSTMCell(6), rnn_cell_impl.LSTMCell(6), x, sequence_length=n, dtype=tf.float32)
        return tf.concat([fw, bw], -1), sf.h, sb.c

    @graph_case(f"rnn2_bigru{_sfx}", {"x": RX}, shapes=RXS, control_flow_v2=_v2,
                check=rnn_check("GRU", 1, "bidirectional"))
    @seeded
    def _(x):
        (fw, bw), (sf, sb) = tf.compat.v1.nn.bidirectional_dynamic_rnn(
            rnn_cell_impl.GRUCell(5), rnn_cell_impl.GRUCell(5), x, dtype=tf.float32)
        return fw, bw, sf, sb


@graph_case("rnn2_lstm_time_major_initial_state", {"x": RX.transpose(1, 0, 2), "c0": f32(3, 6, seed=32),
                                                   "h0": f32(3, 6, seed=33)},
            shapes={"x": (None, None, 4), "c0": (None, 6), "h0": (None, 6)}, check=rnn_check("LSTM", 1))
@seeded
def _(x, c0, h0):
    st0 = rnn_cell_impl.LSTMStateTuple(c0, h0)
    out, st = tf.compat.v1.nn.dynamic_rnn(rnn_cell_impl.LSTMCell(6), x, initial_state=st0, time_major=True)
    return out, st.h


needs("StatelessWhile", "TensorListFromTensor")


@graph_case("rnn2_gru_stacked_seqlen", {"x": RX, "len": RLENS}, shapes=RXL, check=rnn_check("GRU", 2))
@seeded
def _(x, n):
    with tf.compat.v1.variable_scope("l1"):
        h1, _ = tf.compat.v1.nn.dynamic_rnn(rnn_cell_impl.GRUCell(5), x, sequence_length=n, dtype=tf.float32)
    with tf.compat.v1.variable_scope("l2"):
        h2, s2 = tf.compat.v1.nn.dynamic_rnn(rnn_cell_impl.GRUCell(3), h1, sequence_length=n, dtype=tf.float32)
    return h2, s2


needs("StatelessWhile")


# --- Generic TF2 loops with TensorLists (no RNN: a correct Loop) -----------

@graph_case("loop2_tensor_list_scan_and_read", {"x": f32(6, 3, seed=34)}, shapes={"x": (None, 3)},
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    n = tf.shape(x)[0]
    xs = tf.TensorArray(tf.float32, size=n).unstack(x)
    ys = tf.TensorArray(tf.float32, size=n)
    zs = tf.TensorArray(tf.float32, size=n)

    def body(i, s, ys, zs):
        s = tf.tanh(s * 0.5 + xs.read(i))
        return i + 1, s, ys.write(i, s), zs.write(i, s * 2.0)
    _, s, ys, zs = tf.while_loop(lambda i, *_: i < n, body, [tf.constant(0), tf.zeros([3]), ys, zs])
    return s, ys.stack(), zs.stack()


needs("StatelessWhile", "TensorListReserve", "TensorListStack", "TensorListFromTensor")


@graph_case("loop2_nested_call_in_body", {"x": f32(4, seed=35)}, shapes={"x": (None,)},
            check=expect_ops({"Loop": 1}, absent=()))  # the inner Loop is in its body
def _(x):
    @tf.function
    def inner(v):
        return tf.while_loop(lambda j, a: j < 2, lambda j, a: (j + 1, a * 0.5 + 1.0), [0, v])[1]
    return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, inner(a) + x), [0, x])[1]


needs("StatelessWhile", "PartitionedCall")
