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



def _same(h, c, f, k, s=1, groups=1):
    return dict(n=1, h=h, w=h, c=c, f=f, k=k, s=s, d=1, groups=groups, padding="same")


# Distinct convolutions of keras.applications' ResNet50 (r) and MobileNetV2 (m), batch 1
# at 224x224, named by output size, kernel and channels (bench/run_model_layers.py): a
# selection, not all (no stems; of ResNet50's stride-2 1x1 layers only 256 -> 512).
MODEL_LAYERS = {
    "r56_1x1_64_64": _same(56, 64, 64, 1), "r56_3x3_64": _same(56, 64, 64, 3),
    "r56_1x1_64_256": _same(56, 64, 256, 1), "r56_1x1_256_64": _same(56, 256, 64, 1),
    "r28s2_1x1_256_512": _same(56, 256, 512, 1, 2), "r28_3x3_128": _same(28, 128, 128, 3),
    "r28_1x1_512_128": _same(28, 512, 128, 1), "r28_1x1_128_512": _same(28, 128, 512, 1),
    "r14_3x3_256": _same(14, 256, 256, 3), "r14_1x1_1024_256": _same(14, 1024, 256, 1),
    "r14_1x1_256_1024": _same(14, 256, 1024, 1), "r7_3x3_512": _same(7, 512, 512, 3),
    "r7_1x1_2048_512": _same(7, 2048, 512, 1), "r7_1x1_512_2048": _same(7, 512, 2048, 1),
    "m56s2_dw_96": _same(112, 96, 96, 3, 2, 96), "m56_dw_144": _same(56, 144, 144, 3, 1, 144),
    "m14_dw_576": _same(14, 576, 576, 3, 1, 576), "m56_1x1_24_144": _same(56, 24, 144, 1),
    "m56_1x1_144_24": _same(56, 144, 24, 1), "m14_1x1_96_576": _same(14, 96, 576, 1),
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
