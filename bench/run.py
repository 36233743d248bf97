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
GOAL_SCALING = 2.5       # time per node, 100k-node graph / 10k-node graph


# ---------------------------------------------------------------- processes

GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
LAST_CPU_S = None  # user + system CPU seconds of the last run_child

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
    # CPU seconds of the child (and GNU time's own child, the converter):
    # on a loaded shared machine wall time is mostly waiting for a core.
    global LAST_CPU_S
    LAST_CPU_S = ru.ru_utime + ru.ru_stime
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
    if meta.get("format") == "tflite":  # both read the model's own inputs and outputs
        if side == "ours":
            return [OURS, "--tflite", pb, "--output", out, "--opset", str(opset)]
        return [PYVENV, "-m", "tf2onnx.convert", "--tflite", pb, "--output", out, "--opset", str(opset)]
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


def count_ops(graph, ops):
    """Histogram of op types, subgraphs (Loop/If/Scan bodies) included."""
    for node in graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
        for a in node.attribute:
            if a.HasField("g"):
                count_ops(a.g, ops)
            for g in a.graphs:
                count_ops(g, ops)
    return ops


def onnx_facts(path):
    import onnx
    m = onnx.load(path, load_external_data=False)
    ops = {}
    for node in m.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    all_ops = count_ops(m.graph, {})
    return {"nodes": count_nodes(m.graph), "top_nodes": len(m.graph.node),
            "transposes": all_ops.get("Transpose", 0), "all_ops": dict(sorted(all_ops.items())),
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

def ensure_models(outdir, names, generated=False):
    manifest = os.path.join(outdir, "models.json")
    metas = []
    need = not os.path.exists(manifest)
    if not need:
        with open(manifest) as f:
            listed = json.load(f)
        for n in names or listed:
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
    if need and generated:
        sys.exit("bench: bench/make_models.py did not make %s (see its ORDER for the names)" % (names or "the models"))
    if need:
        print("bench: generating models (bench/make_models.py)...", flush=True)
        # --models: make only those (the others take minutes of TensorFlow)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_models.py"), "--out", outdir]
                       + (["--only", ",".join(names)] if names else []), check=True, cwd=ROOT)
        return ensure_models(outdir, names, generated=True)
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
                "from tf2onnx import constants as c;"
                "print(tf2onnx.__version__, tf.__version__, onnx.__version__,"
                " numpy.__version__, pb.__version__, max(c.OPSET_TO_IR_VERSION))")
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        out = subprocess.run([PYVENV, "-c", code], capture_output=True, text=True,
                             timeout=300, env=env).stdout.split()
        v.update(zip(["tf2onnx", "tf2onnx_tensorflow", "tf2onnx_onnx", "tf2onnx_numpy",
                      "tf2onnx_protobuf", "tf2onnx_max_opset"], out))
    except OSError as e:
        v["tf2onnx"] = "unavailable: %s" % e
    try:
        help_text = subprocess.run([OURS, "--help"], capture_output=True, text=True,
                                   timeout=30).stdout
        m = re.search(r"ONNX opset to target \((\d+) to (\d+)\)", help_text)
        if m:
            v["ours_max_opset"] = int(m.group(2))
    except OSError:
        pass
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
    res["quality"] = [quality(meta, res, opset, args, outdir) for opset in args.opsets_list]
    # The first opset's agreement is the model's (as before the quality rows).
    if res["quality"] and "agreement" in res["quality"][0]:
        res["agreement"] = res["quality"][0]["agreement"]
    if res["quality"] and res["quality"][0].get("ort_error"):
        res["ort_error"] = res["quality"][0]["ort_error"]
    res["loadavg_after"] = os.getloadavg()
    return res


def convert_once(side, meta, opset, args, outdir):
    """One conversion at opset (no timing); returns (ok, path or error)."""
    name = meta["name"]
    out = os.path.join(outdir, "out", "%s.%s.op%d.onnx" % (name, side, opset))
    log = os.path.join(outdir, "logs", "%s.%s.op%d.log" % (name, side, opset))
    if os.path.exists(out):
        os.remove(out)
    code, wall, _ = run_child(convert_cmd(side, meta, out, opset), log, args.timeout)
    ok = code == 0 and os.path.exists(out)
    print("  %-9s %-6s opset %d: %s %7.2fs" % (name, side, opset, "ok  " if ok else "FAIL", wall),
          flush=True)
    return (True, out) if ok else (False, error_line(log, side, code))


def quality(meta, res, opset, args, outdir):
    """What onnxruntime makes of both converters' models at one opset: node and
    Transpose counts, output agreement and paired latency. The Python side runs
    at min(opset, its newest); the timing runs' models are reused at the timing
    opset."""
    name = meta["name"]
    q = {"opset": opset}
    py_max = args.python_max_opset or opset
    sides = {"ours": opset, "python": min(opset, py_max)}
    paths = {}
    for side, op in sides.items():
        q[side] = {"opset": op}
        if side == "python" and args.no_python:
            q[side]["error"] = "skipped (--no-python)"
            continue
        r = res[side]
        if op == args.opset and r.get("runs"):
            if not r["ok"]:
                q[side]["error"] = r.get("error", "failed")
                continue
            paths[side] = os.path.join(ROOT, r["onnx"])
        else:
            ok, val = convert_once(side, meta, op, args, outdir)
            if not ok:
                q[side]["error"] = val
                continue
            paths[side] = val
        try:
            f = onnx_facts(paths[side])
            q[side].update({k: f[k] for k in ("nodes", "transposes", "all_ops", "onnx_bytes")})
        except Exception as e:  # noqa: BLE001 - report, do not crash
            q[side]["error"] = "%s: %s" % (type(e).__name__, str(e).split("\n")[0])
            paths.pop(side)
    if len(paths) < 2:
        return q
    try:
        sa = make_session(paths["ours"], args.ort_threads)
        sb = make_session(paths["python"], args.ort_threads)
        q["agreement"], arrays = compare_outputs(sa, sb, meta, args.ort_threads)
        if not args.no_latency:
            print("  %-9s opset %d onnxruntime latency: %d warm-up + %d paired rounds..."
                  % (name, opset, args.ort_warmup, args.ort_runs), flush=True)
            q["ort_latency"] = ort_latency({"ours": sa, "python": sb}, arrays,
                                           args.ort_warmup, args.ort_runs)
            q["ort_latency"]["threads"] = args.ort_threads
            q["ort_latency"]["input_shapes"] = meta.get("input_shapes")
        del sa, sb
    except Exception as e:  # noqa: BLE001 - report, do not crash
        q["ort_error"] = "%s: %s" % (type(e).__name__, str(e).strip().split("\n")[0])
    return q


def scaling(args, outdir):
    """The optimizer's scaling row: our converter on generated graphs of ~10k
    and ~100k TF nodes; time per TF node of the big one over the small one's."""
    names = ["scale10k", "scale100k"]
    metas = []
    for n in names:
        path = os.path.join(outdir, n + ".json")
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_models.py"),
                            "--out", outdir, "--only", n], check=True, cwd=ROOT)
        with open(path) as f:
            metas.append(json.load(f))
    rows = []
    for meta in metas:
        walls, cpus = [], []
        for rep in range(args.reps):
            out = os.path.join(outdir, "out", "%s.ours.onnx" % meta["name"])
            log = os.path.join(outdir, "logs", "%s.ours.log" % meta["name"])
            code, wall, rss = run_child(convert_cmd("ours", meta, out, args.opset), log, args.timeout)
            if code != 0:
                rows.append({"name": meta["name"], "error": error_line(log, "ours", code)})
                break
            walls.append(wall)
            cpus.append(LAST_CPU_S)
        else:
            cpu = statistics.median(cpus)
            rows.append({"name": meta["name"], "tf_nodes": meta["tf_nodes"],
                         "wall_s": statistics.median(walls), "cpu_s": cpu, "runs_wall_s": walls,
                         "runs_cpu_s": cpus, "us_per_node": 1e6 * cpu / meta["tf_nodes"],
                         "onnx_nodes": onnx_facts(out)["nodes"]})
            print("  %-9s ours: %d TF nodes, %.2f s CPU, %.2f s wall (%.1f us CPU/node)"
                  % (meta["name"], meta["tf_nodes"], cpu, rows[-1]["wall_s"], rows[-1]["us_per_node"]),
                  flush=True)
    res = {"rows": rows}
    if len(rows) == 2 and all("us_per_node" in r for r in rows):
        res["per_node_ratio"] = rows[1]["us_per_node"] / rows[0]["us_per_node"]
    return res


# ---------------------------------------------------------------- report

def fmt(v, spec, suffix="", missing="-"):
    return missing if v is None else format(v, spec) + suffix


def mb(b):
    return None if b is None else b / 2**20


def table(results, cfg):
    lines = []
    hdr = ("%-16s %6s | %7s %7s %6s | %7s %7s %6s | %7s %6s %5s"
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
        lines.append("%-16s %6.1f | %7s %7s %6s | %7s %7s %6s | %7s %6s %5s" % tuple(
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
    # Goals.
    sp = [r["time_ratio_python_over_ours"] for r in results if "time_ratio_python_over_ours" in r]
    # The memory goal is about large models: below LARGE_PB the process's fixed
    # footprint (runtime, binary) dominates and the ratio says nothing.
    pk = [(r["name"], r["ours_peak_over_pb"]) for r in results
          if "ours_peak_over_pb" in r and r["pb_bytes"] >= LARGE_PB]
    lines.append("goals: >=%gx faster: %s | peak < %gx pb (pb >= %d MB): %s" % (
        GOAL_SPEEDUP, verdict([s >= GOAL_SPEEDUP for s in sp], "min %.1fx" % min(sp) if sp else ""),
        GOAL_PEAK_OVER_PB, LARGE_PB // 2**20, verdict([v < GOAL_PEAK_OVER_PB for _, v in pk],
                                   "max %.2fx" % max(v for _, v in pk) if pk else "")))
    lines.append("")
    lines.extend(quality_table(results, cfg))
    converted = sum(1 for r in results if r["ours"]["ok"])
    lines.append("ours converted %d of %d models; time = median wall of %d (ours) / %d (python) "
                 "runs; peak = the child's own max RSS (GNU time %%M, else wait4); pk/pb = our peak / .pb size"
                 % (converted, len(results), cfg["reps"], cfg["py_reps"]))
    return "\n".join(lines)


def quality_table(results, cfg):
    """Per model and opset: onnxruntime latency ours/python (paired rounds),
    Transposes and nodes of both models, and whether the goals hold."""
    lines = ["onnxruntime (CPU, %d thread(s), ORT_ENABLE_ALL), %d paired rounds after %d warm-up; "
             "ratio = median of per-round ours/python, +- half its IQR"
             % (cfg["ort_threads"], cfg["ort_runs"], cfg["ort_warmup"])]
    hdr = ("%-16s %9s | %8s %8s %6s %6s | %9s | %11s | %s"
           % ("model", "opset", "ours ms", "py ms", "ratio", "+-", "Transpose", "nodes", "goal"))
    lines.append(hdr)
    lines.append("-" * (len(hdr) + 10))
    met = []
    for r in results:
        for q in r.get("quality", []):
            o, p = q["ours"], q["python"]
            op = "%d" % q["opset"] if p.get("opset") == q["opset"] else "%d/py%d" % (q["opset"], p["opset"])
            lat = q.get("ort_latency")
            cells = ["-"] * 4
            if lat:
                cells = ["%.1f" % (1e3 * lat["ours"]["median_s"]), "%.1f" % (1e3 * lat["python"]["median_s"]),
                         "%.3f" % lat["paired_ratio_median"], "%.3f" % lat["noise"]]
            tr = "%s/%s" % (o.get("transposes", "F" if o.get("error") else "-"),
                            p.get("transposes", "F" if p.get("error") else "-"))
            nd = "%s/%s" % (o.get("nodes", "F" if o.get("error") else "-"),
                            p.get("nodes", "F" if p.get("error") else "-"))
            goal = "-"
            if lat and "nodes" in o and "nodes" in p:
                miss = []
                if lat["paired_ratio_median"] > GOAL_ORT_RATIO + lat["noise"]:
                    miss.append("slower")
                if o["transposes"] > p["transposes"]:
                    miss.append("Transposes")
                if o["nodes"] > p["nodes"]:
                    miss.append("nodes")
                goal = "met" if not miss else "missed: " + ", ".join(miss)
                met.append(not miss)
            elif "nodes" in o and "nodes" in p and cfg.get("no_latency"):
                miss = [k for k, bad in (("Transposes", o["transposes"] > p["transposes"]),
                                         ("nodes", o["nodes"] > p["nodes"])) if bad]
                goal = "met (no latency)" if not miss else "missed: " + ", ".join(miss)
            lines.append("%-16s %9s | %8s %8s %6s %6s | %9s | %11s | %s"
                         % tuple([r["name"], op] + cells + [tr, nd, goal]))
            for side in SIDES:
                err = q[side].get("error")
                if err and not err.startswith("skipped") and not (q["opset"] == cfg["opset"]):
                    lines.append("  %s %s opset %d failed: %s" % (r["name"], side, q[side]["opset"], shorten(err, 100)))
            if q.get("ort_error"):
                lines.append("  %s opset %d onnxruntime: %s" % (r["name"], q["opset"], shorten(q["ort_error"], 100)))
            ag = q.get("agreement")
            if ag is not None and not ag["agree"]:
                lines.append("  %s opset %d outputs differ: max |ours - python| = %s"
                             % (r["name"], q["opset"], fmt(ag.get("max_abs_diff"), ".3g")))
    lines.append("goal (ratio <= %.2f within noise, Transposes and nodes <= python's): %s"
                 % (GOAL_ORT_RATIO, verdict(met, "")))
    return lines


def scaling_lines(sc):
    lines = ["optimizer scaling (ours, generated residual chains; median CPU time (user+sys) of the "
             "whole conversion, which a loaded machine does not inflate as it does wall time):"]
    for r in sc["rows"]:
        if "error" in r:
            lines.append("  %-9s failed: %s" % (r["name"], shorten(r["error"], 100)))
        else:
            lines.append("  %-9s %7d TF nodes -> %6d ONNX nodes: %6.2f s CPU (%.2f s wall), %5.1f us/node"
                         % (r["name"], r["tf_nodes"], r["onnx_nodes"], r["cpu_s"], r["wall_s"],
                            r["us_per_node"]))
    if "per_node_ratio" in sc:
        lines.append("  time per node 100k / 10k: %.2f (goal <= %.1f: %s)"
                     % (sc["per_node_ratio"], GOAL_SCALING, "met" if sc["per_node_ratio"] <= GOAL_SCALING else "not met"))
    return lines


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
    ap.add_argument("--opsets", default="17,max",
                    help="opsets of the onnxruntime/graph comparison; 'max' = our newest "
                         "(the Python side runs at min(opset, its newest))")
    ap.add_argument("--no-latency", action="store_true",
                    help="skip onnxruntime latency (counts and agreement only)")
    ap.add_argument("--no-scaling", action="store_true",
                    help="skip the optimizer scaling row (10k vs 100k node graphs)")
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

    names = [s for s in args.models.split(",") if s]
    want_scaling = not args.no_scaling and (not names or "scaling" in names)
    names = [n for n in names if n != "scaling"]
    metas = ensure_models(outdir, names) if names or not args.models else []
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    vers = versions()
    args.python_max_opset = int(vers["tf2onnx_max_opset"]) if vers.get("tf2onnx_max_opset") else None
    args.opsets_list = []
    for tok in args.opsets.split(","):
        tok = tok.strip()
        op = vers.get("ours_max_opset", args.opset) if tok == "max" else int(tok)
        if op not in args.opsets_list:
            args.opsets_list.append(op)
    print("bench: %s vs tf2onnx %s (tensorflow %s), opset %d, %d cpu(s), load %.2f"
          % (vers.get("ours"), vers.get("tf2onnx"), vers.get("tf2onnx_tensorflow"),
             args.opset, os.cpu_count(), os.getloadavg()[0]), flush=True)
    results = []
    for meta in metas:
        results.append(bench_model(meta, args, outdir))
    sc = scaling(args, outdir) if want_scaling else None
    cfg = {"reps": args.reps, "py_reps": 0 if args.no_python else args.py_reps,
           "opset": args.opset, "opsets": args.opsets_list, "ort_threads": args.ort_threads,
           "ort_warmup": args.ort_warmup, "ort_runs": args.ort_runs, "no_latency": args.no_latency}
    report = table(results, cfg) if results else ""
    if sc:
        report += ("\n\n" if report else "") + "\n".join(scaling_lines(sc))
    print()
    print(report)
    doc = {"started": started,
           "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "versions": vers, "config": cfg,
           "goals": {"speedup_min": GOAL_SPEEDUP, "ours_peak_over_pb_max": GOAL_PEAK_OVER_PB,
                     "ort_ratio_max": GOAL_ORT_RATIO, "scaling_max": GOAL_SCALING},
           "models": results, "scaling": sc, "table": report}
    path = os.path.join(outdir, "results.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    print("\nwrote %s" % os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
