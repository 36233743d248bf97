"""Writes the small SavedModel and checkpoint fixtures of package savedmodel's
Go tests, with TensorFlow (.venv): run from the repository root as
    .venv/bin/python testdata/savedmodel/make_fixtures.py
Each fixture's expected values are read back by TensorFlow's own checkpoint
reader and written to expected.json beside it (dtype, shape, the raw
little-endian bytes in hex, or the strings), so the Go tests compare with
what TensorFlow reads, not with values typed by hand.
"""

import json
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def fresh(name):
    path = os.path.join(HERE, name)
    shutil.rmtree(path, ignore_errors=True)
    return path


def expected(prefix, keys=None):
    """What TensorFlow's reader returns for each key of a checkpoint."""
    r = tf.train.load_checkpoint(prefix)
    out = {}
    for k in sorted(keys or r.get_variable_to_shape_map()):
        if k == "_CHECKPOINTABLE_OBJECT_GRAPH":
            continue
        v = r.get_tensor(k)
        e = {"dtype": r.get_variable_to_dtype_map()[k].name, "shape": list(v.shape)}
        if v.dtype.kind in "OSU":
            e["strings"] = [s.hex() for s in np.asarray(v).reshape(-1).tolist()]
        else:
            e["hex"] = np.ascontiguousarray(v).astype(v.dtype.newbyteorder("<")).tobytes().hex()
        out[k] = e
    return out


def dump(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


def dtypes_checkpoint():
    """Every dtype a bundle stores, strings included (a TF2 checkpoint)."""
    path = fresh("dtypes")
    rng = np.random.RandomState(0)
    vals = {
        "f32": rng.uniform(-1, 1, (3, 4)).astype(np.float32),
        "f64": rng.uniform(-1, 1, (5,)).astype(np.float64),
        "f16": rng.uniform(-1, 1, (2, 3)).astype(np.float16),
        "i8": rng.randint(-128, 127, (7,)).astype(np.int8),
        "u8": rng.randint(0, 255, (2, 2)).astype(np.uint8),
        "i16": rng.randint(-999, 999, (3,)).astype(np.int16),
        "i32": rng.randint(-99999, 99999, (2, 2)).astype(np.int32),
        "i64": rng.randint(-99999, 99999, (4,)).astype(np.int64),
        "b": np.array([True, False, True]),
        "scalar": np.float32(2.5),
        "empty": np.zeros((0, 3), np.float32),
        "c64": (rng.uniform(-1, 1, (2,)) + 1j * rng.uniform(-1, 1, (2,))).astype(np.complex64),
    }
    ckpt = tf.train.Checkpoint(**{k: tf.Variable(v) for k, v in vals.items()},
                               bf16=tf.Variable(tf.constant([1.5, -2.25, 3.0], tf.bfloat16)),
                               s=tf.Variable(tf.constant([b"", b"saved", b"model\x00\xff" * 40])))
    prefix = ckpt.write(os.path.join(path, "ckpt"))
    dump(os.path.join(path, "expected.json"), expected(prefix))


def partitioned_checkpoint():
    """A TF1 Saver checkpoint with a variable partitioned into three slices."""
    path = fresh("partitioned")
    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        x = tf.compat.v1.placeholder(tf.float32, (None, 3), name="x")
        emb = tf.compat.v1.get_variable(
            "emb", (7, 3), initializer=tf.compat.v1.random_uniform_initializer(-1, 1, seed=3),
            partitioner=tf.compat.v1.fixed_size_partitioner(3))
        tf.identity(tf.matmul(x, tf.transpose(tf.convert_to_tensor(emb))), name="y")
        sess.run(tf.compat.v1.global_variables_initializer())
        prefix = tf.compat.v1.train.Saver().save(sess, os.path.join(path, "model.ckpt"), write_state=False)
    dump(os.path.join(path, "expected.json"), expected(prefix))


class Module(tf.Module):
    def __init__(self):
        super().__init__()
        rng = np.random.RandomState(1)
        self.w = tf.Variable(rng.uniform(-1, 1, (4, 3)).astype(np.float32), name="w")
        self.b = tf.Variable(rng.uniform(-1, 1, (3,)).astype(np.float32), name="b")

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="features")])
    def predict(self, features):
        logits = tf.matmul(features, self.w) + self.b
        return {"probs": tf.nn.softmax(logits), "logits": logits}

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
    def double(self, x):
        return {"y": 2.0 * tf.matmul(x, self.w)}


def tf2_module():
    """A tf.Module with two signatures (TF2: VarHandleOps captured by calls)."""
    path = fresh("module")
    m = Module()
    tf.saved_model.save(m, path, signatures={"serving_default": m.predict, "double": m.double})
    dump(os.path.join(path, "expected.json"), expected(os.path.join(path, "variables", "variables")))


def tf1_builder():
    """A TF1 SavedModelBuilder export with reference variables and a saver
    whose keys differ from the variable names."""
    path = fresh("tf1")
    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        x = tf.compat.v1.placeholder(tf.float32, (None, 4), name="x")
        init = tf.compat.v1.random_uniform_initializer(-1, 1, seed=4)
        w = tf.compat.v1.get_variable("w", (4, 3), initializer=init)
        b = tf.compat.v1.get_variable("b", (3,), initializer=init)
        y = tf.nn.relu(tf.matmul(x, w) + b, name="y")
        sess.run(tf.compat.v1.global_variables_initializer())
        saver = tf.compat.v1.train.Saver({"dense/kernel": w, "dense/bias": b})
        builder = tf.compat.v1.saved_model.Builder(path)
        sig = tf.compat.v1.saved_model.predict_signature_def(inputs={"input": x}, outputs={"output": y})
        builder.add_meta_graph_and_variables(sess, ["serve"], signature_def_map={"serving_default": sig}, saver=saver)
        builder.save()
    dump(os.path.join(path, "expected.json"), expected(os.path.join(path, "variables", "variables")))


if __name__ == "__main__":
    dtypes_checkpoint()
    partitioned_checkpoint()
    tf2_module()
    tf1_builder()
    for root, _, files in os.walk(HERE):
        for f in sorted(files):
            p = os.path.join(root, f)
            print(os.path.relpath(p, HERE), os.path.getsize(p))
