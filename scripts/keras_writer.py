"""Writes Keras model files the way Keras itself writes them, without Keras.

Used by the examples' generators and the end-to-end tests (numpy + h5py from Debian;
run with /usr/bin/python3). Formats follow shared/KERAS-FORMATS.md:
  - Keras 2 `model.to_json()` configurations (Sequential / Functional),
  - Keras 2 `save_weights` HDF5 files (layer groups at the root, `:0` names),
  - Keras 2 full-model HDF5 files (`model_config` + `model_weights`).
"""
import json

import h5py
import numpy as np


def conv2d_config(name, filters, kernel_size, strides=(1, 1), padding="valid",
                  data_format="channels_last", dilation_rate=(1, 1), groups=1,
                  activation="linear", use_bias=True, **extra):
    """The `config` dict of a Keras 2.x Conv2D layer."""
    config = {
        "name": name, "trainable": True, "dtype": "float32",
        "filters": filters, "kernel_size": list(kernel_size), "strides": list(strides),
        "padding": padding, "data_format": data_format,
        "dilation_rate": list(dilation_rate), "groups": groups,
        "activation": activation, "use_bias": use_bias,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": None, "bias_regularizer": None,
        "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None,
    }
    config.update(extra)
    return config


def sequential_json(layers, input_shape, name="sequential", keras_version="2.13.1",
                    with_input_layer=True, batch=None):
    """A Keras 2 Sequential `to_json()`. `layers` are (class_name, config) pairs;
    `input_shape` excludes the batch dimension (`batch`: None, or a fixed size)."""
    entries = []
    batch_shape = [batch] + list(input_shape)
    if with_input_layer:
        entries.append({"class_name": "InputLayer", "config": {
            "batch_input_shape": batch_shape, "dtype": "float32", "sparse": False,
            "ragged": False, "name": layers[0][1]["name"] + "_input"}})
    for i, (class_name, config) in enumerate(layers):
        config = dict(config)
        if i == 0 and not with_input_layer:
            config["batch_input_shape"] = batch_shape
        entries.append({"class_name": class_name, "config": config})
    model = {"class_name": "Sequential", "config": {"name": name, "layers": entries},
             "keras_version": keras_version, "backend": "tensorflow"}
    return json.dumps(model, indent=2)


def _string_list(values):
    """Keras <= 2.4 writes name lists as fixed-length byte strings."""
    return np.array([v.encode("utf-8") for v in values], dtype="S")


def _dataset(array):
    """Weights as Keras stores them: float32, integers (Normalization's count) as int64."""
    array = np.asarray(array)
    return array.astype(np.int64) if array.dtype.kind in "iu" else array.astype(np.float32)


def _write_layer_groups(root, weights, keras_version):
    """weights: list of (layer_name, [(weight_name, array), ...]) in layer order."""
    root.attrs["layer_names"] = _string_list([name for name, _ in weights])
    root.attrs["backend"] = "tensorflow"
    root.attrs["keras_version"] = keras_version
    for layer_name, tensors in weights:
        group = root.create_group(layer_name)
        names = [f"{layer_name}/{weight_name}:0" for weight_name, _ in tensors]
        if names:
            group.attrs["weight_names"] = _string_list(names)
        else:  # weightless layers: an empty float64 array, as Keras writes it
            group.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)
        for full_name, (_, array) in zip(names, tensors):
            group.create_dataset(full_name, data=_dataset(array))


def save_weights_h5(path, weights, keras_version="2.13.1"):
    """A Keras 2 `model.save_weights("w.h5")` file."""
    with h5py.File(path, "w") as f:
        _write_layer_groups(f, weights, keras_version)


def save_model_h5(path, model_json, weights, keras_version="2.13.1"):
    """A Keras 2 `model.save("m.h5")` file: configuration and weights together."""
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = model_json
        f.attrs["keras_version"] = keras_version
        f.attrs["backend"] = "tensorflow"
        _write_layer_groups(f.create_group("model_weights"), weights, keras_version)


# ---- Keras 3 ------------------------------------------------------------------------

def _keras3_dtype():
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
            "registered_name": None}


def keras3_conv2d_config(name, activation="linear", **kwargs):
    """A Keras 3 Conv2D config: DTypePolicy dtype, initializer objects with module."""
    config = conv2d_config(name, activation=activation, **kwargs)
    config["dtype"] = _keras3_dtype()
    config["kernel_initializer"] = {"module": "keras.initializers", "class_name": "GlorotUniform",
                                    "config": {"seed": None}, "registered_name": None}
    config["bias_initializer"] = {"module": "keras.initializers", "class_name": "Zeros",
                                  "config": {}, "registered_name": None}
    return config


def keras3_sequential_json(layers, input_shape, name="sequential", with_input_layer=True):
    """A Keras 3 Sequential config (config.json of a .keras, or to_json())."""
    batch_shape = [None] + list(input_shape)
    entries = []
    if with_input_layer:
        entries.append({"module": "keras.layers", "class_name": "InputLayer", "config": {
            "batch_shape": batch_shape, "dtype": "float32", "sparse": False,
            "name": "input_layer"}, "registered_name": None})
    for class_name, config in layers:
        entries.append({"module": "keras.layers", "class_name": class_name, "config": config,
                        "registered_name": None,
                        "build_config": {"input_shape": batch_shape}})
    model = {"module": "keras", "class_name": "Sequential",
             "config": {"name": name, "trainable": True, "dtype": _keras3_dtype(),
                        "layers": entries},
             "registered_name": None, "build_config": {"input_shape": batch_shape},
             "compile_config": None}
    return json.dumps(model)


def keras3_snake_case(class_name):
    """keras.src.utils.naming.to_snake_case."""
    import re
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _keras3_paths(layers):
    """Saving paths of weighted layers: snake_case class name, numbered per name."""
    used, paths = {}, []
    for class_name, _ in layers:
        name = keras3_snake_case(class_name)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        paths.append(name)
    return paths


def _write_keras3_weights(f, layers, weights):
    """layers: (class_name, tensors) in model order; vars numbered 0, 1, ..."""
    root = f.create_group("layers")
    for path, (_, tensors) in zip(_keras3_paths(layers), weights):
        group = root.create_group(path)
        group.attrs["name"] = path
        vars_group = group.create_group("vars")
        for i, (_, array) in enumerate(tensors):
            vars_group.create_dataset(str(i), data=_dataset(array))
    f.create_group("optimizer").create_group("vars")  # present in real files; ignored
    f.create_group("vars")


def save_weights_keras3(path, layers, weights):
    """A Keras 3 `model.save_weights("m.weights.h5")` file."""
    with h5py.File(path, "w") as f:
        _write_keras3_weights(f, layers, weights)


def save_keras_archive(path, config_json, layers, weights, keras_version="3.4.1"):
    """A Keras 3 `model.save("m.keras")` zip (stored, not deflated)."""
    import io
    import zipfile
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        _write_keras3_weights(f, layers, weights)
    metadata = {"keras_version": keras_version, "date_saved": "2026-01-01@00:00:00"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("metadata.json", json.dumps(metadata))
        z.writestr("config.json", config_json)
        z.writestr("model.weights.h5", buffer.getvalue())


def save_model_h5_keras3(path, model_json, weights, model_name, keras_version="3.4.1"):
    """Keras 3's legacy `model.save("m.h5")`: weights at
    model_weights/<layer>/<model name>/<layer>/<var>, names without ':0'."""
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = model_json
        f.attrs["keras_version"] = keras_version
        f.attrs["backend"] = "tensorflow"
        root = f.create_group("model_weights")
        root.attrs["layer_names"] = [name for name, _ in weights]
        root.attrs["backend"] = "tensorflow"
        root.attrs["keras_version"] = keras_version
        for layer_name, tensors in weights:
            group = root.create_group(layer_name)
            names = [f"{model_name}/{layer_name}/{w}" for w, _ in tensors]
            group.attrs["weight_names"] = names
            for full, (_, array) in zip(names, tensors):
                group.create_dataset(full, data=_dataset(array))


def functional_json(layers, inputs, outputs, name="model", keras_version="2.13.1"):
    """A Keras 2 Functional `to_json()`. `layers`: (class_name, config, inbound names)
    in topological order, InputLayers included (config with `batch_input_shape`)."""
    entries = []
    for class_name, config, inbound in layers:
        nodes = [[[producer, 0, 0, {}] for producer in inbound]] if inbound else []
        entries.append({"class_name": class_name, "config": config, "name": config["name"],
                        "inbound_nodes": nodes})
    model = {"class_name": "Functional", "config": {
        "name": name, "layers": entries,
        "input_layers": [[n, 0, 0] for n in inputs],
        "output_layers": [[n, 0, 0] for n in outputs]},
        "keras_version": keras_version, "backend": "tensorflow"}
    return json.dumps(model, indent=1)


def _keras3_tensor(producer, shape):
    return {"class_name": "__keras_tensor__", "config": {
        "shape": list(shape), "dtype": "float32", "keras_history": [producer, 0, 0]}}


def keras3_functional_json(layers, inputs, outputs, shapes, name="model"):
    """A Keras 3 Functional config: `shapes` maps layer names to output shapes (batch
    None included) for the keras tensors of `inbound_nodes`; merge layers take a list."""
    entries = []
    for class_name, config, inbound in layers:
        config = dict(config)
        config["dtype"] = _keras3_dtype()
        entry = {"module": "keras.layers", "class_name": class_name, "config": config,
                 "registered_name": None, "name": config["name"]}
        if class_name == "InputLayer":
            config["batch_shape"] = config.pop("batch_input_shape")
            entry["inbound_nodes"] = []
        else:
            tensors = [_keras3_tensor(p, shapes[p]) for p in inbound]
            args = [tensors] if len(tensors) > 1 else tensors
            entry["inbound_nodes"] = [{"args": args, "kwargs": {}}]
            entry["build_config"] = {"input_shape": shapes[inbound[0]]}
        entries.append(entry)
    single = lambda names: [names[0], 0, 0] if len(names) == 1 else [[n, 0, 0] for n in names]
    model = {"module": "keras", "class_name": "Functional", "config": {
        "name": name, "trainable": True, "layers": entries,
        "input_layers": single(inputs), "output_layers": single(outputs)},
        "registered_name": "Functional", "build_config": {"input_shape": None}}
    return json.dumps(model)
