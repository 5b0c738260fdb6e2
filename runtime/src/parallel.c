/* The pipelines' parallel loops, on OpenMP: each thread owns a contiguous share of
 * the iterations and works through it from the front; a thread done with its share
 * takes iterations from the back of another's that is not done yet.
 *
 * Halide's own thread pool hands loop iterations out dynamically, so from one run
 * to the next a thread gets different rows, and its L2 cache holds the wrong part
 * of the tensors; its workers also fall asleep between runs. Owned shares give each
 * thread the same rows every run, so each core's L2 cache keeps its part of the
 * tensors (docs/runtime.md has the measurement). A purely static split, though, waits
 * for its slowest thread: with another process on one core, the whole layer would run
 * at that core's pace. Taking from the back leaves the owner's next rows where they
 * are. */
#include "internal.h"

#include <HalideRuntime.h>
#include <omp.h>
#include <pthread.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 0: OpenMP's default (OMP_NUM_THREADS, else every core). Atomic: a thread may set it
 * while others run models. */
static _Atomic int g_threads;

void kconv_set_num_threads(int threads) {
  atomic_store_explicit(&g_threads, threads > 0 ? threads : 0, memory_order_relaxed);
}

/* A thread's remaining share [next, end) of the iterations (offsets from the loop's
 * min), both halves in one word so that the owner (from the front) and a thief (from
 * the back) claim an iteration with one compare-and-swap; a cache line each. */
typedef struct {
  _Alignas(64) _Atomic uint64_t range;
} Share;

static uint64_t pack(uint32_t next, uint32_t end) { return (uint64_t)end << 32 | next; }

/* Claims the front (owner) or the back (thief) iteration of a share; -1 when empty. */
static int64_t claim(Share *share, int from_back) {
  uint64_t seen = atomic_load_explicit(&share->range, memory_order_relaxed);
  for (;;) {
    uint32_t next = (uint32_t)seen, end = (uint32_t)(seen >> 32);
    if (next >= end)
      return -1;
    uint64_t left = from_back ? pack(next, end - 1) : pack(next + 1, end);
    if (atomic_compare_exchange_weak_explicit(&share->range, &seen, left, memory_order_acq_rel,
                                              memory_order_relaxed))
      return from_back ? end - 1 : next;
  }
}

static int run_in_place(void *user_context, int (*task)(void *, int, uint8_t *), int min,
                        int size, uint8_t *closure) {
  for (int i = min; i < min + size; ++i) {
    int result = task(user_context, i, closure);
    if (result != 0)
      return result;
  }
  return 0;
}

/* More threads than the cores this process may run on only wait for one another: at
 * 3 threads on 2 cores a whole MobileNetV2 ran 40 times slower than at 2 (the threads
 * of an OpenMP team that wait for a descheduled one spin). A request is capped at
 * those cores (OpenMP's count follows the affinity mask), unless the environment sets
 * KCONV_OVERSUBSCRIBE=1: the tests' way to run many threads' splits on few cores. */
static int thread_cap(void) {
  static _Atomic int cap;
  int known = atomic_load_explicit(&cap, memory_order_relaxed);
  if (known > 0)
    return known;
  const char *over = getenv("KCONV_OVERSUBSCRIBE");
  int cores = omp_get_num_procs();
  known = over && strcmp(over, "1") == 0 ? INT_MAX : cores > 0 ? cores : 1;
  atomic_store_explicit(&cap, known, memory_order_relaxed);
  return known;
}

int kconv_get_num_threads(void) {
  int threads = atomic_load_explicit(&g_threads, memory_order_relaxed);
  if (threads == 0)
    threads = omp_get_max_threads();
  return threads < thread_cap() ? threads : thread_cap();
}

int kconv_loop_threads(int size, int threads) {
  if (size < 1 || threads < 1)
    return 1;
  int used = threads < size ? threads : size;
  int each = (int)(((int64_t)size + used - 1) / used);
  return (int)(((int64_t)size + each - 1) / each);
}

int kconv_parallel_for(void *user_context, int (*task)(void *, int, uint8_t *), int min, int size,
                       uint8_t *closure) {
  /* A loop of few tasks (a small layer's) runs on as few threads as keep its critical
   * path: the compiler sized its tasks (docs/schedules.md). */
  int threads = kconv_loop_threads(size, kconv_get_num_threads());
  /* One iteration, one thread, or a loop nested in a parallel one: run it here (a
   * batch-1 loop over images keeps the threads for the rows inside it). */
  if (size <= 1 || threads <= 1 || omp_in_parallel())
    return run_in_place(user_context, task, min, size, closure);
  Share on_stack[16];
  Share *shares = threads <= 16 ? on_stack : aligned_alloc(64, sizeof(Share) * (size_t)threads);
  if (!shares)
    return run_in_place(user_context, task, min, size, closure);
  /* Set up here, not by each thread: a thread that starts late (its core busy with
   * another process) holds nobody up until the end of the loop. If OpenMP gives
   * fewer threads, the shares of those missing are taken like a slow thread's. */
  for (int t = 0; t < threads; ++t)
    atomic_init(&shares[t].range, pack((uint32_t)((int64_t)size * t / threads),
                                       (uint32_t)((int64_t)size * (t + 1) / threads)));
  int error = 0;
  /* A failing task's message (halide_error records it as its thread's last error):
   * the first one is handed to the calling thread, whose kconv_last_error() the
   * caller reads, whichever thread the task ran on. */
  char message[512] = "";
#pragma omp parallel num_threads(threads)
  {
    int self = omp_get_thread_num();
    for (int k = 0; k < threads; ++k) { /* its own share first, then the others' */
      Share *share = &shares[(self + k) % threads];
      int64_t i;
      while ((i = claim(share, k != 0)) >= 0) {
        int result = task(user_context, min + (int)i, closure);
        if (result != 0) {
#pragma omp critical(kconv_parallel_error)
          {
            if (error == 0)
              snprintf(message, sizeof message, "%s", kconv_last_error());
            error = result;
          }
        }
      }
    }
  }
  if (shares != on_stack)
    free(shares);
  if (error != 0 && message[0])
    kconv_fail(KCONV_ERROR_PIPELINE, "%s", message);
  return error;
}

/* Weak: the runtime's tensor and .npy functions link without any pipeline, and then
 * there is no Halide runtime to configure. */
extern halide_do_par_for_t halide_set_custom_do_par_for(halide_do_par_for_t)
    __attribute__((weak));

static void install(void) {
  if (halide_set_custom_do_par_for)
    halide_set_custom_do_par_for(kconv_parallel_for);
}

void kconv_install_parallel_for(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, install);
}
