#!/usr/bin/python3
"""Regenerates the hostile inputs of test/Hostile: malformed, truncated, corrupted,
absurd or malicious model, weight, archive and tensor files."""
import json
import os
import struct
import sys
import zipfile

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "scripts"))
import keras_writer  # noqa: E402


def write(name, text):
    with open(os.path.join(here, name), "w") as f:
        f.write(text)


def model(name, input_shape=(4, 4, 1), **conv):
    args = dict(filters=2, kernel_size=(3, 3))
    args.update(conv)
    config = keras_writer.conv2d_config("conv2d", **args)
    write(name, keras_writer.sequential_json([("Conv2D", config)], input_shape))
    return config


def main():
    # Wrong types in JSON fields.
    model("filters_string.json", filters="32")
    model("kernel_size_triple.json", kernel_size=(3, 3, 3))
    model("use_bias_string.json", use_bias="yes")
    write("layers_not_list.json", json.dumps(
        {"class_name": "Sequential", "config": {"name": "s", "layers": {"a": 1}}}))
    write("shape_not_list.json", json.dumps({"class_name": "Sequential", "config": {
        "name": "s", "layers": [{"class_name": "InputLayer",
                                 "config": {"batch_input_shape": "abc", "name": "in"}}]}}))
    write("top_level_array.json", "[1, 2, 3]")
    # Absurd shapes, rejected before any large allocation.
    model("filters_billion.json", filters=10**9)
    model("filters_trillion.json", filters=10**12)
    model("input_huge.json", input_shape=(100000, 100000, 1000))
    model("input_zero.json", input_shape=(0, 4, 1))
    model("input_negative.json", input_shape=(4, -5, 1))
    # Deep nesting.
    write("deep_nesting.json", "[" * 100000 + "]" * 100000)

    # A valid model + weights to corrupt.
    config = model("valid.json")
    kernel = np.linspace(-1, 1, 18, dtype=np.float32).reshape(3, 3, 1, 2)
    bias = np.array([0.5, -0.5], np.float32)
    weights = [("conv2d", [("kernel", kernel), ("bias", bias)])]
    keras_writer.save_weights_h5(os.path.join(here, "valid.h5"), weights)
    raw = open(os.path.join(here, "valid.h5"), "rb").read()
    with open(os.path.join(here, "truncated.h5"), "wb") as f:
        f.write(raw[:600])
    corrupted = bytearray(raw)
    for i in range(96, len(corrupted), 97):  # keep the signature, damage the rest
        corrupted[i] ^= 0x5A
    with open(os.path.join(here, "corrupted.h5"), "wb") as f:
        f.write(bytes(corrupted))
    # NaN and Inf in weights are allowed and propagate.
    nan_kernel = kernel.copy()
    nan_kernel[0, 0, 0, 0] = np.nan
    keras_writer.save_weights_h5(os.path.join(here, "nan_weights.h5"),
                                 [("conv2d", [("kernel", nan_kernel),
                                              ("bias", np.array([0, np.inf], np.float32))])])

    # .keras archives: truncated, lying sizes, path traversal names.
    k3 = keras_writer.keras3_conv2d_config("conv2d", filters=2, kernel_size=[3, 3])
    k3_json = keras_writer.keras3_sequential_json([("Conv2D", k3)], (4, 4, 1))
    keras_writer.save_keras_archive(os.path.join(here, "valid.keras"), k3_json,
                                    [("Conv2D", weights[0][1])], weights)
    archive = open(os.path.join(here, "valid.keras"), "rb").read()
    with open(os.path.join(here, "truncated.keras"), "wb") as f:
        f.write(archive[:len(archive) // 2])
    # Central directory claims config.json is 100 MB (a zip bomb's lie).
    lying = bytearray(archive)
    central = lying.find(b"PK\x01\x02", 0)
    while central >= 0:
        name_len = struct.unpack_from("<H", lying, central + 28)[0]
        if lying[central + 46:central + 46 + name_len] == b"config.json":
            struct.pack_into("<I", lying, central + 24, 100 << 20)
        central = lying.find(b"PK\x01\x02", central + 4)
    with open(os.path.join(here, "lying_size.keras"), "wb") as f:
        f.write(bytes(lying))
    with zipfile.ZipFile(os.path.join(here, "path_traversal.keras"), "w") as z:
        with zipfile.ZipFile(os.path.join(here, "valid.keras")) as src:
            for item in src.infolist():
                z.writestr(item.filename, src.read(item.filename))
        z.writestr("../../kconv_escaped.txt", "should never be written")
        z.writestr("/tmp/kconv_absolute.txt", "should never be written")

    # .npy files whose header lies.
    good = open_npy(np.zeros((1, 4, 4, 1), np.float32))
    lie = good.replace(b"(1, 4, 4, 1)", b"(9, 4, 4, 1)")
    with open(os.path.join(here, "lying_header.npy"), "wb") as f:
        f.write(lie)
    with open(os.path.join(here, "fortran.npy"), "wb") as f:
        f.write(good.replace(b"'fortran_order': False", b"'fortran_order': True "))
    np.save(os.path.join(here, "big_endian.npy"),
            np.arange(16, dtype=">f4").reshape(1, 4, 4, 1))
    np.save(os.path.join(here, "x.npy"), np.ones((1, 4, 4, 1), np.float32))


def open_npy(array):
    import io
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


main()
