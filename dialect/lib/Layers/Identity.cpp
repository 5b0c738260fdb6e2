// kconv.identity (Keras Dropout and the other layers that are the identity at inference).
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult IdentityOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  shape.assign(in.begin(), in.end());
  return success();
}
