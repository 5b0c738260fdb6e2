#!/usr/bin/python3
"""End-to-end Conv2D tests: each case is written as Keras files, compiled by kconvc
to an executable, run on random input, and compared with conv_reference.py.

Tolerance: |kconv - reference| <= ATOL + RTOL * |reference| + KTOL * sqrt(K), where
K is the reduction length (input channels per group x kernel taps): float32
accumulation against a float64 reference."""
import argparse
import concurrent.futures
import json
import os
import random
import shlex
import subprocess
import sys
import zlib

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "scripts"))
import conv_reference  # noqa: E402
import keras_writer  # noqa: E402

ATOL, RTOL, KTOL = 1e-5, 1e-4, 2e-6


def case(name, h, w, c, filters, kernel, **kw):
    spec = dict(name=name, h=h, w=w, c=c, filters=filters, kernel=kernel, strides=(1, 1),
                padding="valid", data_format="channels_last", dilation=(1, 1), groups=1,
                activation="linear", use_bias=True, batch=1, keras_version="2.13.1",
                container="json+weights", input_layer=False)
    spec.update(kw)
    return spec


def skeleton_suite():
    return [
        case("first_conv", 3, 3, 1, 1, (2, 2)),
        case("valid_3x3_16_to_32_32x32", 32, 32, 16, 32, (3, 3)),
        case("same_3x3_relu", 12, 10, 8, 16, (3, 3), padding="same", activation="relu"),
        case("same_even_kernel_asymmetric", 7, 6, 3, 5, (2, 4), padding="same"),
        case("strided_same", 15, 16, 4, 8, (3, 3), strides=(2, 2), padding="same"),
        case("strided_nonsquare", 17, 11, 3, 4, (5, 3), strides=(3, 2)),
        case("dilated", 14, 13, 6, 16, (3, 3), dilation=(2, 3), padding="same"),
        case("grouped", 9, 9, 8, 12, (3, 3), groups=4, padding="same"),
        case("depthwise", 10, 12, 16, 16, (3, 3), groups=16, padding="same"),
        case("depthwise_multiplier", 8, 8, 4, 8, (3, 3), groups=4),
        case("channels_first", 9, 7, 3, 6, (3, 2), data_format="channels_first", padding="same"),
        # Computed a band of rows at a time inside the copy transposing it to the
        # channels_first output: 2 bands of 13 rows; 23 rows in bands of 3, the last
        # band shifted up over the one before.
        case("channels_first_bands", 26, 19, 8, 48, (3, 3), data_format="channels_first",
             padding="same", activation="relu", batch=2),
        case("channels_first_bands_shifted", 23, 9, 16, 32, (3, 3),
             data_format="channels_first", padding="same"),
        case("no_bias_batch3", 6, 6, 2, 3, (1, 1), use_bias=False, batch=3),
        case("one_by_one_wide", 8, 8, 64, 64, (1, 1)),
        case("full_model_h5", 5, 5, 2, 4, (3, 3), container="h5", input_layer=True),
        case("keras3_archive", 6, 5, 3, 4, (3, 3), container="keras3", keras_version="3.4.1",
             input_layer=True, padding="same", activation="hard_sigmoid"),
        case("keras3_weights_h5", 6, 5, 3, 4, (2, 2), container="keras3_weights",
             keras_version="3.10.0", activation="hard_sigmoid"),
        case("keras3_legacy_h5", 6, 5, 3, 4, (2, 2), container="keras3_h5",
             keras_version="3.4.1", input_layer=True),
        case("kernel_larger_than_input_same", 2, 3, 2, 3, (5, 5), padding="same"),
        case("softmax_channels", 5, 4, 3, 7, (3, 3), activation="softmax", padding="same"),
        case("softmax_channels_first", 5, 6, 3, 2, (3, 3), activation="softmax",
             data_format="channels_first"),
        # Padded copies of 3- and 1-channel inputs, staged in vectors along the columns
        # (37 and 23 columns: not a multiple of the lanes).
        case("rgb_staged", 13, 37, 3, 16, (3, 3), padding="same", activation="relu"),
        case("gray_staged_strided", 20, 23, 1, 8, (5, 6), strides=(2, 1), padding="same"),
    ]


def matrix_suite(count, seed):
    """Random cases over the whole Conv2D parameter space (fixed seed: reproducible)."""
    rng = random.Random(seed)
    # Keras's own names (hard_sigmoid_keras2 is kconv's name for Keras 2's hard_sigmoid).
    activations = sorted(set(conv_reference.ACTIVATIONS) - {"hard_sigmoid_keras2"}) + [
        "softmax", "log_softmax", "swish", "hard_swish"]
    cases = []
    for i in range(count):
        groups = rng.choice([1, 1, 1, 2, 3, "depthwise"])
        cg = rng.choice([1, 2, 3, 5, 8])
        if groups == "depthwise":
            c = rng.choice([1, 3, 8, 16, 32])
            groups, filters = c, c * rng.choice([1, 1, 2])
        else:
            c = cg * groups
            filters = groups * rng.choice([1, 2, 4, 7, 16])
        kernel = (rng.choice([1, 2, 3, 5]), rng.choice([1, 2, 3, 4]))
        dilated = rng.random() < 0.25
        strides = (1, 1) if dilated else (rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2]))
        dilation = (rng.choice([1, 2, 3]), rng.choice([1, 2])) if dilated else (1, 1)
        padding = rng.choice(["valid", "same"])
        h, w = rng.randint(1, 19), rng.randint(1, 19)
        if padding == "valid":  # the dilated kernel must fit
            h = max(h, (kernel[0] - 1) * dilation[0] + 1)
            w = max(w, (kernel[1] - 1) * dilation[1] + 1)
        cases.append(case(
            f"m{i:03d}", h, w, c, filters, kernel, strides=strides, padding=padding,
            dilation=dilation, groups=groups, activation=rng.choice(activations),
            data_format=rng.choice(["channels_last", "channels_first"]),
            use_bias=rng.random() < 0.7, batch=rng.choice([1, 1, 2, 3]),
            **container_and_version(rng), input_layer=rng.random() < 0.5))
    return cases


def schedules_suite(count, seed):
    """Random cases, each compiled with a random schedule from the tuner's space (forced
    with --schedule) and run on three threads: every schedule computes the reference."""
    cases = matrix_suite(count, seed)
    for spec in cases:
        spec["random_schedule"] = True
        spec["threads"] = 3
    return cases


def random_schedule(rng, filters, out_h, out_w, cin_per_group):
    """A schedule valid for the layer (every split factor within its extent; no
    trim_columns with one input channel per group and unroll_taps only with one, as
    the verifier requires)."""
    choices = []
    for vw in (4, 8, 16):
        for vectors in range(1, 5):
            if vw * vectors <= filters:
                choices.append(("channels", vw, vectors))
            if vw * vectors <= out_w and vectors <= 2:
                choices.append(("width", vw, vectors))
    if not choices:
        choices = [("channels", 1, 1)]
    vectorize, vw, vectors = rng.choice(choices)
    tile_x = rng.randint(1, min(out_w, 8)) if vectorize == "channels" else 1
    tile_y = rng.randint(1, min(out_h, 4, 64 // (vectors * tile_x)))  # the verifier's limit
    flag = lambda: rng.choice(["true", "false"])  # noqa: E731
    outer = flag() if vectorize == "channels" else "false"
    trim = flag() if vectorize == "channels" else "false"
    unroll = flag()
    if cin_per_group == 1:
        trim = "false"
    else:
        unroll = "false"
    return (f'#kconv.schedule<vectorize = "{vectorize}", vector_width = {vw}, '
            f"vectors = {vectors}, tile_x = {tile_x}, tile_y = {tile_y}, parallel = {flag()}, "
            f"stage_input = {flag()}, channels_outer = {outer}, trim_columns = {trim}, "
            f"unroll_taps = {unroll}>")


def gpu_schedules_suite(count, seed):
    """Random cases, each compiled with a random GPU schedule (forced with --schedule;
    for a GPU target): every register tile and block shape computes the reference."""
    cases = matrix_suite(count, seed)
    for spec in cases:
        spec["random_gpu_schedule"] = True
    return cases


def random_gpu_schedule(rng, filters, out_h, out_w):
    """A GPU schedule legal for the layer (kconv::gpuScheduleError): every tile within
    the output and at most 32 accumulators, power-of-two threads."""
    tile_c = rng.randint(1, min(filters, 8))
    tile_x = rng.randint(1, min(out_w, 4))
    tile_y = rng.randint(1, min(out_h, 32 // (tile_c * tile_x), 4))
    threads_c = rng.choice([1, 2, 4, 8, 16, 32])
    threads_x = rng.choice([1, 2, 4, 8])
    return (f"#kconv.gpu_schedule<tile_c = {tile_c}, tile_x = {tile_x}, tile_y = {tile_y}, "
            f"threads_c = {threads_c}, threads_x = {threads_x}>")


def container_and_version(rng):
    """Every file format kconv reads, with a Keras version that writes it."""
    container = rng.choice(["json+weights", "h5", "keras3", "keras3_weights", "keras3_h5"])
    if container.startswith("keras3"):
        return dict(container=container, keras_version=rng.choice(["3.4.1", "3.10.0"]))
    return dict(container=container, keras_version=rng.choice(["2.4.0", "2.13.1"]))


def reference_activation(spec):
    name = {"swish": "silu", "hard_swish": "hard_silu"}.get(spec["activation"],
                                                            spec["activation"])
    if name == "hard_sigmoid" and spec["keras_version"].startswith("2."):
        return "hard_sigmoid_keras2"
    return name


def run_case(spec, kconvc, workdir, extra_args=(), runner=()):
    try:
        return check_case(spec, kconvc, workdir, list(extra_args), list(runner))
    except Exception as e:  # a harness problem fails this case, not the whole run
        return f"{spec['name']}: {type(e).__name__}: {e}"


def check_case(spec, kconvc, workdir, extra_args, runner):
    d = os.path.join(workdir, spec["name"])
    os.makedirs(d, exist_ok=True)
    seed = zlib.crc32(json.dumps(spec, sort_keys=True).encode())
    rng = np.random.default_rng(seed)
    kh, kw = spec["kernel"]
    cg = spec["c"] // spec["groups"]
    kernel = (rng.uniform(-1, 1, (kh, kw, cg, spec["filters"])) / np.sqrt(kh * kw * cg))
    kernel = kernel.astype(np.float32)
    bias = rng.uniform(-0.5, 0.5, spec["filters"]).astype(np.float32) if spec["use_bias"] else None
    first = spec["data_format"] == "channels_first"
    in_shape = (spec["c"], spec["h"], spec["w"]) if first else (spec["h"], spec["w"], spec["c"])
    x = rng.uniform(-1, 1, (spec["batch"],) + in_shape).astype(np.float32)
    np.save(os.path.join(d, "x.npy"), x)

    # Keras files, written the way Keras writes them.
    ks = list(spec["kernel"]) if (kh != kw or spec["name"].endswith("0")) else kh
    keras3 = spec["container"].startswith("keras3")
    make_config = keras_writer.keras3_conv2d_config if keras3 else keras_writer.conv2d_config
    config = make_config(
        "conv2d_" + spec["name"], filters=spec["filters"], kernel_size=[kh, kw],
        strides=spec["strides"], padding=spec["padding"], data_format=spec["data_format"],
        dilation_rate=spec["dilation"], groups=spec["groups"], activation=spec["activation"],
        use_bias=spec["use_bias"])
    config["kernel_size"] = ks  # Keras accepts an int for square kernels
    model_name = "model_" + spec["name"]
    if keras3:
        model_json = keras_writer.keras3_sequential_json(
            [("Conv2D", config)], in_shape, name=model_name, with_input_layer=spec["input_layer"])
    else:
        model_json = keras_writer.sequential_json(
            [("Conv2D", config)], in_shape, name=model_name,
            keras_version=spec["keras_version"], with_input_layer=spec["input_layer"])
    tensors = [("kernel", kernel)] + ([("bias", bias)] if spec["use_bias"] else [])
    weights = [(config["name"], tensors)]
    layers = [("Conv2D", tensors)]

    def json_and_weights(weights_name, save):
        """The configuration as JSON beside a separate weights file."""
        path = os.path.join(d, "model.json")
        with open(path, "w") as f:
            f.write(model_json)
        save(os.path.join(d, weights_name))
        return path, [path, "--weights", os.path.join(d, weights_name)]

    if spec["container"] == "keras3":
        model_path = os.path.join(d, "model.keras")
        keras_writer.save_keras_archive(model_path, model_json, layers, weights,
                                        spec["keras_version"])
        args = [model_path]
    elif spec["container"] == "keras3_weights":
        model_path, args = json_and_weights(
            "model.weights.h5", lambda p: keras_writer.save_weights_keras3(p, layers, weights))
    elif spec["container"] == "keras3_h5":
        model_path = os.path.join(d, "model.h5")
        keras_writer.save_model_h5_keras3(model_path, model_json, weights, model_name,
                                          spec["keras_version"])
        args = [model_path]
    elif spec["container"] == "h5":
        model_path = os.path.join(d, "model.h5")
        keras_writer.save_model_h5(model_path, model_json, weights, spec["keras_version"])
        args = [model_path]
    else:
        model_path, args = json_and_weights(
            "weights.h5", lambda p: keras_writer.save_weights_h5(p, weights))

    ref = conv_reference.conv2d(x, kernel, bias, spec["strides"], spec["padding"],
                                spec["data_format"], spec["dilation"], spec["groups"],
                                reference_activation(spec))
    if spec.get("random_schedule") or spec.get("random_gpu_schedule"):
        out_h, out_w = ref.shape[2:4] if first else ref.shape[1:3]
        schedule = random_gpu_schedule(random.Random(seed), spec["filters"], out_h, out_w) \
            if spec.get("random_gpu_schedule") else \
            random_schedule(random.Random(seed), spec["filters"], out_h, out_w, kernel.shape[2])
        spec = dict(spec, schedule=schedule)  # shown with a failure
        path = os.path.join(d, "schedule.txt")
        with open(path, "w") as f:
            f.write(f"{config['name']} = {schedule}\n")
        args = args + ["--schedule", path]
    exe = os.path.join(d, "model")
    compiled = subprocess.run([kconvc] + args + extra_args + ["--emit=exe", "-o", exe],
                              capture_output=True, text=True)
    if compiled.returncode != 0:
        return f"{spec['name']}: kconvc failed: {compiled.stderr.strip()}"
    env = dict(os.environ, OMP_NUM_THREADS=str(spec.get("threads", 1)))
    ran = subprocess.run(runner + [exe, "--input", os.path.join(d, "x.npy"), "--output",
                          os.path.join(d, "y.npy")], capture_output=True, text=True, env=env)
    if ran.returncode != 0:
        return f"{spec['name']}: executable failed: {ran.stderr.strip()}"
    y = np.load(os.path.join(d, "y.npy"))
    if y.shape != ref.shape:
        return f"{spec['name']}: shape {y.shape}, reference {ref.shape}"
    k = cg * kh * kw
    bound = ATOL + RTOL * np.abs(ref) + KTOL * np.sqrt(k)
    err = np.abs(y.astype(np.float64) - ref)
    if not np.all(err <= bound) or not np.all(np.isfinite(y) == np.isfinite(ref)):
        worst = np.unravel_index(np.argmax(err - bound), err.shape)
        return (f"{spec['name']}: max error {err.max():.3g} at {worst} "
                f"(kconv {y[worst]}, reference {ref[worst]}), spec {spec}")
    return None


def report(label, cases, check, jobs):
    """Runs `check(case)` (None, or a failure's text) over `cases` on `jobs` threads, prints
    the failures and a summary line; 0 when every case matched, else 1."""
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        failures = [r for r in pool.map(check, cases) if r]
    for failure in failures:
        print("FAIL", failure)
    print(f"e2e {label}: {len(cases) - len(failures)} of {len(cases)} cases match the reference")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--suite", choices=["skeleton", "matrix", "schedules", "gpu-schedules"],
                        required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--kconvc-arg", action="append", default=[],
                        help="an extra kconvc argument (repeatable), e.g. --target=arm-64-linux")
    parser.add_argument("--runner", default="",
                        help="command prefix running the executables, e.g. "
                             "'qemu-aarch64 -L /usr/aarch64-linux-gnu'")
    args = parser.parse_args()
    runner = shlex.split(args.runner)
    suites = {"skeleton": skeleton_suite, "matrix": lambda: matrix_suite(args.count, args.seed),
              "schedules": lambda: schedules_suite(args.count, args.seed),
              "gpu-schedules": lambda: gpu_schedules_suite(args.count, args.seed)}
    return report(args.suite, suites[args.suite](),
                  lambda s: run_case(s, args.kconvc, args.workdir, args.kconvc_arg, runner),
                  args.jobs)


if __name__ == "__main__":
    sys.exit(main())
