#!/usr/bin/python3
"""Writes a BERT-tiny-shaped text encoder as Keras files with seeded random weights:
model.json + weights.h5 (Keras 2) and model.keras (Keras 3), and a batch of inputs
(token_ids.npy with padding, segment_ids.npy, positions.npy).

  token ids (16,) -> Embedding(100, 32, mask_zero=True): id 0 is padding
  + Embedding(16, 32) of the positions input (0..15) + Embedding(2, 32) of the
  segment ids -> LayerNormalization(epsilon 1e-12)
  -> 2 post-norm encoder blocks (MultiHeadAttention with 2 heads of 16, Add,
     LayerNormalization; Dense(128, gelu), Dense(32), Add, LayerNormalization)
  -> outputs: the sequence (16, 32), and GlobalAveragePooling1D (the mean of the
     tokens that are not padding) -> Dense(32, tanh).

The padding mask is Keras's own: the token Embedding's mask_zero mask passes through
the Add and LayerNormalization to each MultiHeadAttention, which masks the padded
keys (and queries) in its scores, and to the pooling."""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
import transformer_layers as tl  # noqa: E402

VOCAB, TOKENS, SEGMENTS, DIM, HEADS, LAYERS = 100, 16, 2, 32, 2, 2
EPSILON = 1e-12
BATCH = 4
LENGTHS = (16, 11, 5, 1)  # tokens before the padding, per sample


def build(w):
    ids = tl.kw.Input("token_ids", (TOKENS,), dtype="int32")
    segments = tl.kw.Input("segment_ids", (TOKENS,), dtype="int32")
    positions = tl.kw.Input("positions", (TOKENS,), dtype="int32")
    t = tl.embedding(w, "token_embedding", VOCAB, DIM, mask_zero=True)(ids.output)[0]
    p = tl.embedding(w, "position_embedding", TOKENS, DIM)(positions.output)[0]
    s = tl.embedding(w, "segment_embedding", SEGMENTS, DIM)(segments.output)[0]
    x = tl.add("embeddings")([t, p, s])[0]
    x = tl.layer_norm(w, "embeddings_norm", DIM, EPSILON)(x)[0]
    for layer in range(LAYERS):
        x = tl.encoder_block(w, x, f"layer{layer}", DIM, HEADS, 4 * DIM, EPSILON,
                             pre_norm=False)
    pooled = tl.kw.Layer("GlobalAveragePooling1D", {"name": "pool", "trainable": True,
                                                    "data_format": "channels_last",
                                                    "keepdims": False})(x)[0]
    pooled = tl.dense(w, "pooler", DIM, DIM, "tanh")(pooled)[0]
    return tl.kw.Functional("bert_tiny", [ids, segments, positions], [x, pooled])


def main():
    w = tl.Weights(seed=2025)
    tl.save(here, build(w))
    ids = w.rng.integers(1, VOCAB, (BATCH, TOKENS)).astype(np.int32)
    segments = np.zeros((BATCH, TOKENS), np.int32)
    for b, length in enumerate(LENGTHS):
        ids[b, length:] = 0
        segments[b, length // 2:] = 1  # a second sentence from half way
    np.save(os.path.join(here, "token_ids.npy"), ids)
    np.save(os.path.join(here, "segment_ids.npy"), segments)
    np.save(os.path.join(here, "positions.npy"),
            np.tile(np.arange(TOKENS, dtype=np.int32), (BATCH, 1)))


if __name__ == "__main__":
    main()
