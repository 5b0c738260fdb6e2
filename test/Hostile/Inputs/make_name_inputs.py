#!/usr/bin/python3
"""Regenerates the hostile-name inputs of test/Hostile/generated-names.test: models whose
model, input and layer names try to break out of the comments and string literals of
the generated header and glue C (and of the MLIR text), with weights known so that the
compiled executable's output can be checked."""
import json
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "scripts"))
import keras_writer  # noqa: E402

# Ends a comment, adds a constructor that runs a command, and reopens a comment; then a
# string-literal breakout, a backslash, a trigraph for '\' and a non-ASCII byte.
INJECTION = ('m */ #include <stdlib.h>\n__attribute__((constructor)) static void p(void) '
             '{ system("touch kconv_pwned"); } /* "q" \\ ??/ \xe9')
INPUT = 'in */\n#error input name\n/* "x\\'
LAYER = 'relu */ int relu_injected = 1; /* ??= "'
OUTPUT = 'out\n#error output name ??/'


def main():
    # Keras 2 JSON: input -> ReLU -> Rescaling(2): y = 2 relu(x), no weights needed.
    layers = [
        ("InputLayer", {"name": INPUT, "dtype": "float32", "sparse": False,
                        "batch_input_shape": [None, 6, 5, 2]}, []),
        ("Activation", {"name": LAYER, "activation": "relu"}, [INPUT]),
        ("Rescaling", {"name": OUTPUT, "scale": 2.0, "offset": 0.0}, [LAYER]),
    ]
    with open(os.path.join(here, "names_injection.json"), "w") as f:
        f.write(keras_writer.functional_json(layers, [INPUT], [OUTPUT], name=INJECTION))

    # Keras 3 .keras: a 1x1 Conv2D with known weights: y = x[..., 0] - 2 x[..., 1] + 0.5.
    conv = keras_writer.keras3_conv2d_config(LAYER, filters=1, kernel_size=[1, 1])
    config = json.loads(keras_writer.keras3_sequential_json([("Conv2D", conv)], (6, 5, 2),
                                                            name=INJECTION))
    config["config"]["layers"][0]["config"]["name"] = INPUT
    kernel = np.array([1.0, -2.0], np.float32).reshape(1, 1, 2, 1)
    bias = np.array([0.5], np.float32)
    keras_writer.save_keras_archive(os.path.join(here, "names_injection.keras"),
                                    json.dumps(config),
                                    [("Conv2D", [("kernel", kernel), ("bias", bias)])],
                                    [(LAYER, [("kernel", kernel), ("bias", bias)])])

    # An error at a layer named with a line break is still one line.
    bad = keras_writer.conv2d_config("bad\n#error layer */", filters="2", kernel_size=(3, 3))
    with open(os.path.join(here, "names_error.json"), "w") as f:
        f.write(keras_writer.sequential_json([("Conv2D", bad)], (4, 4, 1)))

    # The input every executable runs on (batch 2).
    x = np.linspace(-3, 3, 2 * 6 * 5 * 2, dtype=np.float32).reshape(2, 6, 5, 2)
    np.save(os.path.join(here, "names_x.npy"), x)


if __name__ == "__main__":
    main()
