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
TFLite models (--tflite on both sides; TF 2.21's TFLiteConverter):

  mobilenetv2.tflite       keras.applications.MobileNetV2(weights=None), float
  mobilenetv2_int8.tflite  the same, full-integer int8 (float input and output),
                           calibrated on 8 seeded random images
  resnet50.tflite          keras.applications.ResNet50(weights=None), float

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
ORDER = ["mlp", "lenet", "cnn_bn", "cnn_sm", "resnet50", "resnet50_sm", "mobilenetv2", "mobilenetv3large",
         "efficientnetb0", "efficientnetv2b0", "densenet121", "nasnetmobile", "inceptionv3",
         "bert", "bilstm", "bilstm_functional", "bilstm_masked", "ctpn",
         "mobilenetv2_tflite", "mobilenetv2_int8_tflite", "resnet50_tflite"]

# Keras applications (random weights): bench name -> (class name, input size).
KERAS_APPS = {
    "mobilenetv2": ("MobileNetV2", 224),
    "mobilenetv3large": ("MobileNetV3Large", 224),
    "efficientnetb0": ("EfficientNetB0", 224),
    "efficientnetv2b0": ("EfficientNetV2B0", 224),
    "densenet121": ("DenseNet121", 224),
    "nasnetmobile": ("NASNetMobile", 224),
    "inceptionv3": ("InceptionV3", 299),
}

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


def freeze(fn, spec, lower=True):
    """Trace fn at spec, freeze its variables; return (GraphDef, inputs, outputs).
    lower=False keeps TF2's functional While loops (TensorFlow's default lowers
    them to TF1 frames)."""
    tf = _tf()
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2)
    cf = tf.function(fn).get_concrete_function(spec)
    frozen = convert_variables_to_constants_v2(cf, lower_control_flow=lower)
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


def tflite_of(model, int8=False):
    import tensorflow as tf
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    if int8:
        shape = [1] + list(model.input_shape[1:])

        def representative():
            rng = np.random.RandomState(SEED)
            for _ in range(8):
                yield [rng.uniform(0, 1, size=shape).astype(np.float32)]
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = representative
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return conv.convert()


def keras_app(cls):
    import keras
    keras.utils.set_random_seed(SEED)
    return cls(weights=None, input_shape=(224, 224, 3))


def build_tflite(name):
    """A .tflite model: (bytes, input name, output name, about)."""
    import keras
    import tensorflow as tf
    if name.startswith("mobilenetv2"):
        model = keras_app(keras.applications.MobileNetV2)
        about = "keras.applications.MobileNetV2(weights=None)"
    else:
        model = keras_app(keras.applications.ResNet50)
        about = "keras.applications.ResNet50(weights=None)"
    int8 = "_int8" in name
    data = tflite_of(model, int8)
    it = tf.lite.Interpreter(model_content=data)
    about += ", full-integer int8 (float I/O)" if int8 else ", float"
    return data, it.get_input_details()[0]["name"], it.get_output_details()[0]["name"], about


TFLITE = {"mobilenetv2_tflite", "mobilenetv2_int8_tflite", "resnet50_tflite"}

def build_keras_app(name):
    """A keras.applications model with random weights, frozen at batch 1."""
    tf = _tf()
    import keras
    cls, size = KERAS_APPS[name]
    keras.utils.set_random_seed(SEED)
    model = getattr(keras.applications, cls)(weights=None, input_shape=(size, size, 3))

    def fn(x):
        return model(x, training=False)

    shape = [1, size, size, 3]
    gd, ins, outs = freeze(fn, tf.TensorSpec(shape, tf.float32, name="input"))
    about = "keras.applications.%s(weights=None), %d parameters" % (cls, model.count_params())
    return gd, ins, outs, {ins[0]: shape}, about


def build_bert():
    """A Keras 3 BERT-style encoder: 2 blocks of multi-head self-attention
    (4 heads of 64), LayerNormalization, a tanh-GELU feed-forward of 1024; sequence
    128 of 256-wide float embeddings (the token lookup is left out so the
    input is float like every other model's)."""
    tf = _tf()
    import keras
    from keras import layers
    keras.utils.set_random_seed(SEED)
    seq, width, heads, ff = 128, 256, 4, 1024
    x_in = keras.Input((seq, width))
    x = x_in + layers.Embedding(seq, width)(keras.ops.arange(seq))  # positions
    x = layers.LayerNormalization(epsilon=1e-12)(x)
    for _ in range(2):
        a = layers.MultiHeadAttention(heads, width // heads)(x, x)
        x = layers.LayerNormalization(epsilon=1e-12)(x + a)
        # The tanh GELU: the Python tf2onnx 1.17 has no Erfc, which the
        # exact one (Keras' default) is written with in TF.
        f = layers.Dense(ff, activation=lambda v: keras.activations.gelu(v, approximate=True))(x)
        f = layers.Dense(width)(f)
        x = layers.LayerNormalization(epsilon=1e-12)(x + f)
    model = keras.Model(x_in, x)

    def fn(x):
        return model(x, training=False)

    shape = [1, seq, width]
    gd, ins, outs = freeze(fn, tf.TensorSpec(shape, tf.float32, name="input"))
    return gd, ins, outs, {ins[0]: shape}, "Keras 3 BERT-style encoder, 2 blocks, tanh GELU, %d parameters" % model.count_params()


def build_bilstm(lower=True, masked=False):
    """A Keras bidirectional LSTM tagger: 2 stacked BiLSTM(128) over 64 steps of 64 features
    (masked: after a Masking layer, as taggers of padded batches have it)."""
    tf = _tf()
    import keras
    from keras import layers
    keras.utils.set_random_seed(SEED)
    steps, feat = 64, 64
    x_in = keras.Input((steps, feat))
    x = layers.Masking(0.0)(x_in) if masked else x_in
    x = layers.Bidirectional(layers.LSTM(128, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(128, return_sequences=True))(x)
    x = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(x_in, x)

    def fn(x):
        return model(x, training=False)

    shape = [1, steps, feat]
    gd, ins, outs = freeze(fn, tf.TensorSpec(shape, tf.float32, name="input"), lower=lower)
    return gd, ins, outs, {ins[0]: shape}, "Keras 2x Bidirectional(LSTM 128), %d parameters%s%s" % (
        model.count_params(), "" if lower else ", functional While", ", masked" if masked else "")


def build_scale(nodes):
    """A generated NHWC residual chain of about `nodes` TF nodes, written as a
    GraphDef directly (tracing 100k ops through TensorFlow takes minutes):
    blocks of Conv2D 3x3 (4 channels) + BiasAdd + FusedBatchNormV3 + Relu +
    AddV2, each weight its own Const. For the optimizer's scaling row only."""
    _tf()
    from tensorflow.core.framework import graph_pb2, types_pb2
    from tensorflow.python.framework import tensor_util
    rng = np.random.RandomState(SEED + 7)
    gd = graph_pb2.GraphDef()
    c = 4

    def node(name, op, inputs=(), **attrs):
        n = gd.node.add(name=name, op=op)
        n.input.extend(inputs)
        n.attr["T"].type = types_pb2.DT_FLOAT
        for k, v in attrs.items():
            if isinstance(v, bytes):
                n.attr[k].s = v
            elif isinstance(v, float):
                n.attr[k].f = v
            elif isinstance(v, bool):
                n.attr[k].b = v
            elif isinstance(v, list):
                n.attr[k].list.i.extend(v)
        return name

    def const(name, value):
        n = gd.node.add(name=name, op="Const")
        n.attr["dtype"].type = types_pb2.DT_FLOAT
        n.attr["value"].tensor.CopyFrom(tensor_util.make_tensor_proto(value))
        return name

    x = gd.node.add(name="input", op="Placeholder")
    x.attr["dtype"].type = types_pb2.DT_FLOAT
    x.attr["shape"].shape.dim.extend([])
    for d in (1, 8, 8, c):
        x.attr["shape"].shape.dim.add(size=d)
    y = "input"
    blocks = max(1, nodes // 11)
    for i in range(blocks):
        p = "b%d/" % i
        w = const(p + "w", (rng.standard_normal((3, 3, c, c)) * 0.2).astype(np.float32))
        h = node(p + "conv", "Conv2D", [y, w], strides=[1, 1, 1, 1], padding=b"SAME",
                 data_format=b"NHWC")
        h = node(p + "bias", "BiasAdd", [h, const(p + "b", rng.uniform(-0.1, 0.1, c).astype(np.float32))],
                 data_format=b"NHWC")
        bn = [const(p + k, rng.uniform(0.5, 1.5, c).astype(np.float32))
              for k in ("scale", "offset", "mean", "var")]
        h = node(p + "bn", "FusedBatchNormV3", [h] + bn, epsilon=1e-3, data_format=b"NHWC",
                 is_training=False)
        h = node(p + "relu", "Relu", [h])
        y = node(p + "res", "AddV2", [h, y])
    for n in gd.node:
        if n.op == "FusedBatchNormV3":
            n.attr["U"].type = types_pb2.DT_FLOAT
    node("Identity", "Identity", [y])
    return gd, ["input:0"], ["Identity:0"], {"input:0": [1, 8, 8, c]}, \
        "generated residual chain, %d blocks, %d TF nodes (scaling row)" % (blocks, len(gd.node))


BUILDERS = {"mlp": build_mlp, "cnn_bn": build_cnn_bn, "resnet50": build_resnet50,
            "bert": build_bert, "bilstm": build_bilstm,
            "bilstm_functional": lambda: build_bilstm(lower=False),
            "bilstm_masked": lambda: build_bilstm(lower=False, masked=True)}
BUILDERS.update({k: (lambda k=k: build_keras_app(k)) for k in KERAS_APPS})
# The scaling row's graphs: not in ORDER (no Python side, no latency); run.py
# asks for them by name.
SCALE = {"scale10k": 10_000, "scale100k": 100_000}
BUILDERS.update({k: (lambda n=n: build_scale(n)) for k, n in SCALE.items()})


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
    names = ORDER + [n for n in only if n in SCALE]
    for name in names:
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
            if name in TFLITE:
                pb_abs = pb_abs[:-3] + ".tflite"
            if (not args.force and os.path.exists(pb_abs) and os.path.exists(meta_path)) \
                    or (only and name not in only):
                if os.path.exists(meta_path):
                    with open(meta_path) as f:
                        manifest.append(json.load(f))
                continue
            t0 = time.time()
            if name in TFLITE:
                rel = pb_rel[:-3] + ".tflite"
                data, inp, outp, about = build_tflite(name)
                with open(os.path.join(ROOT, rel), "wb") as f:
                    f.write(data)
                meta = {"name": name, "pb": rel, "format": "tflite", "inputs": [inp], "outputs": [outp],
                        "input_shapes": {inp: [1, 224, 224, 3]}, "about": about, "seed": SEED, "latency": True}
                print("make_models: wrote %s (%d bytes, %.1fs)" % (rel, len(data), time.time() - t0))
                with open(meta_path, "w") as f:
                    json.dump(meta, f, indent=1)
                manifest.append(meta)
                continue
            try:
                gd, ins, outs, shapes, about = BUILDERS[name]()
            except Exception as e:  # noqa: BLE001 - one model's failure skips it
                print("make_models: %s failed, skipped: %s: %s"
                      % (name, type(e).__name__, str(e).split("\n")[0]), file=sys.stderr)
                continue
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

    if not any(n in SCALE for n in only):
        with open(os.path.join(args.out, "models.json"), "w") as f:
            json.dump([m["name"] for m in manifest], f)


if __name__ == "__main__":
    main()
