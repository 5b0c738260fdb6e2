#!/usr/bin/python3
"""Models as layers (issue 20): Sequential and Functional models nested in models, a
nested model called more than once, shared Dense and Conv2D layers, two levels of
nesting; written by keras_writer's nested-model API as Keras 2 JSON + save_weights .h5,
Keras 2 full-model .h5, Keras 3 .keras and Keras 3 JSON + .weights.h5, compiled to
executables and compared with an independent float64 NumPy evaluation of the graph."""
import argparse
import os
import subprocess
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "scripts"))
import keras_writer as kw  # noqa: E402
import recurrent_e2e as re2e  # noqa: E402

BATCH = 2
FORMATS = ("k2json", "k2h5", "k3keras", "k3json")


class Maker:
    def __init__(self, rng):
        self.rng = rng

    def uniform(self, shape, lo=-0.5, hi=0.5):
        return self.rng.uniform(lo, hi, size=shape)

    def dense(self, name, cin, units, activation="linear"):
        return kw.Layer("Dense", {"name": name, "trainable": True, "units": units,
                                  "activation": activation, "use_bias": True},
                        [("kernel", self.uniform((cin, units))), ("bias", self.uniform((units,)))])

    def conv(self, name, cin, filters, activation="linear"):
        config = kw.conv2d_config(name, filters, (3, 3), padding="same", activation=activation)
        return kw.Layer("Conv2D", config, [("kernel", self.uniform((3, 3, cin, filters))),
                                           ("bias", self.uniform((filters,)))])

    def rnn(self, name, cls, cin, units, return_sequences=False):
        gates = re2e.GATES[cls]
        cell = re2e.CELL_NAMES[cls]
        bias = (2, gates * units) if cls == "GRU" else (gates * units,)
        return kw.Layer(cls, {"name": name, "trainable": True, "units": units,
                              "return_sequences": return_sequences},
                        [(f"{cell}/kernel", self.uniform((cin, gates * units))),
                         (f"{cell}/recurrent_kernel", self.uniform((units, gates * units))),
                         (f"{cell}/bias", self.uniform(bias))])


def add(name):
    return kw.Layer("Add", {"name": name, "trainable": True})


# ---- the float64 reference ------------------------------------------------------------

ACT = {"linear": lambda x: x, "relu": lambda x: np.maximum(x, 0), "tanh": np.tanh}


def apply(layer, xs):
    if isinstance(layer, (kw.Functional, kw.Sequential)):
        return evaluate(layer, xs)
    w = dict(layer.weights)
    if layer.class_name == "Dense":
        return [ACT[layer.config["activation"]](xs[0] @ w["kernel"] + w["bias"])]
    if layer.class_name == "Conv2D":  # 3x3, stride 1, 'same'
        x = np.pad(xs[0], ((0, 0), (1, 1), (1, 1), (0, 0)))
        n, h, wd, _ = xs[0].shape
        k = w["kernel"]
        y = np.zeros((n, h, wd, k.shape[3])) + w["bias"]
        for i in range(3):
            for j in range(3):
                y += np.einsum("nhwc,cf->nhwf", x[:, i:i + h, j:j + wd, :], k[i, j])
        return [ACT[layer.config["activation"]](y)]
    if layer.class_name == "Add":
        return [sum(xs)]
    if layer.class_name in re2e.GATES:
        k, u, b = (v for _, v in layer.weights)
        c = layer.config
        return [re2e.recurrence(xs[0], layer.class_name, k, u, b, c["units"], "tanh", "sigmoid",
                                c["return_sequences"], False, True, False)]
    raise ValueError(layer.class_name)


def evaluate(model, xs):
    if isinstance(model, kw.Sequential):
        x = xs[0]
        for layer in model.layers:
            x = apply(layer, [x])[0]
        return [x]
    values = {id(i.output): x for i, x in zip(model.inputs, xs)}

    def value(t):
        if id(t) not in values:
            outs = apply(t.node.layer, [value(i) for i in t.node.inputs])
            for o, v in zip(t.node.outputs, outs):
                values[id(o)] = v
        return values[id(t)]

    return [value(t) for t in model.outputs]


# ---- the models -------------------------------------------------------------------------

def seq_in_seq(m):
    inner = kw.Sequential("inner", [m.dense("i0", 6, 5, "tanh"), m.dense("i1", 5, 4)],
                          input_shape=(6,))
    return kw.Sequential("outer", [m.dense("d0", 8, 6, "relu"), inner, m.dense("d1", 4, 3)],
                         input_shape=(8,)), [(8,)]


def func_in_func(m):
    a, b = kw.Input("a", (6,)), kw.Input("b", (6,))
    da = m.dense("da", 6, 5, "relu")(a.output)
    db = m.dense("db", 6, 5)(b.output)
    s = add("s")(da + db)
    inner = kw.Functional("inner", [a, b], [m.dense("o1", 5, 3)(s)[0], m.dense("o2", 5, 4)(da)[0]])
    x, y = kw.Input("x", (7,)), kw.Input("y", (6,))
    pre = m.dense("pre", 7, 6, "tanh")(x.output)
    o1, o2 = inner(pre, y.output)
    final = m.dense("final", 3, 2)(o1)
    return kw.Functional("outer", [x, y], [final[0], o2]), [(7,), (6,)]


def shared_model(m):
    i = kw.Input("i", (5,))
    h = m.dense("h", 5, 5, "relu")(i.output)
    inner = kw.Functional("block", [i], m.dense("g", 5, 5)(h))
    x, y = kw.Input("x", (5,)), kw.Input("y", (5,))
    a = inner(x.output)
    b = inner(y.output)
    c = inner(a)  # the third call takes the first one's output
    return kw.Functional("outer", [x, y], [add("sum")(a + b)[0], c[0]]), [(5,), (5,)]


def shared_layers(m):
    x, y = kw.Input("x", (6,)), kw.Input("y", (6,))
    p, q = kw.Input("p", (5, 4, 3)), kw.Input("q", (5, 4, 3))
    d = m.dense("shared_dense", 6, 6, "relu")
    conv = m.conv("shared_conv", 3, 3)
    dx = d(x.output)
    dy = d(y.output)
    ddx = d(dx)  # the shared layer on its own output
    cp, cq = conv(p.output), conv(q.output)
    return kw.Functional("outer", [x, y, p, q],
                         [add("dsum")(dx + dy + ddx)[0], add("csum")(cp + cq)[0]]), \
        [(6,), (6,), (5, 4, 3), (5, 4, 3)]


def two_levels(m):
    i = kw.Input("i", (4,))
    inner = kw.Functional("inner", [i], m.dense("leaf", 4, 4, "tanh")(i.output))
    j = kw.Input("j", (4,))
    mid = kw.Functional("mid", [j], m.dense("mid_dense", 4, 4)(inner(inner(j.output))))
    seq = kw.Sequential("seq", [m.dense("s0", 4, 4, "relu"), m.dense("s1", 4, 3)],
                        input_shape=(4,))
    x = kw.Input("x", (6,))
    h = m.dense("pre", 6, 4)(x.output)
    out = seq(mid(mid(h)))
    return kw.Functional("outer", [x], out), [(6,)]


def rnn_in_seq(m):
    # Recurrent layers in a nested Sequential: their weights live in the nested model's
    # group (Keras 2, under the cell's name) or under its layers (Keras 3, the cell's vars).
    inner = kw.Sequential("inner", [m.rnn("lstm", "LSTM", 3, 4, return_sequences=True),
                                    m.rnn("gru", "GRU", 4, 3)], input_shape=(5, 3))
    return kw.Sequential("outer", [m.dense("d0", 2, 3, "tanh"), inner, m.dense("d1", 3, 2)],
                         input_shape=(5, 2)), [(5, 2)]


MODELS = {"seq_in_seq": seq_in_seq, "func_in_func": func_in_func,
          "shared_model": shared_model, "shared_layers": shared_layers,
          "two_levels": two_levels, "rnn_in_seq": rnn_in_seq}


def write(model, fmt, d):
    if fmt == "k2json":
        with open(os.path.join(d, "model.json"), "w") as f:
            f.write(kw.nested_model_json(model))
        kw.save_nested_weights_h5(os.path.join(d, "w.h5"), model)
        return [os.path.join(d, "model.json"), "--weights", os.path.join(d, "w.h5")]
    if fmt == "k2h5":
        kw.save_nested_model_h5(os.path.join(d, "model.h5"), model)
        return [os.path.join(d, "model.h5")]
    if fmt == "k3keras":
        kw.save_nested_keras_archive(os.path.join(d, "model.keras"), model)
        return [os.path.join(d, "model.keras")]
    with open(os.path.join(d, "model.json"), "w") as f:
        f.write(kw.nested_model_json(model, keras3=True))
    kw.save_nested_weights_keras3(os.path.join(d, "m.weights.h5"), model)
    return [os.path.join(d, "model.json"), "--weights", os.path.join(d, "m.weights.h5")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    failures = 0
    for name in args.models.split(","):
        for fmt in args.formats.split(","):
            rng = np.random.default_rng(20)
            model, shapes = MODELS[name](Maker(rng))
            d = os.path.join(args.workdir, f"{name}_{fmt}")
            os.makedirs(d, exist_ok=True)
            exe = os.path.join(d, "m")
            subprocess.run([args.kconvc] + write(model, fmt, d) + ["--emit=exe", "-o", exe],
                           check=True)
            xs = [rng.uniform(-1, 1, size=(BATCH,) + s) for s in shapes]
            command = [exe]
            for i, x in enumerate(xs):
                np.save(os.path.join(d, f"x{i}.npy"), x.astype(np.float32))
                command += ["--input", os.path.join(d, f"x{i}.npy")]
            refs = evaluate(model, [x.astype(np.float32).astype(np.float64) for x in xs])
            for i in range(len(refs)):
                command += ["--output", os.path.join(d, f"y{i}.npy")]
            subprocess.run(command, check=True)
            for i, ref in enumerate(refs):
                y = np.load(os.path.join(d, f"y{i}.npy"))
                err = (np.abs(y - ref).max() / max(np.abs(ref).max(), 1e-3)
                       if y.shape == ref.shape else float("inf"))
                ok = err <= 1e-4
                failures += not ok
                print(f"{name} {fmt} output {i}: shape {y.shape}, reference {ref.shape}, "
                      f"max relative error {err:.2g}: {'ok' if ok else 'FAIL'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
