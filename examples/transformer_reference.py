"""Float64 NumPy references of the transformer examples' layers, written from Keras's
definitions (not from kconv's lowering, nor from the generators: the weights are read
back from the Keras 2 weights file, by the names Keras gives them).

  LayerNormalization: (x - mean) / sqrt(variance + epsilon) * gamma + beta over the
    last axis (variance: the mean of squared deviations).
  gelu: Keras's default, exact: x * (1 + erf(x / sqrt(2))) / 2.
  MultiHeadAttention: per head, softmax(Q K^T / sqrt(key_dim) + mask) V with
    Q = x_q Wq + bq, K = x_k Wk + bk, V = x_v Wv + bv, then the heads projected by
    Wo (+ bo); a masked (query, key) pair gets -1e9 added to its score, as Keras's
    Softmax adds it (float32 there, so a fully masked row rounds to equal scores);
    Keras 3.10+'s Softmax then zeroes masked probabilities when the layer has a
    dropout (zero_masked)."""
import math

import h5py
import numpy as np


class KerasWeights:
    """A Keras 2 `save_weights` file: weight(layer, "query/kernel") is the dataset
    `<layer>/<layer>/query/kernel:0`, as float64."""

    def __init__(self, path):
        self.path = path

    def __call__(self, layer, name):
        with h5py.File(self.path, "r") as f:
            return np.asarray(f[layer][f"{layer}/{name}:0"], dtype=np.float64)


def layer_norm(x, w, layer, epsilon):
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * w(layer, "gamma") + w(layer, "beta")


_erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def dense(x, w, layer, activation=None):
    y = x @ w(layer, "kernel") + w(layer, "bias")
    return activation(y) if activation else y


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def multi_head_attention(query, value, w, layer, mask=None, zero_masked=False):
    """mask: None or booleans broadcasting to (batch, query steps, key steps), True =
    attend."""
    def project(x, part):
        return np.einsum("btd,dhk->bthk", x, w(layer, part + "/kernel")) + w(layer, part + "/bias")

    q, k, v = project(query, "query"), project(value, "key"), project(value, "value")
    scores = np.einsum("bthk,bshk->bhts", q / math.sqrt(q.shape[-1]), k)
    if mask is not None:
        added = scores + np.where(mask, 0.0, -1e9)[:, None, :, :]
        # Keras adds in float32: where a whole row is masked, its scores all round to
        # -1e9 (the uniform softmax Keras computes there).
        scores = np.where(mask[:, None, :, :], scores, added.astype(np.float32))
    probabilities = softmax(scores)
    if mask is not None and zero_masked:
        probabilities = np.where(mask[:, None, :, :], probabilities, 0.0)
    context = np.einsum("bhts,bshk->bthk", probabilities, v)
    return (np.einsum("bthk,hkd->btd", context, w(layer, "attention_output/kernel"))
            + w(layer, "attention_output/bias"))


def encoder_block(x, w, prefix, epsilon, pre_norm, mask=None):
    """examples/transformer_layers.py's encoder_block (pre-norm ViT, post-norm BERT)."""
    def mlp(h):
        return dense(dense(h, w, prefix + "_mlp1", gelu), w, prefix + "_mlp2")

    if pre_norm:
        h = layer_norm(x, w, prefix + "_norm1", epsilon)
        y = x + multi_head_attention(h, h, w, prefix + "_attention", mask)
        return y + mlp(layer_norm(y, w, prefix + "_norm2", epsilon))
    y = layer_norm(x + multi_head_attention(x, x, w, prefix + "_attention", mask), w,
                   prefix + "_norm1", epsilon)
    return layer_norm(y + mlp(y), w, prefix + "_norm2", epsilon)
