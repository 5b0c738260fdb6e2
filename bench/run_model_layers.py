#!/usr/bin/python3
"""Whole models' convolutions one by one: kconv's default schedule (and tuned, with
--tune-budget) against oneDNN's convolution and the FMA peak, interleaved in rounds in
one run, at the thread counts given. Where a model is behind ONNX Runtime, this says
which layers.

  /usr/bin/python3 bench/run_model_layers.py [--threads 1,2] [--layers r7_3x3_512,...]

Layers: bench/layers.py's MODEL_LAYERS (a selection of ResNet50's and MobileNetV2's
distinct convolutions). Writes model_layers.json and model_layers.md under --out."""
import argparse
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from layers import MODEL_LAYERS, flops  # noqa: E402
from make_models import write_layer  # noqa: E402
import run_bench as rb  # noqa: E402
from run_models import cpu_name  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--layers", default=",".join(MODEL_LAYERS))
    parser.add_argument("--tune-budget", type=float, default=0,
                        help="also time kconv tuned for this many seconds per layer")
    parser.add_argument("--rounds", type=int, default=3)
    rb.output_arguments(parser, iterations=30)
    args = parser.parse_args()
    unknown = [n for n in args.layers.split(",") if n not in MODEL_LAYERS]
    if unknown:
        sys.exit(f"run_model_layers.py: unknown layers {', '.join(unknown)} "
                 f"(bench/layers.py's MODEL_LAYERS)")
    work = rb.work_dir(args, "model_layers")
    kconvc = os.path.join(args.build, "bin", "kconvc")
    onednn, peak = rb.compile_conv_baselines(work)
    threads = [int(t) for t in args.threads.split(",")]
    results = {"cpu": cpu_name(), "rounds": args.rounds,
               "load_average_at_start": os.getloadavg(),
               "layers": {}}
    for name in args.layers.split(","):
        layer = MODEL_LAYERS[name]
        d = write_layer(name, layer, work)
        model = [os.path.join(d, "model.json"), "--weights", os.path.join(d, "weights.h5")]
        entry = {"flops": flops(layer), "config": layer}
        for t in threads:
            exe = os.path.join(d, f"default_t{t}")
            rb.run([kconvc] + model + ["--emit=exe", "-o", exe, "--threads", str(t)])
            bench = ["--input", os.path.join(d, "x.npy"), "--bench", str(args.iterations),
                     "--threads", str(t)]
            systems = [("kconv_default", lambda exe=exe: rb.median_ms(rb.run([exe] + bench)))]
            if args.tune_budget > 0:
                tuned = os.path.join(d, f"tuned_t{t}")
                rb.compile_tuned(kconvc, model, tuned, args.tune_budget, t,
                                 os.path.join(work, "tuning.db"))
                systems.append(("kconv_tuned",
                                lambda tuned=tuned: rb.median_ms(rb.run([tuned] + bench))))
            conv_args = [str(layer[k]) for k in ("n", "h", "w", "c", "f", "k", "s", "d",
                                                 "groups", "padding")]
            systems += [
                ("onednn", lambda: rb.median_ms(rb.run([onednn] + conv_args +
                                                       [str(args.iterations), str(t)]))),
                ("peak_ms_per_gflop", lambda: 1e3 / float(rb.run([peak, str(t)]).split("=")[1]))]
            measures, rounds = rb.best_of_interleaved(systems, args.rounds, args.rounds)
            measures["peak_gflops"] = 1e3 / measures.pop("peak_ms_per_gflop")
            del rounds["peak_ms_per_gflop"]
            entry[f"threads_{t}"], entry[f"rounds_ms_{t}"] = measures, rounds
            print(f"{name} threads {t}: " + ", ".join(f"{k} {v:.4f}" for k, v in
                                                      measures.items()), flush=True)
        results["layers"][name] = entry
    results["load_average_at_end"] = os.getloadavg()
    with open(os.path.join(args.out, "model_layers.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, threads, args.out)


def write_report(results, threads, out):
    kconv = [s for s in ("kconv_tuned", "kconv_default")
             if s in next(iter(results["layers"].values()))[f"threads_{threads[0]}"]]
    lines = [f"Convolutions of ResNet50 (r) and MobileNetV2 (m), batch 1, float32, NHWC, on "
             f"{results['cpu']}; load average {results['load_average_at_start'][0]:.1f} at the "
             f"start, {results['load_average_at_end'][0]:.1f} at the end. Each time is the "
             f"best of {results['rounds']} rounds' medians, all systems and the FMA peak "
             f"(bench/fma_peak.c) measured in turn in each round; oneDNN / kconv speed: "
             f"higher is kconv faster, in brackets the lowest and highest per-round ratio.",
             "", "| layer | thr | GFLOP | " + " | ".join(f"{s} ms (% peak)" for s in kconv) +
             " | onednn ms (% peak) | " + " | ".join(f"{s} / oneDNN speed" for s in kconv) +
             " |", "|---" * (4 + 2 * len(kconv)) + "|"]
    for name, entry in results["layers"].items():
        for t in threads:
            m, r = entry[f"threads_{t}"], entry[f"rounds_ms_{t}"]
            gflop = entry["flops"] / 1e9

            def cell(s):
                return f"{m[s]:.3f} ({100 * gflop / (m[s] / 1e3) / m['peak_gflops']:.0f}%)"
            ratios = []
            for s in kconv:
                low, high = rb.ratio_range(r, "onednn", s)
                ratios.append(f"{m['onednn'] / m[s]:.2f}x ({low:.2f}–{high:.2f})")
            lines.append(f"| {name} | {t} | {gflop:.3f} | " + " | ".join(cell(s) for s in kconv) +
                         f" | {cell('onednn')} | " + " | ".join(ratios) + " |")
    with open(os.path.join(out, "model_layers.md"), "w") as f:
        f.write(rb.load_warning(results["load_average_at_start"],
                                results["load_average_at_end"]) + "\n".join(lines) + "\n")
    print(f"wrote {os.path.join(out, 'model_layers.md')}")


if __name__ == "__main__":
    main()
