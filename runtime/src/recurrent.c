/* The recurrence of SimpleRNN, GRU and LSTM layers, a Halide extern stage of the
 * generated pipelines (kconv_recurrent in kconv_runtime.h). The pipeline computes the
 * input projection x W + bias of every step as one vectorized matrix product; here
 * each step adds h R (a loop over the units of h, each adding a row of R to the gates:
 * contiguous, vectorized by the compiler) and applies the cell's gates. The formulas
 * and gate orders are Keras's (keras/src/layers/rnn/{simple_rnn,gru,lstm}.py); the
 * activations are those of codegen's Layers/Activation.cpp, in float32. The batch rows
 * run in parallel (kconv_parallel_for), each with scratch memory allocated once per
 * call, never per step. */
#include "internal.h"

#include <HalideRuntime.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

static void activateAll(int kind, float *v, int n) {
  if (kind == KCONV_ACT_LINEAR)
    return;
  for (int i = 0; i < n; ++i)
    v[i] = activate(kind, v[i]);
}

/* The runtime is built for the baseline of its architecture; on x86-64 the product
 * also has AVX2 and AVX-512 versions, chosen when the program loads. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define KCONV_WIDE_VECTORS __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define KCONV_WIDE_VECTORS
#endif

/* acc[j] += sum_k in[k] * R[k * ld + j] for j < n: a row of R per unit of `in`. */
KCONV_WIDE_VECTORS static void addProduct(float *restrict acc, const float *restrict in,
                                          const float *restrict r, int k, int ld, int n) {
  for (int i = 0; i < k; ++i) {
    float v = in[i];
    const float *restrict row = r + (size_t)i * ld;
#pragma omp simd
    for (int j = 0; j < n; ++j)
      acc[j] += v * row[j];
  }
}

static void fullRegion(struct halide_buffer_t *b, int d, int32_t min, int32_t extent) {
  b->dim[d].min = min;
  b->dim[d].extent = extent;
}

/* Stores `units` values (zeros when `v` is null) at row `row` of sample `n` of `out`:
 * (units, rows, batch), or (units, batch) when it has two dimensions (the last output
 * alone). Only what `out` holds is written: Halide asks for the region its consumers
 * read (a crop of the sequence, the states alone, some units). */
static void storeRow(struct halide_buffer_t *out, int32_t row, int n, int units, const float *v) {
  const struct halide_dimension_t *d = out->dim;
  int batchDim = out->dimensions == 3 ? 2 : 1;
  if (out->dimensions == 3 && (row < d[1].min || row - d[1].min >= d[1].extent))
    return;
  float *y = (float *)out->host + (int64_t)(n - d[batchDim].min) * d[batchDim].stride;
  if (out->dimensions == 3)
    y += (int64_t)(row - d[1].min) * d[1].stride;
  int first = d[0].min > 0 ? d[0].min : 0;
  int end = d[0].min + d[0].extent < units ? d[0].min + d[0].extent : units;
  for (int j = first; j < end; ++j)
    y[(int64_t)(j - d[0].min) * d[0].stride] = v ? v[j] : 0.f;
}

/* Loads sample `n` of a (units, batch) state buffer. */
static void loadState(const struct halide_buffer_t *state, int n, int units, float *v) {
  const float *x = (const float *)state->host - state->dim[0].min +
                   (int64_t)(n - state->dim[1].min) * state->dim[1].stride;
  for (int j = 0; j < units; ++j)
    v[j] = x[j * state->dim[0].stride];
}

/* Whether `mask` ((timesteps, batch)) masks step t of sample n: its value is 0. */
static int maskedAt(const struct halide_buffer_t *mask, int32_t t, int n) {
  return ((const float *)mask->host)[(int64_t)(t - mask->dim[0].min) * mask->dim[0].stride +
                                     (int64_t)(n - mask->dim[1].min) * mask->dim[1].stride] ==
         0.f;
}

/* The parameters of one call, shared by its batch rows' tasks. */
typedef struct Recurrence {
  struct halide_buffer_t *projected, *mask, *initial_h, *initial_c, *out;
  const float *rk, *rb;
  int ldR;
  int32_t cell, units, timesteps, activation, recurrent_activation, flags;
} Recurrence;

/* One batch row, every step: scratch allocated once, never per step. */
static int runRow(void *user_context, int n, uint8_t *closure) {
  (void)user_context;
  const Recurrence *p = (const Recurrence *)closure;
  struct halide_buffer_t *projected = p->projected, *out = p->out;
  const float *rk = p->rk, *rb = p->rb;
  int ldR = p->ldR, cell = p->cell, units = p->units, timesteps = p->timesteps;
  int activation = p->activation, recurrent_activation = p->recurrent_activation;
  int flags = p->flags;
  int gates = cell == KCONV_RNN_LSTM ? 4 : cell == KCONV_RNN_GRU ? 3 : 1;
  int columns = gates * units;
  int sequences = (flags & KCONV_RNN_SEQUENCES) != 0;
  int resetAfter = (flags & KCONV_RNN_RESET_AFTER) != 0;
  float *scratch = (float *)malloc(sizeof(float) * (size_t)(3 * units + columns));
  if (!scratch) {
    kconv_fail(KCONV_ERROR_MEMORY, "kconv_recurrent: out of memory for %d units", units);
    return -1;
  }
  float *h = scratch, *c = scratch + units, *rh = scratch + 2 * units;
  float *g = scratch + 3 * units;
  memset(h, 0, sizeof(float) * (size_t)units);
  memset(c, 0, sizeof(float) * (size_t)units);
  if (p->initial_h)
    loadState(p->initial_h, n, units, h);
  if (p->initial_c)
    loadState(p->initial_c, n, units, c);
  int zeroMasked = (flags & KCONV_RNN_ZERO_MASKED) != 0, lastMasked = 0;
  for (int32_t step = 0; step < timesteps; ++step) {
    int32_t t = (flags & KCONV_RNN_BACKWARDS) ? timesteps - 1 - step : step;
    int32_t at = (flags & KCONV_RNN_FLIP) ? timesteps - 1 - step : step; /* output row */
    lastMasked = p->mask && maskedAt(p->mask, t, n);
    if (lastMasked) {
      /* Keras: the state carries over a masked step, whose output is the previous
       * step's (the state's h) or zeros. */
      if (sequences)
        storeRow(out, at, n, units, zeroMasked ? NULL : h);
      continue;
    }
    const float *x = (const float *)projected->host +
                     (ptrdiff_t)((int64_t)(t - projected->dim[1].min) * projected->dim[1].stride +
                                 (int64_t)(n - projected->dim[2].min) * projected->dim[2].stride -
                                 projected->dim[0].min);
    /* g = recurrent bias + h R (a GRU without reset_after: z and r only) */
    int direct = cell == KCONV_RNN_GRU && !resetAfter ? 2 * units : columns;
    memcpy(g, rb, sizeof(float) * (size_t)columns);
    addProduct(g, h, rk, units, ldR, direct);
    if (cell == KCONV_RNN_SIMPLE) {
      for (int j = 0; j < units; ++j)
        h[j] = x[j] + g[j];
      activateAll(activation, h, units);
    } else if (cell == KCONV_RNN_GRU) {
      float *z = g, *r = g + units, *hh = g + 2 * units;
      for (int j = 0; j < 2 * units; ++j)
        g[j] += x[j];
      activateAll(recurrent_activation, g, 2 * units);
      if (resetAfter) {
        for (int j = 0; j < units; ++j)
          hh[j] = x[2 * units + j] + r[j] * hh[j];
      } else {
        for (int j = 0; j < units; ++j)
          rh[j] = r[j] * h[j];
        addProduct(hh, rh, rk + 2 * units, units, ldR, units);
        for (int j = 0; j < units; ++j)
          hh[j] += x[2 * units + j];
      }
      activateAll(activation, hh, units);
      for (int j = 0; j < units; ++j)
        h[j] = z[j] * h[j] + (1.f - z[j]) * hh[j];
    } else { /* LSTM: i, f, c, o */
      for (int j = 0; j < columns; ++j)
        g[j] += x[j];
      float *i = g, *f = g + units, *cc = g + 2 * units, *o = g + 3 * units;
      activateAll(recurrent_activation, i, 2 * units);
      activateAll(activation, cc, units);
      activateAll(recurrent_activation, o, units);
      for (int j = 0; j < units; ++j)
        c[j] = f[j] * c[j] + i[j] * cc[j];
      memcpy(h, c, sizeof(float) * (size_t)units);
      activateAll(activation, h, units);
      for (int j = 0; j < units; ++j)
        h[j] *= o[j];
    }
    if (sequences)
      storeRow(out, at, n, units, h);
  }
  /* The last step's output (with zero_output_for_mask, zeros if it was masked), then
   * with KCONV_RNN_STATES the final h and an LSTM's c. */
  if (!sequences)
    storeRow(out, 0, n, units, lastMasked && zeroMasked ? NULL : h);
  if (flags & KCONV_RNN_STATES) {
    storeRow(out, sequences ? timesteps : 1, n, units, h);
    if (cell == KCONV_RNN_LSTM)
      storeRow(out, (sequences ? timesteps : 1) + 1, n, units, c);
  }
  free(scratch);
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
                  flags};
  /* Batch rows are independent: one task each, on the pipelines' parallel loops. Each
   * row is computed the same way on any thread. */
  return kconv_parallel_for(NULL, runRow, batchMin, batch, (uint8_t *)&r);
}
