// kconv.conv2d_transpose -> a Conv2DTransposeLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(Conv2DTransposeOp transpose, LayerLowering &lowering) {
  codegen::Conv2DTransposeLayer layer;
  layer.name = lowering.name;
  layer.input = lowering.valueFor(transpose->getOperand(0));
  layer.output = lowering.valueFor(transpose->getResult(0));
  layer.kernel = pair(transpose.getKernelSize());
  layer.strides = pair(transpose.getStrides());
  layer.dilation = pair(transpose.getDilationRate());
  layer.padBefore = transpose.getPaddingBefore();
  layer.filters = transpose.getFilters();
  layer.activation = stringifyActivation(transpose.getActivation()).str();
  if (failed(lowering.kernelAndBias(transpose, transpose.getKernel(), transpose.getBias(), layer)))
    return failure();
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
