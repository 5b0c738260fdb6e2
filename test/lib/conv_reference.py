"""An independent float64 reference for Keras Conv2D, written from Keras's and
TensorFlow's documented semantics (not from kconv's code)."""
import math

import numpy as np

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def same_padding(size, kernel, stride, dilation):
    """TensorFlow 'same': ceil(size / stride) outputs; the odd unit goes after."""
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def _softplus(x):
    return np.logaddexp(0.0, x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


_erf = np.vectorize(math.erf)

ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "celu": lambda x: np.maximum(x, 0) + np.minimum(0, np.expm1(np.minimum(x, 0))),
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,            # Keras 3
    "hard_sigmoid_keras2": lambda x: np.clip(0.2 * x + 0.5, 0, 1),  # Keras 2
    "log_sigmoid": lambda x: -_softplus(-x),
    "tanh": np.tanh,
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "hard_silu": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))),
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "exponential": np.exp,
    "sparse_plus": lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "sparse_sigmoid": lambda x: np.where(x <= -1, 0, np.where(x >= 1, 1, 0.5 * (x + 1))),
}


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sparsemax(x, axis):
    """Keras's sparsemax (every release up to 3.16): sorted descending, the support is
    where z > (cumsum - 1) / rank, and tau is (the sum of the support's cumulative sums
    - 1) / k. The paper (and Keras's unreleased fix, issue 23425) uses the k-th
    cumulative sum; kconv follows what Keras computes."""
    z = np.moveaxis(x, axis, -1)
    ordered = -np.sort(-z, axis=-1)
    cumsum = np.cumsum(ordered, axis=-1)
    ranks = np.arange(1, z.shape[-1] + 1)
    support = ordered - (cumsum - 1) / ranks > 0
    k = support.sum(axis=-1, keepdims=True)
    tau = (np.where(support, cumsum, 0).sum(axis=-1, keepdims=True) - 1) / k
    return np.moveaxis(np.maximum(z - tau, 0), -1, axis)


def _glu(x, axis):
    a, b = np.split(x, 2, axis=axis)
    return a / (1 + np.exp(-b))


def activation(name, x, axis=-1):
    """Keras applies the along-axis activations (softmax, log_softmax, sparsemax, glu)
    over the last axis of the layer's output."""
    if name == "sparsemax":
        return _sparsemax(x, axis)
    if name == "glu":
        return _glu(x, axis)
    if name == "softmax":
        return _softmax(x, axis)
    if name == "log_softmax":
        shifted = x - x.max(axis=axis, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return ACTIVATIONS[name](x)


def conv2d(x, kernel, bias, strides=(1, 1), padding="valid", data_format="channels_last",
           dilation_rate=(1, 1), groups=1, activation_name="linear"):
    """x: (N, H, W, C) or (N, C, H, W); kernel: (KH, KW, C / groups, F)."""
    x = np.asarray(x, np.float64)
    if data_format == "channels_first":
        x = x.transpose(0, 2, 3, 1)
    n, h, w, c = x.shape
    kh, kw, cg, f = kernel.shape
    fg = f // groups
    sh, sw = strides
    dh, dw = dilation_rate
    if padding == "same":
        (pt, pb), (pl, pr) = same_padding(h, kh, sh, dh), same_padding(w, kw, sw, dw)
    else:
        pt = pb = pl = pr = 0
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    ho = (h + pt + pb - ((kh - 1) * dh + 1)) // sh + 1
    wo = (w + pl + pr - ((kw - 1) * dw + 1)) // sw + 1
    out = np.zeros((n, ho, wo, f))
    k = np.asarray(kernel, np.float64)
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dh, kx * dw
            patch = xp[:, y0:y0 + (ho - 1) * sh + 1:sh, x0:x0 + (wo - 1) * sw + 1:sw, :]
            for g in range(groups):
                out[..., g * fg:(g + 1) * fg] += (
                    patch[..., g * cg:(g + 1) * cg] @ k[ky, kx, :, g * fg:(g + 1) * fg])
    if bias is not None:
        out += np.asarray(bias, np.float64)
    if data_format == "channels_first":
        out = out.transpose(0, 3, 1, 2)
    return activation(activation_name, out, axis=-1)
