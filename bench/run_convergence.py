#!/usr/bin/python3
"""Tuning convergence (issue 6: within 60 s per layer, reach within 3% of the best
schedule found with a 10x budget).

  /usr/bin/python3 bench/run_convergence.py [--budget 20] [--factor 10] [--layers aefi]
                                            [--threads 1] [--out bench/results]

For each layer it tunes twice with fresh tuning databases, with the budget and with
`factor` times the budget, recording the tuner's progress (elapsed seconds and the best
GFLOP/s so far); then it times the two executables in turn, in rounds. Writes
convergence.json, convergence.md (the short run's speed relative to the long one's) and
convergence.png (best GFLOP/s found against tuning time) under --out."""
import argparse
import json
import os
import re
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from layers import LAYERS, flops  # noqa: E402
from make_models import write_layer  # noqa: E402
from run_bench import (ROUNDS_TEXT, best_of_interleaved, median_ms, output_arguments,  # noqa: E402
                       ratio_range, run, tuned_command, work_dir)

PROGRESS = re.compile(r"(\d+)/~?(\d+) candidates, best ([0-9.]+) (?:ms|\u00b5s) "
                      r"\(([0-9.]+) GFLOP/s\), ([0-9.]+) s")


def tune(kconvc, model, exe, budget, threads, db):
    """Compiles `model` tuned with a fresh database `db`. Returns the wall seconds, the
    progress trace [(seconds, candidates tried, best GFLOP/s)] and the stored schedule."""
    if os.path.exists(db):
        os.remove(db)
    start = time.time()
    result = subprocess.run(tuned_command(kconvc, model, exe, budget, threads, db),
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"kconvc failed on {model[0]}:\n{result.stderr}")
    seconds = time.time() - start
    trace = [(float(m[4]), int(m[0]), float(m[3])) for m in PROGRESS.findall(result.stderr)]
    with open(db) as f:  # KEY \t SCHEDULE \t MS, one line for a one-layer model
        schedule = f.readline().split("\t")[1]
    return seconds, trace, schedule


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=20)
    parser.add_argument("--factor", type=float, default=10)
    parser.add_argument("--layers", default="aefi")
    parser.add_argument("--threads", type=int, default=1)
    output_arguments(parser, iterations=40)
    args = parser.parse_args()
    work = work_dir(args, "convergence")
    kconvc = os.path.join(args.build, "bin", "kconvc")
    results = {"budget": args.budget, "factor": args.factor, "threads": args.threads,
               "layers": {}}
    for name in args.layers:
        d = write_layer(name, LAYERS[name], work)
        model = [os.path.join(d, "model.json"), "--weights", os.path.join(d, "weights.h5")]
        entry = {"flops": flops(LAYERS[name])}
        for run_name, budget in (("short", args.budget), ("long", args.budget * args.factor)):
            print(f"layer {name}: tuning with a {budget:.0f} s budget", flush=True)
            seconds, trace, schedule = tune(kconvc, model, os.path.join(d, run_name), budget,
                                            args.threads, os.path.join(d, f"{run_name}.db"))
            entry[run_name] = {"budget": budget, "seconds": seconds, "trace": trace,
                               "schedule": schedule}
        bench = ["--input", os.path.join(d, "x.npy"), "--bench", str(args.iterations),
                 "--threads", str(args.threads)]
        best, rounds = best_of_interleaved(
            [(r, lambda r=r: median_ms(run([os.path.join(d, r)] + bench)))
             for r in ("short", "long")])
        entry["ms"], entry["rounds_ms"] = best, rounds
        results["layers"][name] = entry
        print(f"layer {name}: short {best['short']:.4f} ms, long {best['long']:.4f} ms",
              flush=True)
    with open(os.path.join(args.out, "convergence.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, args.out)


def write_report(results, out):
    budget, factor = results["budget"], results["factor"]
    lines = [f"Tuning with a {budget:.0f} s budget against {factor:.0f}x that budget, "
             f"{results['threads']} thread(s), each with a fresh tuning database; the two "
             f"executables timed in turn, {ROUNDS_TEXT}; the speed is the best "
             f"times' ratio and the median of the per-round ratios (rounds of a phase of "
             f"the machine's noise move both), in brackets the lowest and highest. Target: "
             f"the short run within 3% of the long one (speed >= 0.97).", "",
             "| layer | short: s, candidates | long: s, candidates | short ms | long ms | "
             "short / long speed: best, median | same schedule |",
             "|---|---|---|---|---|---|---|"]
    for name, e in results["layers"].items():
        short, long_ = e["short"], e["long"]
        tried = [r["trace"][-1][1] if r["trace"] else 0 for r in (short, long_)]
        low, high = ratio_range(e["rounds_ms"], "long", "short")
        ratios = sorted(a / b for a, b in zip(e["rounds_ms"]["long"], e["rounds_ms"]["short"]))
        lines.append(f"| {name} | {short['seconds']:.0f}, {tried[0]} | "
                     f"{long_['seconds']:.0f}, {tried[1]} | {e['ms']['short']:.3f} | "
                     f"{e['ms']['long']:.3f} | {e['ms']['long'] / e['ms']['short']:.2f}x, "
                     f"{ratios[len(ratios) // 2]:.2f}x ({low:.2f}–{high:.2f}) | "
                     f"{'yes' if short['schedule'] == long_['schedule'] else 'no'} |")
    with open(os.path.join(out, "convergence.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, e in results["layers"].items():
        trace = e["long"]["trace"]
        if not trace:
            continue
        peak_share = [g / max(t[2] for t in trace) for _, _, g in trace]
        ax.step([t[0] for t in trace], peak_share, where="post", label=f"layer {name}")
    ax.axvline(budget, color="black", linewidth=0.8, linestyle="--")
    ax.text(budget, 0.02, f" {budget:.0f} s budget", transform=ax.get_xaxis_transform())
    ax.set_xlabel("tuning time, s")
    ax.set_ylabel("best GFLOP/s so far / best found in the long run")
    ax.set_title(f"tuner convergence ({factor:.0f}x budget, JIT-measured candidates)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "convergence.png"), dpi=100)


if __name__ == "__main__":
    main()
