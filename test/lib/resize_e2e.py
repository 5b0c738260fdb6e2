#!/usr/bin/python3
"""Keras Resizing and CenterCrop in whole models (graph_e2e's Graph, writers and runner):
bilinear, nearest and bicubic, up and down, crop_to_aspect_ratio, both data formats
(Keras 3), CenterCrop cropping and (input smaller than the target) resizing.

The reference is TensorFlow's tf.image.resize as Keras 2 and Keras 3 (TensorFlow backend)
call it, written from its definition: per axis, scale = in / out in float32 and the
source coordinate s = (o + 0.5) * scale - 0.5 in float32 (as TensorFlow computes them);
nearest reads min(floor((o + 0.5) * scale), in - 1); bilinear weighs max(floor(s), 0) and
min(ceil(s), in - 1) by the fraction of s; bicubic is Keys' kernel with a = -0.5 at the
fraction rounded to 1/1024 (TensorFlow's table), taps outside the image weighted 0 and
renormalized. The per-axis weights form matrices applied in float64."""
import sys

import numpy as np

import graph_e2e as ge

F = np.float32


def keys(x, a=-0.5):
    x = abs(x)
    if x <= 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return 0.0


def axis_weights(inn, out, method):
    """(out, inn) float64 matrix: output o is row o applied to the input axis."""
    m = np.zeros((out, inn))
    scale = F(inn) / F(out)
    for o in range(out):
        if method == "nearest":
            m[o, min(int(np.floor(F(F(o) + F(0.5)) * scale)), inn - 1)] = 1.0
            continue
        s = F(F(F(o) + F(0.5)) * scale) - F(0.5)
        base = int(np.floor(s))
        frac = float(s - F(base))
        if method == "bilinear":
            lo, hi = max(base, 0), min(int(np.ceil(s)), inn - 1)
            m[o, lo] += 1 - frac
            m[o, hi] += frac
            continue
        t = float(np.rint(F(F(frac) * F(1024)))) / 1024
        taps = [(base - 1, keys(1 + t)), (base, keys(t)), (base + 1, keys(1 - t)),
                (base + 2, keys(2 - t))]
        taps = [(i, w) for i, w in taps if 0 <= i < inn]
        total = sum(w for _, w in taps)
        for i, w in taps:
            m[o, i] += w / total
    return m


def aspect_box(length, other, target, other_target):
    crop = max(min(length, int(float(other * target) / other_target)), 1)
    return int(float(length - crop) / 2), crop


def resize_nhwc(v, height, width, method, crop_to_aspect=False):
    h, w = v.shape[1], v.shape[2]
    if crop_to_aspect:
        (top, ch), (left, cw) = aspect_box(h, w, height, width), aspect_box(w, h, width, height)
        v = v[:, top:top + ch, left:left + cw, :]
        h, w = ch, cw
    # optimize: one axis at a time (the three-operand product unoptimized takes minutes
    # for a 224x224 image).
    return np.einsum("oh,nhwc,pw->nopc", axis_weights(h, height, method), v,
                     axis_weights(w, width, method), optimize=True)


def to_nhwc(v, fmt):
    return v if fmt == "channels_last" else v.transpose(0, 2, 3, 1)


def from_nhwc(v, fmt):
    return v if fmt == "channels_last" else v.transpose(0, 3, 1, 2)


def resizing(g, x, height, width, interpolation="bilinear", crop=None, fmt=None):
    """crop / fmt None: the argument is not written (Keras 2 has no data_format)."""
    config = {"height": height, "width": width, "interpolation": interpolation}
    if crop is not None:
        config["crop_to_aspect_ratio"] = crop
    if fmt:
        config["data_format"] = fmt
    f = fmt or "channels_last"
    return g.add("Resizing", x, lambda v: from_nhwc(resize_nhwc(
        to_nhwc(v, f), height, width, interpolation, bool(crop)), f), config)


def center_crop(g, x, height, width, fmt=None):
    f = fmt or "channels_last"

    def ref(v):
        v = to_nhwc(v, f)
        h, w = v.shape[1], v.shape[2]
        if h >= height and w >= width:
            top, left = (h - height) // 2, (w - width) // 2
            out = v[:, top:top + height, left:left + width, :]
        else:  # Keras's smart_resize: crop to the aspect ratio, then bilinear
            out = resize_nhwc(v, height, width, "bilinear", crop_to_aspect=True)
        return from_nhwc(out, f)
    config = {"height": height, "width": width}
    if fmt:
        config["data_format"] = fmt
    return g.add("CenterCrop", x, ref, config)


def resizing_variants(g):
    x = g.input((6, 10, 3))
    wide = g.input((5, 9, 16))                                        # a vector of channels
    return [resizing(g, x, 12, 20),                                   # bilinear x2
            resizing(g, x, 4, 7, "bilinear"),                         # down, uneven
            resizing(g, x, 9, 25, "nearest"),                         # up, uneven
            resizing(g, x, 3, 4, "nearest"),                          # down
            resizing(g, x, 13, 17, "bicubic"),                        # up, uneven
            resizing(g, x, 4, 6, "bicubic"),                          # down
            resizing(g, x, 1, 1, "bicubic"),                          # one pixel
            resizing(g, x, 8, 8, "bilinear", crop=True),              # square crop
            resizing(g, x, 5, 3, "bicubic", crop=True),               # tall crop
            resizing(g, x, 6, 10, "nearest", crop=False),             # same size
            resizing(g, x, 3, 9, "bilinear"),                         # vectorized along x
            resizing(g, wide, 11, 14, "bilinear"),                    # along channels, up
            resizing(g, wide, 10, 17, "nearest"),
            resizing(g, wide, 3, 4, "bilinear")]                      # along channels, down


def resizing_periodic(g):
    """Few channels and taps that repeat along both axes (kconv resamples rows by
    phases, in bands of output rows): 2x, 4x and nearest 3x up, 2x, 3x and 3/2x down,
    long enough rows for vectors and tall enough outputs for several bands, a tiny image
    (one band, the batch in parallel), 1 to 4 channels; and 3/2x up, whose scale 2/3
    float32 rounds so that its taps do not repeat (the tables' path)."""
    x = g.input((20, 24, 3))
    odd = g.input((33, 17, 4))
    gray = g.input((16, 40, 1))
    tiny = g.input((4, 6, 3))                                         # one band per image
    return [resizing(g, x, 40, 48),                                   # bilinear x2
            resizing(g, x, 60, 72, "nearest"),                        # x3
            resizing(g, x, 30, 36, "bilinear"),                       # x3/2: tables
            resizing(g, x, 10, 12, "bilinear"),                       # /2
            resizing(g, x, 10, 16, "nearest"),                        # /2, /(3/2)
            resizing(g, odd, 66, 34, "bilinear"),                     # odd sizes
            resizing(g, gray, 32, 80, "bilinear"),                    # one channel
            resizing(g, x, 80, 96, "bilinear"),                       # x4: 4 phases
            resizing(g, x, 20, 8, "bilinear"),                        # /3: weights 0
            resizing(g, tiny, 8, 12, "bilinear")]                     # rows unvectorized


def resizing_cf(g):  # Keras 3's data_format
    x = g.input((3, 7, 5))                                            # (C, H, W)
    return [resizing(g, x, 11, 9, "bilinear", fmt="channels_first"),
            resizing(g, x, 4, 4, "bicubic", crop=True, fmt="channels_first"),
            resizing(g, x, 14, 10, "nearest", fmt="channels_first"),
            resizing(g, x, 5, 8, "bilinear", crop=True, fmt="channels_last")]


def centercrop_variants(g):
    x = g.input((9, 8, 2))
    return [center_crop(g, x, 5, 4),                                  # crop, odd margins
            center_crop(g, x, 9, 8),                                  # the whole image
            center_crop(g, x, 12, 6),                                 # taller: resizes
            center_crop(g, x, 16, 16)]                                # larger: resizes


def centercrop_cf(g):  # Keras 3's data_format
    x = g.input((2, 7, 10))
    return [center_crop(g, x, 3, 6, fmt="channels_first"),
            center_crop(g, x, 8, 5, fmt="channels_first")]


MODELS = {name: f for name, f in list(globals().items())
          if name.endswith(("_variants", "_cf", "_periodic")) and callable(f)}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
