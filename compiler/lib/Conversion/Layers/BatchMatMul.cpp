// kconv.batch_matmul -> a BatchMatMulLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(BatchMatMulOp op, LayerLowering &lowering) {
  lowering.plan.nodes.push_back(codegen::BatchMatMulLayer{
      lowering.name, lowering.valueFor(op.getLhs()), lowering.valueFor(op.getRhs()),
      lowering.valueFor(op->getResult(0)), op.getTransposeLhs(), op.getTransposeRhs(),
      op.getCausalMask()});
  return success();
}

} // namespace kconv::dialect
