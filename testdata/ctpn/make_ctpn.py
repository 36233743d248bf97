#!/usr/bin/env python3
"""Generate the CTPN text-detector fixtures (frozen TF1-style GraphDefs).

The graph mirrors the classic TensorFlow CTPN (VGG16 backbone, 3x3 RPN conv,
bidirectional LSTM over image rows, two 1x1-style heads, spatial softmax),
built with the v1 API in graph mode (v1 control flow, so the LSTM becomes
Enter/Merge/Switch/LoopCond/NextIteration/Exit + TensorArrayV3 ops), filled
with deterministic numpy weights and frozen with convert_variables_to_constants.

Outputs (node names):  Reshape_2 [N,H/16,W/16,20]  rpn_bbox_pred/Reshape_1 [N,H/16,W/16,40]

Usage:  .venv/bin/python testdata/ctpn/make_ctpn.py [--out DIR] [--variant full|narrow|both]
"""
import argparse
import collections
import hashlib
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")
tf.compat.v1.disable_eager_execution()
# v1 control flow (Enter/Merge/Switch/...), v1 TensorArrays and ref variables
# (VariableV2 + Identity "<var>/read"), as in graphs frozen with TF 1.x.
tf.compat.v1.disable_v2_behavior()

# With Keras 3 installed, tf.compat.v1.nn.rnn_cell.LSTMCell raises
# "not available with Keras 3"; the very same TF1 implementation still ships
# inside TensorFlow itself, so take it from there.
try:
    LSTMCell = tf.compat.v1.nn.rnn_cell.LSTMCell
except (AttributeError, ImportError):
    from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl

    LSTMCell = rnn_cell_impl.LSTMCell

SEED = 20261127
INPUT_SEED = 7
OUTPUTS = ["Reshape_2", "rpn_bbox_pred/Reshape_1"]
FULL_PARAMS = 17893244

VARIANTS = {
    "full": dict(vgg=[(64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)],
                 rpn=512, hidden=128, lstm_out=512),
    "narrow": dict(vgg=[(4, 4), (8, 8), (16, 16, 16), (32, 32, 32), (32, 32, 32)],
                   rpn=32, hidden=8, lstm_out=32),
}
FILENAMES = {"full": "ctpn.pb", "narrow": "ctpn_narrow.pb"}
ANCHORS = 10


def expected_params(cfg):
    total, cin = 0, 3
    for block in cfg["vgg"]:
        for cout in block:
            total += 9 * cin * cout + cout
            cin = cout
    total += 9 * cin * cfg["rpn"] + cfg["rpn"]
    h = cfg["hidden"]
    total += 2 * ((cfg["rpn"] + h) * 4 * h + 4 * h)
    total += 2 * h * cfg["lstm_out"] + cfg["lstm_out"]
    total += cfg["lstm_out"] * 4 * ANCHORS + 4 * ANCHORS
    total += cfg["lstm_out"] * 2 * ANCHORS + 2 * ANCHORS
    return total


def zeros_var(name, shape):
    return tf.compat.v1.get_variable(name, shape=shape, dtype=tf.float32,
                                     initializer=tf.compat.v1.zeros_initializer())


def conv3x3(x, scope, cin, cout):
    with tf.compat.v1.variable_scope(scope):
        w = zeros_var("weights", [3, 3, cin, cout])
        b = zeros_var("biases", [cout])
        y = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")
        y = tf.nn.bias_add(y, b)
        return tf.nn.relu(y)


def max_pool(x, name):
    return tf.nn.max_pool2d(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID", name=name)


def dense_add(x, w, b):
    # A TF 1.x frozen graph has the legacy "Add" op here (the "+" operator of
    # TF 2 would emit AddV2); the node keeps the TF1 default name "add".
    return tf.raw_ops.Add(x=tf.matmul(x, w), y=b, name="add")


def bilstm(x, scope, cin, hidden, cout):
    with tf.compat.v1.variable_scope(scope):
        shape = tf.shape(x)
        n, h, w, c = shape[0], shape[1], shape[2], shape[3]
        x = tf.reshape(x, [n * h, w, c])
        x.set_shape([None, None, cin])
        fw = LSTMCell(hidden, use_peepholes=False, forget_bias=1.0, state_is_tuple=True,
                      initializer=tf.compat.v1.zeros_initializer())
        bw = LSTMCell(hidden, use_peepholes=False, forget_bias=1.0, state_is_tuple=True,
                      initializer=tf.compat.v1.zeros_initializer())
        outs, _ = tf.compat.v1.nn.bidirectional_dynamic_rnn(fw, bw, x, dtype=tf.float32,
                                                            time_major=False)
        y = tf.concat(outs, axis=-1)
        y = tf.reshape(y, [n * h * w, 2 * hidden])
        wt = zeros_var("weights", [2 * hidden, cout])
        bs = zeros_var("biases", [cout])
        y = dense_add(y, wt, bs)
        return tf.reshape(y, [n, h, w, cout])


def head(x, scope, cin, cout):
    with tf.compat.v1.variable_scope(scope):
        shape = tf.shape(x)
        n, h, w, c = shape[0], shape[1], shape[2], shape[3]
        y = tf.reshape(x, [n * h * w, c])  # <scope>/Reshape
        wt = zeros_var("weights", [cin, cout])
        bs = zeros_var("biases", [cout])
        y = dense_add(y, wt, bs)
        return tf.reshape(y, [n, h, w, cout])  # <scope>/Reshape_1


def build(cfg):
    """Builds the graph in the current default graph; returns the input placeholder."""
    image = tf.compat.v1.placeholder(tf.float32, [None, None, None, 3], name="Placeholder")
    x, cin = image, 3
    for bi, block in enumerate(cfg["vgg"], start=1):
        for li, cout in enumerate(block, start=1):
            x = conv3x3(x, "conv%d_%d" % (bi, li), cin, cout)
            cin = cout
        if bi <= 4:
            x = max_pool(x, "pool%d" % bi)
    x = conv3x3(x, "rpn_conv/3x3", cin, cfg["rpn"])
    x = bilstm(x, "lstm_o", cfg["rpn"], cfg["hidden"], cfg["lstm_out"])
    bbox = head(x, "rpn_bbox_pred", cfg["lstm_out"], 4 * ANCHORS)
    cls = head(x, "rpn_cls_score", cfg["lstm_out"], 2 * ANCHORS)
    assert bbox.op.name == "rpn_bbox_pred/Reshape_1", bbox.op.name

    # Root scope: spatial reshape + softmax, exactly as the TF CTPN does it.
    cls_shape = tf.shape(cls)
    cls_reshape = tf.reshape(cls, [cls_shape[0], cls_shape[1], -1, 2])  # Reshape
    rs = tf.shape(cls_reshape)
    flat = tf.reshape(cls_reshape, [-1, 2])  # Reshape_1
    prob = tf.nn.softmax(flat)  # Softmax
    prob = tf.reshape(prob, [-1, rs[1], rs[2], rs[3]], name="rpn_cls_prob")
    out = tf.reshape(prob, [cls_shape[0], cls_shape[1], cls_shape[2], 2 * ANCHORS])  # Reshape_2
    assert cls_reshape.op.name == "Reshape", cls_reshape.op.name
    assert flat.op.name == "Reshape_1", flat.op.name
    assert prob.op.name == "rpn_cls_prob", prob.op.name
    assert out.op.name == "Reshape_2", out.op.name
    return image


def init_value(rng, var):
    name = var.op.name
    shape = var.shape.as_list()
    leaf = name.rsplit("/", 1)[-1]
    if leaf in ("biases", "bias"):
        return rng.uniform(-0.05, 0.05, size=shape).astype(np.float32)
    if len(shape) == 4:  # conv: He-normal
        fan_in = shape[0] * shape[1] * shape[2]
        std = np.sqrt(2.0 / fan_in)
    elif len(shape) == 2:  # dense / LSTM kernel: Glorot-normal
        std = np.sqrt(2.0 / (shape[0] + shape[1]))
    else:
        raise ValueError("unexpected variable %s %s" % (name, shape))
    return (rng.standard_normal(size=shape) * std).astype(np.float32)


def make_frozen(cfg):
    graph = tf.Graph()
    with graph.as_default():
        build(cfg)
        variables = tf.compat.v1.global_variables()
        n_params = sum(int(np.prod(v.shape.as_list())) for v in variables)
        rng = np.random.RandomState(SEED)
        values = [init_value(rng, v) for v in variables]
        feeds, assigns = {}, []
        with tf.compat.v1.name_scope("numpy_init"):
            for v, val in zip(variables, values):
                ph = tf.compat.v1.placeholder(tf.float32, val.shape)
                assigns.append(tf.compat.v1.assign(v, ph))
                feeds[ph] = val
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(assigns, feed_dict=feeds)
            frozen = tf.compat.v1.graph_util.convert_variables_to_constants(
                sess, graph.as_graph_def(), OUTPUTS)
    return frozen, n_params


def stats(name, a):
    return "%-26s shape=%-16s min=%+.5g max=%+.5g mean=%+.5g std=%.5g" % (
        name, list(a.shape), a.min(), a.max(), a.mean(), a.std())


def verify(path, cfg_name):
    gd = tf.compat.v1.GraphDef()
    with open(path, "rb") as f:
        gd.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(gd, name="")
    rng = np.random.RandomState(INPUT_SEED)
    with tf.compat.v1.Session(graph=graph) as sess:
        for shape in [(1, 224, 320, 3), (2, 128, 96, 3)]:
            img = (rng.uniform(0, 255, size=shape) / 255.0).astype(np.float32)
            cls, bbox = sess.run(["Reshape_2:0", "rpn_bbox_pred/Reshape_1:0"],
                                 feed_dict={"Placeholder:0": img})
            n, h, w = shape[0], shape[1] // 16, shape[2] // 16
            print("[%s] input %s" % (cfg_name, list(shape)))
            print("  " + stats("Reshape_2", cls))
            print("  " + stats("rpn_bbox_pred/Reshape_1", bbox))
            assert list(cls.shape) == [n, h, w, 20], cls.shape
            assert list(bbox.shape) == [n, h, w, 40], bbox.shape
            for nm, a in (("Reshape_2", cls), ("rpn_bbox_pred/Reshape_1", bbox)):
                if not np.all(np.isfinite(a)):
                    sys.exit("FAIL: %s has non-finite values" % nm)
            if not (cls.std() > 1e-3 and cls.min() >= 0 and cls.max() <= 1):
                sys.exit("FAIL: Reshape_2 (softmax probs) degenerate: std=%g" % cls.std())
            if not np.allclose(cls.reshape(-1, 2).sum(axis=1), 1.0, atol=1e-5):
                sys.exit("FAIL: Reshape_2 pairs do not sum to 1")
            if not (bbox.std() > 1e-2 and 1e-2 <= np.abs(bbox).max() <= 100):
                sys.exit("FAIL: bbox output out of range: std=%g max|x|=%g"
                         % (bbox.std(), np.abs(bbox).max()))


def generate(variant, out_dir):
    cfg = VARIANTS[variant]
    frozen, n_params = make_frozen(cfg)
    want = expected_params(cfg)
    print("[%s] parameters: %d (expected %d)" % (variant, n_params, want))
    assert n_params == want, (n_params, want)
    if variant == "full":
        assert n_params == FULL_PARAMS, n_params
    data = frozen.SerializeToString(deterministic=True)

    # Determinism: a second, independent build must give the same bytes.
    frozen2, _ = make_frozen(cfg)
    if frozen2.SerializeToString(deterministic=True) != data:
        sys.exit("FAIL: two builds of %s differ" % variant)

    names = {n.name: n.op for n in frozen.node}
    for want_name, want_op in [("Placeholder", "Placeholder"), ("Reshape", "Reshape"),
                               ("Reshape_1", "Reshape"), ("Reshape_2", "Reshape"),
                               ("rpn_cls_prob", "Reshape"), ("Softmax", "Softmax"),
                               ("rpn_bbox_pred/Reshape_1", "Reshape"),
                               ("conv1_1/weights", "Const"), ("conv1_1/weights/read", "Identity")]:
        if names.get(want_name) != want_op:
            sys.exit("FAIL: node %s is %r, want %s" % (want_name, names.get(want_name), want_op))
    bad = [n.name for n in frozen.node if n.op in ("VariableV2", "Assign", "RandomUniform",
                                                   "RandomStandardNormal")]
    if bad or any(n.name.startswith("numpy_init") for n in frozen.node):
        sys.exit("FAIL: leftover init nodes: %s" % bad[:5])

    path = os.path.join(out_dir, FILENAMES[variant])
    with open(path, "wb") as f:
        f.write(data)
    hist = collections.Counter(n.op for n in frozen.node)
    print("[%s] wrote %s: %d bytes, %d nodes" % (variant, path, len(data), len(frozen.node)))
    print("[%s] op histogram:" % variant)
    for op, cnt in sorted(hist.items(), key=lambda kv: (-kv[1], kv[0])):
        print("    %-22s %d" % (op, cnt))
    print("[%s] outputs: %s" % (variant, ", ".join(OUTPUTS)))
    verify(path, variant)
    print("[%s] sha256 %s  %s" % (variant, hashlib.sha256(data).hexdigest(), FILENAMES[variant]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--variant", choices=["full", "narrow", "both"], default="both")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    print("tensorflow %s, numpy %s, seed %d" % (tf.__version__, np.__version__, SEED))
    variants = ["full", "narrow"] if args.variant == "both" else [args.variant]
    for v in variants:
        generate(v, args.out)


if __name__ == "__main__":
    main()
