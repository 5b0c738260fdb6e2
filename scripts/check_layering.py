#!/usr/bin/env python3
"""Checks that no source file includes a header of a layer it may not depend on.

kconv's layers, bottom to top (docs/ARCHITECTURE.md): support, dialect, Keras
readers and importer, passes, conversion to the plan, codegen and tuner, driver
and tools; the C runtime stands apart and includes nothing of the compiler.
Each layer below lists the layers whose headers its files may include (besides
its own). A layer is found by the longest matching path prefix; an include is
resolved against the include roots (or the including file's folder), and a
generated header (.inc, Config.h) by the folder it would be generated from.

Usage: check_layering.py [SOURCE_ROOT]   (exit status 1 and one line per
violation: "file:line: <layer> includes <header> of <layer>").
"""
import os
import re
import sys

# Path prefix -> layer; the longest matching prefix wins.
LAYER_OF_PATH = {
    "support/": "support",
    "dialect/": "dialect",
    "compiler/include/kconv/Keras/": "readers",
    "compiler/lib/Keras/": "readers",
    "compiler/include/kconv/Importer/": "importer",
    "compiler/lib/Importer/": "importer",
    "compiler/include/kconv/Transforms/": "passes",
    "compiler/lib/Transforms/": "passes",
    "compiler/include/kconv/Conversion/": "conversion",
    "compiler/lib/Conversion/": "conversion",
    "compiler/include/kconv/Driver/": "driver",
    "compiler/lib/Driver/": "driver",
    "compiler/tools/": "tools",
    # Anything else under compiler/ is MLIR-side code of no particular layer:
    # only the driver and the tools may include it.
    "compiler/": "compiler",
    # The plan is codegen's plain C++ input: the conversion writes it.
    "codegen/include/kconv/Codegen/PipelinePlan.h": "plan",
    "codegen/include/kconv/Codegen/Schedule.h": "plan",
    "codegen/": "codegen",
    "runtime/": "runtime",
}

# Layer -> the other layers it may include.
ALLOWED = {
    "support": set(),
    "runtime": set(),
    "dialect": {"support"},
    "readers": {"support"},
    "importer": {"support", "dialect", "readers"},
    "passes": {"support", "dialect"},
    "plan": {"support"},
    "conversion": {"support", "dialect", "plan"},
    "codegen": {"support", "plan", "runtime"},
    "compiler": {"support", "dialect", "readers", "importer", "passes"},
    "driver": {"support", "dialect", "readers", "importer", "passes", "plan",
               "conversion", "codegen", "runtime", "compiler"},
    "tools": {"support", "dialect", "readers", "importer", "passes", "plan",
              "conversion", "codegen", "runtime", "compiler", "driver"},
}

INCLUDE_ROOTS = ["support/include", "dialect/include", "compiler/include",
                 "codegen/include", "runtime/include"]
SOURCE_SUFFIXES = (".h", ".hpp", ".c", ".cpp", ".cc", ".td", ".inc", ".h.in")
INCLUDE_RE = re.compile(r'^\s*#?\s*include\s+"([^"]+)"')


def layer_of(path):
    best = None
    for prefix, layer in LAYER_OF_PATH.items():
        if path.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, layer)
    return best[1] if best else None


def resolve(root, including, name):
    """The repository path `name` refers to, or None for a header not of kconv."""
    local = os.path.normpath(os.path.join(os.path.dirname(including), name))
    if os.path.isfile(os.path.join(root, local)):
        return local
    for include_root in INCLUDE_ROOTS:
        candidate = os.path.join(include_root, name)
        if os.path.isfile(os.path.join(root, candidate)):
            return candidate
    # A generated header lives in the build tree under the folder of its source.
    for include_root in INCLUDE_ROOTS:
        candidate = os.path.join(include_root, name)
        if os.path.isdir(os.path.join(root, os.path.dirname(candidate))):
            return candidate
    return None


def source_files(root):
    for top in sorted({prefix.split("/")[0] for prefix in LAYER_OF_PATH}):
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.relpath(os.path.join(folder, name), root)


def violations(root):
    for path in source_files(root):
        layer = layer_of(path)
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                match = INCLUDE_RE.match(line)
                if not match:
                    continue
                target = resolve(root, path, match.group(1))
                if target is None:
                    continue
                target_layer = layer_of(target)
                if target_layer in (None, layer) or target_layer in ALLOWED[layer]:
                    continue
                yield f"{path}:{number}: {layer} includes {target} of {target_layer}"


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    found = list(violations(os.path.abspath(root)))
    for line in found:
        print(line)
    print(f"{len(found)} layering violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
