/* Measures the FMA peak of one core: independent FMA chains of the widest vectors the
 * compiler targets (AVX-512 where -march=native has it, else AVX2 + FMA; enough chains to
 * cover latency x throughput), in GFLOP/s. Threads: run one copy per core. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* CHAINS independent accumulators: enough to cover the FMA latency x throughput, few
 * enough to stay in registers with the two constants (32 zmm, 16 ymm registers). */
#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define CHAINS 16
#define SET1 _mm512_set1_ps
#define FMADD _mm512_fmadd_ps
static float lane_sum(vec v) { return _mm512_reduce_add_ps(v); }
#elif defined(__FMA__)
typedef __m256 vec;
#define LANES 8
#define CHAINS 12
#define SET1 _mm256_set1_ps
#define FMADD _mm256_fmadd_ps
static float lane_sum(vec v) {
  float lanes[8];
  _mm256_storeu_ps(lanes, v);
  float sum = 0;
  for (int i = 0; i < 8; ++i)
    sum += lanes[i];
  return sum;
}
#else
#error "fma_peak.c needs AVX-512 or AVX2 with FMA (-march=native on such a CPU)"
#endif

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
      vec acc[CHAINS];
      for (int i = 0; i < CHAINS; ++i)
        acc[i] = SET1((float)i);
      const vec a = SET1(0.999999f), b = SET1(1e-7f);
      for (long it = 0; it < iterations; ++it)
        for (int i = 0; i < CHAINS; ++i)
          acc[i] = FMADD(acc[i], a, b);
      float sink = 0;
      for (int i = 0; i < CHAINS; ++i)
        sink += lane_sum(acc[i]);
      if (sink == 12345.f)
        printf("%f\n", sink);
    }
    double seconds = now() - start;
    double gflops = (double)threads * iterations * CHAINS * LANES * 2 / seconds / 1e9;
    if (gflops > best)
      best = gflops;
  }
  printf("peak_gflops=%.1f\n", best);
  return 0;
}
