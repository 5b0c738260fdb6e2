#!/usr/bin/python3
"""The ViT of make_model.py in float64 NumPy from weights.h5: 4x4 patches (the
stride-4 Conv2D as a matrix product over each patch), + position table rows, 2
pre-norm encoder blocks, final LayerNormalization, mean over the tokens, Dense."""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
import transformer_reference as tr  # noqa: E402

INPUTS = ["images.npy", "positions.npy"]
EPSILON = 1e-6


def reference(images, positions):
    w = tr.KerasWeights(os.path.join(here, "weights.h5"))
    kernel = w("patch_embedding", "kernel")               # (ph, pw, 3, dim)
    ph, pw, c, dim = kernel.shape
    b, h, wd, _ = images.shape
    patches = images.reshape(b, h // ph, ph, wd // pw, pw, c).transpose(0, 1, 3, 2, 4, 5)
    x = patches.reshape(b, -1, ph * pw * c) @ kernel.reshape(-1, dim)
    x = x + w("patch_embedding", "bias")
    x = x + w("position_embedding", "embeddings")[positions.astype(np.int64)]
    for block in range(2):
        x = tr.encoder_block(x, w, f"block{block}", EPSILON, pre_norm=True)
    x = tr.layer_norm(x, w, "final_norm", EPSILON).mean(1)
    return [tr.dense(x, w, "head")]
