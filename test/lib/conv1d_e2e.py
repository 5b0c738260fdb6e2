#!/usr/bin/python3
"""Keras Conv1D in whole models (graph_e2e's Graph, writers and runner): padding valid,
same and causal, strides, dilation, groups, both data formats, with and without bias,
activations; referenced by a direct float64 loop over output positions and taps."""
import sys

import numpy as np

import conv_reference as cr
import graph_e2e as ge


def conv1d_reference(x, kernel, bias, stride, padding, fmt, dilation, groups, activation):
    """x: (N, L, C) or (N, C, L); kernel: (K, C / groups, F). Keras's semantics: 'same' is
    TensorFlow's (the odd extra zero after), 'causal' pads (K - 1) * dilation before."""
    x = np.asarray(x, np.float64)
    if fmt == "channels_first":
        x = x.transpose(0, 2, 1)
    n, length, c = x.shape
    k, cg, f = kernel.shape
    span = (k - 1) * dilation + 1
    if padding == "causal":
        before, after = span - 1, 0
    elif padding == "same":
        out = -(-length // stride)
        total = max((out - 1) * stride + span - length, 0)
        before, after = total // 2, total - total // 2
    else:
        before = after = 0
    xp = np.concatenate([np.zeros((n, before, c)), x, np.zeros((n, after, c))], axis=1)
    out_len = (length + before + after - span) // stride + 1
    fg = f // groups
    y = np.zeros((n, out_len, f))
    kd = np.asarray(kernel, np.float64)
    for o in range(out_len):
        for t in range(k):
            pos = o * stride + t * dilation
            for g in range(groups):
                y[:, o, g * fg:(g + 1) * fg] += (
                    xp[:, pos, g * cg:(g + 1) * cg] @ kd[t, :, g * fg:(g + 1) * fg])
    if bias is not None:
        y += np.asarray(bias, np.float64)
    y = cr.activation(activation, y, axis=-1)
    return y.transpose(0, 2, 1) if fmt == "channels_first" else y


def conv1d(g, x, filters, kernel, stride=1, padding="valid", fmt="channels_last",
           dilation=1, groups=1, activation="linear", use_bias=True, as_list=False):
    """A Conv1D layer; `as_list` writes kernel_size etc. as one-element lists (Keras)."""
    cin = g.values[x].shape[1 if fmt == "channels_first" else 2]
    k = g.uniform((kernel, cin // groups, filters), -0.5, 0.5)
    b = g.uniform((filters,), -0.5, 0.5) if use_bias else None
    wrap = (lambda v: [v]) if as_list else (lambda v: v)
    config = {"filters": filters, "kernel_size": wrap(kernel), "strides": wrap(stride),
              "padding": padding, "data_format": fmt, "dilation_rate": wrap(dilation),
              "groups": groups, "activation": activation, "use_bias": use_bias,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}},
              "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None,
              "bias_constraint": None}
    weights = [("kernel", k)] + ([("bias", b)] if use_bias else [])
    return g.add("Conv1D", x, lambda v: conv1d_reference(v, k, b, stride, padding, fmt,
                                                         dilation, groups, activation),
                 config, weights)


def conv1d_variants(g):
    x = g.input((17, 6))                                             # (steps, channels)
    a = conv1d(g, x, 8, 3, as_list=True)                             # valid
    a = conv1d(g, a, 8, 4, padding="same", stride=2, activation="relu")  # same, even k
    b = conv1d(g, x, 5, 3, padding="causal", dilation=2)             # causal, dilated
    b = conv1d(g, b, 4, 2, padding="causal", use_bias=False, activation="tanh")
    c = conv1d(g, x, 6, 5, padding="same", dilation=3, groups=3)     # grouped, dilated
    d = conv1d(g, x, 4, 3, padding="valid", stride=3, groups=2)      # strided, grouped
    e = conv1d(g, x, 7, 1)                                           # pointwise
    return [a, b, c, d, e]


def conv1d_channels_first(g):
    x = g.input((6, 13))                                             # (channels, steps)
    a = conv1d(g, x, 8, 3, padding="causal", dilation=2, fmt="channels_first")
    b = conv1d(g, x, 4, 3, padding="same", stride=2, groups=2, fmt="channels_first")
    c = conv1d(g, b, 3, 2, padding="valid", fmt="channels_first", activation="sigmoid")
    return [a, c]


MODELS = {"conv1d_variants": conv1d_variants,
          "conv1d_channels_first": conv1d_channels_first}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
