"""Issue 8, random generators. Their values cannot match TF's, so each case
outputs what both must agree on: shapes (constant and run-time), ranges
(exact, as booleans) and statistics of large samples (means, spreads,
frequencies), compared with a tolerance far above their sampling error."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32, i32

# onnxruntime 1.32 has no kernels for the opset-22 generators: the converter
# refuses them there (see the Go tests), so the cases stop at 21.
_STAT = dict(rtol=0, atol=0.02, why_tolerance="statistics of 200k random draws: the standard error is under 0.003",
             max_opset=21)


@graph_case("ops_random_uniform_stats", {"x": f32(2)}, **_STAT)
def _(x):
    r = tf.random.uniform([400, 500])
    return (tf.shape(r), tf.reduce_all(r >= 0), tf.reduce_all(r < 1), tf.reduce_mean(r),
            tf.math.reduce_std(r), tf.identity(x))


@graph_case("ops_random_uniform_runtime_shape_f64", {"s": np.array([3, 200, 300], np.int32)}, **_STAT)
def _(s):
    r = tf.random.uniform(s, dtype=tf.float64)
    return tf.shape(r), tf.reduce_mean(r), tf.reduce_all(r < 1)


@graph_case("ops_random_normal_stats", {"s": np.array([200, 1000], np.int64)}, **_STAT)
def _(s):
    r = tf.random.normal(s, mean=0.0, stddev=1.0)
    q = tf.random.normal([200, 1000], mean=10.0, stddev=2.0)
    return tf.shape(r), tf.reduce_mean(r), tf.math.reduce_std(r), tf.reduce_mean(q) / 10, tf.math.reduce_std(q) / 2


@graph_case("ops_random_uniform_int", {"lo": np.array(-3, np.int32), "hi": np.array(5, np.int32)}, **_STAT)
def _(lo, hi):
    r = tf.random.uniform([100000, 2], minval=lo, maxval=hi, dtype=tf.int32)
    freq = [tf.reduce_mean(tf.cast(tf.equal(r, v), tf.float32)) for v in range(-3, 5)]  # each 1/8
    return (tf.shape(r), tf.reduce_min(r), tf.reduce_max(r), tf.stack(freq))


@graph_case("ops_random_uniform_int64_const", {"x": f32(1)}, **_STAT)
def _(x):
    r = tf.random.uniform([50000], minval=0, maxval=1 << 40, dtype=tf.int64)
    return (tf.reduce_all(r >= 0), tf.reduce_all(r < (1 << 40)), tf.reduce_mean(tf.cast(r, tf.float64)) / float(1 << 40),
            tf.identity(x))


@graph_case("ops_multinomial", {"p": np.array([[0.25, 0.75], [0.9, 0.1]], np.float32)}, **_STAT)
def _(p):
    s = tf.random.categorical(tf.math.log(p), 100000, dtype=tf.int32)
    return tf.shape(s), tf.reduce_mean(tf.cast(s, tf.float32), axis=1), tf.reduce_all((s >= 0) & (s < 2))


@graph_case("ops_multinomial_int64", {"l": f32(3, 5)}, max_opset=21)
def _(l):
    s = tf.random.categorical(l, 7)
    return tf.shape(s), tf.reduce_all((s >= 0) & (s < 5))


@graph_case("ops_random_shuffle", {"x": i32(9, 2, lo=0, hi=1000)}, shapes={"x": (None, 2)}, max_opset=21)
def _(x):
    s = tf.random.shuffle(x)
    # Rows move whole: sorting by the row key gives back the sorted input.
    key = s[:, 0] * 1000 + s[:, 1]
    ref = x[:, 0] * 1000 + x[:, 1]
    return tf.shape(s), tf.sort(key), tf.sort(ref), tf.reduce_sum(s, axis=0)
