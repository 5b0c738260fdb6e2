// Internal: the Keras -> kconv importer, split by layer family over a few files.
#ifndef KCONV_IMPORTER_IMPORTER_H
#define KCONV_IMPORTER_IMPORTER_H

#include "kconv/Dialect/KconvOps.h"
#include "kconv/Importer/KerasImporter.h"
#include "kconv/Support/ConvGeometry.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"

namespace kconv::dialect {
namespace keras = ::kconv::keras;

/// The reader's data_format as the dialect's attribute.
DataFormatAttr formatAttr(MLIRContext *context, keras::DataFormat format);

/// The shape of a value the importer made (every one is ranked).
inline ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// Rearranges a weight's values (read or drawn in the file's shape) into kconv's shape.
using WeightReorder = function_ref<std::vector<float>(const std::vector<float> &)>;

/// `values` of row-major `shape` with its axes reordered: result axis i is axis perm[i].
std::vector<float> permutedValues(const std::vector<float> &values, ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> perm);

class Importer {
public:
  Importer(MLIRContext &context, const keras::Model &model, const keras::Weights *weights,
           std::optional<uint64_t> initSeed)
      : context(context), builder(&context), model(model), weights(weights),
        initSeed(initSeed) {}

  OwningOpRef<ModuleOp> run();

private:
  // KerasImporter.cpp: locations, weights, the graph.
  Location layerLoc(const std::string &name);
  InFlightDiagnostic error(const keras::Layer &layer) { return emitError(layerLoc(layer.name)); }
  FailureOr<RankedTensorType> inputType(const keras::Layer &layer, const keras::InputConfig &in);
  LogicalResult importLayer(const keras::Layer &layer);
  /// The layer's weight tensors from the weights file (nulls without one).
  FailureOr<std::vector<const keras::WeightTensor *>> layerWeights(const keras::Layer &layer,
                                                                   size_t expected);
  /// A float32 constant of `shape` from `tensor` (whose file shape must be
  /// `fileShape`, default `shape`), else drawn from `initializer` with --init-seed,
  /// else a resource without data. With `reorder`, the values read or drawn (in
  /// `fileShape`) are reordered into `shape` by it (Conv3D's kernels).
  FailureOr<Value> weightConstant(const keras::Layer &layer, const keras::WeightTensor *tensor,
                                  const char *role, ArrayRef<int64_t> shape,
                                  const std::optional<keras::Value> &initializer,
                                  const char *defaultInitializer,
                                  ArrayRef<int64_t> fileShape = {},
                                  WeightReorder reorder = nullptr);
  /// Reports that the weights file's `role` tensor has shape `found` where the layer
  /// needs `needed`; returns failure.
  LogicalResult weightShapeError(const keras::Layer &layer, const char *role,
                                 ArrayRef<int64_t> found, ArrayRef<int64_t> needed);
  /// The kconv activation of kconv's canonical activation `name` for the layer's op to
  /// compute, or an error naming the layer. One the op cannot compute (sparsemax and
  /// glu; softmax and log_softmax unless `opComputesSoftmax`) comes back as linear, and
  /// the next finishLayerOp applies it as a kconv.activation of its own over the
  /// result's last axis, where Keras applies a layer's activation.
  FailureOr<Activation> activationOf(const keras::Layer &layer, StringRef name,
                                     bool opComputesSoftmax = true);
  /// The constants of a layer whose weights are `kernel` then, with use_bias,
  /// `bias` (Dense, Conv2DTranspose); the bias Value is null without bias.
  FailureOr<std::pair<Value, Value>>
  kernelAndBias(const keras::Layer &layer, ArrayRef<int64_t> kernelShape,
                const std::optional<keras::Value> &kernelInitializer, bool useBias,
                int64_t biasSize, const std::optional<keras::Value> &biasInitializer);
  Attribute toAttribute(const keras::Value &value);
  Value input(const keras::Layer &layer, size_t index) {
    return values.lookup(layer.inbound[index]);
  }
  LogicalResult expectInputs(const keras::Layer &layer, size_t count);
  /// `v` reshaped (a free view) to `shape`, batch included, at the layer's location
  /// plus `suffix`.
  Value reshapeTo(const keras::Layer &layer, Value v, ArrayRef<int64_t> shape, StringRef suffix);
  /// A 3-D layer's input: 5-D with known non-batch dimensions, else an error.
  LogicalResult expect5D(const keras::Layer &layer, Value in);
  /// Creates a layer op with an unranked result, then gives it its inferred shape.
  template <typename OpTy, typename... Args>
  FailureOr<Value> createLayerOp(const keras::Layer &layer, Args &&...args) {
    auto op = builder.create<OpTy>(layerLoc(layer.name),
                                   UnrankedTensorType::get(builder.getF32Type()),
                                   std::forward<Args>(args)...);
    return finishLayerOp(layer, op.getOperation());
  }
  FailureOr<Value> finishLayerOp(const keras::Layer &layer, Operation *op);
  /// Set by activationOf for the layer being imported: its activation, after its op.
  std::optional<Activation> trailingActivation;
  /// A Keras axis (negative counts from the end) as a non-negative, non-batch axis.
  FailureOr<int64_t> normalizedAxis(const keras::Layer &layer, int64_t axis, int64_t rank,
                                    const char *what);

  // ImportConv.cpp
  LogicalResult importConv2D(const keras::Layer &layer, const keras::Conv2DConfig &conv);
  /// A 1-D layer's rank-3 input (N, L, C) (channels_first (N, C, L)) as the rank-4 view
  /// (N, 1, L, C) ((N, C, 1, L)) that the 2-D op computes on; failure unless rank 3.
  FailureOr<Value> expandTo2D(const keras::Layer &layer, Value in, bool channelsFirst);
  /// The inverse of expandTo2D on the 2-D op's result; a result of rank below 4 (a
  /// global pool without keepdims) is kept. Records the layer's value.
  void squeezeFrom2D(const keras::Layer &layer, Value out4, bool channelsFirst);
  LogicalResult importConv1D(const keras::Layer &layer, const keras::Conv2DConfig &conv);
  // ImportConv3D.cpp
  LogicalResult importConv3D(const keras::Layer &layer, const keras::Conv2DConfig &conv);
  /// Conv3DTranspose: the Conv3D, stride 1, of the flipped kernel over the input with
  /// stride - 1 zeros inserted between its elements along each axis.
  LogicalResult importConv3DTranspose(const keras::Layer &layer,
                                      const keras::Conv2DConfig &conv);
  /// A 3-D convolution's kernel, stride, dilation, padding and output size per axis
  /// (depth, height, width).
  struct Conv3DGeometry {
    struct Axis {
      int64_t kernel = 1, stride = 1, dilation = 1;
      ::kconv::AxisPadding pad;
      int64_t out = 1;
    } axes[3];
  };
  /// A Conv3D's or Conv3DTranspose's kernel, stored in the file as `fileShape` (5-D),
  /// checked against kconv's weight limit and reordered by `reorder` into the conv2d
  /// kernel (KH, KW, KD * tapChannels, filters); and the bias (null without).
  FailureOr<std::pair<Value, Value>>
  conv3DWeights(const keras::Layer &layer, const keras::Conv2DConfig &conv,
                ArrayRef<int64_t> fileShape, int64_t tapChannels, WeightReorder reorder);
  /// The depth_unfold and conv2d of a Conv3D over the 5-D `in` (channels_first when
  /// `inputFirst`) with the reordered kernel (KH, KW, KD * Cin / groups, filters); the
  /// layer's value is its result (channels_first when `outputFirst`).
  LogicalResult buildConv3D(const keras::Layer &layer, Value in, bool inputFirst,
                            bool outputFirst, const Conv3DGeometry &geometry, int64_t groups,
                            int64_t filters, Value kernel, Value bias,
                            const keras::Conv2DConfig &conv);
  /// Conv2DTranspose (and Conv1DTranspose on the (1, steps) view) on `in`.
  FailureOr<Value> importConv2DTranspose(const keras::Layer &layer,
                                         const keras::Conv2DConfig &conv, Value in);
  FailureOr<Value> buildConv(const keras::Layer &layer, Location loc, Value input,
                             const keras::Conv2DConfig &conv, int64_t filters, int64_t groups,
                             Value kernel, Value bias, StringRef activation,
                             std::array<int64_t, 2> kernelSize,
                             std::array<int64_t, 2> strides, std::array<int64_t, 2> dilation,
                             bool same, DenseI64ArrayAttr explicitPadding = {});
  /// Conv2D, DepthwiseConv2D, SeparableConv2D and Conv1D (as a 1 x k conv2d) on a
  /// rank-4 input; the layer's result.
  FailureOr<Value> importConvOn(const keras::Layer &layer, const keras::Conv2DConfig &conv,
                                Value in);

  // ImportLayers3D.cpp: the 3-D pooling, padding, cropping and upsampling layers.
  /// A 3-D layer's spatial axis, as the 2-D op on a view of its input treats it.
  enum class Axis3D { depth = 0, height = 1, width = 2, none = -1 };
  using Axes3D = std::array<Axis3D, 2>; // the 2-D op's (height, width) slots
  /// `build2D` applied to the two views of the 5-D `in` (see ImportLayers3D.cpp), told
  /// which of the layer's axes each view's two spatial axes are (none: an axis it must
  /// leave alone); the result, reshaped back to 5-D, is the layer's value.
  LogicalResult applyAs2D(const keras::Layer &layer, Value in, bool channelsFirst,
                             function_ref<FailureOr<Value>(Value, Axes3D)> build2D);
  LogicalResult import3D(const keras::Layer &layer, const keras::Pool2DConfig &pool, Value in);
  LogicalResult import3D(const keras::Layer &layer, const keras::GlobalPool2DConfig &pool,
                         Value in);
  LogicalResult import3D(const keras::Layer &layer, const keras::Pad2DConfig &pad, Value in);
  LogicalResult import3D(const keras::Layer &layer, const keras::UpSample2DConfig &up, Value in);

  // ImportLayers.cpp
  LogicalResult importDense(const keras::Layer &layer, const keras::DenseConfig &dense);
  LogicalResult importBatchNorm(const keras::Layer &layer, const keras::BatchNormConfig &bn);
  // ImportEmbedding.cpp
  LogicalResult importEmbedding(const keras::Layer &layer,
                                const keras::EmbeddingConfig &embedding);
  /// Masking: the input times its mask (kconv.sequence_mask), which its output carries.
  LogicalResult importMasking(const keras::Layer &layer, const keras::MaskingConfig &masking);
  /// importLayer, with Keras's masks: a layer reading the mask an Embedding's
  /// mask_zero or a Masking layer makes is imported to apply it (GlobalAveragePooling1D,
  /// recurrent layers) or refused; one passing it on passes it on.
  LogicalResult importMasked(const keras::Layer &layer);
  struct LayerMask {
    Value ids;          // (batch, steps): a step is kept where it is not 0
    std::string source; // the layer that made it, for messages: "Embedding 'e' (mask_zero=True)"
  };
  /// Layer name -> the mask its output carries (ids null: masks combined by a merge).
  llvm::StringMap<LayerMask> masks;
  LogicalResult importLayerNorm(const keras::Layer &layer, const keras::LayerNormConfig &ln);
  LogicalResult importUnitNorm(const keras::Layer &layer, const keras::UnitNormConfig &un);
  LogicalResult importAdaptivePool2D(const keras::Layer &layer,
                                     const keras::AdaptivePool2DConfig &pool);
  LogicalResult importNormalization(const keras::Layer &layer,
                                    const keras::NormalizationConfig &norm);
  LogicalResult importActivation(const keras::Layer &layer, const keras::ActivationConfig &act);
  LogicalResult importPRelu(const keras::Layer &layer, const keras::PReluConfig &prelu);
  LogicalResult importReshape(const keras::Layer &layer, const keras::ReshapeConfig &reshape);
  LogicalResult importSimple(const keras::Layer &layer); // every other layer
  // ImportResize.cpp
  LogicalResult importResize(const keras::Layer &layer, const keras::ResizeConfig &resize);

  // ImportGroupNorm.cpp
  LogicalResult importGroupNorm(const keras::Layer &layer, const keras::GroupNormConfig &gn);
  // ImportCategoryEncoding.cpp
  LogicalResult importCategoryEncoding(const keras::Layer &layer,
                                       const keras::CategoryEncodingConfig &encoding);
  /// The layer's kconv.category_encoding of `ids` among `tokens` (its value).
  FailureOr<Value> createCategoryEncoding(const keras::Layer &layer, Value ids, int64_t tokens,
                                          keras::CategoryEncodingConfig::Mode mode);
  // ImportDiscretization.cpp
  LogicalResult importDiscretization(const keras::Layer &layer,
                                     const keras::DiscretizationConfig &discretization);
  // ImportRepeatVector.cpp
  LogicalResult importRepeatVector(const keras::Layer &layer,
                                   const keras::RepeatVectorConfig &repeat);
  // ImportRecurrent.cpp
  /// `mask`: Keras's mask reaching the layer (an Embedding's ids), or null.
  LogicalResult importRecurrent(const keras::Layer &layer, const keras::RecurrentConfig &rnn,
                                Value mask = Value());
  /// RNN(StackedRNNCells): the cells as recurrent layers in a chain (see the config).
  LogicalResult importStackedRecurrent(const keras::Layer &layer,
                                       const keras::StackedRecurrentConfig &stacked,
                                       Value mask = Value());
  LogicalResult importBidirectional(const keras::Layer &layer,
                                    const keras::BidirectionalConfig &bi, Value mask = Value());
  /// A final state of a recurrent layer with return_state ("<layer>#state_h", ...).
  LogicalResult importRecurrentState(const keras::Layer &layer,
                                     const keras::RecurrentStateConfig &state);
  /// Recurrent layers with return_state -> per final state (h, an LSTM's c; stacked
  /// cells: every cell's in order) the packed kconv.rnn result holding it and its row.
  llvm::StringMap<SmallVector<std::pair<Value, int64_t>, 2>> recurrentStates;
  /// Rows [begin, begin + count) of a packed (batch, rows, units) recurrence result, as
  /// the value of `name`: (batch, count, units), or (batch, units) unless `keepRows`.
  Value sliceRows(const std::string &name, Value packed, int64_t begin, int64_t count,
                  bool keepRows);
  /// A recurrent layer's bias of `shape` from `tensor` (an LSTM's forget gate at ones
  /// when drawn with unit_forget_bias, as Keras initializes it).
  FailureOr<Value> recurrentBias(const keras::Layer &layer, const keras::WeightTensor *tensor,
                                 const keras::RecurrentConfig &rnn, ArrayRef<int64_t> shape);
  /// A recurrent layer's `arg` (activation, recurrent_activation) `name`, which must be
  /// element-wise, else an error naming the layer.
  FailureOr<Activation> cellActivation(const keras::Layer &layer, const std::string &name,
                                       const char *arg);
  // ImportConvLstm.cpp
  /// `mask`: Keras's mask reaching the sequence, (batch, steps) or one per step and
  /// output position (channels_last only), or null.
  LogicalResult importConvLstm(const keras::Layer &layer, const keras::ConvLstmConfig &cl,
                               const LayerMask *mask = nullptr);
  /// The transposes by which a channels_first layer computed channels_last (ConvLSTM)
  /// reads its input and writes its results: they carry no data_format, yet give the
  /// layout of the model inputs and outputs they touch.
  llvm::SmallPtrSet<Operation *, 4> channelsFirstTransposes;
  /// ConvLSTM layers with return_state -> their final h and c, in the layer's layout.
  llvm::StringMap<std::pair<Value, Value>> convLstmStates;
  /// A (batch, timesteps, features) input with known timesteps and features.
  LogicalResult checkSequenceInput(const keras::Layer &layer, Value in);
  /// The one input of a layer reading a sequence, checked by checkSequenceInput.
  FailureOr<Value> sequenceInput(const keras::Layer &layer);
  /// One kconv.rnn at `loc` on `in` with the weights `tensors` (kernel, recurrent
  /// kernel[, bias]; nulls without a weights file), skipping the steps `mask` (or
  /// null) masks, from `initialStates` (none: zeros); the layer's value is its result.
  FailureOr<Value> buildRecurrent(const keras::Layer &layer, Location loc, Value in,
                                  const keras::RecurrentConfig &rnn,
                                  ArrayRef<const keras::WeightTensor *> tensors,
                                  bool flipSequences, Value mask,
                                  ValueRange initialStates = {});

  // ImportAttention.cpp
  /// An EinsumDense computation (`equation` with Keras's partial `outputShape`, the
  /// output axes `biasAxes` the bias spans, the activation) whose weights are named
  /// `kernelRole` / `biasRole`.
  struct EinsumSpec {
    std::string equation;
    std::vector<keras::Dim> outputShape;
    std::string biasAxes;
    std::string activation;
    const char *kernelRole, *biasRole;
  };
  /// `spec` on `in` as transpose, reshape, Dense, reshape, transpose (each only where
  /// needed): its result, or an error naming the layer and the equation.
  FailureOr<Value> buildEinsumDense(const keras::Layer &layer, Value in, const EinsumSpec &spec,
                                    const keras::WeightTensor *kernel,
                                    const keras::WeightTensor *bias,
                                    const std::optional<keras::Value> &kernelInit,
                                    const std::optional<keras::Value> &biasInit);
  LogicalResult importEinsumDense(const keras::Layer &layer,
                                  const keras::EinsumDenseConfig &config);
  /// The query, value and key (the value when not given) of an attention layer, each
  /// (batch, steps, features) with known steps and features, or an error naming the
  /// layer: `expected` says which inputs it takes, `note` ends the shape error.
  /// `trailing`: inputs after them that are not attended (the attention_mask).
  struct AttentionInputs {
    Value query, value, key;
    bool keyGiven = false;
  };
  FailureOr<AttentionInputs> attentionInputs(const keras::Layer &layer, const char *expected,
                                             const char *note, size_t trailing = 0);
  /// MultiHeadAttention's scores with Keras's masks applied (kconv.attention_mask):
  /// the Keras masks of its query, value and key, the attention_mask input and the
  /// causal mask; the scores as they are when there is none. `zeroMasked`: the
  /// probabilities after the softmax, masked entries set to 0.
  FailureOr<Value> maskScores(const keras::Layer &layer, const AttentionInputs &inputs,
                              const keras::MultiHeadAttentionConfig &mha, Value scores,
                              bool zeroMasked = false);
  /// The ids of the Keras mask the layer's input `index` carries (null where none);
  /// an error where Keras combines several masks there (no one ids tensor holds it).
  FailureOr<Value> inputMaskIds(const keras::Layer &layer, size_t index, const char *what);
  LogicalResult importMultiHeadAttention(const keras::Layer &layer,
                                         const keras::MultiHeadAttentionConfig &mha);
  LogicalResult importAttention(const keras::Layer &layer, const keras::AttentionConfig &config);
  /// ImportDot.cpp
  LogicalResult importDot(const keras::Layer &layer, const keras::DotConfig &dot);
  /// ImportTimeDistributed.cpp
  LogicalResult importTimeDistributed(const keras::Layer &layer,
                                      const keras::TimeDistributedConfig &td);

  MLIRContext &context;
  OpBuilder builder;
  const keras::Model &model;
  const keras::Weights *weights;
  std::optional<uint64_t> initSeed;
  llvm::StringMap<Value> values; // layer name -> its output
  size_t weightedLayerIndex = 0;
};

} // namespace kconv::dialect

#endif
