#!/usr/bin/python3
"""The scaling benchmark (issue 25): the layer suite (bench/layers.py, and a Conv1D-like
single-row layer) and whole models (MobileNetV2 and ResNet50 as bench/run_models.py
builds them) at 1, 2, 4, ... threads up to all cores, side by side in one run:
  - kconv compiled for each thread count (`kconvc --threads N`: the default schedules
    split their work for N threads) and run at that count,
  - PyTorch eager, channels_last (Debian's torch), at the same count,
  - ONNX Runtime's CPU execution provider (bench/ort_bench.js, as run_models.py installs
    and drives it), intra- and inter-op threads = the count;
with each one's parallel efficiency (its time at 1 thread / (N x its time at N)) and the
machine's FMA peak at N threads (bench/fma_peak.c) measured in turn with them.

  /usr/bin/python3 bench/run_scaling.py [--threads 1,2,4,...] [--layers abcdefghij]
      [--models mobilenet_v2,resnet50] [--skip pytorch,onnxruntime] [--quick] [--out bench/results]

A system that is not installed (torch, node or the onnxruntime-node package) is left out
and the report says so. Timing as run_bench.py: every system in a process of its own,
medians of --repeats runs, all systems in turn in each round, each one's best round.
Writes scaling.json, scaling.md and scaling.png under --out."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(root, "test", "lib"))
sys.path.insert(0, os.path.join(root, "scripts"))
import run_bench as rb  # noqa: E402
import make_models  # noqa: E402
import run_models as rm  # noqa: E402
from layers import LAYERS, flops  # noqa: E402

# The suite and a Conv1D-like layer of a single row (Conv1D is a 1 x k Conv2D in kconv):
# its parallel tasks are column tiles.
SCALING_LAYERS = dict(LAYERS)
SCALING_LAYERS["j"] = dict(n=1, h=1, w=2048, c=64, f=64, k=3, s=1, d=1, groups=1,
                           padding="same", kh=1)
DENSE = "abcdeghj"  # the dense layers (f is depthwise, i tiny)
SYSTEMS = ("kconv", "pytorch", "onnxruntime")


def kernel_hw(layer):
    return layer.get("kh", layer["k"]), layer["k"]


def layer_flops(layer):
    kh, kw = kernel_hw(layer)
    return flops(layer) * kh // kw


def write_layer(name, layer, work):
    """make_models' files of the layer, and its input in NCHW for ONNX Runtime."""
    d = make_models.write_layer(name, layer, work)
    x = np.load(os.path.join(d, "x.npy"))
    np.ascontiguousarray(x.transpose(0, 3, 1, 2)).tofile(os.path.join(d, "x_nchw.bin"))
    return d


def layer_reference(layer, d):
    """The layer's output in float64 (NHWC), from conv_reference."""
    import conv_reference as cr
    x = np.load(os.path.join(d, "x.npy"))
    kernel, bias = (np.load(os.path.join(d, f)) for f in ("kernel.npy", "bias.npy"))
    return cr.conv2d(x, kernel, bias,
                     (layer["s"],) * 2, layer["padding"], "channels_last", (layer["d"],) * 2,
                     layer["groups"])


# ---------------------------------------------------------------------------------------
# PyTorch, in child processes (`run_scaling.py torch ...`): every system timed in a
# process of its own, and this one never loads torch.

def torch_layer(name, d):
    """The layer as a channels_last torch module (Keras 'same' padding explicit where
    PyTorch's differs: strided layers) and its NCHW input."""
    import torch
    layer = SCALING_LAYERS[name]
    kh, kw = kernel_hw(layer)
    conv = torch.nn.Conv2d(layer["c"], layer["f"], (kh, kw), stride=layer["s"],
                           dilation=layer["d"], groups=layer["groups"])
    with torch.no_grad():
        kernel = np.load(os.path.join(d, "kernel.npy"))  # (kh, kw, c / groups, f)
        conv.weight.copy_(torch.from_numpy(kernel.transpose(3, 2, 0, 1)))
        conv.bias.copy_(torch.from_numpy(np.load(os.path.join(d, "bias.npy"))))
    pads = []
    for size, k in ((layer["w"], kw), (layer["h"], kh)):  # F.pad's order: last dimension first
        span = (k - 1) * layer["d"] + 1
        total = (max((-(-size // layer["s"]) - 1) * layer["s"] + span - size, 0)
                 if layer["padding"] == "same" else 0)
        pads += [total // 2, total - total // 2]
    module = torch.nn.Sequential(torch.nn.ZeroPad2d(tuple(pads)), conv)
    module = module.to(memory_format=torch.channels_last).eval()
    x = np.ascontiguousarray(np.load(os.path.join(d, "x.npy")).transpose(0, 3, 1, 2))
    x = torch.from_numpy(x)
    return module, x.contiguous(memory_format=torch.channels_last)


def torch_main(argv):
    """torch bench-layer NAME DIR THREADS REPEATS | torch export-layer NAME DIR"""
    import torch
    kind, name, d = argv[0], argv[1], argv[2]
    module, x = torch_layer(name, d)
    if kind == "export-layer":
        torch.onnx.export(module, (x.contiguous(),), os.path.join(d, "model.onnx"),
                          input_names=["x"], output_names=["y"])
        return 0
    threads, repeats = int(argv[3]), int(argv[4])
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    with torch.inference_mode():
        y = module(x)
        print(f"output_finite={int(bool(torch.isfinite(y).all()))}")
        print(f"median_ms={rb.median_call_ms(lambda: module(x), repeats):.6f}")
    return 0


# ---------------------------------------------------------------------------------------

def available(args):
    """The baselines this machine has: {system: why not} for the missing ones."""
    missing = {}
    torch_ok = not subprocess.run([sys.executable, "-c", "import torch, torchvision"],
                                  capture_output=True).returncode
    if not torch_ok:
        missing["pytorch"] = "torch/torchvision not installed (python3-torch)"
        missing["onnxruntime"] = "needs torch to export the ONNX models"
    elif not shutil.which("node"):
        missing["onnxruntime"] = "node not installed"
    else:
        try:
            args.ort_modules = rm.install_ort(os.path.abspath(args.cache), args.ort_version)
        except (OSError, subprocess.CalledProcessError) as e:
            missing["onnxruntime"] = f"onnxruntime-node not installable here ({e})"
    for s in args.skip:
        missing.setdefault(s, "--skip")
    return missing


def compile_per_threads(args, model, d):
    """kconv compiled for each thread count: {threads: exe}, and the compile seconds."""
    exes, seconds = {}, {}
    for t in args.threads:
        exe = os.path.join(d, f"kconv_t{t}")
        start = time.monotonic()
        rb.run([args.kconvc] + model + ["--emit=exe", "-o", exe, "--threads", str(t)])
        exes[t], seconds[t] = exe, time.monotonic() - start
    return exes, seconds


def check_kconv(exes, x_path, reference, d):
    """Every executable's output against the float64 reference (max error relative to
    max(1, max |reference|)); the largest."""
    worst = 0.0
    for t, exe in exes.items():
        y_path = os.path.join(d, f"y_t{t}.npy")
        rb.run([exe, "--input", x_path, "--output", y_path, "--threads", str(t)],
               env=dict(os.environ, KCONV_OVERSUBSCRIBE="1"))
        y = np.load(y_path)
        scale = max(1.0, float(np.abs(reference).max()))
        worst = max(worst, float(np.abs(y - reference).max()) / scale
                    if y.shape == reference.shape else float("inf"))
    return worst


def measure_case(entry, args, peak, systems_for):
    """Times each thread count's systems (systems_for(t) -> [(key, fn -> ms)]) in turn with
    the FMA peak; each system's best round under threads_T, the rounds under rounds_ms_T."""
    for t in args.threads:
        systems = [(k, fn) for k, fn in systems_for(t) if k not in args.missing] + [
            ("peak_ms_per_gflop", lambda t=t: 1e3 / float(rb.run([peak, str(t)]).split("=")[1]))]
        measures, rounds = rb.best_of_interleaved(systems, args.rounds, args.max_rounds)
        measures["peak_gflops"] = 1e3 / measures.pop("peak_ms_per_gflop")
        del rounds["peak_ms_per_gflop"]
        entry[f"threads_{t}"], entry[f"rounds_ms_{t}"] = measures, rounds
        print(f"{entry['label']} threads {t}: " + ", ".join(
            f"{k} {v:.4f}" for k, v in measures.items()), flush=True)


def kconv_system(exe, x_path, t, repeats):
    return ("kconv", lambda: rb.median_ms(rb.run(
        [exe, "--input", x_path, "--bench", str(repeats), "--threads", str(t)])))


def ort_system(cmd, env):
    return ("onnxruntime", lambda: rb.median_ms(rb.run(cmd, env=env)))


def run_layer(name, args, work, peak):
    layer = SCALING_LAYERS[name]
    d = write_layer(name, layer, work)
    model = [os.path.join(d, "model.json"), "--weights", os.path.join(d, "weights.h5")]
    x_path = os.path.join(d, "x.npy")
    exes, seconds = compile_per_threads(args, model, d)
    entry = {"label": f"layer {name}", "config": layer, "flops": layer_flops(layer),
             "kconvc_seconds": seconds,
             "max_error_vs_float64": check_kconv(exes, x_path, layer_reference(layer, d), d)}
    if "onnxruntime" not in args.missing:
        rb.run([sys.executable, __file__, "torch", "export-layer", name, d])
    env = dict(os.environ, NODE_PATH=getattr(args, "ort_modules", ""))
    dims = [str(layer[k]) for k in ("n", "c", "h", "w")]

    def systems(t):
        return [kconv_system(exes[t], x_path, t, args.repeats),
                ("pytorch", lambda: rb.median_ms(rb.run(
                    [sys.executable, __file__, "torch", "bench-layer", name, d, str(t),
                     str(args.repeats)]))),
                ort_system(["node", os.path.join(here, "ort_bench.js"),
                            os.path.join(d, "model.onnx"), os.path.join(d, "x_nchw.bin")] +
                           dims + [str(t), str(args.repeats)], env)]
    measure_case(entry, args, peak, systems)
    return entry


def run_model(name, args, work, peak):
    g, outputs, d, model, macs = rm.write_keras_model(name, work)
    x_path = os.path.join(d, "x.npy")
    exes, seconds = compile_per_threads(args, model, d)
    entry = {"label": name, "flops": 2 * macs, "kconvc_seconds": seconds,
             "max_error_vs_float64": check_kconv(exes, x_path, g.values[outputs[0]], d)}
    script = os.path.join(here, "run_models.py")
    if not {"pytorch", "onnxruntime"} <= set(args.missing):  # torch.pt and model.onnx
        rb.run([sys.executable, script, "torch", "export", name, d, "0"])

    def systems(t):
        cmd, env = rm.ort_command(d, getattr(args, "ort_modules", ""), t, args.repeats)
        return [kconv_system(exes[t], x_path, t, args.repeats),
                ("pytorch", lambda: rb.median_ms(rb.run(
                    [sys.executable, script, "torch", "bench", name, d, "eager", str(t),
                     str(args.repeats)]))),
                ort_system(cmd, env)]
    measure_case(entry, args, peak, systems)
    return entry


def efficiency(entry, system, t, threads):
    """Time at the fewest threads measured, scaled to 1 thread, over t x the time at t."""
    base = threads[0]
    first, at = entry[f"threads_{base}"].get(system), entry[f"threads_{t}"].get(system)
    if first is None or at is None:
        return None
    return first * base / (t * at)


def write_report(results, out):
    threads = results["settings"]["threads"]
    missing = results["missing"]
    systems = [s for s in SYSTEMS if s not in missing]
    head = ["case", "thr"] + [f"{s} ms" for s in systems] + [f"{s} eff." for s in systems] + \
        [f"kconv / {s} speed" for s in systems if s != "kconv"] + ["FMA peak GFLOP/s"]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    findings = []
    for group in ("layers", "models"):
        for name, e in results[group].items():
            previous = None
            for t in threads:
                m, rounds = e[f"threads_{t}"], e[f"rounds_ms_{t}"]
                cells = [f"{m[s]:.3f}{rb.spread_text(rounds, s)}" if s in m else "–"
                         for s in systems]
                effs = [efficiency(e, s, t, threads) for s in systems]
                cells += [f"{100 * v:.0f}%" if v is not None else "–" for v in effs]
                cells += [f"{m[s] / m['kconv']:.2f}x" if s in m else "–"
                          for s in systems if s != "kconv"]
                lines.append(f"| {e['label']} | {t} | " + " | ".join(cells) +
                             f" | {m['peak_gflops']:.0f} |")
                if previous is not None and m["kconv"] > previous * 1.02:
                    findings.append(f"* {e['label']}: kconv slower at {t} threads "
                                    f"({m['kconv']:.3f} ms) than at fewer ({previous:.3f} ms)")
                previous = m["kconv"] if previous is None else min(previous, m["kconv"])
    top = threads[-1]
    for name, e in results["layers"].items():
        m = e[f"threads_{top}"]
        if "pytorch" in m and m["kconv"] > m["pytorch"]:
            findings.append(f"* layer {name}: slower than PyTorch at {top} threads "
                            f"({m['pytorch'] / m['kconv']:.2f}x its speed)")
        if 8 in threads and name in DENSE:
            eff = efficiency(e, "kconv", 8, threads)
            if eff is not None and eff < 0.7:
                findings.append(f"* layer {name}: parallel efficiency at 8 threads "
                                f"{100 * eff:.0f}% (< 70%)")
    for name, e in results["models"].items():
        m = e[f"threads_{top}"]
        if "onnxruntime" in m and m["onnxruntime"] / m["kconv"] < 1.25:
            findings.append(f"* {name}: {m['onnxruntime'] / m['kconv']:.2f}x ONNX Runtime's "
                            f"speed at {top} threads (< 1.25x)")
    machine, settings = results["machine"], results["settings"]
    load = max(machine["load_average_at_start"][0], machine["load_average_at_end"][0])
    warning = ""
    if settings["quick"] or settings["shared_machine"]:
        warning += ("**A check of the script on a shared, loaded machine, not a measurement: "
                    "the numbers will be replaced by an idle-machine run.**\n\n")
    if load > 0.5 * machine["cpu_count"]:
        warning += (f"**Warning: the machine was loaded (load average {load:.1f} on "
                    f"{machine['cpu_count']} CPUs).**\n\n")
    checks = [f"* {e['label']}: kconv (compiled per thread count) vs float64 reference "
              f"{e['max_error_vs_float64']:.2g}; {e['flops'] / 1e9:.3f} GFLOP; kconvc " +
              ", ".join(f"{s:.1f} s" for s in e["kconvc_seconds"].values())
              for group in ("layers", "models") for e in results[group].values()]
    not_timed = "".join(f"* {s}: not timed ({why})\n" for s, why in missing.items())
    with open(os.path.join(out, "scaling.md"), "w") as f:
        f.write(warning + f"Scaling on {machine['cpu']} ({machine['cpu_count']} CPUs; load "
                f"average {machine['load_average_at_start'][0]:.1f} at the start, "
                f"{machine['load_average_at_end'][0]:.1f} at the end); kconv "
                f"{results['kconv_commit']}, kconv compiled for each thread count "
                f"(kconvc --threads N). Each time is the median of {settings['repeats']} runs "
                f"after warm-up, each system in a process of its own, "
                f"{rm.rounds_text(settings, rb)}"
                f"; +N%: the slowest round's excess. eff.: parallel efficiency, the time at "
                f"{threads[0]} thread(s) x {threads[0]} / (N x the time at N). kconv / X "
                f"speed: X's time over kconv's (higher: kconv faster).\n\n" +
                "\n".join(lines) + "\n\n" + not_timed + "\nChecks:\n\n" + "\n".join(checks) +
                "\n\nAgainst issue 25's targets:\n\n" +
                ("\n".join(findings) if findings else "* all met in this run") + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cases = list(results["layers"].values()) + list(results["models"].values())
    columns = min(len(cases), 4)
    rows = -(-len(cases) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.6 * columns, 3.2 * rows), squeeze=False)
    for ax, e in zip(axes.flat, cases):
        for s in systems:
            ts = [t for t in threads if s in e[f"threads_{t}"]]
            if ts:
                base = e[f"threads_{ts[0]}"][s] * ts[0]
                ax.plot(ts, [base / e[f"threads_{t}"][s] for t in ts], marker="o", label=s)
        ax.plot(threads, threads, color="gray", linestyle=":", label="ideal")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        ax.set_xticks(threads)
        ax.set_xticklabels([str(t) for t in threads])
        ax.set_title(e["label"], fontsize=9)
        ax.set_xlabel("threads")
        ax.set_ylabel("speed-up over 1 thread")
    for ax in list(axes.flat)[len(cases):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "scaling.png"), dpi=100)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "torch":
        return torch_main(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kconvc", default=os.path.join(root, "build", "bin", "kconvc"))
    parser.add_argument("--threads", default="",
                        help="comma-separated thread counts (default: 1, 2, 4, ... up to "
                             "all cores)")
    parser.add_argument("--layers", default="".join(SCALING_LAYERS))
    parser.add_argument("--models", default=",".join(rm.MODELS), help="comma-separated ('' none)")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per measurement")
    parser.add_argument("--rounds", type=int, default=None, help="rounds at least")
    parser.add_argument("--max-rounds", type=int, default=None, help="rounds at most")
    parser.add_argument("--skip", default="", help="systems not to time: pytorch, onnxruntime")
    parser.add_argument("--quick", action="store_true",
                        help="a check of the script, not a measurement: one round of 5 runs")
    parser.add_argument("--shared-machine", action="store_true",
                        help="mark the report as a check on a shared machine")
    parser.add_argument("--ort-version", default=rm.ORT_VERSION)
    parser.add_argument("--cache", default=os.environ.get("KCONV_BENCH_CACHE",
                                                          os.path.join(here, ".cache")))
    parser.add_argument("--out", default=os.path.join(here, "results"))
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite scaling.md and scaling.png from --out's scaling.json")
    args = parser.parse_args()
    if args.report_only:
        with open(os.path.join(args.out, "scaling.json")) as f:
            return write_report(json.load(f), args.out)
    if args.quick:
        args.rounds, args.repeats = args.rounds or 1, args.repeats or 5
    args.repeats = args.repeats or 30
    args.rounds = args.rounds or rb.ROUNDS
    args.max_rounds = max(args.max_rounds or rb.MAX_ROUNDS, args.rounds)
    if args.rounds < 2:
        args.max_rounds = args.rounds = 1
    args.threads = ([int(t) for t in args.threads.split(",")] if args.threads
                    else rm.thread_counts(os.cpu_count()))
    args.skip = [s for s in args.skip.split(",") if s]
    unknown = set(args.skip) - {"pytorch", "onnxruntime"}
    if unknown:
        sys.exit(f"run_scaling.py: --skip: unknown systems {', '.join(sorted(unknown))}")
    args.kconvc = os.path.abspath(args.kconvc)
    if not os.access(args.kconvc, os.X_OK):
        sys.exit(f"run_scaling.py: no kconvc at {args.kconvc} (build it, or pass --kconvc)")
    args.missing = available(args)
    for s, why in args.missing.items():
        print(f"run_scaling.py: {s} not timed: {why}", flush=True)
    os.makedirs(args.out, exist_ok=True)
    work = rb.work_dir(args, "scaling")
    peak = os.path.join(work, "fma_peak")
    subprocess.run(["gcc", "-O3", "-march=native", "-fopenmp", os.path.join(here, "fma_peak.c"),
                    "-o", peak], check=True)
    results = {
        "machine": {"cpu": rm.cpu_name(), "cpu_count": os.cpu_count(),
                    "load_average_at_start": os.getloadavg()},
        "kconv_commit": rm.git_commit(os.path.dirname(os.path.dirname(os.path.dirname(
            args.kconvc)))),
        "settings": {"repeats": args.repeats, "rounds": args.rounds,
                     "max_rounds": args.max_rounds, "threads": args.threads,
                     "quick": args.quick, "shared_machine": args.shared_machine},
        "missing": args.missing, "layers": {}, "models": {}}
    for name in args.layers:
        results["layers"][name] = run_layer(name, args, work, peak)
    for name in [m for m in args.models.split(",") if m]:
        results["models"][name] = run_model(name, args, work, peak)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    with open(os.path.join(args.out, "scaling.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, args.out)
    print(f"wrote {os.path.join(args.out, 'scaling.md')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
