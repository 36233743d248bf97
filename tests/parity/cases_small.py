"""Issue 8, conformance leftovers: MatrixInverse as com.microsoft Inverse
(with --extra_opset com.microsoft:1; refused without it, see the Go tests),
Range as com.microsoft Range when that domain is imported, float AsString
("%f" built from ONNX string ops), a large constant Tile left unfolded,
keras_learning_phase folded to its default, Conv2DBackpropInput with a
run-time batch in input_sizes."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32, Failure

MS = ("--extra_opset", "com.microsoft:1")


def _domain_of(op, domain):
    def check(model, opset):
        nodes = [n for n in model.graph.node if n.op_type == op]
        if not nodes or any(n.domain != domain for n in nodes):
            raise Failure(f"want {op} nodes in domain {domain!r}, got {[(n.op_type, n.domain) for n in nodes]}")
    return check


def _well_conditioned(*shape, seed=0):
    # Random matrices plus a multiple of the identity: far from singular, so
    # float32 inverses agree to the tolerance.
    x = f32(*shape, seed=seed)
    return (x + 4 * np.eye(shape[-1], dtype=np.float32)).astype(np.float32)


@graph_case("small_inverse", {"x": _well_conditioned(5, 5)}, extra_flags=MS, check=_domain_of("Inverse", "com.microsoft"))
def _(x):
    return tf.linalg.inv(x)


@graph_case("small_inverse_batched_dynamic", {"x": _well_conditioned(2, 3, 4, 4, seed=1)}, shapes={"x": (None, None, 4, 4)},
            extra_flags=MS, check=_domain_of("Inverse", "com.microsoft"))
def _(x):
    return tf.linalg.inv(x) * 2.0


@graph_case("small_inverse_adjoint", {"x": _well_conditioned(3, 4, 4, seed=2)}, extra_flags=MS)
def _(x):
    return tf.linalg.inv(x, adjoint=True)


@graph_case("small_inverse_f64", {"x": _well_conditioned(2, 6, 6, seed=3).astype(np.float64)}, extra_flags=MS)
def _(x):
    return tf.linalg.inv(x)


@graph_case("small_ms_range_f32", {"d": np.array(1.5, np.float32)}, extra_flags=MS, check=_domain_of("Range", "com.microsoft"))
def _(d):
    return tf.range(-5.0, 5.0, d)


@graph_case("small_ms_range_i32_neg", {"s": np.array(7, np.int32), "d": np.array(-2, np.int32)}, extra_flags=MS,
            check=_domain_of("Range", "com.microsoft"))
def _(s, d):
    return tf.range(s, -4, d) * 3


@graph_case("small_ms_range_i64_empty", {"n": np.array(0, np.int64)}, extra_flags=MS, check=_domain_of("Range", "com.microsoft"))
def _(n):
    return tf.range(n, dtype=tf.int64), tf.range(n + 3, dtype=tf.int64)
