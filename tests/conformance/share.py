"""Splits a conformance run by file group: test_backend.py and the RNN/loop/cond files.

  .venv/bin/python tests/conformance/share.py OUT/rerouted.xml

`../shared/conformance/run.sh` prints one share over all files; the issues measure
test_backend.py on its own. A test counts when the baseline (the Python tf2onnx 1.17
on the same suite) passes it; it is ours when it passes in OUT/rerouted.xml too.
"""
import os
import sys
import xml.etree.ElementTree as ET

BASELINE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "conformance",
                        "baseline-tf2onnx-1.17.0.xml")


def results(path):
    out = {}
    for tc in ET.parse(path).iter("testcase"):
        failed = tc.find("failure") is not None or tc.find("error") is not None
        skipped = tc.find("skipped") is not None
        out[(tc.get("classname"), tc.get("name"))] = "F" if failed else ("S" if skipped else "P")
    return out


def main(rerouted, baseline=BASELINE):
    base, ours = results(baseline), results(rerouted)
    groups = {}
    for key, status in base.items():
        if status != "P":
            continue
        group = "test_backend.py" if "test_backend" in key[0] else "RNN/loop/cond files"
        n = groups.setdefault(group, [0, 0])
        n[0] += 1
        n[1] += ours.get(key) == "P"
    for group, (total, passed) in sorted(groups.items()):
        print("%s: %d of %d (%.1f%%)" % (group, passed, total, 100.0 * passed / total))


if __name__ == "__main__":
    main(*sys.argv[1:])
