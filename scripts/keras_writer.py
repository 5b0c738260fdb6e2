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


# Layers whose variables are their cell's: `layers/lstm/cell/vars/N` (the layer's own
# `vars` group is empty), as Keras 3's saving_lib walks the layer's `cell` attribute.
KERAS3_CELL_LAYERS = ("SimpleRNN", "GRU", "LSTM", "RNN", "ConvLSTM1D", "ConvLSTM2D",
                      "ConvLSTM3D")


def _write_keras3_weights(f, layers, weights):
    """layers: (class_name, tensors) in model order; vars numbered 0, 1, ..."""
    root = f.create_group("layers")
    for path, (class_name, _), (_, tensors) in zip(_keras3_paths(layers), layers, weights):
        group = root.create_group(path)
        group.attrs["name"] = path
        if class_name == "Bidirectional":  # forward_layer/cell/vars, backward_layer/...
            group.create_group("vars")
            for direction in ("forward", "backward"):
                inner = group.create_group(direction + "_layer")
                inner.create_group("vars")
                cell_vars = inner.create_group("cell").create_group("vars")
                mine = [a for n, a in tensors if n.startswith(direction)]
                for i, array in enumerate(mine):
                    cell_vars.create_dataset(str(i), data=_dataset(array))
            continue
        if class_name == "RNN" and tensors and tensors[0][0].startswith("cells/"):
            # StackedRNNCells: cell/cells/<cell>/vars, each cell's group named as Keras
            # names a list's items (lstm_cell, lstm_cell_1, ...).
            group.create_group("vars")
            cell = group.create_group("cell")
            cell.create_group("vars")
            cells = cell.create_group("cells")
            for n, array in tensors:
                one = n.split("/")[1]
                if one not in cells:
                    cells.create_group(one).create_group("vars")
                v = cells[one]["vars"]
                v.create_dataset(str(len(v)), data=_dataset(array))
            continue
        if class_name in KERAS3_CELL_LAYERS or class_name == "TimeDistributed":
            # (TimeDistributed: its inner layer's, `layers/time_distributed/layer/vars`.)
            group.create_group("vars")
            group = group.create_group("layer" if class_name == "TimeDistributed" else "cell")
        vars_group = group.create_group("vars")
        for i, (_, array) in enumerate(tensors):
            vars_group.create_dataset(str(i), data=_dataset(array))
    f.create_group("optimizer").create_group("vars")  # present in real files; ignored
    f.create_group("vars")


def save_weights_keras3(path, layers, weights):
    """A Keras 3 `model.save_weights("m.weights.h5")` file."""
    with h5py.File(path, "w") as f:
        _write_keras3_weights(f, layers, weights)


def _write_archive(path, config_json, weights_h5, keras_version):
    """The .keras zip (stored, not deflated): metadata.json, config.json and
    model.weights.h5, each dated as metadata's date_saved, so that a generator run
    twice writes the same bytes."""
    import zipfile
    metadata = {"keras_version": keras_version, "date_saved": "2026-01-01@00:00:00"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in (("metadata.json", json.dumps(metadata)),
                           ("config.json", config_json), ("model.weights.h5", weights_h5)):
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)


def save_keras_archive(path, config_json, layers, weights, keras_version="3.4.1"):
    """A Keras 3 `model.save("m.keras")` zip (stored, not deflated)."""
    import io
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        _write_keras3_weights(f, layers, weights)
    _write_archive(path, config_json, buffer.getvalue(), keras_version)


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


def _tensor_ref(producer):
    """A producer name, or "name:k" for output tensor k of a layer with several."""
    name, _, index = producer.partition(":")
    return name, int(index or 0)


def _group_states(first, states, groups):
    """An RNN's initial states as the call passes them: one list per cell of
    StackedRNNCells when `groups` (the states per cell) is given, else flat."""
    if not groups:
        return first + states
    nested, at = [], 0
    for count in groups:
        nested.append(states[at:at + count])
        at += count
    return first + nested


def functional_json(layers, inputs, outputs, name="model", keras_version="2.13.1"):
    """A Keras 2 Functional `to_json()`. `layers`: (class_name, config, inbound names)
    in topological order, InputLayers included (config with `batch_input_shape`); an
    inbound or output name "layer:k" is the layer's output tensor k. A config's
    "__state_groups" nests an RNN's initial states per cell, as tf-keras keeps the
    structure of the call's first argument: [x, [h0, c0], [h1]]."""
    entries = []
    for class_name, config, inbound in layers:
        # "__kwargs": a call's non-tensor arguments (a TFOpLambda's scalar operand).
        config = dict(config)
        kwargs = config.pop("__kwargs", {})
        groups = config.pop("__state_groups", None)
        refs = [[layer, 0, index, kwargs]
                for layer, index in (_tensor_ref(producer) for producer in inbound)]
        nodes = [_group_states(refs[:1], refs[1:], groups)] if inbound else []
        entries.append({"class_name": class_name, "config": config, "name": config["name"],
                        "inbound_nodes": nodes})
    model = {"class_name": "Functional", "config": {
        "name": name, "layers": entries,
        "input_layers": [[n, 0, 0] for n in inputs],
        "output_layers": [[_tensor_ref(n)[0], 0, _tensor_ref(n)[1]] for n in outputs]},
        "keras_version": keras_version, "backend": "tensorflow"}
    return json.dumps(model, indent=1)


def _keras3_tensor(producer, shape):
    layer, index = _tensor_ref(producer)
    return {"class_name": "__keras_tensor__", "config": {
        "shape": list(shape), "dtype": "float32", "keras_history": [layer, 0, index]}}


def keras3_functional_json(layers, inputs, outputs, shapes, name="model"):
    """A Keras 3 Functional config: `shapes` maps layer names to output shapes (batch
    None included) for the keras tensors of `inbound_nodes`; merge layers take a list.
    A config's "__state_groups" nests an RNN's initial_state per cell (as
    functional_json)."""
    entries = []
    for class_name, config, inbound in layers:
        config = dict(config)
        groups = config.pop("__state_groups", None)
        if "__module" in config:
            # An operation of keras.ops (not a layer), e.g. `x + 3.0`: config {"name"} and
            # the operation's own arguments ("__config", e.g. Gelu's approximate), the
            # call's args "__args" with None where the inbound tensors go, in order.
            tensors = iter(_keras3_tensor(p, shapes[p]) for p in inbound)
            args = [next(tensors) if a is None else a for a in config["__args"]]
            op_config = {"name": config["name"], **config.get("__config", {})}
            entries.append({"module": config["__module"], "class_name": class_name,
                            "config": op_config, "registered_name": class_name,
                            "name": config["name"],
                            "inbound_nodes": [{"args": args, "kwargs": {}}]})
            continue
        config["dtype"] = _keras3_dtype()
        entry = {"module": "keras.layers", "class_name": class_name, "config": config,
                 "registered_name": None, "name": config["name"]}
        if class_name == "InputLayer":
            config["batch_shape"] = config.pop("batch_input_shape")
            entry["inbound_nodes"] = []
        else:
            tensors = [_keras3_tensor(p, shapes[p]) for p in inbound]
            args = [tensors] if len(tensors) > 1 else tensors
            kwargs = {}
            if class_name in KERAS3_CELL_LAYERS and len(tensors) > 1:
                args = tensors[:1]
                kwargs = {"initial_state": _group_states([], tensors[1:], groups)}
            entry["inbound_nodes"] = [{"args": args, "kwargs": kwargs}]
            entry["build_config"] = {"input_shape": shapes[inbound[0]]}
        entries.append(entry)
    ref = lambda n: [_tensor_ref(n)[0], 0, _tensor_ref(n)[1]]
    single = lambda names: ref(names[0]) if len(names) == 1 else [ref(n) for n in names]
    model = {"module": "keras", "class_name": "Functional", "config": {
        "name": name, "trainable": True, "layers": entries,
        "input_layers": single(inputs), "output_layers": single(outputs)},
        "registered_name": "Functional", "build_config": {"input_shape": None}}
    return json.dumps(model)


# ---- Nested models and shared layers ------------------------------------------------
#
# A small graph API in the style of Keras's functional one, for models that hold models
# as layers and layers called more than once:
#
#   x = Input("x", (8,))
#   d = Layer("Dense", {"name": "d", "units": 4, ...}, [("kernel", k), ("bias", b)])
#   inner = Functional("inner", [x], [d(x)[0]])
#   y = Input("y", (8,))
#   outer = Functional("outer", [y], inner(y) + inner(inner(y)[0]))   # called twice
#
# Calling a layer or a model records a node (one call) and returns its output tensors.
# Each serialization counts, per layer, only the nodes of the model being written, as
# Keras does; where Keras numbers a nested model's calls from 1 (Keras 2: a model built
# with an input has a node of its own; Keras 3: a Functional model, in input/output
# layers only), so does this.


class Tensor:
    def __init__(self, layer, node, index):
        self.layer, self.node, self.index = layer, node, index  # node: a Node


class Node:
    """One call: `inputs` every tensor it reads (positional, then keyword), `args` the
    positional tensors, `kwargs` the keyword arguments (tensors or plain values)."""

    def __init__(self, layer, inputs, args=None, kwargs=None):
        self.layer, self.inputs = layer, list(inputs)
        self.args, self.kwargs = list(args or inputs), dict(kwargs or {})
        count = layer.output_count()
        self.outputs = [Tensor(layer, self, i) for i in range(count)]


class _Callable:
    def __call__(self, *tensors, **kwargs):
        """`layer(a)`, `layer(a, b)` or `layer([a, b])` (one list argument, as merges
        take); keyword arguments as Keras's call takes them: `mha(q, value=v,
        attention_mask=m, use_causal_mask=True)`."""
        flat = []
        for t in tensors:
            flat += t if isinstance(t, list) else [t]
        keyword = [v for v in kwargs.values() if isinstance(v, Tensor)]
        node = Node(self, flat + keyword, flat, kwargs)
        # layer([a, b], use_causal_mask=True): Keras 3 keeps the list one argument.
        node.list_call = len(tensors) == 1 and isinstance(tensors[0], list)
        self.nodes.append(node)
        return node.outputs


class Layer(_Callable):
    """A plain layer: `weights` are (variable name, array) pairs in Keras's order.
    `keras3_groups` maps a weight name's first part to the sub-layer Keras 3 saves it
    under (MultiHeadAttention: {"query": "query_dense", ...}: "query/kernel" is then
    `layers/<layer>/query_dense/vars/0`); Keras 2 files name it "<layer>/query/kernel:0"."""

    def __init__(self, class_name, config, weights=(), keras3_groups=None):
        self.class_name, self.config, self.weights = class_name, dict(config), list(weights)
        self.name = config["name"]
        self.keras3_groups = dict(keras3_groups or {})
        self.nodes = []

    def output_count(self):
        return 1


class Input:
    def __init__(self, name, shape, dtype="float32"):
        self.class_name, self.name, self.shape = "InputLayer", name, list(shape)
        self.dtype = dtype
        self.nodes = []
        self.nodes.append(Node(self, []))
        self.output = self.nodes[0].outputs[0]

    def output_count(self):
        return 1


def _walk_nodes(inputs, outputs):
    """The nodes between `inputs` and `outputs`, in topological order."""
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for t in node.inputs:
            visit(t.node)
        order.append(node)

    for t in outputs:
        visit(t.node)
    return order


class Functional(_Callable):
    def __init__(self, name, inputs, outputs):
        self.class_name, self.name = "Functional", name
        self.inputs, self.outputs = list(inputs), list(outputs)
        self.nodes = []
        own = _walk_nodes([i.output for i in inputs], self.outputs)
        self.own_nodes = set(id(n) for n in own)
        self.layers = []  # in topological order, InputLayers first
        for i in inputs:
            self.layers.append(i)
        for n in own:
            if n.layer not in self.layers:
                self.layers.append(n.layer)

    def output_count(self):
        return len(self.outputs)


class Sequential(_Callable):
    """`input_shape`: an InputLayer first (Keras 2 then numbers its calls from 1)."""

    def __init__(self, name, layers, input_shape=None):
        self.class_name, self.name = "Sequential", name
        self.layers, self.input_shape = list(layers), input_shape
        self.nodes = []

    def output_count(self):
        return 1


def _is_model(layer):
    return isinstance(layer, (Functional, Sequential))


def _node_index(model, node, keras3, endpoint):
    """The index a serialization of `model` gives `node` of its layer."""
    layer = node.layer
    own = [n for n in layer.nodes if id(n) in model.own_nodes]
    index = own.index(node)
    if keras3:
        return index + (1 if endpoint and isinstance(layer, Functional) else 0)
    built = isinstance(layer, Functional) or (isinstance(layer, Sequential) and
                                              layer.input_shape is not None)
    return index + (1 if built else 0)


def _layer_config(layer, keras3, batch_shape=None):
    config = dict(layer.config)
    if keras3:
        config["dtype"] = _keras3_dtype()
    elif "dtype" not in config:
        config["dtype"] = "float32"
    if batch_shape is not None:
        config["batch_shape" if keras3 else "batch_input_shape"] = batch_shape
    return config


def _input_entry(name, shape, keras3, dtype="float32"):
    batch = [None] + list(shape)
    if keras3:
        return {"module": "keras.layers", "class_name": "InputLayer",
                "config": {"batch_shape": batch, "dtype": dtype, "sparse": False,
                           "name": name}, "registered_name": None, "name": name,
                "inbound_nodes": []}
    return {"class_name": "InputLayer", "config": {
        "batch_input_shape": batch, "dtype": dtype, "sparse": False, "ragged": False,
        "name": name}, "name": name, "inbound_nodes": []}


def _call_kwargs(model, node, keras3):
    """A call's keyword arguments, tensors as the format refers to them."""
    def ref(t):
        if keras3:
            return {"class_name": "__keras_tensor__", "config": {
                "shape": None, "dtype": "float32",
                "keras_history": [t.layer.name, _node_index(model, t.node, True, False),
                                  t.index]}}
        return [t.layer.name, _node_index(model, t.node, False, False), t.index]
    return {k: ref(v) if isinstance(v, Tensor) else v for k, v in node.kwargs.items()}


def _model_config(model, keras3):
    """The `config` of a model (the part nested inside another model's layers)."""
    if isinstance(model, Sequential):
        entries = []
        if model.input_shape is not None:
            entries.append(_input_entry(model.layers[0].name + "_input", model.input_shape,
                                        keras3))
        for layer in model.layers:
            entries.append(_entry(layer, keras3))
        return {"name": model.name, "layers": entries} if not keras3 else {
            "name": model.name, "trainable": True, "dtype": _keras3_dtype(), "layers": entries}
    entries = []
    for layer in model.layers:
        if isinstance(layer, Input):
            entries.append(_input_entry(layer.name, layer.shape, keras3, layer.dtype))
            continue
        entry = _entry(layer, keras3)
        calls = [n for n in layer.nodes if id(n) in model.own_nodes]
        if keras3:
            entry["inbound_nodes"] = []
            for node in calls:
                tensors = [{"class_name": "__keras_tensor__", "config": {
                    "shape": None, "dtype": "float32",
                    "keras_history": [t.layer.name, _node_index(model, t.node, True, False),
                                      t.index]}} for t in node.args]
                # Keyword calls keep their positional tensors apart, as Keras writes them.
                list_call = getattr(node, "list_call", False)
                args = [tensors] if len(tensors) > 1 and (not node.kwargs or list_call) else tensors
                entry["inbound_nodes"].append({"args": args,
                                               "kwargs": _call_kwargs(model, node, True)})
        else:
            # tf-keras: each tensor of the first argument, carrying the call's other
            # arguments (tensors as [layer, node, index]).
            entry["inbound_nodes"] = [
                [[t.layer.name, _node_index(model, t.node, False, False), t.index,
                  _call_kwargs(model, node, False)]
                 for t in (node.args if node.kwargs else node.inputs)] for node in calls]
        entries.append(entry)

    def endpoints(tensors):
        refs = [[t.layer.name, _node_index(model, t.node, keras3, True), t.index]
                for t in tensors]
        return refs[0] if keras3 and len(refs) == 1 else refs

    config = {"name": model.name, "trainable": True, "layers": entries,
              "input_layers": endpoints([i.output for i in model.inputs]),
              "output_layers": endpoints(model.outputs)}
    return config


def _entry(layer, keras3):
    """One entry of a model's `layers`."""
    if _is_model(layer):
        if keras3:
            return {"module": "keras", "class_name": layer.class_name,
                    "config": _model_config(layer, True), "registered_name": layer.class_name,
                    "name": layer.name, "build_config": {"input_shape": None}}
        return {"class_name": layer.class_name, "config": _model_config(layer, False),
                "name": layer.name}
    if keras3:
        return {"module": "keras.layers", "class_name": layer.class_name,
                "config": _layer_config(layer, True), "registered_name": None,
                "name": layer.name}
    return {"class_name": layer.class_name, "config": _layer_config(layer, False),
            "name": layer.name}


def nested_model_json(model, keras3=False, keras_version=None):
    """`model.to_json()` of a Functional or Sequential model (Keras 2 or Keras 3)."""
    root = _entry(model, keras3)
    root.pop("name", None)
    if keras3:
        root["compile_config"] = None
    else:
        root["keras_version"] = keras_version or "2.13.1"
        root["backend"] = "tensorflow"
    return json.dumps(root)


def _model_layers(model, keras3):
    """`model.layers` as Keras saves them (a Sequential's InputLayer left out; Keras 2
    Functional models list theirs)."""
    return list(model.layers)


def _leaf_weights(model):
    """(layer, weights) of every weighted layer below `model`, each shared layer once."""
    out, seen = [], set()

    def walk(m):
        for layer in _model_layers(m, False):
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            if _is_model(layer):
                walk(layer)
            elif getattr(layer, "weights", None):
                out.append(layer)

    walk(model)
    return out


def nested_weights_keras2(model):
    """The layer groups of a Keras 2 weights file: a nested model is one group named
    after it, its weights named "<inner layer>/<var>:0" (the inner layer's own name)."""
    groups = []
    for layer in _model_layers(model, False):
        if isinstance(layer, Input):
            groups.append((layer.name, []))
        elif _is_model(layer):
            groups.append((layer.name, [(f"{leaf.name}/{var}:0", array)
                                        for leaf in _leaf_weights(layer)
                                        for var, array in leaf.weights]))
        else:
            groups.append((layer.name, [(f"{layer.name}/{var}:0", array)
                                        for var, array in layer.weights]))
    return groups


def _write_nested_groups(root, groups, keras_version):
    root.attrs["layer_names"] = _string_list([name for name, _ in groups])
    root.attrs["backend"] = "tensorflow"
    root.attrs["keras_version"] = keras_version
    for name, tensors in groups:
        group = root.create_group(name)
        if tensors:
            group.attrs["weight_names"] = _string_list([n for n, _ in tensors])
        else:
            group.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)
        for full_name, array in tensors:
            group.create_dataset(full_name, data=_dataset(array))


def save_nested_weights_h5(path, model, keras_version="2.13.1"):
    """Keras 2 `model.save_weights("w.h5")` of a model with nested models."""
    with h5py.File(path, "w") as f:
        _write_nested_groups(f, nested_weights_keras2(model), keras_version)


def save_nested_model_h5(path, model, keras_version="2.13.1"):
    """Keras 2 `model.save("m.h5")` of a model with nested models."""
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = nested_model_json(model, False, keras_version)
        f.attrs["keras_version"] = keras_version
        f.attrs["backend"] = "tensorflow"
        _write_nested_groups(f.create_group("model_weights"), nested_weights_keras2(model),
                             keras_version)


def _write_nested_keras3(f, model):
    """`layers/<snake>/vars/N`, a nested model's layers below `layers/<snake>/layers/`,
    named per container by class name as Keras 3's saving_lib does; a layer (or model)
    seen before is saved once."""
    seen = set()

    def walk(group, m):
        used = {}
        for layer in m.layers:
            if isinstance(layer, Input):
                continue  # (InputLayers hold no variables)
            name = keras3_snake_case(layer.class_name)
            if name in used:
                used[name] += 1
                name = f"{name}_{used[name]}"
            else:
                used[name] = 0
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            sub = group.create_group(name)
            if _is_model(layer):
                walk(sub.create_group("layers"), layer)
                sub.create_group("vars")
                continue
            vars_group = sub.create_group("vars")
            groups = getattr(layer, "keras3_groups", {})
            own = [a for n, a in layer.weights if n.split("/")[0] not in groups]
            for i, array in enumerate(own):
                vars_group.create_dataset(str(i), data=_dataset(array))
            for part, child in groups.items():
                child_vars = sub.create_group(child).create_group("vars")
                mine = [a for n, a in layer.weights if n.split("/")[0] == part]
                for i, array in enumerate(mine):
                    child_vars.create_dataset(str(i), data=_dataset(array))

    walk(f.create_group("layers"), model)
    f.create_group("optimizer").create_group("vars")
    f.create_group("vars")


def save_nested_weights_keras3(path, model):
    with h5py.File(path, "w") as f:
        _write_nested_keras3(f, model)


def save_nested_keras_archive(path, model, keras_version="3.4.1"):
    """Keras 3 `model.save("m.keras")` of a model with nested models."""
    import io
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        _write_nested_keras3(f, model)
    _write_archive(path, nested_model_json(model, True), buffer.getvalue(), keras_version)
