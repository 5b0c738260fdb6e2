// kconv.resize (Keras Resizing): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult ResizeOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 4, "the input")) ||
      failed(checkPositivePair(*this, "size", getSize())))
    return failure();
  // Halide indexes with int32; the source coordinates are float32 (exact below 2^24).
  constexpr int64_t kMaxSize = int64_t(1) << 24;
  ArrayRef<int64_t> in = shapeOf(getInput());
  ImageAxes axes = imageAxes(getDataFormat());
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) {
    if (getSize()[i] > kMaxSize || (known(in[spatial[i]]) && in[spatial[i]] > kMaxSize))
      return emitError() << "the " << (i ? "width" : "height")
                         << " (input or 'size') exceeds kconv's limit of 2^24";
  }
  shape.assign(in.begin(), in.end());
  shape[axes.h] = getSize()[0];
  shape[axes.w] = getSize()[1];
  return success();
}
