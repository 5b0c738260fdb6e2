// Keras Embedding -> kconv.embedding over the (input_dim, output_dim) table, and the
// mask its mask_zero makes (or a Masking layer makes, kconv.sequence_mask): followed
// through the layers that pass it on, applied by GlobalAveragePooling1D
// (kconv.masked_average_pool1d), recurrent layers (kconv.rnn's mask) and
// MultiHeadAttention (kconv.attention_mask, ImportAttention.cpp), refused where another
// layer's values would depend on it (Attention, ...).
#include "Importer.h"

#include "llvm/Support/CheckedArithmetic.h"

#include <set>

namespace kconv::dialect {

namespace {
/// Keras layers that pass a mask on and compute the same values with or without it.
bool passesMaskUnchanged(const keras::Layer &layer) {
  static const std::set<std::string> classes = {
      "Activation", "ELU", "LeakyReLU", "PReLU", "ReLU", "Dense", "BatchNormalization",
      "LayerNormalization", "GroupNormalization", "UnitNormalization", "Normalization",
      "Rescaling", "Add", "Subtract", "Multiply", "Average", "Concatenate"};
  return classes.count(layer.className) ||
         std::holds_alternative<keras::IdentityConfig>(layer.config); // Dropout, noise, ...
}

/// Keras layers whose values depend on the mask they receive. Every other layer
/// drops the mask (Keras 3; Keras 2 refuses to build such a model).
bool readsMask(const std::string &cls) {
  static const std::set<std::string> classes = {
      "Softmax", "Maximum", "Minimum", "GlobalAveragePooling1D", "GlobalAvgPool1D",
      "Bidirectional", "TimeDistributed", "RNN", "SimpleRNN", "LSTM", "GRU", "ConvLSTM1D",
      "ConvLSTM2D", "ConvLSTM3D", "Attention", "AdditiveAttention", "MultiHeadAttention",
      "GroupedQueryAttention", "Dot"};
  return classes.count(cls) > 0;
}
} // namespace

LogicalResult Importer::importEmbedding(const keras::Layer &layer,
                                        const keras::EmbeddingConfig &embedding) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  std::optional<int64_t> entries = llvm::checkedMul(embedding.inputDim, embedding.outputDim);
  if (!entries || *entries > (int64_t(1) << 30))
    return error(layer) << "the table (" << embedding.inputDim << " x " << embedding.outputDim
                        << ") exceeds kconv's limit of 2^30 weights per tensor";
  if (embedding.inputDim > (int64_t(1) << 24))
    return error(layer) << "'input_dim' " << embedding.inputDim
                        << " is above 2^24: float32 inputs cannot hold every index exactly";
  int64_t perSample = embedding.outputDim;
  for (int64_t d : shape.drop_front())
    if (!ShapedType::isDynamic(d) &&
        (__builtin_mul_overflow(perSample, d, &perSample) || perSample > (1ll << 31) - 1))
      return error(layer) << "the output " << formatShape(shape) << " x "
                          << embedding.outputDim
                          << " exceeds kconv's limit of 2^31 - 1 elements per sample";
  FailureOr<std::vector<const keras::WeightTensor *>> tensors = layerWeights(layer, 1);
  if (failed(tensors))
    return failure();
  FailureOr<Value> table =
      weightConstant(layer, (*tensors)[0], "embeddings", {embedding.inputDim, embedding.outputDim},
                     embedding.embeddingsInitializer, "uniform");
  if (failed(table))
    return failure();
  FailureOr<Value> out =
      createLayerOp<EmbeddingOp>(layer, in, *table, builder.getBoolAttr(embedding.maskZero));
  if (failed(out))
    return failure();
  if (embedding.maskZero) // Keras: the mask is `ids != 0`, on the ids as given
    masks[layer.name] = LayerMask{in, "Embedding '" + layer.name + "' (mask_zero=True)"};
  return success();
}

LogicalResult Importer::importMasking(const keras::Layer &layer,
                                      const keras::MaskingConfig &masking) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  if (shape.size() < 3 || shape.size() > 6)
    return error(layer) << "expects an input (batch, timesteps, features) or (batch, "
                           "timesteps, positions..., channels) of rank at most 6, got "
                        << formatShape(shape);
  if (llvm::any_of(shape.drop_front(), ShapedType::isDynamic))
    return error(layer) << "needs known sizes after the batch, got " << formatShape(shape);
  // Keras: mask = any(x != mask_value, axis=-1); output = x * mask. Over a sequence of
  // images (a ConvLSTM's input) the mask has one value per step and position: computed
  // on the (batch, steps x positions, channels) view.
  Type f32 = builder.getF32Type();
  int64_t rows = 1;
  for (int64_t d : shape.drop_front().drop_back())
    rows *= d; // each at most 2^31 - 1 elements per sample in all: no overflow
  Value flat = shape.size() == 3 ? in : reshapeTo(layer, in, {shape[0], rows, shape.back()}, "/rows");
  Value mask = builder.create<SequenceMaskOp>(layerLoc(layer.name + "/mask"),
                                              RankedTensorType::get({shape[0], rows}, f32), flat,
                                              builder.getF64FloatAttr(masking.maskValue));
  Value expanded = reshapeTo(layer, mask, {shape[0], rows, 1}, "/expand");
  FailureOr<Value> out = createLayerOp<MergeOp>(layer, ValueRange{flat, expanded},
                                                MergeKindAttr::get(&context, MergeKind::multiply));
  if (failed(out))
    return failure();
  if (shape.size() > 3) {
    values[layer.name] = reshapeTo(layer, *out, shape, "/output");
    mask = reshapeTo(layer, mask, shape.drop_back(), "/positions");
  }
  masks[layer.name] = LayerMask{mask, "Masking '" + layer.name + "'"};
  return success();
}

LogicalResult Importer::importMasked(const keras::Layer &layer) {
  // The masks the layer's inputs carry: one kconv can apply, or none.
  std::optional<LayerMask> mask;
  bool several = false;
  for (const std::string &name : layer.inbound) {
    auto found = masks.find(name);
    if (found == masks.end())
      continue;
    if (mask && (mask->ids != found->second.ids || !found->second.ids))
      several = true;
    if (!mask)
      mask = found->second;
  }
  if (!mask)
    return importLayer(layer);
  // A mask per step and position (a Masking layer's over a sequence of images, an
  // Embedding's over (batch, steps, positions...) ids): ConvLSTM applies it per position.
  const auto *convLstm = std::get_if<keras::ConvLstmConfig>(&layer.config);
  bool perPosition = mask->ids && cast<RankedTensorType>(mask->ids.getType()).getRank() > 2;
  if (perPosition && !convLstm && readsMask(layer.className))
    return error(layer) << "reads the mask of " << mask->source
                        << ", one per step and position " << formatShape(shapeOf(mask->ids))
                        << ", which kconv applies only in ConvLSTM layers";
  if (convLstm) {
    auto sequenceMask = masks.find(layer.inbound[0]);
    if (sequenceMask == masks.end())
      return importLayer(layer);
    if (sequenceMask->second.ids) {
      LayerMask applied = sequenceMask->second;
      if (failed(importConvLstm(layer, *convLstm, &applied)))
        return failure();
      if (convLstm->rnn.returnSequences)
        masks[layer.name] = applied;
      return success();
    }
  }
  // GlobalAveragePooling1D averages the kept steps only.
  const auto *pool = std::get_if<keras::GlobalPool2DConfig>(&layer.config);
  if (pool && pool->rank == 1 && !pool->max && layer.inbound.size() == 1 && mask->ids) {
    FailureOr<Value> out = createLayerOp<MaskedAveragePool1DOp>(
        layer, input(layer, 0), mask->ids, formatAttr(&context, pool->dataFormat),
        builder.getBoolAttr(pool->keepdims));
    return failure(failed(out));
  }
  // Recurrent layers skip the steps their sequence's mask masks (initial states carry
  // none); with return_sequences they pass it on.
  const auto *rnn = std::get_if<keras::RecurrentConfig>(&layer.config);
  const auto *bi = std::get_if<keras::BidirectionalConfig>(&layer.config);
  const auto *stacked = std::get_if<keras::StackedRecurrentConfig>(&layer.config);
  if (rnn || bi || stacked) {
    auto sequenceMask = masks.find(layer.inbound[0]);
    if (sequenceMask == masks.end())
      return importLayer(layer);
    if (sequenceMask->second.ids) {
      LayerMask applied = sequenceMask->second;
      if (failed(rnn  ? importRecurrent(layer, *rnn, applied.ids)
                 : bi ? importBidirectional(layer, *bi, applied.ids)
                      : importStackedRecurrent(layer, *stacked, applied.ids)))
        return failure();
      if (rnn ? rnn->returnSequences
              : bi ? bi->forward.returnSequences : stacked->cells.back().returnSequences)
        masks[layer.name] = applied;
      return success();
    }
  }
  // The attention layers mask their scores with their inputs' masks (maskScores,
  // importAttention) and pass the query's on, as Keras does.
  if (std::holds_alternative<keras::MultiHeadAttentionConfig>(layer.config) ||
      std::holds_alternative<keras::AttentionConfig>(layer.config)) {
    if (failed(importLayer(layer)))
      return failure();
    auto query = masks.find(layer.inbound[0]);
    if (query != masks.end()) {
      LayerMask passed = query->second;
      masks[layer.name] = passed;
    }
    return success();
  }
  if (readsMask(layer.className))
    return error(layer) << "reads the mask of " << mask->source
                        << ", which kconv applies only in GlobalAveragePooling1D, recurrent "
                           "layers and the attention layers";
  if (failed(importLayer(layer)))
    return failure();
  // A layer that passes the mask on: Keras combines several masks (AND) and
  // concatenates them with Concatenate, which no one ids tensor holds, so such a mask
  // is kept only to refuse its readers.
  if (passesMaskUnchanged(layer))
    masks[layer.name] = several || std::holds_alternative<keras::ConcatenateConfig>(layer.config)
                            ? LayerMask{Value(), mask->source}
                            : *mask;
  return success();
}

} // namespace kconv::dialect
