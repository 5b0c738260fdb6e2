// kconv.prelu -> a PReluLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(PReluOp prelu, LayerLowering &lowering) {
  int in = lowering.valueFor(prelu->getOperand(0)), out = lowering.valueFor(prelu->getResult(0));
  codegen::PReluLayer layer{lowering.name, in, out, {}, {}};
  FailureOr<std::vector<float>> alpha = lowering.weights(prelu, prelu.getAlpha(), "alpha");
  if (failed(alpha))
    return failure();
  layer.alpha = std::move(*alpha);
  ArrayRef<int64_t> shape = cast<RankedTensorType>(prelu.getAlpha().getType()).getShape();
  layer.alphaShape.assign(shape.begin(), shape.end());
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
