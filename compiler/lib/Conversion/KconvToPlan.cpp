// The model function -> the plan: boundary tensors, then one step per op, each lowered
// by its layer's lowering in Layers/<Layer>.cpp.
#include "kconv/Conversion/KconvToPlan.h"

#include "LayerLowering.h"
#include "kconv/Dialect/KconvOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cctype>
#include <set>

namespace kconv::dialect {

int LayerLowering::valueFor(Value value) {
  auto it = ids.find(value);
  if (it != ids.end())
    return it->second;
  codegen::TensorInfo info;
  for (int64_t d : cast<RankedTensorType>(value.getType()).getShape())
    info.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  plan.values.push_back(info);
  return ids[value] = (int)plan.values.size() - 1;
}

FailureOr<std::vector<float>> LayerLowering::weights(Operation *op, Value value, StringRef role) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  auto resource = constant ? dyn_cast<DenseF32ResourceElementsAttr>(constant.getValue())
                           : DenseF32ResourceElementsAttr();
  if (constant)
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
      return std::vector<float>(dense.getValues<float>().begin(), dense.getValues<float>().end());
  if (!resource)
    return op->emitOpError() << role << " must be a float32 constant";
  std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
  if (!data && !requireWeights)
    return std::vector<float>(cast<ShapedType>(value.getType()).getNumElements(), 0.0f);
  if (!data)
    return op->emitOpError() << "has no " << role
                             << " values: the model was imported without weights "
                                "(pass --weights)";
  return std::vector<float>(data->begin(), data->end());
}

namespace {

std::string tensorName(func::FuncOp func, bool result, unsigned index, const char *fallback) {
  auto name = result ? func.getResultAttrOfType<StringAttr>(index, kTensorNameAttr)
                     : func.getArgAttrOfType<StringAttr>(index, kTensorNameAttr);
  return name ? name.str() : std::string(fallback) + std::to_string(index);
}

/// A C-friendly unique name per op: its layer name ("a/b" -> "a_b").
std::string opName(Operation *op, size_t index) {
  std::string name = "layer" + std::to_string(index);
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    name = loc.getName().str();
  for (char &ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_')
      ch = '_';
  return name;
}

/// Lowers one op to its plan step with the lowering of its layer (Layers/Layers.def).
LogicalResult lowerOp(Operation *op, LayerLowering &lowering) {
  // The plan is channels_last by rule: the layout pass converts every image layer.
  if (auto format = op->getAttrOfType<DataFormatAttr>("data_format");
      format && format.getValue() == DataFormat::channels_first)
    return op->emitOpError("is channels_first: the plan is channels_last (run "
                           "--kconv-convert-layout before lowering to the plan)");
  llvm::TypeSwitch<Operation *, LogicalResult> layer(op);
#define KCONV_PLAN_LAYER(Op) layer.Case<Op>([&](Op layerOp) { return lowerLayer(layerOp, lowering); });
#include "Layers/Layers.def"
#undef KCONV_PLAN_LAYER
  return layer.Default(
      [](Operation *op) { return op->emitOpError("cannot be compiled to native code"); });
}

} // namespace

codegen::Conv2DSchedule scheduleFromAttr(ScheduleAttr a) { return a.getSchedule(); }

ScheduleAttr scheduleToAttr(MLIRContext *context, const codegen::Conv2DSchedule &s) {
  return ScheduleAttr::get(context, s);
}

SmallVector<Operation *> planNodeOps(func::FuncOp func) {
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    if (!isa<arith::ConstantOp, func::ReturnOp, IdentityOp>(op))
      ops.push_back(&op);
  return ops;
}

FailureOr<codegen::PipelinePlan> convertToPlan(func::FuncOp func, bool requireWeights) {
  codegen::PipelinePlan plan;
  plan.name = func.getSymName().str();
  LayerLowering lowering(plan, requireWeights);

  // The importer records the layout callers supply and receive each boundary tensor
  // in (that of the Keras layers reading or writing it), which the layout pass hides
  // behind transposes.
  auto boundaryFormat = [](Attribute layout) {
    return layout ? codegen::DataFormat::ChannelsFirst : codegen::DataFormat::ChannelsLast;
  };
  for (BlockArgument arg : func.getArguments()) {
    if (!isa<RankedTensorType>(arg.getType()))
      return emitError(func.getLoc()) << "model input " << arg.getArgNumber()
                                      << " has no known shape";
    int id = lowering.valueFor(arg);
    plan.inputs.push_back({tensorName(func, false, arg.getArgNumber(), "input_"), id,
                           boundaryFormat(func.getArgAttr(arg.getArgNumber(), kTensorLayoutAttr))});
  }

  std::set<std::string> names;
  // Halide names each layer's Funcs and buffers "<name>_<part>" (conv2d_kernel,
  // conv2d_padded, ...): a layer named like another layer's part (layers "a" and
  // "a_kernel") made two different things one name, and Halide failed. Such a name gets
  // a prefix of its own ("l3_a_kernel").
  auto clashes = [&](const std::string &name) {
    if (names.count(name))
      return true;
    for (const std::string &other : names)
      if (codegen::isPartName(name, other) || codegen::isPartName(other, name))
        return true;
    return false;
  };
  // Identities (normally removed by --kconv-eliminate-identity) are no step: their
  // result is their input.
  func.walk([&](IdentityOp identity) {
    lowering.alias(identity->getResult(0), identity->getOperand(0));
  });
  for (Operation *op : planNodeOps(func)) {
    std::string keras = opName(op, plan.nodes.size()), name = keras;
    while (names.count(name)) // a layer split into several ops: "conv", "conv_", ...
      name += "_";
    for (int n = 0; clashes(name); ++n)
      name = "l" + std::to_string(plan.nodes.size()) + (n ? "_" + std::to_string(n) : "") +
             "_" + keras;
    names.insert(name);
    lowering.name = name;
    if (failed(lowerOp(op, lowering)))
      return failure();
  }

  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [index, operand] : llvm::enumerate(ret.getOperands())) {
    int id = lowering.valueFor(operand);
    plan.outputs.push_back({tensorName(func, true, index, "output_"), id,
                            boundaryFormat(func.getResultAttr(index, kTensorLayoutAttr))});
  }
  return plan;
}

} // namespace kconv::dialect
