// kconv.batch_norm (Keras BatchNormalization): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult BatchNormOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t axis = getAxis();
  if (axis >= (int64_t)in.size())
    return emitError() << "'axis' " << axis << " is out of range for input " << formatShape(in);
  if (getEpsilon().convertToDouble() < 0)
    return emitError() << "'epsilon' must be >= 0";
  int64_t channels = in[axis];
  for (auto [value, name] : {std::pair{getGamma(), "gamma"}, {getBeta(), "beta"},
                             {getMovingMean(), "moving_mean"},
                             {getMovingVariance(), "moving_variance"}})
    if (failed(checkVectorSize(*this, value, channels, name)))
      return failure();
  shape.assign(in.begin(), in.end());
  return success();
}
