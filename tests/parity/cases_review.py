"""Cases from the review of the day's changes: inputs the first cases did
not use."""
import numpy as np
import tensorflow as tf

from harness import graph_case


@graph_case("review_dynamic_tensor_array_grows", {"n": np.array(4, np.int32), "x": np.array([1.5, -2.0], np.float32)})
def _(n, x):
    """TensorArray(dynamic_size=True) written past its size (SetItem with
    resize_if_index_out_of_bounds), and read back inside the loop, so that
    the loop cannot become scan outputs."""
    ta = tf.TensorArray(tf.float32, size=1, dynamic_size=True, clear_after_read=False)
    ta = ta.write(0, x)

    def body(i, ta):
        return i + 1, ta.write(i, ta.read(i - 1) * 2.0 + 1.0)

    _, ta = tf.while_loop(lambda i, ta: i < n, body, (tf.constant(1), ta))
    return ta.stack()
