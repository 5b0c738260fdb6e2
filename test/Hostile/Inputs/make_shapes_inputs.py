#!/usr/bin/python3
"""Regenerates the shapes_*.json hostile inputs of test/Hostile/shapes.test: integers
beyond int64 or beyond kconv's limits, floats and nulls where Keras requires an int,
shape arithmetic that would overflow, and inbound references to nodes or tensors that
do not exist. Also copies them into the keras_json fuzzer's seed corpus."""
import json
import os
import shutil
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "scripts"))
import keras_writer  # noqa: E402

corpus = os.path.join(here, "..", "..", "fuzz", "corpus", "keras_json")
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1


def write(name, text):
    for folder in (here, corpus):
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)


def sequential(name, layers, input_shape=(4, 4, 3)):
    """`layers`: (class_name, config) pairs; every config gets its name."""
    named = []
    for i, (class_name, config) in enumerate(layers):
        named.append((class_name, dict({"name": "%s_%d" % (class_name.lower(), i)}, **config)))
    write(name, keras_writer.sequential_json(named, input_shape))


def conv(name, input_shape=(4, 4, 3), **args):
    """A Conv2D whose config entries `args` are written as given (None: null)."""
    config = keras_writer.conv2d_config("conv2d", filters=2, kernel_size=(3, 3))
    config.update(args)
    write(name, keras_writer.sequential_json([("Conv2D", config)], input_shape))


def functional(name, conv_ref=("input_1", 0, 0), output_ref=("conv2d", 0, 0)):
    """Keras 2: input_1 -> conv2d, the conv's inbound reference and the output given."""
    config = keras_writer.conv2d_config("conv2d", filters=2, kernel_size=(1, 1))
    text = keras_writer.functional_json(
        [("InputLayer", {"name": "input_1", "batch_input_shape": [None, 4, 4, 3]}, []),
         ("Conv2D", config, ["input_1"])], ["input_1"], ["conv2d"])
    model = json.loads(text)
    model["config"]["layers"][1]["inbound_nodes"] = [[list(conv_ref) + [{}]]]
    model["config"]["output_layers"] = [list(output_ref)]
    write(name, json.dumps(model, indent=1))


def keras3_functional(name, history=("input_layer", 0, 0)):
    """Keras 3: input_layer -> conv2d, the conv's keras_history given."""
    config = keras_writer.conv2d_config("conv2d", filters=2, kernel_size=(1, 1))
    text = keras_writer.keras3_functional_json(
        [("InputLayer", {"name": "input_layer", "batch_input_shape": [None, 4, 4, 3]}, []),
         ("Conv2D", config, ["input_layer"])], ["input_layer"], ["conv2d"],
        {"input_layer": [None, 4, 4, 3], "conv2d": [None, 4, 4, 2]})
    model = json.loads(text)
    tensor = model["config"]["layers"][1]["inbound_nodes"][0]["args"][0]
    tensor["config"]["keras_history"] = list(history)
    write(name, json.dumps(model))


def main():
    # Item 7: integers as written, limits before arithmetic, checked shape arithmetic.
    sequential("shapes_upsample_int64max.json",
               [("UpSampling2D", {"size": [INT64_MAX, INT64_MAX]})])
    sequential("shapes_padding_2e62.json",
               [("ZeroPadding2D", {"padding": [[2**62, 2**62], [1, 1]]})])
    conv("shapes_dilation_int64max.json", dilation_rate=[INT64_MAX - 1, 1])
    conv("shapes_filters_uint64max.json", filters=UINT64_MAX)
    conv("shapes_kernel_float.json", kernel_size=[3.0, 3])
    conv("shapes_strides_fraction.json", strides=3.5)
    sequential("shapes_axis_uint64max.json",
               [("BatchNormalization", {"axis": UINT64_MAX, "epsilon": 0.001})])
    # Products of in-limit values beyond int64 (the importer's own arithmetic).
    sequential("shapes_reshape_overflow.json",
               [("Reshape", {"target_shape": [2**31 - 1, 2**31 - 1, 2**31 - 1, -1]})])
    conv("shapes_transpose_kernel.json", input_shape=(1, 1, 2**31 - 1),
         kernel_size=[2**31 - 1, 2**31 - 1], filters=2**31 - 1)
    with open(os.path.join(here, "shapes_transpose_kernel.json")) as f:
        text = f.read().replace('"Conv2D"', '"Conv2DTranspose"')
    write("shapes_transpose_kernel.json", text)

    # An input beyond kconv's element limit that a pool reduces to 1 x 1 (the input's
    # own size is checked, not only the layers' outputs).
    sequential("shapes_input_elements.json",
               [("MaxPooling2D", {"pool_size": [2**31 - 1, 2**31 - 1]})],
               input_shape=(2**31 - 1, 2**31 - 1, 1))

    # Item 9: null where Keras requires a value.
    conv("shapes_kernel_size_null.json", kernel_size=None)
    conv("shapes_strides_null.json", strides=None)
    conv("shapes_dilation_null.json", dilation_rate=None)
    conv("shapes_groups_null.json", groups=None)
    conv("shapes_filters_null.json", filters=None)
    sequential("shapes_pool_size_null.json", [("MaxPooling2D", {"pool_size": None})])
    sequential("shapes_upsample_size_null.json", [("UpSampling2D", {"size": None})])
    sequential("shapes_bn_axis_null.json",
               [("BatchNormalization", {"axis": None, "epsilon": 0.001})])
    sequential("shapes_dense_units_null.json", [("Dense", {"units": None})])
    sequential("shapes_zero_padding_null.json", [("ZeroPadding2D", {"padding": None})])
    # Item 9: references to nodes or tensors that do not exist.
    functional("shapes_inbound_node_99.json", conv_ref=("input_1", 99, 0))
    functional("shapes_inbound_tensor_7.json", conv_ref=("input_1", 0, 7))
    functional("shapes_inbound_index_uint64max.json", conv_ref=("input_1", UINT64_MAX, 0))
    functional("shapes_output_tensor_1.json", output_ref=("conv2d", 0, 1))
    keras3_functional("shapes_keras3_node_99.json", history=("input_layer", 99, 0))
    keras3_functional("shapes_keras3_tensor_7.json", history=("input_layer", 0, 7))
    keras3_functional("shapes_keras3_history_missing.json", history=())


main()
