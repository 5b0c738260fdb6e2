"""Prints, for each loop over input channels in a Halide statement file, how many
vector multiply-adds into a conv accumulator its body holds: sorted, distinct.
A tile of C columns x V vectors gives C*V; columns skipped on padding give fewer.
A loop whose multiply-adds sit under an `if` (a branch per element of the reduction,
what trimming must not leave behind) adds the word "branches"."""
import re
import sys

counts = set()
branches = False
lines = open(sys.argv[1]).read().splitlines()
for i, line in enumerate(lines):
    if not re.search(r"for \(\S*_conv\.s1\.\S*_r\$x,", line):
        continue
    indent = len(line) - len(line.lstrip())
    macs = 0
    for body in lines[i + 1:]:
        if len(body) - len(body.lstrip()) <= indent:  # the loop's closing brace
            break
        macs += bool(re.search(r"_conv\[ramp\([^=]*\] = \S*_conv\[ramp.*\+", body))
        branches |= body.lstrip().startswith("if (")
    counts.add(macs)
print(" ".join(str(c) for c in sorted(counts)) + (" branches" if branches else ""))
