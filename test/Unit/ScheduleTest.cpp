// The plain C++ Conv2D schedule: its text form parses back, and its one legality
// function gives the messages the dialect's verifiers report.
#include "kconv/Support/Schedule.h"

#include <gtest/gtest.h>

namespace {

using kconv::Conv2DSchedule;
using kconv::ConvShape;

TEST(Schedule, TextRoundTrips) {
  Conv2DSchedule s;
  s.vectorWidth = 16, s.vectors = 2, s.tileX = 6, s.tileY = 1, s.stageInput = true;
  EXPECT_EQ(s.str(), "#kconv.schedule<vectorize = \"channels\", vector_width = 16, vectors = 2, "
                     "tile_x = 6, tile_y = 1, parallel = true, stage_input = true, "
                     "channels_outer = false>");
  EXPECT_EQ(kconv::parseSchedule(s.str()), s);
  s.vectorize = Conv2DSchedule::Vectorize::Width, s.tileX = 1, s.unrollTaps = true;
  s.parallel = false;
  EXPECT_EQ(kconv::parseSchedule(s.str()), s);
  // Fields in any order, the optional ones absent or false.
  EXPECT_EQ(kconv::parseSchedule("#kconv.schedule<tile_y = 1, vectorize = \"width\", "
                                 "vector_width = 16, vectors = 2, tile_x = 1, parallel = false, "
                                 "stage_input = true, channels_outer = false, unroll_taps = true, "
                                 "trim_columns = false>"),
            s);
}

TEST(Schedule, MalformedTextIsNoSchedule) {
  std::string problem;
  for (const char *text : {"", "#kconv.schedule<vectorize = \"sideways\">",
                           "#kconv.schedule<vectorize = \"channels\", vector_width = 8, "
                           "vectors = 1, tile_x = 1, tile_y = 1, parallel = true, "
                           "stage_input = true, channels_outer = maybe>",
                           "#kconv.schedule<vectorize = \"channels\", vector_width = 8, "
                           "vectors = 1, vectors = 1, tile_x = 1, tile_y = 1, parallel = true, "
                           "stage_input = true, channels_outer = false>"}) {
    EXPECT_FALSE(kconv::parseSchedule(text, &problem)) << text;
    EXPECT_EQ(problem, "") << text;
  }
  EXPECT_FALSE(kconv::parseSchedule(
      "#kconv.schedule<vectorize = \"channels\", vector_width = 8, vectors = 0, tile_x = 1, "
      "tile_y = 1, parallel = true, stage_input = true, channels_outer = false>",
      &problem));
  EXPECT_EQ(problem, "schedule 'vectors', 'tile_x' and 'tile_y' must be >= 1");
}

TEST(Schedule, LegalityNeedsTheLayer) {
  Conv2DSchedule s;
  s.vectorWidth = 8, s.vectors = 2, s.tileX = 7, s.trimColumns = true;
  EXPECT_EQ(kconv::scheduleError(s), std::nullopt);
  ConvShape depthwise{8, 8, 6, 6, 8};
  EXPECT_EQ(kconv::scheduleError(s, depthwise),
            "schedule 'trim_columns' needs more than one input channel per group (8 input "
            "channel(s) in 8 group(s))");
  ConvShape dense{16, 1, 6, 6, 32};
  EXPECT_EQ(kconv::scheduleError(s, dense), "schedule 'tile_x' (7) exceeds the output width (6)");
  ConvShape unknown{16, 1, -1, -1, -1};
  EXPECT_EQ(kconv::scheduleError(s, unknown), std::nullopt);
  s.vectors = 5, s.tileX = 4, s.tileY = 4;
  EXPECT_EQ(kconv::scheduleError(s),
            "schedule keeps 80 accumulator vectors per tile; at most 64 are allowed");
}

TEST(Schedule, WinogradTextAndLegality) {
  Conv2DSchedule s;
  s.vectorWidth = 16, s.vectors = 2, s.tileX = 7, s.winograd = 2;
  EXPECT_EQ(s.str(), "#kconv.schedule<vectorize = \"channels\", vector_width = 16, vectors = 2, "
                     "tile_x = 7, tile_y = 1, parallel = true, stage_input = false, "
                     "channels_outer = false, winograd = 2>");
  EXPECT_EQ(kconv::parseSchedule(s.str()), s);
  s.winograd = 4;
  EXPECT_EQ(kconv::parseSchedule(s.str()), s);
  EXPECT_NE(kconv::parseSchedule(s.str()), std::optional<Conv2DSchedule>(Conv2DSchedule{}));

  // A 28x28 3x3 stride-1 layer, 64 -> 128: 14 F(2x2) tiles a row, 7 of F(4x4).
  ConvShape layer{64, 1, 28, 28, 128, 3, 3, 1, 1, 1, 1};
  s.winograd = 2;
  EXPECT_EQ(kconv::scheduleError(s, layer), std::nullopt);
  s.winograd = 4;
  EXPECT_EQ(kconv::scheduleError(s, layer), std::nullopt);
  s.tileX = 8;
  EXPECT_EQ(kconv::scheduleError(s, layer),
            "schedule 'tile_x' (8) exceeds the 7 Winograd tiles of a row (output width 28)");
  s.tileX = 7;
  ConvShape strided = layer;
  strided.strideWidth = 2;
  EXPECT_EQ(kconv::scheduleError(s, strided),
            "schedule 'winograd' needs a 3x3 or 1x3 kernel, strides 1 and dilation 1 (kernel 3x3, "
            "strides 1x2, dilation 1x1)");
  ConvShape oneRow = layer; // a Conv1D: F(1 x m, 1 x 3)
  oneRow.kernelHeight = 1, oneRow.outHeight = 1;
  EXPECT_EQ(kconv::scheduleError(s, oneRow), std::nullopt);
  ConvShape fiveByFive = layer;
  fiveByFive.kernelHeight = fiveByFive.kernelWidth = 5;
  EXPECT_NE(kconv::scheduleError(s, fiveByFive), std::nullopt);
  ConvShape grouped = layer;
  grouped.groups = 2;
  EXPECT_EQ(kconv::scheduleError(s, grouped),
            "schedule 'winograd' needs one group of several input channels (64 input "
            "channel(s) in 2 group(s))");
  ConvShape partBlock = layer;
  partBlock.outChannels = 48;
  EXPECT_EQ(kconv::scheduleError(s, partBlock),
            "schedule 'winograd' needs the filters (48) in whole channel blocks (vector_width x "
            "vectors = 32)");

  // The schedule alone: m, channel vectors, one row, none of the direct form's flags.
  std::string problem;
  s.winograd = 3;
  EXPECT_FALSE(kconv::parseSchedule(s.str(), &problem));
  EXPECT_EQ(problem, "schedule 'winograd' must be 0 (direct), 2 or 4 (output tiles of "
                     "F(m x m, 3 x 3)), got 3");
  s.winograd = 2, s.tileY = 2;
  EXPECT_EQ(kconv::scheduleError(s), "schedule 'winograd' needs tile_y = 1 (a register tile "
                                     "holds Winograd tiles of one row)");
  s.tileY = 1, s.trimColumns = true;
  EXPECT_NE(kconv::scheduleError(s), std::nullopt);
  s.trimColumns = false, s.vectorize = Conv2DSchedule::Vectorize::Width, s.tileX = 1;
  EXPECT_EQ(kconv::scheduleError(s), "schedule 'winograd' needs vectorize = \"channels\"");
}

TEST(GpuSchedule, TextRoundTrips) {
  kconv::GpuConvSchedule s;
  s.tileC = 4, s.tileX = 2, s.tileY = 1, s.threadsC = 16, s.threadsX = 8;
  EXPECT_EQ(s.str(), "#kconv.gpu_schedule<tile_c = 4, tile_x = 2, tile_y = 1, threads_c = 16, "
                     "threads_x = 8>");
  EXPECT_EQ(kconv::parseGpuSchedule(s.str()), s);
  // Any field order and spacing.
  EXPECT_EQ(kconv::parseGpuSchedule("#kconv.gpu_schedule< threads_x=8, tile_y = 1, tile_x = 2, "
                                    "threads_c = 16,tile_c = 4 >"),
            s);
}

TEST(GpuSchedule, MalformedTextIsNoSchedule) {
  for (const char *text :
       {"", "#kconv.gpu_schedule<>", "#kconv.gpu_schedule<tile_c = 1>",
        "#kconv.gpu_schedule<tile_c = 1, tile_x = 1, tile_y = 1, threads_c = 1>",
        "#kconv.gpu_schedule<tile_c = 1, tile_x = 1, tile_y = 1, threads_c = 1, threads_x = 1,"
        " tile_c = 1>",
        "#kconv.gpu_schedule<tile_c = 1, tile_x = 1, tile_y = 1, threads_c = 1, threads_x = 1, "
        "lanes = 1>",
        "#kconv.gpu_schedule<tile_c = x, tile_x = 1, tile_y = 1, threads_c = 1, threads_x = 1>",
        "#kconv.gpu_schedule<tile_c = 1, tile_x = 1, tile_y = 1, threads_c = 1, threads_x = 1> x",
        "#kconv.schedule<tile_c = 1, tile_x = 1, tile_y = 1, threads_c = 1, threads_x = 1>"}) {
    std::string problem;
    EXPECT_FALSE(kconv::parseGpuSchedule(text, &problem)) << text;
    EXPECT_EQ(problem, "") << text;
  }
}

TEST(GpuSchedule, LegalityMessages) {
  std::string problem;
  EXPECT_FALSE(kconv::parseGpuSchedule(
      "#kconv.gpu_schedule<tile_c = 0, tile_x = 1, tile_y = 1, threads_c = 1, threads_x = 1>",
      &problem));
  EXPECT_EQ(problem, "GPU schedule 'tile_c' must be in [1, 1024], got 0");
  EXPECT_FALSE(kconv::parseGpuSchedule(
      "#kconv.gpu_schedule<tile_c = 8, tile_x = 4, tile_y = 2, threads_c = 1, threads_x = 1>",
      &problem));
  EXPECT_EQ(problem, "GPU schedule tile 8 x 4 x 2 holds more than 32 accumulators per thread");
  EXPECT_FALSE(kconv::parseGpuSchedule(
      "#kconv.gpu_schedule<tile_c = 1, tile_x = 1, tile_y = 1, threads_c = 24, threads_x = 1>",
      &problem));
  EXPECT_EQ(problem, "GPU schedule threads 24 x 1 must be powers of two, at most 1024 in a block");
  kconv::GpuConvSchedule s;
  s.threadsC = 64, s.threadsX = 32;
  EXPECT_EQ(kconv::gpuScheduleError(s),
            "GPU schedule threads 64 x 32 must be powers of two, at most 1024 in a block");
  // Within the layer's output: every tile fits (the last is shifted inwards).
  s.threadsX = 16, s.tileC = 4, s.tileY = 3;
  ConvShape shape;
  shape.outChannels = 3, shape.outHeight = 3, shape.outWidth = 7;
  EXPECT_EQ(kconv::gpuScheduleError(s, shape), "GPU schedule tile_c = 4 exceeds the output's 3");
  s.tileC = 3;
  EXPECT_EQ(kconv::gpuScheduleError(s, shape), std::nullopt);
  shape.outHeight = 2;
  EXPECT_EQ(kconv::gpuScheduleError(s, shape), "GPU schedule tile_y = 3 exceeds the output's 2");
}

} // namespace
