#!/usr/bin/python3
"""The 1-D and 3-D convolution benchmark (issue 20): Conv1D (1 x 4096 x 128 -> 128, k=3)
and Conv3D (1 x 16 x 56 x 56 x 64 -> 64, 3x3x3), channels-last float32, padding 'same',
bias included, at 1 and 2 threads, timed side by side in one run:
  - kconv: the executable of `kconvc --emit=exe` of a Keras file written here (the test
    suite's writers, random weights), default schedule and tuned per thread count
    (--tune-budget, as run_bench.py), checked against the test suite's float64 NumPy
    reference first,
  - oneDNN's convolution primitive (bench/onednn_conv_nd.cpp: nwc / ndhwc, weights in
    the layout it chooses),
  - PyTorch (inference_mode): Conv3d on channels_last_3d; for Conv1D, Conv2d with a 1 x k
    kernel on channels_last (N, C, 1, L) (torch has no channels-last 3-D tensor format;
    kconv computes Conv1D on the same (1, L) view) and, as pytorch_conv1d, nn.Conv1d on
    torch's own (N, C, L).

  /usr/bin/python3 bench/run_conv_nd.py [--kconvc build/bin/kconvc] [--cases conv1d,conv3d]
      [--threads 1,2] [--repeats 30] [--rounds 5] [--max-rounds 10] [--tune-budget 20]
      [--quick] [--out bench/results]

Method as run_models.py's (bench/side_by_side.py): every system in its own process, all
systems and the FMA peak in turn in each round, each system's best round; speeds
relative to oneDNN and PyTorch measured in the same rounds. Writes conv_nd.json,
conv_nd.md and conv_nd.png under --out."""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import side_by_side as sbs  # noqa: E402  (puts test/lib and scripts/ on the path)

CASES = {
    "conv1d": dict(spatial=(4096,), c=128, f=128, k=3),
    "conv3d": dict(spatial=(16, 56, 56), c=64, f=64, k=3),
}
TORCH = {"conv1d": ["pytorch", "pytorch_conv1d"], "conv3d": ["pytorch"]}
BASELINES = ("onednn", "pytorch", "pytorch_conv1d")


def flops(case):
    """2 per multiply-add: every output ('same': the input's size) of every filter sums
    k^rank taps of every input channel."""
    return 2 * int(np.prod(case["spatial"])) * case["f"] * case["c"] * case["k"] ** len(
        case["spatial"])


def describe(name, case):
    size = "x".join(map(str, case["spatial"]))
    kernel = "x".join([str(case["k"])] * len(case["spatial"]))
    return (f"{'Conv1D' if len(case['spatial']) == 1 else 'Conv3D'} 1 x {size} x {case['c']} "
            f"-> {case['f']}, kernel {kernel}, padding same, bias")


def keras_case(name, case):
    """The case's Keras model: (its Graph, the output's name, the model's JSON)."""
    import conv1d_e2e
    import conv3d_e2e
    import graph_e2e as ge
    ge.BATCH = 1
    g = sbs.scaled_graph(name)
    x = g.input(case["spatial"] + (case["c"],))
    if len(case["spatial"]) == 1:
        y = conv1d_e2e.conv1d(g, x, case["f"], case["k"], padding="same")
    else:
        y = conv3d_e2e.conv3d(g, x, case["f"], case["k"], padding="same")
    return g, y, g.outputs_json([y])


def torch_build(name, variant):
    import torch
    nn = torch.nn
    case = CASES[name]
    c, f, k = case["c"], case["f"], case["k"]
    if name == "conv3d":
        conv = nn.Conv3d(c, f, k, padding="same").to(memory_format=torch.channels_last_3d)
        x = torch.randn((1, c) + case["spatial"]).contiguous(
            memory_format=torch.channels_last_3d)
    elif variant == "pytorch_conv1d":
        conv = nn.Conv1d(c, f, k, padding="same")
        x = torch.randn(1, c, case["spatial"][0])
    else:
        conv = nn.Conv2d(c, f, (1, k), padding="same").to(memory_format=torch.channels_last)
        x = torch.randn(1, c, 1, case["spatial"][0]).contiguous(
            memory_format=torch.channels_last)
    conv = conv.eval()
    return lambda: conv(x)


def baselines(name, case, threads, repeats, onednn):
    dnnl = [onednn] + [str(v) for v in (1, "x".join(map(str, case["spatial"])), case["c"],
                                        case["f"], case["k"], "same", repeats, threads)]
    return [("onednn", lambda: sbs.rb.median_ms(sbs.rb.run(dnnl)))] + [
        sbs.torch_system(__file__, name, v, threads, repeats) for v in TORCH[name]]


def write_report(results, out):
    notes = (
        f"Systems: kconv_default (kconvc's default schedule), kconv_tuned (--tune-budget "
        f"{results['settings']['tune_budget']:g} s per thread count, when timed); onednn: "
        f"oneDNN's convolution primitive (bench/onednn_conv_nd.cpp: nwc / ndhwc float32, "
        f"weights in the layout it chooses, OpenMP threads = thr); PyTorch "
        f"{results['torch_version']} in inference_mode, torch.set_num_threads = thr: pytorch "
        f"is Conv3d on channels_last_3d, and for Conv1D a Conv2d with a 1 x k kernel on "
        f"channels_last (N, C, 1, L); pytorch_conv1d: nn.Conv1d on (N, C, L). Issue 20's "
        f"goal: kconv at least 0.97x oneDNN's speed, and ahead of PyTorch.")
    sbs.write_report(results, out, "conv_nd", "Conv1D and Conv3D, batch 1, float32",
                     BASELINES, notes)


if __name__ == "__main__":
    sys.exit(sbs.main(__file__, __doc__, "conv_nd", CASES, 20, "onednn_conv_nd.cpp",
                      keras_case, lambda name, case: (flops(case), describe(name, case)),
                      torch_build, baselines, write_report))
