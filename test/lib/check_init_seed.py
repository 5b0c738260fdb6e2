#!/usr/bin/python3
"""Checks an executable compiled with --init-seed against the reference, using the
weights that `kconvc --emit=mlir --mlir-print-weights` shows for the same seed, and
that those weights have He-uniform bounds and the bias the RandomUniform range."""
import re
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import conv_reference  # noqa: E402


def blob(mlir, name):
    hexdata = re.search(re.escape(name) + r': "0x([0-9A-F]+)"', mlir).group(1)
    raw = bytes.fromhex(hexdata)[4:]  # the first word is the blob's alignment
    return np.frombuffer(raw, dtype="<f4")


mlir_path, x_path, y_path = sys.argv[1:4]
mlir = open(mlir_path).read()
kernel = blob(mlir, "conv2d.kernel").reshape(3, 3, 2, 4)
bias = blob(mlir, "conv2d.bias")
limit = np.sqrt(6 / (3 * 3 * 2))
assert np.all(np.abs(kernel) <= limit) and np.abs(kernel).max() > 0.5 * limit, kernel
assert np.all(np.abs(bias) <= 0.5) and np.any(bias != 0), bias
x, y = np.load(x_path), np.load(y_path)
ref = conv_reference.conv2d(x, kernel, bias, padding="same", activation_name="tanh")
err = np.abs(y - ref).max()
print(f"init-seed weights within initializer bounds; max error {err:.2g}")
sys.exit(0 if err < 1e-5 else 1)
