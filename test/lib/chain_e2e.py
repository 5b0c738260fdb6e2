#!/usr/bin/python3
"""Sequential chains of Conv2D layers, each with its own data_format (Keras applies
each layer's data_format to whatever tensor it receives), compiled and compared
with conv_reference applied layer by layer."""
import argparse
import os
import subprocess
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "scripts"))
import conv_reference  # noqa: E402
import keras_writer  # noqa: E402

CHAINS = {
    # channels_first then channels_last: the second layer reads (C, H) as (H, W).
    "cf_then_cl": [dict(filters=4, kernel=(3, 3), data_format="channels_first", padding="same"),
                   dict(filters=5, kernel=(2, 3), data_format="channels_last",
                        activation="relu")],
    "cl_then_cf": [dict(filters=6, kernel=(3, 2), data_format="channels_last", strides=(2, 1)),
                   dict(filters=3, kernel=(2, 2), data_format="channels_first", padding="same",
                        activation="softmax")],
    "three_layers": [dict(filters=8, kernel=(3, 3), padding="same", activation="relu"),
                     dict(filters=8, kernel=(3, 3), groups=8, padding="same"),
                     dict(filters=16, kernel=(1, 1), activation="tanh")],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(5)
    failures = 0
    for name, chain in CHAINS.items():
        d = os.path.join(args.workdir, name)
        os.makedirs(d, exist_ok=True)
        input_shape = (7, 9, 6)  # read by the first layer in its own data_format
        x = rng.uniform(-1, 1, (2,) + input_shape).astype(np.float32)
        layers, weights = [], []
        y_ref = x.astype(np.float64)
        for i, spec in enumerate(chain):
            fmt = spec.get("data_format", "channels_last")
            cin = y_ref.shape[1] if fmt == "channels_first" else y_ref.shape[3]
            groups = spec.get("groups", 1)
            kh, kw = spec["kernel"]
            kernel = rng.uniform(-1, 1, (kh, kw, cin // groups, spec["filters"])).astype(np.float32)
            bias = rng.uniform(-0.5, 0.5, spec["filters"]).astype(np.float32)
            config = keras_writer.conv2d_config(
                f"conv_{i}", filters=spec["filters"], kernel_size=spec["kernel"],
                strides=spec.get("strides", (1, 1)), padding=spec.get("padding", "valid"),
                data_format=fmt, groups=groups, activation=spec.get("activation", "linear"))
            layers.append(("Conv2D", config))
            weights.append((f"conv_{i}", [("kernel", kernel), ("bias", bias)]))
            y_ref = conv_reference.conv2d(y_ref, kernel, bias, spec.get("strides", (1, 1)),
                                          spec.get("padding", "valid"), fmt, (1, 1), groups,
                                          spec.get("activation", "linear"))
        with open(os.path.join(d, "model.json"), "w") as f:
            f.write(keras_writer.sequential_json(layers, input_shape, name=name))
        keras_writer.save_weights_h5(os.path.join(d, "w.h5"), weights)
        np.save(os.path.join(d, "x.npy"), x)
        subprocess.run([args.kconvc, os.path.join(d, "model.json"), "--weights",
                        os.path.join(d, "w.h5"), "--emit=exe", "-o", os.path.join(d, "m")],
                       check=True)
        subprocess.run([os.path.join(d, "m"), "--input", os.path.join(d, "x.npy"), "--output",
                        os.path.join(d, "y.npy")], check=True)
        y = np.load(os.path.join(d, "y.npy"))
        err = np.abs(y - y_ref).max() if y.shape == y_ref.shape else float("inf")
        ok = err <= 1e-4 * max(1.0, np.abs(y_ref).max())
        failures += not ok
        print(f"{name}: output {y.shape}, reference {y_ref.shape}, max error {err:.2g}: "
              f"{'ok' if ok else 'FAIL'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
