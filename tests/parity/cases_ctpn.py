"""The users' own model: the committed CTPN text detector (VGG16 → 3×3 RPN
conv → BiLSTM over image rows with TF1 control flow → heads), full and
narrow, at several input sizes (one case per size), including sizes that
are not multiples of 16. The converted model must hold exactly one
bidirectional LSTM, no Loop, and keep N, H, W symbolic."""

import os

import numpy as np
import tensorflow as tf

from harness import ROOT, Built, Case, _register, op_counts

OUTPUTS = ["Reshape_2:0", "rpn_bbox_pred/Reshape_1:0"]
FILES = {"ctpn": "ctpn.pb", "ctpn_narrow": "ctpn_narrow.pb"}
SIZES = [(1, 600, 600, 3), (1, 224, 320, 3), (2, 128, 96, 3), (1, 100, 150, 3)]

_cache = {}


def _graph_def(file):
    if file not in _cache:
        gd = tf.compat.v1.GraphDef()
        with open(os.path.join(ROOT, "testdata", "ctpn", file), "rb") as f:
            gd.ParseFromString(f.read())
        _cache[file] = gd
    return _cache[file]


def check_ctpn(model, opset):
    counts = op_counts(model)
    lstm = [n for n in model.graph.node if n.op_type == "LSTM"]
    if len(lstm) != 1:
        raise AssertionError(f"{len(lstm)} LSTM nodes, want 1; ops {counts}")
    attrs = {a.name: a for a in lstm[0].attribute}
    if attrs["direction"].s != b"bidirectional":
        raise AssertionError(f"LSTM direction {attrs['direction'].s}")
    for op in ("Loop", "Scan", "If"):
        if counts.get(op):
            raise AssertionError(f"{counts[op]} {op} node(s) left; ops {counts}")
    for n in model.graph.node:
        if n.domain not in ("", "ai.onnx"):
            raise AssertionError(f"node {n.name} is {n.domain}.{n.op_type}")
    (inp,) = model.graph.input
    dims = inp.type.tensor_type.shape.dim
    if len(dims) != 4 or not all(d.dim_param for d in dims[:3]) or dims[3].dim_value != 3:
        raise AssertionError(f"input shape {dims}, want [N, H, W, 3] with symbolic N, H, W")
    for o in model.graph.output:
        od = o.type.tensor_type.shape.dim
        if len(od) != 4 or any(d.HasField("dim_value") for d in od[:3]):
            raise AssertionError(f"output {o.name} shape {od}: N, H/16, W/16 must stay symbolic")


def _case(variant, shape):
    def build():
        x = np.random.RandomState(7).uniform(0, 1, size=shape).astype(np.float32)
        return Built(_graph_def(FILES[variant]), {"Placeholder:0": x}, list(OUTPUTS))

    name = f"{variant}_{'x'.join(map(str, shape))}"
    if variant == "ctpn":
        tol = dict(rtol=1e-4, atol=2e-5,
                   why_tolerance="13 3x3 convolutions over up to 512 channels, then a BiLSTM: float32 sums "
                                 "of ~4600 terms in different orders in TF and onnxruntime differ by ~3e-6")
    else:
        tol = {}
    _register(Case(name=name, build=build, check=check_ctpn, **tol))


for _v in FILES:
    for _s in SIZES:
        _case(_v, _s)
