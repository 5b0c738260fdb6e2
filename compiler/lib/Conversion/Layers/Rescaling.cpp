// kconv.rescale (Keras's Rescaling) -> a RescalingLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(RescaleOp rescale, LayerLowering &lowering) {
  int in = lowering.valueFor(rescale->getOperand(0));
  int out = lowering.valueFor(rescale->getResult(0));
  lowering.plan.nodes.push_back(
      codegen::RescalingLayer{lowering.name, in, out, float(rescale.getScale().convertToDouble()),
                              float(rescale.getOffset().convertToDouble())});
  return success();
}

} // namespace kconv::dialect
