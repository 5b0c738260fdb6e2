#!/usr/bin/python3
"""Keras's SimpleRNN, GRU (reset_after true and false) and LSTM in whole models: every
cell, return_sequences on and off, go_backwards, use_bias off, other activations, the
dropouts and unroll (no effect at inference), stacked layers and a Dense after a
recurrent layer, batch 3. Written as Keras 2 JSON + weights .h5, a Keras 2 full-model
.h5 or a Keras 3 .keras archive (scripts/keras_writer.py), compiled with kconvc, run,
and compared with the float64 NumPy reference below, written from Keras's formulas
(keras/src/layers/rnn/{simple_rnn,gru,lstm}.py): max error <= 1e-4 x max(1, |ref|)."""
import argparse
import os
import subprocess
import sys

import numpy as np

import graph_e2e as ge
import keras_writer

BATCH = 3
GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}
CELL_NAMES = {"SimpleRNN": "simple_rnn_cell", "GRU": "gru_cell", "LSTM": "lstm_cell"}


def act(name, x, keras3):
    if name == "linear":
        return x
    if name == "tanh":
        return np.tanh(x)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "hard_sigmoid":  # Keras 2: clip(0.2 x + 0.5); Keras 3: relu6(x + 3) / 6
        return np.clip(x / 6 + 0.5, 0, 1) if keras3 else np.clip(0.2 * x + 0.5, 0, 1)
    if name == "relu":
        return np.maximum(x, 0)
    if name == "softsign":
        return x / (1 + np.abs(x))
    if name == "elu":
        return np.where(x > 0, x, np.exp(x) - 1)
    raise ValueError(name)


def step(cls, x_t, h, c, w, u, b_in, b_rec, units, f, g, reset_after):
    """One step of a cell: the new (h, c) (c unused but by LSTM)."""
    xp = x_t @ w + b_in
    if cls == "SimpleRNN":
        return f(xp + h @ u), c
    if cls == "LSTM":
        z = xp + h @ u
        i, fg, cc, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = g(fg) * c + g(i) * f(cc)
        return g(o) * f(c), c
    # GRU, gates z, r, h
    xz, xr, xh = (xp[:, k * units:(k + 1) * units] for k in range(3))
    uz, ur, uh = (u[:, k * units:(k + 1) * units] for k in range(3))
    bz, br, bh = (b_rec[k * units:(k + 1) * units] for k in range(3))
    z = g(xz + h @ uz + bz)
    r = g(xr + h @ ur + br)
    if reset_after:
        hh = f(xh + r * (h @ uh + bh))
    else:
        hh = f(xh + (r * h) @ uh)
    return z * h + (1 - z) * hh, c


def biases(b, columns):
    """A bias as Keras stores it -> (input bias, recurrent bias)."""
    if b is None:
        return np.zeros(columns), np.zeros(columns)
    if b.ndim == 2:
        return b[0], b[1]
    return b, np.zeros(columns)


def recurrence(x, cls, w, u, b, units, activation, recurrent_activation, return_sequences,
               go_backwards, reset_after, keras3, kept=None, zero_output=False, h0=None,
               c0=None, states=False):
    """x: (N, T, F) float64; w: (F, G U), u: (U, G U), b: None, (G U) or (2, G U).
    kept: Keras's mask (N, T), or None: a masked step keeps the state and outputs the
    previous step's output (zeros before the first kept step, whatever h0 is), or zeros
    with zero_output (Keras's zero_output_for_mask), as backend.rnn does.
    h0, c0: initial states (N, U) or None (zeros). states: also return the final h (and
    an LSTM's c), as return_state does."""
    n, steps, _ = x.shape
    f = lambda v: act(activation, v, keras3)
    g = lambda v: act(recurrent_activation, v, keras3)
    b_in, b_rec = biases(b, w.shape[1])
    h = np.zeros((n, units)) if h0 is None else h0
    c = np.zeros((n, units)) if c0 is None else c0
    outputs = []
    out = np.zeros((n, units))
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    for t in order:
        h_prev, c_prev = h, c
        h, c = step(cls, x[:, t, :], h, c, w, u, b_in, b_rec, units, f, g, reset_after)
        if kept is not None:
            k = kept[:, t, None]
            h, c = np.where(k, h, h_prev), np.where(k, c, c_prev)
            out = np.where(k, h, 0.0 if zero_output else out)
        else:
            out = h
        outputs.append(out)
    out = np.stack(outputs, axis=1) if return_sequences else outputs[-1]
    if not states:
        return out
    return (out, h, c) if cls == "LSTM" else (out, h)


def rnn(g, x, cls, units, **kwargs):
    """x: the sequence, or [sequence, initial h(, initial c)]."""
    config, weights, ref = rnn_spec(g, x[0] if isinstance(x, list) else x, cls, units, **kwargs)
    return g.add(cls, x, ref, config, weights)


def bidirectional(g, x, cls, units, merge_mode, **kwargs):
    """Keras's Bidirectional: the backward layer is the layer with go_backwards (Keras 3
    writes it as `backward_layer`), its sequence flipped back before the merge."""
    sequences = kwargs.get("return_sequences", False)
    if kwargs.get("kept") is not None:  # Keras: zero_output_for_mask = return_sequences
        kwargs["zero_output"] = sequences
    fconfig, fweights, fref = rnn_spec(g, x, cls, units, **kwargs)
    bconfig, bweights, bref = rnn_spec(g, x, cls, units, go_backwards=True, **kwargs)
    fconfig["name"], bconfig["name"] = f"forward_{cls.lower()}", f"backward_{cls.lower()}"

    def ref(v):
        a, b = fref(v), bref(v)
        if sequences:
            b = b[:, ::-1, :]
        return {"concat": lambda: np.concatenate([a, b], -1), "sum": lambda: a + b,
                "mul": lambda: a * b, "ave": lambda: (a + b) / 2}[merge_mode]()

    serialize = lambda c: ({"module": "keras.layers", "class_name": cls, "config": c,
                            "registered_name": None} if g.keras3
                           else {"class_name": cls, "config": c})
    config = {"layer": serialize(fconfig), "merge_mode": merge_mode}
    if g.keras3:
        config["backward_layer"] = serialize(bconfig)
    weights = ([(f"forward_{cls.lower()}/{n}", a) for n, a in fweights] +
               [(f"backward_{cls.lower()}/{n}", a) for n, a in bweights])
    return g.add("Bidirectional", x, ref, config, weights)


# A recurrent layer's arguments without effect at inference, as Keras writes them.
INERT_ARGS = {"stateful": False, "unroll": False,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "recurrent_initializer": {"class_name": "Orthogonal",
                                        "config": {"gain": 1.0, "seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}},
              "kernel_regularizer": None, "recurrent_regularizer": None,
              "bias_regularizer": None, "activity_regularizer": None,
              "kernel_constraint": None, "recurrent_constraint": None,
              "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0}


def rnn_spec(g, x, cls, units, activation="tanh", recurrent_activation="sigmoid",
             use_bias=True, return_sequences=False, go_backwards=False, reset_after=True,
             extra=None, kept=None, zero_output=False, return_state=False, features=None):
    """The layer's config, weights and reference; `kept`: the mask reaching it (N, T),
    `zero_output`: its zero_output_for_mask."""
    features = g.values[x].shape[-1] if features is None else features
    gates = GATES[cls]
    w = g.uniform((features, gates * units), -0.6, 0.6)
    u = g.uniform((units, gates * units), -0.6, 0.6)
    b = None
    if use_bias:
        shape = (2, gates * units) if cls == "GRU" and reset_after else (gates * units,)
        b = g.uniform(shape, -0.5, 0.5)
    config = {"units": units, "activation": activation, "use_bias": use_bias,
              "return_sequences": return_sequences, "return_state": return_state,
              "go_backwards": go_backwards, **INERT_ARGS}
    if cls != "SimpleRNN":
        config["recurrent_activation"] = recurrent_activation
    if cls == "GRU":
        config["reset_after"] = reset_after
    if cls == "LSTM":
        config["unit_forget_bias"] = True
    if g.keras3 or zero_output:  # tf-keras writes it only when true
        config["zero_output_for_mask"] = zero_output
    if g.keras3:
        config["seed"] = None
    else:
        config["time_major"] = False
        if cls != "SimpleRNN":
            config["implementation"] = 2
    config.update(extra or {})
    cell = CELL_NAMES[cls]
    names = ["kernel", "recurrent_kernel", "bias"]
    arrays = [w, u] + ([b] if use_bias else [])
    weights = [(f"{cell}/{name}", a) for name, a in zip(names, arrays)]
    keras3 = g.keras3
    ref = lambda v, *initial: recurrence(
        v, cls, w.astype(np.float64), u.astype(np.float64),
        None if b is None else b.astype(np.float64), units, activation, recurrent_activation,
        return_sequences, go_backwards, reset_after, keras3, kept, zero_output,
        *initial, states=return_state)
    return config, weights, ref


def recurrent_cells(g):
    x = g.input((7, 5))
    # Stacked LSTMs (the second backwards), then a Dense on the last state.
    s = rnn(g, x, "LSTM", 8, return_sequences=True,
            extra={"dropout": 0.3, "recurrent_dropout": 0.2, "unroll": True})
    s = rnn(g, s, "LSTM", 6, go_backwards=True)
    d = g.dense(s, 4, "tanh")
    # GRU reset_after, every step, backwards; then a Dense on every step.
    a = rnn(g, x, "GRU", 6, return_sequences=True, go_backwards=True)
    ad = g.dense(a, 3)
    # GRU reset_after=False (bias (3 units,)), relu and hard_sigmoid.
    r = rnn(g, x, "GRU", 5, activation="relu", recurrent_activation="hard_sigmoid",
            reset_after=False)
    # Without bias: a SimpleRNN over every step (softsign), a GRU, an LSTM (elu).
    sr = rnn(g, x, "SimpleRNN", 7, activation="softsign", use_bias=False,
             return_sequences=True)
    gn = rnn(g, x, "GRU", 3, use_bias=False)
    ln = rnn(g, x, "LSTM", 4, activation="elu", recurrent_activation="hard_sigmoid",
             use_bias=False, return_sequences=True, go_backwards=True)
    # SimpleRNN with its defaults, stacked on the SimpleRNN sequence.
    ss = rnn(g, sr, "SimpleRNN", 5)
    # A GRU reset_after=False without bias, backwards.
    gb = rnn(g, x, "GRU", 4, use_bias=False, reset_after=False, go_backwards=True,
             return_sequences=True)
    # Bidirectional: every merge mode, over every step and on the last state, stacked.
    b1 = bidirectional(g, x, "LSTM", 4, "concat", return_sequences=True)
    b2 = bidirectional(g, x, "GRU", 3, "sum")
    b3 = bidirectional(g, x, "SimpleRNN", 3, "ave", return_sequences=True,
                       activation="relu")
    b3 = bidirectional(g, b3, "GRU", 2, "mul", reset_after=False)
    return [d, ad, r, sr, gn, ln, ss, gb, b1, b2, b3]


def stacked_recurrence(x, cells, return_sequences, go_backwards, keras3, kept=None,
                       zero_output=False, initial=(), states=False):
    """Keras's RNN over StackedRNNCells: at each step every cell in turn, each reading
    the previous one's h; the output is the last cell's h. cells: (cls, w, u, b, units,
    activation, recurrent_activation, reset_after). kept: the mask, as recurrence.
    initial: every cell's initial states in order (h, an LSTM's c), or none (zeros);
    states: also return the final states in that order, as return_state does."""
    n, steps, _ = x.shape
    h = [np.zeros((n, cell[4])) for cell in cells]
    c = [np.zeros((n, cell[4])) for cell in cells]
    given = iter(initial)
    for i, cell in enumerate(cells if initial else ()):
        h[i] = next(given)
        if cell[0] == "LSTM":
            c[i] = next(given)
    out = np.zeros((n, cells[-1][4]))
    outputs = []
    for t in (range(steps - 1, -1, -1) if go_backwards else range(steps)):
        inp = x[:, t, :]
        new_h, new_c = [], []
        for i, (cls, w, u, b, units, activation, recurrent_activation, reset_after) in \
                enumerate(cells):
            b_in, b_rec = biases(b, w.shape[1])
            hi, ci = step(cls, inp, h[i], c[i], w, u, b_in, b_rec, units,
                          lambda v: act(activation, v, keras3),
                          lambda v: act(recurrent_activation, v, keras3), reset_after)
            new_h.append(hi)
            new_c.append(ci)
            inp = hi
        if kept is not None:
            k = kept[:, t, None]
            h = [np.where(k, a, p) for a, p in zip(new_h, h)]
            c = [np.where(k, a, p) for a, p in zip(new_c, c)]
            out = np.where(k, inp, 0.0 if zero_output else out)
        else:
            h, c, out = new_h, new_c, inp
        outputs.append(out)
    out = np.stack(outputs, axis=1) if return_sequences else outputs[-1]
    if not states:
        return out
    final = []
    for cell, hi, ci in zip(cells, h, c):
        final += [hi, ci] if cell[0] == "LSTM" else [hi]
    return (out, *final)


LAYER_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
              "time_major", "zero_output_for_mask")


def rnn_wrapper(g, x, cells, return_sequences=False, go_backwards=False, kept=None,
                zero_output=False, return_state=False):
    """keras.layers.RNN around a cell (cells: one (cls, units, kwargs)) or around
    StackedRNNCells (several); weights under the cell's name, or under
    "cells/<cell>" (Keras 3's groups: lstm_cell, lstm_cell_1, ...). x: the sequence,
    or [sequence, every cell's initial states in order], passed one list per cell."""
    specs, weights, used = [], [], {}
    features = g.values[x[0] if isinstance(x, list) else x].shape[-1]
    for cls, units, kwargs in cells:
        config, cell_weights, _ = rnn_spec(g, x, cls, units, features=features, **kwargs)
        specs.append((cls, config, cell_weights))
        features = units  # the next cell reads this one's h
        if len(cells) == 1:
            weights += cell_weights
            break
        name = CELL_NAMES[cls]
        used[name] = used.get(name, -1) + 1
        if used[name]:
            name += f"_{used[name]}"
        weights += [(f"cells/{name}/{w.split('/')[-1]}", a) for w, a in cell_weights]
    references = []
    for (cls, config, cell_weights), (_, units, kwargs) in zip(specs, cells):
        arrays = [a.astype(np.float64) for _, a in cell_weights]
        references.append((cls, arrays[0], arrays[1], arrays[2] if len(arrays) > 2 else None,
                           units, config["activation"],
                           config.get("recurrent_activation", "sigmoid"),
                           config.get("reset_after", True)))

    def serialize(cls, config):
        config = {k: v for k, v in config.items() if k not in LAYER_ARGS}
        return ({"module": "keras.layers", "class_name": cls, "config": config,
                 "registered_name": None} if g.keras3 else {"class_name": cls, "config": config})

    serialized = [serialize(cls + "Cell", config) for cls, config, _ in specs]
    cell = (serialized[0] if len(serialized) == 1 else
            serialize("StackedRNNCells", {"name": "stacked_rnn_cells", "cells": serialized}))
    config = {"cell": cell, "return_sequences": return_sequences,
              "return_state": return_state, "go_backwards": go_backwards, "stateful": False,
              "unroll": False, "zero_output_for_mask": zero_output}
    if not g.keras3:
        config["time_major"] = False
    if isinstance(x, list) and len(cells) > 1:
        config["__state_groups"] = [2 if cls == "LSTM" else 1 for cls, _, _ in cells]
    keras3 = g.keras3
    ref = lambda v, *initial: stacked_recurrence(v, references, return_sequences,
                                                 go_backwards, keras3, kept, zero_output,
                                                 initial, return_state)
    return g.add("RNN", x, ref, config, weights)


def recurrent_states(g):
    # An encoder LSTM's final states (return_state) start a decoder LSTM; a GRU returns
    # its sequence and state, which starts a SimpleRNN that returns its own; a GRU
    # starts from a state given as a model input. States are model outputs too.
    x, y, h0 = g.input((6, 4)), g.input((5, 3)), g.input((4,))
    enc = rnn(g, x, "LSTM", 5, return_state=True)
    dec = rnn(g, [y, enc + ":1", enc + ":2"], "LSTM", 5, return_sequences=True)
    d = g.dense(dec, 3)
    gru = rnn(g, x, "GRU", 4, return_sequences=True, return_state=True, go_backwards=True)
    given = rnn(g, [y, h0], "GRU", 4, reset_after=False)
    s = rnn(g, [y, gru + ":1"], "SimpleRNN", 4, return_sequences=True, return_state=True)
    # Initial states behind a mask: before the first kept step (leading masked steps,
    # forwards and backwards, a sample with none kept) Keras outputs zeros, not h0.
    z = g.input((5, 3))
    values = g.inputs[-1][1].copy()
    values[0, :2] = values[1, 3:] = 0
    values[-1] = 0
    g.values[z], g.inputs[-1] = values.astype(np.float64), (z, values)
    kept = (values != 0).any(-1)
    m = g.add("Masking", z, lambda v: v * kept[:, :, None], {"mask_value": 0.0})
    masked = rnn(g, [m, enc + ":1", enc + ":2"], "LSTM", 5, return_sequences=True, kept=kept)
    back = rnn(g, [m, h0], "GRU", 4, go_backwards=True, kept=kept, return_state=True)
    return [d, enc + ":1", enc + ":2", gru, gru + ":1", given, s, s + ":1", masked, back,
            back + ":1"]


def rnn_cells(g):
    # keras.layers.RNN around each built-in cell, and around StackedRNNCells (an LSTM
    # cell twice: Keras 3 names the second's group lstm_cell_1), backwards with every
    # step, and on the last state.
    x = g.input((7, 5))
    a = rnn_wrapper(g, x, [("LSTM", 6, {})], return_sequences=True)
    b = rnn_wrapper(g, x, [("GRU", 4, {"reset_after": False, "activation": "relu"})],
                    go_backwards=True)
    c = rnn_wrapper(g, x, [("SimpleRNN", 3, {"use_bias": False})], return_sequences=True)
    d = rnn_wrapper(g, x, [("LSTM", 6, {}), ("SimpleRNN", 5, {}), ("LSTM", 4, {})],
                    return_sequences=True, go_backwards=True)
    e = rnn_wrapper(g, x, [("GRU", 5, {}), ("GRU", 3, {"use_bias": False})])
    return [a, b, c, d, e]


def stacked_states(g):
    # RNN(StackedRNNCells) with return_state: every cell's final states in cell order
    # (an LSTM's h and c, a GRU's or SimpleRNN's h), over every step backwards and on
    # the last one; initial_state from model inputs (one list per cell) and from
    # another stacked RNN's states (an encoder-decoder); states behind a Masking layer
    # kept over masked steps; a Dense on a state.
    x, y = g.input((6, 4)), g.input((5, 3))
    h0, c0, h1 = g.input((5,)), g.input((5,)), g.input((4,))
    values = g.inputs[0][1].copy()
    values[0, 2] = values[1, 5] = values[2, 0] = 0
    g.values[x], g.inputs[0] = values.astype(np.float64), (x, values)
    kept = (values != 0).any(-1)
    a = rnn_wrapper(g, x, [("LSTM", 5, {}), ("GRU", 4, {"reset_after": False})],
                    return_sequences=True, go_backwards=True, return_state=True)
    b = rnn_wrapper(g, [y, h0, c0, h1], [("LSTM", 5, {}), ("SimpleRNN", 4, {})],
                    return_state=True)
    enc = rnn_wrapper(g, x, [("GRU", 3, {}), ("LSTM", 6, {"use_bias": False})],
                      return_state=True)
    dec = rnn_wrapper(g, [y, enc + ":1", enc + ":2", enc + ":3"],
                      [("GRU", 3, {}), ("LSTM", 6, {})], return_sequences=True)
    d = g.dense(enc + ":2", 3)
    m = g.add("Masking", x, lambda v: v * kept[:, :, None], {"mask_value": 0.0})
    masked = rnn_wrapper(g, m, [("GRU", 4, {}), ("LSTM", 3, {})], kept=kept,
                         return_state=True)
    return [a, a + ":1", a + ":2", a + ":3", b, b + ":1", b + ":2", b + ":3", dec, d,
            masked, masked + ":1", masked + ":2", masked + ":3"]


def recurrent_blocks(g):
    # The runtime's tiling (runtime/src/recurrent.c): units over several blocks of 16 and
    # a partial one (or exactly one), batch rows in tiles of 4 and a remainder (--batch),
    # every cell, masked steps (a Masking layer: leading, inner and trailing ones, and a
    # sample with every step masked), final states; --threads runs the team that shares
    # each step's blocks and the groups of rows.
    x = g.input((9, 6))
    values = g.inputs[-1][1].copy()
    for n in range(len(values)):
        values[n, (2 * n) % 9] = 0
    values[0, 4] = 0
    if len(values) > 1:
        values[1, 6:] = 0
    if len(values) > 2:
        values[-1] = 0
    g.values[x], g.inputs[-1] = values.astype(np.float64), (x, values)
    kept = (values != 0).any(-1)
    m = g.add("Masking", x, lambda v: v * kept[:, :, None], {"mask_value": 0.0})
    lstm = rnn(g, m, "LSTM", 37, return_sequences=True, kept=kept)
    gru = rnn(g, m, "GRU", 20, go_backwards=True, kept=kept)
    gru_before = rnn(g, x, "GRU", 19, reset_after=False, return_sequences=True,
                     activation="relu")
    simple = rnn(g, x, "SimpleRNN", 33, go_backwards=True, return_sequences=True)
    block = rnn(g, x, "LSTM", 16, recurrent_activation="hard_sigmoid", return_state=True)
    bi = bidirectional(g, m, "GRU", 17, "concat", return_sequences=True, kept=kept,
                       reset_after=False)
    return [lstm, gru, gru_before, simple, block, block + ":1", block + ":2", bi]


def projection_blocks(g):
    # Input projections and a Dense on every step whose kernels exceed the 64 KB that
    # scheduleMatMulTiles reads in blocks of columns: 100 features x 4 x 44 units (two
    # blocks of 160 and 176 columns, the last shifted inwards) and 44 -> 700 (a
    # remainder block); kernel rows padded to odd numbers of cache lines.
    x = g.input((9, 100))
    lstm = rnn(g, x, "LSTM", 44, return_sequences=True)
    gru = rnn(g, x, "GRU", 60, go_backwards=True)
    return [lstm, g.dense(lstm, 700, "tanh"), gru]


MODELS = {"recurrent_cells": recurrent_cells, "recurrent_states": recurrent_states,
          "rnn_cells": rnn_cells, "recurrent_blocks": recurrent_blocks,
          "stacked_states": stacked_states, "projection_blocks": projection_blocks}


def bad_weights(args):
    g = ge.Graph("bad", np.random.default_rng(1))
    g.keras3 = False
    x = g.input((4, 3))
    config, weights, _ = rnn_spec(g, x, "LSTM", 2)
    weights[1] = (weights[1][0], np.zeros((3, 8), np.float32))  # (units + 1, 4 units)
    g.add("LSTM", x, lambda v: v, config, weights)
    os.makedirs(args.workdir, exist_ok=True)
    model, w = os.path.join(args.workdir, "bad.json"), os.path.join(args.workdir, "bad.h5")
    with open(model, "w") as f:
        f.write(g.outputs_json([g.layers[-1][1]["name"]]))
    keras_writer.save_weights_h5(w, [(n, ws) for n, _, ws in g.weights])
    result = subprocess.run([args.kconvc, model, "--weights", w, "--emit=mlir"],
                            capture_output=True, text=True)
    print(f"exit {result.returncode}: {result.stderr.strip()}")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--format", choices=["json", "h5", "keras"], default="json")
    parser.add_argument("--model", choices=sorted(MODELS), default="recurrent_cells")
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--threads", type=int,
                        help="the executable's --threads (more than the cores allowed)")
    parser.add_argument("--bad-weights", action="store_true",
                        help="write an LSTM whose recurrent kernel has a row too many and "
                             "print kconvc's error")
    args = parser.parse_args()
    if args.bad_weights:
        return bad_weights(args)
    ge.BATCH = args.batch
    keras3 = args.format == "keras"
    g = ge.Graph(args.model, np.random.default_rng(5))
    g.keras3 = keras3
    outputs = MODELS[args.model](g)
    d = os.path.join(args.workdir, args.model + "_" + args.format +
                     (f"_b{args.batch}" if args.batch != BATCH else "") +
                     (f"_t{args.threads}" if args.threads else ""))
    os.makedirs(d, exist_ok=True)
    config = g.outputs_json(outputs, keras3)
    if keras3:
        model = os.path.join(d, "model.keras")
        keras_writer.save_keras_archive(model, config, [(cls, w) for _, cls, w in g.weights],
                                        [(n, w) for n, _, w in g.weights],
                                        keras_version=ge.KERAS3_VERSION)
        compile_args = [model]
    elif args.format == "h5":
        weights = dict((n, w) for n, _, w in g.weights)
        model = os.path.join(d, "model.h5")
        keras_writer.save_model_h5(model, config, [(c["name"], weights.get(c["name"], []))
                                                   for cls, c, _ in g.layers
                                                   if cls != "InputLayer"])
        compile_args = [model]
    else:
        with open(os.path.join(d, "model.json"), "w") as f:
            f.write(config)
        keras_writer.save_weights_h5(os.path.join(d, "w.h5"), [(n, w) for n, _, w in g.weights])
        compile_args = [os.path.join(d, "model.json"), "--weights", os.path.join(d, "w.h5")]
    exe = os.path.join(d, "m")
    subprocess.run([args.kconvc] + compile_args + ["--emit=exe", "-o", exe], check=True)
    command = [exe]
    for i, (_, x) in enumerate(g.inputs):
        np.save(os.path.join(d, f"x{i}.npy"), x)
        command += ["--input", os.path.join(d, f"x{i}.npy")]
    for i in range(len(outputs)):
        command += ["--output", os.path.join(d, f"y{i}.npy")]
    env = None
    if args.threads:
        command += ["--threads", str(args.threads)]
        env = dict(os.environ, KCONV_OVERSUBSCRIBE="1")
    subprocess.run(command, check=True, env=env)
    failures = 0
    for i, out in enumerate(outputs):
        y, ref = np.load(os.path.join(d, f"y{i}.npy")), g.values[out]
        err = np.abs(y - ref).max() if y.shape == ref.shape else float("inf")
        tolerance = 1e-4 * max(1.0, np.abs(ref).max())
        ok = err <= tolerance
        failures += not ok
        print(f"{os.path.basename(d)} output {i} ({out}): shape {y.shape}, reference "
              f"{ref.shape}, max error {err:.2g} (tolerance {tolerance:.1g}): "
              f"{'ok' if ok else 'FAIL'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
