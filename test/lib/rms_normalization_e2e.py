#!/usr/bin/python3
"""Keras 3's RMSNormalization (Keras 3.9 and later; tf-keras has none) in whole models
(graph_e2e's Graph, writers and runner): the last axis of rank-3 and rank-2 tensors, the
last two axes of a rank-4 tensor, default and given epsilon, and a pre-norm transformer
feed-forward block (RMSNormalization -> Dense silu -> Dense, plus the input); referenced
in float64 with Keras's formula x * rsqrt(mean(x^2 over the axes) + epsilon) * scale
(no centring: not LayerNormalization's rms_scaling, which subtracts the mean first)."""
import sys

import numpy as np

import graph_e2e as ge

ge.KERAS3_VERSION = "3.9.0"


def rms_norm(g, x, axis=-1, epsilon=None):
    shape = g.values[x].shape
    rank = len(shape)
    axes = tuple(sorted(a % rank for a in ([axis] if isinstance(axis, int) else axis)))
    scale = g.uniform(tuple(shape[a] for a in axes), 0.5, 1.5)
    config = {"axis": axis}
    if epsilon is not None:
        config["epsilon"] = epsilon
    eps = 1e-6 if epsilon is None else epsilon

    def reference(v):
        mean_square = (v * v).mean(axis=axes, keepdims=True)
        return v / np.sqrt(mean_square + eps) * scale.astype(np.float64)

    return g.add("RMSNormalization", x, reference, config, [("scale", scale)])


def rms_norm_variants(g):
    x = g.input((7, 10))
    outputs = [rms_norm(g, x), rms_norm(g, x, axis=[2], epsilon=1e-3)]
    y = g.input((3, 4, 6))
    outputs.append(rms_norm(g, y, axis=[-2, -1], epsilon=1e-5))
    d = g.dense(g.add("Flatten", x, lambda v: v.reshape(v.shape[0], -1)), 16)
    outputs.append(rms_norm(g, d, axis=1))
    return outputs


def rms_feed_forward(g):
    """A pre-norm transformer's feed-forward block on (steps, features)."""
    x = g.input((6, 16))
    y = rms_norm(g, x)
    y = g.dense(y, 32, "silu")
    y = g.dense(y, 16)
    return [g.add("Add", [x, y], lambda a, b: a + b)]


MODELS = {"rms_norm_variants": rms_norm_variants, "rms_feed_forward": rms_feed_forward}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
