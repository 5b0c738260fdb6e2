/* Private helpers shared by the runtime's translation units. */
#ifndef KCONV_RUNTIME_INTERNAL_H
#define KCONV_RUNTIME_INTERNAL_H

#include "kconv/kconv_runtime.h"

#if defined(__GNUC__)
#define KCONV_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define KCONV_PRINTF(fmt, args)
#endif

/* Records a formatted message as this thread's last error and returns `status`. */
kconv_status kconv_fail(kconv_status status, const char *format, ...) KCONV_PRINTF(2, 3);

/* Copies `text` into `buffer` with control bytes (newlines, escapes) written as \xNN, so
 * a name from the model file prints on one line and sends no terminal codes. Truncates
 * to `size`. Returns `buffer`. */
const char *kconv_printable(const char *text, char *buffer, size_t size);

/* Formats a shape as "(1, 28, 28, 3)"; -1 prints as "?". Returns `buffer`. */
const char *kconv_format_shape(int rank, const int64_t *shape, char *buffer, size_t size);

/* a*b into *out, false on int64 overflow or negative operands. */
int kconv_mul_overflows(int64_t a, int64_t b, int64_t *out);

/* The threads a parallel loop of `size` iterations runs on when `threads` are asked
 * for: the fewest that keep its critical path, ceil(size / threads) iterations each (20
 * iterations at 16 threads: 10 threads of 2, not 4 of 2 and 12 of 1, which would wake
 * 6 threads for nothing). At least 1. */
int kconv_loop_threads(int size, int threads);

/* Makes Halide's parallel loops run on kconv_parallel_for (once per process). */
void kconv_install_parallel_for(void);

/* Makes Halide's heap buffers come from kconv_buffer_malloc (once per process). */
void kconv_install_buffer_cache(void);

/* A .npy output staged for kconv_npy_commit: a complete temporary file beside a regular
 * (or new) destination, or, for an existing device or FIFO, the tensor to write there in
 * place. Lets a caller with several outputs place them only once all are written. */
typedef struct kconv_npy_staged {
  const char *path;           /* as given, for messages */
  char *destination;          /* what the rename replaces (a symlink resolved) */
  char *temp_path;            /* NULL: written in place at commit */
  const kconv_tensor *tensor; /* in place: what to write */
} kconv_npy_staged;
kconv_status kconv_npy_stage(const char *path, const kconv_tensor *tensor,
                             kconv_npy_staged *staged);
/* Places a staged output (rename, or the in-place write) and releases `staged`. */
kconv_status kconv_npy_commit(kconv_npy_staged *staged);
/* Removes a staged output's temporary file and releases `staged`. */
void kconv_npy_discard(kconv_npy_staged *staged);

#endif
