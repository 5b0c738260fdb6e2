// The default schedules' parallel tasks (kconv::parallelSplit): the split measured at one
// and two threads kept, enough tasks per thread beyond, none for small layers, the
// columns of a single row split.
#include "kconv/Support/ParallelTasks.h"

#include <gtest/gtest.h>

namespace {

using kconv::ParallelSplit;
using kconv::parallelSplit;

constexpr double kMacs = kconv::kMinTaskMacs;

} // namespace

namespace kconv {
void PrintTo(const ParallelSplit &s, std::ostream *os) {
  *os << s.rowTasks << " x " << s.colTasks << " tasks of " << s.rowsPerTask << " x "
      << s.colsPerTask << " tiles";
}
} // namespace kconv

namespace {

int64_t criticalPath(const ParallelSplit &s, int threads) {
  return (s.tasks() + threads - 1) / threads * s.rowsPerTask * s.colsPerTask;
}

TEST(ParallelTasks, WantedTasks) {
  EXPECT_EQ(kconv::wantedTasks(1), 8);
  EXPECT_EQ(kconv::wantedTasks(2), 8);
  EXPECT_EQ(kconv::wantedTasks(4), 8);
  EXPECT_EQ(kconv::wantedTasks(8), 16);
  EXPECT_EQ(kconv::wantedTasks(16), 32);
  EXPECT_EQ(kconv::wantedTasks(64), 128);
}

TEST(ParallelTasks, OneAndTwoThreadsKeepTheMeasuredBands) {
  // 8, 4 or 2 equal bands of rows; 7 rows a task each; 17 rows in 6 bands of 3.
  for (int threads : {1, 2, 4}) {
    EXPECT_EQ(parallelSplit(115e6, 56, 4, threads, kMacs), (ParallelSplit{7, 4, 8, 1}));
    EXPECT_EQ(parallelSplit(10e6, 112, 8, threads, kMacs), (ParallelSplit{14, 8, 8, 1}));
    EXPECT_EQ(parallelSplit(29e6, 28, 2, threads, kMacs), (ParallelSplit{7, 2, 4, 1}));
    EXPECT_EQ(parallelSplit(5e6, 7, 1, threads, kMacs), (ParallelSplit{1, 1, 7, 1}));
  }
  // 17 rows: 6 bands of 3 at one and two threads; 4 of 5 at four (a shorter critical path
  // there: 5 rows, not 6).
  for (int threads : {1, 2})
    EXPECT_EQ(parallelSplit(1e7, 17, 2, threads, kMacs), (ParallelSplit{3, 2, 6, 1}));
  EXPECT_EQ(parallelSplit(1e7, 17, 2, 4, kMacs), (ParallelSplit{5, 2, 4, 1}));
  EXPECT_EQ(parallelSplit(29e6, 14, 1, 2, kMacs), (ParallelSplit{7, 1, 2, 1}));
}

TEST(ParallelTasks, ManyThreadsGetSeveralTasksEach) {
  // 56 rows at 16 threads: 28 bands of 2 (the critical path 4 rows, not 7 as in 8 bands).
  ParallelSplit s = parallelSplit(115e6, 56, 4, 16, kMacs);
  EXPECT_EQ(s, (ParallelSplit{2, 4, 28, 1}));
  EXPECT_EQ(criticalPath(s, 16), 16);
  EXPECT_EQ(parallelSplit(10e6, 112, 8, 16, kMacs), (ParallelSplit{7, 8, 16, 1}));
  EXPECT_EQ(parallelSplit(115e6, 56, 4, 64, kMacs).tasks(), 56);
}

TEST(ParallelTasks, SmallLayersGetFewTasksOrNone) {
  // Below two tasks' work: one task, whatever the threads.
  for (int threads : {1, 2, 16, 64})
    EXPECT_EQ(parallelSplit(1e5, 56, 4, threads, kMacs).tasks(), 1) << threads;
  // 0.3 M multiply-adds: at most 4 tasks of 62.5 K, even at 16 threads.
  EXPECT_EQ(parallelSplit(3e5, 56, 4, 16, kMacs), (ParallelSplit{14, 4, 4, 1}));
  EXPECT_EQ(parallelSplit(20000, 7, 7, 16, kconv::kMinTaskElements).tasks(), 1);
}

TEST(ParallelTasks, ASingleRowIsSplitAlongItsColumns) {
  // An H = 1 Conv1D: column tiles are the tasks.
  EXPECT_EQ(parallelSplit(1e8, 1, 64, 2, kMacs), (ParallelSplit{1, 8, 1, 8}));
  EXPECT_EQ(parallelSplit(1e8, 1, 64, 16, kMacs), (ParallelSplit{1, 2, 1, 32}));
  EXPECT_EQ(parallelSplit(786e3, 1, 20, 16, kMacs), (ParallelSplit{1, 2, 1, 10}));
  // Rows enough for the tasks wanted: whole rows (contiguous bands).
  EXPECT_EQ(parallelSplit(1e9, 56, 56, 16, kMacs).colTasks, 1);
  // 7 rows at 16 threads: columns too.
  EXPECT_GT(parallelSplit(1e9, 7, 7, 16, kMacs).colTasks, 1);
}

TEST(ParallelTasks, SplitsCoverTheTilesWithinTheLimits) {
  for (int threads : {1, 2, 3, 4, 8, 16, 24, 64})
    for (int64_t rows : {1, 2, 3, 7, 13, 14, 17, 28, 56, 112})
      for (int64_t cols : {1, 2, 5, 8, 64})
        for (double work : {1e4, 2e5, 1e6, 1e8}) {
          ParallelSplit s = parallelSplit(work, rows, cols, threads, kMacs);
          SCOPED_TRACE(testing::Message() << threads << " threads, " << rows << "x" << cols
                                          << ", work " << work);
          EXPECT_GE(s.rowsPerTask * s.rowTasks, rows);
          EXPECT_LT((s.rowTasks - 1) * s.rowsPerTask, rows);
          EXPECT_GE(s.colsPerTask * s.colTasks, cols);
          EXPECT_LT((s.colTasks - 1) * s.colsPerTask, cols);
          EXPECT_LE(s.tasks(), std::max<int64_t>(1, kconv::wantedTasks(threads)));
          EXPECT_LE(double(s.tasks()), std::max(1.0, work / kMacs));
          // A split for more threads is never slower at that count than one for fewer.
          for (int fewer : {1, 2, 4, 8})
            if (fewer < threads)
              EXPECT_LE(criticalPath(s, threads),
                        criticalPath(parallelSplit(work, rows, cols, fewer, kMacs), threads));
        }
}

} // namespace
