#!/usr/bin/env bash
# Runs the whole kconv test suite and ends with a "N passed, N failed" line:
#   1. lit on BUILD: FileCheck tests, GoogleTest unit tests, end-to-end numeric tests;
#   2. the same under AddressSanitizer + UBSan (BUILD-asan, -DKCONV_SANITIZE=ON),
#      without the 200-case matrix, the forced random schedules (the longest tests:
#      their compiler paths are the skeleton's), the larger zoo models (model-zoo-more:
#      the layers and graph shapes model-zoo and the layer tests already run there) and
#      the aarch64 e2e tests, whose code runs under qemu without sanitizers (CI time);
#   3. bounded libFuzzer runs of every reader (scripts/fuzz.sh, FUZZ_SECONDS each).
# KCONV_QUICK=1 runs step 1 only.
set -uo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
lit=/usr/lib/llvm-19/build/utils/lit/lit.py
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0

run_lit() { # DIR [lit args...]
  local dir=$1
  shift
  /usr/bin/python3 "$lit" -sv "$@" "$root/$dir/test" "$root/$dir/test/Unit" 2>&1 | tee -a "$log"
  return "${PIPESTATUS[0]}"
}

echo "== lit: $build"
run_lit "$build" || status=1

if [[ ${KCONV_QUICK:-0} != 1 ]]; then
  asan="$build-asan"
  echo "== sanitizers: $asan (AddressSanitizer + UndefinedBehaviorSanitizer)"
  if [[ ! -f $root/$asan/build.ninja ]]; then
    cmake -G Ninja -S "$root" -B "$root/$asan" -DCMAKE_BUILD_TYPE=Release -DKCONV_SANITIZE=ON \
      > "$root/$asan.cmake.log" 2>&1 || { cat "$root/$asan.cmake.log"; status=1; }
  fi
  if cmake --build "$root/$asan" > "$root/$asan.build.log" 2>&1; then
    run_lit "$asan" --filter-out 'conv-matrix|conv-schedules|model-zoo-more|e2e/aarch64-' || status=1
  else
    tail -30 "$root/$asan.build.log"; status=1
  fi
  echo "== fuzzing (${FUZZ_SECONDS:-30} s per reader)"
  fuzzlog=$("$root/scripts/fuzz.sh" "${FUZZ_SECONDS:-30}" "$root/$build-fuzz" "$root/$build/bin/kconvc")
  fuzzstatus=$?
  echo "$fuzzlog"
  ((fuzzstatus == 0)) || status=1
  fuzz_ok=$(grep -c '^fuzz .*: ok' <<<"$fuzzlog")
  fuzz_bad=$(grep -c '^fuzz .*: CRASH' <<<"$fuzzlog")
  echo "  Passed: $fuzz_ok" >> "$log"
  echo "  Failed: $fuzz_bad" >> "$log"
fi

passed=$(grep -Eo '^ *Passed *: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | awk '{s += $1} END {print s + 0}')
failed=$(grep -Eo '^ *(Failed|Unresolved|Timed Out) *: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | awk '{s += $1} END {print s + 0}')
echo "${passed} passed, ${failed} failed"
exit "$status"
