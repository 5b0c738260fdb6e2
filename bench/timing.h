// Shared by the C++ baselines: runs `run` 5 times to warm up, then `iterations`
// times, and prints min_ms and, last, median_ms (the kconv --bench contract).
#ifndef KCONV_BENCH_TIMING_H
#define KCONV_BENCH_TIMING_H

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

template <typename Run> void printMedianMs(Run run, int iterations) {
  for (int i = 0; i < 5; ++i)
    run();
  std::vector<double> times;
  for (int i = 0; i < iterations; ++i) {
    auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  std::printf("min_ms=%.6f\nmedian_ms=%.6f\n", times.front(), times[times.size() / 2]);
}

#endif
