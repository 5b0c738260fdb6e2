// kconv.discretization -> a DiscretizationLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(DiscretizationOp discretization, LayerLowering &lowering) {
  ArrayRef<double> bounds = discretization.getBinBoundaries();
  lowering.plan.nodes.push_back(codegen::DiscretizationLayer{
      lowering.name, lowering.valueFor(discretization->getOperand(0)),
      lowering.valueFor(discretization->getResult(0)),
      std::vector<float>(bounds.begin(), bounds.end())});
  return success();
}

} // namespace kconv::dialect
