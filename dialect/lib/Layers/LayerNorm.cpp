// kconv.layer_norm (Keras LayerNormalization and RMSNormalization): shape inference and
// checks.
#include "OpChecks.h"

#include <cmath>

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult LayerNormOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> axes = getAxes();
  if (failed(checkReducedAxes(*this, getInput(), axes)))
    return failure();
  SmallVector<int64_t> weightShape;
  for (int64_t axis : axes)
    weightShape.push_back(in[axis]);
  double epsilon = getEpsilon().convertToDouble();
  if (!(epsilon >= 0) || !std::isfinite(epsilon))
    return emitError() << "'epsilon' must be a finite number >= 0";
  if (getMeanSquare() && !getRmsScaling())
    return emitError() << "'mean_square' needs 'rms_scaling'";
  // gamma and beta span the normalized axes, in order.
  for (auto [value, name] : {std::pair{getGamma(), "gamma"}, {getBeta(), "beta"}}) {
    ArrayRef<int64_t> actual = shapeOf(value);
    bool compatible = actual.size() == weightShape.size();
    for (size_t i = 0; compatible && i < actual.size(); ++i)
      compatible = !known(actual[i]) || !known(weightShape[i]) || actual[i] == weightShape[i];
    if (!compatible)
      return emitError() << name << " has shape " << formatShape(actual) << ", expected "
                         << formatShape(weightShape) << " (the input along 'axes')";
  }
  shape.assign(in.begin(), in.end());
  return success();
}
