// kconv.activation (Keras Activation, ReLU, LeakyReLU, ELU, Softmax): shape inference
// and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

bool ActivationOp::isPlainActivation() {
  if (getAlpha() || getMaxValue() || getNegativeSlope() || getThreshold())
    return false;
  if (std::optional<int64_t> axis = getAxis())
    return *axis == (int64_t)shapeOf(getInput()).size() - 1;
  return true;
}

LogicalResult ActivationOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  Activation kind = getActivation();
  bool softmax = kind == Activation::softmax || kind == Activation::log_softmax;
  if (getAxis() && !softmax)
    return emitError() << "'axis' applies to softmax and log_softmax only";
  if (std::optional<int64_t> axis = getAxis())
    if (*axis < 1 || *axis >= (int64_t)in.size())
      return emitError() << "softmax 'axis' " << *axis << " must name a non-batch axis of "
                         << formatShape(in);
  if ((getMaxValue() || getNegativeSlope() || getThreshold()) && kind != Activation::relu)
    return emitError() << "'max_value', 'negative_slope' and 'threshold' apply to relu only";
  if (getAlpha() && kind != Activation::leaky_relu && kind != Activation::elu)
    return emitError() << "'alpha' applies to leaky_relu and elu only";
  if (getMaxValue() && getMaxValue()->convertToDouble() < 0)
    return emitError() << "'max_value' must be >= 0 (Keras ReLU)";
  if (getNegativeSlope() && getNegativeSlope()->convertToDouble() < 0)
    return emitError() << "'negative_slope' must be >= 0 (Keras ReLU)";
  shape.assign(in.begin(), in.end());
  return success();
}
