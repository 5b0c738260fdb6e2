// A Keras model as kconv reads it: typed layer configurations, the layer graph and
// the weights, in plain C++ (no JSON, HDF5 or MLIR types), produced by the readers in
// compiler/lib/Keras and consumed by the MLIR importer.
#ifndef KCONV_KERAS_KERASMODEL_H
#define KCONV_KERAS_KERASMODEL_H

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kconv::keras {

/// A JSON-like value, for specifications kconv keeps but does not interpret
/// (initializers, regularizers, constraints).
struct Value {
  enum class Kind { Null, Bool, Int, Float, String, List, Dict };
  Kind kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  std::string string;
  std::vector<Value> list;
  std::vector<std::pair<std::string, Value>> dict; // in file order
};

/// Keras's `data_format` of an image layer, parsed once here: whether the layer reads
/// its input as (batch, height, width, channels) or (batch, channels, height, width).
enum class DataFormat { ChannelsLast, ChannelsFirst };

/// One dimension of a shape; nullopt is Keras's `None` (the batch dimension).
using Dim = std::optional<int64_t>;

struct InputConfig {
  std::vector<Dim> batchShape; // including the batch dimension
};

/// Conv2D and its relatives, which share every convolution argument.
enum class ConvKind {
  Standard,  // Conv2D: kernel (KH, KW, Cin / groups, filters)
  Depthwise, // DepthwiseConv2D: kernel (KH, KW, Cin, depth_multiplier)
  Separable, // SeparableConv2D: depthwise kernel, then a 1x1 (Cin * mult, filters)
  Transpose, // Conv2DTranspose: kernel (KH, KW, filters, Cin)
};

struct Conv2DConfig {
  ConvKind kind = ConvKind::Standard;
  // 1 for Conv1D, DepthwiseConv1D, SeparableConv1D and Conv1DTranspose: the layer is
  // imported as the 2-D op over (1, length), so its kernel size, strides, dilation and
  // output padding are stored as {1, k}, {1, s}, {1, d}, {0, p}.
  int rank = 2;
  // 3 for Conv3D and Conv3DTranspose: the depth axis's kernel size, stride, dilation
  // and output padding (the pairs below hold height and width; outputPadding set when
  // the layer gives one); the importer unfolds the depth into a conv2d.
  int64_t kernelDepth = 1, strideDepth = 1, dilationDepth = 1, outputPaddingDepth = 0;
  int64_t depthMultiplier = 1; // Depthwise / Separable
  int64_t filters = 0;         // Depthwise: 0 (Cin * depth_multiplier)
  std::optional<std::array<int64_t, 2>> outputPadding; // Transpose
  std::array<int64_t, 2> kernelSize{1, 1};
  std::array<int64_t, 2> strides{1, 1};
  std::string padding = "valid";          // "valid" | "same" | "causal" (Conv1D only)
  DataFormat dataFormat = DataFormat::ChannelsLast;
  std::array<int64_t, 2> dilationRate{1, 1};
  int64_t groups = 1;
  std::string activation = "linear"; // kconv's canonical name (see KerasNames.cpp)
  bool useBias = true;
  std::optional<Value> kernelInitializer, biasInitializer;
  std::optional<Value> kernelRegularizer, biasRegularizer, activityRegularizer;
  std::optional<Value> kernelConstraint, biasConstraint;
};

struct DenseConfig {
  int64_t units = 0;
  std::string activation = "linear";
  bool useBias = true;
  std::optional<Value> kernelInitializer, biasInitializer;
};

struct BatchNormConfig {
  int64_t axis = -1; // as written (negative counts from the end)
  double epsilon = 1e-3;
  bool center = true, scale = true;
};

/// Keras's Normalization layer: (x - mean) / max(sqrt(variance), 1e-7), or with
/// `invert` mean + x * max(sqrt(variance), 1e-7), per index of `axis`.
struct NormalizationConfig {
  std::optional<int64_t> axis = -1; // as written; nullopt is axis=None (one mean for all)
  bool invert = false;
  // Given at construction (the config then holds them and there are no weights):
  // one value (broadcast) or one per index of `axis`.
  std::optional<std::vector<double>> mean, variance;
};

/// LayerNormalization and RMSNormalization: the axes as written (an int is a list of
/// one; gamma's shape follows this order).
struct LayerNormConfig {
  std::vector<int64_t> axes{-1};
  double epsilon = 1e-3;
  bool center = true, scale = true;
  bool rmsScaling = false; // Keras 3: x * rsqrt(var + eps) * gamma, no beta
  // RMSNormalization (Keras 3.9): x * rsqrt(mean(x^2) + eps) * scale; implies rmsScaling.
  bool meanSquare = false;
};

/// GroupNormalization: `groups` groups of the channels along `axis` (as written);
/// groups -1 is one group per channel.
struct GroupNormConfig {
  int64_t groups = 32;
  int64_t axis = -1;
  double epsilon = 1e-3;
  bool center = true, scale = true;
  std::optional<Value> gammaInitializer, betaInitializer;
};

/// Embedding: integer indices (held as float32, truncated as Keras casts them) ->
/// rows of the (inputDim, outputDim) table. `maskZero`: index 0 is padding, and layers
/// that read masks downstream must see it (KerasImporter.cpp checks where it goes).
struct EmbeddingConfig {
  int64_t inputDim = 0, outputDim = 0;
  bool maskZero = false;
  std::optional<Value> embeddingsInitializer;
};

/// CategoryEncoding: integer ids (held as float32, truncated as Keras casts them) in
/// [0, numTokens) -> a one-hot row per id ("one_hot"), or per sample (the last axis) a
/// row of which ids occur ("multi_hot", Keras 2's "binary") or how often ("count").
struct CategoryEncodingConfig {
  enum class Mode { OneHot, MultiHot, Count };
  int64_t numTokens = 0;
  Mode mode = Mode::MultiHot;
};

/// Discretization: each value's bucket among `binBoundaries` (Keras's digitize), then
/// for `mode` other than "int" that bucket as CategoryEncoding encodes an id among
/// binBoundaries.size() + 1.
struct DiscretizationConfig {
  std::vector<double> binBoundaries;
  std::optional<CategoryEncodingConfig::Mode> mode; // none: "int"
};

/// Masking: a step is masked where every feature equals `maskValue` (compared in
/// float32); its output is zeroed and the layers reading masks skip it.
struct MaskingConfig {
  double maskValue = 0.0;
};

/// RepeatVector: (batch, features) -> (batch, n, features).
struct RepeatVectorConfig {
  int64_t n = 1;
};

/// SimpleRNN, GRU and LSTM over (batch, timesteps, features), from a zero initial
/// state. Keras's gate order: GRU (z, r, h), LSTM (i, f, c, o). Weights: kernel
/// (features, gates * units), recurrent_kernel (units, gates * units), bias (gates *
/// units; GRU with reset_after (2, 3 * units): input bias, then recurrent bias).
enum class RecurrentCell { SimpleRnn, Gru, Lstm };
struct RecurrentConfig {
  RecurrentCell cell = RecurrentCell::SimpleRnn;
  int64_t units = 0;
  std::string activation = "tanh";
  std::string recurrentActivation = "sigmoid"; // GRU and LSTM
  bool useBias = true;
  bool returnSequences = false;
  bool goBackwards = false;
  bool resetAfter = true; // GRU
  bool zeroOutputForMask = false; // masked steps output zeros (Bidirectional: return_sequences)
  bool returnState = false;       // the final states are output tensors 1 (h) and 2 (c)
  std::optional<Value> kernelInitializer, recurrentInitializer, biasInitializer;
  bool unitForgetBias = true; // LSTM: the forget gate's bias initialized to ones
  /// The states the cell carries: h, and an LSTM's c.
  int stateCount() const { return cell == RecurrentCell::Lstm ? 2 : 1; }
};

/// RNN around StackedRNNCells: at each step the cells in turn, each the next one's input;
/// the same as the cells' layers stacked, each returning its sequence but the last.
/// `cells` hold the RNN's own arguments (return_sequences, go_backwards, ...); weights:
/// each cell's in order. `cellClasses`: "LSTMCell", ... (Keras 3 names their groups).
/// States (initial_state, return_state's outputs) are every cell's in cell order, each
/// cell's h then an LSTM's c: Keras's nested list, flattened as both Keras versions
/// number the tensors.
struct StackedRecurrentConfig {
  std::vector<RecurrentConfig> cells;
  std::vector<std::string> cellClasses;
  /// The cell holding flat state `index` (0-based) and which of its states it is.
  std::pair<size_t, int> stateAt(size_t index) const {
    size_t cell = 0;
    while (cell + 1 < cells.size() && index >= size_t(cells[cell].stateCount()))
      index -= cells[cell++].stateCount();
    return {cell, int(index)};
  }
  size_t stateCount() const {
    size_t total = 0;
    for (const RecurrentConfig &cell : cells)
      total += cell.stateCount();
    return total;
  }
};

/// TimeDistributed: `inner` (a layer of class `innerClass`) applied to every step
/// (axis 1) of the input, one set of weights, stored as the inner layer's.
struct TimeDistributedInner;
struct TimeDistributedConfig {
  std::string innerClass;
  std::shared_ptr<const TimeDistributedInner> inner;
};

/// Output tensor `index` (1: h, 2: an LSTM's c; around StackedRNNCells 1 + the flat
/// state index) of a recurrent layer with return_state, the layer's only input: the
/// reader adds one per state, named "<layer>#state_h" and "<layer>#state_c" (stacked:
/// "<layer>#cell<i>_state_h", ...), since kconv layers have one output.
struct RecurrentStateConfig {
  int index = 1;
};

/// Bidirectional: `forward` over the steps and `backward` (its go_backwards flipped,
/// or the `backward_layer` given) in reverse, merged by `mergeMode` ("concat", "sum",
/// "mul", "ave"); with return_sequences the backward outputs are flipped back to the
/// input's order first. Weights: the forward layer's, then the backward one's.
struct BidirectionalConfig {
  RecurrentConfig forward, backward;
  std::string forwardClass, backwardClass; // "LSTM", ...
  std::string mergeMode = "concat";
};

/// ConvLSTM1D, ConvLSTM2D and ConvLSTM3D over (batch, timesteps, spatial..., channels)
/// (channels_first: (batch, timesteps, channels, spatial...)): an LSTM whose products are
/// convolutions. `conv` holds the input convolution's geometry (filters, kernel size,
/// strides, padding, dilation, data_format; `rank` 1, 2 or 3); the recurrent one has
/// stride 1 and padding 'same'. `rnn` holds the LSTM's arguments (units = filters).
/// Weights: kernel (spatial kernel..., channels, 4 filters), recurrent_kernel (spatial
/// kernel..., filters, 4 filters), bias (4 filters), gates i, f, c, o.
struct ConvLstmConfig {
  Conv2DConfig conv;
  RecurrentConfig rnn;
};

/// UnitNormalization: the axes as written (an int is a list of one).
struct UnitNormConfig {
  std::vector<int64_t> axes{-1};
};

struct Pool2DConfig {
  int rank = 2; // 1: MaxPooling1D / AveragePooling1D, as a 1 x k pool2d (sizes {1, k})
  bool max = true;
  std::array<int64_t, 2> poolSize{2, 2}, strides{2, 2};
  // rank 3 (MaxPooling3D / AveragePooling3D): the depth axis's (the pairs: height, width)
  int64_t poolDepth = 2, strideDepth = 2;
  std::string padding = "valid";
  DataFormat dataFormat = DataFormat::ChannelsLast;
};

/// Keras 3's AdaptiveAveragePooling1D/2D and AdaptiveMaxPooling1D/2D: output index i
/// pools input [floor(i * L / out), ceil((i + 1) * L / out)) along each spatial axis.
struct AdaptivePool2DConfig {
  int rank = 2; // 1: the 1-D layers, as the 2-D pool of a (1, steps) view (sizes {1, out});
                // 3: the 3-D layers, (outputDepth, outputSize...)
  bool max = false;
  std::array<int64_t, 2> outputSize{1, 1};
  int64_t outputDepth = 1;
  DataFormat dataFormat = DataFormat::ChannelsLast;
};

struct GlobalPool2DConfig {
  int rank = 2; // 1: GlobalAveragePooling1D / GlobalMaxPooling1D; 3: the 3-D ones
  bool max = false;
  DataFormat dataFormat = DataFormat::ChannelsLast;
  bool keepdims = false;
};

/// Activation, ReLU, LeakyReLU, ELU and Softmax.
struct ActivationConfig {
  std::string activation = "linear";
  std::optional<double> alpha, maxValue, negativeSlope, threshold;
  std::optional<int64_t> axis; // softmax; as written
};

struct PReluConfig {
  std::vector<int64_t> sharedAxes; // 1-based, as in Keras
};

/// Add, Subtract, Multiply, Average, Maximum, Minimum.
struct MergeConfig {
  std::string kind; // "add", "subtract", ...
  /// keras.ops's add, subtract, ... of two tensors: NumPy broadcasting, which Keras's
  /// merge broadcasting equals for inputs of equal rank (the only ones accepted).
  bool operation = false;
};

/// Dot: the batched dot product of two inputs along `axes` (one per input, as written:
/// Keras axis numbers, negative from the end), each L2-normalized first with
/// `normalize`.
struct DotConfig {
  std::array<int64_t, 2> axes{-1, -1};
  bool normalize = false;
};

struct ConcatenateConfig {
  int64_t axis = -1;
};

/// ZeroPadding2D (crop = false) and Cropping2D (crop = true).
struct Pad2DConfig {
  bool crop = false;
  std::array<int64_t, 4> amounts{0, 0, 0, 0}; // top, bottom, left, right
  DataFormat dataFormat = DataFormat::ChannelsLast;
  // 1: ZeroPadding1D / Cropping1D, the 2-D op on the (1, steps) view (amounts {0, 0, l, r});
  // 3: ZeroPadding3D / Cropping3D, with the depth's (front, back) in depthAmounts
  int rank = 2;
  std::array<int64_t, 2> depthAmounts{0, 0};
};

struct UpSample2DConfig {
  std::array<int64_t, 2> size{2, 2};
  std::string interpolation = "nearest";
  DataFormat dataFormat = DataFormat::ChannelsLast;
  int rank = 2; // 1: UpSampling1D, the 2-D op on the (1, steps) view (size {1, s})
  int64_t depthSize = 1; // rank 3: UpSampling3D's depth factor (size: height, width)
};

/// Reshape (targetShape, -1 allowed once) and Flatten (flatten = true).
struct ReshapeConfig {
  bool flatten = false;
  std::vector<int64_t> targetShape;
  DataFormat dataFormat = DataFormat::ChannelsLast; // Flatten's
};

struct PermuteConfig {
  std::vector<int64_t> dims; // 1-based, as in Keras
};

/// Rescaling: x * scale + offset.
struct RescalingConfig {
  double scale = 1.0, offset = 0.0;
};

/// Layers that are the identity at inference (Dropout, GaussianNoise, ...).
struct IdentityConfig {};

/// Resizing (and CenterCrop, `centerCrop`): resize to (height, width) as TensorFlow's
/// tf.image.resize does (half-pixel centers, no antialiasing), after cropping the
/// largest centered box of the target's aspect ratio when `cropToAspectRatio`.
/// CenterCrop crops when the input is at least the target in both axes, else it crops
/// to the aspect ratio and resizes (bilinear), as Keras's smart_resize.
struct ResizeConfig {
  int64_t height = 0, width = 0;
  std::string interpolation = "bilinear"; // "bilinear" | "nearest" | "bicubic"
  bool cropToAspectRatio = false;
  bool centerCrop = false;
  DataFormat dataFormat = DataFormat::ChannelsLast;
};

/// EinsumDense: `equation` "input,kernel->output" (or Keras's "...x,y->...z" and
/// "x...,y->z..." forms), the output shape without the batch as written (nullopt:
/// None, the input's size), `biasAxes` the output axes the bias spans ("" for none).
struct EinsumDenseConfig {
  std::string equation;
  std::vector<Dim> outputShape;
  std::string biasAxes;
  std::string activation = "linear";
  std::optional<Value> kernelInitializer, biasInitializer;
};

/// MultiHeadAttention: query (and value, key) projected to `numHeads` heads of
/// `keyDim` (`valueDim`) features, scaled dot-product attention per head, then the
/// heads projected to `outputShape` (empty: the query's last axis).
struct MultiHeadAttentionConfig {
  int64_t numHeads = 1, keyDim = 1, valueDim = 1;
  bool useBias = true;
  std::vector<int64_t> outputShape;
  bool useCausalMask = false; // a call argument
  // The call argument attention_mask, (batch, queries, keys), 1 = attend: the layer's
  // last input.
  bool attentionMask = false;
  // At inference only Keras 3.10 and later see it: with a dropout, they zero the
  // probabilities of masked scores (ImportAttention.cpp).
  double dropout = 0;
  // GroupedQueryAttention (Keras 3): key and value have this many heads, each shared
  // by numHeads / keyValueHeads query heads; 0 for MultiHeadAttention (numHeads).
  int64_t keyValueHeads = 0;
  std::optional<Value> kernelInitializer, biasInitializer;
};

/// Attention (dot-product scores, or "concat": additive with scalar scales) and
/// AdditiveAttention: softmax(scores(query, key)) . value over [query, value(, key)].
struct AttentionConfig {
  bool additive = false; // AdditiveAttention
  bool useScale = false; // Attention: a scalar; AdditiveAttention: one per feature
  bool concat = false;   // Attention's score_mode "concat"
  bool useCausalMask = false; // the call argument (tf-keras's deprecated `causal` too)
};

using LayerConfig =
    std::variant<InputConfig, Conv2DConfig, DenseConfig, BatchNormConfig, NormalizationConfig,
                 LayerNormConfig, UnitNormConfig, Pool2DConfig,
                 GlobalPool2DConfig, ActivationConfig, PReluConfig, MergeConfig,
                 ConcatenateConfig, Pad2DConfig, UpSample2DConfig, ReshapeConfig,
                 PermuteConfig, RescalingConfig, IdentityConfig, AdaptivePool2DConfig,
                 ResizeConfig,
                 GroupNormConfig, RepeatVectorConfig, EmbeddingConfig, EinsumDenseConfig,
                 MultiHeadAttentionConfig, AttentionConfig, RecurrentConfig,
                 BidirectionalConfig, StackedRecurrentConfig, RecurrentStateConfig,
                 MaskingConfig, TimeDistributedConfig, DotConfig, ConvLstmConfig,
                 CategoryEncodingConfig, DiscretizationConfig>;

struct TimeDistributedInner {
  LayerConfig config;
};

struct Layer {
  std::string name;
  std::string className;
  LayerConfig config;
  std::vector<std::string> inbound; // producer layer names, in argument order
  // Nested models and shared layers, flattened by the reader (KerasConfigParser.cpp):
  // a nested model's layers are named "outer/inner", the second call of a shared layer
  // (or of a nested model) "name@1", and all calls use one stored copy of the weights.
  std::string weightOwner; // the layer whose weights this one uses; empty: its own
  std::string keras3Path;  // Keras 3 saving path below `layers/` ("functional/layers/dense")
  std::string keras2Group; // Keras 2 weights group of a nested layer (the top-level model)
  std::string keras2Scope; // its name inside that group (weight names "<scope>/kernel:0")
};

struct Model {
  std::string name;
  std::string sourcePath;   // the file the configuration came from (for messages)
  std::string kerasVersion; // e.g. "2.13.1"; empty when the file does not say
  std::vector<Layer> layers; // topological order; inputs are InputConfig layers
  std::vector<std::string> inputs, outputs; // layer names
  std::vector<std::string> warnings; // e.g. custom regularizers kept opaque
  bool functional = false;           // Functional/Model (else Sequential)
};

/// A weight tensor in Keras's layout, row-major.
struct WeightTensor {
  std::string name;
  std::string path; // as stored: "dense/kernel:0" (Keras 2), "vars/0" (Keras 3)
  std::vector<int64_t> shape;
  std::vector<float> values;
};

/// Weights per layer name, each list in Keras's order (Conv2D: kernel, bias).
struct Weights {
  std::string sourcePath;
  std::map<std::string, std::vector<WeightTensor>> byLayer;
  std::vector<std::string> layerOrder; // layers with weights, in file order
  bool keras3Layout = false; // keyed by Keras 3 saving paths (see matchKeras3Weights)
};

} // namespace kconv::keras

#endif
