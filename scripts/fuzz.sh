#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-19) and runs each for a bounded time on a copy
# of its committed seed corpus.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [BUILD_DIR] [KCONVC]
# keras_json, keras_archive and npy must find no crash. hdf5_weights also reaches
# libhdf5's own crashes on corrupted files, which kconv cannot fix; it runs in
# libFuzzer's fork mode, and every crash it finds is replayed through KCONVC (which
# reads HDF5 in a child process) and must come back as an error message, not a crash.
# Reproducers are kept under BUILD_DIR/artifacts/.
set -uo pipefail
seconds=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build-fuzz}
kconvc=${3:-$root/build/bin/kconvc}
mkdir -p "$build"
cmake -G Ninja -S "$root/test/fuzz" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 > "$build/cmake.log" 2>&1 \
  || { cat "$build/cmake.log"; exit 1; }
cmake --build "$build" > "$build/build.log" 2>&1 || { cat "$build/build.log"; exit 1; }

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export LSAN_OPTIONS="suppressions=$root/test/fuzz/lsan.supp"
status=0
rm -rf "$build/artifacts" && mkdir -p "$build/artifacts"
for target in keras_json keras_archive npy hdf5_weights; do
  work="$build/corpus-$target"
  rm -rf "$work" && mkdir -p "$work" && cp "$root/test/fuzz/corpus/$target/"* "$work/"
  log="$build/$target.log"
  extra=()
  [[ $target == hdf5_weights ]] && extra=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
  # A fixed seed: CI replays the same mutation sequence (FUZZ_SEED to explore anew).
  "$build/fuzz_$target" -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
    "${extra[@]}" "$work" > "$log" 2>&1
  code=$?
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  [[ -z $runs ]] && runs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  found=$(ls "$build/artifacts" | grep -c "^$target-" || true)
  result=ok
  if [[ $target != hdf5_weights && $code -ne 0 ]]; then
    result=CRASH; status=1
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5
  elif [[ $target == hdf5_weights ]]; then
    contained=0
    for artifact in "$build/artifacts/$target-"*; do
      [[ -e $artifact ]] || continue
      "$kconvc" "$root/test/Hostile/Inputs/valid.json" --weights "$artifact" --emit=mlir \
        -o /dev/null > /dev/null 2>&1
      rc=$?
      if ((rc >= 128)); then
        echo "kconvc crashed (exit $rc) on $artifact"; result=CRASH; status=1
      else
        contained=$((contained + 1))
      fi
    done
    [[ $result == ok ]] && result="ok ($found libhdf5 failures found, $contained contained by kconvc's isolated reader)"
  fi
  echo "fuzz $target: $result, ${runs:-?} executions in ${seconds}s, corpus $(ls "$work" | wc -l) inputs"
done
exit $status
