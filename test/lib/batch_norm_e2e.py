#!/usr/bin/python3
"""Keras's BatchNormalization (inference) on any axis of any rank, and folded into the
Dense or Conv1D before it (graph_e2e's Graph, writers and runner): axis 1 and -1 of a
rank-3 tensor, axes 1, 2 and -1 of a rank-5 one, a rank-2 Dense output; Dense and Conv1D
(both data formats) followed by a BatchNormalization over their outputs, which
--kconv-fold-batch-norm folds into their weights, and ones it must not fold (after an
activation, over the steps); referenced in float64 with Keras's
(x - mean) / sqrt(variance + epsilon) * gamma + beta along the axis."""
import sys

import numpy as np

import conv1d_e2e as c1
import graph_e2e as ge
import layer_reference as lr


def bn_axes(g):
    x = g.input((6, 5))
    outputs = [g.batch_norm(x, axis=1),                   # rank 3, the steps
               g.batch_norm(x, axis=-1, epsilon=1e-5),    # rank 3, the features
               g.batch_norm(x, axis=2, center=False)]
    v = g.input((3, 4, 2, 3))                             # rank 5
    outputs += [g.batch_norm(v, axis=-1), g.batch_norm(v, axis=2, scale=False),
                g.batch_norm(v, axis=1)]
    d = g.add("Flatten", x, lr.flatten)
    outputs.append(g.batch_norm(g.dense(d, 7, "relu")))   # after an activation: not folded
    return outputs


def bn_fold(g):
    """Every BatchNormalization here follows a linear Dense or Conv1D over its outputs:
    all fold (bn-fold.test checks that none is left)."""
    x = g.input((6, 5))
    d = g.batch_norm(g.dense(g.add("Flatten", x, lr.flatten), 7))        # Dense (N, 7)
    s = g.batch_norm(g.dense(x, 4), epsilon=1e-5, center=False)          # Dense on (N, 6, 5)
    c = g.batch_norm(c1.conv1d(g, x, 8, 3, padding="same"))               # Conv1D
    f = g.batch_norm(c1.conv1d(g, x, 3, 2, fmt="channels_first", use_bias=False),
                     axis=1)                                              # channels_first
    return [d, s, c, f]


def bn_no_fold(g):
    """Conv1D then BatchNormalization over the steps: not the channels, not folded."""
    x = g.input((6, 5))
    return [g.batch_norm(c1.conv1d(g, x, 4, 3), axis=1)]


MODELS = {"bn_axes": bn_axes, "bn_fold": bn_fold, "bn_no_fold": bn_no_fold}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
