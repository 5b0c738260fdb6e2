#!/usr/bin/python3
"""Keras's Dot in a whole model (graph_e2e's Graph, writers and runner), Keras 2 JSON +
.h5 and Keras 3 .keras: the batched dot product of two inputs along one axis of each,
every axis pairing (last with last, first with first, last with first, a rank-4 input,
negative axes) and `normalize` (each input L2-normalized along its axis: cosine
proximity). Reference: NumPy float64, per sample np.tensordot over the two axes (x's
other axes, then y's; (batch, 1) when none remain), Keras's batch_dot.

  dot_e2e.py --kconvc KCONVC --workdir DIR [--keras3]"""
import sys

import numpy as np

import graph_e2e as ge


def dot(g, x, y, axes, normalize=False):
    def reference(a, b):
        pair = (axes, axes) if isinstance(axes, int) else axes
        ax = [p % v.ndim for p, v in zip(pair, (a, b))]
        if normalize:
            # Keras 3 clamps the squared norm at epsilon^2 = 1e-14, tf-keras at 1e-12.
            floor = 1e-14 if g.keras3 else 1e-12
            a, b = (v / np.sqrt(np.maximum((v * v).sum(axis=i, keepdims=True), floor))
                    for v, i in zip((a, b), ax))
        out = np.stack([np.tensordot(a[n], b[n], axes=([ax[0] - 1], [ax[1] - 1]))
                        for n in range(a.shape[0])])
        return out.reshape(a.shape[0], 1) if out.ndim == 1 else out

    return g.add("Dot", [x, y], reference, {"axes": axes, "normalize": normalize})


def dot_model(g):
    a, b, c, d = g.input((5, 4)), g.input((7, 4)), g.input((5, 3)), g.input((4,))
    e, f = g.input((3, 5, 4)), g.input((4, 6))
    return [dot(g, a, b, 2),                    # (5, 7): attention-like scores
            dot(g, a, c, [1, 1]),               # (4, 3)
            dot(g, d, d, 1, normalize=True),    # (1,): cosine of a vector with itself
            dot(g, a, f, [-1, 1]),              # (5, 6): a matrix product
            dot(g, e, b, [3, -1]),              # (3, 5, 7)
            dot(g, a, e, [1, 2], normalize=True)]   # (4, 3, 4)


ge.MODELS["dot"] = dot_model

if __name__ == "__main__":
    sys.argv += ["--models", "dot"]
    sys.exit(ge.main())
