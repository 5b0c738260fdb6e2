// kconv_parallel_for: the loop runner the compiled pipelines use for their parallel
// loops (every iteration once; each thread works through its own contiguous share from
// the front, and a thread done early takes iterations from the back of another's;
// errors returned; nested loops run in place).
#include "kconv/kconv_runtime.h"
extern "C" {
#include "internal.h" // kconv_loop_threads
}

#include <HalideRuntime.h>
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Counts {
  std::vector<std::atomic<int>> runs;
  std::vector<int> thread;
  /// This thread is slow: each of its iterations waits until every other iteration has
  /// run (not a fixed sleep, which a loaded machine can outlast: the test would then
  /// depend on the machine's speed).
  int slowThread = -1;
  std::atomic<int> finished{0};
  explicit Counts(int size) : runs(size), thread(size, -1) {}
};

int countRun(void *context, int index, uint8_t *closure) {
  auto *counts = static_cast<Counts *>(context);
  int offset = *reinterpret_cast<int *>(closure);
  int self = omp_get_thread_num();
  counts->runs[index - offset]++;
  counts->thread[index - offset] = self;
  if (self == counts->slowThread) {
    // The bound only keeps a broken runner (one that never lets the others steal)
    // from hanging the test.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (counts->finished.load() < int(counts->runs.size()) - 1 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  counts->finished++;
  return 0;
}

class ParallelFor : public ::testing::TestWithParam<int> {
protected:
  void TearDown() override { kconv_set_num_threads(0); }
};

TEST_P(ParallelFor, RunsEveryIterationOnceOwnersFromTheFrontThievesFromTheBack) {
  kconv_set_num_threads(GetParam());
  for (int size : {0, 1, 2, 3, 7, 100}) {
    for (int min : {0, -5, 12}) {
      Counts counts(size);
      int offset = min;
      ASSERT_EQ(kconv_parallel_for(&counts, countRun, min, size, reinterpret_cast<uint8_t *>(&offset)), 0);
      for (int i = 0; i < size; ++i)
        EXPECT_EQ(counts.runs[i].load(), 1) << "size " << size << " min " << min << " index " << i;
      // Share t of T is [size*t/T, size*(t+1)/T): its owner ran a prefix of it (the
      // same rows each run, unless another thread had to help), others a suffix.
      // The threads the runner used: the request capped at the cores unless the
      // environment lifts the cap (the lit config does; a direct run may not).
      int threads = kconv_get_num_threads();
      int shares = kconv_loop_threads(size, threads);
      for (int t = 0; t < shares && size > 1 && threads > 1; ++t) {
        int first = size * t / shares, last = size * (t + 1) / shares;
        int i = first;
        while (i < last && counts.thread[i] == t)
          ++i;
        for (; i < last; ++i)
          EXPECT_NE(counts.thread[i], t) << "share " << t << " of size " << size
                                         << ": its owner ran index " << i << " after a thief";
      }
    }
  }
}

TEST(ParallelForTakeover, ThreadsDoneEarlyTakeOverASlowThreadsShare) {
  for (int threads : {2, 3, 5}) {
    kconv_set_num_threads(threads);
    // The last thread's first iteration lasts until all the others have run: the
    // others must run the rest of its share (with a static split it ran all four).
    int size = 4 * threads, offset = 0;
    Counts counts(size);
    counts.slowThread = threads - 1;
    ASSERT_EQ(kconv_parallel_for(&counts, countRun, 0, size, reinterpret_cast<uint8_t *>(&offset)), 0);
    for (int i = 0; i < size; ++i)
      EXPECT_EQ(counts.runs[i].load(), 1) << threads << " threads, index " << i;
    // (It may run none: the others can take its whole share before it starts.)
    int byLast = (int)std::count(counts.thread.begin(), counts.thread.end(), threads - 1);
    EXPECT_LE(byLast, 1) << threads << " threads: the slow thread ran " << byLast
                         << " of its 4 iterations";
  }
  kconv_set_num_threads(0);
}

int failAtSeven(void *, int index, uint8_t *) { return index == 7 ? -27 : 0; }

TEST_P(ParallelFor, ReturnsATaskError) {
  kconv_set_num_threads(GetParam());
  EXPECT_EQ(kconv_parallel_for(nullptr, failAtSeven, 0, 20, nullptr), -27);
  EXPECT_EQ(kconv_parallel_for(nullptr, failAtSeven, 8, 20, nullptr), 0);
}

/// Fails at 17 (in the last thread's share, not the calling thread's) the way a
/// pipeline does: halide_error records the message on the thread that runs the task.
/// The message names the thread count (the closure), so one left on the calling
/// thread by an earlier run does not pass for this one's.
int failAtSeventeen(void *, int index, uint8_t *closure) {
  if (index != 17)
    return 0;
  std::string message = "task 17 failed at " + std::to_string(*reinterpret_cast<int *>(closure)) +
                        " threads\n";
  halide_error(nullptr, message.c_str());
  return -27;
}

TEST_P(ParallelFor, HandsATaskErrorMessageToTheCallingThread) {
  int threads = GetParam();
  kconv_set_num_threads(threads);
  EXPECT_EQ(kconv_parallel_for(nullptr, failAtSeventeen, 0, 20, reinterpret_cast<uint8_t *>(&threads)),
            -27);
  EXPECT_EQ(std::string(kconv_last_error()), "task 17 failed at " + std::to_string(threads) + " threads");
}

int outerRun(void *context, int index, uint8_t *) {
  auto *counts = static_cast<Counts *>(context);
  int offset = 0;
  // A loop nested in a parallel loop runs on the calling thread, entirely.
  Counts innerCounts(10);
  int status = kconv_parallel_for(&innerCounts, countRun, 0, 10, reinterpret_cast<uint8_t *>(&offset));
  for (int i = 0; i < 10; ++i)
    if (innerCounts.runs[i].load() != 1 || innerCounts.thread[i] != omp_get_thread_num())
      return -1;
  counts->runs[index]++;
  return status;
}

TEST_P(ParallelFor, RunsNestedLoopsInPlace) {
  kconv_set_num_threads(GetParam());
  Counts counts(6);
  ASSERT_EQ(kconv_parallel_for(&counts, outerRun, 0, 6, nullptr), 0);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(counts.runs[i].load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Threads, ParallelFor, ::testing::Values(1, 2, 3, 5));

// The thread cap per loop: as few threads as keep the critical path of whole
// iterations, never more than the iterations or the threads asked for.
TEST(LoopThreads, FewestThreadsThatKeepTheCriticalPath) {
  EXPECT_EQ(kconv_loop_threads(20, 16), 10); // 2 iterations each either way
  EXPECT_EQ(kconv_loop_threads(56, 16), 14); // 4 each
  EXPECT_EQ(kconv_loop_threads(64, 16), 16);
  EXPECT_EQ(kconv_loop_threads(7, 16), 7);   // fewer iterations than threads
  EXPECT_EQ(kconv_loop_threads(3, 2), 2);    // two threads stay two
  EXPECT_EQ(kconv_loop_threads(1, 64), 1);
  EXPECT_EQ(kconv_loop_threads(0, 4), 1);
  EXPECT_EQ(kconv_loop_threads(100, 1), 1);
  for (int size = 1; size <= 200; ++size)
    for (int threads = 1; threads <= 70; ++threads) {
      int used = kconv_loop_threads(size, threads);
      int wanted = std::min(size, threads);
      EXPECT_LE(used, wanted);
      EXPECT_EQ((size + used - 1) / used, (size + wanted - 1) / wanted)
          << size << " iterations, " << threads << " threads";
    }
}

} // namespace
