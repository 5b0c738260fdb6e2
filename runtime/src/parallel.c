/* The pipelines' parallel loops, on OpenMP with a static split.
 *
 * Halide's own thread pool hands loop iterations out dynamically, so from one run
 * to the next a thread gets different rows, and its L2 cache holds the wrong part
 * of the tensors; its workers also fall asleep between runs. A static split gives
 * each thread the same rows every run (the depthwise benchmark layer at two
 * threads: 0.065 -> 0.042 ms; its 3.2 MB of tensors fit the two cores' L2 caches
 * only when each core keeps its half). */
#include "internal.h"

#include <HalideRuntime.h>
#include <omp.h>
#include <pthread.h>

static int g_threads; /* 0: OpenMP's default (OMP_NUM_THREADS, else every core) */

void kconv_set_num_threads(int threads) { g_threads = threads > 0 ? threads : 0; }

int kconv_parallel_for(void *user_context, int (*task)(void *, int, uint8_t *), int min, int size,
                       uint8_t *closure) {
  int threads = g_threads ? g_threads : omp_get_max_threads();
  /* One iteration, one thread, or a loop nested in a parallel one: run it here (a
   * batch-1 loop over images keeps the threads for the rows inside it). */
  if (size <= 1 || threads <= 1 || omp_in_parallel()) {
    for (int i = min; i < min + size; ++i) {
      int result = task(user_context, i, closure);
      if (result != 0)
        return result;
    }
    return 0;
  }
  int error = 0;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int i = min; i < min + size; ++i) {
    int result = task(user_context, i, closure);
    if (result != 0) {
#pragma omp atomic write
      error = result;
    }
  }
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
