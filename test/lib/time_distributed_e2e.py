#!/usr/bin/python3
"""Keras's TimeDistributed around other layers, in a whole model (graph_e2e's Graph,
writers and runner), Keras 2 JSON + .h5 and Keras 3 .keras: frames (batch, steps, H, W,
C) through TimeDistributed Conv2D (strided, relu), BatchNormalization, Dense on each
frame's last axis, and the weightless MaxPooling2D, GlobalAveragePooling2D and Flatten;
a sequence through TimeDistributed Dense and Reshape. The reference of each is the
inner layer's own float64 reference (graph_e2e's helpers, test/lib/layer_reference.py)
applied to the steps folded into the batch, as Keras computes it.

  time_distributed_e2e.py --kconvc KCONVC --workdir DIR [--keras3]"""
import sys

import numpy as np

import graph_e2e as ge
import layer_reference as lr


def time_distributed(g, x, inner):
    """TimeDistributed(layer) on x: `inner(h, step)` adds the layer to a scratch graph
    `h` whose input `step` holds x's steps folded into the batch; its config, weights
    and reference become the wrapper's."""
    value = g.values[x]
    h = ge.Graph("inner", g.rng)
    step = h.input(value.shape[2:])
    h.values[step] = value.reshape((-1,) + value.shape[2:])
    name = inner(h, step)
    cls, config, _ = h.layers[-1]
    weights = h.weights[-1][2] if h.weights else None
    folded = h.values[name]
    out = folded.reshape(value.shape[:2] + folded.shape[1:])
    if g.keras3:
        layer = {"module": "keras.layers", "class_name": cls, "config": config,
                 "registered_name": None}
    else:
        layer = {"class_name": cls, "config": config}
    return g.add("TimeDistributed", x, lambda v: out, {"layer": layer}, weights)


def pool(h, x):
    return h.add("MaxPooling2D", x, lambda v: lr.pool2d(v, "max", (2, 2), (2, 2), "valid"),
                 {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid",
                  "data_format": "channels_last"})


def flatten(h, x):
    return h.add("Flatten", x, lr.flatten, {"data_format": "channels_last"})


def global_pool(h, x):
    return h.add("GlobalAveragePooling2D", x, lambda v: lr.global_pool2d(v, "avg"),
                 {"data_format": "channels_last", "keepdims": False})


def time_distributed_model(g):
    frames, seq = g.input((4, 6, 5, 3)), g.input((5, 6))
    c = time_distributed(g, frames, lambda h, x: h.conv(x, 4, (3, 3), strides=(2, 2),
                                                        activation="relu"))
    b = time_distributed(g, c, lambda h, x: h.batch_norm(x))
    d = time_distributed(g, seq, lambda h, x: h.dense(x, 4, "tanh"))
    fd = time_distributed(g, b, lambda h, x: h.dense(x, 3))
    # The weightless ones last: Keras 3 numbers the weights' groups over all layers of
    # a class, keras_writer over the weighted ones.
    p = time_distributed(g, c, pool)
    gp = time_distributed(g, frames, global_pool)
    f = time_distributed(g, b, flatten)
    r = time_distributed(g, d, lambda h, x: h.add("Reshape", x, lambda v: v.reshape(-1, 2, 2),
                                                  {"target_shape": [2, 2]}))
    return [c, b, d, fd, p, gp, f, r]


ge.MODELS["time_distributed"] = time_distributed_model

if __name__ == "__main__":
    sys.argv += ["--models", "time_distributed"]
    sys.exit(ge.main())
