#include "kconv/Support/ConvGeometry.h"

#include <algorithm>

namespace kconv {

namespace {
std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum))
    return std::nullopt;
  return sum;
}

std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t product;
  if (__builtin_mul_overflow(a, b, &product))
    return std::nullopt;
  return product;
}
} // namespace

std::optional<int64_t> dilatedKernel(int64_t kernel, int64_t dilation) {
  std::optional<int64_t> span = checkedMul(kernel - 1, dilation);
  return span ? checkedAdd(*span, 1) : std::nullopt;
}

std::optional<int64_t> paddedSize(int64_t in, AxisPadding pad) {
  std::optional<int64_t> before = checkedAdd(in, pad.before);
  return before ? checkedAdd(*before, pad.after) : std::nullopt;
}

std::optional<AxisPadding> computeAxisPadding(bool same, int64_t in, int64_t kernel,
                                              int64_t stride, int64_t dilation) {
  if (!same)
    return AxisPadding{};
  std::optional<int64_t> effectiveKernel = dilatedKernel(kernel, dilation);
  if (!effectiveKernel)
    return std::nullopt;
  // ceil(in / stride) outputs; the last one starts at (out - 1) * stride, which is
  // below `in`, so `covered` (the input the last window start leaves) is in [1, stride]
  // and nothing below can overflow but the padded size itself.
  int64_t out = in / stride + (in % stride != 0);
  int64_t covered = in - (out - 1) * stride;
  int64_t total = std::max<int64_t>(*effectiveKernel - covered, 0);
  AxisPadding pad{total / 2, total - total / 2};
  if (!paddedSize(in, pad))
    return std::nullopt;
  return pad;
}

std::optional<int64_t> computeAxisOutput(int64_t in, int64_t kernel, int64_t stride,
                                         int64_t dilation, AxisPadding pad) {
  std::optional<int64_t> effectiveKernel = dilatedKernel(kernel, dilation);
  std::optional<int64_t> padded = paddedSize(in, pad);
  if (!effectiveKernel || !padded || *padded < *effectiveKernel)
    return std::nullopt;
  return (*padded - *effectiveKernel) / stride + 1;
}

} // namespace kconv
