#!/usr/bin/python3
"""Keras's LayerNormalization in whole models (graph_e2e's Graph, writers and runner):
axis -1, [-1] and the positive last index, on rank-4 channels_last and rank-2 tensors,
several axes in any order, center/scale on and off, a ConvNeXt block, and (Keras 3)
rms_scaling; referenced in float64 with Keras's formula: per position, the mean and the
variance (mean of squared deviations) over the axes, then
(x - mean) / sqrt(variance + epsilon) * gamma + beta (rms_scaling:
x / sqrt(variance + epsilon) * gamma), gamma and beta reshaped onto the sorted axes."""
import sys

import numpy as np

import graph_e2e as ge
import layer_reference as lr

KERAS3 = "--keras3" in sys.argv


def layer_norm(g, x, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False):
    shape = g.values[x].shape
    rank = len(shape)
    written = [axis] if isinstance(axis, int) else list(axis)
    written = [a % rank for a in written]
    # gamma and beta span the axes in the order written; Keras reshapes them, values
    # in order, onto the sorted axes.
    file_shape = tuple(shape[a] for a in written)
    gamma, beta = g.uniform(file_shape, 0.5, 1.5), g.uniform(file_shape, -0.5, 0.5)
    has_gamma, has_beta = scale or rms_scaling, center and not rms_scaling
    weights = ([("gamma", gamma)] if has_gamma else []) + ([("beta", beta)] if has_beta else [])
    config = {"axis": axis, "epsilon": epsilon, "center": center, "scale": scale,
              "beta_initializer": {"class_name": "Zeros", "config": {}},
              "gamma_initializer": {"class_name": "Ones", "config": {}}}
    if rms_scaling:
        config["rms_scaling"] = True
    axes = tuple(sorted(written))
    broadcast = [1] * rank
    for a in axes:
        broadcast[a] = shape[a]

    def reference(v):
        mean = v.mean(axis=axes, keepdims=True)
        variance = ((v - mean) ** 2).mean(axis=axes, keepdims=True)
        inv = 1.0 / np.sqrt(variance + epsilon)
        g64 = gamma.astype(np.float64).reshape(broadcast) if has_gamma else 1.0
        b64 = beta.astype(np.float64).reshape(broadcast) if has_beta else 0.0
        if rms_scaling:
            return v * inv * g64
        return (v - mean) * inv * g64 + b64

    return g.add("LayerNormalization", x, reference, config, weights or None)


def layer_norm_variants(g):
    x = g.input((5, 6, 8))
    a = layer_norm(g, x)                                          # axis -1, default epsilon
    b = layer_norm(g, x, axis=[-1], epsilon=1e-6, center=False)   # a list; no beta
    c = layer_norm(g, x, axis=3, scale=False)                     # positive index; no gamma
    f = g.add("Flatten", x, lr.flatten)
    f = g.dense(f, 12)
    e = layer_norm(g, f, epsilon=1e-5)                            # rank 2 (a Dense output)
    outputs = [a, b, c, e]
    if KERAS3:  # gamma only, x / sqrt(variance + epsilon) * gamma
        outputs.append(layer_norm(g, x, epsilon=1e-5, rms_scaling=True))
    # Last: keras_writer numbers Keras 3 weight paths over weighted layers only, Keras
    # over every layer; this one has no weights.
    outputs.append(layer_norm(g, x, axis=[3], center=False, scale=False))
    return outputs


def convnext_block(g):
    """ConvNeXt's block: DepthwiseConv2D 7x7 -> LayerNormalization(1e-6) -> pointwise
    expansion (a 1x1 Conv2D for Dense), gelu -> 1x1 projection, plus the input."""
    x = g.input((9, 9, 16))
    y = g.depthwise(x, (7, 7), use_bias=True)
    y = layer_norm(g, y, epsilon=1e-6)
    y = g.conv(y, 64, (1, 1), activation="gelu")
    y = g.conv(y, 16, (1, 1))
    return [g.add("Add", [x, y], lambda a, b: a + b)]


def layer_norm_channels_first(g):
    """After a channels_first Conv2D the last axis is the width: kconv's layout pass
    must not move the normalization onto the channels."""
    x = g.input((4, 6, 5))
    y = g.conv(x, 3, (3, 3), fmt="channels_first")
    return [layer_norm(g, y, epsilon=1e-4)]


def layer_norm_sequence(g):
    """A rank-3 (batch, steps, features) tensor, as a transformer normalizes it."""
    x = g.input((7, 10))
    return [layer_norm(g, x, axis=[2], epsilon=1e-5)]


def layer_norm_axes(g):
    """Several axes and axes other than the last: spatial ones, all non-batch axes, a
    pair written out of order (gamma (W, H) in the file), non-adjacent axes, negative
    ones, one spatial axis; a rank-3 sequence normalized over its steps; last axes of
    16 (two, three) and a rank-2 Dense output of 24."""
    x = g.input((4, 5, 6))
    outputs = [layer_norm(g, x, axis=[1, 2]),                          # spatial
               layer_norm(g, x, axis=[1, 2, 3], epsilon=1e-5),         # the whole sample
               layer_norm(g, x, axis=[2, 1], center=False),            # unsorted
               layer_norm(g, x, axis=[1, 3], scale=False),             # non-adjacent
               layer_norm(g, x, axis=[-2, -1], epsilon=1e-6),          # negative
               layer_norm(g, x, axis=2)]                               # one spatial axis
    s = g.input((7, 10))
    outputs.append(layer_norm(g, s, axis=1, epsilon=1e-5))            # over the steps
    if KERAS3:
        outputs.append(layer_norm(g, x, axis=[3, 1], rms_scaling=True))
    # The last axis a multiple of 8: moments from lane sums, per position; rank 2.
    w = g.input((3, 4, 16))
    outputs += [layer_norm(g, w, axis=[-2, -1]), layer_norm(g, w, axis=[1, 2, 3]),
                layer_norm(g, g.dense(g.add("Flatten", w, lr.flatten), 24))]
    return outputs


def layer_norm_blocks(g):
    """The moments of 4 positions at a time over a last axis of 16 to 256: 9 tokens (two
    blocks and one shifted inwards), 3 (fewer than a block, one at a time), a rank-4
    row of 7 columns, 131 tokens in two bands of blocks (the second shorter), 6 rows
    normalized over their 5 x 16 (two axes), 37 rows of 15 columns in bands of rows, a
    single row of 300 columns in bands of its blocks, and rank 5."""
    outputs = [layer_norm(g, g.input((9, 16))),
               layer_norm(g, g.input((3, 32)), epsilon=1e-5),
               layer_norm(g, g.input((5, 7, 24)), center=False),
               layer_norm(g, g.input((131, 256)), epsilon=1e-6),
               layer_norm(g, g.input((6, 5, 16)), axis=[-2, -1]),
               layer_norm(g, g.input((37, 15, 64))),
               layer_norm(g, g.input((1, 300, 128))),
               layer_norm(g, g.input((3, 2, 5, 8)), epsilon=1e-4)]
    return outputs


MODELS = {"layer_norm_variants": layer_norm_variants, "convnext_block": convnext_block,
          "layer_norm_axes": layer_norm_axes, "layer_norm_blocks": layer_norm_blocks,
          "layer_norm_channels_first": layer_norm_channels_first,
          "layer_norm_sequence": layer_norm_sequence}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
