/* One compiled model run by several threads at once (the runtime promises that this
 * is safe): each thread runs it on its own input, on wrapped buffers, many times, and
 * every result must equal the one computed alone beforehand, bit for bit (each output
 * element is computed by the same code whichever thread computes it). Meanwhile one
 * thread changes the parallel loops' thread count. Prints "concurrent runs: ok". */
#include "threaded.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kThreads = 4, kRuns = 30, kBatch = 4 };
static const int64_t kIn[] = {kBatch, 12, 10, 8}, kOut[] = {kBatch, 12, 10, 32};
enum { kInCount = kBatch * 12 * 10 * 8, kOutCount = kBatch * 12 * 10 * 32 };

typedef struct {
  int index;
  float *input, *expected;
  int failures;
  char error[256];
} Job;

static int run_once(const float *input, float *output, char *error) {
  kconv_tensor *in = NULL, *out = NULL;
  int ok = kconv_tensor_wrap(4, kIn, (float *)input, &in) == KCONV_OK &&
           kconv_tensor_wrap(4, kOut, output, &out) == KCONV_OK && threaded_run(in, out) == KCONV_OK;
  if (!ok)
    snprintf(error, 256, "%s", kconv_last_error());
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(out);
  return ok;
}

static void *worker(void *arg) {
  Job *job = arg;
  float *output = malloc(sizeof(float) * kOutCount);
  for (int run = 0; run < kRuns && output; ++run) {
    if (job->index == 0)
      kconv_set_num_threads(1 + run % 3);
    memset(output, 0, sizeof(float) * kOutCount);
    if (!run_once(job->input, output, job->error) ||
        memcmp(output, job->expected, sizeof(float) * kOutCount) != 0)
      ++job->failures;
  }
  free(output);
  return NULL;
}

int main(void) {
  Job jobs[kThreads];
  unsigned seed = 12345;
  for (int t = 0; t < kThreads; ++t) {
    jobs[t] = (Job){t, malloc(sizeof(float) * kInCount), malloc(sizeof(float) * kOutCount), 0, ""};
    if (!jobs[t].input || !jobs[t].expected)
      return 1;
    for (int i = 0; i < kInCount; ++i) {
      seed = seed * 1103515245u + 12345u;
      jobs[t].input[i] = (float)((seed >> 8) % 2001) / 1000.0f - 1.0f;
    }
    if (!run_once(jobs[t].input, jobs[t].expected, jobs[t].error)) {
      fprintf(stderr, "concurrent runs: %s\n", jobs[t].error);
      return 1;
    }
  }
  pthread_t threads[kThreads];
  for (int t = 0; t < kThreads; ++t)
    if (pthread_create(&threads[t], NULL, worker, &jobs[t]) != 0)
      return 1;
  int failures = 0;
  for (int t = 0; t < kThreads; ++t) {
    pthread_join(threads[t], NULL);
    if (jobs[t].failures)
      fprintf(stderr, "concurrent runs: thread %d: %d of %d runs wrong%s%s\n", t,
              jobs[t].failures, kRuns, jobs[t].error[0] ? ": " : "", jobs[t].error);
    failures += jobs[t].failures;
    free(jobs[t].input);
    free(jobs[t].expected);
  }
  printf("concurrent runs: %s\n", failures ? "FAILED" : "ok");
  return failures != 0;
}
