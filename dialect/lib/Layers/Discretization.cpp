// kconv.discretization (Keras Discretization): shape inference and checks.
#include "OpChecks.h"

#include <cmath>

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult DiscretizationOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<double> bounds = getBinBoundaries();
  if (in.empty())
    return emitError() << "Discretization needs an input of rank >= 1 (batch included)";
  // Buckets are counted in float32: at most 2^24 of them stay exact.
  if (bounds.size() >= (size_t(1) << 24))
    return emitError() << "'bin_boundaries' holds " << bounds.size()
                       << " values; at most 2^24 - 1 (bucket indices are float32)";
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (std::isnan(bounds[i]))
      return emitError() << "'bin_boundaries' value " << i << " is NaN";
    if (i > 0 && float(bounds[i]) < float(bounds[i - 1]))
      return emitError() << "'bin_boundaries' must not decrease: " << bounds[i - 1]
                         << " then " << bounds[i];
  }
  shape.assign(in.begin(), in.end());
  return success();
}
