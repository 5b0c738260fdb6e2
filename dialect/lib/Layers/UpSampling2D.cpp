// kconv.upsample2d (Keras UpSampling2D): shape inference and checks.
#include "OpChecks.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult UpSample2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 4, "the input")) ||
      failed(checkPositivePair(*this, "size", getSize())))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ImageAxes axes = imageAxes(getDataFormat());
  shape.assign(in.begin(), in.end());
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) {
    if (!known(in[spatial[i]]))
      continue;
    std::optional<int64_t> size = llvm::checkedMul(in[spatial[i]], getSize()[i]);
    if (!size)
      return overflowError(*this, Twine("the input ") + (i ? "width" : "height") + " (" +
                                      Twine(in[spatial[i]]) + ") times 'size' " +
                                      Twine(getSize()[i]));
    shape[spatial[i]] = *size;
  }
  return success();
}
