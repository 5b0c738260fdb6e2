/* The recurrence of SimpleRNN, GRU and LSTM layers, a Halide extern stage of the
 * generated pipelines (kconv_recurrent in kconv_runtime.h). The pipeline computes the
 * input projection x W + bias of every step as one vectorized matrix product; here
 * each step adds h R for all batch rows at once and applies the cell's gates. The
 * formulas and gate orders are Keras's (keras/src/layers/rnn/{simple_rnn,gru,lstm}.py);
 * the activations are those of codegen's Layers/Activation.cpp, in float32.
 *
 * The units are cut into blocks of BLOCK (one AVX-512 vector). The recurrent kernel is
 * packed once per call so that a block's columns of every gate lie together, row after
 * row of R; a tile of up to TILE_ROWS batch rows times one block's gates is one register
 * tile of multiply-adds, followed by the block's gates (activations on whole vectors),
 * so a step reads R once per tile of rows rather than once per row, from cache: the
 * blocks are the outer loop. Batches of many rows run as groups of rows on
 * kconv_parallel_for; a few rows as a team of threads sharing the blocks of each step
 * (twice per step for a GRU without reset_after, whose candidate reads r * h of every
 * unit), each step starting when the previous one is done. docs/runtime.md has the
 * measurements. */
#include "internal.h"

#include <HalideRuntime.h>
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = 16, TILE_ROWS = 4, MAX_GATES = 4 };

/* Generic vectors (GCC and Clang): one zmm register under AVX-512, two ymm under AVX2,
 * four xmm or NEON registers otherwise. */
typedef float vf __attribute__((vector_size(BLOCK * sizeof(float))));
typedef int32_t vi __attribute__((vector_size(BLOCK * sizeof(int32_t))));
/* Functions on them are always inlined into the vector code that calls them (each of
 * its target versions below), so no vector crosses a call: the ABI note GCC gives for
 * vectors wider than the baseline's does not apply. */
#define VECTOR_INLINE static inline __attribute__((always_inline))
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

static float relu6f(float x) { return x < 0.f ? 0.f : x > 6.f ? 6.f : x; }
static float softplusf(float x) { return fmaxf(x, 0.f) + logf(1.f + expf(-fabsf(x))); }
static float sigmoidf(float x) { return 1.f / (1.f + expf(-x)); }

static float activate(int kind, float x) {
  switch (kind) {
  case KCONV_ACT_RELU:
    return x > 0.f ? x : 0.f;
  case KCONV_ACT_RELU6:
    return relu6f(x);
  case KCONV_ACT_LEAKY_RELU:
    return x >= 0.f ? x : 0.2f * x;
  case KCONV_ACT_ELU:
    return x > 0.f ? x : expf(x) - 1.f;
  case KCONV_ACT_SELU:
    return 1.0507009873554805f * (x > 0.f ? x : 1.6732632423543772f * (expf(x) - 1.f));
  case KCONV_ACT_CELU:
    return fmaxf(x, 0.f) + fminf(0.f, expf(x) - 1.f);
  case KCONV_ACT_SIGMOID:
    return sigmoidf(x);
  case KCONV_ACT_HARD_SIGMOID:
    return relu6f(x + 3.f) / 6.f;
  case KCONV_ACT_HARD_SIGMOID_KERAS2:
    return fminf(fmaxf(0.2f * x + 0.5f, 0.f), 1.f);
  case KCONV_ACT_LOG_SIGMOID:
    return -softplusf(-x);
  case KCONV_ACT_TANH:
    return tanhf(x);
  case KCONV_ACT_HARD_TANH:
    return fminf(fmaxf(x, -1.f), 1.f);
  case KCONV_ACT_TANH_SHRINK:
    return x - tanhf(x);
  case KCONV_ACT_SOFTPLUS:
    return softplusf(x);
  case KCONV_ACT_SOFTSIGN:
    return x / (1.f + fabsf(x));
  case KCONV_ACT_SILU:
    return x * sigmoidf(x);
  case KCONV_ACT_HARD_SILU:
    return x * relu6f(x + 3.f) / 6.f;
  case KCONV_ACT_GELU:
    return 0.5f * x * (1.f + erff(x * 0.70710678118654752f));
  case KCONV_ACT_MISH:
    return x * tanhf(softplusf(x));
  case KCONV_ACT_EXPONENTIAL:
    return expf(x);
  case KCONV_ACT_SPARSE_PLUS:
    return x <= -1.f ? 0.f : x >= 1.f ? x : (x + 1.f) * (x + 1.f) * 0.25f;
  case KCONV_ACT_SQUAREPLUS:
    return (x + sqrtf(x * x + 4.f)) * 0.5f;
  case KCONV_ACT_SOFT_SHRINK:
    return x > 0.5f ? x - 0.5f : x < -0.5f ? x + 0.5f : 0.f;
  case KCONV_ACT_HARD_SHRINK:
    return fabsf(x) > 0.5f ? x : 0.f;
  case KCONV_ACT_SPARSE_SIGMOID:
    return x <= -1.f ? 0.f : x >= 1.f ? 1.f : 0.5f * (x + 1.f);
  default:
    return x; /* linear */
  }
}

/* Every lane x: one broadcast (GCC 12 builds an initializer list {x, x, ...} of a value
 * in memory lane by lane, 16 masked loads). */
VECTOR_INLINE vf splat(float x) {
  vf v;
  for (int i = 0; i < BLOCK; ++i)
    v[i] = x;
  return v;
}
VECTOR_INLINE vf loadv(const float *p) {
  vf v;
  memcpy(&v, p, sizeof v);
  return v;
}
VECTOR_INLINE void storev(float *p, vf v) { memcpy(p, &v, sizeof v); }
/* Lanes of `a` where `m` is set, else of `b`. */
VECTOR_INLINE vf pick(vi m, vf a, vf b) { return (vf)((m & (vi)a) | (~m & (vi)b)); }

/* a < b lane by lane, as two comparisons of half vectors: GCC 12 compares a vector
 * wider than the target's registers (16 floats under AVX2) lane by lane with scalar
 * compares and branches, ten times slower than the rest of a step; halves of 8 floats
 * are one AVX2 instruction each. */
typedef float vh __attribute__((vector_size(BLOCK / 2 * sizeof(float))));
typedef int32_t vhi __attribute__((vector_size(BLOCK / 2 * sizeof(int32_t))));
_Static_assert(BLOCK == 16, "less() below names the lanes of 16-float vectors");
#define KCONV_LOW 0, 1, 2, 3, 4, 5, 6, 7
#define KCONV_HIGH 8, 9, 10, 11, 12, 13, 14, 15
VECTOR_INLINE vi less(vf a, vf b) {
  vh a0 = __builtin_shufflevector(a, a, KCONV_LOW), a1 = __builtin_shufflevector(a, a, KCONV_HIGH);
  vh b0 = __builtin_shufflevector(b, b, KCONV_LOW), b1 = __builtin_shufflevector(b, b, KCONV_HIGH);
  vhi m0 = a0 < b0, m1 = a1 < b1;
  return __builtin_shufflevector(m0, m1, KCONV_LOW, KCONV_HIGH);
}
#undef KCONV_LOW
#undef KCONV_HIGH
/* |x|: the sign bit cleared. */
VECTOR_INLINE vf vabs(vf x) { return (vf)((vi)x & INT32_MAX); }

/* e^x as Cephes's expf: x = n ln 2 + r with |r| <= ln 2 / 2 (ln 2 in two parts), e^r
 * by its degree-6 polynomial, 2^n from exponent bits in two factors so that n from
 * -150 to 128 stays representable (about 1 ulp; x clamped to [-104, 88.72]). n is
 * rounded by adding 1.5 * 2^23, which also leaves it in the low bits of the sum. */
VECTOR_INLINE vf vexp(vf x) {
  const vf magic = splat(12582912.f);
  x = pick(less(splat(88.72283935f), x), splat(88.72283935f), x);
  x = pick(less(x, splat(-104.f)), splat(-104.f), x);
  vf t = x * 1.44269504088896341f + magic;
  vf n = t - magic;
  vf r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  vf p = 1.9875691500e-4f * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  vf y = p * (r * r) + r + 1.f;
  vi k = (vi)t - (vi)magic, half = k >> 1;
  y *= (vf)((half + 127) << 23);
  return y * (vf)((k - half + 127) << 23);
}

/* tanh x: Cephes's tanhf polynomial below |x| = 0.625, else 1 - 2 / (e^2|x| + 1) with
 * x's sign (no cancellation there: |tanh x| > 0.55); a few ulp. */
VECTOR_INLINE vf vtanh(vf x) {
  vf a = vabs(x), z = x * x;
  vf small = -5.70498872745e-3f * z + 2.06390887954e-2f;
  small = small * z - 5.37397155531e-2f;
  small = small * z + 1.33314422036e-1f;
  small = small * z - 3.33332819422e-1f;
  small = small * z * x + x;
  vf big = 1.f - 2.f / (vexp(2.f * a) + 1.f);
  big = (vf)((vi)big | ((vi)x & INT32_MIN));
  return pick(less(a, splat(0.625f)), small, big);
}

VECTOR_INLINE vf vsigmoid(vf x) { return 1.f / (1.f + vexp(-x)); }

/* The activation on a vector: the gates' usual ones (and the cheap ones) vectorized,
 * the rest lane by lane with libm. */
VECTOR_INLINE vf activateV(int kind, vf x) {
  switch (kind) {
  case KCONV_ACT_LINEAR:
    return x;
  case KCONV_ACT_RELU:
    return pick(less(splat(0.f), x), x, splat(0.f));
  case KCONV_ACT_SIGMOID:
    return vsigmoid(x);
  case KCONV_ACT_TANH:
    return vtanh(x);
  case KCONV_ACT_HARD_SIGMOID: {
    vf y = x + 3.f;
    y = pick(less(y, splat(0.f)), splat(0.f), y);
    return pick(less(splat(6.f), y), splat(6.f), y) / 6.f;
  }
  case KCONV_ACT_HARD_SIGMOID_KERAS2: {
    vf y = 0.2f * x + 0.5f;
    y = pick(less(splat(0.f), y), y, splat(0.f));
    return pick(less(y, splat(1.f)), y, splat(1.f));
  }
  case KCONV_ACT_SOFTSIGN:
    return x / (1.f + vabs(x));
  case KCONV_ACT_SILU:
    return x * vsigmoid(x);
  default:
    for (int i = 0; i < BLOCK; ++i)
      x[i] = activate(kind, x[i]);
    return x;
  }
}

/* The runtime is built for the baseline of its architecture; on x86-64 the steps also
 * have x86-64-v4 (AVX-512) and v3 (AVX2, FMA) versions, chosen when the program loads. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define KCONV_WIDE_VECTORS                                                                  \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define KCONV_WIDE_VECTORS
#endif

/* acc[r][s] += sum over i < k of a[r * lda + i] * p[i * ldp + s * BLOCK ..], for ROWS
 * rows and SEGS vectors of columns: the accumulators stay in registers, each vector of
 * p is loaded once for all rows. Inlined with constant ROWS and SEGS. */
VECTOR_INLINE void tileProduct(vf acc[TILE_ROWS][MAX_GATES], const float *restrict a, int lda,
                               const float *restrict p, int ldp, int k, const int ROWS,
                               const int SEGS) {
  vf t[TILE_ROWS][MAX_GATES];
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; ++r)
#pragma GCC unroll 4
    for (int s = 0; s < SEGS; ++s)
      t[r][s] = acc[r][s];
  for (int i = 0; i < k; ++i) {
    const float *row = p + (size_t)i * ldp;
    vf w[MAX_GATES];
#pragma GCC unroll 4
    for (int s = 0; s < SEGS; ++s)
      w[s] = loadv(row + s * BLOCK);
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; ++r) {
      vf v = splat(a[(size_t)r * lda + i]);
#pragma GCC unroll 4
      for (int s = 0; s < SEGS; ++s)
        t[r][s] += v * w[s];
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; ++r)
#pragma GCC unroll 4
    for (int s = 0; s < SEGS; ++s)
      acc[r][s] = t[r][s];
}

#define KCONV_TILE_CASE(ROWS, SEGS)                                                         \
  case (ROWS) * 8 + (SEGS):                                                                 \
    tileProduct(acc, a, lda, p, ldp, k, ROWS, SEGS);                                        \
    break;
#define KCONV_TILE_ROWS(ROWS)                                                               \
  KCONV_TILE_CASE(ROWS, 1) KCONV_TILE_CASE(ROWS, 2) KCONV_TILE_CASE(ROWS, 3)                \
  KCONV_TILE_CASE(ROWS, 4)

VECTOR_INLINE vh splatHalf(float x) {
  vh v;
  for (int i = 0; i < BLOCK / 2; ++i)
    v[i] = x;
  return v;
}
VECTOR_INLINE vh loadHalf(const float *p) {
  vh v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* tileProduct's sums for gates [s0, s0 + SEGS) in half vectors: where 16 floats are
 * two registers (AVX2), GCC 12 moves an array of 16-float accumulators through memory
 * and general registers at every step; of 8 floats it keeps ROWS x SEGS x 2 of them in
 * registers (at most 8, with 2 vectors of R per gate). Each lane sums the same
 * products in the same order as tileProduct. */
VECTOR_INLINE void halfProduct(vf acc[TILE_ROWS][MAX_GATES], int s0, const float *restrict a,
                               int lda, const float *restrict p, int ldp, int k,
                               const int ROWS, const int SEGS) {
  vh t[TILE_ROWS][2 * MAX_GATES];
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; ++r)
#pragma GCC unroll 8
    for (int j = 0; j < 2 * SEGS; ++j)
      memcpy(&t[r][j], (const float *)&acc[r][s0] + j * (BLOCK / 2), sizeof(vh));
  p += s0 * BLOCK;
  for (int i = 0; i < k; ++i) {
    const float *row = p + (size_t)i * ldp;
    vh w[2 * MAX_GATES];
#pragma GCC unroll 8
    for (int j = 0; j < 2 * SEGS; ++j)
      w[j] = loadHalf(row + j * (BLOCK / 2));
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; ++r) {
      vh v = splatHalf(a[(size_t)r * lda + i]);
#pragma GCC unroll 8
      for (int j = 0; j < 2 * SEGS; ++j)
        t[r][j] += v * w[j];
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; ++r)
#pragma GCC unroll 8
    for (int j = 0; j < 2 * SEGS; ++j)
      memcpy((float *)&acc[r][s0] + j * (BLOCK / 2), &t[r][j], sizeof(vh));
}

/* acc += the tile's products: by whole vectors, or in half vectors, all gates of one
 * row at once, two gates of two rows, or one gate of more rows. */
VECTOR_INLINE void product(vf acc[TILE_ROWS][MAX_GATES], const float *a, int lda,
                           const float *p, int ldp, int k, int rows, int segs, int halves) {
  if (halves) {
    if (rows == 1) {
      switch (segs) {
      case 1: halfProduct(acc, 0, a, lda, p, ldp, k, 1, 1); break;
      case 2: halfProduct(acc, 0, a, lda, p, ldp, k, 1, 2); break;
      case 3: halfProduct(acc, 0, a, lda, p, ldp, k, 1, 3); break;
      default: halfProduct(acc, 0, a, lda, p, ldp, k, 1, 4); break;
      }
      return;
    }
    if (rows == 2) {
      int s = 0;
      for (; s + 2 <= segs; s += 2)
        halfProduct(acc, s, a, lda, p, ldp, k, 2, 2);
      if (s < segs)
        halfProduct(acc, s, a, lda, p, ldp, k, 2, 1);
      return;
    }
    for (int s = 0; s < segs; ++s)
      if (rows == 3)
        halfProduct(acc, s, a, lda, p, ldp, k, 3, 1);
      else
        halfProduct(acc, s, a, lda, p, ldp, k, 4, 1);
    return;
  }
  switch (rows * 8 + segs) {
    KCONV_TILE_ROWS(1) KCONV_TILE_ROWS(2) KCONV_TILE_ROWS(3) KCONV_TILE_ROWS(4)
  }
}
#undef KCONV_TILE_ROWS
#undef KCONV_TILE_CASE

static void fullRegion(struct halide_buffer_t *b, int d, int32_t min, int32_t extent) {
  b->dim[d].min = min;
  b->dim[d].extent = extent;
}

/* Stores units [u0, u0 + count) (values v[0 ..], zeros when `v` is null) at row `row`
 * of sample `n` of `out`: (units, rows, batch), or (units, batch) when it has two
 * dimensions (the last output alone). Only what `out` holds is written: Halide asks for
 * the region its consumers read (a crop of the sequence, the states alone, some units). */
static void storeUnits(struct halide_buffer_t *out, int32_t row, int n, int u0, int count,
                       const float *v) {
  const struct halide_dimension_t *d = out->dim;
  int batchDim = out->dimensions == 3 ? 2 : 1;
  if (out->dimensions == 3 && (row < d[1].min || row - d[1].min >= d[1].extent))
    return;
  float *y = (float *)out->host + (int64_t)(n - d[batchDim].min) * d[batchDim].stride;
  if (out->dimensions == 3)
    y += (int64_t)(row - d[1].min) * d[1].stride;
  int first = d[0].min > u0 ? d[0].min : u0;
  int end = d[0].min + d[0].extent < u0 + count ? d[0].min + d[0].extent : u0 + count;
  if (v && d[0].stride == 1 && first < end)
    memcpy(y + (first - d[0].min), v + (first - u0), sizeof(float) * (size_t)(end - first));
  else
    for (int j = first; j < end; ++j)
      y[(int64_t)(j - d[0].min) * d[0].stride] = v ? v[j - u0] : 0.f;
  /* The next block's units of this row, for writing, a block's work ahead: a step's
   * rows lie a sequence apart, so each block's stores would miss the cache. */
  if (end < d[0].min + d[0].extent)
    __builtin_prefetch(y + (int64_t)(end - d[0].min) * d[0].stride, 1);
}

/* Loads units [u0, u0 + count) of sample `n` of a (units, batch) state buffer. */
static void loadState(const struct halide_buffer_t *state, int n, int u0, int count, float *v) {
  const float *x = (const float *)state->host - state->dim[0].min +
                   (int64_t)(n - state->dim[1].min) * state->dim[1].stride;
  for (int j = 0; j < count; ++j)
    v[j] = x[(int64_t)(u0 + j) * state->dim[0].stride];
}

/* Whether `mask` ((timesteps, batch)) masks step t of sample n: its value is 0. */
static int maskedAt(const struct halide_buffer_t *mask, int32_t t, int n) {
  return ((const float *)mask->host)[(int64_t)(t - mask->dim[0].min) * mask->dim[0].stride +
                                     (int64_t)(n - mask->dim[1].min) * mask->dim[1].stride] ==
         0.f;
}

/* The parameters and scratch of one call, shared by its threads. Rows of the state
 * buffers are `ld` floats (the units rounded up to whole blocks), one per batch row
 * from batchMin. */
typedef struct Recurrence {
  struct halide_buffer_t *projected, *mask, *initial_h, *initial_c, *out;
  const float *rk, *rb;
  int ldR;
  int32_t cell, units, timesteps, activation, recurrent_activation, flags;
  int32_t batchMin, batch;
  int gates, blocks, ld;
  int groups; /* tasks of rows */
  float *packed; /* per block: U rows of gates x BLOCK columns of R (zeros past units) */
  float *bias;   /* per block: gates x BLOCK of the recurrent bias */
  float *h[2];   /* the state before and after a step, in turn */
  float *c;      /* an LSTM's cell state */
  float *z, *rh; /* a GRU without reset_after: z and r * h, between its two phases */
  /* With a mask and initial states: per batch row, the first step (in the order run)
   * whose input is kept, `timesteps` if none. Before it Keras outputs zeros at masked
   * steps (its previous output starts at zero), not the initial h. NULL otherwise. */
  int32_t *firstKept;
  /* Whether the products run in half vectors (halfProduct): on x86-64 below AVX-512. */
  int halves;
} Recurrence;

/* Packs block `b` of R and of the recurrent bias. */
static void packBlock(const Recurrence *p, int b) {
  int units = p->units, gates = p->gates, u0 = b * BLOCK;
  int n = units - u0 < BLOCK ? units - u0 : BLOCK;
  float *dst = p->packed + (size_t)b * units * gates * BLOCK;
  for (int k = 0; k < units; ++k)
    for (int g = 0; g < gates; ++g, dst += BLOCK) {
      const float *src = p->rk + (size_t)k * p->ldR + g * units + u0;
      memcpy(dst, src, sizeof(float) * (size_t)n);
      memset(dst + n, 0, sizeof(float) * (size_t)(BLOCK - n));
    }
  float *bias = p->bias + (size_t)b * gates * BLOCK;
  for (int g = 0; g < gates; ++g) {
    memcpy(bias + g * BLOCK, p->rb + g * units + u0, sizeof(float) * (size_t)n);
    memset(bias + g * BLOCK + n, 0, sizeof(float) * (size_t)(BLOCK - n));
  }
}

/* `n` floats from p, zeros after them. */
VECTOR_INLINE vf loadPart(const float *p, int n) {
  if (n == BLOCK)
    return loadv(p);
  vf v = splat(0.f);
  memcpy(&v, p, sizeof(float) * (size_t)n);
  return v;
}

/* The input time of step `step` (the steps in the order run). */
static int32_t timeOf(const Recurrence *p, int32_t step) {
  return (p->flags & KCONV_RNN_BACKWARDS) ? p->timesteps - 1 - step : step;
}

/* The gates of a tile's rows from their products `acc` (see runTile), with the cell's
 * activations `act` and `ract`: inlined where they are constants, so the activation's
 * switch folds away (dispatched per vector, it made the gates twice as slow). */
VECTOR_INLINE void tileGates(const Recurrence *p, int32_t step, int r0, int rows, int b,
                             int phase, vf acc[TILE_ROWS][MAX_GATES], int act, int ract) {
  int32_t t = timeOf(p, step);
  int32_t at = (p->flags & KCONV_RNN_FLIP) ? p->timesteps - 1 - step : step; /* output row */
  int cur = step & 1;
  int units = p->units, ld = p->ld, cell = p->cell;
  int u0 = b * BLOCK, n = units - u0 < BLOCK ? units - u0 : BLOCK;
  int resetAfter = (p->flags & KCONV_RNN_RESET_AFTER) != 0;
  int gruTwoPhases = cell == KCONV_RNN_GRU && !resetAfter;
  const struct halide_buffer_t *projected = p->projected;
  int sequences = (p->flags & KCONV_RNN_SEQUENCES) != 0;
  int zeroMasked = (p->flags & KCONV_RNN_ZERO_MASKED) != 0;
  for (int r = 0; r < rows; ++r) {
    int row = r0 + r, sample = p->batchMin + row;
    const float *x = (const float *)projected->host +
                     (ptrdiff_t)((int64_t)(t - projected->dim[1].min) * projected->dim[1].stride +
                                 (int64_t)(sample - projected->dim[2].min) *
                                     projected->dim[2].stride -
                                 projected->dim[0].min) +
                     u0;
    const float *hPrev = p->h[cur] + (size_t)row * ld + u0;
    float *hNext = p->h[!cur] + (size_t)row * ld + u0;
    vf *g = acc[r];
    if (gruTwoPhases && phase == 0) {
      vf z = activateV(ract, g[0] + loadPart(x, n));
      vf reset = activateV(ract, g[1] + loadPart(x + units, n));
      storev(p->z + (size_t)row * ld + u0, z);
      storev(p->rh + (size_t)row * ld + u0, reset * loadv(hPrev));
      continue;
    }
    /* Keras: the state carries over a masked step, whose output is the previous step's
     * (the state's h; zeros before any step was kept) or zeros. */
    int masked = p->mask && maskedAt(p->mask, t, sample);
    int noOutputYet = p->firstKept && step < p->firstKept[row];
    vf h = loadv(hPrev);
    if (!masked) {
      if (cell == KCONV_RNN_SIMPLE) {
        h = activateV(act, g[0] + loadPart(x, n));
      } else if (cell == KCONV_RNN_GRU) {
        vf z, hh;
        if (resetAfter) {
          z = activateV(ract, g[0] + loadPart(x, n));
          vf reset = activateV(ract, g[1] + loadPart(x + units, n));
          hh = activateV(act, loadPart(x + 2 * units, n) + reset * g[2]);
        } else {
          z = loadv(p->z + (size_t)row * ld + u0);
          hh = activateV(act, g[0] + loadPart(x + 2 * units, n));
        }
        h = z * h + (1.f - z) * hh;
      } else { /* LSTM: i, f, c, o */
        float *cRow = p->c + (size_t)row * ld + u0;
        vf i = activateV(ract, g[0] + loadPart(x, n));
        vf f = activateV(ract, g[1] + loadPart(x + units, n));
        vf cc = activateV(act, g[2] + loadPart(x + 2 * units, n));
        vf o = activateV(ract, g[3] + loadPart(x + 3 * units, n));
        vf c = f * loadv(cRow) + i * cc;
        storev(cRow, c);
        h = o * activateV(act, c);
      }
    }
    storev(hNext, h);
    if (sequences)
      storeUnits(p->out, at, sample, u0, n, masked && (zeroMasked || noOutputYet) ? NULL : hNext);
  }
}

/* One tile of step `step`: batch rows [r0, r0 + rows) (offsets from batchMin) of block
 * `b`, reading p->h[step % 2] and writing the other. Phase 0 of a GRU without
 * reset_after computes z and r * h only; phase 1 its candidate and h. */
KCONV_WIDE_VECTORS static void runTile(const Recurrence *p, int32_t step, int r0, int rows,
                                       int b, int phase) {
  int cur = step & 1;
  int units = p->units, gates = p->gates, ld = p->ld;
  int gruTwoPhases = p->cell == KCONV_RNN_GRU && !(p->flags & KCONV_RNN_RESET_AFTER);
  int act = p->activation, ract = p->recurrent_activation;
  /* The gates this phase multiplies: all; z and r; or the GRU's candidate. */
  int first = gruTwoPhases && phase == 1 ? 2 : 0;
  int segs = gruTwoPhases ? (phase == 0 ? 2 : 1) : gates;
  const float *a = gruTwoPhases && phase == 1 ? p->rh : p->h[cur];
  const float *bias = p->bias + (size_t)b * gates * BLOCK + first * BLOCK;
  vf acc[TILE_ROWS][MAX_GATES];
  for (int r = 0; r < rows; ++r)
    for (int s = 0; s < segs; ++s)
      acc[r][s] = loadv(bias + s * BLOCK);
  product(acc, a + (size_t)r0 * ld, ld,
          p->packed + (size_t)b * units * gates * BLOCK + first * BLOCK, gates * BLOCK, units,
          rows, segs, p->halves);
  /* The usual activations (tanh, and sigmoid for the gates; a SimpleRNN has none) as
   * constants, any others as they come. */
  if (act == KCONV_ACT_TANH && (ract == KCONV_ACT_SIGMOID || p->cell == KCONV_RNN_SIMPLE))
    tileGates(p, step, r0, rows, b, phase, acc, KCONV_ACT_TANH, KCONV_ACT_SIGMOID);
  else
    tileGates(p, step, r0, rows, b, phase, acc, act, ract);
}

/* Rows [row0, row1) and blocks [b0, b1): a thread's share of the work, or a task's. */
typedef struct Share {
  int row0, row1, b0, b1;
} Share;

/* The share's state at its start: zeros, or the initial states. */
static void startShare(const Recurrence *p, Share s) {
  int u0 = s.b0 * BLOCK, count = (s.b1 * BLOCK < p->units ? s.b1 * BLOCK : p->units) - u0;
  for (int row = s.row0; row < s.row1; ++row) {
    float *h = p->h[0] + (size_t)row * p->ld + u0, *c = p->c + (size_t)row * p->ld + u0;
    memset(h, 0, sizeof(float) * (size_t)(s.b1 - s.b0) * BLOCK);
    memset(c, 0, sizeof(float) * (size_t)(s.b1 - s.b0) * BLOCK);
    if (p->initial_h)
      loadState(p->initial_h, p->batchMin + row, u0, count, h);
    if (p->initial_c)
      loadState(p->initial_c, p->batchMin + row, u0, count, c);
  }
}

/* Phase `phase` of step `step` for the share (phase 1: a GRU without reset_after's
 * candidate), reading h[step % 2] and writing the other. */
static void runStep(const Recurrence *p, Share s, int32_t step, int phase) {
  for (int b = s.b0; b < s.b1; ++b)
    for (int row = s.row0; row < s.row1; row += TILE_ROWS)
      runTile(p, step, row, s.row1 - row < TILE_ROWS ? s.row1 - row : TILE_ROWS, b, phase);
}

static int phasesOf(const Recurrence *p) {
  return p->cell == KCONV_RNN_GRU && !(p->flags & KCONV_RNN_RESET_AFTER) ? 2 : 1;
}

/* The last step's output (with zero_output_for_mask, zeros if it was masked), then with
 * KCONV_RNN_STATES the final h and an LSTM's c. */
static void finishShare(const Recurrence *p, Share s, int cur) {
  int flags = p->flags, sequences = (flags & KCONV_RNN_SEQUENCES) != 0;
  int zeroMasked = (flags & KCONV_RNN_ZERO_MASKED) != 0;
  int32_t last = timeOf(p, p->timesteps - 1); /* the input time of the last step */
  int32_t states = sequences ? p->timesteps : 1; /* the row of the final h */
  int u0 = s.b0 * BLOCK, count = (s.b1 * BLOCK < p->units ? s.b1 * BLOCK : p->units) - u0;
  for (int row = s.row0; row < s.row1; ++row) {
    int sample = p->batchMin + row;
    const float *h = p->h[cur] + (size_t)row * p->ld + u0;
    const float *c = p->c + (size_t)row * p->ld + u0;
    int lastMasked = p->mask && p->timesteps > 0 && maskedAt(p->mask, last, sample);
    int noneKept = p->firstKept && p->firstKept[row] >= p->timesteps;
    if (!sequences)
      storeUnits(p->out, 0, sample, u0, count, lastMasked && (zeroMasked || noneKept) ? NULL : h);
    if (flags & KCONV_RNN_STATES) {
      storeUnits(p->out, states, sample, u0, count, h);
      if (p->cell == KCONV_RNN_LSTM)
        storeUnits(p->out, states + 1, sample, u0, count, c);
    }
  }
}

/* A team of threads sharing each step: items are (block, part of the rows) pairs, run
 * in stages: 0 packs R and sets the states up, 1 + i is phase i % phases of step
 * i / phases, the last stores the final outputs. Each thread claims its own items of a
 * stage first, then the others' from the back; a stage starts once every item of the
 * previous one is done. A thread slowed by another process thus holds up a step only
 * while it is inside an item (a barrier would wait for it at every step). */
typedef struct Claim {
  _Alignas(64) _Atomic int stage; /* the stage the item was last claimed for */
} Claim;
typedef struct Team {
  const Recurrence *p;
  int items, rowParts, phases, stages;
  Claim *claims;
  _Alignas(64) _Atomic int64_t done; /* items done, over all stages */
} Team;

static void runItem(const Team *team, int stage, int item) {
  const Recurrence *p = team->p;
  int b = item % p->blocks, part = item / p->blocks;
  Share s = {p->batch * part / team->rowParts, p->batch * (part + 1) / team->rowParts, b, b + 1};
  if (stage == 0) {
    if (part == 0)
      packBlock(p, b);
    startShare(p, s);
  } else if (stage == team->stages - 1) {
    finishShare(p, s, p->timesteps & 1);
  } else {
    runStep(p, s, (stage - 1) / team->phases, (stage - 1) % team->phases);
  }
}

static void runTeamThread(Team *team, int self, int threads) {
  int items = team->items;
  for (int stage = 0; stage < team->stages; ++stage) {
    for (int k = 0; k < threads; ++k) {
      int owner = (self + k) % threads;
      int first = items * owner / threads, end = items * (owner + 1) / threads;
      for (int j = 0; j < end - first; ++j) {
        int item = k == 0 ? first + j : end - 1 - j, expected = stage - 1;
        _Atomic int *claim = &team->claims[item].stage;
        if (atomic_load_explicit(claim, memory_order_relaxed) != expected ||
            !atomic_compare_exchange_strong_explicit(claim, &expected, stage,
                                                     memory_order_acquire, memory_order_relaxed))
          continue;
        runItem(team, stage, item);
        atomic_fetch_add_explicit(&team->done, 1, memory_order_release);
      }
    }
    /* Every item of the stage is claimed: wait for those still running. */
    int64_t target = (int64_t)(stage + 1) * items;
    for (int spins = 0; atomic_load_explicit(&team->done, memory_order_acquire) < target;
         ++spins)
      if (spins >= 64) /* then let a thread it waits for have this core */
        sched_yield();
  }
}

static int packTask(void *user_context, int b, uint8_t *closure) {
  (void)user_context;
  packBlock((const Recurrence *)closure, b);
  return 0;
}

/* One group of rows (whole tiles), every block and step: independent of the other
 * groups. Blocks outermost in each step, so R is read once per step and group. */
static int rowsTask(void *user_context, int group, uint8_t *closure) {
  (void)user_context;
  const Recurrence *p = (const Recurrence *)closure;
  int tiles = (p->batch + TILE_ROWS - 1) / TILE_ROWS;
  int row0 = tiles * group / p->groups * TILE_ROWS;
  int row1 = tiles * (group + 1) / p->groups * TILE_ROWS;
  Share s = {row0, row1 < p->batch ? row1 : p->batch, 0, p->blocks};
  startShare(p, s);
  for (int32_t step = 0; step < p->timesteps; ++step)
    for (int phase = 0; phase < phasesOf(p); ++phase)
      runStep(p, s, step, phase);
  finishShare(p, s, p->timesteps & 1);
  return 0;
}

int kconv_recurrent(struct halide_buffer_t *projected, struct halide_buffer_t *recurrent_kernel,
                    struct halide_buffer_t *recurrent_bias, struct halide_buffer_t *mask,
                    struct halide_buffer_t *initial_h, struct halide_buffer_t *initial_c,
                    int32_t cell, int32_t units,
                    int32_t timesteps, int32_t activation, int32_t recurrent_activation,
                    int32_t flags, struct halide_buffer_t *out) {
  int gates = cell == KCONV_RNN_LSTM ? 4 : cell == KCONV_RNN_GRU ? 3 : 1;
  int columns = gates * units;
  int sequences = (flags & KCONV_RNN_SEQUENCES) != 0;
  int initial = (flags & KCONV_RNN_INITIAL) != 0, lstm = cell == KCONV_RNN_LSTM;
  int batchDim = sequences || (flags & KCONV_RNN_STATES) ? 2 : 1;
  int32_t batchMin = out->dim[batchDim].min, batch = out->dim[batchDim].extent;
  int masked = (flags & KCONV_RNN_MASKED) != 0;
  if (!projected->host || !recurrent_kernel->host || !recurrent_bias->host ||
      (masked && !mask->host) ||
      (initial && (!initial_h->host || (lstm && !initial_c->host)))) {
    /* Halide's bounds query: every step and gate of the batch rows asked for. */
    if (!projected->host) {
      fullRegion(projected, 0, 0, columns);
      fullRegion(projected, 1, 0, timesteps);
      fullRegion(projected, 2, batchMin, batch);
    }
    if (!recurrent_kernel->host) {
      fullRegion(recurrent_kernel, 0, 0, columns);
      fullRegion(recurrent_kernel, 1, 0, units);
    }
    if (!recurrent_bias->host)
      fullRegion(recurrent_bias, 0, 0, columns);
    if (masked && !mask->host) {
      fullRegion(mask, 0, 0, timesteps);
      fullRegion(mask, 1, batchMin, batch);
    }
    struct halide_buffer_t *states[2] = {initial_h, lstm ? initial_c : NULL};
    for (int i = 0; i < 2; ++i)
      if (initial && states[i] && !states[i]->host) {
        fullRegion(states[i], 0, 0, units);
        fullRegion(states[i], 1, batchMin, batch);
      }
    return 0;
  }
  if (batch <= 0 || units <= 0)
    return 0;
  int blocks = (units + BLOCK - 1) / BLOCK, ld = blocks * BLOCK;
  /* One allocation, 64-byte aligned: packed R and bias, h twice, c, z and r * h. */
  size_t packedSize = (size_t)blocks * units * gates * BLOCK, biasSize = (size_t)ld * gates;
  size_t stateSize = (size_t)batch * ld;
  size_t total = packedSize + biasSize + 5 * stateSize;
  float *scratch = (float *)aligned_alloc(64, (sizeof(float) * total + 63) / 64 * 64);
  if (!scratch) {
    kconv_fail(KCONV_ERROR_MEMORY, "kconv_recurrent: out of memory for %d units x %d rows",
               units, batch);
    return -1;
  }
  Recurrence r = {projected,
                  masked ? mask : NULL,
                  initial ? initial_h : NULL,
                  initial && lstm ? initial_c : NULL,
                  out,
                  (const float *)recurrent_kernel->host,
                  (const float *)recurrent_bias->host,
                  recurrent_kernel->dim[1].stride,
                  cell,
                  units,
                  timesteps,
                  activation,
                  recurrent_activation,
                  flags,
                  batchMin,
                  batch,
                  gates,
                  blocks,
                  ld,
                  1,
                  scratch,
                  scratch + packedSize,
                  {scratch + packedSize + biasSize, scratch + packedSize + biasSize + stateSize},
                  scratch + packedSize + biasSize + 2 * stateSize,
                  scratch + packedSize + biasSize + 3 * stateSize,
                  scratch + packedSize + biasSize + 4 * stateSize,
                  NULL,
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
                  !__builtin_cpu_supports("x86-64-v4")
#else
                  0
#endif
  };
  if (masked && initial) {
    r.firstKept = (int32_t *)malloc(sizeof(int32_t) * (size_t)batch);
    if (!r.firstKept) {
      free(scratch);
      kconv_fail(KCONV_ERROR_MEMORY, "kconv_recurrent: out of memory for %d rows", batch);
      return -1;
    }
    for (int row = 0; row < batch; ++row) {
      int32_t step = 0;
      while (step < timesteps && maskedAt(mask, timeOf(&r, step), batchMin + row))
        ++step;
      r.firstKept[row] = step;
    }
  }
  /* Rows are independent: with at least two tiles of rows per thread, the rows are cut
   * into two groups per thread, each a task of kconv_parallel_for (a thread slowed by
   * another process leaves its second group to the others). With fewer, a team of
   * threads shares each step's blocks (and rows when blocks are fewer than threads).
   * One thread, or inside another parallel loop (a team would wait for busy threads):
   * one group. Every share computes its rows the same way, so results do not depend on
   * the thread count. */
  int threads = omp_in_parallel() ? 1 : kconv_get_num_threads();
  int tiles = (batch + TILE_ROWS - 1) / TILE_ROWS;
  int rowParts = threads > blocks ? (threads + blocks - 1) / blocks : 1;
  rowParts = rowParts < batch ? rowParts : batch;
  Team team = {&r, blocks * rowParts, rowParts, phasesOf(&r), 2 + timesteps * phasesOf(&r),
               NULL, 0};
  if (threads > 1 && tiles < 2 * threads)
    team.claims = (Claim *)aligned_alloc(64, sizeof(Claim) * (size_t)team.items);
  if (team.claims) {
    for (int i = 0; i < team.items; ++i)
      atomic_init(&team.claims[i].stage, -1);
    threads = threads < team.items ? threads : team.items;
#pragma omp parallel num_threads(threads)
    runTeamThread(&team, omp_get_thread_num(), omp_get_num_threads());
    free(team.claims);
  } else {
    r.groups = threads <= 1 ? 1 : 2 * threads < tiles ? 2 * threads : tiles;
    kconv_parallel_for(NULL, packTask, 0, blocks, (uint8_t *)&r);
    kconv_parallel_for(NULL, rowsTask, 0, r.groups, (uint8_t *)&r);
  }
  free(r.firstKept);
  free(scratch);
  return 0;
}
