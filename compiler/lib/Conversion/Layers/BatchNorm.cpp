// kconv.batch_norm (inference, left unfolded) -> a BatchNormLayer: a per-channel
// scale and shift computed here in float64.
#include "../LayerLowering.h"

#include <cmath>

namespace kconv::dialect {

LogicalResult lowerLayer(BatchNormOp bn, LayerLowering &lowering) {
  int in = lowering.valueFor(bn->getOperand(0)), out = lowering.valueFor(bn->getResult(0));
  FailureOr<std::vector<float>> gamma = lowering.weights(bn, bn.getGamma(), "gamma");
  FailureOr<std::vector<float>> beta = lowering.weights(bn, bn.getBeta(), "beta");
  FailureOr<std::vector<float>> mean = lowering.weights(bn, bn.getMovingMean(), "moving_mean");
  FailureOr<std::vector<float>> var =
      lowering.weights(bn, bn.getMovingVariance(), "moving_variance");
  if (failed(gamma) || failed(beta) || failed(mean) || failed(var))
    return failure();
  codegen::BatchNormLayer layer{lowering.name, in, out, (int)bn.getAxis(), {}, {}};
  double epsilon = bn.getEpsilon().convertToDouble();
  for (size_t c = 0; c < gamma->size(); ++c) {
    double scale = (*gamma)[c] / std::sqrt(double((*var)[c]) + epsilon);
    layer.scale.push_back(float(scale));
    layer.shift.push_back(float((*beta)[c] - (*mean)[c] * scale));
  }
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
