#include "kconv/Conversion/KconvToPlan.h"

#include "kconv/Dialect/KconvOps.h"
#include "kconv/Importer/KerasImporter.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::kconv {
namespace codegen = ::kconv::codegen;

namespace {

class PlanBuilder {
public:
  explicit PlanBuilder(codegen::PipelinePlan &plan) : plan(plan) {}

  /// The plan value for an SSA value, whose raw shape is in `format`.
  int valueFor(Value value, DataFormat format) {
    auto it = ids.find(value);
    if (it != ids.end())
      return it->second;
    ArrayRef<int64_t> s = cast<RankedTensorType>(value.getType()).getShape();
    codegen::ValueInfo info;
    if (!ShapedType::isDynamic(s[0]))
      info.batch = s[0];
    bool first = format == DataFormat::channels_first;
    info.channelsFirst = first;
    info.channels = first ? s[1] : s[3];
    info.height = first ? s[2] : s[1];
    info.width = first ? s[3] : s[2];
    plan.values.push_back(info);
    return ids[value] = (int)plan.values.size() - 1;
  }

private:
  codegen::PipelinePlan &plan;
  llvm::DenseMap<Value, int> ids;
};

FailureOr<std::vector<float>> constantValues(Conv2DOp conv, Value value, StringRef role,
                                             bool required) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  auto resource = constant ? dyn_cast<DenseF32ResourceElementsAttr>(constant.getValue())
                           : DenseF32ResourceElementsAttr();
  if (constant)
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
      return std::vector<float>(dense.getValues<float>().begin(), dense.getValues<float>().end());
  if (!resource)
    return conv.emitOpError() << role << " must be a float32 constant";
  std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
  if (!data && !required)
    return std::vector<float>(cast<ShapedType>(value.getType()).getNumElements(), 0.0f);
  if (!data)
    return conv.emitOpError() << "has no " << role
                              << " values: the model was imported without weights "
                                 "(pass --weights)";
  return std::vector<float>(data->begin(), data->end());
}

std::string tensorName(func::FuncOp func, bool result, unsigned index, const char *fallback) {
  auto name = result ? func.getResultAttrOfType<StringAttr>(index, kTensorNameAttr)
                     : func.getArgAttrOfType<StringAttr>(index, kTensorNameAttr);
  return name ? name.str() : std::string(fallback) + std::to_string(index);
}

} // namespace

codegen::Conv2DSchedule scheduleFromAttr(ScheduleAttr a) {
  codegen::Conv2DSchedule s;
  s.vectorize = a.getVectorize() == "width" ? codegen::Conv2DSchedule::Vectorize::Width
                                            : codegen::Conv2DSchedule::Vectorize::Channels;
  s.vectorWidth = int(a.getVectorWidth());
  s.vectors = int(a.getVectors());
  s.tileX = int(a.getTileX());
  s.tileY = int(a.getTileY());
  s.parallel = a.getParallel();
  s.stageInput = a.getStageInput();
  s.channelsOuter = a.getChannelsOuter();
  return s;
}

ScheduleAttr scheduleToAttr(MLIRContext *context, const codegen::Conv2DSchedule &s) {
  bool width = s.vectorize == codegen::Conv2DSchedule::Vectorize::Width;
  return ScheduleAttr::get(context, width ? "width" : "channels", s.vectorWidth, s.vectors,
                           s.tileX, s.tileY, s.parallel, s.stageInput, s.channelsOuter);
}

FailureOr<codegen::PipelinePlan> convertToPlan(func::FuncOp func, bool requireWeights) {
  codegen::PipelinePlan plan;
  plan.name = func.getSymName().str();
  PlanBuilder values(plan);

  // An input is in the data_format of the first layer that reads it; layers with
  // another data_format reinterpret it, as Keras does.
  for (BlockArgument arg : func.getArguments()) {
    std::optional<DataFormat> format;
    for (Operation &op : func.getBody().front())
      if (auto conv = dyn_cast<Conv2DOp>(op); conv && conv.getInput() == arg && !format)
        format = conv.getDataFormat();
    if (cast<RankedTensorType>(arg.getType()).getRank() != 4)
      return emitError(func.getLoc()) << "model input " << arg.getArgNumber()
                                      << " is not 4-D; only image inputs are supported yet";
    DataFormat f = format.value_or(DataFormat::channels_last);
    int id = values.valueFor(arg, f);
    plan.inputs.push_back({tensorName(func, false, arg.getArgNumber(), "input_"), id,
                           f == DataFormat::channels_first});
  }

  for (Operation &op : func.getBody().front()) {
    if (isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    auto conv = dyn_cast<Conv2DOp>(op);
    if (!conv)
      return op.emitOpError("cannot be compiled to native code yet");
    DataFormat format = conv.getDataFormat();
    codegen::Conv2DLayer layer;
    if (auto name = dyn_cast<NameLoc>(conv.getLoc()))
      layer.name = name.getName().str();
    else
      layer.name = "conv" + std::to_string(plan.layers.size());
    layer.input = values.valueFor(conv.getInput(), format);
    layer.output = values.valueFor(conv.getOutput(), format);
    layer.channelsFirst = format == DataFormat::channels_first;
    ArrayRef<int64_t> k = conv.getKernelSize(), s = conv.getStrides(), d = conv.getDilationRate();
    layer.kernel = {k[0], k[1]};
    layer.strides = {s[0], s[1]};
    layer.dilation = {d[0], d[1]};
    FailureOr<SmallVector<int64_t, 4>> pads = conv.getResolvedPadding();
    if (failed(pads))
      return conv.emitOpError("has 'same' padding on an input of unknown height or width");
    std::copy(pads->begin(), pads->end(), layer.padding.begin());
    layer.groups = conv.getGroups();
    layer.filters = conv.getFilters();
    layer.activation = stringifyActivation(conv.getActivation()).str();
    if (ScheduleAttr schedule = conv.getScheduleAttr())
      layer.schedule = scheduleFromAttr(schedule);
    FailureOr<std::vector<float>> kernel = constantValues(conv, conv.getKernel(), "kernel", requireWeights);
    if (failed(kernel))
      return failure();
    layer.kernelValues = std::move(*kernel);
    if (conv.getBias()) {
      FailureOr<std::vector<float>> bias = constantValues(conv, conv.getBias(), "bias", requireWeights);
      if (failed(bias))
        return failure();
      layer.biasValues = std::move(*bias);
    }
    plan.layers.push_back(std::move(layer));
  }

  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [index, operand] : llvm::enumerate(ret.getOperands())) {
    auto conv = operand.getDefiningOp<Conv2DOp>();
    DataFormat f = conv ? conv.getDataFormat() : DataFormat::channels_last;
    int id = values.valueFor(operand, f);
    plan.outputs.push_back({tensorName(func, true, index, "output_"), id,
                            plan.values[id].channelsFirst});
  }
  return plan;
}

} // namespace mlir::kconv
