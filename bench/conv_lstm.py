#!/usr/bin/python3
"""A quick ConvLSTM2D timing (issues 20, 24), not yet a side_by_side benchmark: kconv's
executable (`--bench 30`, median) against PyTorch running the same algorithm (the input
convolution of all steps as one F.conv2d, then per step F.conv2d of h and the gates),
both checked against the test suite's float64 reference first. Random weights; 'same'
3 x 3 kernels, return_sequences, batch 1.

  /usr/bin/python3 bench/conv_lstm.py [--kconvc build/bin/kconvc] [--steps 8]
      [--size 32] [--channels 16] [--filters 32] [--threads 1,2] [--workdir DIR]"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "test", "lib"))
import conv_lstm_e2e  # noqa: E402
import graph_e2e as ge  # noqa: E402
import keras_writer  # noqa: E402


def torch_conv_lstm(x, kernel, recurrent, bias, steps, filters):
    """x: (N, T, H, W, C) float32 NumPy; the sequence (N, T, F, H, W) as a tensor."""
    import torch
    import torch.nn.functional as F
    wx = torch.from_numpy(kernel).permute(3, 2, 0, 1).contiguous()
    wh = torch.from_numpy(recurrent).permute(3, 2, 0, 1).contiguous()
    b = torch.from_numpy(bias)
    xt = torch.from_numpy(x).permute(0, 1, 4, 2, 3).contiguous()
    n, _, c, h, w = xt.shape

    def run():
        with torch.inference_mode():
            proj = F.conv2d(xt.reshape(n * steps, c, h, w), wx, b, padding=1)
            proj = proj.reshape(n, steps, 4 * filters, h, w)
            state, carry, outs = torch.zeros(n, filters, h, w), torch.zeros(n, filters, h, w), []
            for t in range(steps):
                i, f, g, o = (proj[:, t] + F.conv2d(state, wh, padding=1)).chunk(4, 1)
                carry = torch.sigmoid(f) * carry + torch.sigmoid(i) * torch.tanh(g)
                state = torch.sigmoid(o) * torch.tanh(carry)
                outs.append(state)
            return torch.stack(outs, 1)
    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", default=os.path.join(here, "..", "build", "bin", "kconvc"))
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--channels", type=int, default=16)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--workdir", default=tempfile.mkdtemp(prefix="kconv-convlstm-"))
    args = parser.parse_args()
    import torch
    ge.BATCH = 1
    g = ge.Graph("conv_lstm_bench", np.random.default_rng(0))
    x = g.input((args.steps, args.size, args.size, args.channels))
    y = conv_lstm_e2e.add_conv_lstm(g, x, 2, args.filters, (3, 3), padding="same",
                                    return_sequences=True)
    d = args.workdir
    with open(os.path.join(d, "model.json"), "w") as f:
        f.write(g.outputs_json([y]))
    keras_writer.save_weights_h5(os.path.join(d, "w.h5"), [(n, w) for n, _, w in g.weights])
    exe = os.path.join(d, "m")
    subprocess.run([args.kconvc, os.path.join(d, "model.json"), "--weights",
                    os.path.join(d, "w.h5"), "--emit=exe", "-o", exe], check=True)
    inputs = g.inputs[0][1]
    np.save(os.path.join(d, "x.npy"), inputs)
    ref = g.values[y]
    kernel, recurrent, bias = [w for _, w in g.weights[0][2]]
    run = torch_conv_lstm(inputs, kernel, recurrent, bias, args.steps, args.filters)
    flops = 2 * args.steps * args.size ** 2 * 9 * (args.channels + args.filters) * 4 * args.filters
    print(f"ConvLSTM2D 1 x {args.steps} x {args.size} x {args.size} x {args.channels} -> "
          f"{args.filters}: {flops / 1e9:.3f} GFLOP; load {os.getloadavg()[0]:.1f}")
    for threads in args.threads.split(","):
        out = subprocess.run([exe, "--input", os.path.join(d, "x.npy"), "--output",
                              os.path.join(d, "y.npy"), "--bench", "30", "--threads", threads],
                             capture_output=True, text=True, check=True).stdout
        kconv_ms = float(out.strip().splitlines()[-1].split("=")[1])
        kconv_err = np.abs(np.load(os.path.join(d, "y.npy")) - ref).max()
        torch.set_num_threads(int(threads))
        for _ in range(3):
            result = run()
        times = []
        for _ in range(30):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) * 1e3)
        torch_err = np.abs(result.permute(0, 1, 3, 4, 2).numpy() - ref).max()
        print(f"threads {threads}: kconv {kconv_ms:.2f} ms (error {kconv_err:.1g}), "
              f"PyTorch {np.median(times):.2f} ms (error {torch_err:.1g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
