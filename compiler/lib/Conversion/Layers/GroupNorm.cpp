// kconv.group_norm -> a GroupNormLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(GroupNormOp gn, LayerLowering &lowering) {
  int in = lowering.valueFor(gn->getOperand(0)), out = lowering.valueFor(gn->getResult(0));
  FailureOr<std::vector<float>> gamma = lowering.weights(gn, gn.getGamma(), "gamma");
  FailureOr<std::vector<float>> beta = lowering.weights(gn, gn.getBeta(), "beta");
  if (failed(gamma) || failed(beta))
    return failure();
  lowering.plan.nodes.push_back(codegen::GroupNormLayer{
      lowering.name, in, out, (int)gn.getAxis(), gn.getGroups(),
      gn.getEpsilon().convertToDouble(), std::move(*gamma), std::move(*beta)});
  return success();
}

} // namespace kconv::dialect
