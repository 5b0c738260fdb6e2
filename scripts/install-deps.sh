#!/usr/bin/env bash
# Installs the Debian (bookworm) packages kconv needs to build and test.
# Idempotent: runs `apt-get update` and `apt-get install` only when something is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ make pkg-config
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libhalide14-0-dev
  libgtest-dev nlohmann-json3-dev libhdf5-dev libzip-dev zlib1g-dev
  libsqlite3-dev
  python3-numpy python3-h5py python3-pytest
  clang-19 libclang-rt-19-dev
  gcc-aarch64-linux-gnu libc6-arm64-cross libc6-dev-arm64-cross libgomp1-arm64-cross
  qemu-user
  # GPU pipelines' kernels run on the CPU through OpenCL in the tests (test/e2e/gpu-*).
  pocl-opencl-icd ocl-icd-libopencl1
)
if [[ "${KCONV_BENCH_DEPS:-0}" == 1 ]]; then
  packages+=(libdnnl-dev libxnnpack-dev libpthreadpool-dev python3-torch python3-torchvision
             python3-matplotlib python3-sklearn)
  # bench/run_models.py installs ONNX Runtime with npm; a Node.js from elsewhere (one that
  # bundles npm) will do.
  if ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
