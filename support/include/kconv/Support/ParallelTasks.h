// How many parallel tasks a layer's default schedule splits its output into, for the
// thread count it is compiled for (docs/schedules.md, "Parallel tasks"): the one rule of
// the Conv2D default and of the other layers' common schedule, plain data so that it is
// unit-tested without Halide.
#ifndef KCONV_SUPPORT_PARALLELTASKS_H
#define KCONV_SUPPORT_PARALLELTASKS_H

#include <cstdint>

namespace kconv {

/// Fewest tasks wanted at any thread count: 8 equal bands split evenly over 1, 2, 4 or 8
/// threads and leave a thread slowed by another process work to steal (the split
/// measured at one and two threads).
inline constexpr int kMinTasks = 8;
/// Beyond 4 threads, this many tasks per thread: a thread that finishes early takes
/// a whole task from a slower one.
inline constexpr int kTasksPerThread = 2;
/// Multiply-adds a Conv2D task must hold to pay for its hand-off (waking a thread,
/// claiming the task): the 0.5 M of the smallest layer worth running in parallel
/// (docs/schedules.md) in 8 tasks.
inline constexpr double kMinTaskMacs = 62500;
/// Output elements a task of a layer without a convolution's reduction (element-wise,
/// pooling, normalization) must hold: 64 KB of floats.
inline constexpr double kMinTaskElements = 16384;

/// Tasks wanted for `threads` threads: max(kMinTasks, kTasksPerThread * threads).
int64_t wantedTasks(int threads);

/// How an output of `rows` x `cols` tiles (of equal work) is split into tasks of
/// `rowsPerTask` x `colsPerTask` tiles; the last task of a row or column that does not
/// divide is shifted inwards (it recomputes a few tiles of its neighbour).
struct ParallelSplit {
  int64_t rowsPerTask = 1, colsPerTask = 1;
  int64_t rowTasks = 1, colTasks = 1;
  int64_t tasks() const { return rowTasks * colTasks; }
  bool operator==(const ParallelSplit &o) const {
    return rowsPerTask == o.rowsPerTask && colsPerTask == o.colsPerTask &&
           rowTasks == o.rowTasks && colTasks == o.colTasks;
  }
};

/// The split of `rows` x `cols` tiles holding `work` units in all for `threads` threads,
/// with at most `work / minTaskWork` tasks and wantedTasks(threads). Among those it
/// takes the shortest critical path (the tiles of the most loaded thread when each
/// thread takes whole tasks in turn; fewer than 2 threads are planned as 2, so that a
/// one-thread schedule is the two-thread one), then the least recomputed work, then no
/// split of the columns, then the most tasks. Columns are split only where rows are
/// fewer than the tasks wanted (an H = 1 Conv1D, 14 rows at 8 threads). One task
/// (rows x cols per task) when the work allows fewer than two.
ParallelSplit parallelSplit(double work, int64_t rows, int64_t cols, int threads,
                            double minTaskWork);

} // namespace kconv

#endif
