"""Independent float64 references for the Keras layers kconv compiles besides Conv2D,
written from Keras's and TensorFlow's documented semantics (not from kconv's code).
Images are NHWC unless `data_format` says channels_first."""
import math

import numpy as np

import conv_reference


def _to_nhwc(x, data_format):
    return x.transpose(0, 2, 3, 1) if data_format == "channels_first" else x


def _from_nhwc(x, data_format):
    return x.transpose(0, 3, 1, 2) if data_format == "channels_first" else x


def dense(x, kernel, bias, activation="linear"):
    y = np.asarray(x, np.float64) @ np.asarray(kernel, np.float64)
    if bias is not None:
        y = y + bias
    return conv_reference.activation(activation, y, axis=-1)


def batch_norm(x, gamma, beta, mean, variance, epsilon, axis):
    shape = [1] * x.ndim
    shape[axis] = -1
    r = lambda v: np.asarray(v, np.float64).reshape(shape)
    return (x - r(mean)) / np.sqrt(r(variance) + epsilon) * r(gamma) + r(beta)


def pool2d(x, kind, pool_size, strides, padding, data_format="channels_last"):
    """TF pooling: 'same' pads, max ignores padding, average counts only real cells."""
    x = _to_nhwc(np.asarray(x, np.float64), data_format)
    n, h, w, c = x.shape
    (ph, pw), (sh, sw) = pool_size, strides
    if padding == "same":
        ho, wo = -(-h // sh), -(-w // sw)
        top = max((ho - 1) * sh + ph - h, 0) // 2
        left = max((wo - 1) * sw + pw - w, 0) // 2
    else:
        ho, wo = (h - ph) // sh + 1, (w - pw) // sw + 1
        top = left = 0
    out = np.zeros((n, ho, wo, c))
    for i in range(ho):
        for j in range(wo):
            y0, x0 = i * sh - top, j * sw - left
            window = x[:, max(y0, 0):min(y0 + ph, h), max(x0, 0):min(x0 + pw, w), :]
            out[:, i, j, :] = window.max(axis=(1, 2)) if kind == "max" else window.mean(axis=(1, 2))
    return _from_nhwc(out, data_format)


def global_pool2d(x, kind, data_format="channels_last", keepdims=False):
    axes = (2, 3) if data_format == "channels_first" else (1, 2)
    f = np.max if kind == "max" else np.mean
    return f(np.asarray(x, np.float64), axis=axes, keepdims=keepdims)


def relu_layer(x, max_value=None, negative_slope=0.0, threshold=0.0):
    """keras.layers.ReLU, following Keras's own sequence of operations."""
    if negative_slope != 0 and max_value is None and threshold == 0:
        return np.where(x >= 0, x, negative_slope * x)
    negative = np.maximum(threshold - x, 0) if negative_slope != 0 else 0
    clip = max_value is not None
    if threshold != 0:
        y = x * (x > threshold)
    elif max_value == 6:
        y, clip = np.clip(x, 0, 6), False
    else:
        y = np.maximum(x, 0)
    if clip:
        y = np.clip(y, 0, max_value)
    return y - negative_slope * negative


def leaky_relu(x, alpha):
    return np.where(x >= 0, x, alpha * x)


def elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def prelu(x, alpha):
    return np.where(x >= 0, x, np.asarray(alpha, np.float64)[None] * x)


def softmax(x, axis=-1):
    return conv_reference.activation("softmax", x, axis=axis)


MERGES = {
    "Add": lambda xs: sum(xs),
    "Subtract": lambda xs: xs[0] - xs[1],
    "Multiply": lambda xs: math.prod(xs),
    "Average": lambda xs: sum(xs) / len(xs),
    "Maximum": lambda xs: np.maximum.reduce(xs),
    "Minimum": lambda xs: np.minimum.reduce(xs),
}


def zero_pad2d(x, amounts, data_format="channels_last"):
    (t, b), (l, r) = amounts
    x = _to_nhwc(x, data_format)
    return _from_nhwc(np.pad(x, ((0, 0), (t, b), (l, r), (0, 0))), data_format)


def crop2d(x, amounts, data_format="channels_last"):
    (t, b), (l, r) = amounts
    x = _to_nhwc(x, data_format)
    return _from_nhwc(x[:, t:x.shape[1] - b, l:x.shape[2] - r, :], data_format)


def upsample2d(x, size, interpolation="nearest", data_format="channels_last"):
    x = _to_nhwc(np.asarray(x, np.float64), data_format)
    sh, sw = size
    if interpolation == "nearest":
        y = x.repeat(sh, axis=1).repeat(sw, axis=2)
        return _from_nhwc(y, data_format)
    # tf.image.resize(bilinear), half-pixel centers, as Keras 2.x/3.x UpSampling2D.
    n, h, w, c = x.shape

    def weights(out_size, in_size, scale):
        lo, hi, frac = [], [], []
        for o in range(out_size):
            src = (o + 0.5) / scale - 0.5
            lo.append(max(int(math.floor(src)), 0))
            hi.append(min(int(math.ceil(src)), in_size - 1))
            frac.append(src - math.floor(src))
        return np.array(lo), np.array(hi), np.array(frac)

    ylo, yhi, fy = weights(h * sh, h, sh)
    xlo, xhi, fx = weights(w * sw, w, sw)
    top = x[:, ylo][:, :, xlo] + (x[:, ylo][:, :, xhi] - x[:, ylo][:, :, xlo]) * fx[None, None, :, None]
    bottom = x[:, yhi][:, :, xlo] + (x[:, yhi][:, :, xhi] - x[:, yhi][:, :, xlo]) * fx[None, None, :, None]
    return _from_nhwc(top + (bottom - top) * fy[None, :, None, None], data_format)


def flatten(x, data_format="channels_last"):
    if data_format == "channels_first" and x.ndim >= 3:
        x = np.moveaxis(x, 1, -1)
    return x.reshape(x.shape[0], -1)


def depthwise_conv2d(x, kernel, bias, strides, padding, data_format="channels_last",
                     dilation_rate=(1, 1)):
    """kernel: (KH, KW, C, multiplier); output channel c * multiplier + m."""
    x = _to_nhwc(np.asarray(x, np.float64), data_format)
    n, h, w, c = x.shape
    kh, kw, _, mult = kernel.shape
    (sh, sw), (dh, dw) = strides, dilation_rate
    if padding == "same":
        (pt, pb) = conv_reference.same_padding(h, kh, sh, dh)
        (pl, pr) = conv_reference.same_padding(w, kw, sw, dw)
    else:
        pt = pb = pl = pr = 0
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    ho = (h + pt + pb - (kh - 1) * dh - 1) // sh + 1
    wo = (w + pl + pr - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros((n, ho, wo, c, mult))
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[:, ky * dh:ky * dh + (ho - 1) * sh + 1:sh, kx * dw:kx * dw + (wo - 1) * sw + 1:sw, :]
            out += patch[..., None] * kernel[ky, kx][None, None, None]
    out = out.reshape(n, ho, wo, c * mult)
    if bias is not None:
        out += bias
    return _from_nhwc(out, data_format)


def conv2d_transpose(x, kernel, bias, strides, padding, output_padding=None,
                     data_format="channels_last", dilation_rate=(1, 1), activation="linear"):
    """tf.nn.conv2d_transpose as Keras calls it: kernel (KH, KW, filters, Cin); the
    output size is Keras's deconv_output_length; every input pixel scatters its taps."""
    x = _to_nhwc(np.asarray(x, np.float64), data_format)
    n, h, w, c = x.shape
    kh, kw, f, _ = kernel.shape
    sizes, pads = [], []
    for size, k, s, d, axis in ((h, kh, strides[0], dilation_rate[0], 0),
                                (w, kw, strides[1], dilation_rate[1], 1)):
        dk = (k - 1) * d + 1
        if output_padding is None:
            out = size * s if padding == "same" else size * s + max(dk - s, 0)
        else:
            out = (size - 1) * s + dk - 2 * (dk // 2 if padding == "same" else 0) + output_padding[axis]
        sizes.append(out)
        pads.append(conv_reference.same_padding(out, k, s, d)[0] if padding == "same" else 0)
    (sh, sw), (dh, dw) = strides, dilation_rate
    full = np.zeros((n, max(sizes[0] + pads[0], (h - 1) * sh + (kh - 1) * dh + 1),
                     max(sizes[1] + pads[1], (w - 1) * sw + (kw - 1) * dw + 1), f))
    k64 = np.asarray(kernel, np.float64)
    for iy in range(h):
        for ix in range(w):
            for ky in range(kh):
                for kx in range(kw):
                    full[:, iy * sh + ky * dh, ix * sw + kx * dw, :] += x[:, iy, ix, :] @ k64[ky, kx].T
    out = full[:, pads[0]:pads[0] + sizes[0], pads[1]:pads[1] + sizes[1], :]
    if bias is not None:
        out = out + bias
    # Keras applies the activation to the output in its own layout (softmax over the
    # last axis: the width when channels_first).
    return conv_reference.activation(activation, _from_nhwc(out, data_format))
