// kconv.rescale (Keras Rescaling): shape inference.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult RescaleOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  shape.assign(in.begin(), in.end());
  return success();
}
