"""Runs the parity suite: python tests/parity/run.py [-k SUBSTRING] [--opsets 13,17,21,27]

Prints one line per case and opset, then `N passed, N failed`; exits 1 when
any failed."""

import argparse
import importlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

CASE_MODULES = sorted(
    f[:-3] for f in os.listdir(os.path.dirname(os.path.abspath(__file__)))
    if f.startswith("cases_") and f.endswith(".py")
)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="run only cases whose name contains this")
    ap.add_argument("--opsets", default=",".join(map(str, harness.OPSETS)))
    args = ap.parse_args()
    for m in CASE_MODULES:
        importlib.import_module(m)
    opsets = [int(x) for x in args.opsets.split(",")]
    if not os.path.exists(harness.BINARY):
        print(f"the converter binary {harness.BINARY} is missing: run `make build`", file=sys.stderr)
        return 2
    passed = failed = 0
    t0 = time.time()
    cases = [c for c in harness.REGISTRY if args.k in c.name]
    for case in cases:
        for opset, err, worst in harness.run_case(case, opsets):
            if err is None:
                passed += 1
                print(f"PASS {case.name} opset {opset} (max abs err {worst:.2g})", flush=True)
            else:
                failed += 1
                print(f"FAIL {case.name} opset {opset}: {err}", flush=True)
    if not args.k:
        # Coverage: every op the converter promises has a case that uses it.
        req_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "required_ops.txt")
        with open(req_path) as f:
            required = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        missing = [op for op in required if op not in harness.SEEN_OPS]
        for op in missing:
            failed += 1
            print(f"FAIL coverage: no case exercises the TF op {op}")
        print(f"coverage: {len(required) - len(missing)} of {len(required)} required TF ops exercised, "
              f"{len(harness.SEEN_OPS)} TF op types seen in all")
    print(f"{len(cases)} cases, {time.time() - t0:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
