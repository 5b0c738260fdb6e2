#!/usr/bin/python3
"""Writes the classic first Keras model, Conv2D(1, (2, 2), padding='valid',
input_shape=(3, 3, 1)), as Keras 2 files: model.json (to_json) and model_weights.h5
(save_weights), with fixed weights so the output can be checked by hand."""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "scripts"))
import keras_writer  # noqa: E402

conv = keras_writer.conv2d_config("conv2d", filters=1, kernel_size=(2, 2), padding="valid")
with open(os.path.join(here, "model.json"), "w") as f:
    f.write(keras_writer.sequential_json([("Conv2D", conv)], input_shape=(3, 3, 1),
                                         with_input_layer=False) + "\n")
kernel = np.array([[1, 2], [3, 4]], dtype=np.float32).reshape(2, 2, 1, 1)  # (KH, KW, Cin, F)
bias = np.array([0.5], dtype=np.float32)
keras_writer.save_weights_h5(os.path.join(here, "model_weights.h5"),
                             [("conv2d", [("kernel", kernel), ("bias", bias)])])
