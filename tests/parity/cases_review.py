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


@graph_case("review_tensor_list_set_item_resize", {"x": np.array([1.5, -2.0], np.float32), "i": np.array(3, np.int32)})
def _(x, i):
    """SetItem past the end with resize_if_index_out_of_bounds, skipping
    indices (they stack as zeros), then an in-range set."""
    from tensorflow.python.ops import list_ops

    lst = list_ops.tensor_list_reserve([2], 1, tf.float32)
    lst = list_ops.tensor_list_set_item(lst, i, x, resize_if_index_out_of_bounds=True)
    lst = list_ops.tensor_list_set_item(lst, 1, x * 2.0, resize_if_index_out_of_bounds=True)
    return list_ops.tensor_list_stack(lst, tf.float32, element_shape=[2])


@graph_case("review_as_string_bool", {"b": np.array([[True, False], [False, False]])})
def _(b):
    """AsString of bools: TensorFlow prints "true"/"false" (ONNX Cast to
    string gives "1"/"0")."""
    return tf.strings.as_string(b)


@graph_case("review_sets_empty_side", {"a": np.zeros((2, 0), np.int32), "b": np.array([[1, 2], [3, 3]], np.int32)},
            shapes={"a": (None, None)})
def _(a, b):
    """A set operation with one side an empty set per row (last dim 0):
    the rows' reshape cannot infer a -1 next to the 0."""
    outs = []
    for op in (tf.sets.union, tf.sets.intersection, tf.sets.difference):
        d = op(a, b)
        outs += [d.indices, d.values, d.dense_shape]
    d = tf.sets.difference(b, a)
    return outs + [d.indices, d.values, d.dense_shape]


@graph_case("review_combined_nms_no_boxes_q2", {"b": np.zeros((2, 0, 2, 4), np.float32), "s": np.zeros((2, 0, 2), np.float32)},
            shapes={"b": (2, None, 2, 4), "s": (2, None, 2)})
def _(b, s):
    """No candidate boxes (N = 0 at run time): zeros, valid_detections 0."""
    return tf.image.combined_non_max_suppression(b, s, 3, 4, iou_threshold=0.5, score_threshold=0.1)

@graph_case("review_combined_nms_no_boxes_q1", {"b": np.zeros((2, 0, 1, 4), np.float32), "s": np.zeros((2, 0, 2), np.float32)},
            shapes={"b": (2, None, 1, 4), "s": (2, None, 2)})
def _(b, s):
    return tf.image.combined_non_max_suppression(b, s, 3, 4, iou_threshold=0.5, score_threshold=0.1)
