// kconv.additive_scores -> an AdditiveScoresLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(AdditiveScoresOp op, LayerLowering &lowering) {
  codegen::AdditiveScoresLayer layer{lowering.name,
                                     lowering.valueFor(op.getQuery()),
                                     lowering.valueFor(op.getKey()),
                                     lowering.valueFor(op->getResult(0)),
                                     {},
                                     op.getInnerScale().convertToDouble(),
                                     op.getOuterScale().convertToDouble(),
                                     op.getCausalMask()};
  if (Value weights = op.getWeights()) {
    FailureOr<std::vector<float>> values = lowering.weights(op, weights, "weights");
    if (failed(values))
      return failure();
    layer.weights = std::move(*values);
  }
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
