#!/usr/bin/python3
"""The whole-model benchmark: a ResNet basic block (conv-BN-relu-conv-BN-add-relu,
56x56x64) and a MobileNet depthwise-separable block (dw3x3/2-BN-relu6-conv1x1-BN-relu6,
112x112x32 -> 64), batch 1, NHWC, at 1 and 2 threads, in one run:
  - kconv (fused: BN folded, Add and activations in the convolution's epilogue),
    default schedule and tuned (--tune-budget),
  - kconv --no-fusion (every Keras layer on its own: what fusion brings),
  - oneDNN (BN folded by hand, post-ops for the activations and the Add),
  - PyTorch eager (channels_last) and PyTorch TorchScript frozen (folds BN).

  /usr/bin/python3 bench/run_blocks.py [--tune-budget S] [--out bench/results]

Writes blocks.json, blocks.md and blocks.png under --out."""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
sys.path.insert(0, os.path.join(root, "test", "lib"))
sys.path.insert(0, os.path.join(root, "scripts"))
import graph_e2e  # noqa: E402  (the test suite's Keras graph builder)
import keras_writer  # noqa: E402
from run_bench import (ROUNDS_TEXT, best_of_interleaved, compile_tuned, median_call_ms,  # noqa: E402
                       median_ms, output_arguments, ratio_range, run, spread_text,
                       work_dir)

BLOCKS = {
    "resnet": dict(h=56, w=56, c=64, f=64),
    "mobilenet": dict(h=112, w=112, c=32, f=64),
}


def build_block(name, g):
    b = BLOCKS[name]
    x = g.input((b["h"], b["w"], b["c"]))
    if name == "resnet":
        y = g.activation(g.batch_norm(g.conv(x, b["f"], (3, 3), use_bias=False)), "relu")
        y = g.batch_norm(g.conv(y, b["f"], (3, 3), use_bias=False))
        return [g.activation(g.add("Add", [y, x], lambda u, v: u + v), "relu")]
    relu6 = lambda v: np.clip(v, 0, 6)
    y = g.batch_norm(g.depthwise(x, (3, 3), strides=(2, 2)))
    y = g.add("ReLU", y, relu6, {"max_value": 6.0})
    y = g.batch_norm(g.conv(y, b["f"], (1, 1), use_bias=False))
    return [g.add("ReLU", y, relu6, {"max_value": 6.0})]


def torch_block(name):
    import torch
    nn = torch.nn
    b = BLOCKS[name]
    if name == "resnet":
        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.c1 = nn.Conv2d(b["c"], b["f"], 3, padding=1, bias=False)
                self.b1 = nn.BatchNorm2d(b["f"])
                self.c2 = nn.Conv2d(b["f"], b["f"], 3, padding=1, bias=False)
                self.b2 = nn.BatchNorm2d(b["f"])

            def forward(self, x):
                y = torch.relu(self.b1(self.c1(x)))
                return torch.relu(self.b2(self.c2(y)) + x)
        block = Block()
    else:  # TF 'same' with stride 2 on an even size pads (0, 1): pad explicitly
        block = nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)),
                              nn.Conv2d(b["c"], b["c"], 3, stride=2, groups=b["c"], bias=False),
                              nn.BatchNorm2d(b["c"]), nn.ReLU6(),
                              nn.Conv2d(b["c"], b["f"], 1, bias=False), nn.BatchNorm2d(b["f"]),
                              nn.ReLU6())
    return block.to(memory_format=torch.channels_last).eval()


def torch_ms(name, threads, iterations, frozen):
    import torch
    torch.set_num_threads(threads)
    b = BLOCKS[name]
    x = torch.randn(1, b["c"], b["h"], b["w"]).to(memory_format=torch.channels_last)
    block = torch_block(name)
    with torch.no_grad():
        if frozen:
            block = torch.jit.freeze(torch.jit.trace(block, x))
        return median_call_ms(lambda: block(x), iterations, warmup=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tune-budget", type=float, default=20)
    output_arguments(parser, iterations=100)
    args = parser.parse_args()
    work = work_dir(args, "blocks")
    kconvc = os.path.join(args.build, "bin", "kconvc")
    onednn = os.path.join(work, "onednn_block")
    subprocess.run(["g++", "-O2", "-fopenmp", os.path.join(here, "onednn_block.cpp"), "-ldnnl",
                    "-o", onednn], check=True)
    results = {}
    graph_e2e.BATCH = 1
    for name, b in BLOCKS.items():
        g = graph_e2e.Graph(name, np.random.default_rng(3))
        outputs = build_block(name, g)
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "model.json"), "w") as f:
            f.write(g.outputs_json(outputs))
        keras_writer.save_weights_h5(os.path.join(d, "w.h5"), [(n, w) for n, _, w in g.weights])
        np.save(os.path.join(d, "x.npy"), g.inputs[0][1])
        model = [os.path.join(d, "model.json"), "--weights", os.path.join(d, "w.h5")]
        run([kconvc] + model + ["--emit=exe", "-o", os.path.join(d, "fused")])
        run([kconvc] + model + ["--emit=exe", "-o", os.path.join(d, "unfused"), "--no-fusion"])
        # The fused executable computes the model: check it before timing it.
        run([os.path.join(d, "fused"), "--input", os.path.join(d, "x.npy"), "--output",
             os.path.join(d, "y.npy")])
        error = float(np.abs(np.load(os.path.join(d, "y.npy")) - g.values[outputs[0]]).max())
        entry = {"max_error_vs_reference": error}
        for threads in (1, 2):
            tuned = os.path.join(d, f"tuned_t{threads}")
            tune_seconds = compile_tuned(kconvc, model, tuned, args.tune_budget, threads,
                                         os.path.join(work, "tuning.db"))
            bench = ["--input", os.path.join(d, "x.npy"), "--bench", str(args.iterations),
                     "--threads", str(threads)]
            dnnl_args = ([name, b["h"], b["w"], b["c"]] + ([] if name == "resnet" else [b["f"]]) +
                         [args.iterations, threads])
            measures, rounds = best_of_interleaved([
                ("kconv_tuned", lambda: median_ms(run([tuned] + bench))),
                ("kconv_fused", lambda: median_ms(run([os.path.join(d, "fused")] + bench))),
                ("kconv_unfused", lambda: median_ms(run([os.path.join(d, "unfused")] + bench))),
                ("onednn", lambda: median_ms(run([onednn] + [str(v) for v in dnnl_args]))),
                ("pytorch", lambda: torch_ms(name, threads, args.iterations, False)),
                ("pytorch_frozen", lambda: torch_ms(name, threads, args.iterations, True))])
            measures["tune_seconds"] = tune_seconds
            entry[f"threads_{threads}"] = measures
            entry[f"rounds_ms_{threads}"] = rounds
            print(f"{name} threads {threads}: " + ", ".join(
                f"{k} {v:.4f}" for k, v in measures.items()), flush=True)
        results[name] = entry
    with open(os.path.join(args.out, "blocks.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, args.out)


def write_report(results, out):
    systems = ["kconv_tuned", "kconv_fused", "kconv_unfused", "onednn", "pytorch",
               "pytorch_frozen"]
    lines = ["| block | thr | " + " | ".join(f"{s} ms" for s in systems) +
             " | tuned / oneDNN speed | fused / unfused speed | tuning s |",
             "|---" * (len(systems) + 5) + "|"]
    for name, entry in results.items():
        for threads in (1, 2):
            m = entry[f"threads_{threads}"]
            rounds = entry.get(f"rounds_ms_{threads}", {})
            vs_onednn = f"{m['onednn'] / m['kconv_tuned']:.2f}x"
            if rounds:
                vs_onednn += " ({:.2f}–{:.2f})".format(*ratio_range(rounds, "onednn", "kconv_tuned"))
            lines.append(f"| {name} | {threads} | " +
                         " | ".join(f"{m[s]:.3f}{spread_text(rounds, s)}" for s in systems) +
                         f" | {vs_onednn}"
                         f" | {m['kconv_unfused'] / m['kconv_fused']:.2f}x"
                         f" | {m['tune_seconds']:.0f} |")
    with open(os.path.join(out, "blocks.md"), "w") as f:
        f.write(f"Each time is {ROUNDS_TEXT}, all systems measured in turn in each round; "
                "+N%: how much slower the slowest round was; in brackets the lowest and highest "
                "per-round speed ratio.\n\n" + "\n".join(lines) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    names = list(results)
    for ax, threads in zip(axes, (1, 2)):
        width = 0.8 / len(systems)
        for i, s in enumerate(systems):
            values = [results[n][f"threads_{threads}"]["onednn"] /
                      results[n][f"threads_{threads}"][s] for n in names]
            ax.bar([j + i * width for j in range(len(names))], values, width, label=s)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(names))])
        ax.set_xticklabels(names)
        ax.set_title(f"whole block, speed relative to oneDNN, {threads} thread(s)")
    axes[0].set_ylabel("oneDNN time / system time (higher is faster)")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "blocks.png"), dpi=100)


if __name__ == "__main__":
    main()
