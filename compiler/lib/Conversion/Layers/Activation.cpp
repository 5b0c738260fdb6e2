// kconv.activation (Activation, ReLU, LeakyReLU, ELU, Softmax) -> an ActivationLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(ActivationOp act, LayerLowering &lowering) {
  codegen::ActivationLayer layer;
  layer.name = lowering.name;
  layer.input = lowering.valueFor(act->getOperand(0));
  layer.output = lowering.valueFor(act->getResult(0));
  layer.activation = stringifyActivation(act.getActivation()).str();
  layer.alpha = optionalNumber(act.getAlpha());
  layer.maxValue = optionalNumber(act.getMaxValue());
  layer.negativeSlope = optionalNumber(act.getNegativeSlope());
  layer.threshold = optionalNumber(act.getThreshold());
  layer.axis = act.getAxis() ? int(*act.getAxis()) : -1;
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
