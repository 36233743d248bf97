#!/usr/bin/env python3
"""Write the benchmark's frozen GraphDefs into build/bench/ (runs in .venv).

Generated here (random weights, fixed seeds; a model whose .pb and .json both
exist is skipped unless --force):

  resnet50.pb  tf.keras.applications.ResNet50(weights=None), input 1x224x224x3
  mlp.pb       784 -> 512 -> 256 -> 10 MLP (MatMul + BiasAdd + Relu, Softmax)
  cnn_bn.pb    small NHWC CNN, 1x32x32x3: 2x [Conv2D + FusedBatchNormV3 + Relu
               + MaxPool], global mean, dense, Softmax
  cnn_sm/      SavedModel (Keras 3 model.export) of a small NHWC CNN, 1x32x32x3
  resnet50_sm/ SavedModel (Keras 3 model.export) of ResNet50(weights=None)
               (the SavedModel rows: both converters read the directory)

Each generated model is frozen with convert_variables_to_constants_v2 and gets
a <name>.json beside it: {"pb", "inputs", "outputs", "input_shapes", ...}.
The committed models (testdata/lenet/lenet_tf.pb, testdata/ctpn/ctpn.pb) get
only a .json here, pointing at the committed file. build/bench/models.json
lists every model in benchmark order.

Usage:  .venv/bin/python bench/make_models.py [--out build/bench] [--force] [--only NAME,...]
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 20261127

# Benchmark order: small first, so a partial run is still informative.
ORDER = ["mlp", "lenet", "cnn_bn", "cnn_sm", "resnet50", "resnet50_sm", "ctpn"]

COMMITTED = {
    "lenet": {
        "pb": "testdata/lenet/lenet_tf.pb",
        "inputs": ["Placeholder:0"],
        "outputs": ["output:0"],
        "input_shapes": {"Placeholder:0": [1, 28, 28, 1]},
        "about": "LeNet-like NHWC net (ptflops example), committed fixture",
    },
    "ctpn": {
        "pb": "testdata/ctpn/ctpn.pb",
        "inputs": ["Placeholder:0"],
        "outputs": ["Reshape_2:0", "rpn_bbox_pred/Reshape_1:0"],
        "input_shapes": {"Placeholder:0": [1, 600, 600, 3]},
        "about": "CTPN text detector (VGG16 + BiLSTM, v1 control flow), committed fixture",
        "latency": True,
    },
}


def _tf():
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    return tf


def freeze(fn, spec):
    """Trace fn at spec, freeze its variables; return (GraphDef, inputs, outputs)."""
    tf = _tf()
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2)
    cf = tf.function(fn).get_concrete_function(spec)
    frozen = convert_variables_to_constants_v2(cf)
    gd = frozen.graph.as_graph_def()
    inputs = [t.name for t in frozen.inputs]
    outputs = [t.name for t in frozen.outputs]
    return gd, inputs, outputs


def _he(rng, shape):
    fan_in = int(np.prod(shape[:-1]))
    return (rng.standard_normal(size=shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def _bias(rng, n):
    return rng.uniform(-0.05, 0.05, size=[n]).astype(np.float32)


def build_mlp():
    tf = _tf()
    rng = np.random.RandomState(SEED)
    dims = [784, 512, 256, 10]
    layers = [(tf.Variable(_he(rng, [a, b]), name="fc%d/weights" % i),
               tf.Variable(_bias(rng, b), name="fc%d/biases" % i))
              for i, (a, b) in enumerate(zip(dims[:-1], dims[1:]))]

    def fn(x):
        for i, (w, b) in enumerate(layers):
            x = tf.nn.bias_add(tf.matmul(x, w), b)
            if i < len(layers) - 1:
                x = tf.nn.relu(x)
        return tf.nn.softmax(x, name="probs")

    shape = [1, 784]
    gd, ins, outs = freeze(fn, tf.TensorSpec(shape, tf.float32, name="input"))
    return gd, ins, outs, {ins[0]: shape}, "MLP 784-512-256-10, Softmax"


def build_cnn_bn():
    tf = _tf()
    rng = np.random.RandomState(SEED + 1)

    def bn_params(c):
        return [tf.Variable(rng.uniform(0.5, 1.5, size=[c]).astype(np.float32)),   # scale
                tf.Variable(_bias(rng, c)),                                          # offset
                tf.Variable(rng.uniform(-0.1, 0.1, size=[c]).astype(np.float32)),  # mean
                tf.Variable(rng.uniform(0.5, 1.5, size=[c]).astype(np.float32))]   # variance

    k1 = tf.Variable(_he(rng, [3, 3, 3, 16]))
    bn1 = bn_params(16)
    k2 = tf.Variable(_he(rng, [3, 3, 16, 32]))
    bn2 = bn_params(32)
    wfc = tf.Variable(_he(rng, [32, 10]))
    bfc = tf.Variable(_bias(rng, 10))

    def block(x, k, bn):
        x = tf.nn.conv2d(x, k, strides=1, padding="SAME", data_format="NHWC")
        x, _, _ = tf.compat.v1.nn.fused_batch_norm(
            x, bn[0], bn[1], mean=bn[2], variance=bn[3], epsilon=1e-3,
            data_format="NHWC", is_training=False)  # FusedBatchNormV3
        x = tf.nn.relu(x)
        return tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID", data_format="NHWC")

    def fn(x):
        x = block(x, k1, bn1)
        x = block(x, k2, bn2)
        x = tf.reduce_mean(x, axis=[1, 2])
        return tf.nn.softmax(tf.nn.bias_add(tf.matmul(x, wfc), bfc), name="probs")

    shape = [1, 32, 32, 3]
    gd, ins, outs = freeze(fn, tf.TensorSpec(shape, tf.float32, name="input"))
    return gd, ins, outs, {ins[0]: shape}, "NHWC CNN: 2x(Conv2D+FusedBatchNormV3+Relu+MaxPool), mean, dense"


def build_resnet50():
    tf = _tf()
    import keras
    keras.utils.set_random_seed(SEED)
    model = keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))

    def fn(x):
        return model(x, training=False)

    shape = [1, 224, 224, 3]
    gd, ins, outs = freeze(fn, tf.TensorSpec(shape, tf.float32, name="input"))
    about = "keras.applications.ResNet50(weights=None), %d parameters" % model.count_params()
    return gd, ins, outs, {ins[0]: shape}, about


def export_keras(model, name):
    """model.export() into build/bench/NAME/ (a SavedModel directory); the
    meta's "pb" is the directory and "saved_model" marks it."""
    import shutil
    path = os.path.join(ROOT, "build", "bench", name)
    shutil.rmtree(path, ignore_errors=True)
    model.export(path, verbose=False)
    return path


def build_cnn_sm():
    import keras
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        keras.layers.Conv2D(16, 3, padding="same"), keras.layers.BatchNormalization(), keras.layers.ReLU(),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same"), keras.layers.BatchNormalization(), keras.layers.ReLU(),
        keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10, activation="softmax"),
    ])
    return export_keras(model, "cnn_sm"), [1, 32, 32, 3], "Keras 3 model.export() of a small NHWC CNN"


def build_resnet50_sm():
    import keras
    keras.utils.set_random_seed(SEED)
    model = keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))
    about = "Keras 3 model.export() of ResNet50(weights=None), %d parameters" % model.count_params()
    return export_keras(model, "resnet50_sm"), [1, 224, 224, 3], about


BUILDERS = {"mlp": build_mlp, "cnn_bn": build_cnn_bn, "resnet50": build_resnet50}
SAVED_MODELS = {"cnn_sm": build_cnn_sm, "resnet50_sm": build_resnet50_sm}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--force", action="store_true", help="regenerate even if present")
    ap.add_argument("--only", default="", help="comma-separated model names")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    only = [s for s in args.only.split(",") if s]

    manifest = []
    for name in ORDER:
        meta_path = os.path.join(args.out, name + ".json")
        if name in SAVED_MODELS:
            rel = os.path.relpath(os.path.join(args.out, name), ROOT)
            if (not args.force and os.path.exists(os.path.join(ROOT, rel, "saved_model.pb"))
                    and os.path.exists(meta_path)) or (only and name not in only):
                if os.path.exists(meta_path):
                    with open(meta_path) as f:
                        manifest.append(json.load(f))
                continue
            t0 = time.time()
            _tf()
            path, shape, about = SAVED_MODELS[name]()
            meta = {"name": name, "pb": rel, "saved_model": True, "input_shapes": {"serving_default": shape},
                    "about": about, "seed": SEED}
            print("make_models: wrote %s/ (%.1fs)" % (rel, time.time() - t0))
        elif name in COMMITTED:
            meta = dict(COMMITTED[name], name=name)
            if not os.path.exists(os.path.join(ROOT, meta["pb"])):
                print("make_models: %s missing, skipped" % meta["pb"], file=sys.stderr)
                continue
        else:
            pb_rel = os.path.relpath(os.path.join(args.out, name + ".pb"), ROOT)
            pb_abs = os.path.join(ROOT, pb_rel)
            if (not args.force and os.path.exists(pb_abs) and os.path.exists(meta_path)) \
                    or (only and name not in only):
                if os.path.exists(meta_path):
                    with open(meta_path) as f:
                        manifest.append(json.load(f))
                continue
            t0 = time.time()
            gd, ins, outs, shapes, about = BUILDERS[name]()
            data = gd.SerializeToString(deterministic=True)
            with open(pb_abs, "wb") as f:
                f.write(data)
            ops = {}
            for n in gd.node:
                ops[n.op] = ops.get(n.op, 0) + 1
            meta = {"name": name, "pb": pb_rel, "inputs": ins, "outputs": outs,
                    "input_shapes": shapes, "about": about, "seed": SEED,
                    "tf_nodes": len(gd.node), "tf_ops": dict(sorted(ops.items()))}
            print("make_models: wrote %s (%d bytes, %d nodes, %.1fs)"
                  % (pb_rel, len(data), len(gd.node), time.time() - t0))
        with open(meta_path, "w") as f:
            json.dump(meta, f, indent=1)
        manifest.append(meta)

    with open(os.path.join(args.out, "models.json"), "w") as f:
        json.dump([m["name"] for m in manifest], f)


if __name__ == "__main__":
    main()
