#!/usr/bin/python3
"""The layer benchmark: kconv (default schedule and tuned) against oneDNN, XNNPACK,
PyTorch and Halide's autoschedulers and the machine's measured FMA peak, all in the
same run, at 1 and 2 threads.

  /usr/bin/python3 bench/run_bench.py [--tune-budget S] [--layers abc...] [--out bench/results]

Writes results.json, results.md (ms, GFLOP/s, % of peak, ratio to oneDNN) and
results.png under --out. Timings are medians of many runs after warm-up; each
baseline is measured interleaved with kconv, in this run."""
import argparse
import json
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
sys.path.insert(0, here)
from layers import LAYERS, flops  # noqa: E402
from make_models import write_layer  # noqa: E402


def median_ms(output):
    for line in reversed(output.strip().splitlines()):
        if line.startswith("median_ms="):
            return float(line.split("=")[1])
    raise RuntimeError("no median_ms in output:\n" + output)


def run(cmd, env=None):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout


def compile_tuned(kconvc, model, exe, tune_budget, threads, db):
    """Compiles `model` tuned for `threads`; returns the seconds it took."""
    start = time.time()
    run([kconvc] + model + ["--emit=exe", "-o", exe, "--tune-budget", str(tune_budget),
                            "--tune-threads", str(threads), "--tuning-db", db])
    return time.time() - start


def best_of_interleaved(systems, repeats=2):
    """systems: [(key, fn -> ms)]. Measures them in turn, `repeats` times, and keeps
    each system's best: a passing disturbance hits one measurement, not a system."""
    measures = {}
    for _ in range(repeats):
        for key, fn in systems:
            ms = fn()
            measures[key] = min(ms, measures.get(key, ms))
    return measures


def median_call_ms(fn, iterations, warmup=5):
    """Median wall time of fn() in milliseconds, after `warmup` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return times[len(times) // 2]


def torch_ms(layer, threads, iterations):
    import torch
    torch.set_num_threads(threads)
    x = torch.randn(layer["n"], layer["c"], layer["h"], layer["w"]).to(
        memory_format=torch.channels_last)
    pad = "same" if layer["padding"] == "same" and layer["s"] == 1 else 0
    conv = torch.nn.Conv2d(layer["c"], layer["f"], layer["k"], stride=layer["s"],
                           dilation=layer["d"], groups=layer["groups"], padding=pad)
    conv = conv.to(memory_format=torch.channels_last).eval()
    if pad == 0 and layer["padding"] == "same":  # TF same padding with stride: pad explicitly
        total_h = max((-(-layer["h"] // layer["s"]) - 1) * layer["s"] + layer["k"] - layer["h"], 0)
        total_w = max((-(-layer["w"] // layer["s"]) - 1) * layer["s"] + layer["k"] - layer["w"], 0)
        x = torch.nn.functional.pad(x, (total_w // 2, total_w - total_w // 2,
                                        total_h // 2, total_h - total_h // 2))
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        return median_call_ms(lambda: conv(x), iterations)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tune-budget", type=float, default=20)
    parser.add_argument("--layers", default="abcdefghi")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--out", default=os.path.join(here, "results"))
    parser.add_argument("--build", default=os.path.join(root, "build"))
    parser.add_argument("--update", action="store_true",
                        help="re-measure --layers only, keeping the other layers' results")
    parser.add_argument("--adams", action="store_true",
                        help="also Halide's Adams2019 (minutes of search per layer)")
    args = parser.parse_args()
    work = os.path.join(args.out, "work")
    os.makedirs(work, exist_ok=True)
    kconvc = os.path.join(args.build, "bin", "kconvc")
    onednn, peak = os.path.join(work, "onednn_conv"), os.path.join(work, "fma_peak")
    subprocess.run(["g++", "-O2", "-fopenmp", os.path.join(here, "onednn_conv.cpp"), "-ldnnl",
                    "-o", onednn], check=True)
    subprocess.run(["gcc", "-O3", "-march=native", "-fopenmp", os.path.join(here, "fma_peak.c"),
                    "-o", peak], check=True)
    xnnpack = os.path.join(work, "xnnpack_conv")
    subprocess.run(["g++", "-O2", os.path.join(here, "xnnpack_conv.cpp"), "-lXNNPACK",
                    "-lpthreadpool", "-o", xnnpack], check=True)
    results = {"peak_gflops": {}, "layers": {}}
    previous = os.path.join(args.out, "results.json")
    if args.update and os.path.exists(previous):
        with open(previous) as f:
            results = json.load(f)
        results["peak_gflops"] = {}
    for threads in (1, 2):
        results["peak_gflops"][threads] = float(run([peak, str(threads)]).split("=")[1])
    for name in args.layers:
        layer = LAYERS[name]
        d = write_layer(name, layer, work)
        model = [os.path.join(d, "model.json"), "--weights", os.path.join(d, "weights.h5")]
        entry = {"flops": flops(layer), "config": layer}
        for threads in (1, 2):
            exe_default = os.path.join(d, f"default")
            exe_tuned = os.path.join(d, f"tuned_t{threads}")
            run([kconvc] + model + ["--emit=exe", "-o", exe_default])
            tune_seconds = compile_tuned(kconvc, model, exe_tuned, args.tune_budget, threads,
                                         os.path.join(work, "tuning.db"))
            bench = ["--input", os.path.join(d, "x.npy"), "--bench", str(args.iterations),
                     "--threads", str(threads)]
            autoschedulers = ["mullapudi2016"] + (["adams2019"] if args.adams else [])
            for auto in autoschedulers:
                run([kconvc] + model + ["--emit=exe", "-o", os.path.join(d, f"{auto}_t{threads}"),
                                        f"--schedule={auto}", "--tune-threads", str(threads)])
            conv_args = [str(v) for v in (layer["n"], layer["h"], layer["w"], layer["c"],
                                          layer["f"], layer["k"], layer["s"], layer["d"],
                                          layer["groups"], layer["padding"], args.iterations,
                                          threads)]
            measures = best_of_interleaved([
                ("kconv_default", lambda: median_ms(run([exe_default] + bench))),
                ("kconv_tuned", lambda: median_ms(run([exe_tuned] + bench))),
                ("onednn", lambda: median_ms(run([onednn] + conv_args))),
                ("xnnpack", lambda: median_ms(run([xnnpack] + conv_args))),
                ("pytorch", lambda: torch_ms(layer, threads, args.iterations))] + [
                (f"halide_{auto}", lambda auto=auto: median_ms(run(
                    [os.path.join(d, f"{auto}_t{threads}")] + bench)))
                for auto in autoschedulers])
            measures["tune_seconds"] = tune_seconds
            entry[f"threads_{threads}"] = measures
            print(f"layer {name} threads {threads}: " + ", ".join(
                f"{k} {v:.4f}" for k, v in measures.items()), flush=True)
        results["layers"][name] = entry
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, args.out)


def write_report(results, out):
    first = next(iter(results["layers"].values()))["threads_1"]
    systems = ["kconv_tuned", "kconv_default", "onednn", "xnnpack", "pytorch"] + sorted(
        k for k in first if k.startswith("halide_"))
    lines = ["| layer | thr | " + " | ".join(f"{s} ms (GFLOP/s, % peak)" for s in systems) +
             " | tuned / oneDNN speed | tuning s |", "|---" * (len(systems) + 4) + "|"]
    for name, entry in results["layers"].items():
        for threads in (1, 2):
            m = entry[f"threads_{threads}"]
            peak = results["peak_gflops"][threads]
            cells = []
            for s in systems:
                gflops = entry["flops"] / (m[s] * 1e6)
                cells.append(f"{m[s]:.3f} ({gflops:.0f}, {100 * gflops / peak:.0f}%)")
            lines.append(f"| {name} | {threads} | " + " | ".join(cells) +
                         f" | {m['onednn'] / m['kconv_tuned']:.2f}x | {m['tune_seconds']:.0f} |")
    peaks = ", ".join(f"{t} thread(s): {p:.0f} GFLOP/s" for t, p in results["peak_gflops"].items())
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(f"Measured FMA peak: {peaks}\n\n" + "\n".join(lines) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.5), sharey=True)
    names = list(results["layers"])
    for ax, threads in zip(axes, (1, 2)):
        width = 0.8 / len(systems)
        for i, s in enumerate(systems):
            values = [results["layers"][n][f"threads_{threads}"]["onednn"] /
                      results["layers"][n][f"threads_{threads}"][s] for n in names]
            ax.bar([j + i * width for j in range(len(names))], values, width, label=s)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(names))])
        ax.set_xticklabels(names)
        ax.set_title(f"speed relative to oneDNN, {threads} thread(s)")
    axes[0].set_ylabel("oneDNN time / system time (higher is faster)")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "results.png"), dpi=100)


if __name__ == "__main__":
    main()
