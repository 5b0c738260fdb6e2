// kconv.concatenate -> a ConcatenateLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(ConcatenateOp concat, LayerLowering &lowering) {
  std::vector<int> inputs;
  for (Value v : concat->getOperands())
    inputs.push_back(lowering.valueFor(v));
  lowering.plan.nodes.push_back(codegen::ConcatenateLayer{
      lowering.name, inputs, lowering.valueFor(concat->getResult(0)), (int)concat.getAxis()});
  return success();
}

} // namespace kconv::dialect
