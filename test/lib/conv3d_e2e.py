#!/usr/bin/python3
"""Keras Conv3D in whole models (graph_e2e's Graph, writers and runner): padding valid
and same (odd, even and strided kernels), strides, dilation, groups, both data formats,
with and without bias, element-wise and along-axis activations. Referenced in float64
by a direct NumPy sum over the kernel's taps on the 5-D tensors (not kconv's depth
unfolding)."""
import sys

import numpy as np

import conv_reference as cr
import graph_e2e as ge
import keras_writer  # noqa: E402 (graph_e2e puts scripts/ on the path)


def triple(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v, v, v)


def to_last(x, fmt):
    x = np.asarray(x, np.float64)
    return x.transpose(0, 2, 3, 4, 1) if fmt == "channels_first" else x


def from_last(y, fmt):
    return y.transpose(0, 4, 1, 2, 3) if fmt == "channels_first" else y


def conv3d_reference(x, kernel, bias, strides, padding, fmt, dilation, groups, activation):
    """x: (N, D, H, W, C) or (N, C, D, H, W); kernel (KD, KH, KW, C / groups, F). A sum
    over the kernel's taps of strided slices of the zero-padded input (TensorFlow's
    'same': the odd zero after), per group."""
    x = to_last(x, fmt)
    pads = [cr.same_padding(x.shape[1 + a], kernel.shape[a], strides[a], dilation[a])
            if padding == "same" else (0, 0) for a in range(3)]
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    out = [(xp.shape[1 + a] - (kernel.shape[a] - 1) * dilation[a] - 1) // strides[a] + 1
           for a in range(3)]
    cg, f = kernel.shape[3], kernel.shape[4]
    fg = f // groups
    k = np.asarray(kernel, np.float64)
    y = np.zeros((x.shape[0],) + tuple(out) + (f,))
    for tap in np.ndindex(*kernel.shape[:3]):
        start = [tap[a] * dilation[a] for a in range(3)]
        patch = xp[:, start[0]:start[0] + (out[0] - 1) * strides[0] + 1:strides[0],
                   start[1]:start[1] + (out[1] - 1) * strides[1] + 1:strides[1],
                   start[2]:start[2] + (out[2] - 1) * strides[2] + 1:strides[2], :]
        for g in range(groups):
            y[..., g * fg:(g + 1) * fg] += (
                patch[..., g * cg:(g + 1) * cg] @ k[tap][:, g * fg:(g + 1) * fg])
    if bias is not None:
        y += np.asarray(bias, np.float64)
    return cr.activation(activation, from_last(y, fmt), axis=-1)  # Keras: the last axis


def conv3d(g, x, filters, kernel, strides=1, padding="valid", fmt="channels_last",
           dilation=1, groups=1, activation="linear", use_bias=True):
    kernel, strides, dilation = triple(kernel), triple(strides), triple(dilation)
    cin = g.values[x].shape[1 if fmt == "channels_first" else 4]
    k = g.uniform(kernel + (cin // groups, filters), -0.5, 0.5)
    b = g.uniform((filters,), -0.5, 0.5) if use_bias else None
    # Conv2D's config keys with triples: Conv3D takes the same arguments.
    config = keras_writer.conv2d_config("", filters, kernel, strides, padding, fmt, dilation,
                                        groups, activation, use_bias)
    weights = [("kernel", k)] + ([("bias", b)] if use_bias else [])
    return g.add("Conv3D", x, lambda v: conv3d_reference(v, k, b, strides, padding, fmt,
                                                         dilation, groups, activation),
                 config, weights)


def conv3d_variants(g):
    x = g.input((5, 8, 7, 4))                                        # (D, H, W, C)
    a = conv3d(g, x, 6, 3, padding="same", activation="relu")       # same, odd kernel
    a = conv3d(g, a, 4, (2, 3, 1), strides=(2, 1, 2))                # valid, strided
    b = conv3d(g, x, 4, 3, padding="same", dilation=(2, 1, 2), groups=2, use_bias=False,
               activation="tanh")                                    # dilated, grouped
    c = conv3d(g, x, 8, (2, 2, 2), strides=(1, 2, 2), padding="same", groups=4)  # even k
    d = conv3d(g, x, 5, 1)                                           # pointwise
    e = conv3d(g, x, 6, (2, 3, 3), strides=3, padding="same", activation="softmax")
    f = conv3d(g, x, 4, (3, 1, 2), strides=(1, 3, 1), padding="valid", activation="sigmoid")
    return [a, b, c, d, e, f]


def conv3d_channels_first(g):
    x = g.input((4, 5, 6, 7))                                        # (C, D, H, W)
    a = conv3d(g, x, 6, 3, padding="same", fmt="channels_first", activation="softmax")
    b = conv3d(g, x, 4, (3, 2, 2), strides=2, groups=2, fmt="channels_first")
    c = conv3d(g, b, 3, 1, fmt="channels_first", activation="sigmoid")
    d = conv3d(g, x, 2, (1, 3, 3), padding="same", dilation=(1, 2, 1), fmt="channels_first")
    return [a, c, d]


MODELS = {"conv3d_variants": conv3d_variants,
          "conv3d_channels_first": conv3d_channels_first}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
