"""Writes saved_model.pb of this corpus: the SavedModel of a one-op
tf.Module, which users hand to --graphdef by mistake. Run from the
repository root with the test venv: .venv/bin/python testdata/malformed/make_saved_model.py"""

import os
import shutil
import tempfile

import tensorflow as tf


class Scale(tf.Module):
    def __init__(self):
        self.w = tf.Variable(2.0)

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
    def __call__(self, x):
        return x * self.w


tmp = tempfile.mkdtemp()
try:
    tf.saved_model.save(Scale(), tmp)
    shutil.copy(os.path.join(tmp, "saved_model.pb"), os.path.join(os.path.dirname(__file__), "saved_model.pb"))
finally:
    shutil.rmtree(tmp)
