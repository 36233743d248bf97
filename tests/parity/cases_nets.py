"""Whole small networks."""

import numpy as np
import tensorflow as tf

from harness import graph_case, f32


@graph_case("identity_chain", {"x": f32(2, 3)})
def _(x):
    return tf.identity(tf.nn.relu(x) + 1.0, name="out")
