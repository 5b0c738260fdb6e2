#include "kconv/Dialect/ConvGeometry.h"

#include <algorithm>

namespace kconv {

AxisPadding computeAxisPadding(bool same, int64_t in, int64_t kernel, int64_t stride,
                               int64_t dilation) {
  if (!same)
    return {};
  int64_t effectiveKernel = (kernel - 1) * dilation + 1;
  int64_t out = (in + stride - 1) / stride;
  int64_t total = std::max<int64_t>((out - 1) * stride + effectiveKernel - in, 0);
  return {total / 2, total - total / 2};
}

std::optional<int64_t> computeAxisOutput(int64_t in, int64_t kernel, int64_t stride,
                                         int64_t dilation, AxisPadding pad) {
  int64_t effectiveKernel = (kernel - 1) * dilation + 1;
  int64_t span = in + pad.before + pad.after - effectiveKernel;
  if (span < 0)
    return std::nullopt;
  return span / stride + 1;
}

} // namespace kconv
