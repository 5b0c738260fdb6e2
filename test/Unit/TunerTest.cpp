// The tuner's clock, its neighbourhood rule and its search on a small layer: the
// budget keeps room for the finals, the finals time the default and the fastest
// others, and the chosen schedule is one of the space. (Which schedule wins depends
// on the machine: not asserted; the benchmark measures that.)
#include "ConvPlan.h"
#include "MeasureInChild.h"
#include "kconv/Codegen/Autotune.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

using namespace kconv::codegen;

namespace {

/// A clock the test moves by hand: no sleeping, no dependence on the machine's speed.
struct FakeClock {
  double seconds = 100;
  TuningClock::Now now() {
    return [this] { return seconds; };
  }
};

TEST(TuningClock, KeepsRoomForTheLongestCandidateAndTheReservedTime) {
  FakeClock time;
  TuningClock clock(/*budgetSeconds=*/10, time.now());
  EXPECT_EQ(clock.elapsed(), 0);
  EXPECT_EQ(clock.meanCandidate(), 0);
  clock.candidateStarts();
  time.seconds += 2;
  clock.candidateEnds();
  time.seconds += 1; // between candidates
  clock.candidateStarts();
  time.seconds += 1;
  clock.candidateEnds();
  EXPECT_EQ(clock.elapsed(), 4);
  EXPECT_EQ(clock.meanCandidate(), 1.5);
  // elapsed 4 + longest 2 + reserved: 4 fits the budget of 10 exactly, 4.5 does not.
  EXPECT_TRUE(clock.roomForAnother(/*reservedSeconds=*/4));
  EXPECT_FALSE(clock.roomForAnother(/*reservedSeconds=*/4.5));
  time.seconds += 4.5;
  EXPECT_FALSE(clock.roomForAnother());
}

TEST(TuningClock, AnInfiniteBudgetNeverRunsOut) {
  FakeClock time;
  TuningClock clock(INFINITY, time.now());
  clock.candidateStarts();
  time.seconds += 1e6;
  clock.candidateEnds();
  EXPECT_TRUE(clock.roomForAnother(/*reservedSeconds=*/1e9));
}

TEST(TunerDisplay, SmallTimesInMicroseconds) {
  EXPECT_EQ(formatMs(0.0123), "12.3 \u00b5s");
  EXPECT_EQ(formatMs(0.9994), "999.4 \u00b5s");
  EXPECT_EQ(formatMs(1.5), "1.500 ms");
  EXPECT_EQ(formatMs(23.25), "23.250 ms");
}

TEST(TunerDisplay, CountsAgainstThePlannedCandidatesAndFlagsNoise) {
  TuneProgress p;
  p.tried = 3, p.planned = 12, p.space = 1020;
  p.bestMs = 0.0456, p.bestGflops = 123.45, p.elapsedSeconds = 2.5;
  // Candidates bound the search (no time budget): 3 of 12 is a quarter of the bar.
  EXPECT_EQ(progressLine("conv2d", p, INFINITY),
            "kconvc: tuning conv2d [######                  ] 3/12 candidates, best 45.6 \u00b5s "
            "(123.5 GFLOP/s), 2.5 s");
  // A wall-clock budget: planned is an estimate; the bar shows the time spent.
  p.estimated = true, p.remeasured = 2, p.noisy = 1, p.peakGflops = 228;
  p.finalists = 3;
  EXPECT_EQ(progressLine("conv2d", p, 5),
            "kconvc: tuning conv2d [############            ] 3/~12 candidates, best 45.6 \u00b5s "
            "(123.5 GFLOP/s), 2.5 s, 2 re-measured above 1.25x the 228 GFLOP/s peak (1 still "
            "noisy), timing 3 finalists in turns");
}

TEST(TunerPeak, UsefulFlopsLeaveOutTheTapsOnThePadding) {
  Conv2DLayer layer;
  // 3x3 "same" on 4x4: along each axis 10 of the 12 (output, tap) pairs read the image.
  PipelinePlan padded = planFor(Shape{4, 4, 8, 16, 3, 1, 1, true}, layer);
  EXPECT_DOUBLE_EQ(layerFlops(padded, layer), 2.0 * 16 * 16 * 9 * 8);
  EXPECT_DOUBLE_EQ(layerUsefulFlops(padded, layer), layerFlops(padded, layer) * 10 / 12 * 10 / 12);
  Conv2DLayer valid;
  PipelinePlan unpadded = planFor(Shape{6, 6, 4, 16, 3, 1, 1, false}, valid);
  EXPECT_DOUBLE_EQ(layerUsefulFlops(unpadded, valid), layerFlops(unpadded, valid));
}

TEST(TunerPeak, MeasuredOncePerCoreAndScaledByThreads) {
  const std::string target = "x86-64-linux-sse41-avx-avx2-fma-f16c";
  double one = machinePeakGflops(target, 1);
  EXPECT_GT(one, 0);
  EXPECT_EQ(machinePeakGflops(target, 1), one); // measured once, then remembered
  if (std::thread::hardware_concurrency() >= 2) {
    EXPECT_EQ(machinePeakGflops(target, 2), 2 * one);
  }
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
  // A budget of candidates, not seconds: the same search on a fast or a loaded machine.
  options.budgetSeconds = INFINITY;
  options.maxCandidates = 4;
  options.peakGflops = 1e9; // no timing is above it: nothing re-measured
  std::vector<TuneProgress> reports;
  TuneResult result;
  kconv::Status status =
      tuneLayer(plan, layer, options, [&](const TuneProgress &p) { reports.push_back(p); }, result);
  ASSERT_TRUE(status) << status.message();
  std::vector<Conv2DSchedule> space = scheduleSpace(plan, layer, /*vectorWidth=*/8);
  ASSERT_GT(space.size(), 4u);
  EXPECT_EQ(result.tried, 4);
  EXPECT_EQ(result.remeasured, 0);
  // Every candidate reported against the 4 planned (not the whole space), then the
  // finals announced: the default and two others.
  ASSERT_EQ(int(reports.size()), result.tried + 1);
  for (size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].planned, 4);
    EXPECT_FALSE(reports[i].estimated);
    EXPECT_EQ(reports[i].space, int(space.size()));
    EXPECT_EQ(reports[i].finalists, i + 1 < reports.size() ? 0 : 3);
  }
  EXPECT_GT(result.defaultMs, 0);
  EXPECT_GT(result.bestMs, 0);
  EXPECT_NE(std::find(space.begin(), space.end(), result.best), space.end());
}

TEST(Tuner, ReMeasuresTimingsAboveThePeak) {
  Conv2DLayer layer;
  PipelinePlan plan = planFor(Shape{6, 6, 4, 16, 1, 1, 1, false}, layer);
  TuneOptions options;
  options.target = "x86-64-linux-sse41-avx-avx2-fma-f16c";
  options.budgetSeconds = INFINITY;
  options.maxCandidates = 2;
  options.peakGflops = 1e-9; // every timing is above this "peak": each is noisy
  std::vector<TuneProgress> reports;
  TuneResult result;
  kconv::Status status =
      tuneLayer(plan, layer, options, [&](const TuneProgress &p) { reports.push_back(p); }, result);
  ASSERT_TRUE(status) << status.message();
  EXPECT_EQ(result.tried, 2);
  EXPECT_EQ(result.remeasured, 2);
  EXPECT_EQ(result.noisy, 2); // still above it after the retries, kept (the slowest)
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.front().remeasured, 1);
  EXPECT_EQ(reports.front().peakGflops, 1e-9);
  EXPECT_GT(result.bestMs, 0);
}

} // namespace
