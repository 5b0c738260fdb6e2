#!/usr/bin/python3
"""Regenerates the Importer inputs of the issue 20 normalization layers
(LayerNormalization over several axes, RMSNormalization, GroupNormalization)."""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "scripts"))
import keras_writer  # noqa: E402


def write(name, text):
    with open(os.path.join(here, name), "w") as f:
        f.write(text)


def layer_norm_axes():
    """LayerNormalization over axes written [2, 1] of a (2, 3, 4) input: gamma and beta
    are (3, 2) in the file (the written order) and (2, 3) on the op (sorted axes), the
    same values; then the last two axes written [-2, -1], no beta."""
    base = {"trainable": True, "dtype": "float32", "epsilon": 1e-3, "scale": True}
    write("layer_norm_axes.json", keras_writer.sequential_json([
        ("LayerNormalization", dict(base, name="unsorted", axis=[2, 1], center=True)),
        ("LayerNormalization", dict(base, name="last_two", axis=[-2, -1], center=False)),
    ], (2, 3, 4)))
    keras_writer.save_weights_h5(os.path.join(here, "layer_norm_axes.h5"), [
        ("unsorted", [("gamma", np.arange(6, dtype=np.float32).reshape(3, 2)),
                      ("beta", np.full((3, 2), 0.5, np.float32))]),
        ("last_two", [("gamma", np.ones((3, 4), np.float32))])])


layer_norm_axes()


def group_norm():
    """GroupNormalization: 2 groups of 4 channels last with both weights; groups -1 (one
    per channel) over axis 1 of a rank-3 input without weights."""
    base = {"trainable": True, "dtype": "float32"}
    write("group_norm.json", keras_writer.sequential_json([
        ("GroupNormalization", dict(base, name="gn", groups=2, axis=-1, epsilon=1e-5,
                                    center=True, scale=True)),
        ("GroupNormalization", dict(base, name="inorm", groups=-1, axis=1, epsilon=1e-3,
                                    center=False, scale=False)),
    ], (3, 4, 8)))
    keras_writer.save_weights_h5(os.path.join(here, "group_norm.h5"), [
        ("gn", [("gamma", np.arange(8, dtype=np.float32)),
                ("beta", np.full(8, 0.5, np.float32))])])


group_norm()


def rms_norm():
    """RMSNormalization (Keras 3.9): the last axis with its one weight, 'scale'; the
    last two axes with Keras's default epsilon (1e-6)."""
    base = {"trainable": True, "dtype": "float32"}
    write("rms_norm.json", keras_writer.sequential_json([
        ("RMSNormalization", dict(base, name="rms", axis=-1, epsilon=1e-5)),
        ("RMSNormalization", dict(base, name="rms2", axis=[1, 2])),
    ], (3, 4)))
    keras_writer.save_weights_h5(os.path.join(here, "rms_norm.h5"), [
        ("rms", [("scale", np.array([1, 2, 3, 4], np.float32))]),
        ("rms2", [("scale", np.ones((3, 4), np.float32))])])


rms_norm()
