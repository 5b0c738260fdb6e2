#include "kconv/Importer/KerasImporter.h"

#include "kconv/Dialect/ConvGeometry.h"
#include "kconv/Dialect/KconvOps.h"
#include "kconv/Keras/Initializers.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::kconv {
namespace keras = ::kconv::keras;

namespace {

class Importer {
public:
  Importer(MLIRContext &context, const keras::Model &model, const keras::Weights *weights,
           std::optional<uint64_t> initSeed)
      : context(context), builder(&context), model(model), weights(weights),
        initSeed(initSeed) {}

  OwningOpRef<ModuleOp> run();

private:
  Location layerLoc(const std::string &name) {
    return NameLoc::get(builder.getStringAttr(name),
                        FileLineColLoc::get(&context, model.sourcePath, 0, 0));
  }
  InFlightDiagnostic error(const keras::Layer &layer) { return emitError(layerLoc(layer.name)); }

  FailureOr<RankedTensorType> inputType(const keras::Layer &layer, const keras::InputConfig &in);
  LogicalResult importConv2D(const keras::Layer &layer, const keras::Conv2DConfig &conv);
  FailureOr<Value> weightConstant(const keras::Layer &layer, const keras::WeightTensor *tensor,
                                  const char *role, ArrayRef<int64_t> shape,
                                  const std::optional<keras::Value> &initializer,
                                  const char *defaultInitializer);
  FailureOr<std::vector<const keras::WeightTensor *>> layerWeights(const keras::Layer &layer,
                                                                   size_t expected);
  Attribute toAttribute(const keras::Value &value);

  MLIRContext &context;
  OpBuilder builder;
  const keras::Model &model;
  const keras::Weights *weights;
  std::optional<uint64_t> initSeed;
  llvm::StringMap<Value> values; // layer name -> its output
  size_t weightedLayerIndex = 0;
};

Attribute Importer::toAttribute(const keras::Value &value) {
  using Kind = keras::Value::Kind;
  switch (value.kind) {
  case Kind::Null: return builder.getUnitAttr();
  case Kind::Bool: return builder.getBoolAttr(value.boolean);
  case Kind::Int: return builder.getI64IntegerAttr(value.integer);
  case Kind::Float: return builder.getF64FloatAttr(value.number);
  case Kind::String: return builder.getStringAttr(value.string);
  case Kind::List: {
    SmallVector<Attribute> items;
    for (const keras::Value &item : value.list)
      items.push_back(toAttribute(item));
    return builder.getArrayAttr(items);
  }
  case Kind::Dict: {
    SmallVector<NamedAttribute> entries;
    for (const auto &[key, item] : value.dict)
      entries.push_back(builder.getNamedAttr(key, toAttribute(item)));
    return builder.getDictionaryAttr(entries);
  }
  }
  return builder.getUnitAttr();
}

FailureOr<RankedTensorType> Importer::inputType(const keras::Layer &layer,
                                                const keras::InputConfig &in) {
  SmallVector<int64_t> shape;
  for (size_t i = 0; i < in.batchShape.size(); ++i) {
    if (in.batchShape[i]) {
      shape.push_back(*in.batchShape[i]);
    } else if (i == 0) {
      shape.push_back(ShapedType::kDynamic);
    } else {
      error(layer) << "dimension " << i << " of the input shape is None; only the batch "
                   << "dimension may be unknown";
      return failure();
    }
  }
  return RankedTensorType::get(shape, builder.getF32Type());
}

FailureOr<std::vector<const keras::WeightTensor *>>
Importer::layerWeights(const keras::Layer &layer, size_t expected) {
  std::vector<const keras::WeightTensor *> result(expected, nullptr);
  size_t index = weightedLayerIndex++;
  if (!weights)
    return result;
  // Keras matches HDF5 weights by layer name when every name is present, else by the
  // order of layers that have weights.
  auto found = weights->byLayer.find(layer.name);
  if (found == weights->byLayer.end()) {
    if (index >= weights->layerOrder.size()) {
      error(layer) << "no weights for this layer in '" << weights->sourcePath << "'";
      return failure();
    }
    found = weights->byLayer.find(weights->layerOrder[index]);
  }
  if (found->second.size() != expected) {
    error(layer) << "'" << weights->sourcePath << "' holds " << found->second.size()
                 << " weight tensors for this layer, expected " << expected;
    return failure();
  }
  for (size_t i = 0; i < expected; ++i)
    result[i] = &found->second[i];
  return result;
}

/// FNV-1a: a stable per-tensor seed from the user's seed and the tensor's name.
uint64_t tensorSeed(uint64_t seed, StringRef name) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (char c : name)
    h = (h ^ uint8_t(c)) * 1099511628211ull;
  return h;
}

FailureOr<Value> Importer::weightConstant(const keras::Layer &layer,
                                          const keras::WeightTensor *tensor, const char *role,
                                          ArrayRef<int64_t> shape,
                                          const std::optional<keras::Value> &initializer,
                                          const char *defaultInitializer) {
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  std::string blobName = layer.name + "." + role;
  DenseResourceElementsAttr attr;
  if (!tensor && initSeed) {
    std::vector<float> values;
    ::kconv::Status status = keras::initializeTensor(
        initializer, defaultInitializer, std::vector<int64_t>(shape.begin(), shape.end()),
        tensorSeed(*initSeed, blobName), values);
    if (!status)
      return error(layer) << role << "_initializer: " << status.message();
    attr = DenseResourceElementsAttr::get(
        type, blobName, HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<float>(values)));
  } else if (tensor) {
    if (ArrayRef<int64_t>(tensor->shape) != shape) {
      auto diag = error(layer);
      diag << role << " shape in '" << weights->sourcePath << "' is (";
      llvm::interleaveComma(tensor->shape, diag);
      diag << ") but the layer needs (";
      llvm::interleaveComma(shape, diag);
      diag << ")";
      return failure();
    }
    AsmResourceBlob blob =
        HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<float>(tensor->values));
    attr = DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  } else {
    auto &manager = DenseResourceElementsHandle::getManagerInterface(&context);
    attr = DenseResourceElementsAttr::get(type, manager.insert(blobName));
  }
  return builder.create<arith::ConstantOp>(layerLoc(layer.name), attr).getResult();
}

LogicalResult Importer::importConv2D(const keras::Layer &layer, const keras::Conv2DConfig &conv) {
  if (layer.inbound.size() != 1)
    return error(layer) << "expects exactly one input, got " << layer.inbound.size();
  Value input = values.lookup(layer.inbound[0]);
  auto inputType = cast<RankedTensorType>(input.getType());
  if (inputType.getRank() != 4)
    return error(layer) << "expects a 4-D input (batch, 3 dimensions), got rank "
                        << inputType.getRank();
  bool channelsFirst = conv.dataFormat == "channels_first";
  ArrayRef<int64_t> inShape = inputType.getShape();
  int64_t inC = channelsFirst ? inShape[1] : inShape[3];
  int64_t inH = channelsFirst ? inShape[2] : inShape[1];
  int64_t inW = channelsFirst ? inShape[3] : inShape[2];
  // Checked here (and by the verifier) so that no weight shape below is nonsense.
  if (inC % conv.groups != 0)
    return error(layer) << "'groups' (" << conv.groups << ") must divide the input channels ("
                        << inC << ")";
  if (conv.filters % conv.groups != 0)
    return error(layer) << "'groups' (" << conv.groups << ") must divide 'filters' ("
                        << conv.filters << ")";
  bool strided = conv.strides[0] > 1 || conv.strides[1] > 1;
  bool dilated = conv.dilationRate[0] > 1 || conv.dilationRate[1] > 1;
  if (strided && dilated)
    return error(layer) << "'strides' > 1 is not supported together with 'dilation_rate' > 1 "
                           "(Keras rejects this combination)";

  bool same = conv.padding == "same";
  int64_t outHW[2];
  int64_t inHW[2] = {inH, inW};
  const char *axisName[2] = {"height", "width"};
  for (int axis = 0; axis < 2; ++axis) {
    ::kconv::AxisPadding pad = ::kconv::computeAxisPadding(
        same, inHW[axis], conv.kernelSize[axis], conv.strides[axis], conv.dilationRate[axis]);
    std::optional<int64_t> size = ::kconv::computeAxisOutput(
        inHW[axis], conv.kernelSize[axis], conv.strides[axis], conv.dilationRate[axis], pad);
    if (!size)
      return error(layer) << "the dilated kernel " << axisName[axis] << " ("
                          << (conv.kernelSize[axis] - 1) * conv.dilationRate[axis] + 1
                          << ") is larger than the input " << axisName[axis] << " ("
                          << inHW[axis] << ") with padding 'valid'";
    outHW[axis] = *size;
  }
  // Halide indexes with int32 and weights are held in memory: reject absurd sizes
  // before anything is allocated.
  constexpr int64_t kMaxElements = (int64_t(1) << 31) - 1, kMaxKernel = int64_t(1) << 30;
  auto product = [](std::initializer_list<int64_t> dims, int64_t limit) -> std::optional<int64_t> {
    int64_t p = 1;
    for (int64_t d : dims)
      if (d < 0 || __builtin_mul_overflow(p, d, &p) || p > limit)
        return std::nullopt;
    return p;
  };
  if (!product({inH, inW, inC}, kMaxElements))
    return error(layer) << "the input (" << inH << " x " << inW << " x " << inC
                        << " per sample) exceeds kconv's limit of 2^31 - 1 elements";
  if (!product({outHW[0], outHW[1], conv.filters}, kMaxElements))
    return error(layer) << "the output (" << outHW[0] << " x " << outHW[1] << " x "
                        << conv.filters << " per sample) exceeds kconv's limit of 2^31 - 1 "
                        << "elements";
  if (!product({conv.kernelSize[0], conv.kernelSize[1], inC / conv.groups, conv.filters},
               kMaxKernel))
    return error(layer) << "the kernel (" << conv.kernelSize[0] << " x " << conv.kernelSize[1]
                        << " x " << inC / conv.groups << " x " << conv.filters
                        << ") exceeds kconv's limit of 2^30 weights per tensor";

  SmallVector<int64_t, 4> outShape =
      channelsFirst ? SmallVector<int64_t, 4>{inShape[0], conv.filters, outHW[0], outHW[1]}
                    : SmallVector<int64_t, 4>{inShape[0], outHW[0], outHW[1], conv.filters};

  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      layerWeights(layer, conv.useBias ? 2 : 1);
  if (failed(tensors))
    return failure();
  FailureOr<Value> kernel = weightConstant(
      layer, (*tensors)[0], "kernel",
      {conv.kernelSize[0], conv.kernelSize[1], inC / conv.groups, conv.filters},
      conv.kernelInitializer, "glorot_uniform");
  if (failed(kernel))
    return failure();
  Value bias;
  if (conv.useBias) {
    FailureOr<Value> b = weightConstant(layer, (*tensors)[1], "bias", {conv.filters},
                                        conv.biasInitializer, "zeros");
    if (failed(b))
      return failure();
    bias = *b;
  }

  std::optional<Activation> activation = symbolizeActivation(conv.activation);
  if (!activation)
    return error(layer) << "activation '" << conv.activation << "' has no kconv equivalent";
  auto resultType = RankedTensorType::get(outShape, builder.getF32Type());
  auto optional = [&](const std::optional<keras::Value> &v) -> Attribute {
    return v ? toAttribute(*v) : Attribute();
  };
  auto op = builder.create<Conv2DOp>(
      layerLoc(layer.name), resultType, input, *kernel, bias,
      builder.getI64IntegerAttr(conv.filters),
      builder.getDenseI64ArrayAttr(conv.kernelSize), builder.getDenseI64ArrayAttr(conv.strides),
      PaddingAttr::get(&context, same ? Padding::same : Padding::valid),
      DataFormatAttr::get(&context,
                          channelsFirst ? DataFormat::channels_first : DataFormat::channels_last),
      builder.getDenseI64ArrayAttr(conv.dilationRate), builder.getI64IntegerAttr(conv.groups),
      ActivationAttr::get(&context, *activation), builder.getBoolAttr(conv.useBias),
      /*explicit_padding=*/DenseI64ArrayAttr(), /*schedule=*/ScheduleAttr(),
      optional(conv.kernelInitializer),
      optional(conv.biasInitializer), optional(conv.kernelRegularizer),
      optional(conv.biasRegularizer), optional(conv.activityRegularizer),
      optional(conv.kernelConstraint), optional(conv.biasConstraint));
  values[layer.name] = op.getResult();
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  Location fileLoc = FileLineColLoc::get(&context, model.sourcePath, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  if (!model.kerasVersion.empty())
    (*module)->setAttr("kconv.keras_version", builder.getStringAttr(model.kerasVersion));
  builder.setInsertionPointToEnd(module->getBody());

  SmallVector<Type> argTypes;
  llvm::StringMap<size_t> argIndex;
  for (const std::string &name : model.inputs) {
    const keras::Layer *layer = nullptr;
    for (const keras::Layer &l : model.layers)
      if (l.name == name)
        layer = &l;
    const auto *in = layer ? std::get_if<keras::InputConfig>(&layer->config) : nullptr;
    if (!in) {
      emitError(layerLoc(name)) << "model input '" << name << "' is not an InputLayer";
      return nullptr;
    }
    FailureOr<RankedTensorType> type = inputType(*layer, *in);
    if (failed(type))
      return nullptr;
    argIndex[name] = argTypes.size();
    argTypes.push_back(*type);
  }

  std::string funcName = model.name;
  auto func = builder.create<func::FuncOp>(fileLoc, funcName,
                                           builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (const auto &[name, index] : argIndex) {
    values[name.str()] = body->getArgument(index);
    func.setArgAttr(index, kTensorNameAttr, builder.getStringAttr(name.str()));
  }
  builder.setInsertionPointToEnd(body);

  for (const keras::Layer &layer : model.layers) {
    if (std::holds_alternative<keras::InputConfig>(layer.config)) {
      if (!argIndex.count(layer.name)) {
        error(layer) << "is an InputLayer that is not among the model's inputs";
        return nullptr;
      }
      continue;
    }
    if (const auto *conv = std::get_if<keras::Conv2DConfig>(&layer.config))
      if (failed(importConv2D(layer, *conv)))
        return nullptr;
  }
  if (weights) {
    for (const std::string &name : weights->layerOrder) {
      bool known = false;
      for (const keras::Layer &layer : model.layers)
        known |= layer.name == name;
      if (!known && weights->layerOrder.size() != weightedLayerIndex) {
        emitError(fileLoc) << weights->sourcePath << ": holds weights for layer '" << name
                           << "', which the model does not have";
        return nullptr;
      }
    }
  }

  SmallVector<Value> results;
  for (const std::string &name : model.outputs)
    results.push_back(values.lookup(name));
  builder.create<func::ReturnOp>(fileLoc, results);
  func.setType(builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (size_t i = 0; i < model.outputs.size(); ++i)
    func.setResultAttr(i, kTensorNameAttr, builder.getStringAttr(model.outputs[i]));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

OwningOpRef<ModuleOp> importKerasModel(MLIRContext &context, const ::kconv::keras::Model &model,
                                       const ::kconv::keras::Weights *weights,
                                       std::optional<uint64_t> initSeed) {
  context.loadDialect<KconvDialect, func::FuncDialect, arith::ArithDialect>();
  return Importer(context, model, weights, initSeed).run();
}

} // namespace mlir::kconv
