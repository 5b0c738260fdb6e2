# -*- Python -*-
import os

import lit.formats
import lit.util
from lit.llvm import llvm_config

config.name = "kconv"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kconv_obj_root, "test")
config.excludes = ["Inputs", "lib", "Unit", "fuzz", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%scripts", os.path.join(config.kconv_src_root, "scripts")))
config.substitutions.append(("%examples", os.path.join(config.kconv_src_root, "examples")))
config.substitutions.append(("%kconv_build", config.kconv_obj_root))
config.substitutions.append(("%kconv_src", config.kconv_src_root))
config.substitutions.append(("%runtime_include", os.path.join(config.kconv_src_root, "runtime", "include")))
config.substitutions.append(("%halide_include", config.halide_include))
config.substitutions.append(("%runtime_lib", os.path.join(config.kconv_obj_root, "lib", "libkconv_runtime.a")))
# Flags for C code linked against the runtime (sanitizer builds need theirs).
config.substitutions.append(("%cflags", config.sanitize_flags))
if config.sanitize_flags:
    config.available_features.add("sanitizers")
    # Leaks at exit in MLIR/LLVM statics are not ours; everything else is fatal.
    config.environment["ASAN_OPTIONS"] = "detect_leaks=0:detect_odr_violation=0"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
# Code for 64-bit ARM Linux (--target=arm-64-linux) runs here under qemu-user, with the
# cross libc's loader and libraries (Debian: qemu-user, gcc-aarch64-linux-gnu,
# libc6-arm64-cross); tests that need it say REQUIRES: aarch64.
aarch64_sysroot = "/usr/aarch64-linux-gnu"
qemu_aarch64 = lit.util.which("qemu-aarch64")
if (config.aarch64_runtime and os.path.exists(config.aarch64_runtime) and qemu_aarch64
        and lit.util.which("aarch64-linux-gnu-gcc")
        and os.path.exists(os.path.join(aarch64_sysroot, "lib", "ld-linux-aarch64.so.1"))):
    config.available_features.add("aarch64")
    config.substitutions.append(("%qemu_aarch64", f"{qemu_aarch64} -L {aarch64_sysroot}"))
config.substitutions.append(("%testlib", os.path.join(config.kconv_src_root, "test", "lib")))
# GPU code (issue 23) without a GPU: OpenCL kernels run on the CPU through POCL (Debian:
# pocl-opencl-icd), CUDA's PTX is assembled by CUDA's ptxas. A machine with the CUDA
# driver (cuda-driver) runs CUDA executables instead of failing for want of one.
if os.path.isdir("/etc/OpenCL/vendors") and any(
        f.endswith(".icd") for f in os.listdir("/etc/OpenCL/vendors")) and any(
        os.path.exists(os.path.join(d, "libOpenCL.so.1"))
        for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib")):
    config.available_features.add("opencl")
ptxas = lit.util.which("ptxas") or lit.util.which("ptxas", "/usr/local/cuda/bin")
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
if any(os.path.exists(os.path.join(d, "libcuda.so.1"))
       for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib")):
    config.available_features.add("cuda-driver")

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()
tool_dirs = [config.kconv_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["kconv-opt", "kconvc", "not", "count", "split-file"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
# Generated executables would use every core; lit already runs tests in parallel, so
# one thread each unless a test passes --threads.
config.environment["OMP_NUM_THREADS"] = "1"
