// kconv.global_pool2d -> a GlobalPool2DLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(GlobalPool2DOp pool, LayerLowering &lowering) {
  int in = lowering.valueFor(pool->getOperand(0)), out = lowering.valueFor(pool->getResult(0));
  lowering.plan.nodes.push_back(
      codegen::GlobalPool2DLayer{lowering.name, in, out, pool.getKind() == PoolKind::max});
  return success();
}

} // namespace kconv::dialect
