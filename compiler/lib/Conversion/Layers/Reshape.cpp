// kconv.reshape (Reshape, Flatten, the views of 1-D layers) -> a ReshapeLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(ReshapeOp reshape, LayerLowering &lowering) {
  int in = lowering.valueFor(reshape->getOperand(0));
  int out = lowering.valueFor(reshape->getResult(0));
  lowering.plan.nodes.push_back(codegen::ReshapeLayer{lowering.name, in, out});
  return success();
}

} // namespace kconv::dialect
