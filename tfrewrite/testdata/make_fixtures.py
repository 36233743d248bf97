#!/usr/bin/env python3
"""Regenerates the small frozen graphs the tfrewrite Go tests read, from the
parity cases of tests/parity/cases_control.py (the same graphs the parity
suite converts).  Usage: .venv/bin/python tfrewrite/testdata/make_fixtures.py"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "parity"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import harness  # noqa: E402
import cases_control  # noqa: E402,F401
import cases_detect  # noqa: E402,F401
import cases_sparse  # noqa: E402,F401

FIXTURES = {  # file → parity case
    "loop_v1_ta.pb": "loop_v1_tensor_array",
    "loop_v1_nested.pb": "loop_v1_nested",
    "cond_v1_in_loop.pb": "cond_v1_in_loop",
    "loop_v2_nested.pb": "loop_v2_nested",
    "cond_v2.pb": "cond_v2_pos",
    "loop_v1_flag.pb": "detect_loop_flag_only_cond_reads_v1",
    "ragged_map_fn.pb": "sparse_ragged_map_fn_while",
}

for file, name in FIXTURES.items():
    case = next(c for c in harness.REGISTRY if c.name == name)
    built = case.build()
    for n in built.graph_def.node:
        n.ClearField("device")
    with open(os.path.join(HERE, file), "wb") as f:
        f.write(built.graph_def.SerializeToString(deterministic=True))
    print(file, "inputs", ",".join(built.feeds), "outputs", ",".join(built.outputs))
