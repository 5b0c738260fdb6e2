// The tuner's search space: every candidate can be compiled (split factors within the
// output, a tile's vectors within the target's registers: AVX-512's 32, AVX2's 16), none is listed twice, and the
// heuristic default comes first. Shapes from the benchmark suite and odd ones.
#include "Conv2DSchedule.h"
#include "ConvPlan.h"
#include "kconv/Codegen/Autotune.h"
#include "kconv/Codegen/HalideEmitter.h"

#include <gtest/gtest.h>

#include <set>

using namespace kconv::codegen;

namespace {

bool padded(const Conv2DLayer &layer) {
  return layer.padding != std::array<int64_t, 4>{0, 0, 0, 0};
}

bool depthwise(const Conv2DLayer &layer) { return layer.groups == layer.filters; }

/// One input channel per filter: the reduction runs over the kernel taps alone.
bool tapsOnly(const Conv2DLayer &layer, const Shape &shape) {
  return depthwise(layer) || shape.c == 1;
}

Conv2DSchedule defaultFor(const Shape &shape) {
  Conv2DLayer layer;
  PipelinePlan plan = planFor(shape, layer);
  Conv2DSchedule s;
  EXPECT_TRUE(defaultSchedule(plan, layer, "x86-64-linux-sse41-avx-avx2-fma-f16c-avx512", s));
  return s;
}

class ScheduleSpace : public ::testing::TestWithParam<Shape> {};

TEST_P(ScheduleSpace, EveryCandidateFitsTheOutputAndTheRegisters) {
  // AVX-512 (16 float lanes, 32 registers) and AVX2 (8 lanes, 16 registers).
  for (auto [vectorWidth, registers] : {std::pair{16, 32}, std::pair{8, 16}}) {
  SCOPED_TRACE("vectorWidth " + std::to_string(vectorWidth));
  Conv2DLayer layer;
  PipelinePlan plan = planFor(GetParam(), layer);
  ImageInfo out = plan.imageOut(layer);
  std::vector<Conv2DSchedule> space = scheduleSpace(plan, layer, vectorWidth);
  ASSERT_GT(space.size(), 1u);
  std::set<std::string> seen;
  for (const Conv2DSchedule &s : space) {
    SCOPED_TRACE(s.str());
    EXPECT_TRUE(seen.insert(s.str()).second) << "listed twice";
    bool channels = s.vectorize == Conv2DSchedule::Vectorize::Channels;
    int64_t lanes = int64_t(s.vectorWidth) * s.vectors;
    EXPECT_LE(lanes, channels ? out.channels : out.width);
    EXPECT_LE(s.tileX, out.width);
    EXPECT_LE(s.tileY, out.height);
    int64_t accumulators = channels ? int64_t(s.vectors) * s.tileX * s.tileY
                                    : int64_t(s.vectors) * s.tileY * out.channels;
    EXPECT_LE(accumulators + s.vectors + 1, registers) << "spills";
    if (!channels) {
      EXPECT_FALSE(s.channelsOuter);
    }
    if (s.stageInput) {
      EXPECT_TRUE(padded(layer));
    }
    if (s.trimColumns) {
      EXPECT_TRUE(padded(layer) && channels && !depthwise(layer));
    }
    if (s.unrollTaps) {
      EXPECT_TRUE(tapsOnly(layer, GetParam()));
    }
  }
  }
}

TEST_P(ScheduleSpace, TheDefaultComesFirstAndItsFlipsAreThere) {
  Conv2DLayer layer;
  PipelinePlan plan = planFor(GetParam(), layer);
  std::vector<Conv2DSchedule> space = scheduleSpace(plan, layer, 16);
  Conv2DSchedule emitted; // what kconvc compiles without tuning, on a 16-lane target
  ASSERT_TRUE(defaultSchedule(plan, layer, "x86-64-linux-sse41-avx-avx2-fma-f16c-avx512", emitted));
  EXPECT_EQ(space[0].str(), emitted.str());
  auto listed = [&](const Conv2DSchedule &s) {
    for (size_t i = 1; i < space.size(); ++i)
      if (space[i] == s)
        return true;
    return false;
  };
  // A Winograd default (no flips of its own) is followed by the direct default's.
  Conv2DSchedule direct = space[0];
  if (space[0].winograd) {
    direct = heuristicSchedule(layer, plan.imageIn(layer), plan.imageOut(layer), 16, 0);
    EXPECT_EQ(direct.winograd, 0);
    EXPECT_TRUE(listed(direct)) << direct.str();
  }
  Conv2DSchedule staging = direct, trimming = direct, unrolling = direct;
  staging.stageInput = !staging.stageInput;
  trimming.trimColumns = !trimming.trimColumns;
  unrolling.unrollTaps = !unrolling.unrollTaps;
  bool channels = direct.vectorize == Conv2DSchedule::Vectorize::Channels;
  EXPECT_EQ(listed(staging), padded(layer)) << direct.str();
  EXPECT_EQ(listed(trimming), padded(layer) && channels && !depthwise(layer)) << direct.str();
  EXPECT_EQ(listed(unrolling), tapsOnly(layer, GetParam())) << direct.str();
}

/// The direct form's default, where Winograd's would be the default.
Conv2DSchedule directDefaultFor(const Shape &shape) {
  Conv2DLayer layer;
  PipelinePlan plan = planFor(shape, layer);
  return heuristicSchedule(layer, plan.imageIn(layer), plan.imageOut(layer), 16, 0);
}

// The direct default trims columns where many (column, kernel column) pairs fall on
// padding.
TEST(ScheduleDefault, TrimsColumnsOfNarrowPaddedLayers) {
  auto trims = [](const Shape &shape) { return directDefaultFor(shape).trimColumns; };
  EXPECT_TRUE(trims(Shape{14, 14, 256, 256, 3, 1, 1, true}));   // b: 4.8% of the pairs
  EXPECT_TRUE(trims(Shape{28, 28, 128, 128, 3, 1, 1, true}));   // h: 2.4%
  EXPECT_TRUE(trims(Shape{56, 56, 64, 64, 3, 1, 1, true}));     // a: 1.2%
  EXPECT_FALSE(trims(Shape{112, 112, 64, 64, 3, 1, 1, true}));  // 0.6%
  EXPECT_FALSE(trims(Shape{56, 56, 8, 64, 3, 1, 1, true}));     // 8 input channels
  EXPECT_FALSE(trims(Shape{224, 224, 3, 64, 7, 2, 1, true}));   // d: 3 channels, 0.8%
  EXPECT_FALSE(trims(Shape{28, 28, 1, 32, 3, 1, 1, false}));    // 'valid': no padding
  EXPECT_FALSE(trims(Shape{14, 14, 32, 32, 3, 1, 32, true}));   // depthwise
}

// Fewer filters than lanes: narrower channel vectors while 4 filters fill them (lanes
// along the width would gather each input vector), the width below that.
TEST(ScheduleDefault, NarrowChannelVectorsForFewFilters) {
  auto vectorized = [](const Shape &shape) {
    Conv2DSchedule s = defaultFor(shape);
    bool channels = s.vectorize == Conv2DSchedule::Vectorize::Channels;
    return std::string(channels ? "channels" : "width") + " x" + std::to_string(s.vectorWidth);
  };
  EXPECT_EQ(vectorized(Shape{56, 56, 32, 64, 3, 1, 1, true}), "channels x16");
  EXPECT_EQ(vectorized(Shape{56, 56, 32, 12, 3, 1, 1, true}), "channels x8");
  EXPECT_EQ(vectorized(Shape{56, 56, 32, 8, 3, 1, 1, true}), "channels x8");
  EXPECT_EQ(vectorized(Shape{56, 56, 4, 4, 3, 1, 4, true}), "channels x4");
  EXPECT_EQ(vectorized(Shape{56, 56, 32, 3, 3, 1, 1, true}), "width x16");
  // Along the width, rows fill the accumulators: 2 vectors x 3 filters x 4 rows.
  EXPECT_EQ(defaultFor(Shape{56, 56, 32, 3, 3, 1, 1, true}).tileY, 4);
  EXPECT_EQ(defaultFor(Shape{7, 56, 32, 3, 3, 1, 1, true}).tileY, 1); // 7 rows: no divisor
}

// The default unrolls the taps of reductions over taps alone, with one channel vector
// per tile (the taps' weights share the registers), and leaves dense reductions and
// width vectors (every filter's weights per tap) alone.
TEST(ScheduleDefault, UnrollsTheTapsOfDepthwiseLayers) {
  for (const Shape &shape : {Shape{112, 112, 32, 32, 3, 1, 32, true},  // f
                             Shape{56, 56, 96, 96, 5, 1, 96, true},     // 5x5 depthwise
                             Shape{28, 28, 192, 192, 7, 1, 192, true},  // 7x7 depthwise
                             Shape{56, 56, 8, 8, 3, 1, 8, true},        // 8-lane vectors
                             Shape{28, 28, 1, 32, 3, 1, 1, false}}) {   // i
    Conv2DSchedule s = defaultFor(shape);
    SCOPED_TRACE(s.str());
    EXPECT_TRUE(s.unrollTaps);
    EXPECT_EQ(s.vectors, 1);
    EXPECT_FALSE(s.stageInput);
  }
  EXPECT_FALSE(defaultFor(Shape{56, 56, 64, 64, 3, 1, 1, true}).unrollTaps);  // a: dense
  EXPECT_FALSE(defaultFor(Shape{56, 56, 3, 3, 3, 1, 3, true}).unrollTaps);    // width vectors
  EXPECT_FALSE(defaultFor(Shape{14, 14, 64, 64, 9, 1, 64, true}).unrollTaps); // 81 taps
}

// Winograd's F(2x2, 3x3) by default for 3x3 stride-1 layers of at least 32 channels
// and filters and 32 tiles (ResNet50's 56, 28 and 14 wide ones, not its 7x7x512).
TEST(ScheduleDefault, WinogradForWideStrideOneThreeByThree) {
  auto winograd = [](const Shape &shape) { return defaultFor(shape).winograd; };
  EXPECT_EQ(winograd(Shape{56, 56, 64, 64, 3, 1, 1, true}), 2);
  EXPECT_EQ(winograd(Shape{28, 28, 128, 128, 3, 1, 1, true}), 2);
  EXPECT_EQ(winograd(Shape{14, 14, 256, 256, 3, 1, 1, true}), 2);
  EXPECT_EQ(winograd(Shape{16, 16, 32, 48, 3, 1, 1, false}), 2); // 'valid': 7x7 tiles
  EXPECT_EQ(winograd(Shape{7, 7, 512, 512, 3, 1, 1, true}), 0);   // 16 tiles
  EXPECT_EQ(winograd(Shape{56, 56, 64, 64, 3, 2, 1, true}), 0);   // strides 2
  EXPECT_EQ(winograd(Shape{56, 56, 16, 64, 3, 1, 1, true}), 0);   // 16 channels
  EXPECT_EQ(winograd(Shape{56, 56, 64, 24, 3, 1, 1, true}), 0);   // 24 filters
  EXPECT_EQ(winograd(Shape{56, 56, 64, 64, 3, 1, 64, true}), 0);  // depthwise
  EXPECT_EQ(winograd(Shape{56, 56, 64, 64, 5, 1, 1, true}), 0);   // 5x5
  Conv2DSchedule s = defaultFor(Shape{28, 28, 128, 128, 3, 1, 1, true});
  // 2 channel vectors x 7 Winograd tiles: half of a row.
  EXPECT_EQ(s.str(), "#kconv.schedule<vectorize = \"channels\", vector_width = 16, vectors = 2, "
                     "tile_x = 7, tile_y = 1, parallel = true, stage_input = false, "
                     "channels_outer = false, winograd = 2>");
}

// With --winograd=4, F(4x4, 3x3) where a layer has at least 16 such tiles, F(2x2, 3x3)
// where it has 32 of those only; with --winograd=0 none.
TEST(ScheduleDefault, WinogradTilesFollowTheLargestAllowed) {
  auto winograd = [](const Shape &shape, int largest) {
    Conv2DLayer layer;
    PipelinePlan plan = planFor(shape, layer);
    return heuristicSchedule(layer, plan.imageIn(layer), plan.imageOut(layer), 16, largest)
        .winograd;
  };
  EXPECT_EQ(winograd(Shape{56, 56, 64, 64, 3, 1, 1, true}, 4), 4);
  EXPECT_EQ(winograd(Shape{14, 14, 256, 256, 3, 1, 1, true}, 4), 4);  // 16 tiles of 4x4
  EXPECT_EQ(winograd(Shape{12, 12, 64, 64, 3, 1, 1, true}, 4), 2);    // 9 of 4x4, 36 of 2x2
  EXPECT_EQ(winograd(Shape{7, 7, 512, 512, 3, 1, 1, true}, 4), 0);
  EXPECT_EQ(winograd(Shape{56, 56, 64, 64, 3, 1, 1, true}, 0), 0);
  Conv2DLayer layer;
  PipelinePlan plan = planFor(Shape{28, 28, 128, 128, 3, 1, 1, true}, layer);
  for (int largest : {0, 2, 4}) {
    plan.winograd = largest;
    int most = 0;
    for (const Conv2DSchedule &s : scheduleSpace(plan, layer, 16))
      most = std::max(most, s.winograd);
    EXPECT_EQ(most, largest) << "the tuner's space with --winograd=" << largest;
  }
}

// A Conv1D (a 1x3 kernel on one row) by F(1x2, 1x3) by default, its one row of tiles
// split into column tasks.
TEST(ScheduleDefault, WinogradConv1DSplitsItsRowIntoColumnTasks) {
  Conv2DLayer layer;
  PipelinePlan plan = planFor(Shape{1, 512, 64, 64, 3, 1, 1, true}, layer);
  layer.kernel = {1, 3};
  layer.padding = {0, 0, 1, 1};
  layer.kernelValues.assign(3 * 64 * 64, 0.f);
  Conv2DSchedule s =
      heuristicSchedule(layer, plan.imageIn(layer), plan.imageOut(layer), 16, 2);
  EXPECT_EQ(s.winograd, 2);
  kconv::ParallelSplit tasks = convTasks(layer, s, plan.imageOut(layer), 2);
  EXPECT_EQ(tasks.rowTasks, 1);
  EXPECT_GT(tasks.colTasks, 1);
  layer.kernelValues.assign(3 * 16 * 64, 0.f); // 16 input channels: direct
  EXPECT_EQ(heuristicSchedule(layer, plan.imageIn(layer), plan.imageOut(layer), 16, 2).winograd,
            0);
}

// The tuner's noise check counts the multiplies a schedule does: Winograd's fewer.
TEST(ScheduleDefault, WinogradMultiplyShare) {
  Conv2DLayer layer;
  planFor(Shape{28, 28, 64, 64, 3, 1, 1, true}, layer);
  Conv2DSchedule s;
  EXPECT_DOUBLE_EQ(multiplyShare(s, layer), 1.0);
  s.winograd = 2;
  EXPECT_DOUBLE_EQ(multiplyShare(s, layer), 16.0 / 36.0);
  s.winograd = 4;
  EXPECT_DOUBLE_EQ(multiplyShare(s, layer), 36.0 / 144.0);
  layer.kernel = {1, 3}; // F(1x4, 1x3): 6 multiplies for 4 outputs of 3 taps
  EXPECT_DOUBLE_EQ(multiplyShare(s, layer), 6.0 / 12.0);
}

INSTANTIATE_TEST_SUITE_P(
    Layers, ScheduleSpace,
    ::testing::Values(Shape{56, 56, 64, 64, 3, 1, 1, true},     // a
                      Shape{14, 14, 256, 256, 3, 1, 1, true},   // b
                      Shape{56, 56, 128, 128, 3, 2, 1, true},   // e
                      Shape{112, 112, 32, 32, 3, 1, 32, true},  // f, depthwise
                      Shape{28, 28, 1, 32, 3, 1, 1, false},     // i
                      Shape{12, 10, 8, 3, 3, 1, 1, true},       // few filters: width vectors
                      Shape{7, 5, 16, 48, 5, 3, 1, true}));     // odd sizes

} // namespace
