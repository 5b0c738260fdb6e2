#!/usr/bin/python3
"""The BERT-tiny encoder of make_model.py in float64 NumPy from weights.h5: token,
position and segment table rows summed, LayerNormalization, 2 post-norm encoder
blocks whose attention masks every (query, key) pair where either token is padding
(id 0: Keras's mask_zero mask, as MultiHeadAttention combines its query and value
masks), then the mean of the non-padding tokens and the pooler Dense(tanh)."""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
import transformer_reference as tr  # noqa: E402

INPUTS = ["token_ids.npy", "segment_ids.npy", "positions.npy"]
EPSILON = 1e-12


def reference(ids, segments, positions):
    w = tr.KerasWeights(os.path.join(here, "weights.h5"))
    rows = lambda layer, index: w(layer, "embeddings")[index.astype(np.int64)]
    x = (rows("token_embedding", ids) + rows("position_embedding", positions)
         + rows("segment_embedding", segments))
    x = tr.layer_norm(x, w, "embeddings_norm", EPSILON)
    kept = ids != 0
    mask = kept[:, :, None] & kept[:, None, :]
    for layer in range(2):
        x = tr.encoder_block(x, w, f"layer{layer}", EPSILON, pre_norm=False, mask=mask)
    mean = (x * kept[:, :, None]).sum(1) / kept.sum(1, keepdims=True)
    return [x, tr.dense(mean, w, "pooler", np.tanh)]
