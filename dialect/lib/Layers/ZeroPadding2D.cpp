// kconv.zero_pad2d (Keras ZeroPadding2D): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult ZeroPad2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  return inferPadded(*this, getInput(), getPadding(), getDataFormat(), +1, "padding", shape);
}
