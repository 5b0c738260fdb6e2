// kconv.adaptive_pool2d -> an AdaptivePool2DLayer (channels_last after the layout pass).
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(AdaptivePool2DOp pool, LayerLowering &lowering) {
  lowering.plan.nodes.push_back(codegen::AdaptivePool2DLayer{
      lowering.name, lowering.valueFor(pool->getOperand(0)),
      lowering.valueFor(pool->getResult(0)), pool.getKind() == PoolKind::max,
      pair(pool.getOutputSize())});
  return success();
}

} // namespace kconv::dialect
