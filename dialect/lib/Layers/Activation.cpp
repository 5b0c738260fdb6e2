// kconv.activation (Keras Activation, ReLU, LeakyReLU, ELU, Softmax): shape inference
// and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

bool ActivationOp::isAlongAxis(Activation kind) {
  return kind == Activation::softmax || kind == Activation::log_softmax ||
         kind == Activation::sparsemax || kind == Activation::glu;
}

bool ActivationOp::isPlainActivation() {
  if (getAlpha() || getMaxValue() || getNegativeSlope() || getThreshold())
    return false;
  // Convolutions and Dense compute softmax and log_softmax only; sparsemax (a sort in
  // effect) and glu (which halves the axis) stay layers of their own.
  if (getActivation() == Activation::sparsemax || getActivation() == Activation::glu)
    return false;
  if (std::optional<int64_t> axis = getAxis())
    return *axis == (int64_t)shapeOf(getInput()).size() - 1;
  return true;
}

LogicalResult ActivationOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  Activation kind = getActivation();
  if (getAxis() && !isAlongAxis(kind))
    return emitError() << "'axis' applies to softmax, log_softmax, sparsemax and glu only";
  int64_t axis = getAxis() ? *getAxis() : (int64_t)in.size() - 1;
  if (getAxis() && (axis < 1 || axis >= (int64_t)in.size()))
    return emitError() << stringifyActivation(kind) << " 'axis' " << axis
                       << " must name a non-batch axis of " << formatShape(in);
  if ((getMaxValue() || getNegativeSlope()) && kind != Activation::relu)
    return emitError() << "'max_value', 'negative_slope' and 'threshold' apply to relu only";
  if (getThreshold() && kind != Activation::relu && kind != Activation::threshold)
    return emitError() << "'max_value', 'negative_slope' and 'threshold' apply to relu only "
                          "('threshold' also to threshold)";
  // alpha: leaky_relu's slope, elu's and celu's alpha, squareplus's b, the shrinks'
  // threshold, threshold's default value.
  if (getAlpha() && kind != Activation::leaky_relu && kind != Activation::elu &&
      kind != Activation::celu && kind != Activation::squareplus &&
      kind != Activation::soft_shrink && kind != Activation::hard_shrink &&
      kind != Activation::threshold)
    return emitError() << "'alpha' applies to leaky_relu, elu, celu, squareplus, soft_shrink, "
                          "hard_shrink and threshold only";
  if (kind == Activation::threshold && (!getThreshold() || !getAlpha()))
    return emitError() << "threshold needs 'threshold' and 'alpha' (its default value)";
  if (kind == Activation::celu && getAlpha() && getAlpha()->convertToDouble() == 0)
    return emitError() << "celu's 'alpha' must not be 0 (it divides by it)";
  if (getMaxValue() && getMaxValue()->convertToDouble() < 0)
    return emitError() << "'max_value' must be >= 0 (Keras ReLU)";
  if (getNegativeSlope() && getNegativeSlope()->convertToDouble() < 0)
    return emitError() << "'negative_slope' must be >= 0 (Keras ReLU)";
  shape.assign(in.begin(), in.end());
  if (kind == Activation::glu) {
    if (in.size() < 2 || axis < 1 || ShapedType::isDynamic(in[axis]) || in[axis] % 2 != 0)
      return emitError() << "glu splits axis " << axis << " of " << formatShape(in)
                         << " in two halves: its size must be known and even";
    shape[axis] = in[axis] / 2;
  }
  return success();
}
