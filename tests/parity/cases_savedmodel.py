"""SavedModel and checkpoint input (tf2onnx --saved-model DIR, --checkpoint
FILE.meta): each case writes a SavedModel or checkpoint with TensorFlow,
TensorFlow loads it back and runs the signature (or restores the checkpoint
and runs the graph) for the reference outputs, the binary converts the
directory as a user would, onnx.checker (full_check) checks the model and
onnxruntime runs it on the same inputs. ONNX inputs and outputs must carry
the signature's keys, sorted, as the Python tf2onnx names and orders them.

The case over 2 GB is registered only with TF2ONNX_PARITY_LARGE=1 (`make
parity-large`): it writes and reads several GB.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import subprocess
import tempfile
from typing import Callable

import numpy as np
import onnx
import onnxruntime as ort
import tensorflow as tf

import harness
from harness import Case, Failure, _register, compare, f32

LARGE = bool(os.environ.get("TF2ONNX_PARITY_LARGE"))


@dataclasses.dataclass
class SavedBuilt:
    flags: list  # the source flags: ["--saved-model", dir] or ["--checkpoint", meta, ...]
    feeds: dict  # ONNX input name -> array
    want: dict  # ONNX output name -> TensorFlow's value, in the expected output order
    check: Callable | None = None  # check(dir) on the written files (e.g. shard count)


def saved_model_case(name, **kw):
    """Registers build(tmpdir) -> SavedBuilt, run by _run instead of the
    GraphDef flow."""

    def deco(build):
        _register(Case(name=name, build=build, runner=_run, **kw))
        return build

    return deco


def _run(case: Case, opsets, workdir=None):
    results = []
    with tempfile.TemporaryDirectory(dir=workdir) as d:
        try:
            built = case.build(d)
            if built.check:
                built.check(d)
        except Exception as e:  # a broken case is a failure, never a skip
            return [(o, f"building the TF case failed: {type(e).__name__}: {e}", None) for o in opsets]
        for opset in opsets:
            if opset < case.min_opset:
                continue
            out = os.path.join(d, f"{case.name}_{opset}.onnx")
            try:
                cmd = [harness.BINARY, *built.flags, "--output", out, "--opset", str(opset), *harness.cli_flags(case)]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    raise Failure(f"tf2onnx exited {p.returncode}: {p.stderr.strip()}")
                onnx.checker.check_model(out, full_check=True)  # by path: works past 2 GB
                if case.check:
                    case.check(onnx.load(out, load_external_data=False), opset)
                so = ort.SessionOptions()
                so.log_severity_level = 3
                sess = ort.InferenceSession(out, so, providers=["CPUExecutionProvider"])
                in_names = [i.name for i in sess.get_inputs()]
                if in_names != list(built.feeds):
                    raise Failure(f"input names {in_names}, want {list(built.feeds)}")
                names = [o.name for o in sess.get_outputs()]
                if names != list(built.want):
                    raise Failure(f"output names {names}, want {list(built.want)}")
                feeds = {k: (np.transpose(v, (0, 3, 1, 2)) if k in case.inputs_as_nchw else v)
                         for k, v in built.feeds.items()}
                got = sess.run(names, feeds)
                got = [np.transpose(g, (0, 2, 3, 1)) if n in case.outputs_as_nchw else g for n, g in zip(names, got)]
                worst = 0.0
                for n, g in zip(names, got):
                    worst = max(worst, compare(n, built.want[n], g, case.rtol, case.atol))
                results.append((opset, None, worst))
            except Failure as e:
                results.append((opset, str(e), None))
            except Exception as e:
                results.append((opset, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", None))
    return results


def tf_signature(d, feeds, signature="serving_default"):
    """TensorFlow loads the SavedModel and runs the signature; outputs by
    key, sorted."""
    f = tf.saved_model.load(d).signatures[signature]
    out = f(**{k: tf.constant(v) for k, v in feeds.items()})
    return {k: out[k].numpy() for k in sorted(out)}


def keras_feeds(path, x):
    """Keras names the exported input after its tensor (keras_tensor,
    keras_tensor_8, ...): the signature says which."""
    (key,) = tf.saved_model.load(path).signatures["serving_default"].structured_input_signature[1]
    return {key: x}


def seeded(model, seed=0):
    """Gives every Keras weight seeded values (variances positive), so that
    batch norms and biases are not identities."""
    rng = np.random.RandomState(seed)
    for w in model.weights:
        v = rng.uniform(-0.5, 0.5, size=tuple(w.shape)).astype(np.float32)
        if "variance" in w.path:
            v = np.abs(v) + 0.5
        w.assign(v)


# ---- Keras 3 model.export() --------------------------------------------------


@saved_model_case("savedmodel_keras_cnn", rtol=1e-4, atol=1e-5,
                  why_tolerance="float32 convolutions and batch norm summed in a different order")
def _(d):
    import keras

    model = keras.Sequential([
        keras.Input((16, 16, 3)),
        keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.MaxPooling2D(),
        keras.layers.DepthwiseConv2D(3, padding="same"),
        keras.layers.Conv2D(6, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    seeded(model)
    path = os.path.join(d, "keras_cnn")
    model.export(path, verbose=False)
    feeds = keras_feeds(path, f32(2, 16, 16, 3))
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


@saved_model_case("savedmodel_keras_cnn_inputs_as_nchw", inputs_as_nchw=("image",), rtol=1e-4, atol=1e-5,
                  why_tolerance="float32 convolutions summed in a different order")
def _(d):
    """--inputs-as-nchw names the input by its signature key."""
    import keras

    inp = keras.Input((12, 12, 3), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu")(inp)
    model = keras.Model(inp, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling2D()(x)))
    seeded(model, seed=2)
    path = os.path.join(d, "keras_named")
    model.export(path, verbose=False)
    feeds = keras_feeds(path, f32(2, 12, 12, 3, seed=6))
    if list(feeds) != ["image"]:
        raise AssertionError(f"Keras named the input {list(feeds)}")
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


@saved_model_case("savedmodel_keras_embedding")
def _(d):
    """An Embedding layer gathers from its variable (ResourceGather)."""
    import keras

    inp = keras.Input((5,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(20, 4)(inp)
    model = keras.Model(inp, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling1D()(x)))
    seeded(model, seed=3)
    path = os.path.join(d, "keras_embedding")
    model.export(path, verbose=False)
    feeds = keras_feeds(path, np.random.RandomState(4).randint(0, 20, size=(3, 5)).astype(np.int32))
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


class Lookup(tf.Module):
    """Reads a variable without ReadVariableOp: ResourceGather,
    ResourceGatherNd and VariableShape take the resource itself."""

    def __init__(self):
        super().__init__()
        self.table = tf.Variable(f32(10, 3, seed=40), name="table")
        # A dynamic dim keeps tf.shape from folding to a constant.
        self.grown = tf.Variable(f32(4, 3, seed=41), shape=tf.TensorShape([None, 3]), name="grown")

    @tf.function(input_signature=[tf.TensorSpec([None], tf.int32, name="ids"),
                                  tf.TensorSpec([None, 2], tf.int32, name="pairs")])
    def __call__(self, ids, pairs):
        rows = tf.gather(self.table, ids)
        cells = tf.gather_nd(self.table, pairs)
        # tf.shape reads the value (ReadVariableOp + Shape) in TF 2.21; older
        # graphs ask the resource for its shape.
        shape = tf.raw_ops.VariableShape(input=self.grown.handle, out_type=tf.int32)
        return {"rows": rows, "cells": cells, "shape": shape}


def _resource_ops(model, opset):
    ops = [n.op_type for n in model.graph.node]
    if "Gather" not in ops or "GatherND" not in ops:
        raise AssertionError(f"want Gather and GatherND: {ops}")


@saved_model_case("savedmodel_resource_reads", check=_resource_ops)
def _(d):
    m = Lookup()
    path = os.path.join(d, "lookup")
    tf.saved_model.save(m, path, signatures={"serving_default": m.__call__})
    from tensorflow.core.protobuf import saved_model_pb2

    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(path, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    ops = {n.op for f in sm.meta_graphs[0].graph_def.library.function for n in f.node_def}
    missing = {"ResourceGather", "ResourceGatherNd", "VariableShape"} - ops
    if missing:
        raise AssertionError(f"TensorFlow traced no {sorted(missing)}; the case no longer covers them")
    feeds = {"ids": np.array([3, 0, 9, 3], np.int32), "pairs": np.array([[1, 2], [9, 0]], np.int32)}
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


def _rnn_ops(model, opset):
    ops = [n.op_type for n in model.graph.node]
    if "LSTM" not in ops or "GRU" not in ops or "Loop" in ops:
        raise AssertionError(f"want one bidirectional LSTM and a GRU, no Loop: {ops}")


# Keras 3's LSTM and GRU layers trace to TF2 While loops over TensorLists,
# read through the inlined signature call; they must become ONNX LSTM/GRU.
@saved_model_case("savedmodel_keras_bilstm_gru", check=_rnn_ops, rtol=1e-4, atol=1e-5,
                  why_tolerance="float32 recurrences accumulate rounding over the sequence")
def _keras_bilstm_gru(d):
    import keras

    model = keras.Sequential([
        keras.Input((7, 4)),
        keras.layers.Bidirectional(keras.layers.LSTM(6, return_sequences=True)),
        keras.layers.GRU(5),
        keras.layers.Dense(3),
    ])
    seeded(model, seed=1)
    path = os.path.join(d, "keras_rnn")
    model.export(path, verbose=False)
    feeds = keras_feeds(path, f32(2, 7, 4, seed=3))
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


# ---- tf.Module with two signatures -------------------------------------------


class TwoSignatures(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(f32(4, 3, seed=10), name="w")
        self.b = tf.Variable(f32(3, seed=11), name="b")
        self.scale = tf.Variable(f32(4, 4, seed=12, lo=-0.5, hi=0.5), name="scale")

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="features")])
    def predict(self, features):
        logits = tf.matmul(features, self.w) + self.b
        return {"probs": tf.nn.softmax(logits), "logits": logits}

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x"),
                                  tf.TensorSpec([], tf.int32, name="steps")])
    def iterate(self, x, steps):
        def body(i, y):
            return i + 1, tf.tanh(tf.matmul(y, self.scale) + self.b[0])

        _, y = tf.while_loop(lambda i, y: i < steps, body, [tf.constant(0), x])
        return {"y": y}


def _two_signatures(d):
    m = TwoSignatures()
    path = os.path.join(d, "module")
    tf.saved_model.save(m, path, signatures={"serving_default": m.predict, "iterate": m.iterate})
    return path


@saved_model_case("savedmodel_module_default_signature")
def _(d):
    path = _two_signatures(d)
    feeds = {"features": f32(3, 4, seed=2)}
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


@saved_model_case("savedmodel_module_while_signature", rtol=1e-5, atol=1e-5)
def _(d):
    path = _two_signatures(d)
    feeds = {"steps": np.array(3, np.int32), "x": f32(2, 4, seed=4)}
    return SavedBuilt(["--saved-model", path, "--signature_def", "iterate"], feeds,
                      tf_signature(path, feeds, "iterate"))


# ---- variables across several shards -----------------------------------------


class Wide(tf.Module):
    def __init__(self):
        super().__init__()
        self.w1 = tf.Variable(f32(64, 64, seed=20, lo=-0.2, hi=0.2), name="w1")
        self.w2 = tf.Variable(f32(64, 32, seed=21, lo=-0.2, hi=0.2), name="w2")
        self.b = tf.Variable(f32(32, seed=22), name="b")

    @tf.function(input_signature=[tf.TensorSpec([None, 64], tf.float32, name="x")])
    def __call__(self, x):
        return {"out": tf.matmul(tf.nn.relu(tf.matmul(x, self.w1)), self.w2) + self.b}


@saved_model_case("savedmodel_sharded_variables", rtol=1e-5, atol=1e-5)
def _(d):
    m = Wide()
    path = os.path.join(d, "sharded")
    # 6 kB shards: w1 (16 kB) and w2 (8 kB) are split into slices across shards.
    policy = tf.train.experimental.MaxShardSizePolicy(max_shard_size=6000)
    tf.saved_model.save(m, path, signatures={"serving_default": m.__call__},
                        options=tf.saved_model.SaveOptions(experimental_sharding_callback=policy))
    feeds = {"x": f32(2, 64, seed=5)}

    def check(_):
        shards = glob.glob(os.path.join(path, "variables", "variables.data-*"))
        if len(shards) < 3:
            raise AssertionError(f"want the variables in 3 or more shards, TensorFlow wrote {len(shards)}")

    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds), check)


# ---- TF1: SavedModelBuilder and Saver checkpoints ----------------------------


def _tf1_graph(resource):
    """A TF1 graph with variables: x -> dense(w, b) -> relu -> dense(v) and a
    second output."""
    x = tf.compat.v1.placeholder(tf.float32, (None, 5), name="x")
    init = tf.compat.v1.random_uniform_initializer(-0.5, 0.5, seed=1)
    w = tf.compat.v1.get_variable("w", (5, 4), initializer=init, use_resource=resource)
    b = tf.compat.v1.get_variable("b", (4,), initializer=init, use_resource=resource)
    v = tf.compat.v1.get_variable("v", (4, 3), initializer=init, use_resource=resource)
    # An 80 kB constant in the graph itself (read aliasing saved_model.pb).
    big = tf.constant(f32(160, 128, seed=9), name="big")
    h = tf.nn.relu(tf.matmul(x, w) + b + tf.reduce_mean(big, axis=0)[:4])
    y = tf.identity(tf.matmul(h, v), name="y")
    z = tf.reduce_sum(h, axis=1, name="z")
    return x, y, z, {"w": w, "b": b, "v": v}


def _builder_case(resource):
    def build(d):
        path = os.path.join(d, "tf1_builder")
        xv = f32(3, 5, seed=6)
        g = tf.Graph()
        with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
            x, y, z, variables = _tf1_graph(resource)
            sess.run(tf.compat.v1.global_variables_initializer())
            # A saver with its own keys: the converter must read the
            # restore ops, not guess keys from variable names.
            saver = tf.compat.v1.train.Saver({"dense/kernel": variables["w"], "dense/bias": variables["b"],
                                              "out/kernel": variables["v"]})
            builder = tf.compat.v1.saved_model.Builder(path)
            sig = tf.compat.v1.saved_model.predict_signature_def(inputs={"input": x}, outputs={"y": y, "total": z})
            builder.add_meta_graph_and_variables(sess, ["serve"], signature_def_map={"serving_default": sig},
                                                 saver=saver)
            builder.save()
        # TensorFlow's TF1 loader runs the signature's tensors.
        g = tf.Graph()
        with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
            mg = tf.compat.v1.saved_model.loader.load(sess, ["serve"], path)
            sig = mg.signature_def["serving_default"]
            keys = sorted(sig.outputs)
            vals = sess.run([sig.outputs[k].name for k in keys], {sig.inputs["input"].name: xv})
        return SavedBuilt(["--saved-model", path], {"input": xv}, dict(zip(keys, vals)))

    return build


_register(Case(name="savedmodel_tf1_builder_ref_variables", build=_builder_case(False), runner=_run))
_register(Case(name="savedmodel_tf1_builder_resource_variables", build=_builder_case(True), runner=_run))


@saved_model_case("savedmodel_tf1_checkpoint")
def _(d):
    prefix = os.path.join(d, "ckpt", "model.ckpt")
    xv = f32(3, 5, seed=7)
    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        x, y, z, _ = _tf1_graph(False)
        # A partitioned variable: saved as three slices of one key.
        part = tf.compat.v1.get_variable(
            "emb", (6, 3), initializer=tf.compat.v1.random_uniform_initializer(-1, 1, seed=2),
            partitioner=tf.compat.v1.fixed_size_partitioner(3))
        out = tf.identity(y + tf.reduce_sum(tf.convert_to_tensor(part)), name="out")
        sess.run(tf.compat.v1.global_variables_initializer())
        tf.compat.v1.train.Saver().save(sess, prefix)
    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        saver = tf.compat.v1.train.import_meta_graph(prefix + ".meta")
        saver.restore(sess, prefix)
        want = sess.run(["out:0", "z:0"], {"x:0": xv})
    return SavedBuilt(["--checkpoint", prefix + ".meta", "--inputs", "x:0", "--outputs", "out:0,z:0"],
                      {"x:0": xv}, {"out:0": want[0], "z:0": want[1]})


# ---- --concrete_function: the root's __call__ --------------------------------


class Callable_(tf.Module):
    """__call__ traced for two input signatures; it captures a variable and
    a constant."""

    def __init__(self):
        super().__init__()
        self.w = tf.Variable(f32(4, 3, seed=30), name="w")
        self.k = tf.constant(f32(3, seed=31))

    @tf.function
    def __call__(self, x):
        return {"sum": tf.matmul(x, self.w) + self.k, "double": 2.0 * x}


def _concrete_case(index, spec_shapes, feed):
    def build(d):
        m = Callable_()
        for shape in spec_shapes:
            m.__call__.get_concrete_function(tf.TensorSpec(shape, tf.float32, name="inp"))
        path = os.path.join(d, "callable")
        tf.saved_model.save(m, path)
        fn = tf.saved_model.load(path).__call__.concrete_functions[index]
        out = fn(tf.constant(feed))
        want = {k: out[k].numpy() for k in sorted(out)}
        return SavedBuilt(["--saved-model", path, "--concrete_function", str(index)], {"inp": feed}, want)

    return build


_register(Case(name="savedmodel_concrete_function_0", build=_concrete_case(0, [[None, 4], [None, 5, 4]], f32(3, 4, seed=9)),
               runner=_run))
_register(Case(name="savedmodel_concrete_function_1", build=_concrete_case(1, [[None, 4], [None, 5, 4]], f32(2, 5, 4, seed=9)),
               runner=_run))


# ---- over 2 GB: external data (make parity-large) ----------------------------


class Large(tf.Module):
    """Three 14500×14500 float32 weights: 2.52 GB of variables."""

    N = 14500

    def __init__(self):
        super().__init__()
        self.ws = [tf.Variable(tf.random.stateless_uniform((self.N, self.N), seed=(i, 1), minval=-0.01, maxval=0.01),
                               name=f"w{i}") for i in range(3)]

    @tf.function(input_signature=[tf.TensorSpec([None, N], tf.float32, name="x")])
    def __call__(self, x):
        for w in self.ws:
            x = tf.tanh(tf.matmul(x, w))
        return {"y": x}


def _large_check(model, opset):
    external = [t.name for t in model.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
    if len(external) < 3:
        raise AssertionError(f"want the three weights as external data, got {external}")


if LARGE:
    @saved_model_case("savedmodel_large_external_data", check=_large_check, rtol=1e-4, atol=1e-5,
                      why_tolerance="float32 dot products of 14500 terms")
    def _(d):
        m = Large()
        path = os.path.join(d, "large")
        tf.saved_model.save(m, path, signatures={"serving_default": m.__call__})
        del m
        feeds = {"x": f32(1, Large.N, seed=8)}
        return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))
