#!/usr/bin/env python3
"""Benchmark: this converter (bin/tf2onnx) vs the Python tf2onnx, side by side.

Runs in .venv (needs onnx, onnxruntime, numpy). For each model listed by
bench/make_models.py (generated into build/bench/ when missing), both
converters run as child processes, interleaved, N times each; every run's wall
time and the child's own peak RSS (os.wait4 -> ru_maxrss) are recorded, and the
medians are reported with the converted model's node count and file size. Both
ONNX files are then run by onnxruntime on the same random input and their
outputs compared; models marked "latency" (CTPN) also get an interleaved
onnxruntime latency measurement of both models in this one process.

A failed conversion becomes a row with the error's first line; nothing here
asserts a goal: it is a benchmark, not a test. Results go to stdout (a table)
and build/bench/results.json.

Usage:  .venv/bin/python bench/run.py [--reps 3] [--py-reps N] [--models a,b]
                                      [--ort-threads 1] [--ort-runs 10] [--no-python]
"""
import argparse
import datetime
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OURS = os.path.join(ROOT, "bin", "tf2onnx")
PYVENV = os.path.join(ROOT, ".venv-tf2onnx", "bin", "python")
SIDES = ("ours", "python")

# Goals from the issues (reported, never asserted).
GOAL_SPEEDUP = 20.0      # python time / our time, end to end
GOAL_PEAK_OVER_PB = 2.0  # our peak RSS / model file size
GOAL_ORT_RATIO = 1.0     # our ORT latency / python's, within noise
LARGE_PB = 20 * 2**20    # the memory goal is judged on models at least this big


# ---------------------------------------------------------------- processes

GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None

def run_child(cmd, log_path, timeout):
    """Run cmd with stdout+stderr to log_path; return (exit code, wall s, peak RSS bytes).

    The peak RSS is the child's own ru_maxrss from wait4 on its pid (kilobytes
    on Linux), not RUSAGE_CHILDREN's running maximum over every child so far.
    """
    # Linux folds the RSS a process had before exec into its ru_maxrss, and a
    # child spawned from this (large, TF-loaded) Python starts out as a copy of
    # it: measured directly, a 90 MB conversion showed 445 MB. GNU time, small
    # itself, spawns the real child and reports that child's own peak.
    rss_file = log_path + ".maxrss"
    if GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file] + list(cmd)
    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, cwd=ROOT)
        timer = threading.Timer(timeout, lambda: _kill(p.pid))
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code  # already reaped: keep Popen from waiting again
    maxrss = ru.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    if GNU_TIME:
        try:
            with open(rss_file) as f:
                maxrss = int(f.read().split()[-1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
    return code, wall, maxrss


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*(Error|Exception|Exit)|Traceback)\b")


def error_line(log_path, side, code):
    """The error's first line: ours prints it first; Python's is the exception line."""
    try:
        with open(log_path, errors="replace") as f:
            lines = [l.rstrip() for l in f if l.strip()]
    except OSError:
        lines = []
    if code < 0:
        head = "killed by signal %d" % -code
        if code == -signal.SIGKILL:
            head += " (timeout or out of memory)"
        return head
    if not lines:
        return "exit code %d, no output" % code
    lines = [l.replace(ROOT + os.sep, "") for l in lines]
    if side == "ours":
        return lines[0]
    exc = [l for l in lines if EXC_LINE.match(l) and not l.startswith("Traceback")]
    if exc:
        return exc[-1]
    errs = [l for l in lines if " - ERROR - " in l]
    return (errs[0] if errs else lines[-1])


def convert_cmd(side, meta, out, opset):
    pb = os.path.join(ROOT, meta["pb"])
    if meta.get("saved_model"):
        # Both read the directory and convert its serving_default signature.
        if side == "ours":
            return [OURS, "--saved-model", pb, "--output", out, "--opset", str(opset)]
        return [PYVENV, "-m", "tf2onnx.convert", "--saved-model", pb, "--output", out,
                "--opset", str(opset)]
    ins, outs = ",".join(meta["inputs"]), ",".join(meta["outputs"])
    if side == "ours":
        return [OURS, "--graphdef", pb, "--inputs", ins, "--outputs", outs,
                "--output", out, "--opset", str(opset)]
    return [PYVENV, "-m", "tf2onnx.convert", "--graphdef", pb, "--inputs", ins,
            "--outputs", outs, "--output", out, "--opset", str(opset)]


# ---------------------------------------------------------------- ONNX side

def count_nodes(graph):
    """Nodes of a graph, including those in subgraphs (Loop/If/Scan bodies)."""
    n = 0
    for node in graph.node:
        n += 1
        for a in node.attribute:
            if a.HasField("g"):
                n += count_nodes(a.g)
            for g in a.graphs:
                n += count_nodes(g)
    return n


def onnx_facts(path):
    import onnx
    m = onnx.load(path, load_external_data=False)
    ops = {}
    for node in m.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    return {"nodes": count_nodes(m.graph), "top_nodes": len(m.graph.node),
            "onnx_bytes": os.path.getsize(path),
            "opset": max((o.version for o in m.opset_import if o.domain in ("", "ai.onnx")),
                         default=None),
            "ops": dict(sorted(ops.items()))}


def make_session(path, threads):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def feeds_for(sess, meta, rng):
    import numpy as np
    shapes = list(meta.get("input_shapes", {}).values())
    feeds = {}
    for i, inp in enumerate(sess.get_inputs()):
        if i < len(shapes):
            shape = shapes[i]
        else:
            shape = [d if isinstance(d, int) else 1 for d in inp.shape]
        feeds[inp.name] = rng.uniform(0.0, 1.0, size=shape).astype(np.float32)
    return [feeds[k] for k in feeds]


def compare_outputs(a_sess, b_sess, meta, threads):
    """Run both models on one random input; compare output k of each (in --outputs order)."""
    import numpy as np
    rng = np.random.RandomState(7)
    arrays = feeds_for(a_sess, meta, rng)
    a = a_sess.run(None, dict(zip([i.name for i in a_sess.get_inputs()], arrays)))
    b = b_sess.run(None, dict(zip([i.name for i in b_sess.get_inputs()], arrays)))
    res = {"outputs": []}
    agree = len(a) == len(b)
    for k, (x, y) in enumerate(zip(a, b)):
        r = {"index": k, "ours_shape": list(x.shape), "python_shape": list(y.shape)}
        if x.shape != y.shape:
            r["agree"] = False
        else:
            x64, y64 = x.astype(np.float64), y.astype(np.float64)
            diff = np.abs(x64 - y64)
            r["max_abs_diff"] = float(diff.max()) if diff.size else 0.0
            r["max_abs_ref"] = float(np.abs(y64).max()) if diff.size else 0.0
            r["agree"] = bool(np.allclose(x64, y64, rtol=1e-4, atol=1e-4))
        agree = agree and r["agree"]
        res["outputs"].append(r)
    res["agree"] = agree
    res["max_abs_diff"] = max((r.get("max_abs_diff", float("inf")) for r in res["outputs"]),
                              default=None)
    res["tolerance"] = "numpy.allclose rtol=1e-4 atol=1e-4"
    return res, arrays


def ort_latency(sessions, arrays, warmup, runs):
    """Interleaved latency: warm up each, then alternate A,B / B,A each round (shared noise)."""
    names = list(sessions)
    feeds = {s: dict(zip([i.name for i in sessions[s].get_inputs()], arrays)) for s in names}
    for _ in range(warmup):
        for s in names:
            sessions[s].run(None, feeds[s])
    times = {s: [] for s in names}
    for r in range(runs):
        order = names if r % 2 == 0 else names[::-1]
        for s in order:
            t0 = time.perf_counter()
            sessions[s].run(None, feeds[s])
            times[s].append(time.perf_counter() - t0)
    out = {}
    for s in names:
        ts = sorted(times[s])
        med = statistics.median(ts)
        q = statistics.quantiles(ts, n=4) if len(ts) >= 2 else [med, med, med]
        out[s] = {"median_s": med, "min_s": ts[0], "iqr_s": q[2] - q[0], "runs_s": times[s]}
    out["ratio_ours_over_python"] = out["ours"]["median_s"] / out["python"]["median_s"]
    # Paired ratios: the two runs of one round saw the same machine load, so
    # their ratio cancels most of a shared box's noise; its spread is the noise.
    paired = sorted(a / b for a, b in zip(times["ours"], times["python"]))
    q = statistics.quantiles(paired, n=4) if len(paired) >= 2 else [paired[0]] * 3
    out["paired_ratio_median"] = statistics.median(paired)
    out["paired_ratio_iqr"] = q[2] - q[0]
    out["noise"] = (q[2] - q[0]) / 2
    return out


# ---------------------------------------------------------------- driver

def ensure_models(outdir, names):
    manifest = os.path.join(outdir, "models.json")
    metas = []
    need = not os.path.exists(manifest)
    if not need:
        with open(manifest) as f:
            listed = json.load(f)
        for n in listed:
            p = os.path.join(outdir, n + ".json")
            if not os.path.exists(p):
                need = True
                break
            with open(p) as f:
                m = json.load(f)
            if not os.path.exists(os.path.join(ROOT, m["pb"])):
                need = True
                break
            metas.append(m)
    if need:
        print("bench: generating models (bench/make_models.py)...", flush=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_models.py"),
                        "--out", outdir], check=True, cwd=ROOT)
        return ensure_models(outdir, names)
    if names:
        known = {m["name"] for m in metas}
        unknown = [n for n in names if n not in known]
        if unknown:
            sys.exit("bench: unknown model(s) %s; known: %s" % (unknown, sorted(known)))
        metas = [m for m in metas if m["name"] in names]
    return metas


def versions():
    v = {"python": platform.python_version(), "machine": platform.machine(),
         "cpus": os.cpu_count(), "kernel": platform.release()}
    try:
        v["ours"] = subprocess.run([OURS, "--version"], capture_output=True, text=True,
                                   timeout=30).stdout.strip()
    except OSError as e:
        v["ours"] = "unavailable: %s" % e
    try:
        code = ("import tf2onnx, tensorflow as tf, onnx, numpy, google.protobuf as pb;"
                "print(tf2onnx.__version__, tf.__version__, onnx.__version__,"
                " numpy.__version__, pb.__version__)")
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        out = subprocess.run([PYVENV, "-c", code], capture_output=True, text=True,
                             timeout=300, env=env).stdout.split()
        v.update(zip(["tf2onnx", "tf2onnx_tensorflow", "tf2onnx_onnx", "tf2onnx_numpy",
                      "tf2onnx_protobuf"], out))
    except OSError as e:
        v["tf2onnx"] = "unavailable: %s" % e
    try:
        import onnx
        import onnxruntime
        v["onnx"], v["onnxruntime"] = onnx.__version__, onnxruntime.__version__
    except ImportError:
        pass
    return v


def model_bytes(path):
    """A .pb's size, or a SavedModel directory's (every file in it)."""
    if not os.path.isdir(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def bench_model(meta, args, outdir):
    name = meta["name"]
    pb_bytes = model_bytes(os.path.join(ROOT, meta["pb"]))
    res = {"name": name, "pb": meta["pb"], "pb_bytes": pb_bytes, "about": meta.get("about", ""),
           "loadavg_before": os.getloadavg()}
    reps = {"ours": args.reps, "python": 0 if args.no_python else args.py_reps}
    exe = {"ours": OURS, "python": PYVENV}
    for side in SIDES:
        res[side] = {"runs": [], "ok": False}
        if reps[side] and not os.path.exists(exe[side]):
            res[side]["error"] = "%s missing (make %s)" % (
                os.path.relpath(exe[side], ROOT), "build" if side == "ours" else "bench-venv")
            reps[side] = 0
        if side == "python" and args.no_python:
            res[side]["error"] = "skipped (--no-python)"
    for rep in range(max(reps.values())):
        for side in SIDES:
            if rep >= reps[side]:
                continue
            if rep > 0 and not res[side]["ok"]:
                continue  # a failed conversion fails the same way again
            out = os.path.join(outdir, "out", "%s.%s.onnx" % (name, side))
            log = os.path.join(outdir, "logs", "%s.%s.log" % (name, side))
            if os.path.exists(out):
                os.remove(out)
            code, wall, rss = run_child(convert_cmd(side, meta, out, args.opset), log,
                                        args.timeout)
            ok = code == 0 and os.path.exists(out)
            res[side]["runs"].append({"wall_s": wall, "peak_rss_bytes": rss, "exit": code})
            res[side]["ok"] = ok
            res[side]["log"] = os.path.relpath(log, ROOT)
            print("  %-9s %-6s rep %d: %s %7.2fs  peak %7.1f MB" % (
                name, side, rep + 1, "ok  " if ok else "FAIL", wall, rss / 2**20), flush=True)
            if ok:
                res[side]["onnx"] = os.path.relpath(out, ROOT)
            else:
                res[side]["error"] = error_line(log, side, code)
    for side in SIDES:
        runs = res[side]["runs"]
        if runs:
            res[side]["wall_s"] = statistics.median(r["wall_s"] for r in runs)
            res[side]["peak_rss_bytes"] = statistics.median(r["peak_rss_bytes"] for r in runs)
        if res[side]["ok"]:
            try:
                res[side].update(onnx_facts(os.path.join(ROOT, res[side]["onnx"])))
            except Exception as e:  # noqa: BLE001 - report, do not crash
                res[side]["load_error"] = "%s: %s" % (type(e).__name__, str(e).split("\n")[0])
    o, p = res["ours"], res["python"]
    if o["ok"] and p["ok"]:
        res["time_ratio_python_over_ours"] = p["wall_s"] / o["wall_s"]
    if o["ok"]:
        res["ours_peak_over_pb"] = o["peak_rss_bytes"] / pb_bytes
    if p.get("peak_rss_bytes"):
        res["python_peak_over_pb"] = p["peak_rss_bytes"] / pb_bytes
    if o["ok"] and p["ok"]:
        try:
            sa = make_session(os.path.join(ROOT, o["onnx"]), args.ort_threads)
            sb = make_session(os.path.join(ROOT, p["onnx"]), args.ort_threads)
            res["agreement"], arrays = compare_outputs(sa, sb, meta, args.ort_threads)
            if meta.get("latency") or args.latency_all:
                print("  %-9s onnxruntime latency: %d warm-up + %d interleaved runs each..."
                      % (name, args.ort_warmup, args.ort_runs), flush=True)
                res["ort_latency"] = ort_latency({"ours": sa, "python": sb}, arrays,
                                                 args.ort_warmup, args.ort_runs)
                res["ort_latency"]["threads"] = args.ort_threads
                res["ort_latency"]["input_shapes"] = meta.get("input_shapes")
            del sa, sb
        except Exception as e:  # noqa: BLE001 - report, do not crash
            res["ort_error"] = "%s: %s" % (type(e).__name__, str(e).strip().split("\n")[0])
    res["loadavg_after"] = os.getloadavg()
    return res


# ---------------------------------------------------------------- report

def fmt(v, spec, suffix="", missing="-"):
    return missing if v is None else format(v, spec) + suffix


def mb(b):
    return None if b is None else b / 2**20


def table(results, cfg):
    lines = []
    hdr = ("%-9s %6s | %7s %7s %6s | %7s %7s %6s | %7s %6s %5s"
           % ("model", "pb MB", "ours s", "peak MB", "nodes", "py s", "peak MB", "nodes",
              "py/ours", "pk/pb", "agree"))
    lines.append(hdr)
    lines.append("-" * len(hdr))
    notes = []
    for r in results:
        cells = []
        for side in SIDES:
            s = r[side]
            if s["runs"]:
                nodes = fmt(s.get("nodes"), "d") if s["ok"] else "FAIL"
                cells += [fmt(s.get("wall_s"), ".2f"), fmt(mb(s.get("peak_rss_bytes")), ".0f"),
                          nodes]
            else:
                cells += ["-", "-", "-"]
        ag = r.get("agreement")
        agree = "-" if ag is None else ("yes" if ag["agree"] else "NO")
        if r.get("ort_error"):
            agree = "error"
        lines.append("%-9s %6.1f | %7s %7s %6s | %7s %7s %6s | %7s %6s %5s" % tuple(
            [r["name"], mb(r["pb_bytes"])] + cells + [
                ratio(r.get("time_ratio_python_over_ours")),
                ratio(r.get("ours_peak_over_pb")), agree]))
        for side in SIDES:
            err = r[side].get("error")
            if err and not r[side]["ok"] and not err.startswith("skipped"):
                notes.append("  %s %s failed: %s" % (r["name"], side, shorten(err, 110)))
        if r.get("ort_error"):
            notes.append("  %s onnxruntime: %s" % (r["name"], shorten(r["ort_error"], 110)))
        if ag is not None and not ag["agree"]:
            notes.append("  %s outputs differ: max |ours - python| = %s"
                         % (r["name"], fmt(ag.get("max_abs_diff"), ".3g")))
    lines.extend(notes)
    for r in results:
        lat = r.get("ort_latency")
        if lat:
            lines.append("%s onnxruntime latency at %s, %d thread(s), median of %d interleaved runs:\n"
                         "  ours %.1f ms, python %.1f ms, ours/python %.3f"
                         " (paired per round %.3f +-%.3f)"
                         % (r["name"], "x".join(str(d) for d in
                                                list(lat["input_shapes"].values())[0]),
                            lat["threads"], len(lat["ours"]["runs_s"]),
                            1e3 * lat["ours"]["median_s"], 1e3 * lat["python"]["median_s"],
                            lat["ratio_ours_over_python"], lat["paired_ratio_median"],
                            lat["noise"]))
    # Goals.
    sp = [r["time_ratio_python_over_ours"] for r in results if "time_ratio_python_over_ours" in r]
    # The memory goal is about large models: below LARGE_PB the process's fixed
    # footprint (runtime, binary) dominates and the ratio says nothing.
    pk = [(r["name"], r["ours_peak_over_pb"]) for r in results
          if "ours_peak_over_pb" in r and r["pb_bytes"] >= LARGE_PB]
    lat = [r["ort_latency"] for r in results if r.get("ort_latency")]
    lines.append("goals: >=%gx faster: %s | peak < %gx pb (pb >= %d MB): %s | ORT ratio <= %.1f: %s" % (
        GOAL_SPEEDUP, verdict([s >= GOAL_SPEEDUP for s in sp], "min %.1fx" % min(sp) if sp else ""),
        GOAL_PEAK_OVER_PB, LARGE_PB // 2**20, verdict([v < GOAL_PEAK_OVER_PB for _, v in pk],
                                   "max %.2fx" % max(v for _, v in pk) if pk else ""),
        GOAL_ORT_RATIO, verdict([l["ratio_ours_over_python"] <= GOAL_ORT_RATIO + l["noise"]
                                 for l in lat], "")))
    converted = sum(1 for r in results if r["ours"]["ok"])
    lines.append("ours converted %d of %d models; time = median wall of %d (ours) / %d (python) "
                 "runs; peak = the child's own max RSS (GNU time %%M, else wait4); pk/pb = our peak / .pb size"
                 % (converted, len(results), cfg["reps"], cfg["py_reps"]))
    return "\n".join(lines)


def ratio(v):
    if v is None:
        return "-"
    return "%.0fx" % v if v >= 100 else "%.1fx" % v if v >= 10 else "%.2fx" % v


def verdict(flags, detail):
    if not flags:
        return "n/a"
    s = "met" if all(flags) else "not met (%d/%d)" % (sum(flags), len(flags))
    return s + (" " + detail if detail else "")


def shorten(s, n):
    return s if len(s) <= n else s[: n - 3] + "..."


def main():
    global OURS
    ap = argparse.ArgumentParser(description="bin/tf2onnx vs Python tf2onnx benchmark")
    ap.add_argument("--reps", type=int, default=3, help="conversions per model, ours")
    ap.add_argument("--py-reps", type=int, default=None,
                    help="conversions per model, Python tf2onnx (default: --reps)")
    ap.add_argument("--models", default="", help="comma-separated subset of models")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per conversion")
    ap.add_argument("--ort-threads", type=int, default=1,
                    help="onnxruntime intra-op threads for latency (1: least noise on a shared box)")
    ap.add_argument("--ort-warmup", type=int, default=2)
    ap.add_argument("--ort-runs", type=int, default=10, help="timed runs per model, interleaved")
    ap.add_argument("--latency-all", action="store_true",
                    help="measure onnxruntime latency for every model, not only CTPN")
    ap.add_argument("--no-python", action="store_true", help="skip the Python tf2onnx side")
    ap.add_argument("--ours-bin", default=OURS, help="our converter binary (default bin/tf2onnx)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    args = ap.parse_args()
    OURS = os.path.abspath(args.ours_bin)
    if args.py_reps is None:
        args.py_reps = args.reps
    outdir = os.path.abspath(args.out)
    for d in ("", "out", "logs"):
        os.makedirs(os.path.join(outdir, d), exist_ok=True)

    metas = ensure_models(outdir, [s for s in args.models.split(",") if s])
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    vers = versions()
    print("bench: %s vs tf2onnx %s (tensorflow %s), opset %d, %d cpu(s), load %.2f"
          % (vers.get("ours"), vers.get("tf2onnx"), vers.get("tf2onnx_tensorflow"),
             args.opset, os.cpu_count(), os.getloadavg()[0]), flush=True)
    results = []
    for meta in metas:
        results.append(bench_model(meta, args, outdir))
    cfg = {"reps": args.reps, "py_reps": 0 if args.no_python else args.py_reps,
           "opset": args.opset, "ort_threads": args.ort_threads, "ort_warmup": args.ort_warmup,
           "ort_runs": args.ort_runs}
    report = table(results, cfg)
    print()
    print(report)
    doc = {"started": started,
           "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "versions": vers, "config": cfg,
           "goals": {"speedup_min": GOAL_SPEEDUP, "ours_peak_over_pb_max": GOAL_PEAK_OVER_PB,
                     "ort_ratio_max": GOAL_ORT_RATIO},
           "models": results, "table": report}
    path = os.path.join(outdir, "results.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    print("\nwrote %s" % os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
