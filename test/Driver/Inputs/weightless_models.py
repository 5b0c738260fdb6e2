"""Writes full-model .h5 files whose weight name lists are empty arrays of string type
(Keras writes an empty float64 array; other writers an empty string array), which
kconvc must read as "no weights", and a weightless JSON model with its input and
expected output."""
import json
import sys

import h5py
import numpy as np

config = {"class_name": "Sequential", "config": {"name": "pool", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4, 4, 3],
                                             "dtype": "float32", "name": "in"}},
    {"class_name": "MaxPooling2D", "config": {
        "name": "mp", "pool_size": [2, 2], "strides": [2, 2], "padding": "valid",
        "data_format": "channels_last"}}]}}


def write(path, fill):
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["keras_version"] = "2.13.1"
        f.attrs["backend"] = "tensorflow"
        fill(f.create_group("model_weights"))


out = sys.argv[1]
# No layer groups at all: `layer_names` is an empty string array.
write(out + "/no_layers.h5",
      lambda g: g.attrs.__setitem__("layer_names", np.array([], dtype="S1")))


def one_weightless_layer(g):
    g.attrs["layer_names"] = np.array([b"mp"])
    g.create_group("mp").attrs["weight_names"] = np.array([], dtype="S1")


write(out + "/weightless_layer.h5", one_weightless_layer)

# The same model as Keras 2 JSON: it has no weights to ask for.
with open(out + "/pool.json", "w") as f:
    json.dump(config, f)
x = np.random.default_rng(0).standard_normal((2, 4, 4, 3)).astype(np.float32)
np.save(out + "/x.npy", x)
np.save(out + "/expected.npy", x.reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4)))
