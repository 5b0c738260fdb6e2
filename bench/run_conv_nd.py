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
import argparse
import json
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


def keras_case(name, case, work):
    """Writes the case's Keras model (JSON + weights .h5) and input under work/name;
    returns (kconvc's model arguments, the input's path, the float64 reference)."""
    import conv1d_e2e
    import conv3d_e2e
    import graph_e2e as ge
    import keras_writer
    ge.BATCH = 1
    g = sbs.scaled_graph(name)
    x = g.input(case["spatial"] + (case["c"],))
    if len(case["spatial"]) == 1:
        y = conv1d_e2e.conv1d(g, x, case["f"], case["k"], padding="same")
    else:
        y = conv3d_e2e.conv3d(g, x, case["f"], case["k"], padding="same")
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "model.json"), "w") as f:
        f.write(g.outputs_json([y]))
    keras_writer.save_weights_h5(os.path.join(d, "w.h5"), [(n, w) for n, _, w in g.weights])
    x_path = os.path.join(d, "x.npy")
    np.save(x_path, g.inputs[0][1])
    return ([os.path.join(d, "model.json"), "--weights", os.path.join(d, "w.h5")], x_path,
            g.values[y])


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


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "torch":
        return sbs.torch_child(sys.argv[2:], torch_build)
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sbs.add_arguments(parser, CASES, repeats=30, tune_budget=20)
    args = parser.parse_args()
    if args.report_only:
        with open(os.path.join(args.out, "conv_nd.json")) as f:
            return write_report(json.load(f), args.out)
    sbs.settle(args, "run_conv_nd.py")
    unknown = set(args.cases) - set(CASES)
    if unknown:
        sys.exit(f"run_conv_nd.py: --cases: unknown {', '.join(sorted(unknown))}")
    work = sbs.rb.work_dir(args, "conv_nd")
    results, peak = sbs.start_results(args, work)
    onednn = sbs.compile_tool("onednn_conv_nd.cpp", os.path.join(work, "onednn_conv_nd"),
                              ["-ldnnl"])
    for name in args.cases:
        case = CASES[name]
        model, x_path, reference = keras_case(name, case, work)
        exes, facts = sbs.kconv_executables(args, model, os.path.dirname(x_path), x_path,
                                            reference, work)
        entry = dict(facts, flops=flops(case), description=describe(name, case))
        print(f"{name}: {entry['description']}; kconv vs float64 "
              f"{entry['max_error_vs_float64']:.2g}", flush=True)
        for t in args.threads:
            systems = sbs.kconv_systems(exes, x_path, t, args.repeats)
            dnnl = [onednn] + [str(v) for v in (1, "x".join(map(str, case["spatial"])),
                                                case["c"], case["f"], case["k"], "same",
                                                args.repeats, t)]
            systems.append(("onednn", lambda dnnl=dnnl: sbs.rb.median_ms(sbs.rb.run(dnnl))))
            systems += [sbs.torch_system(__file__, name, v, t, args.repeats)
                        for v in TORCH[name]]
            sbs.measure(entry, systems, peak, t, args, name)
        results["cases"][name] = entry
    sbs.finish(results, args, "conv_nd", write_report)


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
    sys.exit(main())
