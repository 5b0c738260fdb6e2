#!/usr/bin/python3
"""A model whose input has None height and width (a fully convolutional network, as
keras.applications writes them without include_top), written as Keras 2 JSON + .h5
(the first layer's batch_input_shape, no InputLayer) and a Keras 3 .keras archive
(an InputLayer's batch_shape): Conv2D 3x3 'same' + relu, MaxPooling2D 2x2. kconvc
compiles it for the size --input-shape gives; the output is compared with a float64
NumPy reference (test/lib/conv_reference.py, 1e-4 relative).

  input_shape_e2e.py --kconvc KCONVC --workdir DIR --size HxW [--keras3]"""
import argparse
import os
import subprocess
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "scripts"))
import conv_reference  # noqa: E402
import keras_writer as kw  # noqa: E402
import layer_reference as lr  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--keras3", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    rng = np.random.default_rng(3)
    kernel = (rng.standard_normal((3, 3, 3, 4)) / 5).astype(np.float32)
    bias = (rng.standard_normal(4) / 10).astype(np.float32)
    pool = {"name": "pool", "pool_size": [2, 2], "strides": [2, 2], "padding": "valid",
            "data_format": "channels_last"}
    weights = [("conv", [("kernel", kernel), ("bias", bias)]), ("pool", [])]
    if args.keras3:
        conv = kw.keras3_conv2d_config("conv", activation="relu", filters=4,
                                       kernel_size=(3, 3), padding="same")
        layers = [("Conv2D", conv), ("MaxPooling2D", pool)]
        model = [os.path.join(args.workdir, "fcn.keras")]
        kw.save_keras_archive(model[0], kw.keras3_sequential_json(layers, (None, None, 3)),
                              layers, weights)
    else:
        conv = kw.conv2d_config("conv", 4, (3, 3), padding="same", activation="relu")
        layers = [("Conv2D", conv), ("MaxPooling2D", pool)]
        model = [os.path.join(args.workdir, "fcn.json"), "--weights",
                 os.path.join(args.workdir, "fcn.h5")]
        with open(model[0], "w") as f:
            f.write(kw.sequential_json(layers, (None, None, 3), with_input_layer=False))
        kw.save_weights_h5(model[2], weights)
    exe = os.path.join(args.workdir, "fcn")
    subprocess.run([args.kconvc] + model + ["--input-shape", args.size + "x3",
                                            "--emit=exe", "-o", exe], check=True)
    h, w = (int(s) for s in args.size.split("x"))
    x = rng.standard_normal((2, h, w, 3)).astype(np.float32)
    paths = [os.path.join(args.workdir, n) for n in ("x.npy", "y.npy")]
    np.save(paths[0], x)
    subprocess.run([exe, "--input", paths[0], "--output", paths[1]], check=True)
    y = np.load(paths[1])
    conv_out = conv_reference.conv2d(x, kernel.astype(np.float64), bias.astype(np.float64),
                                     padding="same", activation_name="relu")
    ref = lr.pool2d(conv_out, "max", (2, 2), (2, 2), "valid")
    err = np.abs(y - ref).max() if y.shape == ref.shape else float("inf")
    tolerance = 1e-4 * max(1.0, np.abs(ref).max())
    ok = err <= tolerance
    print(f"fcn {args.size}: shape {y.shape}, reference {ref.shape}, max error {err:.2g} "
          f"(tolerance {tolerance:.1g}): {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
