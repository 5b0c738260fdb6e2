// kconv.crop2d (Keras Cropping2D): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult Crop2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  return inferPadded(*this, getInput(), getCropping(), getDataFormat(), -1, "cropping", shape);
}
