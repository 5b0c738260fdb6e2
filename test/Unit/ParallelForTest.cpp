// kconv_parallel_for: the loop runner the compiled pipelines use for their parallel
// loops (every iteration once, the same iterations on the same thread each call,
// errors returned, nested loops run in place).
#include "kconv/kconv_runtime.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <atomic>
#include <vector>

namespace {

struct Counts {
  std::vector<std::atomic<int>> runs;
  std::vector<int> thread;
  explicit Counts(int size) : runs(size), thread(size, -1) {}
};

int countRun(void *context, int index, uint8_t *closure) {
  auto *counts = static_cast<Counts *>(context);
  int offset = *reinterpret_cast<int *>(closure);
  counts->runs[index - offset]++;
  counts->thread[index - offset] = omp_get_thread_num();
  return 0;
}

class ParallelFor : public ::testing::TestWithParam<int> {
protected:
  void TearDown() override { kconv_set_num_threads(0); }
};

TEST_P(ParallelFor, RunsEveryIterationOnceOnTheSameThreadEachCall) {
  kconv_set_num_threads(GetParam());
  for (int size : {0, 1, 2, 3, 7, 100}) {
    for (int min : {0, -5, 12}) {
      Counts first(size), second(size);
      int offset = min;
      ASSERT_EQ(kconv_parallel_for(&first, countRun, min, size, reinterpret_cast<uint8_t *>(&offset)), 0);
      ASSERT_EQ(kconv_parallel_for(&second, countRun, min, size, reinterpret_cast<uint8_t *>(&offset)), 0);
      for (int i = 0; i < size; ++i) {
        EXPECT_EQ(first.runs[i].load(), 1) << "size " << size << " min " << min << " index " << i;
        // A static split: each thread works on the same part of the data every run.
        EXPECT_EQ(first.thread[i], second.thread[i]) << "size " << size << " index " << i;
      }
      // Contiguous shares: thread numbers never decrease along the loop.
      for (int i = 1; i < size; ++i)
        EXPECT_LE(first.thread[i - 1], first.thread[i]);
    }
  }
}

int failAtSeven(void *, int index, uint8_t *) { return index == 7 ? -27 : 0; }

TEST_P(ParallelFor, ReturnsATaskError) {
  kconv_set_num_threads(GetParam());
  EXPECT_EQ(kconv_parallel_for(nullptr, failAtSeven, 0, 20, nullptr), -27);
  EXPECT_EQ(kconv_parallel_for(nullptr, failAtSeven, 8, 20, nullptr), 0);
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

} // namespace
