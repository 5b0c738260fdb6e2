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


def tuned_command(kconvc, model, exe, tune_budget, threads, db):
    """The kconvc command that compiles `model` into `exe`, tuned for `threads`."""
    return [kconvc] + model + ["--emit=exe", "-o", exe, "--tune-budget", str(tune_budget),
                               "--tune-threads", str(threads), "--tuning-db", db]


def compile_tuned(kconvc, model, exe, tune_budget, threads, db):
    """Compiles `model` tuned for `threads`; returns the seconds it took."""
    start = time.time()
    run(tuned_command(kconvc, model, exe, tune_budget, threads, db))
    return time.time() - start


ROUNDS = 5       # rounds at least
MAX_ROUNDS = 10  # rounds at most
AGREE = 0.03     # a best time counts once a second round comes within 3% of it


ROUNDS_TEXT = (f"the best of {ROUNDS} to {MAX_ROUNDS} rounds (more while a best time is not "
               f"confirmed by a second round within {100 * AGREE:.0f}%)")


def unconfirmed(times):
    """Whether the best time has no second round within AGREE of it."""
    best, second = sorted(times)[:2]
    return second > best * (1 + AGREE)


def best_of_interleaved(systems, repeats=ROUNDS, max_repeats=MAX_ROUNDS):
    """systems: [(key, fn -> ms)]. Measures them in turn, `repeats` times, then more
    rounds (up to `max_repeats`) while some system's best is not confirmed by a second
    round: this machine is disturbed in phases that can outlast five rounds
    (docs/tuner.md, "Measuring on a shared machine"). Returns each system's best and
    every round's times, {key: [ms per round]}, from which the report states the
    spread."""
    rounds = {}
    while True:
        for key, fn in systems:
            rounds.setdefault(key, []).append(fn())
        done = len(next(iter(rounds.values())))
        if done >= max_repeats or (done >= repeats and
                                   not any(unconfirmed(t) for t in rounds.values())):
            break
    return {key: min(times) for key, times in rounds.items()}, rounds


def spread(times):
    """How much slower than the best round the slowest one was, as a fraction."""
    return max(times) / min(times) - 1


def ratio_range(rounds, numerator, denominator):
    """The lowest and highest per-round ratio numerator / denominator (systems measured
    in the same round, one after the other)."""
    ratios = [a / b for a, b in zip(rounds[numerator], rounds[denominator])]
    return min(ratios), max(ratios)


def load_warning(start, end, cpus=None):
    """The report's opening warning when the load average (at the start or the end of
    the run) was over half the CPUs (`cpus`: the measuring machine's, else this one's),
    else ''."""
    load, cpus = max(start[0], end[0]), cpus or os.cpu_count()
    if load <= 0.5 * cpus:
        return ""
    return (f"**Warning: the machine was loaded (load average {load:.1f} on {cpus} CPUs): "
            f"these numbers measure the load as much as the systems.**\n\n")


def compile_conv_baselines(work):
    """oneDNN's convolution (bench/onednn_conv.cpp) and the FMA peak (bench/fma_peak.c)
    compiled into `work`: their paths."""
    onednn, peak = os.path.join(work, "onednn_conv"), os.path.join(work, "fma_peak")
    subprocess.run(["g++", "-O2", "-fopenmp", os.path.join(here, "onednn_conv.cpp"), "-ldnnl",
                    "-o", onednn], check=True)
    subprocess.run(["gcc", "-O3", "-march=native", "-fopenmp", os.path.join(here, "fma_peak.c"),
                    "-o", peak], check=True)
    return onednn, peak


def output_arguments(parser, iterations):
    """The options every benchmark script takes: runs per timing, where results go,
    which build's kconvc to time."""
    parser.add_argument("--iterations", type=int, default=iterations)
    parser.add_argument("--out", default=os.path.join(here, "results"))
    parser.add_argument("--build", default=os.path.join(root, "build"))


def work_dir(args, *sub):
    """Creates and returns the scripts' scratch folder under --out."""
    work = os.path.join(args.out, "work", *sub)
    os.makedirs(work, exist_ok=True)
    return work


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


def adams_baselines(kconvc, model, d, compile_missing):
    """[(parallelism, exe)] of the layer's Adams2019 executables, one per `parallelism`
    setting (1 and 2). Its search takes minutes, so executables are reused across
    runs; missing ones are compiled only when asked to."""
    found = []
    for p in (1, 2):
        exe = os.path.join(d, f"adams2019_p{p}")
        if not os.path.exists(exe) and compile_missing:
            print(f"compiling the Adams2019 baseline with parallelism {p} in {d} (minutes)",
                  flush=True)
            run([kconvc] + model + ["--emit=exe", "-o", exe, "--schedule=adams2019",
                                    "--tune-threads", str(p)])
        if os.path.exists(exe):
            found.append((p, exe))
    return found


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
    output_arguments(parser, iterations=50)
    parser.add_argument("--update", action="store_true",
                        help="re-measure --layers only, keeping the other layers' results")
    parser.add_argument("--adams", action="store_true",
                        help="compile Halide's Adams2019 baselines that are missing (minutes of "
                             "search per layer and parallelism); existing ones are always timed")
    args = parser.parse_args()
    work = work_dir(args)
    kconvc = os.path.join(args.build, "bin", "kconvc")
    onednn, peak = compile_conv_baselines(work)
    stream = os.path.join(work, "stream_bound")
    subprocess.run(["g++", "-O3", "-march=native", "-fopenmp",
                    os.path.join(here, "stream_bound.cpp"), "-o", stream], check=True)
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
            exe_default = os.path.join(d, "default")
            exe_tuned = os.path.join(d, f"tuned_t{threads}")
            run([kconvc] + model + ["--emit=exe", "-o", exe_default])
            tune_seconds = compile_tuned(kconvc, model, exe_tuned, args.tune_budget, threads,
                                         os.path.join(work, "tuning.db"))
            bench = ["--input", os.path.join(d, "x.npy"), "--bench", str(args.iterations),
                     "--threads", str(threads)]
            run([kconvc] + model + ["--emit=exe", "-o", os.path.join(d, f"mullapudi2016_t{threads}"),
                                    "--schedule=mullapudi2016", "--tune-threads", str(threads)])
            adams = adams_baselines(kconvc, model, d, args.adams)
            conv_args = [str(v) for v in (layer["n"], layer["h"], layer["w"], layer["c"],
                                          layer["f"], layer["k"], layer["s"], layer["d"],
                                          layer["groups"], layer["padding"], args.iterations,
                                          threads)]
            measures, rounds = best_of_interleaved([
                ("kconv_default", lambda: median_ms(run([exe_default] + bench))),
                ("kconv_tuned", lambda: median_ms(run([exe_tuned] + bench))),
                ("onednn", lambda: median_ms(run([onednn] + conv_args))),
                ("xnnpack", lambda: median_ms(run([xnnpack] + conv_args))),
                ("pytorch", lambda: torch_ms(layer, threads, args.iterations)),
                ("memory_bound", lambda: median_ms(run([stream] + conv_args))),
                # The FMA peak as the time of one GFLOP (the best is the smallest), measured
                # in turn with the systems: this machine's speed changes by phases.
                ("peak_ms_per_gflop",
                 lambda: 1e3 / float(run([peak, str(threads)]).split("=")[1])),
                ("halide_mullapudi2016", lambda: median_ms(run(
                    [os.path.join(d, f"mullapudi2016_t{threads}")] + bench)))] + [
                (f"adams2019_p{p}", lambda exe=exe: median_ms(run([exe] + bench)))
                for p, exe in adams])
            if adams:  # the best Adams2019 schedule over its parallelism settings
                best = min((measures.pop(f"adams2019_p{p}"), p) for p, _ in adams)
                measures["halide_adams2019"], measures["adams2019_parallelism"] = best
                rounds["halide_adams2019"] = rounds[f"adams2019_p{best[1]}"]
                for p, _ in adams:
                    del rounds[f"adams2019_p{p}"]
            del rounds["peak_ms_per_gflop"]
            entry[f"rounds_ms_{threads}"] = rounds
            measures["peak_gflops"] = 1e3 / measures.pop("peak_ms_per_gflop")
            measures["tune_seconds"] = tune_seconds
            entry[f"threads_{threads}"] = measures
            print(f"layer {name} threads {threads}: " + ", ".join(
                f"{k} {v:.4f}" for k, v in measures.items()), flush=True)
        results["layers"][name] = entry
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, args.out)


SYSTEMS = ["kconv_tuned", "kconv_default", "onednn", "xnnpack", "pytorch",
           "halide_mullapudi2016", "halide_adams2019"]
DENSE = "abcdegh"  # the dense layers (f is depthwise, i tiny)


def geomean(values):
    import math
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def spread_text(rounds, system):
    """' +N%': the slowest round's time above the best, when the rounds were kept."""
    return f" +{100 * spread(rounds[system]):.0f}%" if system in rounds else ""


def time_cell(m, rounds, system, flops, peak):
    """'ms +spread (GFLOP/s, % of peak)' of a system's best time in m; '–' if not timed."""
    if system not in m:
        return "–"
    gflops = flops / (m[system] * 1e6)
    return (f"{m[system]:.3f}{spread_text(rounds, system)} "
            f"({gflops:.0f}, {100 * gflops / peak:.0f}%)")


def write_report(results, out):
    lines = ["| layer | thr | " + " | ".join(f"{s} ms (GFLOP/s, % peak)" for s in SYSTEMS) +
             " | memory bound ms | tuned / oneDNN speed | tuned / Adams2019 speed | tuning s |",
             "|---" * (len(SYSTEMS) + 6) + "|"]
    summary = []
    for threads in (1, 2):
        peaks = results["peak_gflops"]  # int keys, or str ones once read back from JSON
        peak = peaks.get(threads, peaks.get(str(threads)))
        vs_onednn, vs_adams = {}, {}
        for name, entry in results["layers"].items():
            m = entry[f"threads_{threads}"]
            rounds = entry.get(f"rounds_ms_{threads}", {})
            row_peak = m.get("peak_gflops", peak)  # measured in turn with this layer's systems
            cells = [time_cell(m, rounds, s, entry["flops"], row_peak) for s in SYSTEMS]
            vs_onednn[name] = m["onednn"] / m["kconv_tuned"]
            vs_onednn_text = f"{vs_onednn[name]:.2f}x"
            if rounds:  # absent in results measured before the rounds were kept
                low, high = ratio_range(rounds, "onednn", "kconv_tuned")
                vs_onednn_text += f" ({low:.2f}–{high:.2f})"
            adams = "–"
            if "halide_adams2019" in m:
                vs_adams[name] = m["halide_adams2019"] / m["kconv_tuned"]
                adams = f"{vs_adams[name]:.2f}x (parallelism {m['adams2019_parallelism']})"
            bound = f"{m['memory_bound']:.3f}" if "memory_bound" in m else "–"
            lines.append(f"| {name} | {threads} | " + " | ".join(cells) + f" | {bound} | "
                         f"{vs_onednn_text} | {adams} | {m['tune_seconds']:.0f} |")
        dense = [v for n, v in vs_onednn.items() if n in DENSE]
        summary.append(
            f"* {threads} thread(s): tuned / oneDNN geometric mean {geomean(dense):.2f}x over the "
            f"dense layers ({', '.join(f'{n} {v:.2f}' for n, v in vs_onednn.items() if n in DENSE)})"
            f", {geomean(list(vs_onednn.values())):.2f}x over all layers; tuned / Adams2019 "
            f"{geomean(list(vs_adams.values())):.2f}x over the {len(vs_adams)} layers with an "
            f"Adams2019 baseline ({', '.join(sorted(vs_adams)) or 'none'})")
    peaks = ", ".join(f"{t} thread(s): {p:.0f} GFLOP/s" for t, p in results["peak_gflops"].items())
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(f"Measured FMA peak at the start: {peaks}; each row's % of peak uses the "
                f"peak measured in turn with that layer's systems (best of the rounds). "
                f"Each system's time is {ROUNDS_TEXT}, all systems measured in turn in each "
                f"round (each round a median of many runs after warm-up); "
                f"+N% is the spread: how much slower its slowest round was. The speed "
                f"ratio to oneDNN is the best times' ratio, with the lowest and highest "
                f"per-round ratio in brackets. "
                f"Memory bound: the time to read the layer's input "
                f"once and write its output once (bench/stream_bound.cpp).\n\n" +
                "\n".join(lines) + "\n\n" + "\n".join(summary) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.5), sharey=True)
    names = list(results["layers"])
    for ax, threads in zip(axes, (1, 2)):
        width = 0.8 / len(SYSTEMS)
        for i, s in enumerate(SYSTEMS):
            xs, values = [], []
            for j, n in enumerate(names):
                m = results["layers"][n][f"threads_{threads}"]
                if s in m:
                    xs.append(j + i * width)
                    values.append(m["onednn"] / m[s])
            ax.bar(xs, values, width, label=s)
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
