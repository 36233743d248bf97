#!/usr/bin/env python3
"""Export the LeNet-like network of the ptflops example to ONNX and count it with ptflops.

Runs in the fixtures venv (torch, ptflops, onnx; see requirements-fixtures.txt):

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r requirements-fixtures.txt
    .venv-fixtures/bin/python testdata/lenet/export_lenet_torch.py

Writes lenet_torch.onnx (opset 11, legacy TorchScript exporter) and
ptflops_report.txt (ptflops' own output) next to this script, then checks the
ONNX file with onnx.checker and, through the main venv (.venv, onnxruntime),
compares onnxruntime's result with torch's.
"""
import argparse
import hashlib
import io
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from ptflops import get_model_complexity_info

SEED = 20261127
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

EXPECT_PARAMS = 1007590
EXPECT_MACS_MODULES = 1337270  # conv1 149760 + conv2 182000 + fc1 1000500 + fc2 5010
EXPECT_MACS_FUNCTIONAL = 1351290  # + relu 5760 + max_pool2d 5760 + relu 2000 + relu 500


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 3)
        self.fc1 = nn.Linear(2000, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))  # [1,10,24,24]
        x = F.max_pool2d(x, 2, 2)  # [1,10,12,12]
        x = F.relu(self.conv2(x))  # [1,20,10,10]
        x = x.view(-1)  # [2000] (batch 1)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.log_softmax(x, dim=0)


ORT_CHECK = r"""
import sys
import numpy as np
import onnxruntime as ort
d = np.load(sys.argv[2])
sess = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
(out,) = sess.run(["output"], {"input": d["input"]})
ref = d["output"]
assert out.shape == ref.shape, (out.shape, ref.shape)
diff = float(np.max(np.abs(out - ref)))
print("onnxruntime %s: output shape %s, max abs diff vs torch = %.3g" % (ort.__version__, list(out.shape), diff))
sys.exit(0 if diff < 1e-4 else 1)
"""


def run_ptflops(model, **kw):
    buf = io.StringIO()
    macs, params = get_model_complexity_info(model, (1, 28, 28), print_per_layer_stat=True,
                                             ost=buf, **kw)
    return buf.getvalue(), macs, params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--ort-python", default=os.path.join(REPO, ".venv", "bin", "python"),
                    help="python with onnxruntime, for the cross-check ('' to skip)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(SEED)
    model = Net().eval()
    x = torch.randn(1, 1, 28, 28)
    with torch.no_grad():
        ref = model(x).numpy()
    n_params = sum(p.numel() for p in model.parameters())
    print("torch %s, params %d" % (torch.__version__, n_params))
    assert n_params == EXPECT_PARAMS, n_params

    # ptflops (pytorch backend). Run 1: library defaults, as in the ptflops
    # example; run 2: exact integer units; run 3: functional ops not counted.
    report = []
    text, macs, params = run_ptflops(model)
    report += ["# get_model_complexity_info(model, (1, 28, 28)) -- pytorch backend, defaults\n",
               text, "# returned: macs=%r params=%r\n" % (macs, params)]
    text, macs, params = run_ptflops(model, as_strings=False, flops_units="Mac", param_units="",
                                     backend="pytorch",
                                     backend_specific_config={"count_functional": True})
    report += ["\n# get_model_complexity_info(..., as_strings=False, flops_units='Mac', param_units='',"
               " backend='pytorch', backend_specific_config={'count_functional': True})\n",
               text, "# returned: macs=%r params=%r\n" % (macs, params)]
    assert (macs, params) == (EXPECT_MACS_FUNCTIONAL, EXPECT_PARAMS), (macs, params)
    text, macs, params = run_ptflops(model, as_strings=False, backend="pytorch",
                                     backend_specific_config={"count_functional": False})
    report += ["\n# get_model_complexity_info(..., as_strings=False, print_per_layer_stat=True,"
               " backend='pytorch', backend_specific_config={'count_functional': False})\n",
               text, "# returned: macs=%r params=%r\n" % (macs, params)]
    assert (macs, params) == (EXPECT_MACS_MODULES, EXPECT_PARAMS), (macs, params)
    report = "".join(report)
    sys.stdout.write(report)
    with open(os.path.join(args.out, "ptflops_report.txt"), "w") as f:
        f.write(report)

    # ptflops patched and unpatched the model; make sure it still computes the same.
    with torch.no_grad():
        assert torch.equal(model(x), torch.from_numpy(ref))

    path = os.path.join(args.out, "lenet_torch.onnx")
    torch.onnx.export(model, x, path, opset_version=11, input_names=["input"],
                      output_names=["output"], dynamo=False)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    opsets = {o.domain or "ai.onnx": o.version for o in m.opset_import}
    print("onnx %s: %s, ir_version %d, opsets %s" % (onnx.__version__, path, m.ir_version, opsets))
    assert opsets.get("ai.onnx") == 11, opsets
    for node in m.graph.node:
        print("  %-12s %-24s %s -> %s" % (node.op_type, node.name, list(node.input), list(node.output)))
    names = {n.name for n in m.graph.node}
    # x.view(-1) makes fc1/fc2 see 1-D inputs, so they export as MatMul + Add, not Gemm.
    for want in ("/conv1/Conv", "/conv2/Conv", "/fc1/MatMul", "/fc1/Add", "/fc2/MatMul",
                 "/LogSoftmax"):
        if want not in names:
            sys.exit("FAIL: node %s missing from the export" % want)

    if args.ort_python:
        with tempfile.TemporaryDirectory() as tmp:
            npz = os.path.join(tmp, "ref.npz")
            np.savez(npz, input=x.numpy(), output=ref)
            subprocess.run([args.ort_python, "-c", ORT_CHECK, path, npz], check=True)

    with open(path, "rb") as f:
        print("sha256 %s  lenet_torch.onnx" % hashlib.sha256(f.read()).hexdigest())


if __name__ == "__main__":
    main()
