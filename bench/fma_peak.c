/* Measures the FMA peak of one core: independent AVX-512 FMA chains (enough to
 * cover latency x throughput), in GFLOP/s. Threads: run one copy per core. Built with
 * -march=native: AVX2 + FMA vectors on a machine without AVX-512. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMADD _mm512_fmadd_ps
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMADD _mm256_fmadd_ps
#endif

static float lane_sum(vec v) {
  float lanes[LANES], sum = 0;
  __builtin_memcpy(lanes, &v, sizeof lanes);
  for (int i = 0; i < LANES; ++i)
    sum += lanes[i];
  return sum;
}

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
      vec acc[16];
      for (int i = 0; i < 16; ++i)
        acc[i] = SET1((float)i);
      const vec a = SET1(0.999999f), b = SET1(1e-7f);
      for (long it = 0; it < iterations; ++it)
        for (int i = 0; i < 16; ++i)
          acc[i] = FMADD(acc[i], a, b);
      float sink = 0;
      for (int i = 0; i < 16; ++i)
        sink += lane_sum(acc[i]);
      if (sink == 12345.f)
        printf("%f\n", sink);
    }
    double seconds = now() - start;
    double gflops = (double)threads * iterations * 16 * LANES * 2 / seconds / 1e9;
    if (gflops > best)
      best = gflops;
  }
  printf("peak_gflops=%.1f\n", best);
  return 0;
}
