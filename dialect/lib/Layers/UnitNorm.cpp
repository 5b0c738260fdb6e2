// kconv.unit_norm (Keras UnitNormalization): shape inference and checks.
#include "OpChecks.h"

#include <cmath>

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult UnitNormOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> axes = getAxes();
  if (axes.empty())
    return emitError() << "'axes' must name at least one axis";
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 1 || axes[i] >= (int64_t)in.size())
      return emitError() << "'axes' " << axes[i] << " is not a non-batch axis of input "
                         << formatShape(in);
    if (i > 0 && axes[i] <= axes[i - 1])
      return emitError() << "'axes' must be strictly increasing";
  }
  double floor = getMinSquareSum().convertToDouble();
  if (!(floor >= 0) || !std::isfinite(floor))
    return emitError() << "'min_square_sum' must be a finite number >= 0";
  shape.assign(in.begin(), in.end());
  return success();
}
