#!/usr/bin/python3
"""Regenerates the bad-input files of test/Driver (run from anywhere; deterministic)."""
import json
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "scripts"))
import keras_writer  # noqa: E402


def conv_model(path, **conv_args):
    config = keras_writer.conv2d_config("conv2d", **conv_args)
    with open(os.path.join(here, path), "w") as f:
        f.write(keras_writer.sequential_json([("Conv2D", config)], input_shape=(3, 3, 1),
                                             with_input_layer=False))


def main():
    kernel = np.ones((2, 2, 1, 1), np.float32)
    bias = np.zeros((1,), np.float32)
    keras_writer.save_weights_h5(os.path.join(here, "weights_wrong_kernel.h5"),
                                 [("conv2d", [("kernel", np.ones((2, 2, 2, 1), np.float32)),
                                              ("bias", bias)])])
    keras_writer.save_weights_h5(os.path.join(here, "weights_no_bias.h5"),
                                 [("conv2d", [("kernel", kernel)])])
    keras_writer.save_weights_h5(os.path.join(here, "weights_other_layer.h5"),
                                 [("conv2d", [("kernel", kernel), ("bias", bias)]),
                                  ("dense_9", [("kernel", np.ones((2, 2), np.float32))])])
    conv_model("groups_not_dividing.json", filters=2, kernel_size=(1, 1), groups=2)
    conv_model("dilation_and_strides.json", filters=1, kernel_size=(2, 2), strides=(2, 2),
               dilation_rate=(2, 2))
    conv_model("kernel_too_big.json", filters=1, kernel_size=(4, 4), padding="valid")
    model = json.loads(open(os.path.join(here, "groups_not_dividing.json")).read())
    model["config"]["layers"][0]["class_name"] = "StringLookup"
    model["config"]["layers"][0]["config"]["name"] = "string_lookup_1"
    with open(os.path.join(here, "unknown_layer.json"), "w") as f:
        json.dump(model, f)
    with open(os.path.join(here, "malformed.json"), "w") as f:
        f.write('{"class_name": "Sequential", "config": {"layers": [')
    np.save(os.path.join(here, "x_wrong_shape.npy"), np.zeros((1, 4, 4, 1), np.float32))
    np.save(os.path.join(here, "x_float64.npy"), np.zeros((1, 3, 3, 1), np.float64))
    np.save(os.path.join(here, "x_batch3.npy"),
            np.arange(27, dtype=np.float32).reshape(3, 3, 3, 1))


def regularized():
    config = keras_writer.conv2d_config(
        "conv2d", filters=2, kernel_size=(3, 3), padding="same",
        kernel_regularizer={"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.1}},
        bias_regularizer="l2",
        activity_regularizer={"class_name": "L1", "config": {"l1": 0.001}},
        kernel_constraint={"class_name": "MaxNorm", "config": {"max_value": 1, "axis": [0, 1, 2]}},
        bias_constraint={"class_name": "NonNeg", "config": {}})
    with open(os.path.join(here, "regularized.json"), "w") as f:
        f.write(keras_writer.sequential_json([("Conv2D", config)], input_shape=(4, 4, 1)))
    keras_writer.save_weights_h5(os.path.join(here, "regularized.h5"), [
        ("conv2d", [("kernel", np.full((3, 3, 1, 2), 0.5, np.float32)),
                    ("bias", np.array([1, 2], np.float32))])])
    for name, change in [
            ("custom_regularizer.json", {"kernel_regularizer": {
                "module": "my_package", "class_name": "SmoothL1", "config": {"beta": 2},
                "registered_name": "Custom>SmoothL1"}}),
            ("unknown_regularizer.json", {"kernel_regularizer": "l3"}),
            ("bad_constraint.json", {"kernel_constraint": {"class_name": "MaxNorm",
                                                           "config": {"max_value": -1}}})]:
        bad = dict(config, **change)
        with open(os.path.join(here, name), "w") as f:
            f.write(keras_writer.sequential_json([("Conv2D", bad)], input_shape=(4, 4, 1)))


main()
regularized()
