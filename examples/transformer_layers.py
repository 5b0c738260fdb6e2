"""Keras layers of the transformer examples (examples/vit, examples/bert_tiny), as
scripts/keras_writer.py's graph API layers with Keras's configurations and weight
names, random weights drawn from one seeded generator.

Configurations hold the arguments Keras's `get_config()` writes (tf-keras names; the
Keras 3 writer adds the DTypePolicy); weights are (name, array) in Keras's order."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import keras_writer as kw  # noqa: E402

GLOROT = {"class_name": "GlorotUniform", "config": {"seed": None}}
ZEROS = {"class_name": "Zeros", "config": {}}
ONES = {"class_name": "Ones", "config": {}}
NO_PENALTIES = {"kernel_regularizer": None, "bias_regularizer": None,
                "activity_regularizer": None, "kernel_constraint": None,
                "bias_constraint": None}


class Weights:
    """Seeded random weights scaled as trained ones roughly are (1/sqrt(fan in)), so
    the activations keep unit size through the blocks."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def normal(self, shape, std):
        return (self.rng.standard_normal(shape) * std).astype(np.float32)

    def kernel(self, shape, fan_in):
        return self.normal(shape, 1.0 / np.sqrt(fan_in))


def conv2d(w, name, cin, filters, kernel, strides):
    config = kw.conv2d_config(name, filters, kernel, strides=strides, padding="valid")
    config.update({"trainable": True})
    k = w.kernel(tuple(kernel) + (cin, filters), kernel[0] * kernel[1] * cin)
    return kw.Layer("Conv2D", config, [("kernel", k), ("bias", w.normal((filters,), 0.1))])


def dense(w, name, cin, units, activation="linear"):
    config = {"name": name, "trainable": True, "units": units, "activation": activation,
              "use_bias": True, "kernel_initializer": GLOROT, "bias_initializer": ZEROS,
              **NO_PENALTIES}
    return kw.Layer("Dense", config, [("kernel", w.kernel((cin, units), cin)),
                                      ("bias", w.normal((units,), 0.1))])


def layer_norm(w, name, dim, epsilon):
    config = {"name": name, "trainable": True, "axis": -1, "epsilon": epsilon,
              "center": True, "scale": True, "beta_initializer": ZEROS,
              "gamma_initializer": ONES, "beta_regularizer": None,
              "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}
    gamma = 1.0 + w.normal((dim,), 0.1)
    return kw.Layer("LayerNormalization", config, [("gamma", gamma),
                                                   ("beta", w.normal((dim,), 0.1))])


def embedding(w, name, input_dim, output_dim, mask_zero=False):
    config = {"name": name, "trainable": True, "input_dim": input_dim,
              "output_dim": output_dim, "mask_zero": mask_zero,
              "embeddings_initializer": {"class_name": "RandomUniform",
                                         "config": {"minval": -0.05, "maxval": 0.05,
                                                    "seed": None}},
              "embeddings_regularizer": None, "activity_regularizer": None,
              "embeddings_constraint": None}
    return kw.Layer("Embedding", config, [("embeddings", w.normal((input_dim, output_dim), 0.5))])


# Keras 3 saves a MultiHeadAttention's projections as sub-layers (query_dense, ...).
MHA_GROUPS = {"query": "query_dense", "key": "key_dense", "value": "value_dense",
              "attention_output": "output_dense"}


def multi_head_attention(w, name, dim, num_heads, key_dim, dropout=0.0):
    """Self-attention weights as Keras names them: query/kernel (dim, heads, key_dim),
    query/bias (heads, key_dim), ..., attention_output/kernel (heads, key_dim, dim)."""
    config = {"name": name, "trainable": True, "num_heads": num_heads, "key_dim": key_dim,
              "value_dim": key_dim, "dropout": dropout, "use_bias": True, "output_shape": None,
              "attention_axes": [1], "kernel_initializer": GLOROT,
              "bias_initializer": ZEROS, **NO_PENALTIES}
    weights = []
    for part in ("query", "key", "value"):
        weights += [(part + "/kernel", w.kernel((dim, num_heads, key_dim), dim)),
                    (part + "/bias", w.normal((num_heads, key_dim), 0.1))]
    weights += [("attention_output/kernel", w.kernel((num_heads, key_dim, dim), num_heads * key_dim)),
                ("attention_output/bias", w.normal((dim,), 0.1))]
    return kw.Layer("MultiHeadAttention", config, weights, keras3_groups=MHA_GROUPS)


def add(name):
    return kw.Layer("Add", {"name": name, "trainable": True})


def encoder_block(w, x, prefix, dim, num_heads, mlp_dim, epsilon, pre_norm,
                  attention_kwargs=None):
    """One transformer encoder block on the tensor x (batch, tokens, dim).
    pre_norm (ViT): x + MHA(LN(x)), then y + MLP(LN(y)); post-norm (BERT):
    LN(x + MHA(x)), then LN(y + MLP(y)). The MLP is Dense(mlp_dim, gelu), Dense(dim).
    `attention_kwargs`: the attention call's other arguments (attention_mask=...)."""
    attention = multi_head_attention(w, prefix + "_attention", dim, num_heads, dim // num_heads)
    kwargs = dict(attention_kwargs or {})
    if pre_norm:
        h = layer_norm(w, prefix + "_norm1", dim, epsilon)(x)[0]
        a = attention(h, value=h, **kwargs)[0]
        y = add(prefix + "_residual1")([x, a])[0]
        h = layer_norm(w, prefix + "_norm2", dim, epsilon)(y)[0]
        h = dense(w, prefix + "_mlp1", dim, mlp_dim, "gelu")(h)[0]
        h = dense(w, prefix + "_mlp2", mlp_dim, dim)(h)[0]
        return add(prefix + "_residual2")([y, h])[0]
    a = attention(x, value=x, **kwargs)[0]
    y = layer_norm(w, prefix + "_norm1", dim, epsilon)(add(prefix + "_residual1")([x, a])[0])[0]
    h = dense(w, prefix + "_mlp1", dim, mlp_dim, "gelu")(y)[0]
    h = dense(w, prefix + "_mlp2", mlp_dim, dim)(h)[0]
    return layer_norm(w, prefix + "_norm2", dim, epsilon)(add(prefix + "_residual2")([y, h])[0])[0]


def save(here, model, keras3_version="3.4.1"):
    """model.json + weights.h5 (Keras 2: to_json, save_weights) and model.keras
    (Keras 3's model.save) in the example's directory."""
    with open(os.path.join(here, "model.json"), "w") as f:
        f.write(kw.nested_model_json(model) + "\n")
    kw.save_nested_weights_h5(os.path.join(here, "weights.h5"), model)
    kw.save_nested_keras_archive(os.path.join(here, "model.keras"), model, keras3_version)
