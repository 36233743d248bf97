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


def _conv_net(x):
    w = tf.constant(f32(3, 3, 3, 4, seed=2))
    y = tf.nn.relu(tf.nn.conv2d(x, w, strides=1, padding="SAME") + tf.constant(f32(4, seed=3)))
    return tf.nn.max_pool2d(y, 2, 2, "VALID"), tf.reduce_mean(y, axis=[1, 2])


def _nchw_check(model, opset):
    from harness import op_counts

    n = op_counts(model).get("Transpose", 0)
    if n != 0:
        raise AssertionError(f"{n} Transpose nodes left; an NCHW boundary around NHWC convs should cancel them all")


# --inputs-as-nchw / --outputs-as-nchw: the model takes and gives NCHW; the
# converter's own NHWC transposes cancel against the boundary ones.
graph_case("cli_inputs_outputs_as_nchw", {"x": f32(2, 8, 8, 3)}, inputs_as_nchw=("x:0",),
           outputs_as_nchw=("MaxPool2d:0",), check=_nchw_check)(_conv_net)

# --rename-inputs / --rename-outputs give the model's boundary new names.
graph_case("cli_rename", {"x": f32(1, 6, 6, 3)}, rename_inputs=("image",),
           rename_outputs=("pooled", "mean"))(_conv_net)

# --large-model (ONNX external data): the weights live in <model>.data; the
# checker and onnxruntime read them from beside the model.
@graph_case("cli_large_model_external_data", {"x": f32(1, 8, 8, 3)}, extra_flags=("--large-model",))
def _(x):
    w = tf.constant(f32(3, 3, 3, 64, seed=4))  # 6.9 kB: over the 1 KiB threshold
    return tf.nn.relu(tf.nn.conv2d(x, w, strides=1, padding="SAME") + tf.constant(f32(64, seed=6)))
