// kconv.adaptive_pool2d (Keras 3 adaptive pooling): shape inference and checks.
#include "OpChecks.h"

#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult AdaptivePool2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 4, "the input")) ||
      failed(checkPositivePair(*this, "output_size", getOutputSize())))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ImageAxes axes = imageAxes(getDataFormat());
  shape.assign(in.begin(), in.end());
  shape[axes.h] = getOutputSize()[0];
  shape[axes.w] = getOutputSize()[1];
  // Halide indexes with int32: the window bounds (i + 1) * L must fit.
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) {
    if (!known(in[spatial[i]]))
      continue;
    std::optional<int64_t> bound = llvm::checkedMul(in[spatial[i]], getOutputSize()[i]);
    if (!bound || *bound > (int64_t(1) << 31) - 1)
      return emitError() << "the input " << (i ? "width" : "height") << " (" << in[spatial[i]]
                         << ") times the output size (" << getOutputSize()[i]
                         << ") exceeds kconv's limit of 2^31 - 1";
  }
  return success();
}
