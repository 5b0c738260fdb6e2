#!/usr/bin/python3
"""Keras applications written in Keras's own structure (layer classes, names, arguments of
keras.applications), with random well-scaled weights, compiled whole and compared with an
independent float64 reference evaluated layer by layer (graph_e2e.Graph). Prints the
compile time and peak memory of kconvc for each model (not checked: machine-dependent)."""
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


def _divisible(v, divisor=8):
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


def _bn(g, x, name):
    g.names = [name]
    return g.batch_norm(x, epsilon=1e-3)


def _relu6(g, x, name):
    g.names = [name]
    return g.add("ReLU", x, lambda v: lr.relu_layer(v, 6.0), {"max_value": 6.0})


def _conv(g, x, name, filters, kernel, strides=(1, 1), padding="same", use_bias=False,
          activation="linear"):
    # He-like scale (variance 1 / fan_in) keeps activations of order 1 through 50 layers.
    cin = g.values[x].shape[3]
    scale = np.sqrt(3.0 / (kernel[0] * kernel[1] * cin))
    k = g.uniform((kernel[0], kernel[1], cin, filters), -scale, scale)
    b = g.uniform((filters,), -0.1, 0.1) if use_bias else None
    config = keras_writer.conv2d_config("", filters, kernel, strides, padding,
                                        activation=activation, use_bias=use_bias)
    weights = [("kernel", k)] + ([("bias", b)] if use_bias else [])
    g.names = [name]
    return g.add("Conv2D", x, lambda v: cr.conv2d(v, k, b, strides, padding,
                                                   activation_name=activation), config, weights)


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


MODELS = {
    "mobilenet_v2": lambda g: mobilenet_v2(g),
    "mobilenet_v2_96": lambda g: mobilenet_v2(g, size=96, alpha=0.35, classes=10),
    "resnet50": lambda g: resnet50(g),
    "resnet_small": lambda g: resnet50(g, size=64, classes=10, stacks=(1, 1, 1, 1)),
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
