// kconv.unit_norm (Keras UnitNormalization): shape inference and checks.
#include "OpChecks.h"

#include <cmath>

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult UnitNormOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (failed(checkReducedAxes(*this, getInput(), getAxes())))
    return failure();
  double floor = getMinSquareSum().convertToDouble();
  if (!(floor >= 0) || !std::isfinite(floor))
    return emitError() << "'min_square_sum' must be a finite number >= 0";
  shape.assign(in.begin(), in.end());
  return success();
}
