#!/usr/bin/python3
"""Keras applications written in Keras's own structure (layer classes, names, arguments of
keras.applications), with random well-scaled weights, compiled whole and compared with an
independent float64 reference evaluated layer by layer (graph_e2e.Graph). Prints the
compile time and peak memory of kconvc for each model (not checked: machine-dependent).

Full size: mobilenet_v2, mobilenet_v3_small, mobilenet_v3_large, resnet50, efficientnet_b0,
densenet121, vgg16, xception, inception_v3, nasnet_mobile, unet (224 x 224, Xception and
InceptionV3 299 x 299); reduced (the same layer classes and arguments, smaller inputs,
fewer blocks or narrower layers, 10 classes): mobilenet_v2_96, resnet_small,
mobilenet_v3_small_96, mobilenet_v3_large_96, efficientnet_small, densenet_small, vgg_small,
xception_small, inception_small, nasnet_small, unet_small. Keras 2 files get tf-keras's
spelling where it differs from Keras 3's (MobileNetV3's layer names and operators)."""
import argparse
import os
import resource
import subprocess
import sys
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import conv_reference as cr  # noqa: E402
import graph_e2e  # noqa: E402
import keras_writer  # noqa: E402
import layer_reference as lr  # noqa: E402
import normalization_e2e  # noqa: E402


def _divisible(v, divisor=8):
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


def _bn(g, x, name, epsilon=1e-3, scale=True, momentum=0.99):
    g.names = [name]
    y = g.batch_norm(x, epsilon=epsilon, scale=scale)
    g.layers[-1][1]["momentum"] = momentum
    return y


# Keras's activation names and the reference's for those that differ.
_REFERENCE_ACTIVATIONS = {"swish": "silu", "hard_swish": "hard_silu"}


def _act(g, x, name, activation):
    g.names = [name]
    return g.add("Activation", x,
                 lambda v: cr.activation(_REFERENCE_ACTIVATIONS.get(activation, activation), v),
                 {"activation": activation})


def _relu6(g, x, name):
    g.names = [name]
    return g.add("ReLU", x, lambda v: lr.relu_layer(v, 6.0), {"max_value": 6.0})


def _conv(g, x, name, filters, kernel, strides=(1, 1), padding="same", use_bias=False,
          activation="linear", gain=1.0, **extra):
    # He-like scale (variance gain / fan_in) keeps activations of order 1 through 50
    # layers (gain 2 where a relu follows directly, as in VGG's convolutions).
    cin = g.values[x].shape[3]
    scale = np.sqrt(3.0 * gain / (kernel[0] * kernel[1] * cin))
    k = g.uniform((kernel[0], kernel[1], cin, filters), -scale, scale)
    b = g.uniform((filters,), -0.1, 0.1) if use_bias else None
    config = keras_writer.conv2d_config("", filters, kernel, strides, padding,
                                        activation=activation, use_bias=use_bias, **extra)
    weights = [("kernel", k)] + ([("bias", b)] if use_bias else [])
    reference_activation = _REFERENCE_ACTIVATIONS.get(activation, activation)
    g.names = [name]
    return g.add("Conv2D", x, lambda v: cr.conv2d(v, k, b, strides, padding,
                                                   activation_name=reference_activation),
                 config, weights)


def _depthwise(g, x, name, kernel, strides=(1, 1), padding="same", **extra):
    """DepthwiseConv2D without bias (as every application uses it), variance 1 / taps."""
    cin = g.values[x].shape[3]
    scale = np.sqrt(3.0 / (kernel[0] * kernel[1]))
    k = g.uniform((kernel[0], kernel[1], cin, 1), -scale, scale)
    config = {"kernel_size": list(kernel), "strides": list(strides), "padding": padding,
              "depth_multiplier": 1, "data_format": "channels_last",
              "dilation_rate": [1, 1], "activation": "linear", "use_bias": False,
              "depthwise_initializer": {"class_name": "GlorotUniform", "config": {}}}
    config.update(extra)
    g.names = [name]
    return g.add("DepthwiseConv2D", x,
                 lambda v: lr.depthwise_conv2d(v, k, None, strides, padding),
                 config, [("depthwise_kernel", k)])


def _separable(g, x, name, filters, kernel, padding="same", strides=(1, 1)):
    """SeparableConv2D as Xception and NASNet use it: depth multiplier 1, no bias."""
    cin = g.values[x].shape[3]
    ds, ps = np.sqrt(3.0 / (kernel[0] * kernel[1])), np.sqrt(3.0 / cin)
    dk = g.uniform((kernel[0], kernel[1], cin, 1), -ds, ds)
    pk = g.uniform((1, 1, cin, filters), -ps, ps)
    config = {"filters": filters, "kernel_size": list(kernel), "strides": list(strides),
              "padding": padding, "depth_multiplier": 1, "data_format": "channels_last",
              "dilation_rate": [1, 1], "activation": "linear", "use_bias": False}
    g.names = [name]
    return g.add("SeparableConv2D", x,
                 lambda v: cr.conv2d(lr.depthwise_conv2d(v, dk, None, strides, padding), pk, None),
                 config, [("depthwise_kernel", dk), ("pointwise_kernel", pk)])


def _dense(g, x, name, units, activation="linear"):
    cin = g.values[x].shape[-1]
    scale = np.sqrt(3.0 * (2.0 if activation == "relu" else 1.0) / cin)
    k, b = g.uniform((cin, units), -scale, scale), g.uniform((units,), -0.1, 0.1)
    g.names = [name]
    return g.add("Dense", x, lambda v: lr.dense(v, k, b, activation),
                 {"units": units, "activation": activation, "use_bias": True},
                 [("kernel", k), ("bias", b)])


def _pool(g, x, name, kind, pool, strides, padding="valid"):
    g.names = [name]
    return g.add("MaxPooling2D" if kind == "max" else "AveragePooling2D", x,
                 lambda v: lr.pool2d(v, kind, pool, strides, padding),
                 {"pool_size": list(pool), "strides": list(strides), "padding": padding})


def _global_avg(g, x, name, keepdims=False):
    g.names = [name]
    return g.add("GlobalAveragePooling2D", x,
                 lambda v: lr.global_pool2d(v, "avg", keepdims=keepdims), {"keepdims": keepdims})


def _concat(g, xs, name, axis=3):
    g.names = [name]
    return g.add("Concatenate", xs, lambda *vs: np.concatenate(vs, axis), {"axis": axis})


def _merge(g, kind, xs, name):
    g.names = [name]
    return g.add(kind, xs, lambda *vs: lr.MERGES[kind](list(vs)))


def _dropout(g, x, name, rate, noise_shape=None):
    g.names = [name]
    config = {"rate": rate, "seed": None}
    if noise_shape:
        config["noise_shape"] = list(noise_shape)
    return g.add("Dropout", x, lambda v: v, config)


def _image_input(g, size, low, high):
    """An image input with values in [low, high] (pixel values for the applications
    that rescale their input themselves)."""
    x = g.input((size, size, 3))
    value = g.inputs[-1][1] * np.float32((high - low) / 2) + np.float32((high + low) / 2)
    g.inputs[-1] = (x, value)
    g.values[x] = value.astype(np.float64)
    return x


def _predictions(g, x, classes):
    cin = g.values[x].shape[-1]
    scale = np.sqrt(3.0 / cin)
    k, b = g.uniform((cin, classes), -scale, scale), g.uniform((classes,), -0.1, 0.1)
    g.names = ["predictions"]
    return g.add("Dense", x, lambda v: lr.dense(v, k, b, "softmax"),
                 {"units": classes, "activation": "softmax", "use_bias": True},
                 [("kernel", k), ("bias", b)])


def _pad(g, x, name, amounts):
    g.names = [name]
    return g.add("ZeroPadding2D", x, lambda v: lr.zero_pad2d(v, amounts),
                 {"padding": [list(a) for a in amounts]})


def _correct_pad(size, kernel):
    # keras.applications' imagenet_utils.correct_pad for an even or odd input.
    adjust = (1 - size % 2, 1 - size % 2)
    c = kernel // 2
    return ((c - adjust[0], c), (c - adjust[1], c))


def mobilenet_v2(g, size=224, alpha=1.0, classes=1000):
    """keras.applications.MobileNetV2 (include_top, softmax classifier)."""
    x = g.input((size, size, 3))
    first = _divisible(32 * alpha)
    x = _conv(g, x, "Conv1", first, (3, 3), (2, 2))
    x = _bn(g, x, "bn_Conv1")
    x = _relu6(g, x, "Conv1_relu")
    settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                (6, 160, 3, 2), (6, 320, 1, 1)]
    block = 0
    for expansion, channels, repeats, stride in settings:
        for i in range(repeats):
            s = stride if i == 0 else 1
            cin = g.values[x].shape[-1]
            out = _divisible(int(channels * alpha))
            inputs = x
            prefix = f"block_{block}_"
            if block:
                x = _conv(g, x, prefix + "expand", expansion * cin, (1, 1))
                x = _bn(g, x, prefix + "expand_BN")
                x = _relu6(g, x, prefix + "expand_relu")
            else:
                prefix = "expanded_conv_"
            if s == 2:
                x = _pad(g, x, prefix + "pad", _correct_pad(g.values[x].shape[1], 3))
            g.names = [prefix + "depthwise"]
            x = g.depthwise(x, (3, 3), (s, s), "same" if s == 1 else "valid")
            x = _bn(g, x, prefix + "depthwise_BN")
            x = _relu6(g, x, prefix + "depthwise_relu")
            x = _conv(g, x, prefix + "project", out, (1, 1))
            x = _bn(g, x, prefix + "project_BN")
            if cin == out and s == 1:
                g.names = [prefix + "add"]
                x = g.add("Add", [inputs, x], lambda a, b: a + b)
            block += 1
    last = _divisible(1280 * alpha) if alpha > 1.0 else 1280
    x = _conv(g, x, "Conv_1", last, (1, 1))
    x = _bn(g, x, "Conv_1_bn")
    x = _relu6(g, x, "out_relu")
    g.names = ["global_average_pooling2d"]
    x = g.add("GlobalAveragePooling2D", x, lambda v: lr.global_pool2d(v, "avg"), {})
    return [_predictions(g, x, classes)]


def _resnet_block(g, x, filters, name, stride=1, shortcut_conv=True):
    if shortcut_conv:
        shortcut = _conv(g, x, name + "_0_conv", 4 * filters, (1, 1), (stride, stride),
                         use_bias=True)
        shortcut = _bn(g, shortcut, name + "_0_bn")
    else:
        shortcut = x
    x = _conv(g, x, name + "_1_conv", filters, (1, 1), (stride, stride), use_bias=True)
    x = _bn(g, x, name + "_1_bn")
    g.names = [name + "_1_relu"]
    x = g.activation(x, "relu")
    x = _conv(g, x, name + "_2_conv", filters, (3, 3), use_bias=True)
    x = _bn(g, x, name + "_2_bn")
    g.names = [name + "_2_relu"]
    x = g.activation(x, "relu")
    x = _conv(g, x, name + "_3_conv", 4 * filters, (1, 1), use_bias=True)
    x = _bn(g, x, name + "_3_bn")
    g.names = [name + "_add"]
    x = g.add("Add", [shortcut, x], lambda a, b: a + b)
    g.names = [name + "_out"]
    return g.activation(x, "relu")


def resnet50(g, size=224, classes=1000, stacks=(3, 4, 6, 3)):
    """keras.applications.ResNet50 (include_top, softmax classifier)."""
    x = g.input((size, size, 3))
    x = _pad(g, x, "conv1_pad", ((3, 3), (3, 3)))
    x = _conv(g, x, "conv1_conv", 64, (7, 7), (2, 2), "valid", use_bias=True)
    x = _bn(g, x, "conv1_bn")
    g.names = ["conv1_relu"]
    x = g.activation(x, "relu")
    x = _pad(g, x, "pool1_pad", ((1, 1), (1, 1)))
    g.names = ["pool1_pool"]
    x = g.add("MaxPooling2D", x, lambda v: lr.pool2d(v, "max", (3, 3), (2, 2), "valid"),
              {"pool_size": [3, 3], "strides": [2, 2], "padding": "valid"})
    for stack, (filters, blocks) in enumerate(zip((64, 128, 256, 512), stacks)):
        for b in range(blocks):
            stride = 2 if b == 0 and stack > 0 else 1
            x = _resnet_block(g, x, filters, f"conv{stack + 2}_block{b + 1}", stride, b == 0)
    g.names = ["avg_pool"]
    x = g.add("GlobalAveragePooling2D", x, lambda v: lr.global_pool2d(v, "avg"), {})
    return [_predictions(g, x, classes)]



# --- MobileNetV3 ----------------------------------------------------------------------
# Keras 3 names its layers "conv_bn", "expanded_conv_1_expand"...; tf-keras (Keras 2)
# "Conv/BatchNorm", "expanded_conv_1/expand"...: each file gets its version's names.
_V3_KERAS2_NAMES = {"conv": "Conv", "conv_bn": "Conv/BatchNorm", "conv_1": "Conv_1",
                    "conv_1_bn": "Conv_1/BatchNorm", "conv_2": "Conv_2", "logits": "Logits",
                    "predictions": "Predictions"}
_V3_KERAS2_SUFFIXES = {"expand_bn": "expand/BatchNorm", "depthwise_pad": "depthwise/pad",
                       "depthwise_bn": "depthwise/BatchNorm", "project_bn": "project/BatchNorm",
                       "add": "Add", "squeeze_excite_avg_pool": "squeeze_excite/AvgPool",
                       "squeeze_excite_conv": "squeeze_excite/Conv",
                       "squeeze_excite_relu": "squeeze_excite/Relu",
                       "squeeze_excite_conv_1": "squeeze_excite/Conv_1",
                       "squeeze_excite_mul": "squeeze_excite/Mul"}


def _v3_name(g, name, block=None):
    """Layer `name` (Keras 3's spelling) of MobileNetV3, or of block `block`."""
    if block is None:
        return name if g.keras3 else _V3_KERAS2_NAMES[name]
    if g.keras3:
        return (f"expanded_conv_{block}_" if block else "expanded_conv_") + name
    return (f"expanded_conv_{block}/" if block else "expanded_conv/") + \
        _V3_KERAS2_SUFFIXES.get(name, name)


def _v3_relu(g, x, name=None):
    g.names = [name] if name else []
    return g.add("ReLU", x, lambda v: np.maximum(v, 0), {"max_value": None,
                                                         "negative_slope": 0.0, "threshold": 0.0})


def _hard_sigmoid(g, x):
    """keras.applications.mobilenet_v3.hard_sigmoid: ReLU(6.0)(x + 3.0) * (1.0 / 6.0)."""
    x = g.scalar_op(x, "add", 3.0)
    x = g.add("ReLU", x, lambda v: lr.relu_layer(v, 6.0), {"max_value": 6.0})
    return g.scalar_op(x, "multiply", 1.0 / 6.0)


def _hard_swish(g, x):
    """Keras 3: Activation("hard_swish"); tf-keras: Multiply()([x, hard_sigmoid(x)])."""
    if g.keras3:
        return g.add("Activation", x, lambda v: cr.activation("hard_silu", v),
                     {"activation": "hard_swish"})
    return g.add("Multiply", [x, _hard_sigmoid(g, x)], lambda a, b: a * b)


def _v3_block(g, x, expansion, filters, kernel, stride, se_ratio, activation, block):
    shortcut = x
    cin = g.values[x].shape[-1]
    bn = lambda x, name: _bn(g, x, _v3_name(g, name, block), momentum=0.999)
    if block:
        x = _conv(g, x, _v3_name(g, "expand", block), _divisible(cin * expansion), (1, 1))
        x = activation(g, bn(x, "expand_bn"))
    if stride == 2:
        x = _pad(g, x, _v3_name(g, "depthwise_pad", block),
                 _correct_pad(g.values[x].shape[1], kernel))
    x = _depthwise(g, x, _v3_name(g, "depthwise", block), (kernel, kernel), (stride, stride),
                   "same" if stride == 1 else "valid")
    x = activation(g, bn(x, "depthwise_bn"))
    if se_ratio:
        filters_se = g.values[x].shape[-1]
        inputs = x
        x = _global_avg(g, x, _v3_name(g, "squeeze_excite_avg_pool", block), keepdims=True)
        x = _conv(g, x, _v3_name(g, "squeeze_excite_conv", block),
                  _divisible(filters_se * se_ratio), (1, 1), use_bias=True)
        x = _v3_relu(g, x, _v3_name(g, "squeeze_excite_relu", block))
        x = _conv(g, x, _v3_name(g, "squeeze_excite_conv_1", block), filters_se, (1, 1),
                  use_bias=True)
        x = _hard_sigmoid(g, x)
        x = _merge(g, "Multiply", [inputs, x], _v3_name(g, "squeeze_excite_mul", block))
    x = _conv(g, x, _v3_name(g, "project", block), filters, (1, 1))
    x = bn(x, "project_bn")
    if stride == 1 and cin == filters:
        x = _merge(g, "Add", [shortcut, x], _v3_name(g, "add", block))
    return x


# (expansion, filters, kernel, stride, squeeze-and-excite, hard swish), per block.
_V3_SMALL = [(1, 16, 3, 2, True, False), (72 / 16, 24, 3, 2, False, False),
             (88 / 24, 24, 3, 1, False, False), (4, 40, 5, 2, True, True),
             (6, 40, 5, 1, True, True), (6, 40, 5, 1, True, True), (3, 48, 5, 1, True, True),
             (3, 48, 5, 1, True, True), (6, 96, 5, 2, True, True), (6, 96, 5, 1, True, True),
             (6, 96, 5, 1, True, True)]
_V3_LARGE = [(1, 16, 3, 1, False, False), (4, 24, 3, 2, False, False),
             (3, 24, 3, 1, False, False), (3, 40, 5, 2, True, False),
             (3, 40, 5, 1, True, False), (3, 40, 5, 1, True, False),
             (6, 80, 3, 2, False, True), (2.5, 80, 3, 1, False, True),
             (2.3, 80, 3, 1, False, True), (2.3, 80, 3, 1, False, True),
             (6, 112, 3, 1, True, True), (6, 112, 3, 1, True, True),
             (6, 160, 5, 2, True, True), (6, 160, 5, 1, True, True),
             (6, 160, 5, 1, True, True)]


def mobilenet_v3(g, large, size=224, alpha=1.0, classes=1000, blocks=None):
    """keras.applications.MobileNetV3Small/Large (include_top, include_preprocessing,
    not minimalistic); `blocks`: the indices of the blocks to keep (a reduced variant)."""
    x = _image_input(g, size, 0.0, 255.0)
    x = g.add("Rescaling", x, lambda v: v / 127.5 - 1.0, {"scale": 1.0 / 127.5, "offset": -1.0})
    x = _conv(g, x, _v3_name(g, "conv"), 16, (3, 3), (2, 2))
    x = _bn(g, x, _v3_name(g, "conv_bn"), momentum=0.999)
    x = _hard_swish(g, x)
    relu = lambda g, x: _v3_relu(g, x)
    settings = _V3_LARGE if large else _V3_SMALL
    for block, (expansion, filters, kernel, stride, se, hs) in enumerate(settings):
        if blocks is None or block in blocks:
            x = _v3_block(g, x, expansion, _divisible(filters * alpha), kernel, stride,
                          0.25 if se else None, _hard_swish if hs else relu, block)
    last_point = 1280 if large else 1024
    x = _conv(g, x, _v3_name(g, "conv_1"), _divisible(g.values[x].shape[-1] * 6), (1, 1))
    x = _bn(g, x, _v3_name(g, "conv_1_bn"), momentum=0.999)
    x = _hard_swish(g, x)
    x = _global_avg(g, x, "global_average_pooling2d", keepdims=True)
    x = _conv(g, x, _v3_name(g, "conv_2"), last_point, (1, 1), use_bias=True)
    x = _hard_swish(g, x)
    x = _dropout(g, x, "dropout", 0.2)
    x = _conv(g, x, _v3_name(g, "logits"), classes, (1, 1), use_bias=True)
    g.names = ["flatten"]
    x = g.add("Flatten", x, lr.flatten)
    return [_act(g, x, _v3_name(g, "predictions"), "softmax")]


# --- EfficientNet ---------------------------------------------------------------------
_EFFICIENTNET_INIT = {"class_name": "VarianceScaling",
                      "config": {"scale": 2.0, "mode": "fan_out",
                                 "distribution": "truncated_normal"}}
_EFFICIENTNET_DENSE_INIT = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out",
                                       "distribution": "uniform"}}
# (kernel, repeats, filters in, filters out, expansion, stride), se_ratio 0.25, id_skip.
_EFFICIENTNET_B0 = [(3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2),
                    (3, 3, 40, 80, 6, 2), (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2),
                    (3, 1, 192, 320, 6, 1)]


def _efficientnet_block(g, inputs, name, filters_in, filters_out, kernel, strides, expand,
                        drop_rate):
    init = {"kernel_initializer": _EFFICIENTNET_INIT}
    filters = filters_in * expand
    x = inputs
    if expand != 1:
        x = _conv(g, x, name + "expand_conv", filters, (1, 1), **init)
        x = _bn(g, x, name + "expand_bn")
        x = _act(g, x, name + "expand_activation", "swish")
    if strides == 2:
        x = _pad(g, x, name + "dwconv_pad", _correct_pad(g.values[x].shape[1], kernel))
    x = _depthwise(g, x, name + "dwconv", (kernel, kernel), (strides, strides),
                   "valid" if strides == 2 else "same", depthwise_initializer=_EFFICIENTNET_INIT)
    x = _bn(g, x, name + "bn")
    x = _act(g, x, name + "activation", "swish")
    se = _global_avg(g, x, name + "se_squeeze")
    g.names = [name + "se_reshape"]
    se = g.add("Reshape", se, lambda v: v.reshape(v.shape[0], 1, 1, filters),
               {"target_shape": [1, 1, filters]})
    se = _conv(g, se, name + "se_reduce", max(1, int(filters_in * 0.25)), (1, 1),
               use_bias=True, activation="swish", **init)
    se = _conv(g, se, name + "se_expand", filters, (1, 1), use_bias=True, activation="sigmoid",
               **init)
    x = _merge(g, "Multiply", [x, se], name + "se_excite")
    x = _conv(g, x, name + "project_conv", filters_out, (1, 1), **init)
    x = _bn(g, x, name + "project_bn")
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = _dropout(g, x, name + "drop", drop_rate, (None, 1, 1, 1))
        x = _merge(g, "Add", [x, inputs], name + "add")
    return x


def efficientnet(g, size=224, classes=1000, blocks_args=_EFFICIENTNET_B0, top=1280):
    """keras.applications.EfficientNetB0 (width and depth coefficients 1, weights None:
    no ImageNet standard-deviation Rescaling)."""
    x = _image_input(g, size, 0.0, 255.0)
    x = g.add("Rescaling", x, lambda v: v / 255.0, {"scale": 1.0 / 255.0, "offset": 0.0})
    # Adapted on images: per-channel means and variances of pixel values in [0, 1].
    x = normalization_e2e.normalization(g, x, axis=3, mean=g.uniform((3,), 0.4, 0.6),
                                        variance=g.uniform((3,), 0.05, 0.1))
    x = _pad(g, x, "stem_conv_pad", _correct_pad(size, 3))
    init = {"kernel_initializer": _EFFICIENTNET_INIT}
    x = _conv(g, x, "stem_conv", 32, (3, 3), (2, 2), "valid", **init)
    x = _bn(g, x, "stem_bn")
    x = _act(g, x, "stem_activation", "swish")
    total = float(sum(repeats for _, repeats, *_ in blocks_args))
    b = 0
    for i, (kernel, repeats, fin, fout, expand, strides) in enumerate(blocks_args):
        for j in range(repeats):
            x = _efficientnet_block(g, x, f"block{i + 1}{chr(j + 97)}_", fin if j == 0 else fout,
                                    fout, kernel, strides if j == 0 else 1, expand,
                                    0.2 * b / total)
            b += 1
    x = _conv(g, x, "top_conv", top, (1, 1), **init)
    x = _bn(g, x, "top_bn")
    x = _act(g, x, "top_activation", "swish")
    x = _global_avg(g, x, "avg_pool")
    x = _dropout(g, x, "top_dropout", 0.2)
    y = _predictions(g, x, classes)
    g.layers[-1][1]["kernel_initializer"] = _EFFICIENTNET_DENSE_INIT
    return [y]


# --- DenseNet -------------------------------------------------------------------------
def densenet(g, size=224, classes=1000, blocks=(6, 12, 24, 16), growth=32):
    """keras.applications.DenseNet121."""
    bn = lambda x, name: _bn(g, x, name, epsilon=1.001e-5)
    x = g.input((size, size, 3))
    x = _pad(g, x, "zero_padding2d", ((3, 3), (3, 3)))
    x = _conv(g, x, "conv1_conv", 64, (7, 7), (2, 2), "valid")
    x = _act(g, bn(x, "conv1_bn"), "conv1_relu", "relu")
    x = _pad(g, x, "zero_padding2d_1", ((1, 1), (1, 1)))
    x = _pool(g, x, "pool1", "max", (3, 3), (2, 2))
    for stage, count in enumerate(blocks):
        for i in range(count):
            name = f"conv{stage + 2}_block{i + 1}"
            y = _act(g, bn(x, name + "_0_bn"), name + "_0_relu", "relu")
            y = _conv(g, y, name + "_1_conv", 4 * growth, (1, 1), padding="valid")
            y = _act(g, bn(y, name + "_1_bn"), name + "_1_relu", "relu")
            y = _conv(g, y, name + "_2_conv", growth, (3, 3))
            x = _concat(g, [x, y], name + "_concat")
        if stage < len(blocks) - 1:
            name = f"pool{stage + 2}"
            x = _act(g, bn(x, name + "_bn"), name + "_relu", "relu")
            x = _conv(g, x, name + "_conv", int(g.values[x].shape[3] * 0.5), (1, 1),
                      padding="valid")
            x = _pool(g, x, name + "_pool", "avg", (2, 2), (2, 2))
    x = _act(g, bn(x, "bn"), "relu", "relu")
    x = _global_avg(g, x, "avg_pool")
    return [_predictions(g, x, classes)]


# --- VGG16 ----------------------------------------------------------------------------
def vgg16(g, size=224, classes=1000, widths=(64, 128, 256, 512, 512), fc=4096):
    """keras.applications.VGG16 (include_top: Flatten and two 4096-unit Dense layers)."""
    x = g.input((size, size, 3))
    for block, (width, convs) in enumerate(zip(widths, (2, 2, 3, 3, 3))):
        for i in range(convs):
            x = _conv(g, x, f"block{block + 1}_conv{i + 1}", width, (3, 3), use_bias=True,
                      activation="relu", gain=2.0)
        x = _pool(g, x, f"block{block + 1}_pool", "max", (2, 2), (2, 2))
    g.names = ["flatten"]
    x = g.add("Flatten", x, lr.flatten)
    x = _dense(g, x, "fc1", fc, "relu")
    x = _dense(g, x, "fc2", fc, "relu")
    return [_predictions(g, x, classes)]


# --- Xception -------------------------------------------------------------------------
def xception(g, size=299, classes=1000, width=1.0, middle=8):
    """keras.applications.Xception; `width` scales every layer's filters."""
    w = lambda c: max(4, int(c * width))
    counter = {"conv2d": 0, "batch_normalization": 0, "add": 0}

    def auto(kind):  # Keras's names of the layers the application leaves unnamed
        n = counter[kind]
        counter[kind] += 1
        return kind + (f"_{n}" if n else "")

    def sep(x, name, filters, relu_first=True, act_name=None):
        if relu_first:
            x = _act(g, x, act_name or name + "_act", "relu")
        x = _separable(g, x, name, filters, (3, 3))
        return _bn(g, x, name + "_bn")

    def residual(x, filters):
        r = _conv(g, x, auto("conv2d"), filters, (1, 1), (2, 2))
        return _bn(g, r, auto("batch_normalization"))

    x = g.input((size, size, 3))
    x = _conv(g, x, "block1_conv1", w(32), (3, 3), (2, 2), "valid")
    x = _act(g, _bn(g, x, "block1_conv1_bn"), "block1_conv1_act", "relu")
    x = _conv(g, x, "block1_conv2", w(64), (3, 3), padding="valid")
    x = _act(g, _bn(g, x, "block1_conv2_bn"), "block1_conv2_act", "relu")
    for block, filters in ((2, 128), (3, 256), (4, 728)):
        r = residual(x, w(filters))
        x = sep(x, f"block{block}_sepconv1", w(filters), relu_first=block > 2)
        x = sep(x, f"block{block}_sepconv2", w(filters))
        x = _pool(g, x, f"block{block}_pool", "max", (3, 3), (2, 2), "same")
        x = _merge(g, "Add", [x, r], auto("add"))
    for i in range(middle):
        r = x
        for j in (1, 2, 3):
            x = sep(x, f"block{i + 5}_sepconv{j}", w(728))
        x = _merge(g, "Add", [x, r], auto("add"))
    r = residual(x, w(1024))
    x = sep(x, "block13_sepconv1", w(728))
    x = sep(x, "block13_sepconv2", w(1024))
    x = _pool(g, x, "block13_pool", "max", (3, 3), (2, 2), "same")
    x = _merge(g, "Add", [x, r], auto("add"))
    x = sep(x, "block14_sepconv1", w(1536), relu_first=False)
    x = _act(g, x, "block14_sepconv1_act", "relu")
    x = sep(x, "block14_sepconv2", w(2048), relu_first=False)
    x = _act(g, x, "block14_sepconv2_act", "relu")
    x = _global_avg(g, x, "avg_pool")
    return [_predictions(g, x, classes)]


# --- InceptionV3 ----------------------------------------------------------------------
def inception_v3(g, size=299, classes=1000, width=1.0, repeats=(3, 1, 4, 1, 2)):
    """keras.applications.InceptionV3; `width` scales the filters, `repeats` counts the
    modules of each kind (mixed0-2, mixed3, mixed4-7, mixed8, mixed9-10)."""
    w = lambda c: max(2, int(c * width))
    counter = {}

    def auto(kind):
        n = counter.get(kind, 0)
        counter[kind] = n + 1
        return kind + (f"_{n}" if n else "")

    def conv_bn(x, filters, rows, cols, padding="same", strides=(1, 1)):
        # conv2d_bn without a name: Conv2D, BatchNormalization(scale=False), Activation.
        x = _conv(g, x, auto("conv2d"), w(filters), (rows, cols), strides, padding)
        x = _bn(g, x, auto("batch_normalization"), scale=False)
        return _act(g, x, auto("activation"), "relu")

    def avg_branch(x, filters):
        p = _pool(g, x, auto("average_pooling2d"), "avg", (3, 3), (1, 1), "same")
        return conv_bn(p, filters, 1, 1)

    def mixed(branches):  # mixed0, mixed1...
        counter["mixed"] = counter.get("mixed", -1) + 1
        return _concat(g, branches, f"mixed{counter['mixed']}")

    x = g.input((size, size, 3))
    x = conv_bn(x, 32, 3, 3, "valid", (2, 2))
    x = conv_bn(x, 32, 3, 3, "valid")
    x = conv_bn(x, 64, 3, 3)
    x = _pool(g, x, auto("max_pooling2d"), "max", (3, 3), (2, 2))
    x = conv_bn(x, 80, 1, 1, "valid")
    x = conv_bn(x, 192, 3, 3, "valid")
    x = _pool(g, x, auto("max_pooling2d"), "max", (3, 3), (2, 2))
    for i in range(repeats[0]):  # mixed 0, 1, 2: 35 x 35 x 256
        b5 = conv_bn(conv_bn(x, 48, 1, 1), 64, 5, 5)
        b3 = conv_bn(conv_bn(conv_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
        x = mixed([conv_bn(x, 64, 1, 1), b5, b3, avg_branch(x, 32 if i == 0 else 64)])
    for _ in range(repeats[1]):  # mixed 3: 17 x 17 x 768
        b3 = conv_bn(x, 384, 3, 3, "valid", (2, 2))
        bd = conv_bn(conv_bn(conv_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, "valid", (2, 2))
        x = mixed([b3, bd, _pool(g, x, auto("max_pooling2d"), "max", (3, 3), (2, 2))])
    for i in range(repeats[2]):  # mixed 4, 5, 6, 7: 17 x 17 x 768
        c = (128, 160, 160, 192)[i] if repeats[2] == 4 else 128
        b7 = conv_bn(conv_bn(conv_bn(x, c, 1, 1), c, 1, 7), 192, 7, 1)
        bd = conv_bn(x, c, 1, 1)
        for filters, rows, cols in ((c, 7, 1), (c, 1, 7), (c, 7, 1), (192, 1, 7)):
            bd = conv_bn(bd, filters, rows, cols)
        x = mixed([conv_bn(x, 192, 1, 1), b7, bd, avg_branch(x, 192)])
    for _ in range(repeats[3]):  # mixed 8: 8 x 8 x 1280
        b3 = conv_bn(conv_bn(x, 192, 1, 1), 320, 3, 3, "valid", (2, 2))
        b7 = conv_bn(conv_bn(conv_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
        b7 = conv_bn(b7, 192, 3, 3, "valid", (2, 2))
        x = mixed([b3, b7, _pool(g, x, auto("max_pooling2d"), "max", (3, 3), (2, 2))])
    for i in range(repeats[4]):  # mixed 9, 10: 8 x 8 x 2048
        b1 = conv_bn(x, 320, 1, 1)
        b3 = conv_bn(x, 384, 1, 1)
        b3 = _concat(g, [conv_bn(b3, 384, 1, 3), conv_bn(b3, 384, 3, 1)], f"mixed9_{i}")
        bd = conv_bn(conv_bn(x, 448, 1, 1), 384, 3, 3)
        bd = _concat(g, [conv_bn(bd, 384, 1, 3), conv_bn(bd, 384, 3, 1)], auto("concatenate"))
        x = mixed([b1, b3, bd, avg_branch(x, 192)])
    x = _global_avg(g, x, "avg_pool")
    return [_predictions(g, x, classes)]


# --- U-Net ----------------------------------------------------------------------------
def unet(g, size=224, classes=2, base=32, depth=4):
    """A U-Net for segmentation (not in keras.applications; Keras's examples' structure):
    two 3x3 relu convolutions per level, MaxPooling2D down; up by Conv2DTranspose (the
    deeper half of the levels) or UpSampling2D and a 2x2 convolution, Concatenate with
    the skip connection; a per-pixel softmax."""
    x = g.input((size, size, 3))
    skips = []
    for level in range(depth + 1):
        f = base * 2 ** level
        for i in (1, 2):
            x = _conv(g, x, f"down{level}_conv{i}", f, (3, 3), use_bias=True,
                      activation="relu", gain=2.0)
        if level < depth:
            skips.append(x)
            x = _pool(g, x, f"down{level}_pool", "max", (2, 2), (2, 2))
    for level in reversed(range(depth)):
        f = base * 2 ** level
        if level >= depth // 2:
            cin = g.values[x].shape[3]
            scale = np.sqrt(3.0 / cin)
            k, b = g.uniform((2, 2, f, cin), -scale, scale), g.uniform((f,), -0.1, 0.1)
            config = keras_writer.conv2d_config("", f, (2, 2), (2, 2), "same")
            del config["groups"]
            g.names = [f"up{level}_transpose"]
            x = g.add("Conv2DTranspose", x,
                      lambda v, k=k, b=b: lr.conv2d_transpose(v, k, b, (2, 2), "same"),
                      config, [("kernel", k), ("bias", b)])
        else:
            g.names = [f"up{level}_upsampling"]
            x = g.add("UpSampling2D", x, lambda v: lr.upsample2d(v, (2, 2)),
                      {"size": [2, 2], "interpolation": "nearest"})
            x = _conv(g, x, f"up{level}_conv0", f, (2, 2), use_bias=True, activation="relu",
                      gain=2.0)
        x = _concat(g, [skips[level], x], f"up{level}_concat", axis=-1)
        for i in (1, 2):
            x = _conv(g, x, f"up{level}_conv{i}", f, (3, 3), use_bias=True, activation="relu",
                      gain=2.0)
    return [_conv(g, x, "segmentation", classes, (1, 1), use_bias=True, activation="softmax")]


# --- NASNetMobile ---------------------------------------------------------------------
def nasnet(g, size=224, classes=1000, penultimate=1056, blocks=4, stem=32, multiplier=2):
    """keras.applications.NASNetMobile (NASNet-A: penultimate_filters 1056, 4 blocks per
    stage, stem_block_filters 32, filter_multiplier 2, skip_reduction False)."""
    counter = {}

    def auto(kind):
        n = counter.get(kind, 0)
        counter[kind] = n + 1
        return kind + (f"_{n}" if n else "")

    bn = lambda x, name: _bn(g, x, name, momentum=0.9997)
    relu = lambda x, name=None: _act(g, x, name or auto("activation"), "relu")

    def conv(x, name, filters, kernel=(1, 1), strides=(1, 1), padding="same"):
        return _conv(g, x, name, filters, kernel, strides, padding,
                     kernel_initializer={"class_name": "HeNormal", "config": {"seed": None}})

    def separable_block(x, filters, kernel, block_id, strides=1):
        x = relu(x)
        if strides == 2:
            x = _pad(g, x, f"separable_conv_1_pad_{block_id}",
                     _correct_pad(g.values[x].shape[1], kernel))
        x = _separable(g, x, f"separable_conv_1_{block_id}", filters, (kernel, kernel),
                       "valid" if strides == 2 else "same", (strides, strides))
        x = relu(bn(x, f"separable_conv_1_bn_{block_id}"))
        x = _separable(g, x, f"separable_conv_2_{block_id}", filters, (kernel, kernel))
        return bn(x, f"separable_conv_2_bn_{block_id}")

    def adjust(p, ip, filters, block_id):
        if p is None:
            return ip
        if g.values[p].shape[2] != g.values[ip].shape[2]:
            p = relu(p, f"adjust_relu_1_{block_id}")
            p1 = _pool(g, p, f"adjust_avg_pool_1_{block_id}", "avg", (1, 1), (2, 2))
            p1 = conv(p1, f"adjust_conv_1_{block_id}", filters // 2)
            p2 = _pad(g, p, auto("zero_padding2d"), ((0, 1), (0, 1)))
            g.names = [auto("cropping2d")]
            p2 = g.add("Cropping2D", p2, lambda v: lr.crop2d(v, ((1, 0), (1, 0))),
                       {"cropping": [[1, 0], [1, 0]]})
            p2 = _pool(g, p2, f"adjust_avg_pool_2_{block_id}", "avg", (1, 1), (2, 2))
            p2 = conv(p2, f"adjust_conv_2_{block_id}", filters // 2)
            p = _concat(g, [p1, p2], auto("concatenate"), axis=-1)
            return bn(p, f"adjust_bn_{block_id}")
        if g.values[p].shape[3] != filters:
            p = conv(relu(p), f"adjust_conv_projection_{block_id}", filters)
            return bn(p, f"adjust_bn_{block_id}")
        return p

    def add(xs, name=None):
        return _merge(g, "Add", xs, name or auto("add"))

    def normal_cell(ip, p, filters, block_id):
        p = adjust(p, ip, filters, block_id)
        h = bn(conv(relu(ip), f"normal_conv_1_{block_id}", filters), f"normal_bn_1_{block_id}")
        x1 = add([separable_block(h, filters, 5, f"normal_left1_{block_id}"),
                  separable_block(p, filters, 3, f"normal_right1_{block_id}")],
                 f"normal_add_1_{block_id}")
        x2 = add([separable_block(p, filters, 5, f"normal_left2_{block_id}"),
                  separable_block(p, filters, 3, f"normal_right2_{block_id}")],
                 f"normal_add_2_{block_id}")
        avg = lambda x, name: _pool(g, x, name, "avg", (3, 3), (1, 1), "same")
        x3 = add([avg(h, f"normal_left3_{block_id}"), p], f"normal_add_3_{block_id}")
        x4 = add([avg(p, f"normal_left4_{block_id}"), avg(p, f"normal_right4_{block_id}")],
                 f"normal_add_4_{block_id}")
        x5 = add([separable_block(h, filters, 3, f"normal_left5_{block_id}"), h],
                 f"normal_add_5_{block_id}")
        return _concat(g, [p, x1, x2, x3, x4, x5], f"normal_concat_{block_id}", axis=-1), ip

    def reduction_cell(ip, p, filters, block_id):
        p = adjust(p, ip, filters, block_id)
        h = bn(conv(relu(ip), f"reduction_conv_1_{block_id}", filters),
               f"reduction_bn_1_{block_id}")
        h3 = _pad(g, h, f"reduction_pad_1_{block_id}", _correct_pad(g.values[h].shape[1], 3))
        x1 = add([separable_block(h, filters, 5, f"reduction_left1_{block_id}", 2),
                  separable_block(p, filters, 7, f"reduction_right1_{block_id}", 2)],
                 f"reduction_add_1_{block_id}")
        x2 = add([_pool(g, h3, f"reduction_left2_{block_id}", "max", (3, 3), (2, 2)),
                  separable_block(p, filters, 7, f"reduction_right2_{block_id}", 2)],
                 f"reduction_add_2_{block_id}")
        x3 = add([_pool(g, h3, f"reduction_left3_{block_id}", "avg", (3, 3), (2, 2)),
                  separable_block(p, filters, 5, f"reduction_right3_{block_id}", 2)],
                 f"reduction_add3_{block_id}")
        x4 = add([x2, _pool(g, x1, f"reduction_left4_{block_id}", "avg", (3, 3), (1, 1),
                            "same")])
        x5 = add([separable_block(x1, filters, 3, f"reduction_left4_{block_id}"),
                  _pool(g, h3, f"reduction_right5_{block_id}", "max", (3, 3), (2, 2))],
                 f"reduction_add4_{block_id}")
        return _concat(g, [x2, x3, x4, x5], f"reduction_concat_{block_id}", axis=-1), ip

    filters = penultimate // 24
    x = g.input((size, size, 3))
    x = conv(x, "stem_conv1", stem, (3, 3), (2, 2), "valid")
    x = bn(x, "stem_bn1")
    x, p = reduction_cell(x, None, filters // multiplier ** 2, "stem_1")
    x, p = reduction_cell(x, p, filters // multiplier, "stem_2")
    for stage in range(3):
        if stage:
            x, p = reduction_cell(x, p, filters * multiplier ** stage,
                                  f"reduce_{stage * blocks}")
        for i in range(blocks):
            x, p = normal_cell(x, p, filters * multiplier ** stage,
                               f"{stage * blocks + i + (1 if stage else 0)}")
    x = relu(x)
    x = _global_avg(g, x, "global_average_pooling2d")
    return [_predictions(g, x, classes)]

MODELS = {
    "mobilenet_v2": lambda g: mobilenet_v2(g),
    "mobilenet_v2_96": lambda g: mobilenet_v2(g, size=96, alpha=0.35, classes=10),
    "resnet50": lambda g: resnet50(g),
    "resnet_small": lambda g: resnet50(g, size=64, classes=10, stacks=(1, 1, 1, 1)),
    "mobilenet_v3_small": lambda g: mobilenet_v3(g, large=False),
    "mobilenet_v3_small_96": lambda g: mobilenet_v3(g, False, 96, 0.5, 10, blocks=(0, 1, 3, 4)),
    "mobilenet_v3_large": lambda g: mobilenet_v3(g, large=True),
    "mobilenet_v3_large_96": lambda g: mobilenet_v3(g, True, 96, 0.5, 10, blocks=(0, 1, 2, 6, 10, 12)),
    "efficientnet_b0": lambda g: efficientnet(g),
    "efficientnet_small": lambda g: efficientnet(g, 64, 10, [(3, 1, 32, 16, 1, 1),
                                                             (5, 2, 16, 24, 6, 2)], 64),
    "densenet121": lambda g: densenet(g),
    "densenet_small": lambda g: densenet(g, 64, 10, (2, 1, 1, 1), growth=8),
    "vgg16": lambda g: vgg16(g),
    "vgg_small": lambda g: vgg16(g, 32, 10, (8, 16, 16, 32, 32), 32),
    "xception": lambda g: xception(g),
    "xception_small": lambda g: xception(g, 71, 10, width=1 / 16, middle=1),
    "inception_v3": lambda g: inception_v3(g),
    "inception_small": lambda g: inception_v3(g, 75, 10, 1 / 16, (1, 1, 1, 1, 1)),
    "nasnet_mobile": lambda g: nasnet(g),
    "nasnet_small": lambda g: nasnet(g, 64, 10, penultimate=96, blocks=1, stem=8),
    "unet": lambda g: unet(g),
    "unet_small": lambda g: unet(g, 32, 3, 4, 2),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--models", default="mobilenet_v2_96,resnet_small")
    parser.add_argument("--keras3", action="store_true", help="write .keras archives")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--extra", default="", help="more kconvc arguments, space-separated")
    args = parser.parse_args()
    graph_e2e.BATCH = args.batch
    graph_e2e.MODELS.update(MODELS)
    rng = np.random.default_rng(7)
    failures = 0
    for name in args.models.split(","):
        g, outputs, d, compile_args = graph_e2e.build(name, args.keras3, args.workdir, rng)
        exe = os.path.join(d, "m")
        start = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run([args.kconvc] + compile_args + ["--emit=exe", "-o", exe] +
                       args.extra.split(), check=True)
        seconds = time.monotonic() - start
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"{name}: {len(g.layers)} layers, compiled in {seconds:.1f} s, "
              f"peak memory {max(rss, before) / 1024:.0f} MB", flush=True)
        inputs = []
        for i, (_, x) in enumerate(g.inputs):
            np.save(os.path.join(d, f"x{i}.npy"), x)
            inputs += ["--input", os.path.join(d, f"x{i}.npy")]
        command = [exe] + inputs
        for i in range(len(outputs)):
            command += ["--output", os.path.join(d, f"y{i}.npy")]
        subprocess.run(command, check=True)
        for i, out in enumerate(outputs):
            y, ref = np.load(os.path.join(d, f"y{i}.npy")), g.values[out]
            err = np.abs(y - ref).max() if y.shape == ref.shape else float("inf")
            # Softmax outputs of 1000 classes are small: relative to the largest one.
            tolerance = 1e-4 * max(np.abs(ref).max(), 1e-6)
            ok = err <= tolerance
            failures += not ok
            print(f"{name} output {i} ({out}): shape {y.shape}, max error {err:.2g} "
                  f"(tolerance {tolerance:.1g}): {'ok' if ok else 'FAIL'}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
