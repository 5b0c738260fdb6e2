#!/usr/bin/python3
"""Regenerates the Keras 3 inputs of test/Importer (deterministic weights)."""
import json
import os
import sys
import zipfile

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "scripts"))
import keras_writer  # noqa: E402

# Two Conv2D layers named unlike their saving paths (conv2d, conv2d_1).
conv_a = keras_writer.keras3_conv2d_config("conv2d_8", filters=2, kernel_size=[3, 3],
                                           padding="same", activation="hard_sigmoid")
conv_a["activation"] = {"module": "keras.activations", "class_name": "function",
                        "config": "hard_sigmoid", "registered_name": "function"}
conv_b = keras_writer.keras3_conv2d_config("features", filters=3, kernel_size=[1, 1],
                                           use_bias=False)
layers = [("Conv2D", conv_a), ("Conv2D", conv_b)]
config = keras_writer.keras3_sequential_json(layers, (5, 5, 1), name="k3")
tensors = [[("kernel", np.full((3, 3, 1, 2), 0.25, np.float32)),
            ("bias", np.array([1, -1], np.float32))],
           [("kernel", np.arange(6, dtype=np.float32).reshape(1, 1, 2, 3))]]
weights = [("conv2d_8", tensors[0]), ("features", tensors[1])]
weight_layers = [("Conv2D", tensors[0]), ("Conv2D", tensors[1])]
keras_writer.save_keras_archive(os.path.join(here, "two_convs.keras"), config, weight_layers,
                                weights, "3.4.1")

with zipfile.ZipFile(os.path.join(here, "no_config.keras"), "w") as z:
    z.writestr("metadata.json", json.dumps({"keras_version": "3.4.1"}))
# Weights for three Conv2D layers: one more than the model has.
keras_writer.save_weights_keras3(os.path.join(here, "three_convs.weights.h5"),
                                 weight_layers + [("Conv2D", tensors[1])],
                                 weights + [("extra", tensors[1])])
with open(os.path.join(here, "two_convs.json"), "w") as f:
    f.write(config)

# Normalization (issue 20): values given in the config, invert, and adapted weights
# with axis=None (a scalar mean and variance and an int64 count).
def normalization_config(name, axis, invert=False, mean=None, variance=None):
    return {"name": name, "trainable": True, "dtype": "float32", "axis": axis,
            "invert": invert, "mean": mean, "variance": variance}


with open(os.path.join(here, "normalization.json"), "w") as f:
    f.write(keras_writer.sequential_json([
        ("Normalization", normalization_config("given", [-1], False, [0.5, 1.0, -1.0],
                                               [4.0, 0.25, 0.0])),
        ("Normalization", normalization_config("inverted", [-1], True, 3.0, 0.25)),
        ("Normalization", normalization_config("adapted", [])),
    ], (2, 2, 3)))
keras_writer.save_weights_h5(os.path.join(here, "normalization.h5"), [
    ("adapted", [("mean", np.array(2.0, np.float32)), ("variance", np.array(16.0, np.float32)),
                 ("count", np.array(7, np.int64))])])


# LayerNormalization (issue 20): both weights, neither (gamma 1 and beta 0 made at
# import, no weights in the file), and Keras 3's rms_scaling (gamma only).
def layer_norm_config(name, axis, epsilon, center=True, scale=True, **extra):
    config = {"name": name, "trainable": True, "dtype": "float32", "axis": axis,
              "epsilon": epsilon, "center": center, "scale": scale}
    config.update(extra)
    return config


with open(os.path.join(here, "layer_norm.json"), "w") as f:
    f.write(keras_writer.sequential_json([
        ("LayerNormalization", layer_norm_config("full", [3], 1e-6)),
        ("LayerNormalization", layer_norm_config("bare", -1, 1e-3, False, False)),
        ("LayerNormalization", layer_norm_config("rms", 3, 1e-5, True, False, rms_scaling=True)),
    ], (2, 2, 3)))
keras_writer.save_weights_h5(os.path.join(here, "layer_norm.h5"), [
    ("full", [("gamma", np.array([0.5, 1.0, 2.0], np.float32)),
              ("beta", np.array([0.25, 0.0, -1.0], np.float32))]),
    ("rms", [("gamma", np.array([3.0, 4.0, 5.0], np.float32))])])
