// The tuner's clock, its neighbourhood rule and its search on a small layer: the
// budget keeps room for the finals, the finals time the default and the fastest
// others, and the chosen schedule is one of the space. (Which schedule wins depends
// on the machine: not asserted; the benchmark measures that.)
#include "ConvPlan.h"
#include "MeasureInChild.h"
#include "kconv/Codegen/Autotuner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

using namespace kconv::codegen;

namespace {

TEST(TuningClock, KeepsRoomForTheLongestCandidateAndTheReservedTime) {
  TuningClock clock(/*budgetSeconds=*/10);
  EXPECT_EQ(clock.meanCandidate(), 0);
  clock.candidateStarts();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  clock.candidateEnds();
  EXPECT_GE(clock.meanCandidate(), 0.05);
  EXPECT_LT(clock.meanCandidate(), 5.0);
  EXPECT_TRUE(clock.roomForAnother(/*reservedSeconds=*/4));
  // elapsed (>= 0.05) + longest (>= 0.05) + 9.95 is past the budget.
  EXPECT_FALSE(clock.roomForAnother(/*reservedSeconds=*/9.95));
}

TEST(QuartileRun, SecondsFollowTheRepeatCount) {
  // A first run, then about kTimingWindowMs of runs: 8 at least, 400 at most.
  EXPECT_NEAR(quartileRunSeconds(1.0), (1 + kTimingWindowMs) / 1000, 1e-9);
  EXPECT_NEAR(quartileRunSeconds(100.0), 9 * 0.1, 1e-9);
  EXPECT_NEAR(quartileRunSeconds(0.001), 401 * 1e-6, 1e-12);
}

Conv2DSchedule tile(int vectors, int tileX, int tileY) {
  Conv2DSchedule s;
  s.vectorWidth = 16, s.vectors = vectors, s.tileX = tileX, s.tileY = tileY;
  return s;
}

TEST(Tuner, NeighboursAreOneStepOrTheSameTileReshaped) {
  Conv2DSchedule base = tile(2, 14, 1);
  EXPECT_TRUE(adjacentSchedules(base, tile(3, 14, 1)));
  EXPECT_TRUE(adjacentSchedules(base, tile(2, 13, 1)));
  EXPECT_TRUE(adjacentSchedules(base, tile(2, 14, 2)));
  EXPECT_TRUE(adjacentSchedules(base, tile(4, 7, 1))); // 28 accumulators either way
  EXPECT_TRUE(adjacentSchedules(base, tile(1, 14, 2)));
  Conv2DSchedule flipped = base;
  flipped.stageInput = true;
  EXPECT_TRUE(adjacentSchedules(base, flipped));
  Conv2DSchedule halved = base;
  halved.vectorWidth = 8;
  EXPECT_TRUE(adjacentSchedules(base, halved));

  EXPECT_FALSE(adjacentSchedules(base, base));
  EXPECT_FALSE(adjacentSchedules(base, tile(2, 12, 1)));     // two steps
  EXPECT_FALSE(adjacentSchedules(base, tile(3, 13, 1)));     // two dimensions
  EXPECT_FALSE(adjacentSchedules(base, tile(4, 2, 3)));      // 24 accumulators, not 28
  flipped.parallel = false;
  EXPECT_FALSE(adjacentSchedules(base, flipped));            // two flags
  Conv2DSchedule reshapedAndFlipped = tile(4, 7, 1);
  reshapedAndFlipped.channelsOuter = true;
  EXPECT_FALSE(adjacentSchedules(base, reshapedAndFlipped));
  Conv2DSchedule width = base;
  width.vectorize = Conv2DSchedule::Vectorize::Width;
  EXPECT_FALSE(adjacentSchedules(base, width));
}

TEST(Tuner, SearchesThenTimesFinalistsWithinTheBudget) {
  Conv2DLayer layer;
  PipelinePlan plan = planFor(Shape{6, 6, 4, 16, 1, 1, 1, false}, layer);
  TuneOptions options;
  options.target = "x86-64-linux-sse41-avx-avx2-fma-f16c";
  options.budgetSeconds = 5; // 0.15-0.6 s a candidate here (ASan and a busy machine: slower)
  std::vector<TuneProgress> reports;
  TuneResult result;
  auto start = std::chrono::steady_clock::now();
  kconv::Status status =
      tuneLayer(plan, layer, options, [&](const TuneProgress &p) { reports.push_back(p); }, result);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(status) << status.message();
  ASSERT_GE(result.tried, 3) << "the search measured too few candidates to have finalists";
  // Every candidate reported, then the finals announced: the default and two others.
  ASSERT_EQ(int(reports.size()), result.tried + 1);
  EXPECT_EQ(reports.back().finalists, 3);
  for (size_t i = 0; i + 1 < reports.size(); ++i)
    EXPECT_EQ(reports[i].finalists, 0);
  EXPECT_GT(result.defaultMs, 0);
  EXPECT_GT(result.bestMs, 0);
  // The finals' cost was reserved: the whole run stays near its budget (one
  // candidate's compile of slack on a busy machine).
  EXPECT_LT(seconds, options.budgetSeconds + 2);
  std::vector<Conv2DSchedule> space = scheduleSpace(plan, layer, /*vectorWidth=*/8);
  EXPECT_NE(std::find(space.begin(), space.end(), result.best), space.end());
}

} // namespace
