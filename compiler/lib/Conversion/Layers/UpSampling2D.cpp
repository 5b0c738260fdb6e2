// kconv.upsample2d (UpSampling2D) -> an UpSample2DLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(UpSample2DOp up, LayerLowering &lowering) {
  int in = lowering.valueFor(up->getOperand(0)), out = lowering.valueFor(up->getResult(0));
  lowering.plan.nodes.push_back(
      codegen::UpSample2DLayer{lowering.name, in, out, pair(up.getSize()),
                               up.getInterpolation() == Interpolation::bilinear});
  return success();
}

} // namespace kconv::dialect
