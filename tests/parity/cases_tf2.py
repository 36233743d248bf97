"""TensorFlow 2 graphs: function calls (PartitionedCall/StatefulPartitionedCall,
nested, inside While/If bodies), functional control flow, TensorLists, and
TF2/Keras 3 RNNs fused into one ONNX LSTM/GRU.

Every case states which TF ops its frozen graph must hold (`needs`), so a
change in how TensorFlow builds or freezes the graph cannot quietly turn a
case into a test of something else."""

import numpy as np
import tensorflow as tf

import harness
from harness import f32, function_case, fused_rnn, graph_case, op_counts


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


for _v2 in (True, False):
    _sfx = "" if _v2 else "_cf1"

    @graph_case(f"rnn2_lstm{_sfx}", {"x": RX}, shapes=RXS, control_flow_v2=_v2, check=fused_rnn("LSTM", 1, "forward"))
    @seeded
    def _(x):
        out, st = tf.compat.v1.nn.dynamic_rnn(rnn_cell_impl.LSTMCell(6), x, dtype=tf.float32)
        return out, st.c, st.h

    needs("StatelessWhile" if _v2 else "Enter", "TensorListReserve" if _v2 else "TensorArrayV3")

    @graph_case(f"rnn2_bilstm_seqlen{_sfx}", {"x": RX, "len": RLENS}, shapes=RXL, control_flow_v2=_v2,
                check=fused_rnn("LSTM", 1, "bidirectional"))
    @seeded
    def _(x, n):
        (fw, bw), (sf, sb) = tf.compat.v1.nn.bidirectional_dynamic_rnn(
            rnn_cell_impl.LSTMCell(6), rnn_cell_impl.LSTMCell(6), x, sequence_length=n, dtype=tf.float32)
        return tf.concat([fw, bw], -1), sf.h, sb.c

    @graph_case(f"rnn2_bigru{_sfx}", {"x": RX}, shapes=RXS, control_flow_v2=_v2,
                check=fused_rnn("GRU", 1, "bidirectional"))
    @seeded
    def _(x):
        (fw, bw), (sf, sb) = tf.compat.v1.nn.bidirectional_dynamic_rnn(
            rnn_cell_impl.GRUCell(5), rnn_cell_impl.GRUCell(5), x, dtype=tf.float32)
        return fw, bw, sf, sb


@graph_case("rnn2_lstm_time_major_initial_state", {"x": RX.transpose(1, 0, 2), "c0": f32(3, 6, seed=32),
                                                   "h0": f32(3, 6, seed=33)},
            shapes={"x": (None, None, 4), "c0": (None, 6), "h0": (None, 6)}, check=fused_rnn("LSTM", 1))
@seeded
def _(x, c0, h0):
    st0 = rnn_cell_impl.LSTMStateTuple(c0, h0)
    out, st = tf.compat.v1.nn.dynamic_rnn(rnn_cell_impl.LSTMCell(6), x, initial_state=st0, time_major=True)
    return out, st.h


needs("StatelessWhile", "TensorListFromTensor")


@graph_case("rnn2_gru_stacked_seqlen", {"x": RX, "len": RLENS}, shapes=RXL, check=fused_rnn("GRU", 2))
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


# --- Keras 3 recurrent layers, frozen lowered and functional ---------------

def keras_case(name, make, x, *, lower, check, static=False):
    """Registers a Keras model (make() -> a layer or a function of the input
    tensor) frozen with convert_variables_to_constants_v2, control flow
    lowered to TF1 frames (lower=True) or kept functional (lower=False).
    static: the input's shape is x's (grappler then rewrites more)."""

    def build():
        import keras
        from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

        keras.utils.set_random_seed(7)
        inp = keras.Input((None, x.shape[2]))
        out = make()(inp)
        model = keras.Model(inp, out)
        spec = tf.TensorSpec(x.shape if static else (None, None, x.shape[2]), tf.float32, name="x")
        concrete = tf.function(lambda t: model(t)).get_concrete_function(spec)
        frozen = convert_variables_to_constants_v2(concrete, lower_control_flow=lower)
        gd = frozen.graph.as_graph_def()
        return harness.Built(gd, {"x:0": x}, [t.name for t in frozen.outputs])

    harness._register(harness.Case(name=name, build=build, check=check))


def _keras_layers():
    import keras
    L = keras.layers
    return {
        "lstm": (lambda: L.LSTM(6, return_sequences=True, return_state=True), ("LSTM", 1)),
        "lstm_last": (lambda: L.LSTM(6), ("LSTM", 1)),
        "lstm_backwards": (lambda: L.LSTM(5, return_sequences=True, go_backwards=True), ("LSTM", 1)),
        "bilstm": (lambda: L.Bidirectional(L.LSTM(6, return_sequences=True)), ("LSTM", 1)),
        "bilstm_stacked": (lambda: (lambda t: L.Bidirectional(L.LSTM(4, return_sequences=True))(
            L.Bidirectional(L.LSTM(5, return_sequences=True))(t))), ("LSTM", 2)),
        "gru": (lambda: L.GRU(6, return_sequences=True, return_state=True), ("GRU", 1)),
        "gru_reset_before": (lambda: L.GRU(6, return_sequences=True, reset_after=False), ("GRU", 1)),
        "bigru": (lambda: L.Bidirectional(L.GRU(5, return_sequences=True)), ("GRU", 1)),
        "bigru_last": (lambda: L.Bidirectional(L.GRU(5)), ("GRU", 1)),
        "lstm_sigmoid_activation": (lambda: L.LSTM(6, activation="sigmoid"), ("LSTM", 1)),
        "bilstm_relu_activation": (lambda: L.Bidirectional(L.LSTM(4, activation="relu", return_sequences=True)),
                                   ("LSTM", 1)),
        "gru_backwards_state": (lambda: L.GRU(4, go_backwards=True, return_state=True, reset_after=False), ("GRU", 1)),
    }


KX = f32(3, 7, 4, seed=41)
for _lower in (False, True):
    for _name, (_make, (_op, _n)) in _keras_layers().items():
        keras_case(f"keras3_{_name}_{'lowered' if _lower else 'functional'}", _make, KX, lower=_lower,
                   check=fused_rnn(_op, _n))
        needs("Enter" if _lower else "While")


# --- CTPN's architecture under control flow v2 -----------------------------
# testdata/ctpn is built with TF1 control flow; the same network built with
# TF 2.21's defaults has functional While loops over TensorLists, and must
# still become one bidirectional LSTM.

def _ctpn_v2(image, vgg=((4, 4), (8, 8), (16, 16, 16), (32, 32, 32), (32, 32, 32)), rpn=32, hidden=8, lstm_out=32):
    init = tf.compat.v1.glorot_uniform_initializer(seed=5)
    x, cin = image, 3
    for bi, block in enumerate(vgg, start=1):
        for li, cout in enumerate(block, start=1):
            with tf.compat.v1.variable_scope(f"conv{bi}_{li}"):
                w = tf.compat.v1.get_variable("weights", [3, 3, cin, cout], initializer=init)
                b = tf.compat.v1.get_variable("biases", [cout], initializer=tf.compat.v1.constant_initializer(0.01))
                x = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), b))
            cin = cout
        if bi <= 4:
            x = tf.nn.max_pool2d(x, 2, 2, "SAME")
    with tf.compat.v1.variable_scope("rpn_conv/3x3"):
        w = tf.compat.v1.get_variable("weights", [3, 3, cin, rpn], initializer=init)
        x = tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"))
    with tf.compat.v1.variable_scope("lstm_o"):
        shape = tf.shape(x)
        n, h, w_, c = shape[0], shape[1], shape[2], shape[3]
        y = tf.reshape(x, [n * h, w_, c])
        y.set_shape([None, None, rpn])
        fw = rnn_cell_impl.LSTMCell(hidden, forget_bias=1.0, initializer=init)
        bw = rnn_cell_impl.LSTMCell(hidden, forget_bias=1.0, initializer=init)
        outs, _ = tf.compat.v1.nn.bidirectional_dynamic_rnn(fw, bw, y, dtype=tf.float32)
        y = tf.reshape(tf.concat(outs, axis=-1), [n * h * w_, 2 * hidden])
        wt = tf.compat.v1.get_variable("weights", [2 * hidden, lstm_out], initializer=init)
        y = tf.reshape(tf.matmul(y, wt), [n, h, w_, lstm_out])
    heads = []
    for scope, cout in (("rpn_bbox_pred", 40), ("rpn_cls_score", 20)):
        with tf.compat.v1.variable_scope(scope):
            s = tf.shape(y)
            wt = tf.compat.v1.get_variable("weights", [lstm_out, cout], initializer=init)
            z = tf.matmul(tf.reshape(y, [s[0] * s[1] * s[2], lstm_out]), wt)
            heads.append(tf.reshape(z, [s[0], s[1], s[2], cout]))
    bbox, cls = heads
    cs = tf.shape(cls)
    prob = tf.nn.softmax(tf.reshape(cls, [-1, 2]))
    return tf.reshape(prob, [cs[0], cs[1], cs[2], 20]), bbox


def _check_ctpn_v2(model, opset):
    fused_rnn("LSTM", 1, "bidirectional")(model, opset)
    dims = model.graph.input[0].type.tensor_type.shape.dim
    if not all(d.dim_param for d in dims[:3]):
        raise AssertionError(f"input dims {dims}: N, H, W must stay symbolic")


for _v2 in (True, False):
    @graph_case(f"ctpn_narrow_{'cf2' if _v2 else 'cf1'}", {"Placeholder": f32(1, 100, 150, 3, seed=36, lo=0)},
                shapes={"Placeholder": (None, None, None, 3)}, control_flow_v2=_v2, check=_check_ctpn_v2)
    @seeded
    def _(image):
        return _ctpn_v2(image)

    needs("StatelessWhile" if _v2 else "Enter")


# Only the final state read: the loop keeps no output list.
@graph_case("rnn2_lstm_state_only_seqlen", {"x": RX, "len": RLENS}, shapes=RXL, check=fused_rnn("LSTM", 1))
@seeded
def _(x, n):
    _, st = tf.compat.v1.nn.dynamic_rnn(rnn_cell_impl.LSTMCell(6), x, sequence_length=n, dtype=tf.float32)
    return st.c, st.h


needs("StatelessWhile", absent=("TensorListStack",))


@graph_case("rnn2_bigru_state_only", {"x": RX}, shapes=RXS, check=fused_rnn("GRU", 1, "bidirectional"))
@seeded
def _(x):
    _, (sf, sb) = tf.compat.v1.nn.bidirectional_dynamic_rnn(
        rnn_cell_impl.GRUCell(5), rnn_cell_impl.GRUCell(5), x, dtype=tf.float32)
    return sf + sb


needs("StatelessWhile", absent=("TensorListStack",))


# --- Arrays written at indices other than the iteration number ------------

for _v2 in (True, False):
    _sfx = "cf2" if _v2 else "cf1"

    @graph_case(f"loop_write_reversed_{_sfx}", {"x": f32(5, 3, seed=37)}, shapes={"x": (None, 3)},
                control_flow_v2=_v2, check=expect_ops({"Loop": 1}, absent=()))
    def _(x):
        n = tf.shape(x)[0]
        out = tf.TensorArray(tf.float32, size=n)

        def body(i, s, out):
            s = s * 0.5 + x[i]
            return i + 1, s, out.write(n - 1 - i, s)
        _, s, out = tf.while_loop(lambda i, *_: i < n, body, [tf.constant(0), tf.zeros([3]), out])
        return out.stack(), s

    needs("TensorListSetItem" if _v2 else "TensorArrayWriteV3")

    @graph_case(f"loop_write_from_start_dynamic_{_sfx}", {"k": np.array(2, dtype=np.int32), "x": f32(4, seed=38)},
                shapes={"x": (None,)}, control_flow_v2=_v2, check=expect_ops({"Loop": 1}, absent=()))
    def _(k, x):
        # Starts at a fed index in a dynamically sized array: the elements
        # before it are zeros, as TensorFlow stacks them.
        out = tf.TensorArray(tf.float32, size=0, dynamic_size=True)

        def body(i, out):
            return i + 1, out.write(i, x * tf.cast(i, tf.float32))
        i, out = tf.while_loop(lambda i, *_: i < 6, body, [k, out])
        return out.stack(), out.size(), i

    needs("TensorListSetItem" if _v2 else "TensorArrayWriteV3")


# --- Case / StatelessCase ---------------------------------------------------

for _idx in (0, 1, 2, 7, -1):
    @graph_case(f"case_switch_{_idx if _idx >= 0 else 'neg'}", {"i": np.array(_idx, dtype=np.int32), "x": f32(2, 3, seed=39)},
                check=expect_ops({}, absent=("Loop",)))
    def _(i, x):
        # Out-of-range indices take the last branch (TensorFlow's default).
        return tf.switch_case(i, [lambda: x * 2.0, lambda: tf.tanh(x), lambda: _inner(x)[1]])

    needs("StatelessCase")


@graph_case("case_in_while_body", {"x": f32(3, seed=40)}, shapes={"x": (None,)},
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    def body(i, a):
        return i + 1, tf.switch_case(i % 2, [lambda: a + x, lambda: a * 0.5])
    return tf.while_loop(lambda i, a: i < 5, body, [0, x])[1]


needs("StatelessCase", "StatelessWhile")


# --- TensorLists in their other forms (a list is a tensor [n, element...]) --

from tensorflow.python.ops import list_ops  # noqa: E402


@graph_case("tensor_list_ops_straight", {"x": f32(4, 3, seed=42)}, shapes={"x": (None, 3)},
            check=expect_ops({}, absent=("Loop",)))
def _(x):
    l = list_ops.tensor_list_from_tensor(x, element_shape=[3])
    l = list_ops.tensor_list_set_item(l, 1, x[0] * 10.0)
    l = list_ops.tensor_list_push_back(l, x[2] + 1.0)
    l, last = list_ops.tensor_list_pop_back(l, element_dtype=tf.float32)
    l = list_ops.tensor_list_push_back(l, last * 3.0)
    g = list_ops.tensor_list_gather(l, [4, 0, 1], element_dtype=tf.float32)
    l = list_ops.tensor_list_scatter_into_existing_list(l, x[:2] * -1.0, [3, 0])
    n = list_ops.tensor_list_length(l)
    es = list_ops.tensor_list_element_shape(l, shape_type=tf.int32)
    item = list_ops.tensor_list_get_item(l, 2, element_dtype=tf.float32)
    return list_ops.tensor_list_stack(l, tf.float32), g, n, es, item


needs("TensorListPushBack", "TensorListPopBack", "TensorListGather", "TensorListScatterIntoExistingList",
      "TensorListLength", "TensorListElementShape", "TensorListSetItem", "TensorListGetItem")


@graph_case("tensor_list_concat_split", {"x": f32(6, 2, seed=43)})
def _(x):
    l = list_ops.tensor_list_split(x, element_shape=[-1, 2], lengths=[2, 2, 2])
    item = list_ops.tensor_list_get_item(l, 1, element_dtype=tf.float32)
    l = list_ops.tensor_list_set_item(l, 0, item * 2.0)
    cat = list_ops.tensor_list_concat(l, element_dtype=tf.float32, element_shape=[-1, 2])
    return cat, item


needs("TensorListSplit", "TensorListConcatV2")


@graph_case("tensor_list_push_in_loop", {"x": f32(5, 2, seed=44)}, shapes={"x": (None, 2)},
            check=expect_ops({"Loop": 1}, absent=()))
def _(x):
    n = tf.shape(x)[0]
    empty = list_ops.empty_tensor_list(element_shape=[2], element_dtype=tf.float32)

    def body(i, l):
        # Reads the list it grows: a carried TensorList, not a scan output.
        prev = tf.cond(i > 0, lambda: list_ops.tensor_list_get_item(l, i - 1, element_dtype=tf.float32),
                       lambda: tf.zeros([2]))
        return i + 1, list_ops.tensor_list_push_back(l, prev * 0.5 + x[i])
    _, l = tf.while_loop(lambda i, l: i < n, body, [0, empty])
    return list_ops.tensor_list_stack(l, tf.float32), list_ops.tensor_list_length(l)


needs("EmptyTensorList", "TensorListPushBack", "TensorListGetItem", "TensorListLength")


# An LSTM state kept as one tensor concat([c, h], 1) (state_is_tuple=False).
for _v2 in (True, False):
    @graph_case(f"rnn2_bilstm_state_not_tuple_seqlen_{'cf2' if _v2 else 'cf1'}", {"x": RX, "len": RLENS}, shapes=RXL,
                control_flow_v2=_v2, check=fused_rnn("LSTM", 1, "bidirectional"))
    @seeded
    def _(x, n):
        (fw, bw), (sf, sb) = tf.compat.v1.nn.bidirectional_dynamic_rnn(
            rnn_cell_impl.LSTMCell(6, state_is_tuple=False), rnn_cell_impl.LSTMCell(6, state_is_tuple=False), x,
            sequence_length=n, dtype=tf.float32)
        return fw, bw, sf, sb


# A Keras-style LSTM written out (x·Kx + h·Kh + b, gates i, f, c, o) with
# tf.keras' hard sigmoid, clip(0.2·x + 0.5, 0, 1), as the gates' activation:
# ONNX LSTM with activations HardSigmoid/Tanh/Tanh.
def _hand_lstm(x, hidden=5, hard=True, reverse=False):
    rng = np.random.RandomState(45)
    feat = x.shape[-1]
    kx = tf.constant(rng.uniform(-0.5, 0.5, (feat, 4 * hidden)).astype(np.float32))
    kh = tf.constant(rng.uniform(-0.5, 0.5, (hidden, 4 * hidden)).astype(np.float32))
    b = tf.constant(rng.uniform(-0.5, 0.5, (4 * hidden,)).astype(np.float32))

    def act(z):
        return tf.clip_by_value(0.2 * z + 0.5, 0.0, 1.0) if hard else tf.sigmoid(z)
    xt = tf.transpose(x, [1, 0, 2])
    if reverse:
        xt = tf.reverse(xt, [0])
    n = tf.shape(xt)[0]
    xs = tf.TensorArray(tf.float32, size=n).unstack(xt)
    ys = tf.TensorArray(tf.float32, size=n)
    batch = tf.shape(x)[0]
    zeros = tf.zeros(tf.stack([batch, hidden]))

    def body(t, h, c, ys):
        z = tf.nn.bias_add(tf.matmul(xs.read(t), kx) + tf.matmul(h, kh), b)
        i, f, g, o = tf.split(z, 4, axis=1)
        c = act(f) * c + act(i) * tf.tanh(g)
        h = act(o) * tf.tanh(c)
        return t + 1, h, c, ys.write(t, h)
    _, h, c, ys = tf.while_loop(lambda t, *_: t < n, body, [0, zeros, zeros, ys])
    return tf.transpose(ys.stack(), [1, 0, 2]), h, c


@graph_case("rnn2_lstm_hard_sigmoid", {"x": f32(3, 6, 4, seed=46, lo=-3, hi=3)}, shapes=RXS,
            check=fused_rnn("LSTM", 1))
def _(x):
    return _hand_lstm(x)


needs("StatelessWhile")


@graph_case("rnn2_lstm_hand_written_sigmoid_cf1", {"x": f32(3, 6, 4, seed=46)}, shapes=RXS,
            control_flow_v2=False, check=fused_rnn("LSTM", 1))
def _(x):
    return _hand_lstm(x, hard=False)


needs("TensorArrayV3")


# Keras 3's hard_sigmoid is relu6(x + 3) / 6: ONNX HardSigmoid with alpha
# 1/6, one alpha per direction. Inputs reach past ±3, where it saturates.
for _lower in (True, False):
    _sfx = "lowered" if _lower else "functional"
    keras_case(f"keras3_lstm_hard_sigmoid_{_sfx}", lambda: __import__("keras").layers.LSTM(
        4, recurrent_activation="hard_sigmoid", return_sequences=True), f32(2, 5, 4, seed=47, lo=-4, hi=4),
        lower=_lower, check=fused_rnn("LSTM", 1))
    keras_case(f"keras3_bilstm_hard_sigmoid_{_sfx}", lambda: __import__("keras").layers.Bidirectional(
        __import__("keras").layers.LSTM(4, recurrent_activation="hard_sigmoid", return_sequences=True)),
        f32(2, 5, 4, seed=48, lo=-4, hi=4), lower=_lower, check=fused_rnn("LSTM", 1, "bidirectional"))


# A static batch of 1: grappler writes x·Kx + h·Kh as BiasAdd(x·Kx, Squeeze(h·Kh)).
for _lower in (True, False):
    keras_case(f"keras3_bilstm_stacked_batch1_{'lowered' if _lower else 'functional'}",
               lambda: (lambda t: __import__("keras").layers.Bidirectional(__import__("keras").layers.LSTM(
                   5, return_sequences=True))(__import__("keras").layers.Bidirectional(
                       __import__("keras").layers.LSTM(6, return_sequences=True))(t))),
               f32(1, 9, 4, seed=48), lower=_lower, check=fused_rnn("LSTM", 2), static=True)


# Keras LSTM with an initial state fed by the caller.
def _keras_initial_state_case(lower):
    def build():
        import keras
        from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

        keras.utils.set_random_seed(9)
        xi, hi, ci = keras.Input((None, 4)), keras.Input((6,)), keras.Input((6,))
        y, h, c = keras.layers.LSTM(6, return_sequences=True, return_state=True)(xi, initial_state=[hi, ci])
        model = keras.Model([xi, hi, ci], [y, h, c])
        specs = [tf.TensorSpec((None, None, 4), tf.float32, name="x"), tf.TensorSpec((None, 6), tf.float32, name="h0"),
                 tf.TensorSpec((None, 6), tf.float32, name="c0")]
        concrete = tf.function(lambda a, b, c: model([a, b, c])).get_concrete_function(*specs)
        frozen = convert_variables_to_constants_v2(concrete, lower_control_flow=lower)
        feeds = {"x:0": f32(3, 5, 4, seed=49), "h0:0": f32(3, 6, seed=50), "c0:0": f32(3, 6, seed=51)}
        return harness.Built(frozen.graph.as_graph_def(), feeds, [t.name for t in frozen.outputs])

    harness._register(harness.Case(name=f"keras3_lstm_initial_state_{'lowered' if lower else 'functional'}",
                                   build=build, check=fused_rnn("LSTM", 1)))


for _lower in (True, False):
    _keras_initial_state_case(_lower)
