#include "CostModel.h"

#include "Conv2DSchedule.h"

#include <algorithm>

namespace kconv::codegen {

bool spillsRegisters(int64_t accumulators, int vectors, int floatLanes) {
  return accumulators + vectors + 1 > vectorRegisters(floatLanes);
}

namespace {
/// Work done per useful output when a split of `factor` over `extent` recomputes an
/// overlapping last tile (ShiftInwards).
double waste(int64_t extent, int64_t factor) {
  return double((extent + factor - 1) / factor * factor) / double(extent);
}
} // namespace

double candidateScore(const Conv2DSchedule &s, const Conv2DLayer &layer, const ImageInfo &out,
                      int naturalWidth, int threads) {
  bool channels = s.vectorize == Conv2DSchedule::Vectorize::Channels;
  int64_t accumulators =
      channels ? int64_t(s.vectors) * s.tileX * s.tileY : int64_t(s.vectors) * s.tileY * out.channels;
  int64_t sweetSpot = s.unrollTaps ? 8 : accumulatorBudget(naturalWidth);
  double score = double(std::min(accumulators, sweetSpot)) / double(sweetSpot);
  if (s.unrollTaps && accumulators > sweetSpot)
    score *= double(sweetSpot) / double(accumulators);
  int widest = channels ? std::max(4, largestPowerOfTwoAtMost(out.channels, naturalWidth))
                       : naturalWidth;
  score *= double(s.vectorWidth) / widest;
  if (!channels && inputChannelsPerGroup(layer) * layer.groups > 1)
    score *= 0.5;
  score /= channels ? waste(out.channels, s.vectorWidth * s.vectors) * waste(out.width, s.tileX)
                    : waste(out.width, s.vectorWidth * s.vectors);
  score /= waste(out.height, s.tileY);
  if (s.winograd) {
    // The register tile splits the row's Winograd tiles, not its columns; tiles past
    // the edge are computed too. F(2x2, 3x3) measured 1.85-2.1x the direct form's speed
    // at one thread (docs/schedules.md), F(4x4, 3x3) 2.2-3.2x.
    int64_t m = s.winograd, tiles = (out.width + m - 1) / m;
    score *= waste(out.width, s.tileX) / waste(tiles, s.tileX);
    score /= waste(out.width, m) * waste(out.height, m);
    score *= m == 2 ? 1.9 : 2.6;
  }
  if (threads > 1 && !s.parallel)
    score *= 0.5;
  if (threads == 1 && !s.parallel)
    score *= 1.01;
  if (s.stageInput == hasDenseReduction(layer))
    score *= 1.05;
  if (s.channelsOuter == hasLargeWeights(layer))
    score *= 1.1;
  return score;
}

double layerFlops(const PipelinePlan &plan, const Conv2DLayer &layer) {
  const ImageInfo out = plan.imageOut(layer);
  double macsPerOutput = double(layer.kernelValues.size()) / double(layer.filters);
  return 2.0 * double(out.batch.value_or(1)) * double(out.height) * double(out.width) *
         double(out.channels) * macsPerOutput;
}

double multiplyShare(const Conv2DSchedule &s, const Conv2DLayer &layer) {
  if (!s.winograd)
    return 1.0;
  double m = s.winograd, alongX = (m + 2) / (3 * m);
  return layer.kernel[0] == 1 ? alongX : alongX * alongX;
}

double layerUsefulFlops(const PipelinePlan &plan, const Conv2DLayer &layer) {
  const ImageInfo in = plan.imageIn(layer), out = plan.imageOut(layer);
  // (output, tap) pairs along one axis whose input index is inside the image.
  auto inside = [](int64_t outputs, int64_t taps, int64_t stride, int64_t dilation,
                   int64_t padBefore, int64_t extent) {
    int64_t pairs = 0;
    for (int64_t o = 0; o < outputs; ++o)
      for (int64_t k = 0; k < taps; ++k) {
        int64_t i = o * stride - padBefore + k * dilation;
        pairs += i >= 0 && i < extent;
      }
    return double(pairs) / double(std::max<int64_t>(outputs * taps, 1));
  };
  return layerFlops(plan, layer) *
         inside(out.height, layer.kernel[0], layer.strides[0], layer.dilation[0], layer.padding[0],
                in.height) *
         inside(out.width, layer.kernel[1], layer.strides[1], layer.dilation[1], layer.padding[2],
                in.width);
}

} // namespace kconv::codegen
