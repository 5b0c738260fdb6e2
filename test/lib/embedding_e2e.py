#!/usr/bin/python3
"""Keras's Embedding in whole models (graph_e2e's Graph, writers and runner): token ids
of rank 2 and 3, given as int32, int64 and float32 .npy files (fractional and negative
floats truncated toward zero as Keras casts them), read by a Dense on the sequence,
global pooling, Flatten, a merge of two embeddings, and mask_zero where the mask only
passes through layers that do not read it, or is read by GlobalAveragePooling1D and
recurrent layers (recurrent_e2e.py's reference). Referenced in float64 (a NumPy take)."""
import sys

import numpy as np

import graph_e2e as ge
import layer_reference as lr
import recurrent_e2e as re2e


def tokens(g, shape, vocab, dtype="int32", values=None):
    """An InputLayer of integer dtype; the .npy file holds `values` as written."""
    name = g._name("tokens")
    if values is None:
        values = g.rng.integers(0, vocab, (ge.BATCH,) + tuple(shape))
    x = np.asarray(values).astype(dtype)
    g.layers.append(("InputLayer", {"name": name, "dtype": "int32" if "int" in dtype else dtype,
                                    "sparse": False,
                                    "batch_input_shape": [None] + list(shape)}, []))
    g.values[name] = np.trunc(x.astype(np.float64))
    g.inputs.append((name, x))
    return name


def embedding(g, x, vocab, width, mask_zero=False):
    table = g.uniform((vocab, width))
    config = {"input_dim": vocab, "output_dim": width, "mask_zero": mask_zero,
              "embeddings_initializer": {"class_name": "RandomUniform",
                                         "config": {"minval": -0.05, "maxval": 0.05}},
              "embeddings_regularizer": None, "activity_regularizer": None,
              "embeddings_constraint": None}
    return g.add("Embedding", x, lambda v: table[v.astype(np.int64)], config,
                 [("embeddings", table)])


def pool(g, x, kind):
    cls = "GlobalAveragePooling1D" if kind == "avg" else "GlobalMaxPooling1D"
    return g.add(cls, x, lambda v: v.mean(1) if kind == "avg" else v.max(1),
                 {"data_format": "channels_last", "keepdims": False})


def text_classifier(g):
    ids = tokens(g, (12,), 40)                        # int32 .npy
    e = embedding(g, ids, 40, 8)
    seq = g.dense(e, 6, activation="relu")            # a Dense on every step
    avg, mx = pool(g, seq, "avg"), pool(g, seq, "max")
    cat = g.add("Concatenate", [avg, mx], lambda a, b: np.concatenate([a, b], -1),
                {"axis": -1})
    probs = g.dense(cat, 3, activation="softmax")
    flat = g.add("Flatten", e, lambda v: v.reshape(v.shape[0], -1))
    return [probs, g.dense(flat, 2)]


def grid_tokens(g):
    # Rank-3 ids from an int64 .npy, and float ids truncated toward zero (Keras's cast):
    # 2.9 -> 2, -0.7 -> 0, 0.2 -> 0.
    ids = tokens(g, (3, 4), 9, dtype="int64")
    grid = embedding(g, ids, 9, 5)                    # (3, 4, 5)
    floats = g.rng.integers(0, 7, (ge.BATCH, 6)).astype(np.float32)
    floats[0, :3] = [2.9, -0.7, 0.2]
    floats[1, -1] = 6.999
    f = tokens(g, (6,), 7, dtype="float32", values=floats)
    word = embedding(g, f, 7, 4)
    position = embedding(g, tokens(g, (6,), 6, values=np.tile(np.arange(6), (ge.BATCH, 1))), 6, 4)
    both = g.add("Add", [word, position], lambda a, b: a + b)
    return [grid, both]


def masked_passthrough(g):
    # mask_zero with the mask reaching only layers whose values ignore it (a Dense and
    # an activation) and dropped by Flatten.
    ids = tokens(g, (5,), 11, values=np.array([[0, 3, 4, 0, 10], [7, 0, 0, 1, 2]]))
    e = embedding(g, ids, 11, 6, mask_zero=True)
    d = g.dense(e, 4, activation="tanh")
    a = g.activation(d, "relu")
    flat = g.add("Flatten", a, lambda v: v.reshape(v.shape[0], -1))
    return [a, g.dense(flat, 3)]


def masked_average(g):
    # GlobalAveragePooling1D averages only the steps whose id is not 0 (left and right
    # padding, and an id of 0.4 that is kept although its row is 0: Keras's mask is
    # `ids != 0` on the ids as given); the mask passes through a Dense and Dropout.
    values = np.array([[0, 0, 5, 2, 9, 1, 0.4], [3, 8, 8, 1, 0, 0, 0]], np.float32)
    ids = tokens(g, (7,), 10, dtype="float32", values=values)
    kept = (values != 0).astype(np.float64)
    e = embedding(g, ids, 10, 6, mask_zero=True)
    d = g.dense(e, 5, activation="relu")
    d = g.add("Dropout", d, lambda v: v, {"rate": 0.5})

    def masked_mean(v, keepdims=False):
        mean = (v * kept[:, :, None]).sum(1) / kept.sum(1)[:, None]
        return mean[:, None, :] if keepdims else mean

    avg = g.add("GlobalAveragePooling1D", d, masked_mean,
                {"data_format": "channels_last", "keepdims": False})
    kept_dims = g.add("GlobalAveragePooling1D", e, lambda v: masked_mean(v, True),
                      {"data_format": "channels_last", "keepdims": True})
    return [g.dense(avg, 3, activation="softmax"), kept_dims]


def masked_recurrent(g):
    # Recurrent layers reading mask_zero's mask (left, middle and right padding, and a
    # sample with every step masked): the state carries over masked steps; sequences
    # output the last state there, or zeros with zero_output_for_mask (which
    # Bidirectional forces on with return_sequences). An LSTM's sequence passes the mask
    # on to a GRU running backwards; a Dense passes it on too.
    values = np.array([[0, 3, 4, 0, 5, 0], [7, 1, 2, 0, 0, 0], [0, 0, 0, 0, 0, 0]])
    kept = values != 0
    ids = tokens(g, (6,), 8, values=values)
    e = embedding(g, ids, 8, 5, mask_zero=True)
    seq = re2e.rnn(g, e, "LSTM", 4, return_sequences=True, kept=kept)
    back = re2e.rnn(g, seq, "GRU", 3, go_backwards=True, kept=kept)
    d = g.dense(e, 4, activation="tanh")
    zeros = re2e.rnn(g, d, "SimpleRNN", 3, return_sequences=True, kept=kept, zero_output=True)
    last = re2e.rnn(g, e, "GRU", 3, reset_after=False, return_sequences=True,
                    go_backwards=True, kept=kept)
    b1 = re2e.bidirectional(g, e, "LSTM", 3, "concat", return_sequences=True, kept=kept)
    b2 = re2e.bidirectional(g, e, "GRU", 2, "sum", kept=kept)
    # RNN(StackedRNNCells): every cell keeps its state over masked steps, backwards
    # over every step (zeros there), and forwards to the last state.
    st = re2e.rnn_wrapper(g, e, [("LSTM", 4, {}), ("GRU", 3, {})], return_sequences=True,
                          go_backwards=True, kept=kept, zero_output=True)
    sl = re2e.rnn_wrapper(g, e, [("SimpleRNN", 4, {}), ("LSTM", 2, {})], kept=kept)
    return [seq, back, zeros, last, b1, b2, st, sl]


def sequence(g, values):
    """A float32 InputLayer holding `values` (batch, steps, features)."""
    name = g.input(values.shape[1:])
    x = np.asarray(values, np.float32)
    g.values[name] = x.astype(np.float64)
    g.inputs[-1] = (name, x)
    return name


def masking(g):
    # Masking: steps whose features all equal mask_value are zeroed and masked for the
    # layers after it (an LSTM's sequence, a masked average of it, a GRU); a second
    # Masking with mask_value 0.5 (one step 0.5 in one feature only: kept) and a
    # SimpleRNN; a Masking after an Embedding's mask replaces it.
    values = g.rng.uniform(-1, 1, (3, 6, 3))
    values[0, [0, 3]] = 0
    values[1, 4:] = 0
    values[2, :] = 0
    values[2, 2, 1] = 0.25
    x = sequence(g, values)
    kept = (values != 0).any(-1)
    m = g.add("Masking", x, lambda v: v * (v != 0).any(-1, keepdims=True), {"mask_value": 0.0})
    seq = re2e.rnn(g, m, "LSTM", 4, return_sequences=True, kept=kept)
    avg = g.add("GlobalAveragePooling1D", seq,
                lambda v: (v * kept[:, :, None]).sum(1) / kept.sum(1)[:, None],
                {"data_format": "channels_last", "keepdims": False})
    last = re2e.rnn(g, m, "GRU", 3, kept=kept)
    halves = np.where(g.rng.uniform(0, 1, (3, 5, 2)) < 0.4, 0.5, g.rng.uniform(-1, 1, (3, 5, 2)))
    halves[0, 1] = [0.5, 0.7]
    y = sequence(g, halves)
    kept_half = (halves.astype(np.float32) != np.float32(0.5)).any(-1)
    mh = g.add("Masking", y, lambda v: v * kept_half[:, :, None], {"mask_value": 0.5})
    s = re2e.rnn(g, mh, "SimpleRNN", 3, return_sequences=True, kept=kept_half)
    ids = tokens(g, (4,), 6, values=np.array([[0, 2, 3, 0], [1, 0, 0, 5], [4, 4, 0, 0]]))
    e = embedding(g, ids, 6, 2, mask_zero=True)
    remasked = g.add("Masking", e, lambda v: v * (v != 0).any(-1, keepdims=True),
                     {"mask_value": 0.0})
    kept_e = (g.values[remasked] != 0).any(-1)
    r = re2e.rnn(g, remasked, "GRU", 2, kept=kept_e)
    return [m, seq, avg, last, s, r]


def encode(v, tokens_, mode):
    """CategoryEncoding's Keras semantics in float64: one-hot rows per id (a last axis of
    1 replaced), or per sample (the last axis) which ids occur, or how often."""
    hot = lambda u: (u[..., None] == np.arange(tokens_)).astype(np.float64)
    if mode == "one_hot":
        return hot(v[..., 0] if v.ndim >= 2 and v.shape[-1] == 1 else v)
    return hot(v).any(-2).astype(np.float64) if mode == "multi_hot" else hot(v).sum(-2)


def category_encoding(g, x, tokens_, mode):
    return g.add("CategoryEncoding", x, lambda v: encode(v, tokens_, mode),
                 {"num_tokens": tokens_, "output_mode": mode, "sparse": False})


def categories(g):
    # CategoryEncoding in its three modes, on int32, int64 and float32 ids (a repeated id
    # counts twice; fractional and negative floats truncated toward zero: 2.9 -> 2,
    # -0.7 -> 0), read by a Dense and a merge; Keras 2's "binary" is multi-hot.
    ids = tokens(g, (5,), 7, values=np.array([[0, 3, 3, 6, 1], [2, 2, 2, 0, 5]]))
    multi = category_encoding(g, ids, 7, "multi_hot")
    count = category_encoding(g, ids, 9, "count")
    column = tokens(g, (1,), 4, dtype="int64", values=np.array([[3], [0]]))
    one = category_encoding(g, column, 4, "one_hot")
    floats = np.array([[2.9, -0.7, 0.2, 3.999], [1.5, 1.0, 0.0, 3.0]], np.float32)
    f = tokens(g, (4,), 4, dtype="float32", values=floats)
    scalar = tokens(g, (), 4, values=np.array([1, 2]))  # (batch,): a row per sample
    one = g.add("Add", [one, category_encoding(g, scalar, 4, "one_hot")], lambda a, b: a + b)
    both = g.add("Add", [category_encoding(g, f, 4, "count"), one], lambda a, b: a + b)
    outputs = [multi, count, g.dense(g.add("Concatenate", [multi, both],
                                           lambda a, b: np.concatenate([a, b], -1),
                                           {"axis": -1}), 3)]
    if g.keras3:  # Keras 3 only: one-hot of a sequence, multi-hot of rank 3
        outputs.append(category_encoding(g, ids, 8, "one_hot"))
        grid = tokens(g, (3, 4), 6)
        outputs.append(category_encoding(g, grid, 6, "multi_hot"))
    else:
        binary = g.add("CategoryEncoding", ids, lambda v: g.values[multi],
                       {"num_tokens": 7, "output_mode": "binary", "sparse": False})
        outputs.append(binary)
    return outputs


def discretization(g):
    # Discretization's buckets (numpy's digitize: the boundaries at or below a value,
    # compared in float32; values on a boundary, repeated boundaries), then Keras's
    # one_hot, multi_hot and count of them among len(boundaries) + 1.
    bounds = [-0.5, 0.0, 0.0, 0.25, 0.75]
    values = g.rng.uniform(-1, 1, (ge.BATCH, 6)).astype(np.float32)
    values[0, :4] = [-0.5, 0.0, 0.25, 0.7500001]
    x = g.input((6,))
    g.values[x], g.inputs[-1] = values.astype(np.float64), (x, values)
    b32 = np.asarray(bounds, np.float32).astype(np.float64)
    buckets = lambda v: (v[..., None] >= b32).sum(-1).astype(np.float64)

    def layer(mode):
        return g.add("Discretization", x,
                     lambda v: buckets(v) if mode == "int"
                     else encode(buckets(v), len(bounds) + 1, mode),
                     {"bin_boundaries": bounds, "num_bins": None, "epsilon": 0.01,
                      "output_mode": mode, "sparse": False})

    outputs = [layer(m) for m in ("int", "one_hot", "multi_hot", "count")]
    return outputs + [g.dense(outputs[0], 3)]


MODELS = {"text_classifier": text_classifier, "grid_tokens": grid_tokens,
          "masked_passthrough": masked_passthrough, "masked_average": masked_average,
          "masked_recurrent": masked_recurrent, "masking": masking, "categories": categories,
          "discretization": discretization}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
