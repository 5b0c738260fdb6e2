// kconv.crop2d (Cropping2D) -> a Cropping2DLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(Crop2DOp crop, LayerLowering &lowering) {
  int in = lowering.valueFor(crop->getOperand(0)), out = lowering.valueFor(crop->getResult(0));
  ArrayRef<int64_t> a = crop.getCropping();
  lowering.plan.nodes.push_back(
      codegen::Cropping2DLayer{lowering.name, in, out, {a[0], a[1], a[2], a[3]}});
  return success();
}

} // namespace kconv::dialect
