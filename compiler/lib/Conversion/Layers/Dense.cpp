// kconv.dense -> a DenseLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(DenseOp dense, LayerLowering &lowering) {
  int in = lowering.valueFor(dense->getOperand(0)), out = lowering.valueFor(dense->getResult(0));
  codegen::DenseLayer layer{lowering.name,
                            in,
                            out,
                            (int64_t)dense.getUnits(),
                            stringifyActivation(dense.getActivation()).str(),
                            {},
                            {}};
  if (failed(lowering.kernelAndBias(dense, dense.getKernel(), dense.getBias(), layer)))
    return failure();
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
