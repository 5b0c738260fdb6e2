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


# ---- Issue 18 items 2-5: HDF5 links and external data, zip and JSON bombs ----------
def reader_inputs():
    import h5py
    kernel = np.linspace(-1, 1, 18, dtype=np.float32).reshape(3, 3, 1, 2)
    bias = np.array([0.5, -0.5], np.float32)
    weights = [("conv2d", [("kernel", kernel), ("bias", bias)])]
    kernel_path = "conv2d/conv2d/kernel:0"

    def weights_file(name, replace_kernel):
        path = os.path.join(here, name)
        keras_writer.save_weights_h5(path, weights)
        with h5py.File(path, "a") as f:
            del f[kernel_path]
            replace_kernel(f)

    # The kernel's bytes are read from another file (any readable file became a kernel).
    weights_file("external_storage.h5", lambda f: f.create_dataset(
        kernel_path, shape=kernel.shape, dtype="f4", external=[("/etc/passwd", 0, 72)]))
    # The kernel is an external link into another file (resolved next to this one).
    weights_file("external_link.h5", lambda f: f.__setitem__(
        kernel_path, h5py.ExternalLink("valid.h5", "/" + kernel_path)))
    # A group on the way is an external link: H5Lexists would follow it.
    path = os.path.join(here, "external_link_group.h5")
    keras_writer.save_weights_h5(path, weights)
    with h5py.File(path, "a") as f:
        del f["conv2d/conv2d"]
        f["conv2d/conv2d"] = h5py.ExternalLink("valid.h5", "/conv2d/conv2d")
    # An external link to a FIFO the test creates (opening it blocked forever).
    weights_file("external_link_fifo.h5", lambda f: f.__setitem__(
        kernel_path, h5py.ExternalLink("kconv_fifo.h5", "/x")))
    # A kernel compressed with a filter that is not built into libhdf5 (32004, LZ4):
    # reading it made libhdf5 load every library in HDF5_PLUGIN_PATH. A gzip-compressed
    # one (built in) must still be read.
    def unknown_filter(f):
        d = f.create_dataset(kernel_path, shape=kernel.shape, dtype="f4", chunks=kernel.shape,
                             compression=32004, allow_unknown_filter=True)
        d.id.write_direct_chunk((0, 0, 0, 0), kernel.tobytes(), filter_mask=0)
    weights_file("plugin_filter.h5", unknown_filter)
    weights_file("gzip_filter.h5", lambda f: f.create_dataset(
        kernel_path, data=kernel, compression="gzip", shuffle=True))
    # A soft link inside the file.

    def soft(f):
        f.create_dataset("elsewhere", data=kernel)
        f[kernel_path] = h5py.SoftLink("/elsewhere")
    weights_file("soft_link.h5", soft)

    # A virtual dataset (its data mapped from other datasets).
    def virtual(f):
        f.create_dataset("source", data=kernel)
        layout = h5py.VirtualLayout(shape=kernel.shape, dtype="f4")
        layout[:] = h5py.VirtualSource(".", "/source", shape=kernel.shape)
        f.create_virtual_dataset(kernel_path, layout)
    weights_file("virtual_dataset.h5", virtual)

    # .keras bombs. The weights entry's local and central headers both claim 3.75 GiB
    # (allocated before reading, before the fix).
    archive = open(os.path.join(here, "valid.keras"), "rb").read()

    def claim(entry, size, name):
        claims = bytearray(archive)
        for signature, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                         (b"PK\x01\x02", 24, 28, 46)):
            at = claims.find(signature)
            while at >= 0:
                n = struct.unpack_from("<H", claims, at + name_len_at)[0]
                if claims[at + name_at:at + name_at + n] == entry:
                    struct.pack_into("<I", claims, at + size_at, size)
                at = claims.find(signature, at + 4)
        with open(os.path.join(here, name), "wb") as f:
            f.write(bytes(claims))
    claim(b"model.weights.h5", 0xF0000000, "weights_claims_4gib.keras")
    # config.json claims 48 MiB (within its cap) from 1380 stored bytes.
    claim(b"config.json", 48 << 20, "config_claims_48mib.keras")
    # metadata.json of 60 MiB of '[' (deflated to 60 kB), and a small one nested too deep.
    k3 = keras_writer.keras3_conv2d_config("conv2d", filters=2, kernel_size=[3, 3])
    k3_json = keras_writer.keras3_sequential_json([("Conv2D", k3)], (4, 4, 1))
    for name, metadata in (("metadata_60mib.keras", "[" * (60 << 20)),
                           ("metadata_deep.keras", "[" * 1000 + "]" * 1000)):
        with zipfile.ZipFile(os.path.join(here, name), "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("metadata.json", metadata)
            z.writestr("config.json", k3_json)
    # A config.json that is a long list of {} (4 MiB, deflated): quadratic to parse with
    # nlohmann's callback parser (it never finished).
    with zipfile.ZipFile(os.path.join(here, "config_empty_objects.keras"), "w",
                         zipfile.ZIP_DEFLATED) as z:
        z.writestr("config.json", "[" + ",".join(["{}"] * ((4 << 20) // 3)) + "]")

    # An honest weights entry far larger than the model's 20 parameters can need: 32 MiB
    # of zeros beside them, deflated to 32 kB (within any compression-ratio bound).
    import io
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        keras_writer._write_keras3_weights(f, [("Conv2D", weights[0][1])], weights)
        f.create_dataset("optimizer/vars/0", data=np.zeros(8 << 20, np.float32))
    with zipfile.ZipFile(os.path.join(here, "weights_beyond_model.keras"), "w",
                         zipfile.ZIP_DEFLATED) as z:
        z.writestr("config.json", k3_json)
        z.writestr("model.weights.h5", buffer.getvalue())


reader_inputs()


def normalization_inputs():
    """Keras Normalization layers with impossible statistics or arguments (issue 20)."""
    def norm(name, weights=None, **config):
        full = {"name": "norm", "trainable": True, "dtype": "float32", "axis": [-1],
                "invert": False, "mean": None, "variance": None}
        full.update(config)
        write(name + ".json", keras_writer.sequential_json([("Normalization", full)], (3, 3, 4)))
        if weights is not None:
            keras_writer.save_weights_h5(os.path.join(here, name + ".h5"), [("norm", weights)])

    count = ("count", np.array(10, dtype=np.int64))
    norm("norm_negative_variance_config", mean=[0.0, 0.0, 0.0, 0.0],
         variance=[1.0, -0.5, 1.0, 1.0])
    norm("norm_negative_variance", [("mean", np.zeros(4, np.float32)),
                                    ("variance", np.array([1, 1, -2, 1], np.float32)), count])
    norm("norm_wrong_shape", [("mean", np.zeros(3, np.float32)),
                              ("variance", np.ones(3, np.float32)), count])
    norm("norm_two_weights", [("mean", np.zeros(4, np.float32)),
                              ("variance", np.ones(4, np.float32))])
    norm("norm_several_axes", axis=[1, 3])
    norm("norm_mean_count", mean=[0.0, 1.0, 2.0], variance=[1.0, 1.0, 1.0])
    norm("norm_mean_only", mean=[0.0, 1.0, 2.0, 3.0])
    norm("norm_batch_axis", axis=[0])


normalization_inputs()


def layer_norm_inputs():
    """Keras LayerNormalization layers kconv rejects (issue 20): weights of the wrong
    shape, a negative epsilon (bad axes: test/Driver/bad-models.test)."""
    def layer_norm(name, weights=None, **config):
        full = {"name": "ln", "trainable": True, "dtype": "float32", "axis": -1,
                "epsilon": 1e-3, "center": True, "scale": True}
        full.update(config)
        write(name + ".json",
              keras_writer.sequential_json([("LayerNormalization", full)], (3, 3, 4)))
        if weights is not None:
            keras_writer.save_weights_h5(os.path.join(here, name + ".h5"), [("ln", weights)])

    layer_norm("ln_wrong_gamma", [("gamma", np.ones(3, np.float32)),
                                  ("beta", np.zeros(4, np.float32))])
    layer_norm("ln_negative_epsilon", epsilon=-1e-5)


layer_norm_inputs()


def conv1d_inputs():
    """Keras Conv1D layers with arguments Keras rejects or kconv cannot import (issue 20)."""
    def conv1d(name, input_shape=(6, 4), weights=None, **config):
        full = {"name": "conv1d", "trainable": True, "dtype": "float32", "filters": 2,
                "kernel_size": 3, "strides": 1, "padding": "valid",
                "data_format": "channels_last", "dilation_rate": 1, "groups": 1,
                "activation": "linear", "use_bias": True}
        full.update(config)
        write(name + ".json", keras_writer.sequential_json([("Conv1D", full)], input_shape))
        if weights is not None:
            keras_writer.save_weights_h5(os.path.join(here, name + ".h5"), [("conv1d", weights)])

    conv1d("conv1d_padding_full", padding="full")
    conv1d("conv1d_kernel_pair", kernel_size=[3, 3])
    conv1d("conv1d_rank4_input", input_shape=(6, 6, 4))
    conv1d("conv1d_strided_dilated", strides=2, dilation_rate=2)
    conv1d("conv1d_groups_indivisible", groups=3)
    conv1d("conv1d_kernel_too_long", kernel_size=9)
    conv1d("conv1d_kernel_2d_weights", weights=[("kernel", np.zeros((1, 3, 4, 2), np.float32)),
                                                ("bias", np.zeros(2, np.float32))])
    model("conv2d_causal.json", padding="causal")
    pool = {"name": "pool", "trainable": True, "dtype": "float32", "pool_size": [2, 2],
            "strides": None, "padding": "valid", "data_format": "channels_last"}
    write("pool1d_size_pair.json",
          keras_writer.sequential_json([("MaxPooling1D", pool)], (6, 4)))
    write("global_pool1d_rank4.json", keras_writer.sequential_json(
        [("GlobalAveragePooling1D", {"name": "pool", "trainable": True, "dtype": "float32",
                                     "data_format": "channels_last", "keepdims": False})],
        (6, 6, 4)))


conv1d_inputs()
