#!/usr/bin/python3
"""Keras's EinsumDense and MultiHeadAttention in whole models (graph_e2e's Graph,
writers and runner), Keras 2 JSON + .h5 and Keras 3 .keras archives, against float64
NumPy references written here from Keras's definitions (not from kconv's lowering):

  EinsumDense: np.einsum(equation, x, kernel) + bias (Keras's bias shape: the output
  axes from the first bias axis on, 1 where not a bias axis), then the activation.
  MultiHeadAttention: per head, softmax((x_q Wq + bq) / sqrt(key_dim) . (x_k Wk + bk)^T
  + causal) . (x_v Wv + bv), the heads then projected by Wo (+ bo); the causal mask
  adds -1e9 where the key step is after the query step.

The calls are serialized as Keras does: Keras 2 puts the tensors after the first and
the call arguments in the first tensor's kwargs dict ([["q", 0, 0, {"value": ["v", 0,
0], "use_causal_mask": true}]]); Keras 3 writes {"args": [...], "kwargs": {...}}.
Keras 3 stores a MultiHeadAttention's weights in its projections' groups
(layers/multi_head_attention/query_dense/vars/0, ...; `_query_dense` before 3.3).
Outputs must match to 1e-4 relative to the output's magnitude."""
import json
import os
import sys

import h5py
import numpy as np

import graph_e2e as ge
import keras_writer
import layer_normalization_e2e as lne
import layer_reference as lr

# name -> (inbound tensor names in call order, how many are positional in Keras 3,
# call kwargs other than tensors, Keras 3 attribute prefix "" or "_").
CALLS = {}
TOLERANCE = 1e-4


def activate(v, name):
    return {"linear": lambda x: x, "relu": lambda x: np.maximum(x, 0),
            "tanh": np.tanh, "softmax": lambda x: lr.softmax(x, axis=-1)}[name](v)


def keras_bias_shape(equation, out_shape, bias_axes):
    """Keras's bias shape (_analyze_split_string), for the full output shape."""
    left, right = equation.split("->")
    out_spec = right.replace("...", "")
    first = min(out_spec.find(c) for c in bias_axes)
    offset = len(out_shape) - len(out_spec) if right.startswith("...") else 0
    shape = [out_shape[offset + i] if c in bias_axes else 1
             for i, c in enumerate(out_spec) if i >= first]
    if right.endswith("..."):
        shape += [1] * (len(out_shape) - len(out_spec))
    return tuple(shape)


def einsum_dense(g, x, equation, output_shape, kernel_shape, bias_axes=None,
                 activation="linear"):
    k = g.uniform(kernel_shape, -0.5, 0.5)

    def reference(v):
        y = np.einsum(equation, v, k.astype(np.float64))
        if bias_axes:
            y = y + b.astype(np.float64).reshape(keras_bias_shape(equation, y.shape, bias_axes))
        return activate(y, activation)

    weights = [("kernel", k)]
    b = None
    if bias_axes:
        probe = np.einsum(equation, np.zeros(g.values[x].shape), np.zeros(kernel_shape))
        b = g.uniform(keras_bias_shape(equation, probe.shape, bias_axes), -0.5, 0.5)
        weights.append(("bias", b))
    config = {"equation": equation, "output_shape": output_shape, "bias_axes": bias_axes,
              "activation": activation,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}},
              "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    return g.add("EinsumDense", x, reference, config, weights)


def mha(g, query, value, key=None, num_heads=2, key_dim=4, value_dim=None, use_bias=True,
        output_shape=None, causal=False, positional=2, prefix=""):
    value_dim = value_dim or key_dim
    dq, dv = g.values[query].shape[-1], g.values[value].shape[-1]
    dk = g.values[key if key else value].shape[-1]
    out = list(output_shape) if output_shape else [dq]
    w = {}
    for part, din, dim in (("query", dq, key_dim), ("key", dk, key_dim), ("value", dv, value_dim)):
        w[part] = (g.uniform((din, num_heads, dim), -0.5, 0.5),
                   g.uniform((num_heads, dim), -0.5, 0.5) if use_bias else None)
    w["attention_output"] = (g.uniform((num_heads, value_dim, *out), -0.5, 0.5),
                             g.uniform(tuple(out), -0.5, 0.5) if use_bias else None)

    def project(x, part):
        kernel, bias = (a.astype(np.float64) if a is not None else None for a in w[part])
        y = np.tensordot(x, kernel, axes=([x.ndim - 1], [0]))
        return y + bias if bias is not None else y

    def reference(q, v, k=None):
        k = v if k is None else k
        Q = project(q, "query") / np.sqrt(key_dim)
        K, V = project(k, "key"), project(v, "value")
        scores = np.einsum("bshd,bthd->bhts", K, Q)
        if causal:
            t, s = scores.shape[-2:]
            scores = scores + (1.0 - np.tril(np.ones((t, s)))) * -1e9
        context = np.einsum("bhts,bshd->bthd", lr.softmax(scores, axis=-1), V)
        return attention_output(context)

    def attention_output(context):
        kernel, bias = w["attention_output"]
        y = np.tensordot(context, kernel.astype(np.float64), axes=([2, 3], [0, 1]))
        return y + bias.astype(np.float64) if bias is not None else y

    config = {"num_heads": num_heads, "key_dim": key_dim, "value_dim": value_dim,
              "dropout": 0.1, "use_bias": use_bias,
              "output_shape": output_shape if output_shape is None else list(output_shape),
              "attention_axes": [1],
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}},
              "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    weights = []
    for part in ("query", "key", "value", "attention_output"):
        weights.append((part + "/kernel", w[part][0]))
        if use_bias:
            weights.append((part + "/bias", w[part][1]))
    inbound = [query, value] + ([key] if key else [])
    name = g.add("MultiHeadAttention", inbound, reference, config, weights)
    CALLS[name] = (inbound, positional, {"use_causal_mask": True} if causal else {}, prefix)
    return name


def attention(g):
    """Cross-attention with a key (2 heads, key_dim != value_dim), self-attention with a
    causal mask and no bias, attention with output_shape of two axes; EinsumDense with
    Keras's projection equations and others (transposed kernel, output permuted, bias
    on some new axes, ellipses)."""
    q, v, k = g.input((5, 8)), g.input((7, 6)), g.input((7, 4))
    cross = mha(g, q, v, key=k, num_heads=2, key_dim=3, value_dim=5, positional=1)
    causal = mha(g, q, q, num_heads=1, key_dim=4, use_bias=False, output_shape=[6],
                 causal=True, prefix="_")
    multi = mha(g, cross, v, num_heads=3, key_dim=2, output_shape=[2, 3])
    e1 = einsum_dense(g, q, "abc,cde->abde", [None, 2, 3], (8, 2, 3), "de")
    e2 = einsum_dense(g, e1, "abcd,cde->abe", [None, 4], (2, 3, 4), "e", "relu")
    e3 = einsum_dense(g, v, "abc,dc->adb", [3, 7], (3, 6), "d")      # kernel (out, in)
    e4 = einsum_dense(g, k, "...b,bc->...c", [5], (4, 5), None, "tanh")
    e5 = einsum_dense(g, q, "ab...,bd->ad...", [3], (5, 3), "d")     # contracts axis 1
    e6 = einsum_dense(g, v, "abc,ced->abde", [None, 3, 2], (6, 2, 3), "d", "softmax")
    return [cross, causal, multi, e2, e3, e4, e5, e6]


def encoder(g):
    """A transformer encoder block: self-attention, residual Add, LayerNormalization, a
    Dense feed-forward network on the sequence, residual Add, LayerNormalization."""
    x = g.input((6, 8))
    a = mha(g, x, x, num_heads=2, key_dim=4)
    y = g.add("Add", [x, a], lambda u, w: u + w)
    y = lne.layer_norm(g, y, epsilon=1e-6)
    f = g.dense(y, 16, "relu")
    f = g.dense(f, 8)
    z = g.add("Add", [y, f], lambda u, w: u + w)
    return [lne.layer_norm(g, z, epsilon=1e-6)]


# Attention / AdditiveAttention called on a list, with call kwargs: name -> kwargs.
LIST_CALLS = {}


def dot_attention_layer(g, inputs, use_scale=False, concat=False, additive=False,
                        causal=False):
    q, v = g.values[inputs[0]], g.values[inputs[1]]
    dim = q.shape[-1]
    weights = []
    if additive:
        scale = g.uniform((dim,), -1.0, 1.0) if use_scale else None
        if use_scale:
            weights.append(("scale", scale))
    else:
        # A negative scale: the causal mask must still win after scaling.
        scale = np.array(-0.7 if not concat else 0.8, np.float32) if use_scale else None
        if use_scale:
            weights.append(("scale", scale))
        if concat:
            concat_weight = np.array(1.3, np.float32)
            weights.append(("concat_score_weight", concat_weight))

    def reference(query, value, key=None):
        key = value if key is None else key
        if additive:
            s = np.tanh(query[:, :, None, :] + key[:, None, :, :])
            scores = (s * (scale.astype(np.float64) if use_scale else 1.0)).sum(-1)
        elif concat:
            a = float(scale) if use_scale else 1.0
            scores = float(concat_weight) * np.tanh(
                a * (query[:, :, None, :] + key[:, None, :, :])).sum(-1)
        else:
            scores = np.einsum("bid,bjd->bij", query, key)
            if use_scale:
                scores = scores * float(scale)
        if causal:
            t, s_ = scores.shape[-2:]
            scores = np.where(np.tril(np.ones((t, s_))) > 0, scores, scores - 1e9)
        return np.einsum("bij,bjd->bid", lr.softmax(scores, axis=-1), value)

    cls = "AdditiveAttention" if additive else "Attention"
    config = {"use_scale": use_scale, "dropout": 0.0}
    if not additive:
        config["score_mode"] = "concat" if concat else "dot"
    name = g.add(cls, inputs, reference, config, weights or None)
    if causal:
        LIST_CALLS[name] = {"use_causal_mask": True}
    return name


def dot_attention(g):
    """Attention (dot-product: plain, scaled with causal mask; concat with both
    scales) and AdditiveAttention (with and without its per-feature scale, causal),
    on [query, value] and [query, value, key]."""
    q, v, k = g.input((5, 4)), g.input((7, 6)), g.input((7, 4))
    return [dot_attention_layer(g, [q, v, k]),
            dot_attention_layer(g, [q, q], use_scale=True, causal=True),
            dot_attention_layer(g, [q, v, k], use_scale=True, concat=True),
            dot_attention_layer(g, [q, v, k], additive=True, use_scale=True),
            dot_attention_layer(g, [q, q], additive=True, causal=True)]


def gqa(g, query, value, num_query_heads=4, num_key_value_heads=2, head_dim=3,
        causal=False):
    """Keras 3's GroupedQueryAttention: key and value heads repeated along the heads
    axis (each serving num_query_heads / num_key_value_heads consecutive query heads)."""
    dq, dv = g.values[query].shape[-1], g.values[value].shape[-1]
    repeats = num_query_heads // num_key_value_heads
    w = {"query": (g.uniform((dq, num_query_heads, head_dim), -0.5, 0.5),
                   g.uniform((num_query_heads, head_dim), -0.5, 0.5))}
    for part in ("key", "value"):
        w[part] = (g.uniform((dv, num_key_value_heads, head_dim), -0.5, 0.5),
                   g.uniform((num_key_value_heads, head_dim), -0.5, 0.5))
    w["attention_output"] = (g.uniform((num_query_heads, head_dim, dq), -0.5, 0.5),
                             g.uniform((dq,), -0.5, 0.5))

    def project(x, part):
        kernel, bias = (a.astype(np.float64) for a in w[part])
        return np.tensordot(x, kernel, axes=([x.ndim - 1], [0])) + bias

    def reference(q, v):
        Q = project(q, "query") / np.sqrt(head_dim)
        K = np.repeat(project(v, "key"), repeats, axis=2)
        V = np.repeat(project(v, "value"), repeats, axis=2)
        scores = np.einsum("bquh,bkuh->buqk", Q, K)
        if causal:
            t, s_ = scores.shape[-2:]
            scores = scores + (1.0 - np.tril(np.ones((t, s_)))) * -1e9
        out = np.einsum("buqk,bkuh->bquh", lr.softmax(scores, axis=-1), V)
        kernel, bias = (a.astype(np.float64) for a in w["attention_output"])
        return np.tensordot(out, kernel, axes=([2, 3], [0, 1])) + bias

    config = {"head_dim": head_dim, "num_query_heads": num_query_heads,
              "num_key_value_heads": num_key_value_heads, "use_bias": True,
              "use_gate": False, "sliding_window": None, "dropout": 0.0}
    weights = []
    for part in ("query", "key", "value", "attention_output"):
        weights += [(part + "/kernel", w[part][0]), (part + "/bias", w[part][1])]
    name = g.add("GroupedQueryAttention", [query, value], reference, config, weights)
    CALLS[name] = ([query, value], 2, {"use_causal_mask": True} if causal else {}, "_")
    return name


# Set by main: the models written as Keras 3 files (GroupedQueryAttention is Keras 3's).
KERAS3 = [False]


def attention_layers(g):
    """attention and dot_attention in one model: fewer compilations (and, in Keras 3,
    a GroupedQueryAttention, causal, 4 query heads sharing 2 key/value heads)."""
    outputs = attention(g) + dot_attention(g)
    if KERAS3[0]:
        x = g.input((6, 5))
        outputs.append(gqa(g, x, x, causal=True))
    return outputs


MODELS = {"attention": attention_layers, "encoder": encoder}


def rewrite_calls(config_json, keras3, shapes):
    """Serializes the attention layers' calls as Keras does (module docstring)."""
    model = json.loads(config_json)
    for entry in model["config"]["layers"]:
        name = entry.get("name") or entry["config"]["name"]
        if name in LIST_CALLS:  # Attention([q, v], use_causal_mask=True)
            if keras3:
                entry["inbound_nodes"][0]["kwargs"] = dict(LIST_CALLS[name])
            else:
                for ref in entry["inbound_nodes"][0]:
                    ref[3] = dict(LIST_CALLS[name])
        if name not in CALLS:
            continue
        inbound, positional, kwargs, _ = CALLS[name]
        roles = ["query", "value", "key"]
        if keras3:
            tensors = [keras_writer._keras3_tensor(p, shapes[p]) for p in inbound]
            named = {roles[i]: tensors[i] for i in range(positional, len(tensors))}
            entry["inbound_nodes"] = [{"args": tensors[:positional],
                                       "kwargs": dict(named, **kwargs)}]
        else:
            named = {roles[i]: [p, 0, 0] for i, p in enumerate(inbound) if i > 0}
            entry["inbound_nodes"] = [[[inbound[0], 0, 0, dict(named, **kwargs)]]]
    return json.dumps(model)


def write_keras3_weights(f, all_layers, layers, weights):
    """keras_writer's Keras 3 layout, with MultiHeadAttention's projections in groups of
    their own below the layer's (its own `vars` empty). Paths are numbered per class
    over all the model's layers (`all_layers`: (class name, name)), weightless ones
    too, as Keras numbers them."""
    root = f.create_group("layers")
    paths = dict(zip([n for _, n in all_layers], keras_writer._keras3_paths(all_layers)))
    for (class_name, tensors), (name, _) in zip(layers, weights):
        path = paths[name]
        group = root.create_group(path)
        group.attrs["name"] = path
        own = group.create_group("vars")
        if class_name not in ("MultiHeadAttention", "GroupedQueryAttention"):
            for i, (_, array) in enumerate(tensors):
                own.create_dataset(str(i), data=np.asarray(array, np.float32))
            continue
        prefix = CALLS[name][3]
        parts = {"query": "query_dense", "key": "key_dense", "value": "value_dense",
                 "attention_output": "output_dense"}
        for part, attr in parts.items():
            sub = group.create_group(prefix + attr).create_group("vars")
            mine = [a for n, a in tensors if n.split("/")[0] == part]
            for i, array in enumerate(mine):
                sub.create_dataset(str(i), data=np.asarray(array, np.float32))
    f.create_group("optimizer").create_group("vars")
    f.create_group("vars")


def build(name, keras3, workdir, rng):
    g = ge.Graph(name, rng)
    outputs = MODELS[name](g)
    d = os.path.join(workdir, name + ("_k3" if keras3 else ""))
    os.makedirs(d, exist_ok=True)
    shapes = {n: [None] + list(v.shape[1:]) for n, v in g.values.items()}
    config = rewrite_calls(g.outputs_json(outputs, keras3), keras3, shapes)
    if keras3:
        import io
        import zipfile
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as f:
            write_keras3_weights(f, [(cls, c["name"]) for cls, c, _ in g.layers],
                                 [(cls, w) for _, cls, w in g.weights],
                                 [(n, w) for n, _, w in g.weights])
        model = os.path.join(d, "model.keras")
        with zipfile.ZipFile(model, "w", zipfile.ZIP_STORED) as z:
            z.writestr("metadata.json", json.dumps({"keras_version": "3.5.0",
                                                    "date_saved": "2026-01-01@00:00:00"}))
            z.writestr("config.json", config)
            z.writestr("model.weights.h5", buffer.getvalue())
        return g, outputs, d, [model]
    with open(os.path.join(d, "model.json"), "w") as f:
        f.write(config)
    keras_writer.save_weights_h5(os.path.join(d, "w.h5"), [(n, w) for n, _, w in g.weights])
    return g, outputs, d, [os.path.join(d, "model.json"), "--weights", os.path.join(d, "w.h5")]


def main():
    import argparse
    import subprocess
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--keras3", action="store_true")
    parser.add_argument("--emit-only", action="store_true", help="write the models only")
    args = parser.parse_args()
    rng = np.random.default_rng(24)
    KERAS3[0] = args.keras3
    failures = 0
    for name in args.models.split(","):
        CALLS.clear()
        LIST_CALLS.clear()
        g, outputs, d, compile_args = build(name, args.keras3, args.workdir, rng)
        if args.emit_only:
            print(" ".join(compile_args))
            continue
        exe = os.path.join(d, "m")
        subprocess.run([args.kconvc] + compile_args + ["--emit=exe", "-o", exe], check=True)
        command = [exe]
        for i, (_, x) in enumerate(g.inputs):
            np.save(os.path.join(d, f"x{i}.npy"), x)
            command += ["--input", os.path.join(d, f"x{i}.npy")]
        for i in range(len(outputs)):
            command += ["--output", os.path.join(d, f"y{i}.npy")]
        subprocess.run(command, check=True)
        for i, out in enumerate(outputs):
            y, ref = np.load(os.path.join(d, f"y{i}.npy")), g.values[out]
            err = np.abs(y - ref).max() if y.shape == ref.shape else float("inf")
            tolerance = TOLERANCE * max(1.0, np.abs(ref).max())
            ok = err <= tolerance
            failures += not ok
            print(f"{os.path.basename(d)} output {i} ({out}): shape {y.shape}, reference "
                  f"{ref.shape}, max error {err:.2g} (tolerance {tolerance:.1g}): "
                  f"{'ok' if ok else 'FAIL'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
