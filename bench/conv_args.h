// Shared by the C++ single-convolution baselines: the command line
//   N H W C F K S D GROUPS PAD(same|valid) ITERATIONS THREADS
// and TensorFlow's output size and 'same' padding for it.
#ifndef KCONV_BENCH_CONV_ARGS_H
#define KCONV_BENCH_CONV_ARGS_H

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

struct ConvArgs {
  long n, h, w, c, f, k, s, d, g;
  int iterations, threads;
  long ho, wo, ph, pw; // output size, total padding (the odd unit after)
};

/// Parses argv; prints the usage and returns false when the count is wrong.
inline bool parseConvArgs(int argc, char **argv, ConvArgs &a) {
  if (argc != 13) {
    std::fprintf(stderr, "usage: %s N H W C F K S D GROUPS PAD ITERATIONS THREADS\n", argv[0]);
    return false;
  }
  a.n = atol(argv[1]), a.h = atol(argv[2]), a.w = atol(argv[3]), a.c = atol(argv[4]);
  a.f = atol(argv[5]), a.k = atol(argv[6]), a.s = atol(argv[7]), a.d = atol(argv[8]);
  a.g = atol(argv[9]);
  bool same = std::string(argv[10]) == "same";
  a.iterations = atoi(argv[11]);
  a.threads = atoi(argv[12]);
  long ek = (a.k - 1) * a.d + 1;
  a.ho = same ? (a.h + a.s - 1) / a.s : (a.h - ek) / a.s + 1;
  a.wo = same ? (a.w + a.s - 1) / a.s : (a.w - ek) / a.s + 1;
  a.ph = same ? std::max(0L, (a.ho - 1) * a.s + ek - a.h) : 0;
  a.pw = same ? std::max(0L, (a.wo - 1) * a.s + ek - a.w) : 0;
  return true;
}

#endif
