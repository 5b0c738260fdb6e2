#!/usr/bin/python3
"""Hostile nested models (issue 20), written to the directory given: models nested
deeper than kconv accepts, and nested models called twice at every level (2^N copies
of their layers once inlined)."""
import json
import os
import sys


def functional(name, layers, inputs, outputs):
    return {"name": name, "layers": layers, "input_layers": [[n, 0, 0] for n in inputs],
            "output_layers": outputs}


def input_layer(name):
    return {"class_name": "InputLayer", "name": name,
            "config": {"name": name, "batch_input_shape": [None, 4]}, "inbound_nodes": []}


def relu(name, producer):
    return {"class_name": "ReLU", "name": name, "config": {"name": name},
            "inbound_nodes": [[[producer, 0, 0, {}]]]}


def nest(levels, calls):
    """`levels` Functional models, each calling the next one `calls` times in a chain."""
    model = functional("m0", [input_layer("i"), relu("r", "i")], ["i"], [["r", 0, 0]])
    for level in range(1, levels + 1):
        inner = {"class_name": "Functional", "name": f"m{level - 1}", "config": model,
                 "inbound_nodes": [[["i", 0, 0, {}]]] +
                                  [[[f"m{level - 1}", c, 0, {}]] for c in range(1, calls)]}
        model = functional(f"m{level}", [input_layer("i"), inner], ["i"],
                           [[f"m{level - 1}", calls, 0]])
    return {"class_name": "Functional", "config": model, "keras_version": "2.13.1"}


out = sys.argv[1]
for name, levels, calls in [("nested_too_deep", 33, 1), ("nested_deep_ok", 32, 1),
                            ("nested_exponential", 20, 2)]:
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(nest(levels, calls), f)

# Weights: a shared Dense 'd' (inside nested model 'block') whose group holds a weight
# of no layer of that model, and a file without the group at all.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "scripts"))
import numpy as np  # noqa: E402
import keras_writer as kw  # noqa: E402

i = kw.Input("i", (4,))
d = kw.Layer("Dense", {"name": "d", "units": 4, "activation": "linear", "use_bias": True},
             [("kernel", np.eye(4)), ("bias", np.zeros(4))])
block = kw.Functional("block", [i], d(d(i.output)))
x = kw.Input("x", (4,))
model = kw.Functional("outer", [x], block(block(x.output)))
with open(os.path.join(out, "nested_shared.json"), "w") as f:
    f.write(kw.nested_model_json(model))
kw.save_nested_weights_h5(os.path.join(out, "nested_shared_ok.h5"), model)
with kw.h5py.File(os.path.join(out, "nested_foreign_weight.h5"), "w") as f:
    kw._write_nested_groups(f, [("x", []), ("block", [("ghost/kernel:0", np.eye(4))])],
                            "2.13.1")
with kw.h5py.File(os.path.join(out, "nested_no_group.h5"), "w") as f:
    kw._write_nested_groups(f, [("x", [])], "2.13.1")
