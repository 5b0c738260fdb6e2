// kconv.merge (Add, Subtract, Multiply, Average, Maximum, Minimum) -> a MergeLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(MergeOp merge, LayerLowering &lowering) {
  std::vector<int> inputs;
  for (Value v : merge->getOperands())
    inputs.push_back(lowering.valueFor(v));
  lowering.plan.nodes.push_back(codegen::MergeLayer{lowering.name, inputs,
                                                    lowering.valueFor(merge->getResult(0)),
                                                    stringifyMergeKind(merge.getKind()).str()});
  return success();
}

} // namespace kconv::dialect
