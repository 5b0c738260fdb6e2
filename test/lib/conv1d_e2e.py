#!/usr/bin/python3
"""Keras Conv1D in whole models (graph_e2e's Graph, writers and runner): padding valid,
same and causal, strides, dilation, groups, both data formats, with and without bias,
activations; referenced by a direct float64 loop over output positions and taps."""
import sys

import numpy as np

import conv_reference as cr
import graph_e2e as ge


def padded(x, k, stride, dilation, padding):
    """x (N, L, C) with Keras's 'valid' / 'same' (TensorFlow's: the odd zero after) /
    'causal' zeros; the output length."""
    n, length, c = x.shape
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
    return xp, (length + before + after - span) // stride + 1


def conv1d_reference(x, kernel, bias, stride, padding, fmt, dilation, groups, activation):
    """x: (N, L, C) or (N, C, L); kernel: (K, C / groups, F). Keras's semantics: 'same' is
    TensorFlow's (the odd extra zero after), 'causal' pads (K - 1) * dilation before."""
    x = np.asarray(x, np.float64)
    if fmt == "channels_first":
        x = x.transpose(0, 2, 1)
    n, length, c = x.shape
    k, cg, f = kernel.shape
    xp, out_len = padded(x, k, stride, dilation, padding)
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


def pool1d_reference(x, size, stride, padding, fmt, kind):
    """Keras's MaxPooling1D / AveragePooling1D: 'same' windows are clipped to the input
    (max ignores the padding, average divides by the positions inside)."""
    x = np.asarray(x, np.float64)
    if fmt == "channels_first":
        x = x.transpose(0, 2, 1)
    length = x.shape[1]
    if padding == "same":
        out_len = -(-length // stride)
        before = max((out_len - 1) * stride + size - length, 0) // 2
    else:
        out_len, before = (length - size) // stride + 1, 0
    y = np.zeros((x.shape[0], out_len, x.shape[2]))
    for o in range(out_len):
        lo = max(o * stride - before, 0)
        hi = min(o * stride - before + size, length)
        window = x[:, lo:hi, :]
        y[:, o] = window.max(axis=1) if kind == "max" else window.mean(axis=1)
    return y.transpose(0, 2, 1) if fmt == "channels_first" else y


def pool1d(g, x, kind, size, stride=None, padding="valid", fmt="channels_last"):
    config = {"pool_size": [size] if stride else size, "strides": stride,
              "padding": padding, "data_format": fmt}
    cls = "MaxPooling1D" if kind == "max" else "AveragePooling1D"
    return g.add(cls, x, lambda v: pool1d_reference(v, size, stride or size, padding, fmt,
                                                    kind), config)


def global_pool1d(g, x, kind, keepdims=False, fmt="channels_last"):
    axis = 2 if fmt == "channels_first" else 1
    cls = "GlobalMaxPooling1D" if kind == "max" else "GlobalAveragePooling1D"
    reduce = (lambda v: v.max(axis=axis, keepdims=keepdims)) if kind == "max" else (
        lambda v: v.mean(axis=axis, keepdims=keepdims))
    return g.add(cls, x, reduce, {"data_format": fmt, "keepdims": keepdims})


def pool1d_variants(g):
    x = g.input((15, 6))
    a = conv1d(g, x, 8, 3, padding="causal", activation="relu")
    m = pool1d(g, a, "max", 3, stride=2, padding="same")             # same, overlapping
    v = pool1d(g, a, "avg", 4, padding="same")                       # same, clipped windows
    w = pool1d(g, a, "avg", 2, stride=1)                             # valid
    gm = global_pool1d(g, a, "max")
    ga = global_pool1d(g, a, "avg", keepdims=True)
    c = g.input((6, 11))                                             # channels_first
    cm = pool1d(g, c, "max", 2, fmt="channels_first")
    ca = pool1d(g, c, "avg", 3, stride=2, padding="same", fmt="channels_first")
    cg = global_pool1d(g, c, "avg", keepdims=True, fmt="channels_first")
    cx = global_pool1d(g, c, "max", fmt="channels_first")
    return [m, v, w, gm, ga, cm, ca, cg, cx]


def conv1d_long(g):
    """A single row of work enough for many parallel tasks (issue 25): split along its
    columns, with channel vectors and with lanes along the steps (few filters)."""
    x = g.input((512, 16))
    a = conv1d(g, x, 32, 5, padding="same", activation="relu")   # 1.3 M multiply-adds
    b = conv1d(g, a, 4, 9, padding="causal")                     # 4 filters
    return [a, b]


def conv1d_winograd(g):
    """Kernel-3 stride-1 layers of >= 32 channels and filters: Winograd's F(1 x 2, 1 x 3)
    by default (F(1 x 4, 1 x 3) with --winograd=4): same, valid (an odd length: a last
    tile past the end), causal, and a channels_first one."""
    x = g.input((150, 32))
    a = conv1d(g, x, 64, 3, padding="same", activation="relu")
    a = conv1d(g, a, 32, 3, padding="valid", use_bias=False)  # 148 long: 37 tiles of 4
    b = conv1d(g, x, 32, 3, padding="causal", activation="tanh")
    c = g.input((32, 75))                                          # (channels, steps)
    c = conv1d(g, c, 48, 3, padding="same", fmt="channels_first")
    return [a, b, c]


MODELS = {"conv1d_variants": conv1d_variants, "conv1d_long": conv1d_long,
          "conv1d_winograd": conv1d_winograd,
          "conv1d_channels_first": conv1d_channels_first,
          "pool1d_variants": pool1d_variants}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
