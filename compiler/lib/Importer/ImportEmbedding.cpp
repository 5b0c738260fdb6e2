// Keras Embedding -> kconv.embedding over the (input_dim, output_dim) table. With
// mask_zero, the layers the mask reaches are checked: kconv computes no masks, so a
// model is refused where a mask would change a value (a masked average, an RNN, ...).
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
      "Softmax", "Maximum", "Minimum", "GlobalAveragePooling1D", "GlobalAvgPool1D", "Masking",
      "Bidirectional", "TimeDistributed", "RNN", "SimpleRNN", "LSTM", "GRU", "ConvLSTM1D",
      "ConvLSTM2D", "Attention", "AdditiveAttention", "MultiHeadAttention",
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
  if (embedding.maskZero) {
    // Follow the mask through the layers after this one (model.layers is topological).
    std::set<std::string> masked{layer.name};
    bool after = false;
    for (const keras::Layer &next : model.layers) {
      if (&next == &layer) {
        after = true;
        continue;
      }
      if (!after || !llvm::any_of(next.inbound,
                                  [&](const std::string &in) { return masked.count(in); }))
        continue;
      if (readsMask(next.className))
        return error(layer) << "has mask_zero=True and its mask reaches '" << next.name << "' ("
                            << next.className
                            << "), whose values depend on it; kconv does not apply masks";
      if (passesMaskUnchanged(next))
        masked.insert(next.name);
    }
  }
  FailureOr<std::vector<const keras::WeightTensor *>> tensors = layerWeights(layer, 1);
  if (failed(tensors))
    return failure();
  FailureOr<Value> table =
      weightConstant(layer, (*tensors)[0], "embeddings", {embedding.inputDim, embedding.outputDim},
                     embedding.embeddingsInitializer, "uniform");
  if (failed(table))
    return failure();
  return createLayerOp<EmbeddingOp>(layer, in, *table, builder.getBoolAttr(embedding.maskZero));
}

} // namespace kconv::dialect
