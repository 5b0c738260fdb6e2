// kconv.group_norm (Keras GroupNormalization): shape inference and checks.
#include "OpChecks.h"

#include <cmath>

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult GroupNormOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t axis = getAxis(), groups = getGroups();
  if (axis >= (int64_t)in.size())
    return emitError() << "'axis' " << axis << " is out of range for input " << formatShape(in);
  int64_t channels = in[axis];
  if (known(channels) && channels % groups != 0)
    return emitError() << "'groups' (" << groups << ") must divide the " << channels
                       << " channels of axis " << axis;
  double epsilon = getEpsilon().convertToDouble();
  if (!(epsilon >= 0) || !std::isfinite(epsilon))
    return emitError() << "'epsilon' must be a finite number >= 0";
  for (auto [value, name] : {std::pair{getGamma(), "gamma"}, {getBeta(), "beta"}})
    if (failed(checkVectorSize(*this, value, channels, name)))
      return failure();
  shape.assign(in.begin(), in.end());
  return success();
}
