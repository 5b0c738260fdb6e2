// kconv.resize (Keras Resizing) -> a ResizeLayer (channels_last after the layout pass).
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(ResizeOp resize, LayerLowering &lowering) {
  using Method = codegen::ResizeLayer::Method;
  Method method = resize.getInterpolation() == ResizeMethod::nearest   ? Method::Nearest
                  : resize.getInterpolation() == ResizeMethod::bicubic ? Method::Bicubic
                                                                       : Method::Bilinear;
  lowering.plan.nodes.push_back(codegen::ResizeLayer{
      lowering.name, lowering.valueFor(resize->getOperand(0)),
      lowering.valueFor(resize->getResult(0)), pair(resize.getSize()), method});
  return success();
}

} // namespace kconv::dialect
