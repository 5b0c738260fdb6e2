#include "kconv/Support/ParallelTasks.h"

#include <algorithm>
#include <tuple>

namespace kconv {

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
} // namespace

int64_t wantedTasks(int threads) {
  return std::max<int64_t>(kMinTasks, int64_t(kTasksPerThread) * std::max(threads, 1));
}

ParallelSplit parallelSplit(double work, int64_t rows, int64_t cols, int threads,
                            double minTaskWork) {
  rows = std::max<int64_t>(rows, 1), cols = std::max<int64_t>(cols, 1);
  ParallelSplit serial{rows, cols, 1, 1};
  double byWork = minTaskWork > 0 ? work / minTaskWork : double(rows * cols);
  int64_t limit = std::min<int64_t>(wantedTasks(threads), int64_t(std::min(byWork, 1e9)));
  if (limit < 2)
    return serial;
  int64_t planned = std::max(threads, 2);
  // Columns only when rows alone give fewer tasks than wanted (an H = 1 Conv1D, 7 rows
  // at 16 threads): a band of whole rows is contiguous, and its staged input slides.
  int64_t colLimit = rows < wantedTasks(threads) ? limit : 1;
  ParallelSplit best = serial;
  // (critical path, recomputed tiles, columns split, -tasks): smallest wins.
  auto key = [&](const ParallelSplit &s) {
    int64_t path = ceilDiv(s.tasks(), planned) * s.rowsPerTask * s.colsPerTask;
    int64_t extra = s.tasks() * s.rowsPerTask * s.colsPerTask - rows * cols;
    return std::make_tuple(path, extra, s.colTasks > 1, -s.tasks());
  };
  for (int64_t r = 1; r <= std::min(rows, limit); ++r) {
    ParallelSplit s;
    s.rowsPerTask = ceilDiv(rows, r), s.rowTasks = ceilDiv(rows, s.rowsPerTask);
    for (int64_t c = 1; c <= std::min({cols, colLimit, limit / s.rowTasks}); ++c) {
      s.colsPerTask = ceilDiv(cols, c), s.colTasks = ceilDiv(cols, s.colsPerTask);
      if (s.tasks() <= limit && key(s) < key(best))
        best = s;
    }
  }
  return best;
}

} // namespace kconv
