// kconv.depth_unfold (Conv3D's depth taps as a conv2d's channels) -> a DepthUnfoldLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(DepthUnfoldOp unfold, LayerLowering &lowering) {
  codegen::DepthUnfoldLayer layer;
  layer.name = lowering.name;
  layer.input = lowering.valueFor(unfold->getOperand(0));
  layer.output = lowering.valueFor(unfold->getResult(0));
  layer.kernelDepth = unfold.getKernelDepth();
  layer.strideDepth = unfold.getStrideDepth();
  layer.dilationDepth = unfold.getDilationDepth();
  layer.depthPadding = pair(unfold.getDepthPadding());
  layer.rowPadding = pair(unfold.getRowPadding());
  layer.groups = unfold.getGroups();
  layer.channelsFirst = unfold.getDataFormat() == DataFormat::channels_first;
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
