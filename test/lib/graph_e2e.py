#!/usr/bin/python3
"""Whole Keras models (Sequential and Functional, Keras 2 and Keras 3 files) with every
layer kind kconv compiles, built with random weights, compiled to executables and
compared with layer_reference / conv_reference evaluated layer by layer in float64."""
import argparse
import functools
import os
import shlex
import math
import re
import subprocess
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "scripts"))
import conv_reference as cr  # noqa: E402
import keras_writer  # noqa: E402
import layer_reference as lr  # noqa: E402

BATCH = 2
# The keras_version written into Keras 3 archives (a layer test may need a later one).
KERAS3_VERSION = "3.4.1"


class Graph:
    """Records layers (Keras configs, weights) and evaluates the reference as it goes."""

    def __init__(self, name, rng):
        self.name, self.rng = name, rng
        self.layers, self.weights, self.values, self.inputs = [], [], {}, []
        self.count = 0
        self.names = []  # layer names to use, in order, before the generated ones
        self.keras3 = False  # the file written: a Keras 3 .keras archive (configs differ)

    def _name(self, prefix):
        self.count += 1
        if self.names:
            return self.names.pop(0)
        return f"{prefix}_{self.count}"

    def input(self, shape):
        name = self._name("input")
        x = self.rng.uniform(-1, 1, (BATCH,) + tuple(shape)).astype(np.float32)
        self.layers.append(("InputLayer", {"name": name, "dtype": "float32", "sparse": False,
                                           "batch_input_shape": [None] + list(shape)}, []))
        self.values[name] = x.astype(np.float64)
        self.inputs.append((name, x))
        return name

    def add(self, class_name, inbound, reference, config=None, weights=None):
        name = self._name(class_name.lower())
        config = dict(config or {})
        config.update({"name": name, "trainable": True, "dtype": "float32"})
        inbound = inbound if isinstance(inbound, list) else [inbound]
        self.layers.append((class_name, config, inbound))
        if weights:
            self.weights.append((name, class_name, weights))
        value = reference(*[self.values[i] for i in inbound])
        if isinstance(value, tuple):  # several output tensors: "name", "name:1", ...
            for i, v in enumerate(value):
                self.values[f"{name}:{i}" if i else name] = v
        else:
            self.values[name] = value
        return name

    def uniform(self, shape, low=-1.0, high=1.0):
        return self.rng.uniform(low, high, shape).astype(np.float32)

    # Layer helpers: Keras 2 configs with Keras's argument names.
    def conv(self, x, filters, kernel, strides=(1, 1), padding="same", fmt="channels_last",
             activation="linear", use_bias=True, groups=1, dilation=(1, 1)):
        cin = self.values[x].shape[1 if fmt == "channels_first" else 3]
        k = self.uniform((kernel[0], kernel[1], cin // groups, filters), -0.5, 0.5)
        b = self.uniform((filters,), -0.5, 0.5) if use_bias else None
        config = keras_writer.conv2d_config("", filters, kernel, strides, padding, fmt, dilation,
                                            groups, activation, use_bias)
        weights = [("kernel", k)] + ([("bias", b)] if use_bias else [])
        return self.add("Conv2D", x, lambda v: cr.conv2d(v, k, b, strides, padding, fmt, dilation,
                                                         groups, activation), config, weights)

    def depthwise(self, x, kernel, strides=(1, 1), padding="same", multiplier=1, use_bias=False,
                  fmt="channels_last"):
        cin = self.values[x].shape[1 if fmt == "channels_first" else 3]
        k = self.uniform((kernel[0], kernel[1], cin, multiplier), -0.5, 0.5)
        b = self.uniform((cin * multiplier,)) if use_bias else None
        config = {"kernel_size": list(kernel), "strides": list(strides), "padding": padding,
                  "depth_multiplier": multiplier, "data_format": fmt,
                  "dilation_rate": [1, 1], "activation": "linear", "use_bias": use_bias,
                  "depthwise_initializer": {"class_name": "GlorotUniform", "config": {}}}
        weights = [("depthwise_kernel", k)] + ([("bias", b)] if use_bias else [])
        return self.add("DepthwiseConv2D", x,
                        lambda v: lr.depthwise_conv2d(v, k, b, strides, padding, fmt),
                        config, weights)

    def separable(self, x, filters, kernel, padding="same", multiplier=2, activation="linear"):
        cin = self.values[x].shape[3]
        dk = self.uniform((kernel[0], kernel[1], cin, multiplier), -0.5, 0.5)
        pk = self.uniform((1, 1, cin * multiplier, filters), -0.5, 0.5)
        b = self.uniform((filters,))
        config = {"filters": filters, "kernel_size": list(kernel), "strides": [1, 1],
                  "padding": padding, "depth_multiplier": multiplier,
                  "data_format": "channels_last", "dilation_rate": [1, 1],
                  "activation": activation, "use_bias": True}
        ref = lambda v: cr.conv2d(lr.depthwise_conv2d(v, dk, None, (1, 1), padding), pk, b,
                                  activation_name=activation)
        return self.add("SeparableConv2D", x, ref, config,
                        [("depthwise_kernel", dk), ("pointwise_kernel", pk), ("bias", b)])

    def conv_transpose(self, x, filters, kernel, strides=(1, 1), padding="same",
                       output_padding=None, fmt="channels_last", dilation=(1, 1),
                       activation="linear"):
        cin = self.values[x].shape[1 if fmt == "channels_first" else 3]
        k = self.uniform((kernel[0], kernel[1], filters, cin), -0.5, 0.5)
        b = self.uniform((filters,))
        config = keras_writer.conv2d_config("", filters, kernel, strides, padding, fmt, dilation,
                                            1, activation, True, output_padding=output_padding)
        del config["groups"]
        return self.add("Conv2DTranspose", x,
                        lambda v: lr.conv2d_transpose(v, k, b, strides, padding, output_padding,
                                                      fmt, dilation, activation),
                        config, [("kernel", k), ("bias", b)])

    def dense(self, x, units, activation="linear"):
        k = self.uniform((self.values[x].shape[-1], units), -0.5, 0.5)
        b = self.uniform((units,), -0.5, 0.5)
        return self.add("Dense", x, lambda v: lr.dense(v, k, b, activation),
                        {"units": units, "activation": activation, "use_bias": True},
                        [("kernel", k), ("bias", b)])

    def batch_norm(self, x, axis=-1, epsilon=1e-3, center=True, scale=True):
        c = self.values[x].shape[axis]
        gamma, beta = self.uniform((c,), 0.5, 1.5), self.uniform((c,))
        mean, var = self.uniform((c,)), self.uniform((c,), 0.2, 2.0)
        weights = ([("gamma", gamma)] if scale else []) + ([("beta", beta)] if center else [])
        weights += [("moving_mean", mean), ("moving_variance", var)]
        g = gamma if scale else np.ones(c)
        bt = beta if center else np.zeros(c)
        return self.add("BatchNormalization", x,
                        lambda v: lr.batch_norm(v, g, bt, mean, var, epsilon, axis),
                        {"axis": axis, "momentum": 0.99, "epsilon": epsilon, "center": center,
                         "scale": scale}, weights)

    def activation(self, x, name):
        return self.add("Activation", x, lambda v: cr.activation(name, v), {"activation": name})

    # `x op number` in Keras's own spelling: a TFOpLambda layer (Keras 2), an operation
    # of keras.src.ops.numpy (Keras 3), auto-named as Keras names them.
    KERAS2_FUNCTIONS = {"add": "__operators__.add", "subtract": "math.subtract",
                        "multiply": "math.multiply", "divide": "math.truediv"}
    KERAS3_OPERATIONS = {"add": ("Add", "add"), "subtract": ("Subtract", "subtract"),
                         "multiply": ("Multiply", "multiply"),
                         "divide": ("TrueDivide", "true_divide")}

    def scalar_op(self, x, op, value, number_first=False):
        """`x op value` (`value op x` with number_first, which only Keras 3 writes as
        such) on a tensor, as Keras writes a Python operator in a functional model: a
        TFOpLambda layer in Keras 2 (the number in the call's kwargs as "y"), an
        operation of keras.ops in Keras 3 (the number among the call's args)."""
        counts = self.__dict__.setdefault("op_counts", {})
        if self.keras3:
            cls, base = self.KERAS3_OPERATIONS[op]
            config = {"__module": "keras.src.ops.numpy",
                      "__args": [value, None] if number_first else [None, value]}
        else:
            assert not number_first, "Keras 2 writes the number first differently"
            cls, base = "TFOpLambda", "tf." + self.KERAS2_FUNCTIONS[op]
            config = {"function": self.KERAS2_FUNCTIONS[op],
                      "__kwargs": {"y": value, "name": None}}
        n = counts[base] = counts.get(base, -1) + 1
        self.names = [base + (f"_{n}" if n else "")]
        a, b = (value, None) if number_first else (None, value)
        return self.add(cls, x, lambda v: {"add": np.add, "subtract": np.subtract,
                                           "multiply": np.multiply, "divide": np.divide}[op](
            v if a is None else a, v if b is None else b), config)

    def operation(self, x, cls, reference, arguments=None, module="keras.src.ops.nn"):
        """A Keras 3 keras.ops function called on a tensor (`keras.ops.gelu(x)`): an
        operation entry of `module`, its arguments in its config, named as Keras names
        operations (the class in snake case, then _1, _2, ...)."""
        assert self.keras3, "keras.ops operations are Keras 3's"
        counts = self.__dict__.setdefault("op_counts", {})
        base = re.sub(r"(?<!^)(?=[A-Z])", "_", cls).lower()
        n = counts[base] = counts.get(base, -1) + 1
        self.names = [base + (f"_{n}" if n else "")]
        tensors = x if isinstance(x, list) else [x]
        config = {"__module": module, "__args": [None] * len(tensors),
                  "__config": dict(arguments or {})}
        return self.add(cls, tensors, reference, config)

    def outputs_json(self, outputs, keras3=False):
        if not keras3:
            return keras_writer.functional_json(self.layers, [n for n, _ in self.inputs],
                                                outputs, name=self.name)
        shapes = {name: [None] + list(v.shape[1:]) for name, v in self.values.items()}
        return keras_writer.keras3_functional_json(self.layers, [n for n, _ in self.inputs],
                                                   outputs, shapes, name=self.name)


def resnet_block(g):
    x = g.input((8, 8, 16))
    y = g.conv(x, 16, (3, 3), use_bias=False)
    y = g.batch_norm(y)
    y = g.activation(y, "relu")
    y = g.conv(y, 16, (3, 3), use_bias=False)
    y = g.batch_norm(y)
    y = g.add("Add", [y, x], lambda a, b: a + b)
    return [g.add("ReLU", y, lr.relu_layer)]


def mobilenet_block(g):
    x = g.input((12, 12, 8))
    y = g.depthwise(x, (3, 3), strides=(2, 2), multiplier=2)
    y = g.batch_norm(y)
    y = g.add("ReLU", y, lambda v: lr.relu_layer(v, max_value=6.0), {"max_value": 6.0})
    y = g.conv(y, 24, (1, 1), use_bias=False)
    y = g.batch_norm(y, center=False)
    return [g.add("ReLU", y, lambda v: lr.relu_layer(v, 6.0), {"max_value": 6.0})]


def classifier(g):
    x = g.input((14, 14, 1))
    x = g.add("Rescaling", x, lambda v: v * 0.5 - 0.25, {"scale": 0.5, "offset": -0.25})
    x = g.add("RandomFlip", x, lambda v: v, {"mode": "horizontal", "seed": None})
    y = g.conv(x, 8, (3, 3), activation="relu")
    y = g.add("MaxPooling2D", y, lambda v: lr.pool2d(v, "max", (2, 2), (2, 2), "valid"),
              {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid"})
    y = g.conv(y, 12, (3, 3), padding="valid")
    y = g.add("AveragePooling2D", y, lambda v: lr.pool2d(v, "avg", (3, 3), (2, 2), "same"),
              {"pool_size": [3, 3], "strides": [2, 2], "padding": "same"})
    y = g.add("Flatten", y, lr.flatten)
    y = g.add("Dropout", y, lambda v: v, {"rate": 0.5})
    y = g.dense(y, 32, "relu")
    return [g.dense(y, 10, "softmax")]


def channels_first_net(g):
    cf = "channels_first"
    x = g.input((3, 11, 10))
    y = g.add("ZeroPadding2D", x, lambda v: lr.zero_pad2d(v, ((1, 2), (0, 1)), cf),
              {"padding": [[1, 2], [0, 1]], "data_format": cf})
    y = g.conv(y, 6, (3, 3), padding="valid", fmt=cf)
    y = g.batch_norm(y, axis=1)
    y = g.add("LeakyReLU", y, lambda v: lr.leaky_relu(v, 0.1), {"alpha": 0.1})
    # Layers computed in either layout, between convolutions: the layout pass moves its
    # transposes below them (a residual Add, a Rescaling, a channel Concatenate, a
    # Softmax over the channels, a PReLU with its alpha transposed).
    z = g.conv(y, 6, (3, 3), fmt=cf)
    z = g.add("Add", [z, y], lambda u, v: u + v)
    z = g.add("Rescaling", z, lambda v: v * 0.5 - 0.25, {"scale": 0.5, "offset": -0.25})
    z = g.add("Concatenate", [z, y], lambda u, v: np.concatenate([u, v], 1), {"axis": 1})
    z = g.add("Softmax", z, lambda v: lr.softmax(v, axis=1), {"axis": 1})
    z = g.conv(z, 6, (1, 1), fmt=cf)
    alpha = g.uniform((6, 12, 1), 0.0, 0.5)  # (channels, rows, columns shared)
    z = g.add("PReLU", z, lambda v: lr.prelu(v, alpha), {"shared_axes": [3]},
              [("alpha", alpha)])
    y = g.conv(z, 6, (1, 1), fmt=cf, activation="relu")
    y = g.add("MaxPooling2D", y, lambda v: lr.pool2d(v, "max", (3, 3), (2, 2), "same", cf),
              {"pool_size": [3, 3], "strides": [2, 2], "padding": "same", "data_format": cf})
    f = g.add("Flatten", y, lambda v: lr.flatten(v, cf), {"data_format": cf})
    pooled = g.add("GlobalAveragePooling2D", y, lambda v: lr.global_pool2d(v, "avg", cf),
                   {"data_format": cf})
    return [g.dense(f, 5), g.dense(pooled, 3, "tanh")]


def branches(g):
    a, b = g.input((8, 8, 4)), g.input((8, 8, 4))
    ca = g.conv(a, 6, (3, 3), activation="elu")
    cb = g.conv(b, 6, (1, 1))
    cat = g.add("Concatenate", [ca, cb], lambda u, v: np.concatenate([u, v], -1), {"axis": -1})
    sep = g.separable(cat, 8, (3, 3), activation="relu")
    merged = {}
    for kind in ("Subtract", "Multiply", "Average", "Maximum", "Minimum"):
        merged[kind] = g.add(kind, [sep, g.conv(cat, 8, (1, 1))],
                             lambda u, v, k=kind: lr.MERGES[k]([u, v]))
    y = g.add("Add", [merged["Subtract"], merged["Multiply"], merged["Average"]],
              lambda *xs: sum(xs))
    y = g.add("Cropping2D", y, lambda v: lr.crop2d(v, ((1, 0), (2, 1))),
              {"cropping": [[1, 0], [2, 1]]})
    up = g.add("UpSampling2D", y, lambda v: lr.upsample2d(v, (2, 1), "bilinear"),
               {"size": [2, 1], "interpolation": "bilinear"})
    near = g.add("UpSampling2D", merged["Maximum"], lambda v: lr.upsample2d(v, (1, 2)),
                 {"size": [1, 2], "interpolation": "nearest"})
    alpha = g.uniform((1, 1, 8), 0.0, 0.5)
    p = g.add("PReLU", near, lambda v: lr.prelu(v, alpha), {"shared_axes": [1, 2]},
              [("alpha", alpha)])
    p = g.add("Permute", p, lambda v: v.transpose(0, 3, 1, 2), {"dims": [3, 1, 2]})
    p = g.add("Reshape", p, lambda v: v.reshape(v.shape[0], 8, -1), {"target_shape": [8, -1]})
    p = g.add("Softmax", p, lambda v: lr.softmax(v, axis=1), {"axis": 1})
    e = g.add("ELU", merged["Minimum"], lambda v: lr.elu(v, 0.7), {"alpha": 0.7})
    e = g.add("ReLU", e, lambda v: lr.relu_layer(v, max_value=0.5, negative_slope=0.1,
                                                 threshold=-0.2),
              {"max_value": 0.5, "negative_slope": 0.1, "threshold": -0.2})
    gm = g.add("GlobalMaxPooling2D", e, lambda v: lr.global_pool2d(v, "max", keepdims=True),
               {"keepdims": True})
    gm = g.batch_norm(gm, axis=-1, scale=False)
    if not g.keras3:  # Keras 2 only: x * (x > theta)
        up = g.add("ThresholdedReLU", up, lambda v: v * (v > 0.05), {"theta": 0.05})
    return [up, p, gm]


def decoder(g):
    x = g.input((5, 5, 4))
    y = g.conv_transpose(x, 6, (3, 3), strides=(2, 2), activation="relu")
    y = g.conv_transpose(y, 3, (2, 3), strides=(1, 2), padding="valid", output_padding=(0, 1))
    z = g.conv_transpose(x, 4, (3, 3), dilation=(2, 2), activation="tanh")
    cf = g.input((4, 5, 6))
    w = g.conv_transpose(cf, 2, (3, 2), strides=(2, 3), output_padding=(1, 2),
                         fmt="channels_first")
    v = g.conv_transpose(cf, 3, (4, 4), strides=(2, 2), padding="valid", fmt="channels_first")
    return [y, z, w, v]


def odd_names(g):
    """Layer names Keras accepts that are no C or Halide identifiers: dots, '/', '-',
    spaces, UTF-8, C keywords, a leading digit, and names equal after replacing those
    characters with '_' (block1.conv, block1_conv, block1/conv), and names of the parts
    kconv makes of another layer (int_kernel; block1_conv_kernel, an output)."""
    g.names = ["image input.1", "block1.conv", "block1_conv", "block1/conv", "int",
               "int_kernel", "for", "1st flat-\u00e9t\u00e9", "out.dense", "block1_conv_kernel"]
    x = g.input((6, 6, 3))
    a = g.conv(x, 4, (3, 3), activation="relu")
    b = g.conv(x, 4, (1, 1))
    c = g.conv(a, 4, (3, 3))
    s = g.add("Add", [b, c], lambda u, v: u + v)
    d = g.depthwise(s, (3, 3))
    p = g.add("MaxPooling2D", d, lambda v: lr.pool2d(v, "max", (2, 2), (2, 2), "valid"),
              {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid"})
    f = g.add("Flatten", p, lambda v: lr.flatten(v))
    out = g.dense(f, 5)
    r = g.add("ReLU", s, lambda v: np.maximum(v, 0))
    return [out, r, s]


# --- Broadcasting merges (issue 18 item 8) ---------------------------------------
def keras_merge(kind, xs):
    """Keras's merge of `xs` (Merge.call): a lower-rank input is expanded at axis 1
    until the ranks match, then NumPy broadcasting (the batch sizes are equal)."""
    rank = max(x.ndim for x in xs)
    expanded = [x.reshape(x.shape[:1] + (1,) * (rank - x.ndim) + x.shape[1:]) for x in xs]
    pairwise = {"Add": np.add, "Subtract": np.subtract, "Multiply": np.multiply,
                "Average": np.add, "Maximum": np.maximum, "Minimum": np.minimum}[kind]
    result = functools.reduce(pairwise, expanded)
    return result / len(xs) if kind == "Average" else result


def merge(g, kind, inputs):
    return g.add(kind, inputs, lambda *xs, k=kind: keras_merge(k, list(xs)))


def se_broadcast(g):
    """Squeeze-and-excite blocks and every merge kind with broadcast operands, channels_last."""
    x = g.input((6, 6, 8))
    y = g.conv(x, 8, (3, 3), activation="relu")
    # SE with GlobalAveragePooling2D(keepdims) -> Dense -> Dense(sigmoid): (N, 1, 1, 8).
    s = g.add("GlobalAveragePooling2D", y, lambda v: lr.global_pool2d(v, "avg", keepdims=True),
              {"keepdims": True})
    s = g.dense(s, 4, "relu")
    s = g.dense(s, 8, "sigmoid")
    y = merge(g, "Multiply", [y, s])
    # SE with Reshape to (1, 1, 8) and a separate sigmoid, the scale first: the sigmoid
    # stays computed once per channel, not inlined into the Multiply.
    t = g.add("GlobalAveragePooling2D", y, lambda v: lr.global_pool2d(v, "avg"))
    t = g.dense(t, 8)
    t = g.add("Reshape", t, lambda v: v.reshape(v.shape[0], 1, 1, 8), {"target_shape": [1, 1, 8]})
    t = g.activation(t, "sigmoid")
    y = merge(g, "Multiply", [t, y])
    # The same through a view: Rescaling -> Reshape -> Multiply.
    u = g.add("GlobalMaxPooling2D", y, lambda v: lr.global_pool2d(v, "max"))
    u = g.add("Rescaling", u, lambda v: v * 0.5 - 0.25, {"scale": 0.5, "offset": -0.25})
    u = g.add("Reshape", u, lambda v: v.reshape(v.shape[0], 1, 1, 8), {"target_shape": [1, 1, 8]})
    y = merge(g, "Multiply", [y, u])
    # Rank-different Add: (N, 8) is expanded to (N, 1, 1, 8).
    d = g.dense(s, 8)
    d = g.add("Reshape", d, lambda v: v.reshape(v.shape[0], 8), {"target_shape": [8]})
    y = merge(g, "Add", [y, d])
    # The other kinds, each with a differently broadcast operand.
    rows = g.add("AveragePooling2D", y, lambda v: lr.pool2d(v, "avg", (1, 6), (1, 6), "valid"),
                 {"pool_size": [1, 6], "strides": [1, 6], "padding": "valid"})  # (N, 6, 1, 8)
    a = merge(g, "Subtract", [y, rows])
    b = merge(g, "Average", [rows, a, s])  # (N, 6, 1, 8), (N, 6, 6, 8), (N, 1, 1, 8)
    cols = g.add("Reshape", rows, lambda v: v.reshape(v.shape[0], 6, 8),
                 {"target_shape": [6, 8]})  # rank 3: expanded to (N, 1, 6, 8)
    c = merge(g, "Maximum", [b, cols])
    one = g.dense(s, 1)  # (N, 1, 1, 1)
    e = merge(g, "Minimum", [one, c])
    both = merge(g, "Add", [rows, cols])  # (N, 6, 1, 8) + (N, 1, 6, 8) -> (N, 6, 6, 8)
    return [e, both, merge(g, "Multiply", [s, one])]


def se_broadcast_cf(g):
    """The same, channels_first: the layout pass meets broadcast operands of rank 4
    (transposed with the feature map or not) and of lower rank."""
    cf = "channels_first"
    x = g.input((8, 6, 5))
    y = g.conv(x, 8, (3, 3), fmt=cf, activation="relu")
    s = g.add("GlobalAveragePooling2D", y,
              lambda v: lr.global_pool2d(v, "avg", cf, keepdims=True),
              {"keepdims": True, "data_format": cf})  # (N, 8, 1, 1)
    s = g.conv(s, 4, (1, 1), fmt=cf, activation="relu")
    s = g.conv(s, 8, (1, 1), fmt=cf, activation="sigmoid")
    y = merge(g, "Multiply", [y, s])
    y = g.conv(y, 8, (3, 3), fmt=cf)
    t = g.add("GlobalAveragePooling2D", y, lambda v: lr.global_pool2d(v, "avg", cf),
              {"data_format": cf})
    t = g.dense(t, 8, "sigmoid")
    t4 = g.add("Reshape", t, lambda v: v.reshape(v.shape[0], 8, 1, 1),
               {"target_shape": [8, 1, 1]})
    y = merge(g, "Multiply", [t4, y])
    w = g.dense(t, 30)
    w = g.add("Reshape", w, lambda v: v.reshape(v.shape[0], 6, 5), {"target_shape": [6, 5]})
    y = merge(g, "Subtract", [y, w])  # (N, 6, 5) is expanded to (N, 1, 6, 5)
    y = g.conv(y, 8, (1, 1), fmt=cf)
    v = g.dense(t, 5)  # (N, 5): expanded to (N, 1, 1, 5), along the width
    return [merge(g, "Maximum", [y, v]), merge(g, "Average", [y, s, t4])]


def mbconv_se(g):
    """An EfficientNet MBConv block (SE by GlobalAveragePooling2D, Reshape to (1, 1, C)
    and two 1x1 Conv2D, silu) then a MobileNetV3 block (SE by a keepdims pool, a relu
    convolution and a hard sigmoid), each with its residual Add."""
    x = g.input((8, 8, 8))
    y = g.conv(x, 24, (1, 1), use_bias=False)
    y = g.batch_norm(y)
    y = g.activation(y, "silu")
    y = g.depthwise(y, (3, 3))
    y = g.batch_norm(y)
    y = g.activation(y, "silu")
    s = g.add("GlobalAveragePooling2D", y, lambda v: lr.global_pool2d(v, "avg"))
    s = g.add("Reshape", s, lambda v: v.reshape(v.shape[0], 1, 1, 24), {"target_shape": [1, 1, 24]})
    s = g.conv(s, 4, (1, 1), activation="silu")
    s = g.conv(s, 24, (1, 1), activation="sigmoid")
    y = merge(g, "Multiply", [y, s])
    y = g.conv(y, 8, (1, 1), use_bias=False)
    y = g.batch_norm(y)
    x = merge(g, "Add", [y, x])
    y = g.conv(x, 16, (1, 1), activation="relu")
    y = g.depthwise(y, (3, 3))
    s = g.add("GlobalAveragePooling2D", y, lambda v: lr.global_pool2d(v, "avg", keepdims=True),
              {"keepdims": True})
    s = g.conv(s, 4, (1, 1), activation="relu")
    # MobileNetV3's hard_sigmoid, relu6(x + 3) / 6, as layers (not the activation,
    # whose meaning differs between Keras 2 and 3).
    s = g.conv(s, 16, (1, 1))
    s = g.add("Rescaling", s, lambda v: v / 6 + 0.5, {"scale": 1 / 6, "offset": 0.5})
    s = g.add("ReLU", s, lambda v: lr.relu_layer(v, max_value=1.0), {"max_value": 1.0})
    y = merge(g, "Multiply", [y, s])
    y = g.conv(y, 8, (1, 1))
    return [merge(g, "Add", [x, y])]


def scalar_ops(g):
    """Tensor-number arithmetic as Keras writes Python operators (Graph.scalar_op): each
    kind, MobileNetV3's hard sigmoid among them; in Keras 3 the number first too (3 - x,
    written by __rsub__ as Subtract(3.0, x))."""
    x = g.input((6, 6, 4))
    y = g.conv(x, 4, (3, 3))
    a = g.scalar_op(y, "add", 3.0)
    a = g.add("ReLU", a, lambda v: lr.relu_layer(v, 6.0), {"max_value": 6.0})
    a = g.scalar_op(a, "multiply", 1.0 / 6.0)
    b = g.scalar_op(g.scalar_op(y, "subtract", 0.25), "divide", -4.0)
    b = g.scalar_op(b, "multiply", 2)  # an integer operand
    outputs = [a, g.conv(b, 3, (1, 1))]
    if g.keras3:
        c = g.scalar_op(y, "subtract", 2.0, number_first=True)
        c = g.scalar_op(c, "multiply", 0.5, number_first=True)
        outputs.append(g.scalar_op(c, "add", -1.5, number_first=True))
    return outputs


def keras_ops(g):
    """Keras 3 activations called as keras.ops functions on tensors of a functional model
    (operations of keras.src.ops.nn and .numpy, their arguments in their configs), each
    on a Dense's output, against float64 NumPy: every activation kconv computes, the
    arguments away from their defaults, gelu's approximate both ways, softmax over a
    middle axis."""
    x = g.input((6, 8))
    d = g.dense(x, 8)
    erf = np.vectorize(math.erf)
    sig = lambda v: 1 / (1 + np.exp(-v))
    plain = ["Relu", "Relu6", "Sigmoid", "SparseSigmoid", "Softplus", "Softsign", "SparsePlus",
             "Silu", "LogSigmoid", "HardSigmoid", "HardSilu", "Selu", "TanhShrink",
             "HardTanh", "Elu", "Celu", "LeakyRelu", "Squareplus", "SoftShrink", "HardShrink"]
    names = {"SparseSigmoid": "sparse_sigmoid", "SparsePlus": "sparse_plus",
             "LogSigmoid": "log_sigmoid", "HardSigmoid": "hard_sigmoid",
             "HardSilu": "hard_silu", "TanhShrink": "tanh_shrink", "HardTanh": "hard_tanh",
             "LeakyRelu": "leaky_relu", "SoftShrink": "soft_shrink",
             "HardShrink": "hard_shrink"}
    outputs = [g.operation(d, cls, lambda v, n=names.get(cls, cls.lower()): cr.activation(n, v))
               for cls in plain]
    outputs += [
        g.operation(d, "Tanh", np.tanh, module="keras.src.ops.numpy"),
        g.operation(d, "Exp", np.exp, module="keras.src.ops.numpy"),
        g.operation(d, "LeakyRelu", lambda v: np.where(v >= 0, v, 0.05 * v),
                    {"negative_slope": 0.05}),
        g.operation(d, "Elu", lambda v: np.where(v > 0, v, 0.5 * np.expm1(np.minimum(v, 0))),
                    {"alpha": 0.5}),
        g.operation(d, "Celu", lambda v: np.maximum(v, 0) + 2 * np.minimum(0, np.expm1(v / 2)),
                    {"alpha": 2.0}),
        g.operation(d, "Squareplus", lambda v: (v + np.sqrt(v * v + 1)) / 2, {"b": 1}),
        g.operation(d, "SoftShrink",
                    lambda v: np.where(v > 0.3, v - 0.3, np.where(v < -0.3, v + 0.3, 0)),
                    {"threshold": 0.3}),
        g.operation(d, "HardShrink", lambda v: np.where(np.abs(v) > 0.2, v, 0),
                    {"threshold": 0.2}),
        g.operation(d, "Threshold", lambda v: np.where(v > 0.1, v, -2.0),
                    {"threshold": 0.1, "default_value": -2.0}),
        g.operation(d, "Gelu", lambda v: 0.5 * v * (1 + np.tanh(
            math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)))),
        g.operation(d, "Gelu", lambda v: 0.5 * v * (1 + erf(v / math.sqrt(2))),
                    {"approximate": False}),
        g.operation(d, "Softmax", lambda v: cr.activation("softmax", v, axis=1), {"axis": 1}),
        g.operation(d, "LogSoftmax", lambda v: cr.activation("log_softmax", v), {"axis": -1}),
        g.operation(d, "Sparsemax", lambda v: cr.activation("sparsemax", v), {"axis": -1}),
        g.operation(d, "Glu", lambda v: cr.activation("glu", v), {"axis": -1}),
    ]
    # A chain, one activation's output the next's input.
    y = g.operation(g.operation(d, "Silu", lambda v: v * sig(v)), "Gelu",
                    lambda v: 0.5 * v * (1 + erf(v / math.sqrt(2))), {"approximate": False})
    # Element-wise arithmetic of two tensors (`x * keras.ops.sigmoid(x)`, ...), a size of
    # 1 broadcast.
    s = g.operation(d, "Sigmoid", sig)
    m = g.operation([d, s], "Multiply", lambda a, b: a * b, module="keras.src.ops.numpy")
    p = g.dense(x, 1)
    a = g.operation([m, p], "Subtract", lambda a, b: a - b, module="keras.src.ops.numpy")
    a = g.operation([a, d], "Maximum", np.maximum, module="keras.src.ops.numpy")
    a = g.operation([p, a], "Minimum", np.minimum, module="keras.src.ops.numpy")
    a = g.operation([a, y], "Add", lambda a, b: a + b, module="keras.src.ops.numpy")
    # Gelu's tanh form as the only reader of a Dense: fused into it.
    t = g.operation(g.dense(x, 4), "Gelu", lambda v: 0.5 * v * (1 + np.tanh(
        math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3))))
    # numpy's element-wise math.
    math_ops = [g.operation(d, "Absolute", np.abs, module="keras.src.ops.numpy"),
                g.operation(d, "Negative", np.negative, module="keras.src.ops.numpy"),
                g.operation(g.operation(d, "Square", np.square, module="keras.src.ops.numpy"),
                            "Sqrt", np.sqrt, module="keras.src.ops.numpy"),
                g.operation(g.operation(d, "Exp", np.exp, module="keras.src.ops.numpy"),
                            "Log", np.log, module="keras.src.ops.numpy")]
    return outputs + [y, a, t] + math_ops


BROADCAST_MODELS = {"se_broadcast": se_broadcast, "se_broadcast_cf": se_broadcast_cf,
                    "mbconv_se": mbconv_se}


# Layers that are the identity at inference (Keras 3's augmentations among them), around
# a convolution: the model's output is the convolution's.
IDENTITIES = [("Identity", {}), ("RandomGrayscale", {"factor": 0.5}),
              ("RandomHue", {"factor": 0.3, "value_range": [0, 255]}),
              ("RandomSaturation", {"factor": 0.5, "value_range": [0, 255]}),
              ("RandomSharpness", {"factor": 0.5, "value_range": [0, 255]}),
              ("RandomColorDegeneration", {"factor": 0.5, "value_range": [0, 255]}),
              ("RandomColorJitter", {"value_range": [0, 255]}),
              ("RandomInvert", {"factor": 0.5, "value_range": [0, 255]}),
              ("RandomPosterization", {"factor": [1, 8], "value_range": [0, 255]}),
              ("RandomErasing", {"factor": 0.5, "value_range": [0, 255]}),
              ("RandomGaussianBlur", {"factor": 0.5, "value_range": [0, 255]}),
              ("Solarization", {"addition_factor": 0.2, "value_range": [0, 255]}),
              ("AugMix", {"value_range": [0, 255]}), ("RandAugment", {"value_range": [0, 255]}),
              ("CutMix", {"factor": 1.0}), ("MixUp", {"alpha": 0.2}),
              ("RandomFlip", {"mode": "horizontal"}), ("GaussianNoise", {"stddev": 0.1}),
              ("RandomPerspective", {"factor": 0.5, "scale": 1.0}),
              ("RandomShear", {"x_factor": 0.2, "y_factor": 0.2}),
              ("RandomElasticTransform", {"factor": 1.0, "scale": 1.0}),
              ("MaxNumBoundingBoxes", {"max_number": 4}),
              ("RandomHeight", {"factor": 0.2}), ("RandomWidth", {"factor": 0.2}),
              ("FixedDropout", {"rate": 0.2})]


def identities(g):
    x = g.input((6, 6, 3))
    for cls, config in IDENTITIES[:len(IDENTITIES) // 2]:
        x = g.add(cls, x, lambda v: v, dict(config, seed=None))
    y = g.conv(x, 4, (3, 3), activation="relu")
    for cls, config in IDENTITIES[len(IDENTITIES) // 2:]:
        y = g.add(cls, y, lambda v: v, dict(config, seed=None))
    return [y]


def long_lived(g):
    """Values read long after they are computed, for a split model's buffer lifetimes
    (split-lifetimes.test): an early result (a model output too) and the model input read
    by the last layers after a chain of stored results of the same size, whose buffers
    would take a freed one's memory; a value output twice; the input as an output."""
    x = g.input((6, 6, 4))
    early = g.conv(x, 4, (3, 3), activation="relu")
    y, chain = early, []
    for _ in range(8):
        y = g.conv(y, 4, (3, 3), activation="tanh")
        chain.append(y)
    y = g.add("Add", [y, early], lambda a, b: a + b)
    y = g.conv(y, 4, (1, 1))
    cat = g.add("Concatenate", [y, chain[1], x], lambda *v: np.concatenate(v, -1),
                {"axis": -1})
    out = g.conv(cat, 5, (1, 1))
    return [early, out, out, x]


def conv_stack(g):
    """Layers with work enough for many parallel tasks at 16 and 64 threads (issue 25):
    bands of rows, an odd row count (a strided valid convolution), few filters (lanes
    along the width), an element-wise layer of two tasks."""
    x = g.input((56, 40, 16))
    a = g.conv(x, 16, (3, 3), activation="relu")               # 5.2 M multiply-adds
    b = g.conv(a, 32, (3, 3), strides=(2, 2), padding="valid")  # 27 x 19
    c = g.conv(b, 3, (5, 5))                                    # 3 filters
    m = g.add("Multiply", [a, x], lambda u, v: u * v)
    return [c, m]


def big_weights(g):
    """More than 8 MiB of weights in few layers (weights-data.test): a split model whose
    weights are data, read by convolutions (packed kernels), a large Dense and a small
    Dense and batch normalization, whose few values stay in the code."""
    x = g.input((8, 8, 16))
    y = g.conv(x, 32, (3, 3), activation="relu")
    y = g.batch_norm(y)
    y = g.conv(y, 32, (3, 3), activation="tanh")
    y = g.add("Flatten", y, lr.flatten)
    y = g.dense(y, 1100, activation="relu")
    return [g.dense(y, 10)]


MODELS = {"resnet_block": resnet_block, "mobilenet_block": mobilenet_block,
          "classifier": classifier, "channels_first_net": channels_first_net,
          "branches": branches, "decoder": decoder, "odd_names": odd_names,
          "identities": identities, "long_lived": long_lived, "big_weights": big_weights,
          "conv_stack": conv_stack}
MODELS.update(BROADCAST_MODELS)
MODELS["scalar_ops"] = scalar_ops
MODELS["keras_ops"] = keras_ops
# odd_names: layer-names.test; the broadcast models: broadcast-merges.test; scalar_ops and
# keras_ops (Keras 3 only): scalar-operations.test; identities: identities.test;
# long_lived: split-lifetimes.test; big_weights: weights-data.test; conv_stack:
# many-threads.test
DEFAULT_MODELS = [m for m in MODELS if m not in ("odd_names", "scalar_ops", "keras_ops",
                                                  "identities", "long_lived", "big_weights",
                                                  "conv_stack") and
                  m not in BROADCAST_MODELS]


def build(name, keras3, workdir, rng, full_h5=False):
    g = Graph(name, rng)
    g.keras3 = keras3
    outputs = MODELS[name](g)
    d = os.path.join(workdir, name + ("_k3" if keras3 else ""))
    os.makedirs(d, exist_ok=True)
    config = g.outputs_json(outputs, keras3)
    if keras3:
        model = os.path.join(d, "model.keras")
        keras_writer.save_keras_archive(model, config,
                                        [(cls, w) for _, cls, w in g.weights],
                                        [(n, w) for n, _, w in g.weights],
                                        keras_version=KERAS3_VERSION)
        args = [model]
    elif name == "classifier" or full_h5:  # a Keras 2 full-model .h5, weightless layers too
        weights = dict((n, w) for n, _, w in g.weights)
        model = os.path.join(d, "model.h5")
        keras_writer.save_model_h5(model, config, [(c["name"], weights.get(c["name"], []))
                                                   for cls, c, _ in g.layers
                                                   if cls != "InputLayer"])
        args = [model]
    else:
        with open(os.path.join(d, "model.json"), "w") as f:
            f.write(config)
        keras_writer.save_weights_h5(os.path.join(d, "w.h5"),
                                     [(n, w) for n, _, w in g.weights])
        args = [os.path.join(d, "model.json"), "--weights", os.path.join(d, "w.h5")]
    return g, outputs, d, args


def main():
    global BATCH
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS))
    parser.add_argument("--keras3", action="store_true", help="write .keras archives")
    parser.add_argument("--h5", action="store_true",
                        help="write Keras 2 full-model .h5 files (else JSON + weights .h5)")
    parser.add_argument("--threads", default="",
                        help="comma-separated thread counts to run each model with (--threads N)"
                             "; the outputs must also be bit-identical across them")
    parser.add_argument("--compile-threads", action="store_true",
                        help="compile an executable per --threads count, its schedules split "
                             "for that count (kconvc --threads N)")
    parser.add_argument("--batch", type=int, default=BATCH,
                        help="the inputs' batch (the models' batch stays None)")
    parser.add_argument("--kconvc-arg", action="append", default=[],
                        help="an extra kconvc argument (repeatable), e.g. --target=arm-64-linux")
    parser.add_argument("--compile-only", action="store_true",
                        help="write the models and inputs and compile them, without running "
                             "them (code for a machine this one lacks, a GPU)")
    parser.add_argument("--runner", default="",
                        help="command prefix running the executables, e.g. "
                             "'qemu-aarch64 -L /usr/aarch64-linux-gnu'")
    args = parser.parse_args()
    BATCH = args.batch
    runner = shlex.split(args.runner)
    rng = np.random.default_rng(11)
    failures = 0
    for name in args.models.split(","):
        g, outputs, d, compile_args = build(name, args.keras3, args.workdir, rng, args.h5)
        exe = os.path.join(d, "m")

        def compile_exe(path, extra=()):
            subprocess.run([args.kconvc] + compile_args + args.kconvc_arg + list(extra) +
                           ["--emit=exe", "-o", path], check=True)

        if not args.compile_threads:
            compile_exe(exe)
        inputs = []
        for i, (_, x) in enumerate(g.inputs):
            np.save(os.path.join(d, f"x{i}.npy"), x)
            inputs += ["--input", os.path.join(d, f"x{i}.npy")]
        if args.compile_only:
            print(f"{os.path.basename(d)}: compiled")
            continue
        first = {}
        for threads in args.threads.split(",") if args.threads else [""]:
            suffix = f"_t{threads}" if threads else ""
            run_exe = exe
            if args.compile_threads:
                run_exe = exe + suffix
                compile_exe(run_exe, ["--threads", threads] if threads else [])
            command = runner + [run_exe] + inputs + (["--threads", threads] if threads else [])
            for i in range(len(outputs)):
                command += ["--output", os.path.join(d, f"y{i}{suffix}.npy")]
            subprocess.run(command, check=True)
            for i, out in enumerate(outputs):
                y, ref = np.load(os.path.join(d, f"y{i}{suffix}.npy")), g.values[out]
                # float32 against float64: relative to the output's magnitude.
                err = np.abs(y - ref).max() if y.shape == ref.shape else float("inf")
                tolerance = 2e-5 * max(1.0, np.abs(ref).max())
                # Every output element is computed by one thread, the same way: the
                # thread count must not change a bit.
                same = np.array_equal(first.setdefault(i, y), y)
                ok = err <= tolerance and same
                failures += not ok
                where = f" threads {threads}" if threads else ""
                print(f"{os.path.basename(d)}{where} output {i} ({out}): shape {y.shape}, "
                      f"reference {ref.shape}, max error {err:.2g} (tolerance {tolerance:.1g})"
                      f"{'' if same else ', differs from the first thread count'}: "
                      f"{'ok' if ok else 'FAIL'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
