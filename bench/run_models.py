#!/usr/bin/python3
"""The whole-model benchmark: full-size MobileNetV2 and ResNet50 (batch 1, float32,
224x224x3) timed side by side, in one run, at 1 and 2 threads (more with --threads-max):
  - kconv: the executable of `kconvc --emit=exe` with the default schedules (and, with
    --tune-budget-total S, one tuned for each thread count),
  - ONNX Runtime's CPU execution provider, through the npm package onnxruntime-node
    (installed with --ignore-scripts into --cache; bench/ort_bench.js drives it),
  - PyTorch eager (channels_last, inference_mode).

kconv compiles keras.applications' MobileNetV2 and ResNet50 as test/lib/zoo_e2e.py writes
them (Keras's layer classes, names and arguments, random weights); ONNX Runtime and
PyTorch run torchvision's mobilenet_v2 and resnet50 (random weights, eval mode), ONNX
Runtime from torch.onnx.export's file. The architectures differ in details (see
ARCHITECTURE_NOTES); the report gives each one's multiply-adds, so GFLOP/s compare too.

  /usr/bin/python3 bench/run_models.py [--kconvc build/bin/kconvc] [--threads-max N]
      [--tune-budget-total S] [--repeats 30] [--rounds 5] [--max-rounds 10] [--out bench/results]

Every system is timed as a median of --repeats runs after warm-up, in its own process,
in turn with the others and with the FMA peak (bench/fma_peak.c) in each round
(run_bench.best_of_interleaved); each system's time is its best round. The report gives
speeds relative to ONNX Runtime measured in the same rounds, never absolute times alone.
Writes models.json, models.md and models.png under --out."""
import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

MODELS = ("mobilenet_v2", "resnet50")
SIZE = 224
ORT_PACKAGE = "onnxruntime-node"
ORT_VERSION = "1.31.1"  # --ort-version; pinned so that runs compare
ARCHITECTURE_NOTES = {
    "mobilenet_v2": (
        "kconv: keras.applications.MobileNetV2 (alpha 1.0); ONNX Runtime and PyTorch: "
        "torchvision's mobilenet_v2 (width 1.0). Same layers and shapes; differences: Keras "
        "pads the stride-2 convolutions asymmetrically (Conv1 'same' on 224 pads (0, 1); each "
        "stride-2 depthwise is a ZeroPadding2D correct_pad (0, 1) then 'valid'), torchvision "
        "pads 1 on every side; Keras ends with Dense + softmax, torchvision with Dropout (the "
        "identity at inference) + Linear (logits, no softmax); BN epsilon 1e-3 vs 1e-5 (folded "
        "by all three)."),
    "resnet50": (
        "kconv: keras.applications.ResNet50 (ResNet v1: the stride 2 of a stage's first block "
        "in its first 1x1 convolution and the 1x1 shortcut); ONNX Runtime and PyTorch: "
        "torchvision's resnet50 (v1.5: the stride 2 in the 3x3 convolution, so its stages' first "
        "3x3 convolutions run on 4x more pixels: more multiply-adds, see the table). Keras's "
        "convolutions have biases before their BN, torchvision's none (folded either way); Keras "
        "pads with ZeroPadding2D layers before conv1 and the max pooling (zeros after a ReLU: "
        "the same values as torchvision's -inf padding); Keras ends with softmax, torchvision "
        "with logits."),
}


# ---------------------------------------------------------------------------------------
# The PyTorch side, run in child processes (`run_models.py torch ...`) so that every
# system is timed in a process of its own and this one never loads torch.

def torch_model(name):
    """torchvision's model with random weights drawn as zoo_e2e.py draws the Keras ones:
    convolutions and the classifier uniform with variance 1 / fan_in, batch norms with
    random statistics. torchvision's own initialization (Kaiming fan_out, BN the identity,
    the classifier N(0, 0.01)) shrinks MobileNetV2's logits to 1e-9: activations that
    small approach the denormals (slow on some paths, flushed on others), and every
    difference between ONNX Runtime's and PyTorch's outputs would look negligible."""
    import torch
    import torchvision
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                scale = (3.0 / m.weight[0].numel()) ** 0.5
                m.weight.uniform_(-scale, scale)
                if m.bias is not None:
                    m.bias.uniform_(-0.1, 0.1)
            elif isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-1, 1)
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.2, 2.0)
    return model.eval()


def torch_macs(model, x):
    """Multiply-adds of the convolutions and linear layers, counted on a run."""
    import torch
    total = [0]

    def hook(module, _inputs, output):
        total[0] += output.numel() * module.weight[0].numel()
    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.inference_mode():
        model(x)
    for h in handles:
        h.remove()
    return total[0] // x.shape[0]


def torch_blas():
    """The BLAS_INFO of torch's build ("generic": whatever libblas.so.3 is, on Debian the
    reference BLAS unless an optimized one is installed)."""
    import torch
    config = torch.__config__.show()
    return config.split("BLAS_INFO=", 1)[1].split(",", 1)[0] if "BLAS_INFO=" in config else "?"


def torch_export(name, d, opset):
    """Writes d/torch.pt (the state dict the timings load) and d/model.onnx."""
    import torch
    model = torch_model(name)
    x = torch.zeros(1, 3, SIZE, SIZE)
    torch.save(model.state_dict(), os.path.join(d, "torch.pt"))
    if opset <= 0:
        from torch.onnx import _constants
        opset = _constants.ONNX_MAX_OPSET
    start = time.monotonic()
    with torch.no_grad():
        torch.onnx.export(model, x, os.path.join(d, "model.onnx.tmp"), opset_version=opset,
                          input_names=["input"], output_names=["logits"],
                          do_constant_folding=True)
    seconds = time.monotonic() - start
    os.replace(os.path.join(d, "model.onnx.tmp"), os.path.join(d, "model.onnx"))
    import torchvision
    print(json.dumps({"export_seconds": seconds, "opset": opset, "macs": torch_macs(model, x),
                      "torch_version": torch.__version__,
                      "torch_blas": torch_blas(),
                      "torchvision_version": torchvision.__version__}))


def torch_bench(name, d, variant, threads, iterations, output):
    """Times torchvision's model as kconv's executables time theirs: 2 warm-up runs below
    10 iterations, else 5, then the median of `iterations` runs. variant: "eager" (the
    module, channels_last) or "jit" (traced, frozen and torch.jit.optimize_for_inference:
    BN folded into the convolutions, every convolution in oneDNN)."""
    import numpy as np
    import torch
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    model = torch_model(name)
    model.load_state_dict(torch.load(os.path.join(d, "torch.pt")))
    model = model.to(memory_format=torch.channels_last)
    x = torch.from_numpy(np.load(os.path.join(d, "x_nchw.npy"))).contiguous(
        memory_format=torch.channels_last)
    start = time.perf_counter()
    if variant == "jit":
        with torch.no_grad():
            model = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(model, x)))
    setup = time.perf_counter() - start
    times = []
    with torch.inference_mode():
        for _ in range(2 if iterations < 10 else 5):
            y = model(x)
        for _ in range(iterations):
            start = time.perf_counter()
            y = model(x)
            times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    n = len(times)
    median = times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])
    y = y.to_dense() if y.is_mkldnn else y
    if output:
        np.save(output, y.numpy())
    print(f"setup_s={setup:.3f}\noutput_shape={'x'.join(map(str, y.shape))}\n"
          f"output_finite={int(bool(torch.isfinite(y).all()))}\nmedian_ms={median:.6f}")


def torch_main(argv):
    if argv[0] == "export":
        torch_export(argv[1], argv[2], int(argv[3]))
    else:
        torch_bench(argv[1], argv[2], argv[3], int(argv[4]), int(argv[5]),
                    argv[6] if len(argv) > 6 else "")


# ---------------------------------------------------------------------------------------
# Helpers of the driving process.

def monitored(cmd, log):
    """Runs cmd (output to the file `log`); returns (seconds, the largest process's max RSS
    in MB (wait4's ru_maxrss), the peak of the whole process tree's PSS in MB, sampled every
    0.1 s: kconvc compiles a split model's pipelines in several processes at once)."""
    with open(log, "w") as f:
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT)
    start, peak = time.monotonic(), 0
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_pss_kb(p.pid))
        time.sleep(0.1)
    seconds = time.monotonic() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        with open(log) as f:
            tail = f.read()[-3000:]
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{tail}")
    return seconds, usage.ru_maxrss / 1024, peak / 1024


def tree_pss_kb(top):
    """The summed proportional set size of `top` and its descendants, in kB."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [top]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def values(output):
    """The key=value lines of a timing program's output."""
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def install_ort(cache, version):
    """The node_modules folder holding onnxruntime-node `version`, installed if missing.
    --ignore-scripts: the package's install script only fetches GPU (CUDA, TensorRT)
    binaries; the CPU library ships in the package (bin/napi-v6/linux/x64)."""
    folder = os.path.join(cache, "npm")
    package = os.path.join(folder, "node_modules", ORT_PACKAGE, "package.json")
    installed = None
    if os.path.exists(package):
        with open(package) as f:
            installed = json.load(f)["version"]
    if installed != version:
        if not shutil.which("npm"):
            sys.exit("run_models.py: npm is missing (apt-get install npm)")
        os.makedirs(folder, exist_ok=True)
        print(f"installing {ORT_PACKAGE}@{version} into {folder}", flush=True)
        subprocess.run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund",
                        "--save-exact", f"{ORT_PACKAGE}@{version}"], cwd=folder, check=True)
    return os.path.join(folder, "node_modules")


def thread_counts(maximum):
    counts, t = [1, 2], 4
    while t < maximum:
        counts.append(t)
        t *= 2
    if maximum > 2:
        counts.append(maximum)
    return counts


def git_commit(path):
    try:
        return subprocess.run(["git", "-C", path, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def check_output(y, shape, name):
    """Whether a contender's output has the model's shape and only finite values."""
    import numpy as np
    ok = tuple(y.shape) == tuple(shape) and bool(np.isfinite(y).all())
    if not ok:
        print(f"run_models.py: {name}: output of shape {y.shape} (expected {shape}), "
              f"finite: {bool(np.isfinite(y).all())}", flush=True)
    return ok


def write_keras_model(name, work):
    """Writes the Keras model (zoo_e2e's, batch 1) and its input (x.npy; NCHW as
    x_nchw.npy and x_nchw.bin for ONNX Runtime and PyTorch). Returns the graph_e2e Graph,
    its outputs, the folder, kconvc's model arguments and the model's multiply-adds: per
    weighted layer, the output's elements times the kernel's taps per output channel."""
    import numpy as np
    import graph_e2e
    import zoo_e2e
    graph_e2e.BATCH = 1
    graph_e2e.MODELS.update(zoo_e2e.MODELS)
    g, outputs, d, model_args = graph_e2e.build(name, False, work, np.random.default_rng(7))
    macs = 0
    for layer, _, weights in g.weights:
        kernel = dict(weights).get("kernel", dict(weights).get("depthwise_kernel"))
        if kernel is not None:
            out = g.values[layer]
            macs += out.size // out.shape[0] * (kernel.size // out.shape[-1])
    x = g.inputs[0][1]
    np.save(os.path.join(d, "x.npy"), x)
    nchw = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    np.save(os.path.join(d, "x_nchw.npy"), nchw)
    nchw.tofile(os.path.join(d, "x_nchw.bin"))
    return g, outputs, d, model_args, macs


def prepare_model(name, args, work, ort_modules, rb):
    """Writes the Keras model and input, compiles kconv's executables, exports the ONNX
    model, runs each contender once and checks its output. Returns the model's entry
    (without timings) and the per-thread-count kconv executables."""
    import numpy as np
    start = time.monotonic()
    g, outputs, d, model_args, macs = write_keras_model(name, work)
    reference_seconds = time.monotonic() - start
    entry = {"keras_layers": len(g.layers), "keras_reference_seconds": reference_seconds,
             "keras_macs": macs}
    reference = g.values[outputs[0]]

    exes = {}
    exe = os.path.join(d, "kconv_default")
    seconds, rss, pss = monitored([args.kconvc] + model_args + ["--emit=exe", "-o", exe],
                                  os.path.join(d, "kconvc_default.log"))
    entry["kconv_compile"] = {"seconds": seconds, "max_rss_mb": rss, "peak_tree_pss_mb": pss}
    print(f"{name}: {len(g.layers)} Keras layers, {macs / 1e9:.2f} GMAC; kconvc "
          f"{seconds:.1f} s, max RSS {rss:.0f} MB (whole tree {pss:.0f} MB PSS)", flush=True)
    exes["kconv_default"] = {t: exe for t in args.threads}
    if args.tune_budget_total:
        exes["kconv_tuned"], entry["kconv_tune"] = {}, {}
        for t in args.threads:
            tuned = os.path.join(d, f"kconv_tuned_t{t}")
            log = os.path.join(d, f"kconvc_tuned_t{t}.log")
            seconds, rss, pss = monitored(
                [args.kconvc] + model_args +
                ["--emit=exe", "-o", tuned, "--tune-budget-total", str(args.tune_budget_total),
                 "--tune-threads", str(t), "--tuning-db", os.path.join(work, "tuning.db")], log)
            with open(log) as f:
                from_db = "nothing tuned" in f.read()
            entry["kconv_tune"][t] = {"seconds": seconds, "max_rss_mb": rss,
                                      "peak_tree_pss_mb": pss, "all_from_tuning_db": from_db}
            exes["kconv_tuned"][t] = tuned
            print(f"{name}: tuned for {t} thread(s) in {seconds:.0f} s"
                  f"{' (all from the tuning database)' if from_db else ''}", flush=True)

    checks = {}
    for system, by_threads in exes.items():
        y_path = os.path.join(d, f"y_{system}.npy")
        for t, path in sorted(by_threads.items()):
            rb.run([path, "--input", os.path.join(d, "x.npy"), "--output", y_path,
                    "--threads", str(t)])
            y = np.load(y_path)
            checks[f"{system}_t{t}"] = {
                "ok": check_output(y, reference.shape, system),
                "max_error_vs_keras_float64": float(np.abs(y - reference).max())
                if y.shape == reference.shape else None}

    info = json.loads(subprocess.run(
        [sys.executable, __file__, "torch", "export", name, d, str(args.opset)],
        check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    entry["onnx_export_seconds"] = info.pop("export_seconds")
    entry["onnx_opset"] = info.pop("opset")
    entry["torchvision_macs"] = info.pop("macs")
    entry.update(info)
    print(f"{name}: torchvision {entry['torchvision_macs'] / 1e9:.2f} GMAC, exported to ONNX "
          f"(opset {entry['onnx_opset']}) in {entry['onnx_export_seconds']:.1f} s", flush=True)

    y_torch = None
    for variant in ("eager", "jit"):
        if {"eager": "pytorch", "jit": "pytorch_jit"}[variant] in args.skip:
            continue
        logits = os.path.join(d, f"y_pytorch_{variant}.npy")
        out = values(rb.run([sys.executable, __file__, "torch", "bench", name, d, variant, "1",
                             "1", logits]))
        y = np.load(logits)
        checks[f"pytorch_{variant}"] = {
            "ok": check_output(y, (1, 1000), f"pytorch_{variant}") and out["output_finite"] == "1"}
        if y_torch is None:
            y_torch, entry["pytorch_reference"] = y, variant
        else:
            checks["pytorch_jit"]["max_abs_diff_vs_pytorch"] = float(np.abs(y - y_torch).max())
        if variant == "jit":
            entry["pytorch_jit_setup_seconds"] = float(out["setup_s"])
    ort_out = os.path.join(d, "y_onnxruntime.bin")
    cmd, env = ort_command(d, ort_modules, 1, 1, ort_out)
    out = values(rb.run(cmd, env=env))
    entry["ort_version"] = out["ort_version"]
    y_ort = np.fromfile(ort_out, np.float32)
    y_ort = y_ort.reshape(tuple(int(v) for v in out["output_shape"].split("x")))
    checks["onnxruntime"] = {
        "ok": check_output(y_ort, (1, 1000), "onnxruntime") and out["output_finite"] == "1",
        "max_abs": float(np.abs(y_ort).max())}
    if y_torch is not None:
        # The same torchvision weights and input: ONNX Runtime must agree with PyTorch.
        checks["onnxruntime"]["max_abs_diff_vs_pytorch"] = float(np.abs(y_ort - y_torch).max())
    entry["output_checks"] = checks
    for k, v in checks.items():
        extra = ", ".join(f"{a} {b:.3g}" for a, b in v.items() if a != "ok" and b is not None)
        print(f"{name}: {k} output {'ok' if v['ok'] else 'WRONG'}" +
              (f" ({extra})" if extra else ""), flush=True)
    return entry, exes


def ort_command(d, modules, threads, iterations, output=None):
    cmd = ["node", os.path.join(here, "ort_bench.js"), os.path.join(d, "model.onnx"),
           os.path.join(d, "x_nchw.bin"), "1", "3", str(SIZE), str(SIZE), str(threads),
           str(iterations)] + ([output] if output else [])
    return cmd, dict(os.environ, NODE_PATH=modules)


# ---------------------------------------------------------------------------------------

def main():
    if len(sys.argv) > 1 and sys.argv[1] == "torch":
        return torch_main(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kconvc", default=os.path.join(root, "build", "bin", "kconvc"))
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--threads-max", type=int, default=2,
                        help="also time 4, 8, ... threads up to this many (0: os.cpu_count())")
    parser.add_argument("--tune-budget-total", type=float, default=0,
                        help="also time kconv tuned for each thread count with this whole-model "
                             "budget in seconds (0: not tuned)")
    parser.add_argument("--repeats", type=int, default=30,
                        help="timed runs per measurement (each system's median of them)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds at least")
    parser.add_argument("--max-rounds", type=int, default=None, help="rounds at most")
    parser.add_argument("--opset", type=int, default=0,
                        help="ONNX opset of the export (0: the newest the installed torch writes)")
    parser.add_argument("--ort-version", default=ORT_VERSION)
    parser.add_argument("--cache", default=os.environ.get("KCONV_BENCH_CACHE",
                                                          os.path.join(here, ".cache")),
                        help="where onnxruntime-node is installed (never committed)")
    parser.add_argument("--skip", default="",
                        help="systems not to time, comma-separated: pytorch (eager: seconds per "
                             "ResNet50 run with Debian's reference BLAS), pytorch_jit")
    parser.add_argument("--out", default=os.path.join(here, "results"))
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite models.md and models.png from --out's models.json")
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(root, "test", "lib"))
    sys.path.insert(0, os.path.join(root, "scripts"))
    sys.path.insert(0, here)
    import run_bench as rb
    if args.report_only:
        with open(os.path.join(args.out, "models.json")) as f:
            return write_report(json.load(f), args.out, rb)
    args.rounds = args.rounds or rb.ROUNDS
    args.max_rounds = max(args.max_rounds or rb.MAX_ROUNDS, args.rounds)
    if args.rounds < 2:  # a best time needs two rounds to be confirmed: exactly one round
        args.max_rounds = args.rounds = 1
    args.threads = thread_counts(args.threads_max or os.cpu_count())
    args.skip = [s for s in args.skip.split(",") if s]
    unknown = set(args.skip) - {"pytorch", "pytorch_jit"}
    if unknown:
        sys.exit(f"run_models.py: --skip: unknown systems {', '.join(sorted(unknown))} "
                 "(pytorch, pytorch_jit; kconv and ONNX Runtime, the baseline, always run)")
    args.kconvc = os.path.abspath(args.kconvc)
    if not os.access(args.kconvc, os.X_OK):
        sys.exit(f"run_models.py: no kconvc at {args.kconvc} (build it, or pass --kconvc)")
    if subprocess.run([sys.executable, "-c", "import torch, torchvision"],
                      capture_output=True).returncode:
        sys.exit("run_models.py: PyTorch and torchvision are missing "
                 "(KCONV_BENCH_DEPS=1 scripts/install-deps.sh installs python3-torch and "
                 "python3-torchvision)")
    if not shutil.which("node"):
        sys.exit("run_models.py: node is missing (apt-get install nodejs npm)")
    ort_modules = install_ort(os.path.abspath(args.cache), args.ort_version)
    os.makedirs(args.out, exist_ok=True)
    work = rb.work_dir(args, "models")
    peak = os.path.join(work, "fma_peak")
    subprocess.run(["gcc", "-O3", "-march=native", "-fopenmp", os.path.join(here, "fma_peak.c"),
                    "-o", peak], check=True)

    results = {
        "machine": {"cpu": cpu_name(), "cpu_count": os.cpu_count(),
                    "load_average_at_start": os.getloadavg()},
        "kconv_commit": git_commit(os.path.dirname(os.path.dirname(os.path.dirname(
            args.kconvc)))),
        "bench_commit": git_commit(root),
        "settings": {"repeats": args.repeats, "rounds": args.rounds,
                     "max_rounds": args.max_rounds, "threads": args.threads,
                     "tune_budget_total": args.tune_budget_total},
        "peak_gflops": {t: float(rb.run([peak, str(t)]).split("=")[1]) for t in args.threads},
        "models": {}}
    started = time.monotonic()
    for name in args.models.split(","):
        entry, exes = prepare_model(name, args, work, ort_modules, rb)
        d = os.path.join(work, name)
        for t in args.threads:
            systems = [(system, lambda exe=by_threads[t]: rb.median_ms(rb.run(
                [exe, "--input", os.path.join(d, "x.npy"), "--bench", str(args.repeats),
                 "--threads", str(t)])))
                for system, by_threads in exes.items()]
            cmd, env = ort_command(d, ort_modules, t, args.repeats)
            systems += [
                ("onnxruntime", lambda: rb.median_ms(rb.run(cmd, env=env))),
                ("pytorch", lambda: rb.median_ms(rb.run(
                    [sys.executable, __file__, "torch", "bench", name, d, "eager", str(t),
                     str(args.repeats)]))),
                ("pytorch_jit", lambda: rb.median_ms(rb.run(
                    [sys.executable, __file__, "torch", "bench", name, d, "jit", str(t),
                     str(args.repeats)]))),
                # The FMA peak as the time of one GFLOP, in turn with the systems, as
                # run_bench.py measures it: this machine's speed changes by phases.
                ("peak_ms_per_gflop", lambda: 1e3 / float(rb.run([peak, str(t)]).split("=")[1]))]
            systems = [(k, fn) for k, fn in systems if k not in args.skip]
            measures, rounds = rb.best_of_interleaved(systems, args.rounds, args.max_rounds)
            measures["peak_gflops"] = 1e3 / measures.pop("peak_ms_per_gflop")
            del rounds["peak_ms_per_gflop"]
            entry[f"threads_{t}"] = measures
            entry[f"rounds_ms_{t}"] = rounds
            print(f"{name} threads {t}: " + ", ".join(
                f"{k} {v:.3f}" for k, v in measures.items()), flush=True)
        results["models"][name] = entry
    results["timing_seconds"] = time.monotonic() - started
    results["machine"]["load_average_at_end"] = os.getloadavg()
    with open(os.path.join(args.out, "models.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, args.out, rb)
    print(f"wrote {os.path.join(args.out, 'models.md')}", flush=True)


KCONV = ("kconv_tuned", "kconv_default")


def rounds_text(settings, rb):
    """run_bench's ROUNDS_TEXT for this run's --rounds and --max-rounds."""
    low, high = settings["rounds"], settings["max_rounds"]
    if low == high:
        return f"the best of {low} round(s)"
    return (f"the best of {low} to {high} rounds (more while a best time is not confirmed by a "
            f"second round within {100 * rb.AGREE:.0f}%)")


def write_report(results, out, rb):
    threads = results["settings"]["threads"]
    models = results["models"]
    some = next(iter(models.values()))
    systems = [s for s in KCONV + ("onnxruntime", "pytorch_jit", "pytorch")
               if s in some[f"threads_{threads[0]}"]]
    lines = ["| model | thr | " + " | ".join(f"{s} ms (GFLOP/s, % peak)" for s in systems) +
             " | " + " | ".join(f"{s} / ONNX Runtime speed" for s in systems
                                if s != "onnxruntime") + " | FMA peak GFLOP/s |",
             "|---" * (2 * len(systems) + 2) + "|"]
    for name, entry in models.items():
        for t in threads:
            m, rounds = entry[f"threads_{t}"], entry[f"rounds_ms_{t}"]
            cells = []
            for s in systems:
                macs = entry["keras_macs"] if s.startswith("kconv") else entry["torchvision_macs"]
                gflops = 2 * macs / (m[s] * 1e6)
                cells.append(f"{m[s]:.2f}{rb.spread_text(rounds, s)} "
                             f"({gflops:.0f}, {100 * gflops / m['peak_gflops']:.0f}%)")
            for s in systems:
                if s == "onnxruntime":
                    continue
                low, high = rb.ratio_range(rounds, "onnxruntime", s)
                cells.append(f"{m['onnxruntime'] / m[s]:.2f}x ({low:.2f}–{high:.2f})")
            lines.append(f"| {name} | {t} | " + " | ".join(cells) +
                         f" | {m['peak_gflops']:.0f} |")
    compile_lines = ["| model | Keras layers | GMAC Keras / torchvision | kconvc s | kconvc max RSS "
                     "MB (largest process) | kconvc peak PSS MB (all its processes) | "
                     "ONNX export s (opset) | outputs |",
                     "|---" * 8 + "|"]
    for name, e in models.items():
        c = e["kconv_compile"]
        checks = e["output_checks"]
        bad = [k for k, v in checks.items() if not v["ok"]]
        ort = checks["onnxruntime"]
        kconv_err = max(v["max_error_vs_keras_float64"] or float("inf")
                        for k, v in checks.items() if k.startswith("kconv"))
        compile_lines.append(
            f"| {name} | {e['keras_layers']} | {e['keras_macs'] / 1e9:.2f} / "
            f"{e['torchvision_macs'] / 1e9:.2f} | {c['seconds']:.1f} | {c['max_rss_mb']:.0f} | "
            f"{c['peak_tree_pss_mb']:.0f} | {e['onnx_export_seconds']:.1f} ({e['onnx_opset']}) | "
            f"{'all finite, right shapes' if not bad else 'WRONG: ' + ', '.join(bad)}; kconv vs "
            f"Keras float64 {kconv_err:.2g}" +
            (f"; ONNX Runtime vs PyTorch logits {ort['max_abs_diff_vs_pytorch']:.2g} (largest "
             f"{ort['max_abs']:.2g})" if "max_abs_diff_vs_pytorch" in ort else "") + " |")
    tuned = [""]
    for name, e in models.items():
        for t, tune in sorted(e.get("kconv_tune", {}).items(), key=lambda kv: int(kv[0])):
            tuned.append(
                f"* {name}: kconv tuned for {t} thread(s) (--tune-budget-total "
                f"{results['settings']['tune_budget_total']:g}) in {tune['seconds']:.0f} s"
                f"{' (every schedule from the tuning database)' if tune['all_from_tuning_db'] else ''}")
    compile_lines += tuned if len(tuned) > 1 else []
    machine = results["machine"]
    first = next(iter(models.values()))
    versions = (f"ONNX Runtime {first['ort_version']} (npm onnxruntime-node, CPU execution "
                f"provider, all graph optimizations, intra- and inter-op threads = thr), "
                f"PyTorch {first['torch_version']} (eager, channels_last, inference_mode), "
                f"torchvision {first['torchvision_version']}, kconv {results['kconv_commit']}. "
                f"pytorch is eager PyTorch (channels_last, inference_mode); pytorch_jit the same "
                f"module traced, frozen and passed through torch.jit.optimize_for_inference "
                f"(BN folded, every convolution in oneDNN" +
                (f"; its set-up, {first['pytorch_jit_setup_seconds']:.0f} s for "
                 f"{next(iter(models))}, is not timed" if "pytorch_jit_setup_seconds" in first
                 else "") +
                f"). PyTorch's BLAS: {first['torch_blas']}; Debian's build uses the "
                f"system's libblas.so.3 (the reference BLAS unless an optimized one is "
                f"installed), and eager PyTorch computes 1x1 convolutions at batch 1 on one "
                f"thread with it, not with oneDNN")
    settings = results["settings"]
    load = max(machine["load_average_at_start"][0], machine["load_average_at_end"][0])
    warning = (f"**Warning: the machine was loaded (load average {load:.1f} on "
               f"{machine['cpu_count']} CPUs): these numbers measure the load as much as the "
               f"systems.**\n\n" if load > 0.5 * machine["cpu_count"] else "")
    with open(os.path.join(out, "models.md"), "w") as f:
        f.write(
            warning +
            f"Whole models, batch 1, float32, 224x224x3, on {machine['cpu']} "
            f"({machine['cpu_count']} CPUs; load average {machine['load_average_at_start'][0]:.1f} "
            f"at the start, {machine['load_average_at_end'][0]:.1f} at the end). {versions}.\n\n"
            f"Each time is the median of {settings['repeats']} runs after warm-up, each system "
            f"in a process of its own; each system's time is {rounds_text(settings, rb)}, "
            f"all systems and the FMA peak (bench/fma_peak.c) measured in turn in each round; "
            f"+N%: how much slower the slowest round was. Speed relative to ONNX Runtime: the "
            f"best times' ratio (higher: faster than ONNX Runtime), in brackets the lowest and "
            f"highest per-round ratio. GFLOP/s count 2 per multiply-add of each system's own "
            f"architecture (kconv: Keras's; the others: torchvision's), as a direct "
            f"convolution does them; % peak: of the FMA peak measured in the same rounds. "
            f"kconv computes 3x3 stride-1 layers of 32 channels and more by Winograd's "
            f"F(2x2, 3x3), 16 multiplies where the direct form does 36, so its % peak can "
            f"exceed 100% (ResNet50).\n\n" + "\n".join(lines) + "\n\n" +
            "Compilation and checks (kconvc with the default schedules; the Keras model's "
            "multiply-adds against torchvision's):\n\n" + "\n".join(compile_lines) + "\n\n" +
            "Architectures:\n\n" + "\n".join(f"* {n}: {ARCHITECTURE_NOTES[n]}" for n in models) +
            "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = list(models)
    fig, axes = plt.subplots(1, len(names), figsize=(5.5 * len(names) + 1.5, 4.8), squeeze=False)
    colors = {"kconv_tuned": "tab:blue", "kconv_default": "tab:cyan",
              "onnxruntime": "tab:gray", "pytorch_jit": "tab:orange", "pytorch": "tab:red"}
    shown = [s for s in systems if s != "onnxruntime"]  # ONNX Runtime: the line at 1
    width = 0.8 / len(shown)
    for ax, name in zip(axes[0], names):
        for i, s in enumerate(shown):
            xs = [j + (i - (len(shown) - 1) / 2) * width for j in range(len(threads))]
            speeds = [models[name][f"threads_{t}"]["onnxruntime"] / models[name][f"threads_{t}"][s]
                      for t in threads]
            # From 1 (ONNX Runtime) up for faster, down for slower.
            bars = ax.bar(xs, [v - 1 for v in speeds], width, bottom=1, label=s,
                          color=colors[s])
            ax.bar_label(bars, labels=[f"{v:.2f}" for v in speeds], fontsize=7)
        ax.axhline(1.0, color="black", linewidth=0.8, label="onnxruntime (= 1)")
        ax.set_yscale("log")  # ratios: 2x faster as far from 1 as 2x slower
        ax.set_xticks(range(len(threads)))
        ax.set_xticklabels([f"{t} thread{'s' if t > 1 else ''}" for t in threads])
        ax.set_title(f"{name}, 224x224, batch 1")
        ax.margins(y=0.15)
    axes[0][0].set_ylabel("ONNX Runtime time / system time\n(higher is faster)")
    axes[0][-1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(f"Whole models: speed relative to ONNX Runtime {first['ort_version']}\n"
                 "(kconv runs Keras's architecture, the others torchvision's)", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "models.png"), dpi=100)


if __name__ == "__main__":
    sys.exit(main())
