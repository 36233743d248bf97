"""Issue 8, signal and complex values: FFT/IFFT/FFT2D/IFFT2D, IRFFT/IRFFT2D,
making complex values (Complex, Cast, constants), complex arithmetic and the
shape ops that pass packed values on. ONNX has no complex tensors and
onnxruntime cannot return one, so every case fetches real values: the
real/imaginary parts, the modulus or the angle, or an inverse transform back
to reals (RFFT/RFFT2D alone are in cases_ops_signal.py)."""

import numpy as np
import tensorflow as tf

from harness import Failure, graph_case, f32


def f64(*shape, seed=0):
    return f32(*shape, seed=seed).astype(np.float64)


def _tol(n, dt=np.float32):
    """Each output of a length-n transform sums n products of inputs in
    [-1, 1]: its rounding error grows with n (and TF's FFT sums in another
    order than the MatMul)."""
    if dt == np.float64:
        return dict(rtol=1e-9, atol=1e-12 * n, why_tolerance=f"float64 sums of {n} terms in another order than TF's FFT")
    return dict(rtol=1e-4, atol=max(1e-5, 1e-6 * n), why_tolerance=f"float32 sums of {n} terms in another order than TF's FFT")


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


# --- making complex values --------------------------------------------------

_EXACT = dict(rtol=1e-5, atol=1e-6, why_tolerance="float32 arithmetic on parts")


@graph_case("signal_complex_broadcast", {"re": f32(3, 1, 4), "im": f32(5, 1, seed=1)}, **_EXACT)
def _(re, im):
    return _ri(tf.complex(re, im))


@graph_case("signal_cast_real_to_complex", {"x": f32(2, 6)}, shapes={"x": (None, 6)}, **_tol(6))
def _(x):
    return _ri(tf.signal.fft(tf.cast(x, tf.complex64)))


@graph_case("signal_cast_complex_kinds", {"re": f64(2, 3), "im": f64(2, 3, seed=1)}, **_EXACT)
def _(re, im):
    z = tf.complex(re, im)
    z64 = tf.cast(z, tf.complex64)
    return tf.math.real(z64), tf.math.imag(z64), tf.cast(z, tf.float32), tf.cast(tf.cast(re, tf.complex128), tf.float64)


@graph_case("signal_complex_constant", {"re": f32(2, 3), "im": f32(2, 3, seed=1)}, **_EXACT)
def _(re, im):
    k = tf.constant(np.array([1 + 2j, -0.5j, 3.0], np.complex64))
    s = tf.constant(np.complex64(0.25 - 1j))
    z = tf.complex(re, im)
    return _ri(z * k + s) + _ri(k - z)


# --- arithmetic --------------------------------------------------------------

@graph_case("signal_complex_arith", {"ar": f32(2, 3, 4), "ai": f32(2, 3, 4, seed=1), "br": f32(3, 1, seed=2, lo=0.5, hi=2),
                                     "bi": f32(3, 1, seed=3)}, **_EXACT)
def _(ar, ai, br, bi):
    a, b = tf.complex(ar, ai), tf.complex(br, bi)
    outs = []
    for z in (a + b, tf.raw_ops.Add(x=a, y=b), a - b, a * b, a / b, tf.raw_ops.Div(x=a, y=b), -a, tf.math.conj(a),
              tf.square(a), b * a, b / a):
        outs += _ri(z)
    return tuple(outs)


@graph_case("signal_complex_arith_f64", {"ar": f64(4,), "ai": f64(4, seed=1), "br": f64(1, seed=2), "bi": f64(1, seed=3)},
            rtol=1e-12, atol=1e-12, why_tolerance="float64 arithmetic on parts, in another order than std::complex")
def _(ar, ai, br, bi):
    a, b = tf.complex(ar, ai), tf.complex(br, bi)
    outs = []
    for z in (a + b, a - b, a * b, a / b, -a, tf.math.conj(a), tf.square(a), tf.exp(a)):
        outs += _ri(z)
    return tuple(outs)


@graph_case("signal_abs_angle", {"re": f32(3, 5), "im": f32(3, 5, seed=1)},
            rtol=1e-5, atol=2e-6, why_tolerance="float32 atan and sqrt")
def _(re, im):
    z = tf.complex(re, im)
    return tf.abs(z), tf.math.angle(z)


@graph_case("signal_angle_edges", {"re": np.array([0, 0, 0, 1, -1, -1, 2, -3], np.float32),
                                   "im": np.array([0, 1, -1, 0, 0, 1, -2, -1e-3], np.float32)},
            rtol=1e-5, atol=2e-6, why_tolerance="float32 atan")
def _(re, im):
    return tf.math.angle(tf.complex(re, im)), tf.abs(tf.complex(re, im))


@graph_case("signal_angle_f64", {"re": f64(6), "im": f64(6, seed=1)},
            rtol=1e-6, atol=1e-7, why_tolerance="onnxruntime has no float64 Atan: it runs in float32")
def _(re, im):
    return tf.math.angle(tf.complex(re, im))


# --- shape ops on complex values ------------------------------------------------

def _z(re, im):
    return tf.complex(re, im)


_SHAPES = {
    "identity": lambda z: tf.identity(tf.stop_gradient(z)),
    "reshape": lambda z: tf.reshape(z, [3, -1]),
    "reshape_dyn": lambda z: tf.reshape(z, tf.stack([tf.shape(z)[0] * 2, -1])),
    "transpose": lambda z: tf.transpose(z, [2, 0, 1]),
    "transpose_neg": lambda z: tf.transpose(z, [-1, 1, 0]),
    "expand_dims": lambda z: tf.expand_dims(z, 1),
    "expand_dims_neg": lambda z: tf.expand_dims(z, -1),
    "squeeze": lambda z: tf.squeeze(z[:, :1], [1]),
    "squeeze_neg": lambda z: tf.squeeze(z[:, :, 2:3], [-1]),
    "slice": lambda z: tf.slice(z, [1, 0, 1], [1, -1, 2]),
    "strided": lambda z: z[:, 1:, ::-2],
    "strided_shrink": lambda z: z[1, :, 2],
    "strided_ellipsis": lambda z: z[..., 1],
    "strided_ellipsis_newaxis": lambda z: z[0, ..., tf.newaxis, 1:3],
    "concat": lambda z: tf.concat([z, z * 2], 1),
    "concat_neg": lambda z: tf.concat([z, -z], -1),
    "pack": lambda z: tf.stack([z, z * z], 1),
    "pack_neg": lambda z: tf.stack([z, -z], -1),
    "gather": lambda z: tf.gather(z, [2, 0, 0], axis=-1),
    "gather_axis1": lambda z: tf.gather(z, [[1, 0]], axis=1),
    "gather_batch": lambda z: tf.gather(z, [[1, 0], [2, 2]], axis=1, batch_dims=1),
    "zeros_like": lambda z: tf.zeros_like(z) + z,
    "pad": lambda z: tf.pad(z, [[0, 0], [1, 2], [0, 1]]),
    "mirror_pad": lambda z: tf.pad(z, [[0, 0], [1, 2], [0, 1]], mode="REFLECT"),
    "snapshot": lambda z: tf.raw_ops.Snapshot(input=tf.raw_ops.PreventGradient(input=z)),
    "ensure_shape": lambda z: tf.ensure_shape(z, [None, 3, 4]),
    "broadcast_to": lambda z: tf.broadcast_to(z[:1, :, :1], [2, 3, 4]),
    "tile": lambda z: tf.tile(z, [1, 2, 1]),
    "reverse": lambda z: tf.reverse(z, [0, -1]),
    "unstack": lambda z: tf.unstack(z, axis=-1)[1] + tf.unstack(z, axis=1)[2][:, 1:2],
    "split": lambda z: tf.split(z, 2, axis=-1)[1] * tf.split(z, [1, 2], axis=1)[1][:, :1, :2],
    "where": lambda z: tf.where(tf.math.real(z) > 0, z, -z * z),
    "sum": lambda z: tf.reduce_sum(z, [0, -1]),
    "sum_keep": lambda z: tf.reduce_sum(z, -2, keepdims=True) + tf.reduce_sum(z, []),
    "mean": lambda z: tf.reduce_mean(z, 1),
    "add_n": lambda z: tf.add_n([z, z * z, -z]),
    "exp": lambda z: tf.exp(z),
    "log": lambda z: tf.math.log(z),
    "fftshift": lambda z: tf.signal.fftshift(tf.signal.fftshift(z, axes=-1), axes=[0, 1]),
    "ifftshift": lambda z: tf.signal.ifftshift(z),
}

for _name, _f in _SHAPES.items():
    graph_case(f"signal_shape_{_name}", {"re": f32(2, 3, 4), "im": f32(2, 3, 4, seed=1)},
               shapes={"re": (None, 3, 4), "im": (None, 3, 4)}, **_EXACT)(
        lambda re, im, f=_f: _ri(f(_z(re, im))))

# Griffin-Lim style: magnitude times e^{i·phase}.
@graph_case("signal_polar_exp", {"x": f32(2, 64)}, **_tol(32))
def _(x):
    f = tf.signal.stft(x, frame_length=32, frame_step=8)
    g = tf.cast(tf.abs(f), tf.complex64) * tf.exp(tf.complex(tf.zeros_like(tf.math.angle(f)), tf.math.angle(f)))
    return tf.signal.inverse_stft(g, frame_length=32, frame_step=8)


@graph_case("signal_shape_size", {"re": f32(2, 3, 4), "im": f32(2, 3, 4, seed=1)}, shapes={"re": (None, 3, 4), "im": (None, 3, 4)})
def _(re, im):
    z = _z(re, im)
    return (tf.shape(z), tf.size(z), tf.shape(z, out_type=tf.int64), tf.size(z, out_type=tf.int64), tf.raw_ops.Rank(input=z),
            tf.raw_ops.Rank(input=tf.reshape(z, tf.shape(re)[1:] * [2, 1]))) + tuple(tf.raw_ops.ShapeN(input=[z, z[0]]))


# --- a speech front end and back --------------------------------------------------


@graph_case("signal_stft_magphase_istft", {"x": f32(2, 400)}, shapes={"x": (None, 400)}, **_tol(64))
def _(x):
    f = tf.signal.stft(x, frame_length=64, frame_step=16, fft_length=64)
    mag, phase = tf.abs(f), tf.math.angle(f)
    g = tf.complex(mag * tf.cos(phase), mag * tf.sin(phase))
    return tf.signal.inverse_stft(g, frame_length=64, frame_step=16, fft_length=64,
                                  window_fn=tf.signal.inverse_stft_window_fn(16)), mag


# --- run-time inner lengths, float64 2-D --------------------------------------------

for _bins, _n in ((5, 8), (9, 6), (3, 11)):
    graph_case(f"signal_irfft_dynamic_bins{_bins}_len{_n}", {"re": f32(2, _bins), "im": f32(2, _bins, seed=1)},
               shapes={"re": (None, None), "im": (None, None)}, **_tol(_n))(
        lambda re, im, n=_n: tf.signal.irfft(_cx(re, im), [n]))


@graph_case("signal_rfft_dynamic_frame", {"x": f32(3, 10)}, shapes={"x": (None, None)}, **_tol(16))
def _(x):
    return tf.abs(tf.signal.rfft(x, [16])), tf.math.angle(tf.signal.rfft(x, [6]))


@graph_case("signal_fft2d_ifft2d_f64", {"re": f64(2, 3, 5), "im": f64(2, 3, 5, seed=1)}, **_tol(15, np.float64))
def _(re, im):
    z = tf.complex(re, im)
    return _ri(tf.signal.fft2d(z)) + _ri(tf.signal.ifft2d(z))


@graph_case("signal_rfft_f64", {"x": f64(2, 9)}, **_tol(9, np.float64))
def _(x):
    return _ri(tf.signal.rfft(x)) + (tf.signal.irfft(tf.signal.rfft2d(x), [10]),)


@graph_case("signal_irfft_edges", {"re": np.array([[0, 0, 0, 0, 0], [1e3, -1e3, 5e2, 0, 7]], np.float32),
                                   "im": np.array([[0, 0, 0, 0, 0], [3e2, 1, -1, 2, 1e3]], np.float32)},
            rtol=1e-4, atol=1e-3, why_tolerance="float32 sums of 8 terms of size 1e3")
def _(re, im):
    return tf.signal.irfft(_cx(re, im), [8])


# --- long transforms: ONNX DFT from opset 17 (powers of two from 1024), MatMuls before ---

def _dft_from_17(model, opset):
    has = any(n.op_type == "DFT" for n in model.graph.node)
    if has != (opset >= 17):
        raise Failure(f"opset {opset}: DFT nodes {'present' if has else 'absent'}")


def _long(n, dt=np.float32):
    return dict(check=_dft_from_17, **_tol(n, dt))


@graph_case("signal_long_fft_ifft", {"re": f32(2, 1024), "im": f32(2, 1024, seed=1)}, shapes={"re": (None, 1024), "im": (None, 1024)},
            **_long(1024))
def _(re, im):
    z = _cx(re, im)
    return _ri(tf.signal.fft(z)) + _ri(tf.signal.ifft(z))


for _frame in (1024, 1500, 800):
    graph_case(f"signal_long_rfft_frame{_frame}", {"x": f32(2, _frame)}, shapes={"x": (None, None)}, **_long(1024))(
        lambda x: _ri(tf.signal.rfft(x, [1024])))

for _bins in (1025, 600, 1100):
    graph_case(f"signal_long_irfft_bins{_bins}", {"re": f32(2, _bins), "im": f32(2, _bins, seed=1)},
               shapes={"re": (None, None), "im": (None, None)}, **_long(2048))(
        lambda re, im: tf.signal.irfft(_cx(re, im), [2048]))


@graph_case("signal_long_rfft2d_irfft2d", {"x": f32(1000, 6)}, **_long(1024 * 6))
def _(x):
    f = tf.signal.rfft2d(x, [1024, 6])
    return _ri(f) + (tf.signal.irfft2d(f, [1024, 6]),)


@graph_case("signal_long_fft2d_f64", {"re": f64(1024, 2), "im": f64(1024, 2, seed=1)}, **_long(2048, np.float64))
def _(re, im):
    z = _cx(re, im)
    return _ri(tf.signal.fft2d(z)) + _ri(tf.signal.ifft2d(z))


@graph_case("signal_long_stft_istft", {"x": f32(1, 8000)}, **_long(1024))
def _(x):
    f = tf.signal.stft(x, frame_length=1024, frame_step=256, fft_length=1024)
    return tf.signal.inverse_stft(f, frame_length=1024, frame_step=256, fft_length=1024,
                                  window_fn=tf.signal.inverse_stft_window_fn(256)), tf.abs(f)


# --- DCTs and MFCCs (tf.signal builds them from RFFT/IRFFT and complex scales) ---

for _t in (1, 2, 3):
    graph_case(f"signal_dct_type{_t}", {"x": f32(3, 12)}, shapes={"x": (None, 12)}, **_tol(24))(
        lambda x, t=_t: tf.signal.dct(x, type=t))
    graph_case(f"signal_idct_type{_t}_ortho", {"x": f32(3, 10)}, **_tol(20))(
        lambda x, t=_t: tf.signal.idct(x, type=t, norm="ortho" if t != 1 else None))


@graph_case("signal_mfccs", {"x": f32(2, 1600)}, shapes={"x": (None, 1600)}, rtol=1e-4, atol=1e-4,
            why_tolerance="log of float32 mel energies summed in another order, then a DCT")
def _(x):
    s = tf.abs(tf.signal.stft(x, frame_length=400, frame_step=160, fft_length=512))
    mel = tf.tensordot(s, tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 4000.0), 1)
    return tf.signal.mfccs_from_log_mel_spectrograms(tf.math.log(mel + 1e-6))[..., :13]


@graph_case("signal_broadcast_args", {"a": np.array([2, 1, 3], np.int32), "b": np.array([4, 1, 1, 3], np.int32)})
def _(a, b):
    return tf.raw_ops.BroadcastArgs(s0=a, s1=b), tf.raw_ops.BroadcastArgs(s0=b[1:2], s1=a), tf.raw_ops.BroadcastArgs(s0=a[:0], s1=a)


@graph_case("signal_linspace_arrays", {"x": f32(3)})
def _(x):
    return tf.linspace(x, x + 2, 5, axis=-1), tf.linspace(tf.reshape(x, [3, 1]), 4.0, 3)


@graph_case("signal_complex_matmul", {"ar": f32(3, 4), "ai": f32(3, 4, seed=1), "br": f32(2, 3, 5, seed=2), "bi": f32(2, 3, 5, seed=3)},
            shapes={"br": (None, 3, 5), "bi": (None, 3, 5)}, **_tol(4))
def _(ar, ai, br, bi):
    a, b = tf.complex(ar, ai), tf.complex(br, bi)
    outs = []
    for z in (tf.matmul(a, a, transpose_b=True), tf.matmul(a, a, transpose_a=True), tf.matmul(a, a, adjoint_b=True),
              tf.matmul(b, b, adjoint_a=True), tf.matmul(a, b, adjoint_a=True), tf.matmul(b, a[:, :3], adjoint_a=True, adjoint_b=True),
              tf.linalg.matmul(b, b, transpose_b=True)):
        outs += _ri(z)
    return tuple(outs)
