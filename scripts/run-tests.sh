#!/usr/bin/env bash
# Runs the whole kconv test suite with lit (FileCheck tests, GoogleTest unit tests
# and end-to-end numeric tests) and ends with a "N passed, N failed" line.
set -uo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
lit=/usr/lib/llvm-19/build/utils/lit/lit.py
log=$(mktemp)
/usr/bin/python3 "$lit" -sv "$root/$build/test" "$root/$build/test/Unit" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -Eo '^ *Passed *: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
failed=$(grep -Eo '^ *(Failed|Unresolved|Timed Out) *: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | awk '{s += $1} END {print s + 0}')
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
