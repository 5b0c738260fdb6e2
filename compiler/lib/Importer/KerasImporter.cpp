// The Keras -> kconv importer's core: the model function, its inputs and outputs,
// weights, and the per-layer dispatch (layer families in ImportConv/ImportLayers).
#include "Importer.h"

#include "kconv/Keras/Initializers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "mlir/IR/Verifier.h"

namespace kconv::dialect {

Location Importer::layerLoc(const std::string &name) {
  return NameLoc::get(builder.getStringAttr(name),
                      FileLineColLoc::get(&context, model.sourcePath, 0, 0));
}

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
      error(layer) << "dimension " << i << " of the input shape is None; kconv compiles "
                   << "for one size: give it with --input-shape=" << layer.name << ":"
                   << "D1xD2x... (the sizes after the batch)";
      return failure();
    }
  }
  // The same limit as every layer's output (finishLayerOp), before anything uses it.
  int64_t elements = 1;
  for (int64_t d : ArrayRef<int64_t>(shape).drop_front())
    if (__builtin_mul_overflow(elements, d, &elements) || elements > (1ll << 31) - 1) {
      error(layer) << "the input " << formatShape(shape)
                   << " exceeds kconv's limit of 2^31 - 1 elements per sample";
      return failure();
    }
  return RankedTensorType::get(shape, builder.getF32Type());
}

FailureOr<std::vector<const keras::WeightTensor *>>
Importer::layerWeights(const keras::Layer &layer, size_t expected) {
  std::vector<const keras::WeightTensor *> result(expected, nullptr);
  // A shared layer's later calls (and the layers of a nested model called again) use
  // the weights of the first call, stored once.
  bool shared = !layer.weightOwner.empty();
  const std::string &owner = shared ? layer.weightOwner : layer.name;
  size_t index = shared ? 0 : weightedLayerIndex++;
  if (!weights)
    return result;
  // Keras matches HDF5 weights by layer name when every name is present, else by the
  // order of layers that have weights (never for nested or shared layers: by name).
  auto found = weights->byLayer.find(owner);
  if (found == weights->byLayer.end()) {
    if (shared || !layer.keras2Group.empty() || index >= weights->layerOrder.size()) {
      if (shared)
        error(layer) << "no weights in '" << weights->sourcePath << "' for shared layer '"
                     << owner << "', whose weights this call uses";
      else
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

namespace {
/// FNV-1a: a stable per-tensor seed from the user's seed and the tensor's name.
uint64_t tensorSeed(uint64_t seed, StringRef name) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (char c : name)
    h = (h ^ uint8_t(c)) * 1099511628211ull;
  return h;
}

} // namespace

LogicalResult Importer::weightShapeError(const keras::Layer &layer, const char *role,
                                         ArrayRef<int64_t> found, ArrayRef<int64_t> needed) {
  auto diag = error(layer);
  diag << role << " shape in '" << weights->sourcePath << "' is (";
  llvm::interleaveComma(found, diag);
  diag << ") but the layer needs (";
  llvm::interleaveComma(needed, diag);
  diag << ")";
  return failure();
}

FailureOr<Activation> Importer::activationOf(const keras::Layer &layer, StringRef name,
                                             bool opComputesSoftmax) {
  std::optional<Activation> activation = symbolizeActivation(name);
  if (!activation)
    return error(layer) << "activation '" << name << "' has no kconv equivalent";
  bool softmax = *activation == Activation::softmax || *activation == Activation::log_softmax;
  if (*activation == Activation::sparsemax || *activation == Activation::glu ||
      (softmax && !opComputesSoftmax)) {
    trailingActivation = *activation;
    return Activation::linear;
  }
  return *activation;
}

/// Reorders weights at import (EinsumDense kernels, Conv3D depth taps).
std::vector<float> permutedValues(const std::vector<float> &values, ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> perm) {
  size_t rank = shape.size();
  std::vector<int64_t> strides(rank, 1), outShape(rank);
  for (size_t d = rank; d-- > 1;)
    strides[d - 1] = strides[d] * shape[d];
  for (size_t i = 0; i < rank; ++i)
    outShape[i] = shape[perm[i]];
  std::vector<float> out(values.size());
  std::vector<int64_t> index(rank, 0);
  for (size_t k = 0; k < out.size(); ++k) {
    int64_t src = 0;
    for (size_t i = 0; i < rank; ++i)
      src += index[i] * strides[perm[i]];
    out[k] = values[src];
    for (size_t i = rank; i-- > 0;) {
      if (++index[i] < outShape[i])
        break;
      index[i] = 0;
    }
  }
  return out;
}
FailureOr<Value> Importer::weightConstant(const keras::Layer &layer,
                                          const keras::WeightTensor *tensor, const char *role,
                                          ArrayRef<int64_t> shape,
                                          const std::optional<keras::Value> &initializer,
                                          const char *defaultInitializer,
                                          ArrayRef<int64_t> fileShape,
                                          WeightReorder reorder) {
  if (fileShape.empty())
    fileShape = shape;
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  // (Seeded by the weights' owner: every call of a shared layer draws the same values.)
  std::string blobName =
      (layer.weightOwner.empty() ? layer.name : layer.weightOwner) + "." + role;
  // The resource key is printed bare in the IR (dense_resource<KEY>): only identifier
  // characters, whatever the layer's name; the context makes colliding keys unique.
  std::string key;
  for (char ch : layer.name)
    key += llvm::isAlnum(ch) || ch == '_' ? ch : '_';
  if (key.empty() || llvm::isDigit(key[0]))
    key = "l_" + key;
  key += std::string(".") + role;
  DenseResourceElementsAttr attr;
  if (!tensor && initSeed) {
    std::vector<float> values;
    ::kconv::Status status = keras::initializeTensor(
        initializer, defaultInitializer, std::vector<int64_t>(fileShape.begin(), fileShape.end()),
        tensorSeed(*initSeed, blobName), values);
    if (!status)
      return error(layer) << role << "_initializer: " << status.message();
    if (reorder)
      values = reorder(values);
    attr = DenseResourceElementsAttr::get(
        type, key, HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<float>(values)));
  } else if (tensor) {
    if (ArrayRef<int64_t>(tensor->shape) != fileShape)
      return weightShapeError(layer, role, tensor->shape, fileShape);
    std::vector<float> reordered;
    if (reorder)
      reordered = reorder(tensor->values);
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
        ArrayRef<float>(reorder ? reordered : tensor->values));
    attr = DenseResourceElementsAttr::get(type, key, std::move(blob));
  } else {
    auto &manager = DenseResourceElementsHandle::getManagerInterface(&context);
    attr = DenseResourceElementsAttr::get(type, manager.insert(key));
  }
  return builder.create<arith::ConstantOp>(layerLoc(layer.name), attr).getResult();
}

FailureOr<std::pair<Value, Value>>
Importer::kernelAndBias(const keras::Layer &layer, ArrayRef<int64_t> kernelShape,
                        const std::optional<keras::Value> &kernelInitializer, bool useBias,
                        int64_t biasSize, const std::optional<keras::Value> &biasInitializer) {
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      layerWeights(layer, useBias ? 2 : 1);
  if (failed(tensors))
    return failure();
  FailureOr<Value> kernel = weightConstant(layer, (*tensors)[0], "kernel", kernelShape,
                                           kernelInitializer, "glorot_uniform");
  if (failed(kernel))
    return failure();
  if (!useBias)
    return std::make_pair(*kernel, Value());
  FailureOr<Value> bias =
      weightConstant(layer, (*tensors)[1], "bias", {biasSize}, biasInitializer, "zeros");
  if (failed(bias))
    return failure();
  return std::make_pair(*kernel, *bias);
}

Value Importer::reshapeTo(const keras::Layer &layer, Value v, ArrayRef<int64_t> shape,
                          StringRef suffix) {
  return builder
      .create<ReshapeOp>(layerLoc(layer.name + suffix.str()),
                         RankedTensorType::get(shape, builder.getF32Type()), v,
                         builder.getDenseI64ArrayAttr(shape.drop_front()))
      .getResult();
}

LogicalResult Importer::expect5D(const keras::Layer &layer, Value in) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  if (shape.size() != 5)
    return error(layer) << "expects a 5-D input (batch, 4 dimensions), got rank "
                        << shape.size();
  if (llvm::any_of(shape.drop_front(), ShapedType::isDynamic))
    return error(layer) << "needs a known depth, height, width and channels, got "
                        << formatShape(shape);
  return success();
}

LogicalResult Importer::expectInputs(const keras::Layer &layer, size_t count) {
  if (layer.inbound.size() != count)
    return error(layer) << "expects " << count << " input" << (count == 1 ? "" : "s") << ", got "
                        << layer.inbound.size();
  return success();
}

FailureOr<Value> Importer::finishLayerOp(const keras::Layer &layer, Operation *op) {
  bool failed = false;
  std::optional<SmallVector<int64_t>> shape = tryInferShape(op, failed);
  if (!shape) {
    if (!failed)
      error(layer) << "an input of this layer has no known shape";
    op->erase();
    return failure();
  }
  // Halide indexes with int32: reject absurd sizes before anything is allocated.
  int64_t elements = 1;
  for (int64_t d : ArrayRef<int64_t>(*shape).drop_front())
    if (d < 0 || __builtin_mul_overflow(elements, d, &elements) || elements > (1ll << 31) - 1) {
      error(layer) << "the output " << formatShape(*shape)
                   << " exceeds kconv's limit of 2^31 - 1 elements per sample";
      op->erase();
      return failure();
    }
  op->getResult(0).setType(RankedTensorType::get(*shape, builder.getF32Type()));
  values[layer.name] = op->getResult(0);
  if (std::optional<Activation> after = std::exchange(trailingActivation, std::nullopt)) {
    return createLayerOp<ActivationOp>(
        layer, op->getResult(0), ActivationAttr::get(&context, *after), FloatAttr(),
        FloatAttr(), FloatAttr(), FloatAttr(), builder.getI64IntegerAttr(shape->size() - 1));
  }
  return op->getResult(0);
}

FailureOr<int64_t> Importer::normalizedAxis(const keras::Layer &layer, int64_t axis,
                                            int64_t rank, const char *what) {
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 1 || normalized >= rank)
    return error(layer) << "'" << what << "' " << axis << " is not a non-batch axis of a rank-"
                        << rank << " input";
  return normalized;
}

LogicalResult Importer::importLayer(const keras::Layer &layer) {
  trailingActivation.reset();
  return std::visit(
      [&](const auto &config) -> LogicalResult {
        using T = std::decay_t<decltype(config)>;
        if constexpr (std::is_same_v<T, keras::Conv2DConfig>)
          return config.rank == 1   ? importConv1D(layer, config)
                 : config.rank == 3 ? (config.kind == keras::ConvKind::Transpose
                                           ? importConv3DTranspose(layer, config)
                                           : importConv3D(layer, config))
                                    : importConv2D(layer, config);
        else if constexpr (std::is_same_v<T, keras::DenseConfig>)
          return importDense(layer, config);
        else if constexpr (std::is_same_v<T, keras::BatchNormConfig>)
          return importBatchNorm(layer, config);
        else if constexpr (std::is_same_v<T, keras::LayerNormConfig>)
          return importLayerNorm(layer, config);
        else if constexpr (std::is_same_v<T, keras::UnitNormConfig>)
          return importUnitNorm(layer, config);
        else if constexpr (std::is_same_v<T, keras::EmbeddingConfig>)
          return importEmbedding(layer, config);
        else if constexpr (std::is_same_v<T, keras::AdaptivePool2DConfig>)
          return importAdaptivePool2D(layer, config);
        else if constexpr (std::is_same_v<T, keras::NormalizationConfig>)
          return importNormalization(layer, config);
        else if constexpr (std::is_same_v<T, keras::ActivationConfig>)
          return importActivation(layer, config);
        else if constexpr (std::is_same_v<T, keras::PReluConfig>)
          return importPRelu(layer, config);
        else if constexpr (std::is_same_v<T, keras::ReshapeConfig>)
          return importReshape(layer, config);
        else if constexpr (std::is_same_v<T, keras::ResizeConfig>)
          return importResize(layer, config);
        else if constexpr (std::is_same_v<T, keras::GroupNormConfig>)
          return importGroupNorm(layer, config);
        else if constexpr (std::is_same_v<T, keras::CategoryEncodingConfig>)
          return importCategoryEncoding(layer, config);
        else if constexpr (std::is_same_v<T, keras::DiscretizationConfig>)
          return importDiscretization(layer, config);
        else if constexpr (std::is_same_v<T, keras::RepeatVectorConfig>)
          return importRepeatVector(layer, config);
        else if constexpr (std::is_same_v<T, keras::EinsumDenseConfig>)
          return importEinsumDense(layer, config);
        else if constexpr (std::is_same_v<T, keras::MultiHeadAttentionConfig>)
          return importMultiHeadAttention(layer, config);
        else if constexpr (std::is_same_v<T, keras::AttentionConfig>)
          return importAttention(layer, config);
        else if constexpr (std::is_same_v<T, keras::RecurrentConfig>)
          return importRecurrent(layer, config);
        else if constexpr (std::is_same_v<T, keras::ConvLstmConfig>)
          return importConvLstm(layer, config);
        else if constexpr (std::is_same_v<T, keras::BidirectionalConfig>)
          return importBidirectional(layer, config);
        else if constexpr (std::is_same_v<T, keras::StackedRecurrentConfig>)
          return importStackedRecurrent(layer, config);
        else if constexpr (std::is_same_v<T, keras::TimeDistributedConfig>)
          return importTimeDistributed(layer, config);
        else if constexpr (std::is_same_v<T, keras::DotConfig>)
          return importDot(layer, config);
        else if constexpr (std::is_same_v<T, keras::MaskingConfig>)
          return importMasking(layer, config);
        else if constexpr (std::is_same_v<T, keras::RecurrentStateConfig>)
          return importRecurrentState(layer, config);
        else
          return importSimple(layer);
      },
      layer.config);
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
    if (failed(importMasked(layer)))
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
  // The layout of each boundary tensor as Keras has it, before the layout pass turns
  // channels_first layers into channels_last ones between transposes: that of the
  // first layer with a data_format reading it (or writing it), looking through
  // element-wise layers (an Activation before the first Conv2D).
  auto elementwise = [](Operation *op) {
    return !op->hasAttr("data_format") && op->getNumResults() == 1 &&
           llvm::all_of(op->getOperands(), [&](Value v) {
             return v.getType() == op->getResult(0).getType();
           });
  };
  auto channelsFirst = [&](Operation *op) {
    if (op && channelsFirstTransposes.contains(op))
      return true;
    auto format = op ? op->getAttrOfType<DataFormatAttr>("data_format") : nullptr;
    return format && format.getValue() == DataFormat::channels_first;
  };
  StringAttr first = builder.getStringAttr("channels_first");
  for (BlockArgument arg : func.getArguments()) {
    llvm::SmallPtrSet<Value, 8> reached{arg}; // the input and element-wise results of it
    Operation *reader = nullptr;
    for (Operation &op : func.getBody().front()) {
      if (!llvm::any_of(op.getOperands(), [&](Value v) { return reached.contains(v); }))
        continue;
      if (op.hasAttr("data_format") || channelsFirstTransposes.contains(&op)) {
        reader = &op;
        break;
      }
      if (elementwise(&op))
        reached.insert(op.getResult(0));
    }
    if (channelsFirst(reader))
      func.setArgAttr(arg.getArgNumber(), kTensorLayoutAttr, first);
  }
  for (auto [i, result] : llvm::enumerate(results)) {
    Operation *writer = result.getDefiningOp();
    while (writer && elementwise(writer) && writer->getNumOperands() == 1)
      writer = writer->getOperand(0).getDefiningOp();
    if (channelsFirst(writer))
      func.setResultAttr(i, kTensorLayoutAttr, first);
  }
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> importKerasModel(MLIRContext &context, const ::kconv::keras::Model &model,
                                       const ::kconv::keras::Weights *weights,
                                       std::optional<uint64_t> initSeed) {
  context.loadDialect<KconvDialect, func::FuncDialect, arith::ArithDialect>();
  return Importer(context, model, weights, initSeed).run();
}

} // namespace kconv::dialect
