// kconv.layer_norm -> a LayerNormLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(LayerNormOp ln, LayerLowering &lowering) {
  int in = lowering.valueFor(ln->getOperand(0)), out = lowering.valueFor(ln->getResult(0));
  FailureOr<std::vector<float>> gamma = lowering.weights(ln, ln.getGamma(), "gamma");
  FailureOr<std::vector<float>> beta = lowering.weights(ln, ln.getBeta(), "beta");
  if (failed(gamma) || failed(beta))
    return failure();
  ArrayRef<int64_t> axes = ln.getAxes();
  lowering.plan.nodes.push_back(codegen::LayerNormLayer{
      lowering.name, in, out, std::vector<int64_t>(axes.begin(), axes.end()),
      ln.getEpsilon().convertToDouble(), ln.getRmsScaling(), ln.getMeanSquare(),
      std::move(*gamma), std::move(*beta)});
  return success();
}

} // namespace kconv::dialect
