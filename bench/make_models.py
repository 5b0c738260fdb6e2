#!/usr/bin/python3
"""Writes each benchmark layer as a Keras model (JSON + save_weights .h5) and an input.
The batch size is part of the model (as in the suite's definition), so that the tuner
measures the batch the layer runs with (a dynamic batch is tuned at batch 1)."""
import os
import sys
import zlib

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "scripts"))
import keras_writer  # noqa: E402
from layers import LAYERS  # noqa: E402


def write_layer(name, layer, out_dir):
    """Writes d/model.json, d/weights.h5 (and the kernel and bias as kernel.npy and
    bias.npy, for baselines that build the layer themselves) and d/x.npy; returns d. The
    kernel is k x k, or kh x k where the layer gives kh (a Conv1D-like 1 x k)."""
    # The suite's one-letter names keep their seeds; longer names hash.
    rng = np.random.default_rng(ord(name) if len(name) == 1 else zlib.crc32(name.encode()))
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    k, cg = layer["k"], layer["c"] // layer["groups"]
    kh = layer.get("kh", k)
    config = keras_writer.conv2d_config(
        "conv2d", filters=layer["f"], kernel_size=(kh, k), strides=(layer["s"],) * 2,
        padding=layer["padding"], dilation_rate=(layer["d"],) * 2, groups=layer["groups"])
    with open(os.path.join(d, "model.json"), "w") as f:
        f.write(keras_writer.sequential_json([("Conv2D", config)],
                                             (layer["h"], layer["w"], layer["c"]),
                                             name=f"layer_{name}", batch=layer["n"]))
    kernel = rng.standard_normal((kh, k, cg, layer["f"]), np.float32) / np.sqrt(kh * k * cg)
    bias = rng.standard_normal(layer["f"], np.float32) * 0.1
    keras_writer.save_weights_h5(os.path.join(d, "weights.h5"),
                                 [("conv2d", [("kernel", kernel), ("bias", bias)])])
    np.save(os.path.join(d, "kernel.npy"), kernel)
    np.save(os.path.join(d, "bias.npy"), bias)
    x = rng.standard_normal((layer["n"], layer["h"], layer["w"], layer["c"]), np.float32)
    np.save(os.path.join(d, "x.npy"), x)
    return d


if __name__ == "__main__":
    out = sys.argv[1]
    for name, layer in LAYERS.items():
        write_layer(name, layer, out)
