#include "kconv/Conversion/KconvToPlan.h"

#include "kconv/Dialect/KconvOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "kconv/Support/ConvGeometry.h"
#include "llvm/ADT/DenseMap.h"

#include <cctype>
#include <cmath>
#include <set>

namespace kconv::dialect {
namespace codegen = ::kconv::codegen;

namespace {

/// Plan value indices for SSA values (their Keras shapes).
class PlanBuilder {
public:
  explicit PlanBuilder(codegen::PipelinePlan &plan) : plan(plan) {}

  int valueFor(Value value) {
    auto it = ids.find(value);
    if (it != ids.end())
      return it->second;
    codegen::TensorInfo info;
    for (int64_t d : cast<RankedTensorType>(value.getType()).getShape())
      info.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
    plan.values.push_back(info);
    return ids[value] = (int)plan.values.size() - 1;
  }

private:
  codegen::PipelinePlan &plan;
  llvm::DenseMap<Value, int> ids;
};

FailureOr<std::vector<float>> constantValues(Operation *op, Value value, StringRef role,
                                             bool required) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  auto resource = constant ? dyn_cast<DenseF32ResourceElementsAttr>(constant.getValue())
                           : DenseF32ResourceElementsAttr();
  if (constant)
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
      return std::vector<float>(dense.getValues<float>().begin(), dense.getValues<float>().end());
  if (!resource)
    return op->emitOpError() << role << " must be a float32 constant";
  std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
  if (!data && !required)
    return std::vector<float>(cast<ShapedType>(value.getType()).getNumElements(), 0.0f);
  if (!data)
    return op->emitOpError() << "has no " << role
                             << " values: the model was imported without weights "
                                "(pass --weights)";
  return std::vector<float>(data->begin(), data->end());
}

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

bool isChannelsFirst(DataFormat format) { return format == DataFormat::channels_first; }

std::array<int64_t, 2> pair(ArrayRef<int64_t> values) { return {values[0], values[1]}; }

/// Lowers one op; `weights` reads a constant operand.
class NodeLowering {
public:
  NodeLowering(codegen::PipelinePlan &plan, PlanBuilder &values, bool requireWeights)
      : plan(plan), values(values), requireWeights(requireWeights) {}

  LogicalResult lower(Operation *op, const std::string &name);

private:
  LogicalResult lowerConv(Conv2DOp conv, const std::string &name);
  FailureOr<std::vector<float>> weights(Operation *op, Value v, StringRef role) {
    return constantValues(op, v, role, requireWeights);
  }
  /// A kernel and an optional bias into a layer's kernelValues / biasValues.
  template <typename Layer>
  LogicalResult kernelAndBias(Operation *op, Value kernel, Value bias, Layer &layer) {
    FailureOr<std::vector<float>> k = weights(op, kernel, "kernel");
    if (failed(k))
      return failure();
    layer.kernelValues = std::move(*k);
    if (!bias)
      return success();
    FailureOr<std::vector<float>> b = weights(op, bias, "bias");
    if (failed(b))
      return failure();
    layer.biasValues = std::move(*b);
    return success();
  }

  codegen::PipelinePlan &plan;
  PlanBuilder &values;
  bool requireWeights;
};

LogicalResult NodeLowering::lowerConv(Conv2DOp conv, const std::string &name) {
  codegen::Conv2DLayer layer;
  layer.name = name;
  layer.input = values.valueFor(conv.getInput());
  layer.output = values.valueFor(conv.getOutput());
  if (conv.getResidual())
    layer.residual = values.valueFor(conv.getResidual());
  layer.channelsFirst = isChannelsFirst(conv.getDataFormat());
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
  if (failed(kernelAndBias(conv, conv.getKernel(), conv.getBias(), layer)))
    return failure();
  plan.nodes.push_back(codegen::ConvStep{(int)plan.layers.size()});
  plan.layers.push_back(std::move(layer));
  return success();
}

LogicalResult NodeLowering::lower(Operation *op, const std::string &name) {
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return lowerConv(conv, name);
  int in = op->getNumOperands() ? values.valueFor(op->getOperand(0)) : -1;
  int out = values.valueFor(op->getResult(0));
  if (auto dense = dyn_cast<DenseOp>(op)) {
    codegen::DenseLayer layer{name, in, out, (int64_t)dense.getUnits(),
                              stringifyActivation(dense.getActivation()).str(), {}, {}};
    if (failed(kernelAndBias(op, dense.getKernel(), dense.getBias(), layer)))
      return failure();
    plan.nodes.push_back(std::move(layer));
    return success();
  }
  if (auto transpose = dyn_cast<Conv2DTransposeOp>(op)) {
    codegen::Conv2DTransposeLayer layer;
    layer.name = name, layer.input = in, layer.output = out;
    layer.kernel = pair(transpose.getKernelSize());
    layer.strides = pair(transpose.getStrides());
    layer.dilation = pair(transpose.getDilationRate());
    layer.padBefore = transpose.getPaddingBefore();
    layer.filters = transpose.getFilters();
    layer.channelsFirst = isChannelsFirst(transpose.getDataFormat());
    layer.activation = stringifyActivation(transpose.getActivation()).str();
    if (failed(kernelAndBias(op, transpose.getKernel(), transpose.getBias(), layer)))
      return failure();
    plan.nodes.push_back(std::move(layer));
    return success();
  }
  if (auto bn = dyn_cast<BatchNormOp>(op)) {
    FailureOr<std::vector<float>> gamma = weights(op, bn.getGamma(), "gamma");
    FailureOr<std::vector<float>> beta = weights(op, bn.getBeta(), "beta");
    FailureOr<std::vector<float>> mean = weights(op, bn.getMovingMean(), "moving_mean");
    FailureOr<std::vector<float>> var = weights(op, bn.getMovingVariance(), "moving_variance");
    if (failed(gamma) || failed(beta) || failed(mean) || failed(var))
      return failure();
    codegen::BatchNormLayer layer{name, in, out, (int)bn.getAxis(), {}, {}};
    double epsilon = bn.getEpsilon().convertToDouble();
    for (size_t c = 0; c < gamma->size(); ++c) {
      double scale = (*gamma)[c] / std::sqrt(double((*var)[c]) + epsilon);
      layer.scale.push_back(float(scale));
      layer.shift.push_back(float((*beta)[c] - (*mean)[c] * scale));
    }
    plan.nodes.push_back(std::move(layer));
    return success();
  }
  if (auto ln = dyn_cast<LayerNormOp>(op)) {
    FailureOr<std::vector<float>> gamma = weights(op, ln.getGamma(), "gamma");
    FailureOr<std::vector<float>> beta = weights(op, ln.getBeta(), "beta");
    if (failed(gamma) || failed(beta))
      return failure();
    plan.nodes.push_back(codegen::LayerNormLayer{name, in, out, ln.getEpsilon().convertToDouble(),
                                                 ln.getRmsScaling(), std::move(*gamma),
                                                 std::move(*beta)});
    return success();
  }
  if (auto pool = dyn_cast<Pool2DOp>(op)) {
    codegen::Pool2DLayer layer{name, in, out, pool.getKind() == PoolKind::max,
                               pair(pool.getPoolSize()), pair(pool.getStrides()), {0, 0, 0, 0},
                               isChannelsFirst(pool.getDataFormat())};
    if (pool.getPadding() == Padding::same) {
      codegen::ImageInfo image = plan.values.at(in).image(layer.channelsFirst);
      int64_t sizes[2] = {image.height, image.width};
      for (int axis = 0; axis < 2; ++axis) {
        // (verified: the padding of a verified pool2d is representable)
        ::kconv::AxisPadding p = ::kconv::computeAxisPadding(
            true, sizes[axis], layer.window[axis], layer.strides[axis], 1).value_or(
            ::kconv::AxisPadding{});
        layer.padding[2 * axis] = p.before;
        layer.padding[2 * axis + 1] = p.after;
      }
    }
    plan.nodes.push_back(std::move(layer));
    return success();
  }
  if (auto pool = dyn_cast<GlobalPool2DOp>(op)) {
    plan.nodes.push_back(codegen::GlobalPool2DLayer{name, in, out, pool.getKind() == PoolKind::max,
                                                    isChannelsFirst(pool.getDataFormat())});
    return success();
  }
  if (auto act = dyn_cast<ActivationOp>(op)) {
    codegen::ActivationLayer layer;
    layer.name = name, layer.input = in, layer.output = out;
    layer.activation = stringifyActivation(act.getActivation()).str();
    auto number = [](std::optional<APFloat> v) -> std::optional<double> {
      return v ? std::optional<double>(v->convertToDouble()) : std::nullopt;
    };
    layer.alpha = number(act.getAlpha());
    layer.maxValue = number(act.getMaxValue());
    layer.negativeSlope = number(act.getNegativeSlope());
    layer.threshold = number(act.getThreshold());
    layer.axis = act.getAxis() ? int(*act.getAxis()) : -1;
    plan.nodes.push_back(std::move(layer));
    return success();
  }
  if (auto prelu = dyn_cast<PReluOp>(op)) {
    codegen::ActivationLayer layer;
    layer.name = name, layer.input = in, layer.output = out;
    FailureOr<std::vector<float>> alpha = weights(op, prelu.getAlpha(), "alpha");
    if (failed(alpha))
      return failure();
    layer.preluAlpha = std::move(*alpha);
    ArrayRef<int64_t> shape = mlir::cast<RankedTensorType>(prelu.getAlpha().getType()).getShape();
    layer.preluShape.assign(shape.begin(), shape.end());
    plan.nodes.push_back(std::move(layer));
    return success();
  }
  if (isa<MergeOp, ConcatenateOp>(op)) {
    std::vector<int> inputs;
    for (Value v : op->getOperands())
      inputs.push_back(values.valueFor(v));
    if (auto merge = dyn_cast<MergeOp>(op))
      plan.nodes.push_back(codegen::MergeLayer{name, inputs, out,
                                               stringifyMergeKind(merge.getKind()).str()});
    else
      plan.nodes.push_back(codegen::ConcatenateLayer{
          name, inputs, out, (int)cast<ConcatenateOp>(op).getAxis()});
    return success();
  }
  if (auto pad = dyn_cast<ZeroPad2DOp>(op)) {
    ArrayRef<int64_t> a = pad.getPadding();
    plan.nodes.push_back(codegen::Pad2DLayer{name, in, out, {a[0], a[1], a[2], a[3]},
                                             isChannelsFirst(pad.getDataFormat())});
    return success();
  }
  if (auto crop = dyn_cast<Crop2DOp>(op)) {
    ArrayRef<int64_t> a = crop.getCropping();
    plan.nodes.push_back(codegen::Pad2DLayer{name, in, out, {-a[0], -a[1], -a[2], -a[3]},
                                             isChannelsFirst(crop.getDataFormat())});
    return success();
  }
  if (auto up = dyn_cast<UpSample2DOp>(op)) {
    plan.nodes.push_back(codegen::UpSample2DLayer{
        name, in, out, pair(up.getSize()), up.getInterpolation() == Interpolation::bilinear,
        isChannelsFirst(up.getDataFormat())});
    return success();
  }
  if (isa<ReshapeOp>(op)) {
    plan.nodes.push_back(codegen::ReshapeLayer{name, in, out, {}});
    return success();
  }
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    ArrayRef<int64_t> perm = transpose.getPermutation();
    plan.nodes.push_back(codegen::ReshapeLayer{name, in, out, {perm.begin(), perm.end()}});
    return success();
  }
  if (auto rescale = dyn_cast<RescaleOp>(op)) { // an affine map on the last axis
    const codegen::TensorInfo &info = plan.values.at(in);
    size_t channels = size_t(info.shape.back());
    plan.nodes.push_back(codegen::BatchNormLayer{
        name, in, out, info.rank() - 1,
        std::vector<float>(channels, float(rescale.getScale().convertToDouble())),
        std::vector<float>(channels, float(rescale.getOffset().convertToDouble()))});
    return success();
  }
  if (auto identity = dyn_cast<IdentityOp>(op)) { // normally removed by a pass
    plan.nodes.push_back(codegen::ReshapeLayer{name, in, out, {}});
    return success();
  }
  return op->emitOpError("cannot be compiled to native code");
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
  s.trimColumns = a.getTrimColumns();
  s.unrollTaps = a.getUnrollTaps();
  return s;
}

ScheduleAttr scheduleToAttr(MLIRContext *context, const codegen::Conv2DSchedule &s) {
  bool width = s.vectorize == codegen::Conv2DSchedule::Vectorize::Width;
  return ScheduleAttr::get(context, width ? "width" : "channels", s.vectorWidth, s.vectors,
                           s.tileX, s.tileY, s.parallel, s.stageInput, s.channelsOuter,
                           s.trimColumns, s.unrollTaps);
}

SmallVector<Operation *> planNodeOps(func::FuncOp func) {
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    if (!isa<arith::ConstantOp, func::ReturnOp>(op))
      ops.push_back(&op);
  return ops;
}

FailureOr<codegen::PipelinePlan> convertToPlan(func::FuncOp func, bool requireWeights) {
  codegen::PipelinePlan plan;
  plan.name = func.getSymName().str();
  PlanBuilder values(plan);

  // An input is labelled with the data_format of the first image layer reading it.
  for (BlockArgument arg : func.getArguments()) {
    std::optional<DataFormat> format;
    for (Operation *user : arg.getUsers())
      if (auto attr = user->getAttrOfType<DataFormatAttr>("data_format"); attr && !format)
        format = attr.getValue();
    if (!isa<RankedTensorType>(arg.getType()))
      return emitError(func.getLoc()) << "model input " << arg.getArgNumber()
                                      << " has no known shape";
    int id = values.valueFor(arg);
    // The importer records the layout callers supply (the first reader may now be a
    // transpose the layout pass put there).
    bool first = func.getArgAttr(arg.getArgNumber(), kTensorLayoutAttr) != nullptr ||
                 format == DataFormat::channels_first;
    plan.inputs.push_back({tensorName(func, false, arg.getArgNumber(), "input_"), id, first});
  }

  NodeLowering lowering(plan, values, requireWeights);
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
  for (Operation *op : planNodeOps(func)) {
    std::string keras = opName(op, plan.nodes.size()), name = keras;
    while (names.count(name)) // a layer split into several ops: "conv", "conv_", ...
      name += "_";
    for (int n = 0; clashes(name); ++n)
      name = "l" + std::to_string(plan.nodes.size()) + (n ? "_" + std::to_string(n) : "") +
             "_" + keras;
    names.insert(name);
    if (failed(lowering.lower(op, name)))
      return failure();
  }

  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [index, operand] : llvm::enumerate(ret.getOperands())) {
    Operation *producer = operand.getDefiningOp();
    auto attr = producer ? producer->getAttrOfType<DataFormatAttr>("data_format") : nullptr;
    int id = values.valueFor(operand);
    plan.outputs.push_back({tensorName(func, true, index, "output_"), id,
                            func.getResultAttr(index, kTensorLayoutAttr) != nullptr ||
                                (attr && attr.getValue() == DataFormat::channels_first)});
  }
  return plan;
}

} // namespace kconv::dialect
