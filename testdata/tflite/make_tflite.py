"""Writes testdata/tflite/cnn_int8.tflite, the CLI tests' TFLite fixture: a
small Keras CNN (conv, depthwise conv, pool, dense, softmax) as a
full-integer int8 model with int8 input and output, made by TF 2.21's
TFLiteConverter. Run with the project's .venv:
    .venv/bin/python testdata/tflite/make_tflite.py
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

keras.utils.set_random_seed(20261130)
model = keras.Sequential([
    keras.Input((8, 8, 3), batch_size=1),
    keras.layers.Conv2D(4, 3, activation="relu"),
    keras.layers.DepthwiseConv2D(3, padding="same"),
    keras.layers.MaxPooling2D(),
    keras.layers.Flatten(),
    keras.layers.Dense(5),
    keras.layers.Softmax(),
])


def representative():
    rng = np.random.RandomState(1)
    for _ in range(8):
        yield [rng.uniform(-1, 1, (1, 8, 8, 3)).astype(np.float32)]


conv = tf.lite.TFLiteConverter.from_keras_model(model)
conv.optimizations = [tf.lite.Optimize.DEFAULT]
conv.representative_dataset = representative
conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
conv.inference_input_type = tf.int8
conv.inference_output_type = tf.int8
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cnn_int8.tflite")
with open(out, "wb") as f:
    f.write(conv.convert())
print("wrote", out)
