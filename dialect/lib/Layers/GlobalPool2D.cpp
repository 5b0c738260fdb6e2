// kconv.global_pool2d (Keras GlobalAveragePooling2D, GlobalMaxPooling2D): shape
// inference.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult GlobalPool2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 4, "the input")))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ImageAxes axes = imageAxes(getDataFormat());
  if (!getKeepdims()) {
    shape.assign({in[0], in[axes.c]});
    return success();
  }
  shape.assign(in.begin(), in.end());
  shape[axes.h] = shape[axes.w] = 1;
  return success();
}
