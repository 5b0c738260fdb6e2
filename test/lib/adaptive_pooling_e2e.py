#!/usr/bin/python3
"""Keras 3's AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D in whole models
(graph_e2e's Graph, writers and runner; .keras archives only: Keras 2 has no such
layers): output sizes that divide the input, that do not (overlapping windows of two
sizes), larger than the input, an int and a tuple, both data formats. The float64
reference pools each window [floor(i * L / O), ceil((i + 1) * L / O)) directly, the
definition Keras's two-pool gather implements."""
import sys

import numpy as np

import graph_e2e as ge


def windows(size, out):
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def adaptive_pool(v, output_size, kind, fmt):
    """v: (N, spatial..., C) channels_last or (N, C, spatial...) channels_first."""
    reduce = np.max if kind == "max" else np.mean
    x = v if fmt == "channels_last" else np.moveaxis(v, 1, -1)
    for axis, out in enumerate(output_size, start=1):
        parts = [reduce(np.take(x, range(a, b), axis=axis), axis=axis, keepdims=True)
                 for a, b in windows(x.shape[axis], out)]
        x = np.concatenate(parts, axis=axis)
    return x if fmt == "channels_last" else np.moveaxis(x, -1, 1)


def pool(g, x, rank, kind, output_size, fmt="channels_last"):
    sizes = (output_size,) * rank if isinstance(output_size, int) else tuple(output_size)
    cls = f"Adaptive{'Max' if kind == 'max' else 'Average'}Pooling{rank}D"
    config = {"output_size": list(sizes) if not isinstance(output_size, int) else output_size,
              "data_format": fmt}
    return g.add(cls, x, lambda v: adaptive_pool(v, sizes, kind, fmt), config)


def adaptive_pool_2d(g):
    x = g.conv(g.input((10, 7, 3)), 6, (3, 3))
    return [pool(g, x, 2, "average", (5, 7)),   # divides the height, the width unchanged
            pool(g, x, 2, "max", (3, 3)),       # windows of two sizes, overlapping
            pool(g, x, 2, "average", 4),        # an int
            pool(g, x, 2, "max", (12, 9)),      # larger than the input
            pool(g, x, 2, "average", (1, 1))]   # a global average


def adaptive_pool_cf(g):
    x = g.conv(g.input((3, 9, 11)), 5, (3, 3), fmt="channels_first")
    return [pool(g, x, 2, "average", (4, 3), "channels_first"),
            pool(g, x, 2, "max", (2, 5), "channels_first")]


def adaptive_pool_1d(g):
    x = g.input((13, 4))
    y = g.input((4, 13))
    return [pool(g, x, 1, "average", 5), pool(g, x, 1, "max", [4]),
            pool(g, x, 1, "average", 20),
            pool(g, y, 1, "max", 3, "channels_first"),
            pool(g, y, 1, "average", [6], "channels_first")]


def adaptive_pool_3d(g):
    # Keras 3.12's 3-D layers: sizes that divide, that do not, larger than the input,
    # an int, both data formats.
    x = g.input((5, 7, 6, 3))
    y = g.input((2, 6, 5, 7))
    return [pool(g, x, 3, "average", (5, 3, 2)),  # depth unchanged, windows of two sizes
            pool(g, x, 3, "max", 2),              # an int
            pool(g, x, 3, "average", (8, 1, 9)),  # larger than the input, a global axis
            pool(g, y, 3, "max", (3, 4, 2), "channels_first"),
            pool(g, y, 3, "average", (4, 2, 7), "channels_first")]


MODELS = {"adaptive_pool_2d": adaptive_pool_2d, "adaptive_pool_cf": adaptive_pool_cf,
          "adaptive_pool_1d": adaptive_pool_1d, "adaptive_pool_3d": adaptive_pool_3d}

if __name__ == "__main__":
    ge.MODELS.update(MODELS)
    sys.exit(ge.main())
