// kconv.pool2d (Keras MaxPooling2D, AveragePooling2D): shape inference and checks.
#include "OpChecks.h"
#include "kconv/Support/ConvGeometry.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult Pool2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 4, "the input")) ||
      failed(checkPositivePair(*this, "pool_size", getPoolSize())) ||
      failed(checkPositivePair(*this, "strides", getStrides())))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ImageAxes axes = imageAxes(getDataFormat());
  shape.assign(in.begin(), in.end());
  bool same = getPadding() == Padding::same;
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) {
    int64_t size = in[spatial[i]];
    if (!known(size))
      continue;
    std::optional<::kconv::AxisPadding> pad =
        ::kconv::computeAxisPadding(same, size, getPoolSize()[i], getStrides()[i], 1);
    if (!pad)
      return overflowError(*this, Twine("the input ") + (i ? "width" : "height") + " (" +
                                      Twine(size) + ") plus the 'same' padding of 'pool_size' " +
                                      Twine(getPoolSize()[i]));
    std::optional<int64_t> out =
        ::kconv::computeAxisOutput(size, getPoolSize()[i], getStrides()[i], 1, *pad);
    if (!out)
      return emitError() << "the pool window (" << getPoolSize()[i] << ") is larger than the "
                         << (i ? "width" : "height") << " of the input " << formatShape(in)
                         << " with padding 'valid'";
    shape[spatial[i]] = *out;
  }
  return success();
}
