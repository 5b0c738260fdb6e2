#!/usr/bin/python3
"""Writes a small Vision Transformer as Keras files with seeded random weights:
model.json + weights.h5 (Keras 2) and model.keras (Keras 3), and a batch of inputs
(images.npy, positions.npy).

  image (32, 32, 3) -> Conv2D(32, 4x4, strides 4) patches (8, 8, 32)
  -> Reshape (64, 32) tokens, + Embedding(64, 32) of the positions input (0..63)
  -> 2 pre-norm encoder blocks (LayerNormalization, MultiHeadAttention with 2 heads of
     16, Add; LayerNormalization, Dense(64, gelu), Dense(32), Add)
  -> LayerNormalization, GlobalAveragePooling1D, Dense(10) logits.

The learned position table is an Embedding of a second, integer input holding
0..tokens-1: the way a Functional model adds a learned (tokens, dim) table without a
custom layer (keras.io's ViT example computes the same Embedding of
`ops.arange(tokens)` inside a custom PatchEncoder layer)."""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
import transformer_layers as tl  # noqa: E402

IMAGE, PATCH, DIM, HEADS, MLP, BLOCKS, CLASSES = 32, 4, 32, 2, 64, 2, 10
TOKENS = (IMAGE // PATCH) ** 2
EPSILON = 1e-6
BATCH = 4


def build(w):
    image = tl.kw.Input("image", (IMAGE, IMAGE, 3))
    positions = tl.kw.Input("positions", (TOKENS,), dtype="int32")
    x = tl.conv2d(w, "patch_embedding", 3, DIM, (PATCH, PATCH), (PATCH, PATCH))(image.output)[0]
    x = tl.kw.Layer("Reshape", {"name": "tokens", "trainable": True,
                                "target_shape": [TOKENS, DIM]})(x)[0]
    p = tl.embedding(w, "position_embedding", TOKENS, DIM)(positions.output)[0]
    x = tl.add("add_positions")([x, p])[0]
    for b in range(BLOCKS):
        x = tl.encoder_block(w, x, f"block{b}", DIM, HEADS, MLP, EPSILON, pre_norm=True)
    x = tl.layer_norm(w, "final_norm", DIM, EPSILON)(x)[0]
    x = tl.kw.Layer("GlobalAveragePooling1D", {"name": "pool", "trainable": True,
                                               "data_format": "channels_last",
                                               "keepdims": False})(x)[0]
    logits = tl.dense(w, "head", DIM, CLASSES)(x)[0]
    return tl.kw.Functional("vit", [image, positions], [logits])


def main():
    w = tl.Weights(seed=2024)
    tl.save(here, build(w))
    images = w.rng.uniform(0.0, 1.0, (BATCH, IMAGE, IMAGE, 3)).astype(np.float32)
    np.save(os.path.join(here, "images.npy"), images)
    np.save(os.path.join(here, "positions.npy"),
            np.tile(np.arange(TOKENS, dtype=np.int32), (BATCH, 1)))


if __name__ == "__main__":
    main()
