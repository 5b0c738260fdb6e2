/* The pipelines' heap buffers (intermediate tensors, staged inputs), through a cache
 * of the large ones.
 *
 * A pipeline frees every intermediate tensor when it returns and asks for the same
 * sizes on its next run. glibc serves large blocks with mmap, or trims the top of its
 * heap when they are freed, so each run would take fresh pages from the kernel and a
 * page fault per 4 KB of them (docs/runtime.md has the measurement). Freed large
 * blocks are kept here instead, up to kMaxCached of them (the oldest make room for new
 * ones), and handed out again for requests they fit; kconv_release_buffers gives them
 * back. */
#include "internal.h"

#include <HalideRuntime.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

enum {
  kAlignment = 64,        /* a cache line, and a full AVX-512 vector */
  kHeader = kAlignment,   /* the block's capacity and a mark, before the aligned data */
  kTail = kAlignment,     /* Halide may read a few bytes past the end */
  kMaxCached = 32,        /* blocks kept between runs */
  kMinCached = 64 * 1024, /* smaller blocks: malloc's own free lists serve them well */
};

/* Written after the capacity: a block this file did not allocate (Halide's default
 * allocator, before the cache was installed) goes back to Halide. */
static const uint64_t kMark = 0x6b636f6e76627566u; /* "kconvbuf" */

typedef struct {
  size_t capacity;
  uint64_t mark;
} Header;

/* A block may serve a request down to this fraction of its capacity (not a 100 MB
 * block for a 70 KB staging copy). */
static const size_t kMaxWaste = 4;
static const size_t kMaxCachedBytes = (size_t)1 << 30;

/* Weak, as in parallel.c: without a pipeline there is no Halide runtime. */
extern halide_malloc_t halide_set_custom_malloc(halide_malloc_t) __attribute__((weak));
extern halide_free_t halide_set_custom_free(halide_free_t) __attribute__((weak));
extern void halide_default_free(void *, void *) __attribute__((weak));

typedef struct {
  void *base;
  size_t capacity;
  uint64_t freed_at; /* g_clock when it was kept: the oldest goes first */
} Block;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static Block g_cached[kMaxCached];
static int g_num_cached;
static size_t g_cached_bytes;
static uint64_t g_fresh, g_reused, g_clock;

/* Takes the smallest cached block that fits `size`; NULL if none. */
static void *take_cached(size_t size) {
  int best = -1;
  for (int i = 0; i < g_num_cached; ++i) {
    size_t capacity = g_cached[i].capacity;
    if (capacity >= size && capacity / kMaxWaste <= size &&
        (best < 0 || capacity < g_cached[best].capacity))
      best = i;
  }
  if (best < 0)
    return NULL;
  void *base = g_cached[best].base;
  g_cached_bytes -= g_cached[best].capacity;
  g_cached[best] = g_cached[--g_num_cached];
  return base;
}

void *kconv_buffer_malloc(void *user_context, size_t size) {
  (void)user_context;
  if (size > SIZE_MAX - kHeader - kTail - kAlignment)
    return NULL;
  size_t capacity = (size + kAlignment - 1) / kAlignment * kAlignment;
  void *base = NULL;
  if (capacity >= kMinCached) {
    pthread_mutex_lock(&g_lock);
    base = take_cached(capacity);
    if (base) {
      ++g_reused;
    } else {
      ++g_fresh;
    }
    pthread_mutex_unlock(&g_lock);
  }
  if (!base) {
    base = aligned_alloc(kAlignment, kHeader + capacity + kTail);
    if (!base)
      return NULL;
    *(Header *)base = (Header){capacity, kMark};
  }
  return (char *)base + kHeader;
}

void kconv_buffer_free(void *user_context, void *data) {
  (void)user_context;
  if (!data)
    return;
  void *base = (char *)data - kHeader;
  Header header = *(Header *)base;
  if (header.mark != kMark) {
    if (halide_default_free)
      halide_default_free(user_context, data);
    return;
  }
  size_t capacity = header.capacity;
  if (capacity < kMinCached || capacity > kMaxCachedBytes) {
    free(base);
    return;
  }
  /* Kept, in place of the blocks kept longest ago if there is no room: the runs of now
   * (a smaller batch after a large one) need the newest sizes. */
  void *evicted[kMaxCached];
  int num_evicted = 0;
  pthread_mutex_lock(&g_lock);
  while (g_num_cached == kMaxCached || g_cached_bytes + capacity > kMaxCachedBytes) {
    int oldest = 0;
    for (int i = 1; i < g_num_cached; ++i)
      if (g_cached[i].freed_at < g_cached[oldest].freed_at)
        oldest = i;
    evicted[num_evicted++] = g_cached[oldest].base;
    g_cached_bytes -= g_cached[oldest].capacity;
    g_cached[oldest] = g_cached[--g_num_cached];
  }
  g_cached[g_num_cached++] = (Block){base, capacity, ++g_clock};
  g_cached_bytes += capacity;
  pthread_mutex_unlock(&g_lock);
  for (int i = 0; i < num_evicted; ++i)
    free(evicted[i]);
}

void kconv_release_buffers(void) {
  pthread_mutex_lock(&g_lock);
  for (int i = 0; i < g_num_cached; ++i)
    free(g_cached[i].base);
  g_num_cached = 0;
  g_cached_bytes = 0;
  pthread_mutex_unlock(&g_lock);
}

void kconv_get_buffer_stats(kconv_buffer_stats *stats) {
  if (!stats)
    return;
  pthread_mutex_lock(&g_lock);
  stats->cached_bytes = g_cached_bytes;
  stats->fresh_allocations = g_fresh;
  stats->reused_allocations = g_reused;
  pthread_mutex_unlock(&g_lock);
}

static void install(void) {
  if (halide_set_custom_malloc && halide_set_custom_free) {
    halide_set_custom_malloc(kconv_buffer_malloc);
    halide_set_custom_free(kconv_buffer_free);
  }
}

void kconv_install_buffer_cache(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, install);
}
