"""Issue 8, signal: RFFT/RFFT2D with cut and zero-padded frames, read
through ComplexAbs, Real and Imag (ONNX has no complex tensors; a complex
value elsewhere is refused, see the Go tests)."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32

_TOL = dict(rtol=1e-4, atol=1e-4, why_tolerance="DFT sums in float32 over up to 64 terms (TF's FFT sums in another order)")

for _n in (4, 7, 8, 13):
    graph_case(f"ops_rfft_abs_len{_n}", {"x": f32(3, 8)}, shapes={"x": (None, 8)}, **_TOL)(
        lambda x, n=_n: tf.abs(tf.signal.rfft(x, [n])))


@graph_case("ops_rfft_real_imag", {"x": f32(2, 3, 16)}, **_TOL)
def _(x):
    f = tf.signal.rfft(x)
    return tf.math.real(f), tf.math.imag(f)


@graph_case("ops_rfft_long_frame", {"x": f32(2, 64)}, **_TOL)
def _(x):
    return tf.abs(tf.signal.rfft(x))


for _m, _n in ((5, 6), (3, 6), (7, 9), (1, 4)):
    graph_case(f"ops_rfft2d_{_m}x{_n}", {"x": f32(2, 5, 6)}, **_TOL)(
        lambda x, m=_m, n=_n: tf.abs(tf.signal.rfft2d(x, [m, n])))


@graph_case("ops_rfft2d_real_imag", {"x": f32(4, 6)}, **_TOL)
def _(x):
    f = tf.signal.rfft2d(x)
    return tf.math.real(f), tf.math.imag(f)
