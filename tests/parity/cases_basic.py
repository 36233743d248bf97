"""Graph plumbing: placeholders with defaults, identities, stop-gradient."""

import numpy as np
import tensorflow as tf

from harness import Built, Case, _register, f32, graph_case


@graph_case("basic_stop_gradient", {"x": f32(2, 3)})
def _(x):
    return tf.stop_gradient(x * 3.0) + x


@graph_case("basic_identity_n", {"x": f32(2, 3), "y": f32(3, seed=1)})
def _(x, y):
    a, b = tf.identity_n([tf.nn.relu(x), y * 2.0])
    return a + b, b


def _placeholder_with_default(listed):
    """x + d, where d is a PlaceholderWithDefault: unlisted it becomes its
    default (a constant); listed in --inputs it is a graph input."""

    def build():
        g = tf.Graph()
        with g.as_default():
            x = tf.compat.v1.placeholder(tf.float32, (2, 3), name="x")
            d = tf.compat.v1.placeholder_with_default(tf.constant(f32(2, 3, seed=5)), (2, 3), name="d")
            out = tf.identity(x * d + 1.0, name="out")
        feeds = {"x:0": f32(2, 3)}
        if listed:
            feeds["d:0"] = f32(2, 3, seed=9)
        return Built(g.as_graph_def(), feeds, [out.name])

    return build


_register(Case(name="basic_placeholder_with_default_unlisted", build=_placeholder_with_default(False)))
_register(Case(name="basic_placeholder_with_default_listed", build=_placeholder_with_default(True)))
