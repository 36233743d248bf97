"""Boundary options on graphs whose outputs are also read inside loop and
cond bodies, and renames onto names the graph already uses."""

import tensorflow as tf

from harness import f32, graph_case


def _reads_output_in_bodies(x):
    """y is a graph output that a while-loop body and both cond branches
    also read (from the enclosing scope)."""
    y = tf.nn.relu(x * 2.0 - 0.5)  # rank 4, NHWC
    _, acc = tf.compat.v1.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a + y),
                                     [tf.constant(0), tf.zeros_like(y)])
    c = tf.cond(tf.reduce_sum(x) > 0, lambda: y * 3.0, lambda: y - 1.0)
    return y, acc, c


for _v2 in (False, True):
    _sfx = "v2" if _v2 else "v1"
    graph_case(f"robust_rename_output_read_in_loop_{_sfx}", {"x": f32(1, 4, 5, 3)}, control_flow_v2=_v2,
               rename_outputs=("y_out", "acc_out", "cond_out"))(_reads_output_in_bodies)
    graph_case(f"robust_outputs_as_nchw_read_in_loop_{_sfx}", {"x": f32(1, 4, 5, 3)}, control_flow_v2=_v2,
               outputs_as_nchw=("Relu:0",))(_reads_output_in_bodies)


@graph_case("robust_rename_input_to_used_name", {"x": f32(2, 3)}, rename_inputs=("mul:0",))
def _(x):
    # "mul:0" is the name of an inner value; the input takes it and the
    # inner value moves aside.
    return tf.nn.relu(tf.multiply(x, 2.0, name="mul")) + 1.0


@graph_case("robust_rename_output_to_used_name", {"x": f32(2, 3)}, rename_outputs=("mul:0",))
def _(x):
    return tf.nn.relu(tf.multiply(x, 2.0, name="mul")) + 1.0
