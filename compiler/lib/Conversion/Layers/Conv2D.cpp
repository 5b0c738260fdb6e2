// kconv.conv2d -> a Conv2DLayer, the plan's convolutions the tuner schedules.
#include "../LayerLowering.h"
#include "kconv/Conversion/KconvToPlan.h"

namespace kconv::dialect {

LogicalResult lowerLayer(Conv2DOp conv, LayerLowering &lowering) {
  codegen::PipelinePlan &plan = lowering.plan;
  codegen::Conv2DLayer layer;
  layer.name = lowering.name;
  layer.input = lowering.valueFor(conv.getInput());
  layer.output = lowering.valueFor(conv.getOutput());
  if (conv.getResidual())
    layer.residual = lowering.valueFor(conv.getResidual());
  layer.kernel = pair(conv.getKernelSize());
  layer.strides = pair(conv.getStrides());
  layer.dilation = pair(conv.getDilationRate());
  FailureOr<SmallVector<int64_t, 4>> pads = conv.getResolvedPadding();
  if (failed(pads))
    return conv.emitOpError("has 'same' padding on an input of unknown height or width");
  std::copy(pads->begin(), pads->end(), layer.padding.begin());
  layer.groups = conv.getGroups();
  layer.filters = conv.getFilters();
  layer.activation = stringifyActivation(conv.getActivation()).str();
  if (ScheduleAttr schedule = conv.getScheduleAttr())
    layer.schedule = scheduleFromAttr(schedule);
  if (GpuScheduleAttr gpu = conv.getGpuScheduleAttr())
    layer.gpuSchedule = gpu.getSchedule();
  if (failed(lowering.kernelAndBias(conv, conv.getKernel(), conv.getBias(), layer)))
    return failure();
  plan.nodes.push_back(codegen::ConvStep{(int)plan.convs.size()});
  plan.convs.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
