#!/usr/bin/python3
"""Runs a kconv-compiled digits executable on the committed test set and checks its
accuracy equals PyTorch's on the same weights (expected.json) and its probabilities
agree with PyTorch's to 1e-5.

  check_accuracy.py EXECUTABLE WORKDIR"""
import json
import os
import subprocess
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def main():
    exe, workdir = sys.argv[1], sys.argv[2]
    out = os.path.join(workdir, "probabilities_kconv.npy")
    subprocess.run([exe, "--input", os.path.join(here, "x_test.npy"), "--output", out],
                   check=True)
    probabilities = np.load(out)
    labels = np.load(os.path.join(here, "labels_test.npy")).astype(np.int64)
    reference = np.load(os.path.join(here, "probabilities_pytorch.npy"))
    with open(os.path.join(here, "expected.json")) as f:
        expected = json.load(f)
    correct = int((probabilities.argmax(axis=1) == labels).sum())
    accuracy = correct / len(labels)
    max_error = float(np.abs(probabilities - reference).max())
    print(f"kconv test accuracy: {accuracy:.4f} ({correct}/{len(labels)}); "
          f"{expected['framework']}: {expected['accuracy']:.4f} ({expected['correct']}/"
          f"{expected['test_images']}); max probability difference {max_error:.2g}")
    ok = correct == expected["correct"] and max_error <= 1e-5
    print("accuracy matches" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
