/* Measures the FMA peak of one core: independent AVX-512 FMA chains (enough to
 * cover latency x throughput), in GFLOP/s. Threads: run one copy per core. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  long iterations = 100000000 / 16;
  double best = 0;
  for (int trial = 0; trial < 5; ++trial) {
    double start = now();
#pragma omp parallel num_threads(threads)
    {
      __m512 acc[16];
      for (int i = 0; i < 16; ++i)
        acc[i] = _mm512_set1_ps((float)i);
      const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
      for (long it = 0; it < iterations; ++it)
        for (int i = 0; i < 16; ++i)
          acc[i] = _mm512_fmadd_ps(acc[i], a, b);
      float sink = 0;
      for (int i = 0; i < 16; ++i)
        sink += _mm512_reduce_add_ps(acc[i]);
      if (sink == 12345.f)
        printf("%f\n", sink);
    }
    double seconds = now() - start;
    double gflops = (double)threads * iterations * 16 * 16 * 2 / seconds / 1e9;
    if (gflops > best)
      best = gflops;
  }
  printf("peak_gflops=%.1f\n", best);
  return 0;
}
