#!/usr/bin/python3
"""Regenerates the bad normalization layers of test/Driver/bad-models.test (issue 20):
arguments Keras rejects, one model each."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "scripts"))
import keras_writer  # noqa: E402


def model(name, class_name, input_shape=(3, 3, 4), **config):
    full = {"name": "norm", "trainable": True, "dtype": "float32"}
    full.update(config)
    with open(os.path.join(here, name + ".json"), "w") as f:
        f.write(keras_writer.sequential_json([(class_name, full)], input_shape))


def layer_norm(name, **config):
    model(name, "LayerNormalization", epsilon=1e-3, center=True, scale=True, **config)


# Keras: "Duplicate axis" (tf-keras validate_axis; Keras 3 build).
layer_norm("ln_duplicate_axes", axis=[1, -3])
# Keras: gamma over the batch axis has no known shape.
layer_norm("ln_batch_axis", axis=[0, -1])


def group_norm(name, **config):
    full = dict(groups=2, axis=-1, epsilon=1e-3, center=True, scale=True)
    full.update(config)
    model(name, "GroupNormalization", **full)


# Keras: "Number of groups (3) must be a multiple of the number of channels (4)".
group_norm("gn_groups_not_dividing", groups=3)
# Keras: "Number of groups (8) cannot be more than the number of channels (4)".
group_norm("gn_too_many_groups", groups=8)
# Keras 3: "expected a positive integer (or -1 for instance normalization)".
group_norm("gn_zero_groups", groups=0)
# Keras: the batch axis has no defined dimension.
group_norm("gn_batch_axis", axis=0)


# Keras multiplies RMSNormalization's scale along the last axes whatever the normalized
# axes (a (3,) scale against a (3, 3, 4) input's last axis of 4: Keras fails).
model("rms_leading_axis", "RMSNormalization", axis=1, epsilon=1e-6)


# Keras 3.0 to 3.3 multiplied rms_scaling's gamma without reshaping it onto the axes,
# along the last axes: a (3,) gamma for axis 1 of a (3, 3, 4) input fails there.
with open(os.path.join(here, "ln_rms_old_keras.json"), "w") as f:
    f.write(keras_writer.sequential_json(
        [("LayerNormalization", {"name": "norm", "trainable": True, "dtype": "float32",
                                 "axis": [1], "epsilon": 1e-3, "center": True,
                                 "scale": True, "rms_scaling": True})],
        (3, 3, 4), keras_version="3.3.3"))
