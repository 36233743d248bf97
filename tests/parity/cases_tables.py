"""Lookup tables whose contents are known at conversion (issue 8): hash
tables filled once from constants or a vocabulary file become ai.onnx.ml
LabelEncoders and constants. Each case writes the model as a user has it (a
SavedModel from tf.saved_model.save or Keras 3 model.export, or a frozen TF1
GraphDef that still holds its table initializers beside the outputs), runs
it in TensorFlow for the reference, converts it with the binary and runs the
ONNX model in onnxruntime (onnx.checker full_check first), through the
SavedModel runner of cases_savedmodel.py.

Vocabulary files are deleted from where the model was saved before
converting: the converter must find them where TensorFlow's loader does
(assets/ of the SavedModel, beside the .pb)."""

from __future__ import annotations

import os

import numpy as np
import tensorflow as tf

import harness
from cases_savedmodel import SavedBuilt, keras_feeds, saved_model_case, tf_signature

# Strings are fed as str: onnxruntime turns a bytes object into its repr.
WORDS = np.array(["apple", "kiwi", "cherry", "", "banana", "apple", "Apple", "durian"], dtype=object)


def _seen(graph_def):
    """Records the TF ops of a GraphDef and its functions for the suite's
    coverage check (the SavedModel runner does not see them)."""
    harness.SEEN_OPS.update(n.op for n in graph_def.node)
    for f in graph_def.library.function:
        harness.SEEN_OPS.update(n.op for n in f.node_def)


def _seen_saved_model(path):
    from tensorflow.core.protobuf import saved_model_pb2

    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(path, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    for mg in sm.meta_graphs:
        _seen(mg.graph_def)


def _vocab(d, name, lines):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return path


class ConstTables(tf.Module):
    """StaticHashTables from KeyValueTensorInitializer, one per key/value
    dtype pair: LabelEncoder maps string/int64/float directly; int32 keys
    are widened; int32, double and bool values go through a position
    lookup, Gather and Where; size and export are constants."""

    def __init__(self):
        super().__init__()
        kv = tf.lookup.KeyValueTensorInitializer
        self.s2i = tf.lookup.StaticHashTable(kv(["apple", "banana", "cherry", ""], tf.constant([3, 1, 4, 1], tf.int64)), -7)
        self.i2s = tf.lookup.StaticHashTable(kv(tf.constant([10, -2, 7], tf.int64), ["ten", "minus two", "seven"]), "?")
        self.i32f = tf.lookup.StaticHashTable(kv(tf.constant([5, 0, -9], tf.int32), tf.constant([0.5, -1.25, 3e8], tf.float32)), 2.5)
        self.s2d = tf.lookup.StaticHashTable(kv(["kiwi", "durian"], tf.constant([1e-300, -2.0], tf.float64)), 0.125)
        self.s2i32 = tf.lookup.StaticHashTable(kv(["banana", "apple"], tf.constant([-3, 9], tf.int32)), 0)
        self.s2b = tf.lookup.StaticHashTable(kv(["cherry", "apple"], tf.constant([True, False])), True)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="words"),
                                  tf.TensorSpec([None, 2], tf.int64, name="ids"),
                                  tf.TensorSpec([None], tf.int32, name="small")])
    def __call__(self, words, ids, small):
        # Export's order is TensorFlow's hash map's: compared sorted.
        ek, ev = self.i2s.export()
        return {
            "export_keys": tf.sort(ek), "export_values": tf.gather(ev, tf.argsort(ek)),
            "s2i": self.s2i.lookup(words), "i2s": self.i2s.lookup(ids), "i32f": self.i32f.lookup(small),
            "s2d": self.s2d.lookup(words), "s2i32": self.s2i32.lookup(words), "s2b": self.s2b.lookup(words),
            "size": self.s2i.size() + self.i2s.size(),
        }


@saved_model_case("tables_savedmodel_static_const")
def _(d):
    m = ConstTables()
    path = os.path.join(d, "const_tables")
    tf.saved_model.save(m, path, signatures=m.__call__)
    feeds = {"ids": np.array([[10, 7], [3, -2], [1, 2], [0, 10]], np.int64),
             "small": np.array([0, 5, 1, -9, 7], np.int32), "words": WORDS}
    _seen_saved_model(path)
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


class FileTables(tf.Module):
    """StaticHashTables from TextFileInitializer: whole line → line number
    (with value_index_offset), and columns split at a delimiter."""

    def __init__(self, d):
        super().__init__()
        words = _vocab(d, "words.txt", ["apple", "banana", "cherry", "Apple"])
        cols = _vocab(d, "cols.csv", ["kiwi,12,x", "durian,-4,y", "apple,7,z"])
        self.paths = [words, cols]
        ti = tf.lookup.TextFileInitializer
        idx = tf.lookup.TextFileIndex
        self.lines = tf.lookup.StaticHashTable(ti(words, tf.string, idx.WHOLE_LINE, tf.int64, idx.LINE_NUMBER), -1)
        self.offset = tf.lookup.StaticHashTable(
            ti(words, tf.string, idx.WHOLE_LINE, tf.int64, idx.LINE_NUMBER, value_index_offset=100), -1)
        self.cols = tf.lookup.StaticHashTable(ti(cols, tf.string, 0, tf.int64, 1, delimiter=","), 0)
        self.names = tf.lookup.StaticHashTable(ti(cols, tf.int64, 1, tf.string, 2, delimiter=",", vocab_size=2), "none")

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="words"),
                                  tf.TensorSpec([None], tf.int64, name="ids")])
    def __call__(self, words, ids):
        return {"lines": self.lines.lookup(words), "offset": self.offset.lookup(words),
                "cols": self.cols.lookup(words), "names": self.names.lookup(ids)}


@saved_model_case("tables_savedmodel_textfile")
def _(d):
    m = FileTables(d)
    path = os.path.join(d, "file_tables")
    tf.saved_model.save(m, path, signatures=m.__call__)
    for p in m.paths:
        os.remove(p)  # only the copies under assets/ remain
    feeds = {"ids": np.array([12, -4, 7, 0], np.int64), "words": WORDS}
    _seen_saved_model(path)
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


@saved_model_case("tables_keras_lookup_export")
def _(d):
    """Keras 3 StringLookup (a list, a vocabulary file, invert=True) and
    IntegerLookup, exported with model.export()."""
    import keras

    vocab = _vocab(d, "keras_vocab.txt", ["red", "green", "blue"])
    words = keras.Input((3,), dtype="string", name="words")
    ids = keras.Input((2,), dtype="int64", name="ids")
    a = keras.layers.StringLookup(vocabulary=["apple", "banana", "cherry"])(words)
    b = keras.layers.StringLookup(vocabulary=vocab)(words)
    c = keras.layers.IntegerLookup(vocabulary=np.array([42, 7, 1000], np.int64))(ids)
    inv = keras.layers.StringLookup(vocabulary=["apple", "banana", "cherry"], invert=True)(ids)
    model = keras.Model([words, ids], [a, b, c, inv])
    path = os.path.join(d, "keras_lookup")
    model.export(path, verbose=False)
    os.remove(vocab)
    sig = tf.saved_model.load(path).signatures["serving_default"].structured_input_signature[1]
    w = np.array([["apple", "red", "blue"], ["kiwi", "cherry", "green"]], dtype=object)
    i = np.array([[7, 3], [1000, 0]], np.int64)
    feeds = {k: (w if v.dtype == tf.string else i) for k, v in sorted(sig.items())}
    _seen_saved_model(path)
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


@saved_model_case("tables_frozen_tf1_initializers")
def _(d):
    """A frozen TF1 GraphDef: the table initializers (tables_initializer)
    are kept in the GraphDef but are not upstream of the outputs;
    KeyValueTensorInitializer, index_table_from_tensor (values from
    Cast(Range(Size))) and index_table_from_file with a relative path
    beside the .pb, the way a frozen graph moves with its vocabulary."""
    from tensorflow.python.ops import lookup_ops

    cwd = os.getcwd()
    os.chdir(d)  # the graph holds the vocabulary's relative path
    try:
        _vocab(d, "tf1_vocab.txt", ["emerson", "lake", "palmer"])
        g = tf.Graph()
        with g.as_default():
            x = tf.compat.v1.placeholder(tf.string, [None], name="x")
            n = tf.compat.v1.placeholder(tf.int32, [None], name="n")
            t1 = tf.compat.v1.lookup.StaticHashTable(
                tf.compat.v1.lookup.KeyValueTensorInitializer(["lake", "emerson"], [5, 6], tf.string, tf.int64), -1)
            t2 = lookup_ops.index_table_from_tensor(["palmer", "lake", "and"], default_value=-3)
            t3 = lookup_ops.index_table_from_file("tf1_vocab.txt", default_value=-2)
            t4 = tf.compat.v1.lookup.StaticHashTable(
                tf.compat.v1.lookup.KeyValueTensorInitializer(tf.constant([3, 1], tf.int32), ["three", "one"]), "-")
            y = tf.identity(t1.lookup(x) * 100 + t2.lookup(x) * 10 + t3.lookup(x), name="y")
            z = tf.identity(t4.lookup(n), name="z")
            s = tf.identity(t2.size(), name="s")
            init = tf.compat.v1.tables_initializer(name="init_all_tables")
            with tf.compat.v1.Session(graph=g) as sess:
                sess.run(init)
                gd = tf.compat.v1.graph_util.convert_variables_to_constants(
                    sess, g.as_graph_def(), ["y", "z", "s", "init_all_tables"])
    finally:
        os.chdir(cwd)
    pb = os.path.join(d, "frozen_tables.pb")
    with open(pb, "wb") as f:
        f.write(gd.SerializeToString())
    feeds = {"x:0": np.array(["lake", "and", "emerson", "palmer", "carl", ""], dtype=object),
             "n:0": np.array([1, 2, 3, 3], np.int32)}
    # The reference runs the frozen graph itself, from another folder.
    g2 = tf.Graph()
    with g2.as_default():
        tf.import_graph_def(gd, name="")
        with tf.compat.v1.Session(graph=g2) as sess:
            os.chdir(d)
            try:
                sess.run("init_all_tables")
            finally:
                os.chdir(cwd)
            got = sess.run(["y:0", "z:0", "s:0"], feed_dict=feeds)
    want = dict(zip(["y:0", "z:0", "s:0"], got))
    _seen(gd)
    flags = ["--graphdef", pb, "--inputs", "x:0,n:0", "--outputs", "y:0,z:0,s:0"]
    return SavedBuilt(flags, feeds, want)


def _call_root(path, feeds):
    """TensorFlow loads the SavedModel and calls the root's __call__; a
    dict result by key, sorted."""
    out = tf.saved_model.load(path)(**{k: tf.constant(v) for k, v in feeds.items()})
    return {k: out[k].numpy() for k in sorted(out)}


@saved_model_case("tables_concrete_function_const")
def _(d):
    """--concrete_function: nothing in the graph_def calls the function, so
    the table comes from the object graph (the captured resource's
    _create_resource and _initialize functions)."""
    m = ConstTables()
    path = os.path.join(d, "const_tables_cf")
    tf.saved_model.save(m, path)
    feeds = {"words": WORDS, "ids": np.array([[10, 7], [3, -2]], np.int64), "small": np.array([0, 5, 1, -9], np.int32)}
    _seen_saved_model(path)
    return SavedBuilt(["--saved-model", path, "--concrete_function", "0"], feeds, _call_root(path, feeds))


@saved_model_case("tables_concrete_function_textfile")
def _(d):
    """The object graph route with a vocabulary file: the initializer
    captures the asset, which asset_file_def places under assets/."""
    m = FileTables(d)
    path = os.path.join(d, "file_tables_cf")
    tf.saved_model.save(m, path)
    for p in m.paths:
        os.remove(p)
    feeds = {"words": WORDS, "ids": np.array([12, -4, 7, 0], np.int64)}
    _seen_saved_model(path)
    return SavedBuilt(["--saved-model", path, "--concrete_function", "0"], feeds, _call_root(path, feeds))


# ---- input pipeline nodes as graph inputs --------------------------------------


def _pipeline_case(name, build, inputs, outputs, feeds, shapes, placeholder_v2=False):
    """A TF1 graph whose inputs come from a dataset iterator or a queue:
    --inputs names the pipeline op's outputs, which become the model's
    inputs typed by the op's attributes (shapes: the ONNX input dims they
    must give, None for a dynamic one); TensorFlow's reference feeds the
    same tensors (a Session takes any tensor in feed_dict)."""

    def check(model, opset):
        for inp, want in zip(model.graph.input, shapes):
            dims = [d.dim_value if d.HasField("dim_value") else None for d in inp.type.tensor_type.shape.dim]
            if dims != want:
                raise AssertionError(f"input {inp.name} has dims {dims}, want {want}")

    @saved_model_case(name, check=check)
    def _(d):
        g = tf.Graph()
        with g.as_default():
            build()
            with tf.compat.v1.Session(graph=g) as sess:
                gd = tf.compat.v1.graph_util.convert_variables_to_constants(
                    sess, g.as_graph_def(), [o.split(":")[0] for o in outputs])
        g2 = tf.Graph()
        with g2.as_default():
            tf.import_graph_def(gd, name="")
            with tf.compat.v1.Session(graph=g2) as sess:
                got = sess.run(outputs, feed_dict=feeds)
        if placeholder_v2:
            for n in gd.node:
                if n.op == "Placeholder":
                    n.op = "PlaceholderV2"  # the deprecated spelling, same attributes
        pb = os.path.join(d, name + ".pb")
        with open(pb, "wb") as f:
            f.write(gd.SerializeToString())
        _seen(gd)
        flags = ["--graphdef", pb, "--inputs", ",".join(inputs), "--outputs", ",".join(outputs)]
        return SavedBuilt(flags, feeds, dict(zip(outputs, got)))


def _iterator():
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((8, 3), np.float32), np.zeros((8,), np.int64))).batch(2)
    x, y = tf.compat.v1.data.make_one_shot_iterator(ds).get_next(name="next")
    tf.identity(x * 2.0 + tf.cast(tf.expand_dims(y, -1), tf.float32), name="out")


_pipeline_case("pipeline_iterator_get_next", _iterator, ["next:0", "next:1"], ["out:0"],
               {"next:0": np.arange(6, dtype=np.float32).reshape(2, 3), "next:1": np.array([3, -1], np.int64)},
               [[None, 3], [None]])


def _queue(kind):
    def build():
        q = tf.queue.FIFOQueue(16, [tf.float32, tf.int32], shapes=[[3], []], name="q")
        if kind == "one":
            a, b = q.dequeue(name="deq")
        elif kind == "many":
            a, b = q.dequeue_many(4, name="deq")
        else:
            a, b = q.dequeue_up_to(4, name="deq")
        tf.identity(a - tf.cast(tf.expand_dims(b, -1), tf.float32), name="out")
    return build


_pipeline_case("pipeline_queue_dequeue", _queue("one"), ["deq:0", "deq:1"], ["out:0"],
               {"deq:0": np.array([1, 2, 3], np.float32), "deq:1": np.array(7, np.int32)}, [[3], []])
_pipeline_case("pipeline_queue_dequeue_many", _queue("many"), ["deq:0", "deq:1"], ["out:0"],
               {"deq:0": np.arange(12, dtype=np.float32).reshape(4, 3), "deq:1": np.array([1, 2, 3, 4], np.int32)},
               [[4, 3], [4]])
_pipeline_case("pipeline_queue_dequeue_up_to", _queue("up_to"), ["deq:0", "deq:1"], ["out:0"],
               {"deq:0": np.arange(6, dtype=np.float32).reshape(2, 3), "deq:1": np.array([5, -5], np.int32)},
               [[None, 3], [None]])


def _placeholder():
    x = tf.compat.v1.placeholder(tf.float32, [None, 2], name="x")
    tf.identity(tf.reduce_sum(x * x, axis=1), name="out")


_pipeline_case("pipeline_placeholder_v2", _placeholder, ["x:0"], ["out:0"],
               {"x:0": np.array([[1, 2], [3, -4], [0.5, 0]], np.float32)}, [[None, 2]], placeholder_v2=True)


# ---- TensorListResize ------------------------------------------------------------

from harness import f32, function_case  # noqa: E402


def _resize(x, n):
    lst = tf.raw_ops.TensorListFromTensor(tensor=x, element_shape=tf.constant([2], tf.int32))
    lst = tf.raw_ops.TensorListResize(input_handle=lst, size=n)
    return tf.raw_ops.TensorListStack(input_handle=lst, element_dtype=tf.float32, element_shape=tf.constant([2], tf.int32))


for _name, _n in (("grow", 5), ("shrink", 2), ("same", 3), ("empty", 0)):
    function_case(f"tensorlist_resize_{_name}", {"x": f32(3, 2, seed=31), "n": np.array(_n, np.int32)})(_resize)


@saved_model_case("tables_savedmodel_tf1_builder")
def _(d):
    """A TF1 SavedModelBuilder export: index_table_from_file whose
    vocabulary the builder copied to assets/ and lists in the
    saved_model_assets collection (not asset_file_def); main_op fills the
    table; a variable beside it."""
    from tensorflow.python.ops import lookup_ops

    vocab = _vocab(d, "tf1_vocab.txt", ["one", "two", "three"])
    path = os.path.join(d, "tf1_builder")
    g = tf.Graph()
    with g.as_default():
        x = tf.compat.v1.placeholder(tf.string, [None], name="x")
        t = lookup_ops.index_table_from_file(vocab, default_value=-1)
        w = tf.compat.v1.get_variable("w", initializer=tf.constant(3, tf.int64))
        y = tf.identity(t.lookup(x) * w, name="y")
        with tf.compat.v1.Session(graph=g) as sess:
            sess.run([tf.compat.v1.global_variables_initializer(), tf.compat.v1.tables_initializer()])
            b = tf.compat.v1.saved_model.Builder(path)
            sig = tf.compat.v1.saved_model.predict_signature_def({"x": x}, {"y": y})
            b.add_meta_graph_and_variables(
                sess, ["serve"], {"serving_default": sig},
                assets_collection=tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.ASSET_FILEPATHS),
                main_op=tf.compat.v1.tables_initializer())
            b.save()
    os.remove(vocab)
    feeds = {"x": np.array(["two", "one", "zz", "three", ""], dtype=object)}
    _seen_saved_model(path)
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


@saved_model_case("tables_keras_lookup_modes")
def _(d):
    """Keras 3 lookup layers in their other forms: a vocabulary from
    adapt(), a mask token, no OOV index, and the one_hot, multi_hot, count
    and tf_idf outputs (the lookup feeds one-hot/bincount ops), and an
    IntegerLookup with a mask token."""
    import keras

    words = keras.Input((4,), dtype="string", name="words")
    ids = keras.Input((4,), dtype="int64", name="ids")
    known = keras.Input((2,), dtype="string", name="known")  # no OOV index: only known words (else an Assert)
    adapted = keras.layers.StringLookup()
    adapted.adapt(np.array([["b", "a", "b", "c"], ["c", "b", "b", "d"]]))
    vocab = ["a", "b", "c"]
    outs = [
        adapted(words),
        keras.layers.StringLookup(vocabulary=vocab, mask_token="")(words),
        keras.layers.StringLookup(vocabulary=vocab, num_oov_indices=0)(known),
        keras.layers.StringLookup(vocabulary=vocab, output_mode="multi_hot")(words),
        keras.layers.StringLookup(vocabulary=vocab, output_mode="count")(words),
        keras.layers.StringLookup(vocabulary=vocab, output_mode="tf_idf", idf_weights=[0.5, 1.0, 2.0])(words),
        keras.layers.IntegerLookup(vocabulary=np.array([5, 6, 7], np.int64), mask_token=0)(ids),
    ]
    one_hot_in = keras.Input((), dtype="string", name="word")
    outs.append(keras.layers.StringLookup(vocabulary=vocab, output_mode="one_hot")(one_hot_in))
    model = keras.Model([words, ids, known, one_hot_in], outs)
    path = os.path.join(d, "keras_modes")
    model.export(path, verbose=False)
    sig = tf.saved_model.load(path).signatures["serving_default"].structured_input_signature[1]
    data = {
        tf.string: np.array([["a", "", "c", "zz"], ["b", "b", "d", ""], ["c", "a", "a", "a"]], dtype=object),
        tf.int64: np.array([[5, 0, 9, 7], [6, 6, 0, 1], [7, 5, 5, 0]], np.int64),
    }
    feeds = {}
    for k, v in sorted(sig.items()):
        if v.shape.rank == 1:
            feeds[k] = np.array(["b", "q", ""], dtype=object)
        elif v.shape[1] == 2:
            feeds[k] = np.array([["c", "a"], ["b", "b"], ["a", "c"]], dtype=object)
        else:
            feeds[k] = data[v.dtype]
    _seen_saved_model(path)
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))


from harness import graph_case  # noqa: E402


@graph_case("string_equal_const", {"x": np.array([["a", ""], ["b", "a"], ["ab", "A"]], dtype=object)})
def _(x):
    """Equal and NotEqual of strings against a constant (a Keras lookup's
    mask token): ONNX's Equal takes strings only from opset 19; before, a
    LabelEncoder of the constant."""
    return tf.equal(x, "a"), tf.not_equal(tf.constant([""]), x), tf.equal(tf.constant("b"), x)


class LoopTable(tf.Module):
    """A lookup inside tf.map_fn: the loop body reads the table of the
    enclosing graph. int64 keys: onnxruntime 1.32 loses string elements
    that a Loop body reads from the outer scope (docs/notes.md)."""

    def __init__(self):
        super().__init__()
        kv = tf.lookup.KeyValueTensorInitializer(tf.constant([4, 8, 15, 16], tf.int64), tf.constant([0.5, -1.0, 2.0, 4.0]))
        self.t = tf.lookup.StaticHashTable(kv, -9.0)

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.int64, name="ids")])
    def __call__(self, ids):
        return {"out": tf.map_fn(lambda r: tf.reduce_sum(self.t.lookup(r)), ids, fn_output_signature=tf.float32)}


@saved_model_case("tables_lookup_in_loop")
def _(d):
    m = LoopTable()
    path = os.path.join(d, "loop_table")
    tf.saved_model.save(m, path, signatures=m.__call__)
    feeds = {"ids": np.array([[4, 8, 23], [15, 15, 16], [0, 4, 4]], np.int64)}
    _seen_saved_model(path)
    return SavedBuilt(["--saved-model", path], feeds, tf_signature(path, feeds))
