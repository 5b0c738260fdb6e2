// kconv.unit_norm -> a UnitNormLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(UnitNormOp un, LayerLowering &lowering) {
  int in = lowering.valueFor(un->getOperand(0)), out = lowering.valueFor(un->getResult(0));
  ArrayRef<int64_t> axes = un.getAxes();
  lowering.plan.nodes.push_back(codegen::UnitNormLayer{
      lowering.name, in, out, std::vector<int64_t>(axes.begin(), axes.end()),
      un.getMinSquareSum().convertToDouble()});
  return success();
}

} // namespace kconv::dialect
