// kconv.zero_pad2d (ZeroPadding2D left unfolded) -> a ZeroPadding2DLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(ZeroPad2DOp pad, LayerLowering &lowering) {
  int in = lowering.valueFor(pad->getOperand(0)), out = lowering.valueFor(pad->getResult(0));
  ArrayRef<int64_t> a = pad.getPadding();
  lowering.plan.nodes.push_back(
      codegen::ZeroPadding2DLayer{lowering.name, in, out, {a[0], a[1], a[2], a[3]}});
  return success();
}

} // namespace kconv::dialect
