#!/usr/bin/python3
"""GPU correctness and speed (issue 23) in two steps, as the GPU machine has no
compiler toolchain and this one no GPU (scripts/gpu-check.sh runs both):

  prepare  (here)   writes whole e2e models, the benchmark layers (bench/layers.py) and
                    MobileNetV2, compiles each for a GPU target and keeps its inputs and
                    references: the float64 reference of the e2e models, this CPU's
                    output for the rest (compiled with the same kconvc);
  run      (there)  runs them: every output against its reference, each executable's
                    --bench (data on the device, and host_to_host_ms with the copies),
                    and PyTorch on the same shapes (cuDNN fp32 with TF32 off, TF32 on,
                    and a CUDA graph replay for MobileNetV2), then writes
                    gpu.json, gpu.md and gpu.png.

Without CUDA, `prepare --target host-opencl` and `run --skip-torch` take the same steps
through OpenCL (POCL on the CPU), which is how the script itself is tested."""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "test", "lib"))
from layers import LAYERS, flops  # noqa: E402

E2E_MODELS = ("resnet_block", "mobilenet_block", "classifier", "branches", "decoder")


def compile_exe(kconvc, model_args, exe, target):
    subprocess.run([kconvc] + model_args + ["--emit=exe", "-o", exe] +
                   ([f"--target={target}"] if target else []), check=True)


def prepare(args):
    import graph_e2e
    from make_models import write_layer
    out = os.path.abspath(args.dir)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    scratch = os.path.join(out, "scratch")
    items = []
    # Whole models of every layer family, against the float64 reference.
    rng = np.random.default_rng(11)
    for name in [m for m in args.e2e.split(",") if m]:
        g, outputs, d, model_args = graph_e2e.build(name, False, scratch, rng)
        dest = os.path.join(out, "e2e", name)
        os.makedirs(dest)
        compile_exe(args.kconvc, model_args, os.path.join(dest, "m"), args.target)
        inputs = []
        for i, (_, x) in enumerate(g.inputs):
            np.save(os.path.join(dest, f"x{i}.npy"), x)
            inputs.append(f"x{i}.npy")
        refs = []
        for i, o in enumerate(outputs):
            np.save(os.path.join(dest, f"ref{i}.npy"), g.values[o])
            refs.append(f"ref{i}.npy")
        items.append(dict(kind="e2e", name=name, dir=f"e2e/{name}", inputs=inputs, refs=refs))
    # The benchmark layers and MobileNetV2: against this CPU's build of the same model.
    for name in [n for n in args.layers.split(",") if n]:
        layer = LAYERS[name]
        d = write_layer(name, layer, os.path.join(scratch, "layers"))
        dest = os.path.join(out, "layers", name)
        os.makedirs(dest)
        model_args = [os.path.join(d, "model.json"), "--weights", os.path.join(d, "weights.h5")]
        add_compared(args, items, dest, f"layers/{name}", model_args, os.path.join(d, "x.npy"),
                     dict(kind="layer", name=name, layer=layer, flops=flops(layer),
                          kernel=np.load(os.path.join(d, "kernel.npy")).shape))
    for name in [m for m in args.models.split(",") if m]:
        import run_models
        _, _, d, model_args, macs = run_models.write_keras_model(name, scratch)
        dest = os.path.join(out, "models", name)
        os.makedirs(dest)
        # (The larger batch repeats this input; `run` writes it, to travel less.)
        add_compared(args, items, dest, f"models/{name}", model_args, os.path.join(d, "x.npy"),
                     dict(kind="model", name=name, macs=macs, batches=[1, args.big_batch]))
    # The executables' shared libraries a bare GPU machine may lack (OpenMP's).
    lib = os.path.join(out, "lib")
    os.makedirs(lib)
    first = next(os.path.join(out, i["dir"], "m") for i in items)
    for line in subprocess.run(["ldd", first], capture_output=True, text=True).stdout.splitlines():
        m = re.search(r"(libgomp\S*) => (\S+)", line)
        if m:
            shutil.copy(m.group(2), os.path.join(lib, m.group(1)))
    shutil.rmtree(scratch)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(dict(target=args.target, prepared=datetime.date.today().isoformat(),
                       items=items), f, indent=1, default=int)
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs)
    print(f"prepared {len(items)} item(s) for {args.target} in {out} ({size / 2**20:.1f} MiB)")


def add_compared(args, items, dest, rel, model_args, x, item):
    """Compiles `model_args` for the GPU target into dest/m and for this CPU, whose
    output on input `x` becomes dest/ref0.npy; records the item."""
    compile_exe(args.kconvc, model_args, os.path.join(dest, "m"), args.target)
    cpu = os.path.join(dest, "cpu")
    compile_exe(args.kconvc, model_args, cpu, None)
    shutil.copy(x, os.path.join(dest, "x0.npy"))
    subprocess.run([cpu, "--input", os.path.join(dest, "x0.npy"), "--output",
                    os.path.join(dest, "ref0.npy")], check=True)
    os.remove(cpu)
    item.update(dir=rel, inputs=["x0.npy"], refs=["ref0.npy"])
    items.append(item)


def values(output):
    found = {}
    for line in output.splitlines():
        if "=" in line:
            key, _, value = line.partition("=")
            found[key.strip()] = value.strip()
    return found


def run_exe(d, exe_args, env):
    result = subprocess.run([os.path.join(d, "m")] + exe_args, capture_output=True, text=True,
                            env=env, cwd=d)
    if result.returncode != 0:
        raise RuntimeError(f"{d}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def check(d, item, env):
    """Runs the item once and compares each output with its reference: float32 against
    float64 within 2e-5 of the largest reference value (graph_e2e's tolerance), or the
    GPU against this CPU's float32 build within 1e-4 of it."""
    outs = [f"y{i}.npy" for i in range(len(item["refs"]))]
    exe_args = sum([["--input", x] for x in item["inputs"]], []) + \
        sum([["--output", y] for y in outs], [])
    run_exe(d, exe_args, env)
    worst, ok = 0.0, True
    for y, ref in zip(outs, item["refs"]):
        a, b = np.load(os.path.join(d, y)), np.load(os.path.join(d, ref))
        scale = max(1.0, float(np.abs(b).max()))
        err = float(np.abs(a - b).max()) / scale if a.shape == b.shape else float("inf")
        worst = max(worst, err)
        ok = ok and err <= (2e-5 if item["kind"] == "e2e" else 1e-4)
    return ok, worst


def bench_exe(d, x, iterations, env):
    v = values(run_exe(d, ["--input", x, "--bench", str(iterations)], env))
    return float(v["median_ms"]), float(v.get("host_to_host_ms", "nan"))


def torch_layer_ms(layer, kernel_shape, iterations, tf32):
    """torch.nn.functional.conv2d on the GPU, NCHW fp32, data on the device: the median
    of `iterations` calls each timed with CUDA events (cuDNN's algorithm search first)."""
    import torch
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    kh, kw, cg, f = kernel_shape
    x = torch.randn(layer["n"], layer["c"], layer["h"], layer["w"], device="cuda")
    w = torch.randn(f, cg, kh, kw, device="cuda")
    b = torch.randn(f, device="cuda")
    pad = "same" if layer["padding"] == "same" and layer["s"] == 1 else 0
    if layer["padding"] == "same" and layer["s"] > 1:
        # Keras's 'same' with a stride pads the end more: pad explicitly as it does.
        out = -(-layer["h"] // layer["s"])
        total = max((out - 1) * layer["s"] + (kh - 1) * layer["d"] + 1 - layer["h"], 0)
        x = torch.nn.functional.pad(x, (total // 2, total - total // 2) * 2)

    def call():
        return torch.nn.functional.conv2d(x, w, b, stride=layer["s"], padding=pad,
                                          dilation=layer["d"], groups=layer["groups"])
    return cuda_median(call, iterations)


def cuda_median(call, iterations, graph=False):
    import torch
    with torch.inference_mode():
        for _ in range(5):
            call()
        if graph:
            stream = torch.cuda.Stream()
            stream.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(stream):
                for _ in range(3):
                    call()
            torch.cuda.current_stream().wait_stream(stream)
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g):
                call()
            call = g.replay
        times = []
        for _ in range(iterations):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            call()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def torch_model_ms(name, batch, iterations, tf32, graph):
    import torch
    import run_models
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    model = run_models.torch_model(name).cuda()
    x = torch.randn(batch, 3, 224, 224, device="cuda")
    return cuda_median(lambda: model(x), iterations, graph)


def run(args):
    d = os.path.abspath(args.dir)
    with open(os.path.join(d, "manifest.json")) as f:
        manifest = json.load(f)
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(d, "lib") + (":" + env["LD_LIBRARY_PATH"]
                                                         if env.get("LD_LIBRARY_PATH") else "")
    torch_ok = False
    gpu_name = "none"
    if not args.skip_torch:
        try:
            import torch
            torch_ok = torch.cuda.is_available()
            gpu_name = torch.cuda.get_device_name() if torch_ok else "none"
        except ImportError:
            pass
    if gpu_name == "none" and shutil.which("nvidia-smi"):
        gpu_name = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                                  capture_output=True, text=True).stdout.strip() or "none"
    results = []
    failures = 0
    for item in manifest["items"]:
        idir = os.path.join(d, item["dir"])
        ok, err = check(idir, item, env)
        failures += not ok
        row = dict(kind=item["kind"], name=item["name"], ok=ok, max_error=err)
        print(f"{item['kind']} {item['name']}: max error {err:.2g} relative to the reference:"
              f" {'ok' if ok else 'FAIL'}", flush=True)
        if item["kind"] == "layer":
            row["kconv_ms"], row["kconv_host_to_host_ms"] = bench_exe(idir, "x0.npy",
                                                                      args.iterations, env)
            row["gflops"] = item["flops"] / 1e9
            if torch_ok:
                row["torch_ms"] = torch_layer_ms(item["layer"], item["kernel"], args.iterations,
                                                 False)
                row["torch_tf32_ms"] = torch_layer_ms(item["layer"], item["kernel"],
                                                      args.iterations, True)
        elif item["kind"] == "model":
            for batch in item["batches"]:
                x = "x0.npy" if batch == 1 else f"x{batch}.npy"
                if batch > 1:
                    np.save(os.path.join(idir, x),
                            np.repeat(np.load(os.path.join(idir, "x0.npy")), batch, axis=0))
                ms, h2h = bench_exe(idir, x, args.iterations, env)
                entry = dict(kconv_ms=ms, kconv_host_to_host_ms=h2h)
                if torch_ok:
                    entry["torch_ms"] = torch_model_ms(item["name"], batch, args.iterations,
                                                       False, False)
                    entry["torch_tf32_ms"] = torch_model_ms(item["name"], batch,
                                                            args.iterations, True, False)
                    entry["torch_graph_ms"] = torch_model_ms(item["name"], batch,
                                                             args.iterations, False, True)
                row[f"batch{batch}"] = entry
        results.append(row)
        if "kconv_ms" in row or item["kind"] == "model":
            print("  " + json.dumps({k: v for k, v in row.items()
                                     if k not in ("kind", "name", "ok", "max_error")}),
                  flush=True)
    report = dict(date=datetime.datetime.now().isoformat(timespec="seconds"),
                  gpu=gpu_name, target=manifest["target"], iterations=args.iterations,
                  torch=torch_ok, results=results, failures=failures)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "gpu.json"), "w") as f:
        json.dump(report, f, indent=1)
    write_markdown(report, os.path.join(args.out, "gpu.md"))
    write_plot(report, os.path.join(args.out, "gpu.png"))
    print(f"gpu-check: {len(results) - failures} of {len(results)} item(s) match "
          f"their references on {gpu_name}")
    return 1 if failures else 0


def speedup(a, b):
    return f"{b / a:.2f}x" if a and b else "-"


def write_markdown(report, path):
    lines = [f"# GPU results ({report['date']}, {report['gpu']}, target {report['target']})",
             "",
             "`scripts/gpu-check.sh` (bench/run_gpu.py): median ms of "
             f"{report['iterations']} runs with the data on the device; kconv's "
             "host_to_host copies the inputs in and the outputs out each run. PyTorch: "
             "cuDNN fp32 (TF32 off), TF32 on, CUDA events per call.", "",
             "| layer | GFLOP | kconv ms | TFLOP/s | host-to-host ms | torch fp32 ms | "
             "torch TF32 ms | speed-up vs fp32 |", "|---|---|---|---|---|---|---|---|"]
    for r in report["results"]:
        if r["kind"] == "layer":
            tf = r["gflops"] / r["kconv_ms"] if r.get("kconv_ms") else 0
            lines.append(f"| {r['name']} | {r['gflops']:.2f} | {r['kconv_ms']:.4f} | {tf:.1f} | "
                         f"{r['kconv_host_to_host_ms']:.3f} | {r.get('torch_ms', '-')} | "
                         f"{r.get('torch_tf32_ms', '-')} | "
                         f"{speedup(r['kconv_ms'], r.get('torch_ms'))} |")
    lines += ["", "| model | batch | kconv ms | host-to-host ms | torch fp32 ms | torch TF32 "
              "ms | torch graph ms | speed-up vs fp32 |", "|---|---|---|---|---|---|---|---|"]
    for r in report["results"]:
        for key, e in r.items():
            if key.startswith("batch"):
                lines.append(f"| {r['name']} | {key[5:]} | {e['kconv_ms']:.3f} | "
                             f"{e['kconv_host_to_host_ms']:.3f} | {e.get('torch_ms', '-')} | "
                             f"{e.get('torch_tf32_ms', '-')} | {e.get('torch_graph_ms', '-')} |"
                             f" {speedup(e['kconv_ms'], e.get('torch_ms'))} |")
    lines += ["", "| item | kind | max error (relative) | matches |", "|---|---|---|---|"]
    for r in report["results"]:
        lines.append(f"| {r['name']} | {r['kind']} | {r['max_error']:.2g} | "
                     f"{'yes' if r['ok'] else 'NO'} |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_plot(report, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    rows = [r for r in report["results"] if r["kind"] == "layer" and r.get("kconv_ms")]
    if not rows:
        return
    names = [r["name"] for r in rows]
    fig, ax = plt.subplots(figsize=(8, 4))
    xs = np.arange(len(rows))
    ax.bar(xs - 0.2, [r["gflops"] / r["kconv_ms"] for r in rows], 0.4, label="kconv")
    if report["torch"]:
        ax.bar(xs + 0.2, [r["gflops"] / r["torch_ms"] for r in rows], 0.4,
               label="PyTorch fp32 (cuDNN)")
    ax.set_xticks(xs, names)
    ax.set_ylabel("TFLOP/s (data on the device)")
    ax.set_title(f"bench/layers.py on {report['gpu']} ({report['date'][:10]})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--kconvc", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--target", default="host-cuda")
    p.add_argument("--e2e", default=",".join(E2E_MODELS))
    p.add_argument("--layers", default=",".join(LAYERS))
    p.add_argument("--models", default="mobilenet_v2")
    p.add_argument("--big-batch", type=int, default=32)
    r = sub.add_parser("run")
    r.add_argument("--dir", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--iterations", type=int, default=100)
    r.add_argument("--skip-torch", action="store_true")
    args = parser.parse_args()
    return prepare(args) if args.step == "prepare" else run(args)


if __name__ == "__main__":
    sys.exit(main() or 0)
