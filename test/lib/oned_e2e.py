#!/usr/bin/python3
"""Keras's 1-D layers that kconv compiles as the 2-D ops of a (1, steps) view, in whole
models (graph_e2e's Graph, writers and runner): ZeroPadding1D, Cropping1D, UpSampling1D,
DepthwiseConv1D, SeparableConv1D and Conv1DTranspose, over their arguments and both data
formats. The float64 references below work on the sequence directly (loops over output
positions and taps), not on the 2-D view."""
import sys

import numpy as np

import conv_reference as cr
import graph_e2e as ge
from conv1d_e2e import padded


def to_nlc(x, fmt):
    x = np.asarray(x, np.float64)
    return x.transpose(0, 2, 1) if fmt == "channels_first" else x


def from_nlc(y, fmt):
    return y.transpose(0, 2, 1) if fmt == "channels_first" else y


# --- ZeroPadding1D, Cropping1D, UpSampling1D ----------------------------------------

def zero_padding1d(g, x, padding, fmt=None):
    """fmt None: no data_format argument (Keras 2, and Keras 3 before it had one)."""
    left, right = (padding, padding) if isinstance(padding, int) else padding
    f = fmt or "channels_last"

    def ref(v):
        v = to_nlc(v, f)
        n, _, c = v.shape
        return from_nlc(np.concatenate([np.zeros((n, left, c)), v, np.zeros((n, right, c))],
                                       axis=1), f)
    config = {"padding": padding}
    if fmt:
        config["data_format"] = fmt
    return g.add("ZeroPadding1D", x, ref, config)


def cropping1d(g, x, cropping):
    left, right = (cropping, cropping) if isinstance(cropping, int) else cropping
    return g.add("Cropping1D", x, lambda v: v[:, left:v.shape[1] - right, :],
                 {"cropping": cropping})


def upsampling1d(g, x, size):
    def ref(v):
        out = np.zeros((v.shape[0], v.shape[1] * size, v.shape[2]))
        for i in range(out.shape[1]):
            out[:, i] = v[:, i // size]
        return out
    return g.add("UpSampling1D", x, ref, {"size": size})


def zeropadding1d_variants(g):
    x = g.input((7, 5))
    return [zero_padding1d(g, x, 1), zero_padding1d(g, x, [2, 0]),
            zero_padding1d(g, x, [0, 3]), zero_padding1d(g, x, [0, 0])]


def zeropadding1d_cf(g):  # Keras 3's data_format
    x = g.input((4, 6))                                              # (channels, steps)
    a = zero_padding1d(g, x, [1, 2], fmt="channels_first")
    b = zero_padding1d(g, x, 3, fmt="channels_last")
    return [a, b]


def cropping1d_variants(g):
    x = g.input((9, 4))
    t = conv1d_transpose(g, x, 3, 2, strides=2)                      # (18, 3)
    return [cropping1d(g, x, 1), cropping1d(g, x, [3, 0]), cropping1d(g, x, [0, 8]),
            cropping1d(g, t, [2, 5]), cropping1d(g, x, 0)]


def upsampling1d_variants(g):
    x = g.input((5, 3))
    a = upsampling1d(g, x, 2)
    b = upsampling1d(g, x, 3)
    c = upsampling1d(g, upsampling1d(g, x, 1), 4)
    d = depthwise_conv1d(g, upsampling1d(g, x, 2), 3, padding="same")
    return [a, b, c, d]


# --- DepthwiseConv1D, SeparableConv1D, Conv1DTranspose -------------------------------

def depthwise_reference(x, kernel, bias, stride, padding, dilation):
    """x (N, L, C) float64; kernel (K, C, M): output channel c * M + m reads channel c."""
    k, c, m = kernel.shape
    xp, out_len = padded(x, k, stride, dilation, padding)
    y = np.zeros((x.shape[0], out_len, c, m))
    for o in range(out_len):
        for t in range(k):
            y[:, o] += xp[:, o * stride + t * dilation, :, None] * kernel[t][None]
    y = y.reshape(x.shape[0], out_len, c * m)
    return y if bias is None else y + bias


def conv_config(kernel, stride, padding, fmt, dilation, activation, use_bias, as_list):
    wrap = (lambda v: [v]) if as_list else (lambda v: v)
    return {"kernel_size": wrap(kernel), "strides": wrap(stride), "padding": padding,
            "data_format": fmt, "dilation_rate": wrap(dilation), "activation": activation,
            "use_bias": use_bias, "bias_initializer": {"class_name": "Zeros", "config": {}},
            "bias_regularizer": None, "activity_regularizer": None, "bias_constraint": None}


def depthwise_conv1d(g, x, kernel, stride=1, padding="valid", multiplier=1,
                     fmt="channels_last", dilation=1, activation="linear", use_bias=True,
                     as_list=True):
    cin = g.values[x].shape[1 if fmt == "channels_first" else 2]
    k = g.uniform((kernel, cin, multiplier), -0.5, 0.5)
    b = g.uniform((cin * multiplier,), -0.5, 0.5) if use_bias else None
    config = conv_config(kernel, stride, padding, fmt, dilation, activation, use_bias, as_list)
    config.update({"depth_multiplier": multiplier,
                   "depthwise_initializer": {"class_name": "GlorotUniform", "config": {}},
                   "depthwise_regularizer": None, "depthwise_constraint": None})
    k64 = k.astype(np.float64)
    b64 = None if b is None else b.astype(np.float64)
    ref = lambda v: from_nlc(cr.activation(activation, depthwise_reference(
        to_nlc(v, fmt), k64, b64, stride, padding, dilation), axis=-1), fmt)
    weights = [("depthwise_kernel", k)] + ([("bias", b)] if use_bias else [])
    return g.add("DepthwiseConv1D", x, ref, config, weights)


def separable_conv1d(g, x, filters, kernel, stride=1, padding="valid", multiplier=1,
                     fmt="channels_last", dilation=1, activation="linear", use_bias=True,
                     as_list=True):
    cin = g.values[x].shape[1 if fmt == "channels_first" else 2]
    dk = g.uniform((kernel, cin, multiplier), -0.5, 0.5)
    pk = g.uniform((1, cin * multiplier, filters), -0.5, 0.5)
    b = g.uniform((filters,), -0.5, 0.5) if use_bias else None
    config = conv_config(kernel, stride, padding, fmt, dilation, activation, use_bias, as_list)
    config.update({"filters": filters, "depth_multiplier": multiplier,
                   "depthwise_initializer": {"class_name": "GlorotUniform", "config": {}},
                   "pointwise_initializer": {"class_name": "GlorotUniform", "config": {}},
                   "depthwise_regularizer": None, "pointwise_regularizer": None,
                   "depthwise_constraint": None, "pointwise_constraint": None})
    dk64, pk64 = dk.astype(np.float64), pk.astype(np.float64)

    def ref(v):
        y = depthwise_reference(to_nlc(v, fmt), dk64, None, stride, padding, dilation)
        y = y @ pk64[0]
        if b is not None:
            y = y + b.astype(np.float64)
        return from_nlc(cr.activation(activation, y, axis=-1), fmt)
    weights = [("depthwise_kernel", dk), ("pointwise_kernel", pk)] + (
        [("bias", b)] if use_bias else [])
    return g.add("SeparableConv1D", x, ref, config, weights)


def transpose_reference(x, kernel, bias, stride, padding, output_padding, dilation):
    """x (N, L, C); kernel (K, F, C). Every input step scatters its K taps at
    i * stride + t * dilation; Keras's output length; 'same' drops the first
    max((L - 1) * stride + span - out, 0) // 2 positions (TensorFlow's padding)."""
    n, length, _ = x.shape
    k, f, _ = kernel.shape
    span = (k - 1) * dilation + 1
    if output_padding is None:
        out = length * stride if padding == "same" else length * stride + max(span - stride, 0)
    else:
        out = (length - 1) * stride + span - 2 * (span // 2 if padding == "same" else 0) \
            + output_padding
    full_len = (length - 1) * stride + span
    before = max(full_len - out, 0) // 2 if padding == "same" else 0
    full = np.zeros((n, max(full_len, before + out), f))
    for i in range(length):
        for t in range(k):
            full[:, i * stride + t * dilation] += x[:, i] @ kernel[t].T
    y = full[:, before:before + out]
    return y if bias is None else y + bias


def conv1d_transpose(g, x, filters, kernel, strides=1, padding="valid", output_padding=None,
                     fmt="channels_last", dilation=1, activation="linear", use_bias=True,
                     as_list=True):
    cin = g.values[x].shape[1 if fmt == "channels_first" else 2]
    k = g.uniform((kernel, filters, cin), -0.5, 0.5)
    b = g.uniform((filters,), -0.5, 0.5) if use_bias else None
    config = conv_config(kernel, strides, padding, fmt, dilation, activation, use_bias, as_list)
    config.update({"filters": filters, "output_padding": (
        [output_padding] if as_list and output_padding is not None else output_padding),
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {}},
        "kernel_regularizer": None, "kernel_constraint": None})
    k64 = k.astype(np.float64)
    b64 = None if b is None else b.astype(np.float64)
    ref = lambda v: from_nlc(cr.activation(activation, transpose_reference(
        to_nlc(v, fmt), k64, b64, strides, padding, output_padding, dilation), axis=-1), fmt)
    weights = [("kernel", k)] + ([("bias", b)] if use_bias else [])
    return g.add("Conv1DTranspose", x, ref, config, weights)


def depthwiseconv1d_variants(g):
    x = g.input((13, 4))
    return [depthwise_conv1d(g, x, 3),                                         # valid
            depthwise_conv1d(g, x, 4, padding="same", stride=2, multiplier=2,
                             activation="relu"),                               # same, even k
            depthwise_conv1d(g, x, 3, padding="same", dilation=3, use_bias=False,
                             as_list=False),                                   # dilated
            depthwise_conv1d(g, x, 2, stride=3, multiplier=3, activation="tanh"),
            depthwise_conv1d(g, x, 1, multiplier=2)]                          # pointwise


def depthwiseconv1d_cf(g):
    x = g.input((4, 11))                                             # (channels, steps)
    a = depthwise_conv1d(g, x, 3, padding="same", multiplier=2, fmt="channels_first")
    b = depthwise_conv1d(g, x, 2, stride=2, dilation=1, fmt="channels_first",
                         activation="sigmoid")
    c = depthwise_conv1d(g, x, 3, dilation=2, fmt="channels_first", use_bias=False)
    return [a, b, c]


def separableconv1d_variants(g):
    x = g.input((12, 3))
    return [separable_conv1d(g, x, 5, 3),
            separable_conv1d(g, x, 4, 4, padding="same", stride=2, multiplier=2,
                             activation="relu"),
            separable_conv1d(g, x, 6, 3, padding="same", dilation=2, use_bias=False,
                             as_list=False),
            separable_conv1d(g, x, 2, 2, stride=3, multiplier=3)]


def separableconv1d_cf(g):
    x = g.input((3, 10))
    return [separable_conv1d(g, x, 4, 3, padding="same", multiplier=2, fmt="channels_first"),
            separable_conv1d(g, x, 5, 2, stride=2, fmt="channels_first", activation="tanh")]


def separableconv1d_causal(g):  # tf-keras only: Keras 3 has no causal SeparableConv1D
    x = g.input((9, 4))
    return [separable_conv1d(g, x, 3, 3, padding="causal", dilation=2, multiplier=2),
            separable_conv1d(g, x, 5, 2, padding="causal", use_bias=False)]


def conv1dtranspose_variants(g):
    x = g.input((7, 4))
    return [conv1d_transpose(g, x, 5, 3),                                    # valid
            conv1d_transpose(g, x, 3, 4, strides=2, padding="same", activation="relu"),
            conv1d_transpose(g, x, 2, 3, strides=3, padding="valid", output_padding=2),
            conv1d_transpose(g, x, 4, 3, strides=2, padding="same", output_padding=1,
                             as_list=False),
            conv1d_transpose(g, x, 3, 3, dilation=2, padding="same", use_bias=False),
            conv1d_transpose(g, x, 2, 2, strides=3)]                         # k < stride


def conv1dtranspose_cf(g):
    x = g.input((4, 6))
    return [conv1d_transpose(g, x, 3, 3, strides=2, padding="same", fmt="channels_first"),
            conv1d_transpose(g, x, 2, 4, strides=2, output_padding=1, fmt="channels_first",
                             activation="sigmoid")]


MODELS = {name: f for name, f in list(globals().items())
          if name.endswith(("_variants", "_cf", "_causal")) and callable(f)}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
