"""Issue 8, signal and complex values: FFT/IFFT/FFT2D/IFFT2D, IRFFT/IRFFT2D,
making complex values (Complex, Cast, constants), complex arithmetic and the
shape ops that pass packed values on. ONNX has no complex tensors and
onnxruntime cannot return one, so every case fetches real values: the
real/imaginary parts, the modulus or the angle, or an inverse transform back
to reals (RFFT/RFFT2D alone are in cases_ops_signal.py)."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32


def f64(*shape, seed=0):
    return f32(*shape, seed=seed).astype(np.float64)


def _tol(n, dt=np.float32):
    """Each output of a length-n transform sums n products of inputs in
    [-1, 1]: its rounding error grows with n (and TF's FFT sums in another
    order than the MatMul)."""
    if dt == np.float64:
        return dict(rtol=1e-9, atol=1e-12 * n, why_tolerance=f"float64 sums of {n} terms in another order than TF's FFT")
    return dict(rtol=1e-4, atol=max(1e-5, 3e-6 * n), why_tolerance=f"float32 sums of {n} terms in another order than TF's FFT")


def _ri(z):
    return tf.math.real(z), tf.math.imag(z)


def _cx(re, im):
    return tf.complex(re, im)


# --- transforms -----------------------------------------------------------

for _n in (1, 5, 8, 13):
    graph_case(f"signal_fft_len{_n}", {"re": f32(3, _n), "im": f32(3, _n, seed=1)},
               shapes={"re": (None, _n), "im": (None, _n)}, **_tol(_n))(
        lambda re, im: _ri(tf.signal.fft(_cx(re, im))))
    graph_case(f"signal_ifft_len{_n}", {"re": f32(2, 3, _n), "im": f32(2, 3, _n, seed=1)}, **_tol(_n))(
        lambda re, im: _ri(tf.signal.ifft(_cx(re, im))))


@graph_case("signal_fft_ifft_roundtrip_f64", {"re": f64(4, 16), "im": f64(4, 16, seed=1)}, **_tol(16, np.float64))
def _(re, im):
    return _ri(tf.signal.ifft(tf.signal.fft(_cx(re, im))))


@graph_case("signal_fft_f64", {"re": f64(2, 12), "im": f64(2, 12, seed=1)}, **_tol(12, np.float64))
def _(re, im):
    return _ri(tf.signal.fft(_cx(re, im)))


for _m, _n in ((4, 6), (5, 3), (1, 7)):
    graph_case(f"signal_fft2d_{_m}x{_n}", {"re": f32(2, _m, _n), "im": f32(2, _m, _n, seed=1)},
               shapes={"re": (None, _m, _n), "im": (None, _m, _n)}, **_tol(_m * _n))(
        lambda re, im: _ri(tf.signal.fft2d(_cx(re, im))))
    graph_case(f"signal_ifft2d_{_m}x{_n}", {"re": f32(_m, _n), "im": f32(_m, _n, seed=1)}, **_tol(_m * _n))(
        lambda re, im: _ri(tf.signal.ifft2d(_cx(re, im))))

# IRFFT reads the first n/2+1 bins (cut or zero-padded) and ignores the
# imaginary parts of DC and (n even) Nyquist: random, non-Hermitian bins
# check that, against TF.
for _bins, _n in ((5, 8), (5, 9), (5, 4), (5, 16), (3, 3), (7, 12), (1, 1), (2, 2)):
    graph_case(f"signal_irfft_{_bins}bins_len{_n}", {"re": f32(3, _bins), "im": f32(3, _bins, seed=1)},
               shapes={"re": (None, _bins), "im": (None, _bins)}, **_tol(_n))(
        lambda re, im, n=_n: tf.signal.irfft(_cx(re, im), [n]))


@graph_case("signal_irfft_default_length", {"re": f32(2, 2, 9), "im": f32(2, 2, 9, seed=1)}, **_tol(16))
def _(re, im):
    return tf.signal.irfft(_cx(re, im))


@graph_case("signal_rfft_irfft_roundtrip", {"x": f32(4, 20)}, shapes={"x": (None, 20)}, **_tol(20))
def _(x):
    return tf.signal.irfft(tf.signal.rfft(x))


@graph_case("signal_irfft_f64", {"re": f64(3, 7), "im": f64(3, 7, seed=1)}, **_tol(12, np.float64))
def _(re, im):
    return tf.signal.irfft(tf.complex(re, im), [12])


for _b, _m, _n in (((4, 5), 4, 8), ((4, 5), 6, 7), ((3, 3), 2, 3), ((5, 4), 5, 6)):
    graph_case(f"signal_irfft2d_{_b[0]}x{_b[1]}_to_{_m}x{_n}",
               {"re": f32(2, *_b), "im": f32(2, *_b, seed=1)}, shapes={"re": (None,) + _b, "im": (None,) + _b},
               **_tol(_m * _n))(
        lambda re, im, m=_m, n=_n: tf.signal.irfft2d(_cx(re, im), [m, n]))


@graph_case("signal_rfft2d_irfft2d_roundtrip", {"x": f32(2, 6, 10)}, **_tol(60))
def _(x):
    return tf.signal.irfft2d(tf.signal.rfft2d(x), [6, 10])
