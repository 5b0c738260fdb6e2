#!/usr/bin/python3
"""One Functional model in the spirit of frugally-deep's "exhaustive" test models: seven
inputs of four ranks (an image twice, a sequence, a volume, two vectors, integer tokens)
and about forty outputs, each a short branch through other layer classes (convolutions
of every rank, pooling, padding, normalization, preprocessing, shape layers, merges,
activations, recurrent layers, Dot, Embedding), a model input and a value output twice
among them; compiled once and compared output by output with the float64 references of
the layers' own e2e scripts (graph_e2e's Graph, writers and runner)."""
import sys

import numpy as np

import conv1d_e2e as c1
import conv3d_e2e as c3
import dot_e2e
import embedding_e2e as emb
import graph_e2e as ge
import group_normalization_e2e as gn
import layer_normalization_e2e as ln
import layer_reference as lr
import normalization_e2e as norm
import oned_e2e as od
import recurrent_e2e as rec
import repeat_vector_e2e as rv
import resize_e2e as rs
import unit_normalization_e2e as un

# Names Keras 2 and 3 both accept, and the references' names for them.
ACTIVATIONS = {"relu": "relu", "elu": "elu", "selu": "selu", "sigmoid": "sigmoid",
               "tanh": "tanh", "softplus": "softplus", "softsign": "softsign",
               "gelu": "gelu", "swish": "silu", "exponential": "exponential"}


def image_branches(g, img, img2):
    out = []
    y = g.conv(img, 8, (3, 3), activation="relu")
    out.append(g.add("MaxPooling2D", y, lambda v: lr.pool2d(v, "max", (2, 2), (2, 2), "valid"),
                     {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid",
                      "data_format": "channels_last"}))
    out.append(g.add("AveragePooling2D", img,
                     lambda v: lr.pool2d(v, "avg", (3, 3), (1, 1), "same"),
                     {"pool_size": [3, 3], "strides": [1, 1], "padding": "same",
                      "data_format": "channels_last"}))
    out.append(g.conv(img, 5, (3, 3), strides=(2, 2), padding="valid", dilation=(1, 1)))
    out.append(g.conv(img, 4, (3, 3), dilation=(2, 2), activation="tanh"))
    out.append(g.depthwise(img, (3, 3), multiplier=2))
    out.append(g.separable(img, 7, (3, 3), activation="relu"))
    out.append(g.conv_transpose(img, 3, (3, 3), strides=(2, 2)))
    bn = g.batch_norm(img)
    out.append(g.add("GlobalAveragePooling2D", bn, lambda v: lr.global_pool2d(v, "avg"),
                     {"data_format": "channels_last", "keepdims": False}))
    out.append(g.add("GlobalMaxPooling2D", img,
                     lambda v: lr.global_pool2d(v, "max", keepdims=True),
                     {"data_format": "channels_last", "keepdims": True}))
    out.append(ln.layer_norm(g, img))
    out.append(gn.group_norm(g, img, groups=3))
    out.append(un.unit_norm(g, img))
    out.append(norm.normalization(g, img))
    out.append(rs.resizing(g, img, 5, 7))
    out.append(rs.resizing(g, img, 12, 12, interpolation="nearest"))
    out.append(rs.center_crop(g, img, 4, 6))
    padded = g.add("ZeroPadding2D", img, lambda v: lr.zero_pad2d(v, ((1, 2), (0, 1))),
                   {"padding": [[1, 2], [0, 1]], "data_format": "channels_last"})
    cropped = g.add("Cropping2D", padded, lambda v: lr.crop2d(v, ((2, 1), (1, 0))),
                    {"cropping": [[2, 1], [1, 0]], "data_format": "channels_last"})
    out.append(g.add("UpSampling2D", cropped, lambda v: lr.upsample2d(v, (2, 1)),
                     {"size": [2, 1], "interpolation": "nearest",
                      "data_format": "channels_last"}))
    out.append(g.add("Permute", img, lambda v: v.transpose(0, 3, 1, 2), {"dims": [3, 1, 2]}))
    rows = g.add("Reshape", img, lambda v: v.reshape(v.shape[0], -1, 6),
                 {"target_shape": [-1, 6]})
    out.append(g.dense(rows, 3, activation="relu"))            # Dense on a rank-3 tensor
    flat = g.add("Flatten", img, lr.flatten)
    out.append(g.dense(flat, 10, activation="softmax"))
    a = img
    for name in ACTIVATIONS:
        a = g.add("Activation", a,
                  lambda v, ref=ACTIVATIONS[name]: ge.cr.activation(ref, v) if ref else v,
                  {"activation": name})
        a = g.add("Rescaling", a, lambda v: v * 0.5 - 0.1, {"scale": 0.5, "offset": -0.1})
    out.append(a)
    out.append(g.add("ReLU", img, lambda v: lr.relu_layer(v, 0.5, 0.1, -0.2),
                     {"max_value": 0.5, "negative_slope": 0.1, "threshold": -0.2}))
    out.append(g.add("LeakyReLU", img, lambda v: lr.leaky_relu(v, 0.3), {"alpha": 0.3}))
    alpha = g.uniform((1, 1, 6), 0.0, 0.5)
    out.append(g.add("PReLU", img, lambda v: lr.prelu(v, alpha), {"shared_axes": [1, 2]},
                     [("alpha", alpha)]))
    merges = {"Add": lambda a, b: a + b, "Subtract": lambda a, b: a - b,
              "Multiply": lambda a, b: a * b, "Average": lambda a, b: (a + b) / 2,
              "Maximum": np.maximum, "Minimum": np.minimum}
    m = img
    for cls, ref in merges.items():
        m = g.add(cls, [m, img2], ref)
    out.append(m)
    out.append(g.add("Concatenate", [img, img2], lambda a, b: np.concatenate([a, b], axis=1),
                     {"axis": 1}))
    return out


def sequence_branches(g, seq):
    out = [c1.conv1d(g, seq, 6, 3, padding="causal", dilation=2, activation="relu"),
           c1.conv1d(g, seq, 4, 3, stride=2, padding="same", groups=2),
           c1.pool1d(g, seq, "max", 2),
           c1.pool1d(g, seq, "avg", 3, stride=1, padding="same"),
           c1.global_pool1d(g, seq, "avg"),
           c1.global_pool1d(g, seq, "max", keepdims=True)]
    s = od.zero_padding1d(g, seq, (1, 2))
    s = od.cropping1d(g, s, (2, 0))
    out.append(od.upsampling1d(g, s, 2))
    out.append(g.dense(seq, 5, activation="tanh"))              # Dense on every step
    out.append(ln.layer_norm(g, seq, epsilon=1e-5))
    out.append(rec.rnn(g, seq, "LSTM", 5))
    out.append(rec.rnn(g, seq, "GRU", 4, return_sequences=True))
    out.append(rec.rnn(g, seq, "SimpleRNN", 3, go_backwards=True))
    return out


def volume_branches(g, vol):
    v = c3.conv3d(g, vol, 4, 3, padding="same", activation="relu")
    return [c3.pool3d(g, v, "max", 2),
            c3.pool3d(g, vol, "avg", (1, 2, 2), padding="same"),
            c3.conv3d(g, vol, 2, (2, 3, 3), strides=(1, 2, 2)),
            c3.conv3d_transpose(g, vol, 2, 2, strides=2),
            g.add("Flatten", v, lr.flatten)]


def vector_branches(g, vec, vec2):
    d = g.dense(vec, 6, activation="relu")
    d = g.add("Dropout", d, lambda v: v, {"rate": 0.5})
    r = rv.repeat(g, d, 3)
    out = [g.dense(r, 2), d]
    e = g.dense(vec2, 6)
    out.append(dot_e2e.dot(g, d, e, 1))
    out.append(dot_e2e.dot(g, d, e, 1, normalize=True))
    out.append(g.batch_norm(vec))
    return out


def exhaustive(g):
    img, seq, vol = g.input((8, 8, 6)), g.input((12, 4)), g.input((4, 6, 6, 3))
    vec, img2, vec2 = g.input((10,)), g.input((8, 8, 6)), g.input((7,))
    ids = emb.tokens(g, (9,), 20)
    out = image_branches(g, img, img2)
    out += sequence_branches(g, seq)
    out += volume_branches(g, vol)
    out += vector_branches(g, vec, vec2)
    tok = emb.embedding(g, ids, 20, 5)
    out.append(c1.global_pool1d(g, tok, "avg"))
    out += [vec, out[0]]  # a model input, and a value output twice
    return out


MODELS = {"exhaustive": exhaustive}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
