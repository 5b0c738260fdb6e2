#!/usr/bin/env bash
# The GPU check of issue 23, in two steps (bench/run_gpu.py does the work):
#
#   scripts/gpu-check.sh prepare [BUILD] [TARGET]   here, with the built tree: compiles
#       the e2e models, the benchmark layers and MobileNetV2 for TARGET (default
#       host-cuda) into BUILD/gpu-check (about 40 MiB: it travels to the GPU machine);
#   scripts/gpu-check.sh run [BUILD] [OUT]          on the GPU machine (no compiler
#       needed): checks every output against its reference, times kconv and PyTorch,
#       writes OUT/gpu.{json,md,png} (default bench/results) and prints the summary.
#
# With the device tool: prepare here, then run with `carry: ["build/gpu-check"]` and
# the command `scripts/gpu-check.sh run build build/gpu-out && cp build/gpu-out/* $OUT`
# (under 5 minutes on an H200), and copy gpu.* into bench/results with the date.
# Without a GPU, `prepare build host-opencl` and `run` check the steps through POCL
# (PyTorch is skipped when it sees no CUDA device).
set -euo pipefail
cd "$(dirname "$0")/.."
step=${1:-}
build=${2:-build}
python=/usr/bin/python3
[[ -x $python ]] || python=python3
case "$step" in
  prepare)
    target=${3:-host-cuda}
    "$python" bench/run_gpu.py prepare --kconvc "$build/bin/kconvc" --dir "$build/gpu-check" \
      --target "$target"
    ;;
  run)
    out=${3:-bench/results}
    # On the GPU machine the python3 on PATH is the one with PyTorch.
    python=python3
    if command -v nvidia-smi >/dev/null; then nvidia-smi -L; fi
    PYTHONUNBUFFERED=1 "$python" bench/run_gpu.py run --dir "$build/gpu-check" --out "$out" \
      --iterations "${ITERATIONS:-100}"
    ;;
  *)
    echo "usage: $0 prepare [BUILD] [TARGET] | run [BUILD] [OUT]" >&2
    exit 2
    ;;
esac
