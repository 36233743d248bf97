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
