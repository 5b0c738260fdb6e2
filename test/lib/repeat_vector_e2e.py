#!/usr/bin/python3
"""Keras's RepeatVector in whole models (graph_e2e's Graph, writers and runner): after a
Dense and after a Flatten, read by a Dense on the sequence, a Concatenate with another
sequence and a merge; n of 1 and of 7. Referenced in float64 (np.repeat)."""
import sys

import numpy as np

import graph_e2e as ge


def repeat(g, x, n):
    return g.add("RepeatVector", x, lambda v: np.repeat(v[:, None, :], n, axis=1), {"n": n})


def repeat_vector(g):
    code = g.dense(g.input((6,)), 5, activation="tanh")
    r = repeat(g, code, 4)                            # (4, 5)
    d = g.dense(r, 3)                                 # a Dense on every step
    seq = g.input((4, 2))
    c = g.add("Concatenate", [r, seq], lambda a, b: np.concatenate([a, b], -1), {"axis": -1})
    one = repeat(g, code, 1)                          # (1, 5)
    image = g.conv(g.input((3, 3, 2)), 2, (3, 3))
    flat = g.add("Flatten", image, lambda v: v.reshape(v.shape[0], -1))
    long = repeat(g, flat, 7)                         # (7, 18)
    s = g.add("Add", [long, long], lambda a, b: a + b)
    return [r, d, c, one, s]


MODELS = {"repeat_vector": repeat_vector}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
