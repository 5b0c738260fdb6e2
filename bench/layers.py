"""The benchmark layer suite (issue 6; listed in docs/codegen.md): fp32, NHWC, batch 1
unless noted, 'same' padding unless noted, bias included."""

LAYERS = {
    "a": dict(n=1, h=56, w=56, c=64, f=64, k=3, s=1, d=1, groups=1, padding="same"),
    "b": dict(n=1, h=14, w=14, c=256, f=256, k=3, s=1, d=1, groups=1, padding="same"),
    "c": dict(n=1, h=56, w=56, c=64, f=256, k=1, s=1, d=1, groups=1, padding="same"),
    "d": dict(n=1, h=224, w=224, c=3, f=64, k=7, s=2, d=1, groups=1, padding="same"),
    "e": dict(n=1, h=56, w=56, c=128, f=128, k=3, s=2, d=1, groups=1, padding="same"),
    "f": dict(n=1, h=112, w=112, c=32, f=32, k=3, s=1, d=1, groups=32, padding="same"),
    "g": dict(n=1, h=64, w=64, c=64, f=64, k=3, s=1, d=2, groups=1, padding="same"),
    "h": dict(n=8, h=28, w=28, c=128, f=128, k=3, s=1, d=1, groups=1, padding="same"),
    "i": dict(n=1, h=28, w=28, c=1, f=32, k=3, s=1, d=1, groups=1, padding="valid"),
}


def output_size(size, k, s, d, padding):
    if padding == "same":
        return -(-size // s)
    return (size - ((k - 1) * d + 1)) // s + 1


def flops(layer):
    """Nominal FLOPs: 2 * N * Ho * Wo * F * (C / groups) * K * K."""
    ho = output_size(layer["h"], layer["k"], layer["s"], layer["d"], layer["padding"])
    wo = output_size(layer["w"], layer["k"], layer["s"], layer["d"], layer["padding"])
    return 2 * layer["n"] * ho * wo * layer["f"] * (layer["c"] // layer["groups"]) * layer["k"] ** 2
