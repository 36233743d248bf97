"""The parity harness: every case builds a TensorFlow graph, freezes it to a
.pb, runs TensorFlow for the reference outputs, converts the .pb with the Go
binary exactly as a user would (a subprocess with CLI flags), checks the ONNX
model with onnx.checker (full_check=True), runs it in onnxruntime on the same
inputs and compares dtype, shape and values.

Cases are registered by the cases_*.py modules with @graph_case (a
tf.compat.v1 graph with placeholders, run in a Session) or @function_case (a
tf.function frozen with convert_variables_to_constants_v2).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import tempfile
from typing import Callable

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# TensorFlow runs NCHW convolutions and pools on the CPU only through its oneDNN
# kernels, which it turns on by default only on CPUs with AVX-512: without this
# the NCHW cases cannot even build their reference on an AVX2-only machine.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
import tensorflow as tf  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TF2ONNX_BIN", os.path.join(ROOT, "bin", "tf2onnx"))
OPSETS = (13, 17, 21, 27)


@dataclasses.dataclass
class Case:
    name: str
    build: Callable  # returns a Built
    rtol: float = 1e-5
    atol: float = 1e-5
    why_tolerance: str = ""  # required when rtol/atol are looser than 1e-5
    min_opset: int = 12  # the lowest opset served (cases run at the opsets asked for, 13, 17, 21, 27 by default)
    max_opset: int = 99
    extra_flags: tuple = ()
    # CLI layout and naming options: the harness passes the flags and adapts
    # the feeds and the expected outputs (NHWC↔NCHW transposes, new names).
    inputs_as_nchw: tuple = ()
    outputs_as_nchw: tuple = ()
    rename_inputs: tuple = ()
    rename_outputs: tuple = ()
    check: Callable | None = None  # check(onnx.ModelProto, opset) raises on failure
    # runner(case, opsets, workdir) replaces the GraphDef flow for cases whose
    # input is not a frozen graph (SavedModels, checkpoints); same result list.
    runner: Callable | None = None


@dataclasses.dataclass
class Built:
    graph_def: tf.compat.v1.GraphDef
    feeds: dict  # tensor name ("x:0") -> numpy array
    outputs: list  # tensor names
    input_specs: list | None = None  # --inputs entries (default: feed names)
    tflite: bytes | None = None  # a .tflite model: converted with --tflite, run in tf.lite.Interpreter


REGISTRY: list[Case] = []
SEEN_OPS: set[str] = set()  # TF op types of every graph built so far


def _register(case: Case):
    if any(c.name == case.name for c in REGISTRY):
        raise ValueError(f"duplicate case name {case.name}")
    if (case.rtol > 1e-5 or case.atol > 1e-5) and not case.why_tolerance:
        raise ValueError(f"case {case.name}: a looser tolerance needs why_tolerance")
    REGISTRY.append(case)


def graph_case(name, inputs, *, shapes=None, control_flow_v2=True, **kw):
    """Registers fn(*placeholders) -> tensor or tuple of tensors, built in a
    tf.compat.v1 graph. inputs maps placeholder names to numpy arrays (the
    feed); shapes optionally gives the placeholders' declared shapes (None
    for unknown dims). Variables are initialized and frozen."""

    def deco(fn):
        def build():
            if control_flow_v2:
                tf.compat.v1.enable_control_flow_v2()
            else:
                tf.compat.v1.disable_control_flow_v2()
            try:
                g = tf.Graph()
                with g.as_default():
                    phs = []
                    for pname, arr in inputs.items():
                        shape = (shapes or {}).get(pname, arr.shape)
                        phs.append(tf.compat.v1.placeholder(tf.as_dtype(arr.dtype), shape=shape, name=pname))
                    outs = fn(*phs)
                    if not isinstance(outs, (tuple, list)):
                        outs = [outs]
                    out_names = [t.name for t in outs]
                    with tf.compat.v1.Session(graph=g) as sess:
                        sess.run(tf.compat.v1.global_variables_initializer())
                        gd = tf.compat.v1.graph_util.convert_variables_to_constants(
                            sess, g.as_graph_def(), [n.split(":")[0] for n in out_names])
            finally:
                tf.compat.v1.enable_control_flow_v2()
            feeds = {f"{k}:0": v for k, v in inputs.items()}
            return Built(gd, feeds, out_names)

        _register(Case(name=name, build=build, **kw))
        return fn

    return deco


def function_case(name, inputs, *, signature=None, **kw):
    """Registers a tf.function body fn(*tensors); inputs maps argument names
    to numpy arrays; signature optionally gives TensorSpecs (None dims)."""

    def deco(fn):
        def build():
            from tensorflow.python.framework.convert_to_constants import (
                convert_variables_to_constants_v2,
            )

            specs = signature or [tf.TensorSpec(a.shape, tf.as_dtype(a.dtype), name=n) for n, a in inputs.items()]
            concrete = tf.function(fn).get_concrete_function(*specs)
            frozen = convert_variables_to_constants_v2(concrete)
            gd = frozen.graph.as_graph_def()
            in_names = [t.name for t in frozen.inputs if t.dtype != tf.resource]
            feeds = dict(zip(in_names, inputs.values()))
            return Built(gd, feeds, [t.name for t in frozen.outputs])

        _register(Case(name=name, build=build, **kw))
        return fn

    return deco


def tflite_case(name, **kw):
    """Registers fn() -> (tflite bytes, feeds): a model from TFLiteConverter
    and its inputs by TFLite tensor name; the reference is tf.lite.Interpreter
    and the ONNX model keeps the TFLite tensor names."""

    def deco(fn):
        def build():
            content, feeds = fn()
            it = tf.lite.Interpreter(model_content=content)
            outs = [d["name"] for d in it.get_output_details()]
            return Built(None, feeds, outs, input_specs=[], tflite=content)

        _register(Case(name=name, build=build, **kw))
        return fn

    return deco


def tflite_reference(built: Built):
    it = tf.lite.Interpreter(model_content=built.tflite)
    it.allocate_tensors()
    for d in it.get_input_details():
        it.set_tensor(d["index"], built.feeds[d["name"]])
    it.invoke()
    return [it.get_tensor(d["index"]) for d in it.get_output_details()]


def tf_reference(built: Built):
    if built.tflite is not None:
        return tflite_reference(built)
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(built.graph_def, name="")
        with tf.compat.v1.Session(graph=g) as sess:
            return sess.run(built.outputs, feed_dict=built.feeds)


class Failure(Exception):
    pass


def convert(pb_path, onnx_path, built: Built, opset, extra_flags=()):
    ins = built.input_specs if built.input_specs is not None else list(built.feeds)
    cmd = [BINARY, "--graphdef", pb_path, "--output", onnx_path, "--opset", str(opset),
           "--outputs", ",".join(built.outputs)]
    if built.tflite is not None:
        cmd = [BINARY, "--tflite", pb_path, "--output", onnx_path, "--opset", str(opset)]
    if ins:
        cmd += ["--inputs", ",".join(ins)]
    cmd += list(extra_flags)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise Failure(f"tf2onnx exited {p.returncode}: {p.stderr.strip()}")


def compare(name, want, got, rtol, atol):
    want = np.asarray(want)
    got = np.asarray(got)
    if want.dtype.kind == "O" and got.dtype.kind == "O":
        # Strings: TensorFlow gives bytes, onnxruntime str; compared exactly.
        def text(a):
            return np.vectorize(lambda s: s.decode() if isinstance(s, bytes) else s, otypes=[object])(a) if a.size else a
        want, got = text(want), text(got)
    if want.dtype != got.dtype:
        raise Failure(f"{name}: dtype {got.dtype}, TensorFlow gives {want.dtype}")
    if want.shape != got.shape:
        raise Failure(f"{name}: shape {got.shape}, TensorFlow gives {want.shape}")
    if want.dtype.kind in "iu" and atol >= 1:  # quantized outputs: within atol steps
        diff = np.abs(got.astype(np.int64) - want.astype(np.int64))
        if diff.size and diff.max() > atol:
            bad = np.unravel_index(np.argmax(diff), diff.shape)
            raise Failure(f"{name}: differs by {diff[bad]} steps at {bad}: {got[bad]} vs TensorFlow {want[bad]}")
        return float(diff.max()) if diff.size else 0.0
    if want.dtype.kind in "biuO" or want.dtype == np.bool_:
        if not np.array_equal(want, got):
            bad = np.argwhere(want != got)[0]
            raise Failure(f"{name}: differs at {tuple(bad)}: {got[tuple(bad)]} vs TensorFlow {want[tuple(bad)]}")
        return 0.0
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        err = np.abs(got.astype(np.float64) - want.astype(np.float64))
        i = np.unravel_index(np.nanargmax(err), err.shape)
        raise Failure(f"{name}: max abs error {err[i]:.3g} at {i} ({got[i]} vs TensorFlow {want[i]}), rtol {rtol} atol {atol}")
    if want.size == 0:
        return 0.0
    return float(np.nanmax(np.abs(got.astype(np.float64) - want.astype(np.float64))))


def cli_flags(case: Case):
    flags = list(case.extra_flags)
    for flag, vals in (("--inputs-as-nchw", case.inputs_as_nchw), ("--outputs-as-nchw", case.outputs_as_nchw),
                       ("--rename-inputs", case.rename_inputs), ("--rename-outputs", case.rename_outputs)):
        if vals:
            flags += [flag, ",".join(vals)]
    return flags


def run_onnx(onnx_path, built: Built, case: Case):
    """Runs the model on the case's feeds, adapted to its layout and naming
    options; returns the outputs in TF's layout and the model's output names."""
    so = ort.SessionOptions()
    so.log_severity_level = 3
    sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    feeds = {}
    for i, (name, arr) in enumerate(built.feeds.items()):
        if name in case.inputs_as_nchw:
            arr = np.transpose(arr, (0, 3, 1, 2))
        feeds[case.rename_inputs[i] if case.rename_inputs else name] = arr
    names = [o.name for o in sess.get_outputs()]
    outs = sess.run(names, feeds)
    for i, tf_name in enumerate(built.outputs):
        if tf_name in case.outputs_as_nchw:
            outs[i] = np.transpose(outs[i], (0, 2, 3, 1))
    return outs, names


def run_case(case: Case, opsets=OPSETS, workdir=None):
    """Runs one case at each opset; returns a list of (opset, error or None, max_err)."""
    if case.runner is not None:
        return case.runner(case, opsets, workdir)
    results = []
    try:
        built = case.build()
        if built.graph_def is not None:
            SEEN_OPS.update(n.op for n in built.graph_def.node)
        want = tf_reference(built)
    except Exception as e:  # a broken case is a failure, never a skip
        return [(o, f"building the TF case failed: {type(e).__name__}: {e}", None) for o in opsets]
    with tempfile.TemporaryDirectory(dir=workdir) as d:
        pb = os.path.join(d, case.name + (".tflite" if built.tflite is not None else ".pb"))
        with open(pb, "wb") as f:
            f.write(built.tflite if built.tflite is not None else built.graph_def.SerializeToString())
        for opset in opsets:
            if opset < case.min_opset or opset > case.max_opset:
                continue
            out = os.path.join(d, f"{case.name}_{opset}.onnx")
            try:
                convert(pb, out, built, opset, cli_flags(case))
                if "--large-model" in case.extra_flags:
                    inline = onnx.load(out, load_external_data=False)
                    external = [t.name for t in inline.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
                    if not external or not os.path.exists(out + ".data"):
                        raise Failure("--large-model wrote no external data")
                model = onnx.load(out)
                onnx.checker.check_model(model, full_check=True)
                if case.check:
                    case.check(model, opset)
                got, names = run_onnx(out, built, case)
                want_names = list(case.rename_outputs) if case.rename_outputs else list(built.outputs)
                if names != want_names:
                    raise Failure(f"output names {names}, want {want_names}")
                worst = 0.0
                for n, w, g_ in zip(names, want, got):
                    worst = max(worst, compare(n, w, g_, case.rtol, case.atol))
                results.append((opset, None, worst))
            except Failure as e:
                results.append((opset, str(e), None))
            except Exception as e:
                results.append((opset, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", None))
    return results


def op_counts(model):
    counts = {}
    for n in model.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return counts


def ort_optimized_op_counts(model):
    """Op counts of the model onnxruntime's CPU optimizer makes of it (what
    it fused, e.g. QLinearConv from a QDQ Conv)."""
    with tempfile.TemporaryDirectory() as d:
        src, opt = os.path.join(d, "m.onnx"), os.path.join(d, "opt.onnx")
        with open(src, "wb") as f:
            f.write(model.SerializeToString())
        so = ort.SessionOptions()
        so.optimized_model_filepath = opt
        so.log_severity_level = 3
        ort.InferenceSession(src, so, providers=["CPUExecutionProvider"])
        return op_counts(onnx.load(opt))


def fused_rnn(op, n, direction=None):
    """A check: n op nodes (LSTM/GRU), each of the direction given, and no
    Loop or Scan left."""

    def check(model, opset):
        counts = op_counts(model)
        if counts.get(op, 0) != n:
            raise AssertionError(f"{counts.get(op, 0)} {op} node(s), want {n}; ops {counts}")
        for bad in ("Loop", "Scan"):
            if counts.get(bad, 0):
                raise AssertionError(f"{counts[bad]} {bad} node(s) left; ops {counts}")
        if direction:
            for node in model.graph.node:
                if node.op_type == op:
                    d = next((a.s.decode() for a in node.attribute if a.name == "direction"), "forward")
                    if d != direction:
                        raise AssertionError(f"{op} direction {d}, want {direction}")
    return check


def rng(seed=0):
    return np.random.RandomState(seed)


def f32(*shape, seed=0, lo=-1.0, hi=1.0):
    return rng(seed).uniform(lo, hi, size=shape).astype(np.float32)


def i32(*shape, seed=0, lo=-10, hi=10):
    return rng(seed).randint(lo, hi, size=shape).astype(np.int32)


def i64(*shape, seed=0, lo=-10, hi=10):
    return rng(seed).randint(lo, hi, size=shape).astype(np.int64)
