#!/usr/bin/python3
"""Keras's GroupNormalization in whole models (graph_e2e's Graph, writers and runner):
groups of the last axis (2, 4, -1 = one per channel, 1 = the whole sample), center and
scale on and off, a channel axis other than the last (axis 1 of a rank-3 tensor, written
1 and -2), a rank-2 Dense output, and a diffusion-UNet-style block (Conv2D ->
GroupNormalization -> silu -> Conv2D, plus the input); referenced in float64 with
Keras's formula: the channels of the axis split into consecutive groups, per sample and
group the mean and variance (mean of squared deviations) over the group's channels and
every other non-batch axis, then (x - mean) / sqrt(variance + epsilon) * gamma + beta,
gamma and beta per channel."""
import sys

import numpy as np

import graph_e2e as ge


def group_norm(g, x, groups=2, axis=-1, epsilon=1e-3, center=True, scale=True):
    shape = g.values[x].shape
    rank = len(shape)
    a = axis % rank
    c = shape[a]
    gamma, beta = g.uniform((c,), 0.5, 1.5), g.uniform((c,), -0.5, 0.5)
    weights = ([("gamma", gamma)] if scale else []) + ([("beta", beta)] if center else [])
    config = {"groups": groups, "axis": axis, "epsilon": epsilon, "center": center,
              "scale": scale, "beta_initializer": {"class_name": "Zeros", "config": {}},
              "gamma_initializer": {"class_name": "Ones", "config": {}}}
    n_groups = c if groups == -1 else groups

    def reference(v):
        # (N, ..., G, C/G, ...): the statistics over every axis but the batch and G.
        grouped = v.reshape(shape[:a] + (n_groups, c // n_groups) + shape[a + 1:])
        axes = tuple(d for d in range(1, rank + 1) if d != a)
        mean = grouped.mean(axis=axes, keepdims=True)
        variance = ((grouped - mean) ** 2).mean(axis=axes, keepdims=True)
        normalized = ((grouped - mean) / np.sqrt(variance + epsilon)).reshape(v.shape)
        along = [1] * rank
        along[a] = c
        g64 = gamma.astype(np.float64).reshape(along) if scale else 1.0
        b64 = beta.astype(np.float64).reshape(along) if center else 0.0
        return normalized * g64 + b64

    return g.add("GroupNormalization", x, reference, config, weights or None)


def group_norm_variants(g):
    x = g.input((5, 6, 8))
    outputs = [group_norm(g, x),                                     # 2 groups of 4
               group_norm(g, x, groups=4, epsilon=1e-5, center=False),
               group_norm(g, x, groups=-1, scale=False),             # instance norm
               group_norm(g, x, groups=1, epsilon=1e-6)]             # the whole sample
    s = g.input((6, 7))
    outputs.append(group_norm(g, s, groups=3, axis=1))               # channels first
    d = g.dense(g.add("Flatten", s, lambda v: v.reshape(v.shape[0], -1)), 12)
    outputs.append(group_norm(g, d, groups=3))                       # rank 2
    # Last: keras_writer numbers Keras 3 weight paths over weighted layers only, Keras
    # over every layer; this one has no weights.
    outputs.append(group_norm(g, s, groups=2, axis=-2, center=False, scale=False))
    return outputs


def unet_block(g):
    """A diffusion UNet's residual block: GroupNormalization -> silu -> 3x3 Conv2D,
    twice, plus the input."""
    x = g.input((8, 8, 16))
    y = group_norm(g, x, groups=4, epsilon=1e-5)
    y = g.activation(y, "silu")
    y = g.conv(y, 16, (3, 3))
    y = group_norm(g, y, groups=8, epsilon=1e-5)
    y = g.activation(y, "silu")
    y = g.conv(y, 16, (3, 3))
    return [g.add("Add", [x, y], lambda a, b: a + b)]


def group_norm_channels_first(g):
    """Between channels_first convolutions, over their channels (axis 1): kconv's layout
    pass computes it channels_last with them."""
    x = g.input((8, 6, 5))
    y = g.conv(x, 8, (3, 3), fmt="channels_first")
    y = group_norm(g, y, groups=4, axis=1, epsilon=1e-5)
    return [g.conv(y, 4, (1, 1), fmt="channels_first")]


MODELS = {"group_norm_variants": group_norm_variants, "unet_block": unet_block,
          "group_norm_channels_first": group_norm_channels_first}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
