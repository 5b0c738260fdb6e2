#!/usr/bin/python3
"""Runs a kconv-compiled example executable on the example's committed inputs and
compares each output with the example's float64 reference (its reference.py), to
1e-4 relative to the reference's magnitude.

  check_example.py EXECUTABLE EXAMPLE_DIR WORKDIR"""
import importlib.util
import os
import subprocess
import sys

import numpy as np

TOLERANCE = 1e-4


def run_and_compare(exe, inputs, expected, workdir):
    """Runs `exe` on the .npy files `inputs` and prints, per output, its largest
    difference from the float64 array in `expected`; the number of mismatches."""
    command = [exe]
    for path in inputs:
        command += ["--input", path]
    outputs = [os.path.join(workdir, f"{os.path.basename(exe)}_y{i}.npy")
               for i in range(len(expected))]
    for path in outputs:
        command += ["--output", path]
    subprocess.run(command, check=True)
    failures = 0
    for i, (path, ref) in enumerate(zip(outputs, expected)):
        y = np.load(path)
        err = float(np.abs(y - ref).max()) if y.shape == ref.shape else float("inf")
        tolerance = TOLERANCE * max(1.0, float(np.abs(ref).max()))
        ok = err <= tolerance
        failures += not ok
        print(f"{os.path.basename(exe)} output {i}: shape {y.shape}, reference {ref.shape}, "
              f"max error {err:.2g} (tolerance {tolerance:.1g}): {'ok' if ok else 'FAIL'}")
    return failures


def main():
    exe, example, workdir = sys.argv[1:4]
    spec = importlib.util.spec_from_file_location("reference", os.path.join(example, "reference.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    paths = [os.path.join(example, name) for name in module.INPUTS]
    expected = module.reference(*[np.load(p).astype(np.float64) for p in paths])
    return 1 if run_and_compare(exe, paths, expected, workdir) else 0


if __name__ == "__main__":
    sys.exit(main())
