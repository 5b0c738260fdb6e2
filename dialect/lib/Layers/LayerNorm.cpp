// kconv.layer_norm (Keras LayerNormalization): shape inference and checks.
#include "OpChecks.h"

#include <cmath>

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult LayerNormOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t axis = getAxis();
  // kconv normalizes over the last axis only (Keras's default, as ConvNeXt and
  // transformers use it); codegen reduces over the innermost dimension.
  if (axis != (int64_t)in.size() - 1)
    return emitError() << "'axis' " << axis << " must be the last axis of input "
                       << formatShape(in) << " (only the last axis is supported)";
  double epsilon = getEpsilon().convertToDouble();
  if (!(epsilon >= 0) || !std::isfinite(epsilon))
    return emitError() << "'epsilon' must be a finite number >= 0";
  int64_t channels = in[axis];
  for (auto [value, name] : {std::pair{getGamma(), "gamma"}, {getBeta(), "beta"}})
    if (failed(checkVectorSize(*this, value, channels, name)))
      return failure();
  shape.assign(in.begin(), in.end());
  return success();
}
