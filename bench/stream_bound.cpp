// The memory bound of one convolution layer on this machine: the time to read its
// input once and write its output once, and nothing else (same command line as the
// other baselines). A layer that does little arithmetic per byte (depthwise) cannot
// run faster than this, whoever schedules it.
#include "conv_args.h"
#include "timing.h"

#include <omp.h>

#include <vector>

int main(int argc, char **argv) {
  ConvArgs a;
  if (!parseConvArgs(argc, argv, a))
    return 2;
  std::vector<float> input(size_t(a.n * a.h * a.w * a.c), 1.0f);
  std::vector<float> output(size_t(a.n * a.ho * a.wo * a.f));
  const long inCount = long(input.size()), outCount = long(output.size());
  float *out = output.data();
  const float *in = input.data();
  // Each thread reads its share of the input and writes its share of the output (a
  // static split, as a convolution's row split would give): one pass over each.
  auto pass = [&] {
#pragma omp parallel num_threads(a.threads)
    {
      int t = omp_get_thread_num(), threads = omp_get_num_threads();
      long inBegin = inCount * t / threads, inEnd = inCount * (t + 1) / threads;
      long outBegin = outCount * t / threads, outEnd = outCount * (t + 1) / threads;
      float sums[16] = {0};
      for (long i = inBegin; i + 16 <= inEnd; i += 16)
#pragma omp simd
        for (int l = 0; l < 16; ++l)
          sums[l] += in[i + l];
      for (long i = outBegin; i + 16 <= outEnd; i += 16)
#pragma omp simd
        for (int l = 0; l < 16; ++l)
          out[i + l] = sums[l];
    }
  };
  printMedianMs(pass, a.iterations);
  return 0;
}
