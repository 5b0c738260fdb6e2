#!/usr/bin/python3
"""Keras's Normalization layer in whole models (graph_e2e's Graph, writers and runner):
adapted weights (mean, variance, int64 count), values given in the config, axis=None,
invert, channels_first, rank 2, a zero variance; referenced in float64 with Keras's
formula, (x - mean) / max(sqrt(variance), 1e-7), or mean + x * max(...) with invert."""
import sys

import numpy as np

import graph_e2e as ge
import layer_reference as lr

KERAS3 = "--keras3" in sys.argv
EPSILON = 1e-7  # keras.backend.epsilon()


def normalization(g, x, axis=-1, invert=False, mean=None, variance=None, given=False):
    """A Normalization layer; `given`: mean/variance in the config, else adapted weights.
    axis None normalizes with one scalar mean and variance."""
    value = g.values[x]
    size = 1 if axis is None else value.shape[axis]
    shape = () if axis is None else (size,)
    if mean is None:
        mean = g.uniform(shape, -0.5, 0.5)
    if variance is None:
        variance = g.uniform(shape, 0.1, 3.0)
    mean, variance = np.asarray(mean, np.float32), np.asarray(variance, np.float32)
    # Keras 2 and 3 both write the axis tuple as a list; None as an empty one.
    config = {"axis": [] if axis is None else [axis], "invert": invert,
              "mean": mean.tolist() if given else None,
              "variance": variance.tolist() if given else None}
    weights = None if given else [("mean", mean), ("variance", variance),
                                  ("count", np.array(1000, dtype=np.int64))]

    def reference(v):
        bshape = [1] * v.ndim
        if axis is not None and mean.ndim:
            bshape[axis] = size
        m = mean.astype(np.float64).reshape(bshape)
        d = np.maximum(np.sqrt(variance.astype(np.float64)), EPSILON).reshape(bshape)
        return m + v * d if invert else (v - m) / d

    return g.add("Normalization", x, reference, config, weights)


def efficientnet_stem(g):
    """keras.applications.EfficientNet's first layers: Rescaling(1/255), Normalization
    (adapted on ImageNet), then a strided Conv2D, BatchNormalization and swish."""
    x = g.input((12, 12, 3))
    y = g.add("Rescaling", x, lambda v: v * (1 / 255.0), {"scale": 1 / 255.0, "offset": 0.0})
    y = normalization(g, y, mean=[0.485, 0.456, 0.406],
                      variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2])
    y = g.conv(y, 8, (3, 3), strides=(2, 2), use_bias=False)
    y = g.batch_norm(y)
    return [g.activation(y, "silu")]


def normalization_variants(g):
    x = g.input((6, 5, 4))
    a = normalization(g, x)                               # adapted, axis -1
    a = normalization(g, a, axis=None)                    # one scalar mean and variance
    b = normalization(g, x, invert=True, variance=[0.0, 0.5, 2.0, 1e-20])  # epsilon path
    d = normalization(g, x, axis=2, invert=True)          # a spatial axis (width)
    cf = g.conv(x, 6, (3, 3), fmt="channels_first")       # channels_first: axis 1
    e = normalization(g, cf, axis=1)
    f = g.add("Flatten", x, lr.flatten)
    f = normalization(g, f)                               # rank 2
    # Values in the config (no weights), after the adapted ones: keras_writer numbers
    # Keras 3 weight paths over weighted layers only, Keras over every layer.
    c = normalization(g, x, given=True, mean=[0.1, -0.2, 0.3, 0.0],
                      variance=[1.5, 0.25, 4.0, 2.0])
    d = normalization(g, d, given=True, mean=0.5, variance=2.0)  # scalars, broadcast
    y = g.conv(c, 6, (1, 1))                              # Normalization -> Conv2D
    return [a, b, d, e, f, y]


def normalization_rgb(g):
    """Images of fewer channels than a vector's lanes, as model outputs (not folded into
    a layer after them): vectorized in channel-pattern groups (vectorizeChannelPattern),
    rows a whole number of groups or not, a row of columns split over tasks, and an
    unfolded BatchNormalization."""
    outputs = [normalization(g, g.input(shape))
               for shape in [(5, 13, 3), (3, 8, 3), (4, 9, 7), (2, 17, 1), (1, 900, 3)]]
    return outputs + [g.batch_norm(g.input((4, 12, 3)))]


def rescaling(g, x, scale, offset=0.0):
    return g.add("Rescaling", x, lambda v: v * scale + offset,
                 {"scale": scale, "offset": offset})


def folded_inputs(g):
    """Preprocessing at the input folded into the first layer
    (--kconv-fold-affine-into-consumer): tabular Normalization -> Dense, images through
    Rescaling or Normalization into unpadded ('valid', Keras's default) convolutions,
    strided, dilated, depthwise (per group) and channels_first, and a Normalization ->
    Flatten -> Dense."""
    t = g.input((7,))
    a = g.dense(normalization(g, t), 5)
    img = g.input((9, 8, 3))
    b = g.conv(rescaling(g, img, 1 / 127.5, -1.0), 6, (3, 3), strides=(2, 2), padding="valid")
    c = g.conv(normalization(g, img), 4, (2, 2), padding="valid", dilation=(2, 1))
    d = g.depthwise(normalization(g, rescaling(g, img, 1 / 255.0)), (3, 3), padding="valid",
                    multiplier=2, use_bias=True)
    small = g.input((3, 2, 4))
    f = g.dense(g.add("Flatten", normalization(g, small), lr.flatten), 3)
    cf = g.input((3, 6, 5))  # channels_first: the norm reaches the conv through a transpose
    e = g.conv(normalization(g, cf, axis=1), 4, (3, 2), padding="valid", fmt="channels_first")
    return [a, b, c, d, f, e]


def unfolded_inputs(g):
    """What must not fold: a 'same' convolution (its padded zeros are not normalized)
    and a Normalization that is also a model output."""
    img = g.input((6, 6, 3))
    y = g.conv(normalization(g, img), 4, (3, 3))
    t = g.input((5,))
    n = normalization(g, t)
    return [y, g.dense(n, 2), n]


MODELS = {"efficientnet_stem": efficientnet_stem,
          "normalization_variants": normalization_variants,
          "normalization_rgb": normalization_rgb, "folded_inputs": folded_inputs,
          "unfolded_inputs": unfolded_inputs}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
