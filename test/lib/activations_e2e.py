#!/usr/bin/python3
"""Keras 3's along-axis activations and sparse_sigmoid in whole models (graph_e2e's Graph,
writers and runner): sparsemax (as Keras computes it: conv_reference._sparsemax) and glu
(which halves the axis) as Activation layers and as the activation of Dense, Conv2D
(both data formats: the last axis is the width when channels_first) and Conv2DTranspose,
softmax and log_softmax as Conv2DTranspose's activation, and an Activation('softmax')
after a channels_first Conv2D, whose axis the layout pass must move with it. Referenced
in float64."""
import sys

import graph_e2e as ge

# sparsemax and glu arrived in Keras 3.8 and 3.7; archives say they come from 3.8.
ge.KERAS3_VERSION = "3.8.0"


def scaled(g, x, scale):
    """Spreads values over several units so that the piecewise activations meet every
    piece and sparsemax's support takes several sizes."""
    return g.add("Rescaling", x, lambda v: v * scale, {"scale": scale, "offset": 0.0})


def sparse_sigmoid(g):
    x = scaled(g, g.input((6, 5)), 3.0)
    a = g.activation(x, "sparse_sigmoid")
    d = g.dense(g.input((9,)), 7, activation="sparse_sigmoid")
    return [a, d]


def sparsemax(g):
    x = g.input((6, 6, 4))
    wide = scaled(g, g.dense(g.input((5,)), 10), 6.0)
    a = g.activation(wide, "sparsemax")                                # rank 2
    relu = g.activation(wide, "relu")
    ties = g.activation(relu, "sparsemax")                             # zeros tie
    c = g.conv(x, 6, (3, 3), activation="sparsemax")                   # over the channels
    f = g.conv(x, 5, (3, 3), fmt="channels_first", activation="sparsemax")  # the width
    d = g.dense(x, 8, activation="sparsemax")                          # rank 4 Dense
    t = g.conv_transpose(x, 3, (2, 2), strides=(2, 2), activation="sparsemax")
    return [a, ties, c, f, d, t]


def glu(g):
    x = g.input((6, 6, 4))
    a = g.activation(g.dense(g.input((5,)), 10), "glu")                # 10 -> 5
    c = g.conv(x, 6, (3, 3), activation="glu")                         # 6 -> 3 channels
    f = g.conv(x, 5, (3, 3), fmt="channels_first", activation="glu")   # width 6 -> 3
    d = g.dense(g.dense(x, 8, activation="glu"), 3)                    # read after it
    t = g.conv_transpose(x, 4, (3, 3), fmt="channels_first", activation="glu")
    return [a, c, f, d, t]


def softmax_after(g):
    x = g.input((6, 5, 4))
    t = g.conv_transpose(x, 3, (3, 3), strides=(2, 1), activation="softmax")
    tf = g.conv_transpose(x, 4, (2, 2), fmt="channels_first", activation="log_softmax")
    y = g.conv(x, 4, (3, 3), fmt="channels_first")
    s = g.activation(y, "softmax")      # over the width of (N, C, H, W)
    z = g.conv(s, 3, (1, 1), fmt="channels_first")
    return [t, tf, s, z]


MODELS = {"sparse_sigmoid": sparse_sigmoid, "sparsemax": sparsemax, "glu": glu,
          "softmax_after": softmax_after}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
