#!/usr/bin/env python3
"""Generate lenet_tf.pb: the ptflops-example LeNet as a frozen TF1-style GraphDef (NHWC).

Placeholder [1,28,28,1] -> conv1 (5x5, 1->10, VALID) -> Relu -> MaxPool 2x2/2
-> conv2 (3x3, 10->20, VALID) -> Relu -> Reshape [1,2000] -> fc1 (2000->500)
-> Relu -> fc2 (500->10) -> LogSoftmax "output" [1,10].

Usage:  .venv/bin/python testdata/lenet/make_lenet_tf.py [--out DIR]
"""
import argparse
import hashlib
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")
tf.compat.v1.disable_eager_execution()
tf.compat.v1.disable_v2_behavior()  # ref variables: frozen as Const + "<var>/read" Identity

SEED = 20261127
INPUT_SEED = 7
EXPECT_PARAMS = 1007590


def var(name, shape):
    return tf.compat.v1.get_variable(name, shape=shape, dtype=tf.float32,
                                     initializer=tf.compat.v1.zeros_initializer())


def conv(x, scope, k, cin, cout):
    with tf.compat.v1.variable_scope(scope):
        w = var("weights", [k, k, cin, cout])
        b = var("biases", [cout])
        y = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="VALID")
        return tf.nn.bias_add(y, b)


def dense(x, scope, cin, cout):
    with tf.compat.v1.variable_scope(scope):
        w = var("weights", [cin, cout])
        b = var("biases", [cout])
        return tf.nn.bias_add(tf.matmul(x, w), b)


def build():
    x = tf.compat.v1.placeholder(tf.float32, [1, 28, 28, 1], name="Placeholder")
    x = tf.nn.relu(conv(x, "conv1", 5, 1, 10))  # [1,24,24,10]
    x = tf.nn.max_pool2d(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID",
                         name="MaxPool")  # [1,12,12,10]
    x = tf.nn.relu(conv(x, "conv2", 3, 10, 20))  # [1,10,10,20]
    x = tf.reshape(x, [1, 2000])
    x = tf.nn.relu(dense(x, "fc1", 2000, 500))
    x = dense(x, "fc2", 500, 10)
    out = tf.nn.log_softmax(x, name="output")
    assert out.op.name == "output" and out.op.type == "LogSoftmax", (out.op.name, out.op.type)
    return out


def init_value(rng, v):
    shape = v.shape.as_list()
    if v.op.name.endswith("biases"):
        return rng.uniform(-0.05, 0.05, size=shape).astype(np.float32)
    fan_in = int(np.prod(shape[:-1]))  # HWIO conv kernel or [in,out] matrix
    return (rng.standard_normal(size=shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def make_frozen():
    graph = tf.Graph()
    with graph.as_default():
        build()
        variables = tf.compat.v1.global_variables()
        n_params = sum(int(np.prod(v.shape.as_list())) for v in variables)
        rng = np.random.RandomState(SEED)
        feeds, assigns = {}, []
        with tf.compat.v1.name_scope("numpy_init"):
            for v in variables:
                val = init_value(rng, v)
                ph = tf.compat.v1.placeholder(tf.float32, val.shape)
                assigns.append(tf.compat.v1.assign(v, ph))
                feeds[ph] = val
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(assigns, feed_dict=feeds)
            frozen = tf.compat.v1.graph_util.convert_variables_to_constants(
                sess, graph.as_graph_def(), ["output"])
    return frozen, n_params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    frozen, n_params = make_frozen()
    print("tensorflow %s, seed %d, parameters %d" % (tf.__version__, SEED, n_params))
    assert n_params == EXPECT_PARAMS, n_params
    data = frozen.SerializeToString(deterministic=True)
    if make_frozen()[0].SerializeToString(deterministic=True) != data:
        sys.exit("FAIL: two builds differ")
    leftovers = [n.name for n in frozen.node if n.op in ("VariableV2", "Assign")
                 or n.name.startswith("numpy_init")]
    if leftovers:
        sys.exit("FAIL: leftover init nodes %s" % leftovers)
    path = os.path.join(args.out, "lenet_tf.pb")
    with open(path, "wb") as f:
        f.write(data)
    print("wrote %s: %d bytes, %d nodes" % (path, len(data), len(frozen.node)))
    for n in frozen.node:
        print("  %-12s %-22s %s" % (n.op, n.name, list(n.input)))

    # Reload and run.
    gd = tf.compat.v1.GraphDef()
    with open(path, "rb") as f:
        gd.ParseFromString(f.read())
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(gd, name="")
    img = np.random.RandomState(INPUT_SEED).uniform(0, 1, size=(1, 28, 28, 1)).astype(np.float32)
    with tf.compat.v1.Session(graph=g) as sess:
        out = sess.run("output:0", feed_dict={"Placeholder:0": img})
    print("output %s: %s" % (list(out.shape), np.array2string(out[0], precision=4)))
    assert out.shape == (1, 10) and np.all(np.isfinite(out)), out
    assert abs(np.exp(out).sum() - 1.0) < 1e-5 and out.std() > 1e-3
    print("sha256 %s  lenet_tf.pb" % hashlib.sha256(data).hexdigest())


if __name__ == "__main__":
    main()
