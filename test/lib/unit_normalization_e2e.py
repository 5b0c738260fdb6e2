#!/usr/bin/python3
"""Keras's UnitNormalization in whole models (graph_e2e's Graph, writers and runner): one
axis (negative, positive) and a list of axes, on rank-2, rank-3 and rank-4 tensors, after
a channels_first Conv2D, and on vectors whose squared norm is below the clamp; referenced
in float64 with the formula of the Keras version that wrote the file:
x / sqrt(max(sum(x^2 over the axes), clamp)), clamp 1e-12 in Keras 2 and up to Keras 3.5
(rsqrt(max(square_sum, 1e-12))), epsilon^2 = 1e-24 from Keras 3.6 (ops.normalize).
--keras36 (with --keras3) writes archives as Keras 3.6.0."""
import sys

import numpy as np

import graph_e2e as ge

KERAS36 = "--keras36" in sys.argv
if KERAS36:
    sys.argv.remove("--keras36")
    ge.KERAS3_VERSION = "3.6.0"
CLAMP = 1e-24 if KERAS36 else 1e-12


def unit_norm(g, x, axis=-1):
    rank = len(g.values[x].shape)  # with the batch
    axes = axis if isinstance(axis, list) else [axis]
    axes = tuple(sorted(a % rank for a in axes))

    def reference(v):
        square_sum = (v * v).sum(axis=axes, keepdims=True)
        return v / np.sqrt(np.maximum(square_sum, CLAMP))

    return g.add("UnitNormalization", x, reference, {"axis": axis})


def unit_norm_variants(g):
    x = g.conv(g.input((5, 6, 4)), 8, (1, 1))
    a = unit_norm(g, x)                 # the last axis, written -1
    b = unit_norm(g, x, axis=3)         # the last axis by its index
    c = unit_norm(g, x, axis=[1, 2])    # over height and width, per channel
    d = unit_norm(g, x, axis=[-3, -2, -1])  # the whole sample
    e = unit_norm(g, x, axis=1)         # a middle axis alone
    return [a, b, c, d, e]


def unit_norm_ranks(g):
    x = g.input((7, 10))
    s = unit_norm(g, x)                 # rank 3: each step's features
    t = unit_norm(g, x, axis=1)         # rank 3: over the steps
    f = g.add("Flatten", x, lambda v: v.reshape(v.shape[0], -1))
    f = g.dense(f, 12)
    u = unit_norm(g, f)                 # rank 2 (a Dense output)
    return [s, t, u]


def unit_norm_channels_first(g):
    """After a channels_first Conv2D axis 1 is the channels: kconv's layout pass moves the
    normalization with the convolution and must move its axis too."""
    x = g.input((4, 6, 5))
    y = g.conv(x, 3, (3, 3), fmt="channels_first")
    return [unit_norm(g, y, axis=1), unit_norm(g, y)]


def unit_norm_tiny(g):
    """Vectors with a squared norm below 1e-12: Keras 2 (up to 3.5) scales them by 1e6,
    Keras 3.6 still normalizes them. The Rescaling makes the input tiny."""
    x = g.dense(g.input((3, 5)), 8)
    small = g.add("Rescaling", x, lambda v: v * 1e-8, {"scale": 1e-8, "offset": 0.0})
    return [unit_norm(g, small)]


MODELS = {"unit_norm_variants": unit_norm_variants, "unit_norm_ranks": unit_norm_ranks,
          "unit_norm_channels_first": unit_norm_channels_first,
          "unit_norm_tiny": unit_norm_tiny}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
