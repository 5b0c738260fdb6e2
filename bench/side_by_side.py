"""What run_sequence.py and run_conv_nd.py share: a few cases, each timed side by side at
1 and 2 threads with run_bench's method (every system in a process of its own, all of
them and the FMA peak in turn in each round, best of the rounds), kconv's executables
compiled and checked against the case's float64 reference first, and the report: a
table of times, GFLOP/s and % of the peak, kconv's speed relative to each baseline
measured in the same rounds, and a plot of every system's speed relative to the first
baseline."""
import json
import os
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
import run_models as rm  # noqa: E402

KCONV = ("kconv_tuned", "kconv_default")


def add_arguments(parser, cases, repeats, tune_budget):
    parser.add_argument("--kconvc", default=os.path.join(root, "build", "bin", "kconvc"))
    parser.add_argument("--cases", default=",".join(cases),
                        help=f"comma-separated, of {', '.join(cases)}")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--repeats", type=int, default=None,
                        help=f"timed runs per measurement, each system's median of them "
                             f"(default {repeats})")
    parser.set_defaults(default_repeats=repeats)
    parser.add_argument("--rounds", type=int, default=None,
                        help=f"rounds at least (default {rb.ROUNDS})")
    parser.add_argument("--max-rounds", type=int, default=None,
                        help=f"rounds at most (default {rb.MAX_ROUNDS})")
    parser.add_argument("--tune-budget", type=float, default=tune_budget,
                        help="also time kconv tuned for each thread count with this budget in "
                             "seconds per case (0: the default schedules only)")
    parser.add_argument("--quick", action="store_true",
                        help="a check of the script, not a measurement: one round of 5 runs "
                             "(--rounds 1 --repeats 5 unless given)")
    parser.add_argument("--skip", default="",
                        help="systems not to time, comma-separated (not kconv_default)")
    parser.add_argument("--shared-machine", action="store_true",
                        help="mark the report as a check on a shared machine, to be replaced "
                             "(--quick marks it too)")
    parser.add_argument("--out", default=os.path.join(here, "results"))
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the .md and .png from --out's .json")


def settle(args, script, needs_torch=True):
    """Checks the arguments and fills in the defaults --quick changes."""
    if args.quick:
        args.rounds = args.rounds or 1
        args.repeats = args.repeats or 5
    args.repeats = args.repeats or args.default_repeats
    args.rounds = args.rounds or rb.ROUNDS
    args.max_rounds = max(args.max_rounds or rb.MAX_ROUNDS, args.rounds)
    if args.rounds < 2:  # a best time needs two rounds to be confirmed: exactly one round
        args.max_rounds = args.rounds = 1
    args.threads = [int(t) for t in args.threads.split(",")]
    args.cases = [c for c in args.cases.split(",") if c]
    args.skip = [s for s in args.skip.split(",") if s]
    if "kconv_default" in args.skip:
        sys.exit(f"{script}: --skip: kconv_default is always timed")
    args.kconvc = os.path.abspath(args.kconvc)
    if not os.access(args.kconvc, os.X_OK):
        sys.exit(f"{script}: no kconvc at {args.kconvc} (build it, or pass --kconvc)")
    if needs_torch and subprocess.run([sys.executable, "-c", "import torch"],
                                      capture_output=True).returncode:
        sys.exit(f"{script}: PyTorch is missing (KCONV_BENCH_DEPS=1 scripts/install-deps.sh "
                 "installs python3-torch and libdnnl-dev)")


def scaled_graph(name, scale=0.1, seed=5):
    """graph_e2e's Graph drawing every weight `scale` times smaller (the inputs as they
    are): the test suite's +-0.5 (+-0.6 for recurrent kernels) is Glorot's range for
    fan-ins of a few units; with hundreds, activations blow up, softmax saturates and an
    LSTM of 256 units becomes chaotic (float32 rounding grows over the steps, so no
    float32 result matches the float64 reference)."""
    import graph_e2e as ge

    class Scaled(ge.Graph):
        def uniform(self, shape, low=-1.0, high=1.0):
            return super().uniform(shape, low * scale, high * scale)
    return Scaled(name, np.random.default_rng(seed))


def write_case(g, output, config, d):
    """Writes a case's model (JSON + weights .h5) and input under d; returns (kconvc's
    model arguments, the input's path, the float64 reference of the output)."""
    import keras_writer
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "model.json"), "w") as f:
        f.write(config)
    keras_writer.save_weights_h5(os.path.join(d, "w.h5"), [(n, w) for n, _, w in g.weights])
    x_path = os.path.join(d, "x.npy")
    np.save(x_path, g.inputs[0][1])
    return ([os.path.join(d, "model.json"), "--weights", os.path.join(d, "w.h5")], x_path,
            g.values[output])


def compile_tool(source, exe, libraries):
    """Compiles one of bench/'s C/C++ programs (OpenMP, -O3 -march=native as fma_peak)."""
    compiler = "gcc" if source.endswith(".c") else "g++"
    subprocess.run([compiler, "-O3", "-march=native", "-fopenmp", os.path.join(here, source),
                    "-o", exe] + libraries, check=True)
    return exe


def start_results(args, work, torch=True):
    """The results' header: machine, commits, settings, the FMA peak at the start (and
    PyTorch's version where `torch`); and the peak program's path."""
    peak = compile_tool("fma_peak.c", os.path.join(work, "fma_peak"), [])
    results = {
        "machine": {"cpu": rm.cpu_name(), "cpu_count": os.cpu_count(),
                    "load_average_at_start": os.getloadavg()},
        "kconv_commit": rm.git_commit(os.path.dirname(os.path.dirname(os.path.dirname(
            args.kconvc)))),
        "bench_commit": rm.git_commit(root),
        "settings": {"repeats": args.repeats, "rounds": args.rounds,
                     "max_rounds": args.max_rounds, "threads": args.threads,
                     "tune_budget": args.tune_budget, "quick": args.quick,
                     "shared_machine": args.shared_machine, "skipped": args.skip},
        "peak_gflops": {t: float(rb.run([peak, str(t)]).split("=")[1]) for t in args.threads},
        "cases": {}}
    if not torch:
        return results, peak
    # PyTorch's version and BLAS_INFO ("generic": whatever libblas.so.3 is), asked in a
    # child as every PyTorch measurement is, so that this process never loads torch.
    results["torch_version"], results["torch_blas"] = rb.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import torch, "
         "run_models; print(torch.__version__); print(run_models.torch_blas())", here]).split()
    return results, peak


def kconv_executables(args, model, d, x_path, reference, work):
    """Compiles the case with the default schedules (and tuned per thread count with
    --tune-budget), runs the default one on x_path and compares it with the float64
    reference. Returns ({system: {threads: exe}}, the entry's compile facts)."""
    exe = os.path.join(d, "kconv_default")
    start = time.monotonic()
    rb.run([args.kconvc] + model + ["--emit=exe", "-o", exe])
    facts = {"kconvc_seconds": time.monotonic() - start}
    y_path = os.path.join(d, "y.npy")
    rb.run([exe, "--input", x_path, "--output", y_path])
    y = np.load(y_path)
    scale = max(1.0, float(np.abs(reference).max()))
    facts["max_error_vs_float64"] = (float(np.abs(y - reference).max()) / scale
                                     if y.shape == reference.shape else float("inf"))
    exes = {"kconv_default": {t: exe for t in args.threads}}
    if args.tune_budget > 0:
        exes["kconv_tuned"], facts["tune_seconds"] = {}, {}
        for t in args.threads:
            tuned = os.path.join(d, f"kconv_tuned_t{t}")
            facts["tune_seconds"][t] = rb.compile_tuned(args.kconvc, model, tuned,
                                                        args.tune_budget, t,
                                                        os.path.join(work, "tuning.db"))
            exes["kconv_tuned"][t] = tuned
    return exes, facts


def kconv_systems(exes, x_path, threads, repeats):
    """[(system, fn -> ms)] of the kconv executables for `threads` (their --bench)."""
    return [(system, lambda exe=by_threads[threads]: rb.median_ms(rb.run(
        [exe, "--input", x_path, "--bench", str(repeats), "--threads", str(threads)])))
        for system, by_threads in exes.items()]


def torch_system(script, case, variant, threads, repeats):
    """(system, fn -> ms): the PyTorch variant timed by `script torch ...` in a child."""
    return (variant, lambda: rb.median_ms(rb.run(
        [sys.executable, script, "torch", case, variant, str(threads), str(repeats)])))


def measure(entry, systems, peak, threads, args, label):
    """Times systems ([(key, fn -> ms)]) in turn with the FMA peak; stores each system's
    best and every round under threads_T and rounds_ms_T of entry; --skip's systems are
    left out."""
    systems = [(k, fn) for k, fn in systems if k not in args.skip] + [
        # The FMA peak as the time of one GFLOP, in turn with the systems, as run_bench.py
        # measures it: this machine's speed changes by phases.
        ("peak_ms_per_gflop", lambda: 1e3 / float(rb.run([peak, str(threads)]).split("=")[1]))]
    measures, rounds = rb.best_of_interleaved(systems, args.rounds, args.max_rounds)
    measures["peak_gflops"] = 1e3 / measures.pop("peak_ms_per_gflop")
    del rounds["peak_ms_per_gflop"]
    entry[f"threads_{threads}"] = measures
    entry[f"rounds_ms_{threads}"] = rounds
    print(f"{label} threads {threads}: " + ", ".join(
        f"{k} {v:.3f}" for k, v in measures.items()), flush=True)


# A PyTorch measurement's time at most, in seconds: Debian's torch computes nn.Linear and
# nn.LSTM with the reference BLAS (seconds per call), and 35 such calls per measurement
# would make a run last hours.
TORCH_SECONDS = 5.0


def torch_child(argv, build):
    """The PyTorch side, `script torch CASE VARIANT THREADS REPEATS`: build(case, variant)
    returns the call to time (torch imported, threads set); timed as kconv's executables
    time theirs (5 warm-up calls, the median of REPEATS), under inference_mode, except
    that a call too slow for REPEATS runs in TORCH_SECONDS gets 2 warm-up calls and as
    many runs as fit (at least 5). Prints output_finite, runs and median_ms."""
    import torch
    case, variant, threads, repeats = argv[0], argv[1], int(argv[2]), int(argv[3])
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    torch.manual_seed(0)
    with torch.inference_mode():
        fn = build(case, variant)
        start = time.perf_counter()
        y = fn()
        first = time.perf_counter() - start
        finite = bool(torch.isfinite(y).all())
        runs = repeats
        if first * repeats > TORCH_SECONDS:
            runs = max(5, min(repeats, int(TORCH_SECONDS / first)))
        median = rb.median_call_ms(fn, runs, warmup=5 if runs == repeats else 2)
    print(f"output_finite={int(finite)}\nruns={runs}\nmedian_ms={median:.6f}")
    return 0 if finite else 1


def main(script, doc, stem, cases, tune_budget, onednn_source, keras_case, describe,
         torch_build, baselines, write_report):
    """A script's main: `script torch ...` is the PyTorch child (torch_child); otherwise
    parses the arguments and, per case of --cases, writes the Keras model (keras_case(
    name, case) -> (graph_e2e Graph, output name, model JSON), see write_case),
    compiles and checks kconv, then times it per thread count with baselines(name, case,
    threads, repeats, the compiled onednn_source) -> [(system, fn -> ms)] (torch_system
    for PyTorch's), and writes STEM.json and, with write_report(results, out), the
    report. describe(name, case) -> (FLOPs, a sentence). --report-only rewrites the
    report from STEM.json."""
    if len(sys.argv) > 1 and sys.argv[1] == "torch":
        return torch_child(sys.argv[2:], torch_build)
    import argparse
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser, cases, repeats=30, tune_budget=tune_budget)
    args = parser.parse_args()
    if args.report_only:
        with open(os.path.join(args.out, f"{stem}.json")) as f:
            return write_report(json.load(f), args.out)
    name = os.path.basename(script)
    settle(args, name)
    unknown = set(args.cases) - set(cases)
    if unknown:
        sys.exit(f"{name}: --cases: unknown {', '.join(sorted(unknown))}")
    work = rb.work_dir(args, stem)
    results, peak = start_results(args, work)
    onednn = compile_tool(onednn_source, os.path.join(work, onednn_source.split(".")[0]),
                          ["-ldnnl"])
    for case_name in args.cases:
        case = cases[case_name]
        model, x_path, reference = write_case(*keras_case(case_name, case),
                                              os.path.join(work, case_name))
        exes, facts = kconv_executables(args, model, os.path.dirname(x_path), x_path,
                                        reference, work)
        flops, description = describe(case_name, case)
        entry = dict(facts, flops=flops, description=description)
        print(f"{case_name}: {description}; kconv vs float64 "
              f"{entry['max_error_vs_float64']:.2g}", flush=True)
        for t in args.threads:
            measure(entry, kconv_systems(exes, x_path, t, args.repeats) +
                    baselines(case_name, case, t, args.repeats, onednn), peak, t, args,
                    case_name)
        results["cases"][case_name] = entry
    finish(results, args.out, stem, write_report)
    return 0


def ratio_cell(m, rounds, baseline, system):
    """'1.23x (1.10–1.30)': baseline time / system time (higher: system faster), the best
    times' ratio and the range of the per-round ratios; '–' without the baseline."""
    if baseline not in m or system not in m:
        return "–"
    low, high = rb.ratio_range(rounds, baseline, system)
    return f"{m[baseline] / m[system]:.2f}x ({low:.2f}–{high:.2f})"


def check_lines(cases):
    """The report's line per case: what it is, kconv's error against the float64
    reference, its compile (and tuning) seconds."""
    return [f"* {name}: {e['description']}; kconv vs float64 reference "
            f"{e['max_error_vs_float64']:.2g} (max error / max(1, max |reference|)); "
            f"kconvc {e['kconvc_seconds']:.1f} s" +
            ("; tuned in " + ", ".join(f"{s:.0f} s ({t} thr)" for t, s in
                                       e["tune_seconds"].items()) if "tune_seconds" in e
             else "")
            for name, e in cases.items()]


def warnings(results):
    """The report's opening warnings: a --quick or --shared-machine check, a loaded
    machine (load average above half the CPUs at the start or the end)."""
    machine, settings = results["machine"], results["settings"]
    warning = ""
    if settings.get("quick") or settings.get("shared_machine"):
        warning += ("**A check of the script on a shared, loaded machine, not a measurement: "
                    "the numbers will be replaced by an idle-machine run.**\n\n")
    return warning + rb.load_warning(machine["load_average_at_start"],
                                     machine["load_average_at_end"], machine["cpu_count"])


def finish(results, out, stem, write_report):
    """Notes the load average at the end, writes STEM.json and the report."""
    results["machine"]["load_average_at_end"] = os.getloadavg()
    with open(os.path.join(out, f"{stem}.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, out)
    print(f"wrote {os.path.join(out, stem + '.md')}", flush=True)


def write_report(results, out, stem, title, baselines, notes):
    """STEM.md: one row per case and thread count; STEM.png: per case, every system's
    speed relative to the first baseline it has. baselines: the systems kconv is
    compared with, in order of importance."""
    threads = results["settings"]["threads"]
    cases = results["cases"]
    order = list(KCONV) + list(baselines)
    systems = [s for s in order if any(s in e[f"threads_{t}"] for e in cases.values()
                                       for t in threads)]
    systems += sorted({s for e in cases.values() for t in threads for s in e[f"threads_{t}"]}
                      - set(systems) - {"peak_gflops"})
    present = [b for b in baselines if b in systems]
    lines = ["| case | thr | GFLOP | " + " | ".join(f"{s} ms (GFLOP/s, % peak)" for s in systems)
             + " | " + " | ".join(f"kconv / {b} speed" for b in present) +
             " | FMA peak GFLOP/s |",
             "|---" * (len(systems) + len(present) + 4) + "|"]
    for name, e in cases.items():
        for t in threads:
            m, rounds = e[f"threads_{t}"], e[f"rounds_ms_{t}"]
            cells = [rb.time_cell(m, rounds, s, e["flops"], m["peak_gflops"]) for s in systems]
            kconv = next(s for s in KCONV if s in m)
            cells += [ratio_cell(m, rounds, b, kconv) for b in present]
            lines.append(f"| {name} | {t} | {e['flops'] / 1e9:.3f} | " + " | ".join(cells) +
                         f" | {m['peak_gflops']:.0f} |")
    checks = check_lines(cases)
    machine, settings = results["machine"], results["settings"]
    warning = warnings(results)
    with open(os.path.join(out, f"{stem}.md"), "w") as f:
        f.write(
            warning + f"{title}, on {machine['cpu']} ({machine['cpu_count']} CPUs; load average "
            f"{machine['load_average_at_start'][0]:.1f} at the start, "
            f"{machine['load_average_at_end'][0]:.1f} at the end); kconv "
            f"{results['kconv_commit']}.\n\n"
            f"Each time is the median of {settings['repeats']} runs after warm-up (PyTorch calls "
            f"too slow for that in {TORCH_SECONDS:g} s: of as many as fit, at least 5), each "
            f"system in a process of its own; each system's time is {rm.rounds_text(settings, rb)}, "
            f"all systems and the FMA peak (bench/fma_peak.c) measured in turn in each round; "
            f"+N%: how much slower the slowest round was. kconv / X speed: X's best time over "
            f"kconv's (tuned where timed, else default; higher: kconv faster), in brackets "
            f"the lowest and highest per-round ratio. GFLOP counts 2 per multiply-add of the "
            f"matrix products and convolutions; % peak: of the FMA peak measured in the same "
            f"rounds.\n\n" + "\n".join(lines) + "\n\nCases and checks:\n\n" +
            "\n".join(checks) + "\n\n" + notes + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker
    names = list(cases)
    columns = min(len(names), 3)
    rows = -(-len(names) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.6 * columns + 1.8, 4.0 * rows),
                             squeeze=False)
    colors = dict(zip(systems, plt.rcParams["axes.prop_cycle"].by_key()["color"] * 3))
    for ax, name in zip(axes.flat, names):
        e = cases[name]
        base = next((b for b in baselines if b in e[f"threads_{threads[0]}"]), "kconv_default")
        shown = [s for s in systems if s != base and s in e[f"threads_{threads[0]}"]]
        width = 0.8 / len(shown)
        for i, s in enumerate(shown):
            xs = [j + (i - (len(shown) - 1) / 2) * width for j in range(len(threads))]
            speeds = [e[f"threads_{t}"][base] / e[f"threads_{t}"][s] for t in threads]
            # From 1 (the baseline) up for faster, down for slower.
            bars = ax.bar(xs, [v - 1 for v in speeds], width, bottom=1, label=s,
                          color=colors[s])
            ax.bar_label(bars, labels=[f"{v:.2f}" for v in speeds], fontsize=7)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_yscale("log")  # ratios: 2x faster as far from 1 as 2x slower
        ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_xticks(range(len(threads)))
        ax.set_xticklabels([f"{t} thread{'s' if t > 1 else ''}" for t in threads])
        ax.set_title(f"{name} (vs {base} = 1)", fontsize=9)
        ax.set_ylabel(f"{base} time / system time")
        ax.margins(y=0.2)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    handles = {}
    for ax in axes.flat:
        for h, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, h)
    fig.legend(handles.values(), handles.keys(), fontsize=8, loc="upper right")
    fig.suptitle(f"{title}: speed relative to a baseline (higher is faster)", fontsize=10)
    fig.tight_layout(rect=(0, 0, 0.86, 0.95))
    fig.savefig(os.path.join(out, f"{stem}.png"), dpi=100)
