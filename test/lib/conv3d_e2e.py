#!/usr/bin/python3
"""Keras Conv3D in whole models (graph_e2e's Graph, writers and runner): padding valid
and same (odd, even and strided kernels), strides, dilation, groups, both data formats,
with and without bias, element-wise and along-axis activations; and MaxPooling3D,
AveragePooling3D, GlobalMax/AveragePooling3D (keepdims), ZeroPadding3D, Cropping3D and
UpSampling3D. Referenced in float64 by direct NumPy loops over taps and windows on
the 5-D tensors (not kconv's depth unfolding and views)."""
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


def conv3d_transpose_reference(x, kernel, bias, strides, padding, output_padding, fmt,
                               dilation, activation):
    """tf.nn.conv3d_transpose as Keras calls it: kernel (KD, KH, KW, filters, Cin); the
    output size Keras's deconv_output_length; every input element scatters its taps."""
    x = to_last(x, fmt)
    sizes, pads, full = [], [], []
    for a in range(3):
        n, s, span = x.shape[1 + a], strides[a], (kernel.shape[a] - 1) * dilation[a] + 1
        if output_padding is None:
            out = n * s if padding == "same" else n * s + max(span - s, 0)
        else:
            out = (n - 1) * s + span - 2 * (span // 2 if padding == "same" else 0) + output_padding[a]
        sizes.append(out)
        pads.append(max((n - 1) * s + span - out, 0) // 2)
        full.append(max(out + pads[-1], (n - 1) * s + span))
    y = np.zeros((x.shape[0],) + tuple(full) + (kernel.shape[3],))
    k = np.asarray(kernel, np.float64)
    for i in np.ndindex(*x.shape[1:4]):
        for tap in np.ndindex(*kernel.shape[:3]):
            o = tuple(i[a] * strides[a] + tap[a] * dilation[a] for a in range(3))
            y[:, o[0], o[1], o[2], :] += x[:, i[0], i[1], i[2], :] @ k[tap].T
    y = y[:, pads[0]:pads[0] + sizes[0], pads[1]:pads[1] + sizes[1], pads[2]:pads[2] + sizes[2]]
    if bias is not None:
        y = y + np.asarray(bias, np.float64)
    return cr.activation(activation, from_last(y, fmt), axis=-1)


def conv3d_transpose(g, x, filters, kernel, strides=1, padding="valid", output_padding=None,
                     fmt="channels_last", dilation=1, activation="linear", use_bias=True):
    kernel, strides, dilation = triple(kernel), triple(strides), triple(dilation)
    output_padding = None if output_padding is None else triple(output_padding)
    cin = g.values[x].shape[1 if fmt == "channels_first" else 4]
    k = g.uniform(kernel + (filters, cin), -0.5, 0.5)
    b = g.uniform((filters,), -0.5, 0.5) if use_bias else None
    config = keras_writer.conv2d_config("", filters, kernel, strides, padding, fmt, dilation,
                                        1, activation, use_bias,
                                        output_padding=output_padding and list(output_padding))
    del config["groups"]
    weights = [("kernel", k)] + ([("bias", b)] if use_bias else [])
    return g.add("Conv3DTranspose", x,
                 lambda v: conv3d_transpose_reference(v, k, b, strides, padding, output_padding,
                                                      fmt, dilation, activation),
                 config, weights)


def conv3d_transpose_variants(g):
    x = g.input((3, 4, 5, 4))                                        # (D, H, W, C)
    a = conv3d_transpose(g, x, 5, 3, strides=2, padding="same", activation="relu")
    b = conv3d_transpose(g, x, 3, (2, 3, 2), strides=(1, 2, 3))      # valid, strided
    c = conv3d_transpose(g, x, 4, 3, strides=2, padding="same", output_padding=(1, 0, 1),
                         use_bias=False)
    d = conv3d_transpose(g, x, 2, (3, 2, 3), padding="valid", dilation=(2, 1, 2),
                         activation="softmax")
    e = conv3d_transpose(g, x, 3, 2, strides=(2, 1, 2), padding="valid",
                         output_padding=(1, 0, 0))
    y = g.input((4, 3, 4, 5))                                        # channels_first
    f = conv3d_transpose(g, y, 3, 3, strides=(1, 2, 2), padding="same", fmt="channels_first",
                         activation="softmax")
    return [a, b, c, d, e, f]


def pool3d_reference(x, kind, size, strides, padding, fmt):
    """Keras's MaxPooling3D / AveragePooling3D: 'same' windows are clipped to the input
    (max ignores the padding, average divides by the cells inside)."""
    x = to_last(x, fmt)
    spans = []
    for axis in range(3):
        length = x.shape[1 + axis]
        if padding == "same":
            before = cr.same_padding(length, size[axis], strides[axis], 1)[0]
            out = -(-length // strides[axis])
        else:
            before, out = 0, (length - size[axis]) // strides[axis] + 1
        spans.append([(max(o * strides[axis] - before, 0),
                       min(o * strides[axis] - before + size[axis], length)) for o in range(out)])
    y = np.zeros((x.shape[0],) + tuple(len(s) for s in spans) + (x.shape[4],))
    for i, (d0, d1) in enumerate(spans[0]):
        for j, (h0, h1) in enumerate(spans[1]):
            for k, (w0, w1) in enumerate(spans[2]):
                window = x[:, d0:d1, h0:h1, w0:w1, :]
                y[:, i, j, k] = (window.max(axis=(1, 2, 3)) if kind == "max"
                                 else window.mean(axis=(1, 2, 3)))
    return from_last(y, fmt)


def pool3d(g, x, kind, size, strides=None, padding="valid", fmt="channels_last"):
    config = {"pool_size": size, "strides": strides, "padding": padding, "data_format": fmt}
    cls = "MaxPooling3D" if kind == "max" else "AveragePooling3D"
    size3 = triple(size)
    return g.add(cls, x, lambda v: pool3d_reference(v, kind, size3, triple(strides or size3),
                                                    padding, fmt), config)


def global_pool3d(g, x, kind, keepdims=False, fmt="channels_last"):
    axes = (2, 3, 4) if fmt == "channels_first" else (1, 2, 3)
    cls = "GlobalMaxPooling3D" if kind == "max" else "GlobalAveragePooling3D"
    reduce = (lambda v: v.max(axis=axes, keepdims=keepdims)) if kind == "max" else (
        lambda v: v.mean(axis=axes, keepdims=keepdims))
    return g.add(cls, x, reduce, {"data_format": fmt, "keepdims": keepdims})


def amounts3d(spec):
    """An int, a triple, or a triple of pairs -> ((front, back), (top, bottom), (l, r))."""
    if isinstance(spec, int):
        return ((spec, spec),) * 3
    return tuple((a, a) if isinstance(a, int) else tuple(a) for a in spec)


def zero_pad3d(g, x, padding, fmt="channels_last"):
    a = amounts3d(padding)
    return g.add("ZeroPadding3D", x,
                 lambda v: from_last(np.pad(to_last(v, fmt), ((0, 0),) + a + ((0, 0),)), fmt),
                 {"padding": padding, "data_format": fmt})


def crop3d(g, x, cropping, fmt="channels_last"):
    (d0, d1), (h0, h1), (w0, w1) = amounts3d(cropping)

    def crop(v):
        y = to_last(v, fmt)
        return from_last(y[:, d0:y.shape[1] - d1, h0:y.shape[2] - h1, w0:y.shape[3] - w1], fmt)
    return g.add("Cropping3D", x, crop, {"cropping": cropping, "data_format": fmt})


def upsample3d(g, x, size, fmt="channels_last"):
    def up(v):
        y = to_last(v, fmt)
        for axis, s in enumerate(triple(size)):
            y = np.repeat(y, s, axis=1 + axis)
        return from_last(y, fmt)
    return g.add("UpSampling3D", x, up, {"size": size, "data_format": fmt})


def layers3d(g):
    x = g.input((5, 6, 7, 3))                                        # (D, H, W, C)
    a = conv3d(g, x, 4, 2, padding="same", activation="relu")
    m = pool3d(g, a, "max", 2)                                       # valid, strides None
    v = pool3d(g, a, "avg", (3, 2, 3), strides=(2, 1, 2), padding="same")  # clipped windows
    w = pool3d(g, a, "max", (2, 3, 2), strides=1, padding="same")
    gm = global_pool3d(g, a, "max")
    ga = global_pool3d(g, a, "avg", keepdims=True)
    p = zero_pad3d(g, x, ((1, 0), (0, 2), (1, 1)))
    p = crop3d(g, p, ((0, 1), 2, (1, 0)))
    u = upsample3d(g, x, (2, 1, 3))
    q = zero_pad3d(g, x, 1)
    return [m, v, w, gm, ga, p, u, q]


def layers3d_channels_first(g):
    x = g.input((3, 5, 6, 4))                                        # (C, D, H, W)
    m = pool3d(g, x, "max", (2, 2, 3), strides=(1, 2, 1), padding="same", fmt="channels_first")
    v = pool3d(g, x, "avg", 2, fmt="channels_first")
    ga = global_pool3d(g, x, "avg", fmt="channels_first")
    gm = global_pool3d(g, x, "max", keepdims=True, fmt="channels_first")
    p = zero_pad3d(g, x, (1, 2, (0, 1)), fmt="channels_first")
    c = crop3d(g, x, 1, fmt="channels_first")
    u = upsample3d(g, x, 2, fmt="channels_first")
    return [m, v, ga, gm, p, c, u]


MODELS = {"conv3d_variants": conv3d_variants,
          "conv3d_channels_first": conv3d_channels_first,
          "conv3d_transpose_variants": conv3d_transpose_variants,
          "layers3d": layers3d,
          "layers3d_channels_first": layers3d_channels_first}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
