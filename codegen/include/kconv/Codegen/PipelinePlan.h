// The seam between the MLIR compiler and Halide codegen: a whole model as plain C++
// structs (no MLIR, LLVM or Halide types). compiler/lib/Conversion fills it from the
// kconv dialect; codegen/lib turns it into a Halide pipeline.
#ifndef KCONV_CODEGEN_PIPELINEPLAN_H
#define KCONV_CODEGEN_PIPELINEPLAN_H

#include "kconv/Codegen/Schedule.h"

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace kconv::codegen {

/// A 4-D tensor seen as an image by a layer: (batch, height, width, channels). Every
/// image inside the plan is channels_last (NHWC): the layout pass computes
/// channels_first layers channels_last, between explicit Transpose steps.
struct ImageInfo {
  std::optional<int64_t> batch;
  int64_t height = 0, width = 0, channels = 0;
};

/// A tensor flowing through the pipeline, in Keras's shape (batch first, row-major
/// memory); the batch is dynamic (-1) unless known.
struct TensorInfo {
  std::vector<int64_t> shape;

  int rank() const { return (int)shape.size(); }
  std::optional<int64_t> batch() const {
    return shape.at(0) < 0 ? std::nullopt : std::optional<int64_t>(shape[0]);
  }
  /// The 4-D tensor as an image, NHWC.
  ImageInfo image() const {
    ImageInfo v;
    v.batch = batch();
    v.height = shape.at(1);
    v.width = shape.at(2);
    v.channels = shape.at(3);
    return v;
  }
};

/// The layout in which a caller supplies a model input or receives an output: that
/// of the Keras layers reading or writing it. Only the boundary has one; a
/// channels_first tensor is read or written through a Transpose step.
enum class DataFormat { ChannelsLast, ChannelsFirst };

/// A model input or output at the pipeline boundary, in Keras's shape.
struct BoundaryTensor {
  std::string name;   // Keras layer name
  int value = -1;     // index into PipelinePlan::values
  DataFormat dataFormat = DataFormat::ChannelsLast; // for the C descriptor and --help
};

/// One Keras Conv2D (or depthwise/pointwise part) with its weights, resolved
/// padding and fused epilogue: activation(conv + bias + residual).
struct Conv2DLayer {
  std::string name;
  int input = -1, output = -1; // value indices
  std::array<int64_t, 2> kernel{1, 1}, strides{1, 1}, dilation{1, 1};
  std::array<int64_t, 4> padding{0, 0, 0, 0}; // top, bottom, left, right
  int64_t groups = 1;
  int64_t filters = 1;
  std::string activation = "linear"; // canonical kconv activation name
  std::vector<float> kernelValues;   // (KH, KW, Cin / groups, filters), row-major
  std::vector<float> biasValues;     // empty without bias
  int residual = -1;                 // value added before the activation, or -1
  std::optional<Conv2DSchedule> schedule; // forced schedule; default heuristic otherwise
  std::optional<GpuConvSchedule> gpuSchedule; // likewise, on a GPU target
};

/// Conv2DTranspose: input pixel i with tap k adds to output i * stride + k * dilation
/// - padBefore; kernel (KH, KW, filters, Cin) row-major.
struct Conv2DTransposeLayer {
  std::string name;
  int input = -1, output = -1;
  std::array<int64_t, 2> kernel{1, 1}, strides{1, 1}, dilation{1, 1}, padBefore{0, 0};
  int64_t filters = 1;
  std::string activation = "linear";
  std::vector<float> kernelValues, biasValues;
};

/// Dense on the last axis: kernel (features, units) row-major.
struct DenseLayer {
  std::string name;
  int input = -1, output = -1;
  int64_t units = 1;
  std::string activation = "linear";
  std::vector<float> kernelValues, biasValues;
};

/// Embedding: output[..., :] = table[index, :] for each input element, the index the
/// float32 input truncated toward zero; table (rows, columns) row-major. An index
/// outside [0, rows) fails the pipeline with an error naming the layer.
struct EmbeddingLayer {
  std::string name;
  int input = -1, output = -1;
  int64_t rows = 0, columns = 0;
  std::vector<float> table;
};

/// CategoryEncoding: ids (the float32 input truncated toward zero) in [0, tokens); an id
/// outside fails the pipeline with an error naming the layer. `OneHot`: a row of
/// `tokens` per input element (`replaceLast`: the input's last axis, of size 1, is the
/// one replaced by the token axis); `MultiHot`/`Count`: a row per sample, the input's
/// last axis holding its ids (1 where an id occurs / how often it does).
struct CategoryEncodingLayer {
  enum class Mode { OneHot, MultiHot, Count };
  std::string name;
  int input = -1, output = -1;
  int64_t tokens = 0;
  Mode mode = Mode::MultiHot;
  bool replaceLast = false;
};

/// Discretization: each output the number of `boundaries` (non-decreasing, float32) at
/// or below its input value.
struct DiscretizationLayer {
  std::string name;
  int input = -1, output = -1;
  std::vector<float> boundaries;
};

/// SimpleRNN, GRU or LSTM over (batch, timesteps, features) from a zero state (Keras's
/// formulas and gate orders: GRU z, r, h; LSTM i, f, c, o). Weights row-major as Keras
/// stores them: kernel (features, gates * units), recurrent kernel (units, gates *
/// units); `biasValues` the input bias (gates * units) or empty, `recurrentBiasValues`
/// a GRU reset_after's recurrent bias or empty. The output is every step's h (batch,
/// timesteps, units) with `returnSequences`, else the last (batch, units), in the
/// order the steps ran (reversed input with `goBackwards`), or with `flipSequences` in
/// the input's order.
struct RecurrentLayer {
  enum class Cell { SimpleRnn, Gru, Lstm };
  std::string name;
  int input = -1, output = -1;
  Cell cell = Cell::SimpleRnn;
  int64_t units = 1;
  std::string activation = "tanh", recurrentActivation = "sigmoid";
  bool returnSequences = false, goBackwards = false, resetAfter = false;
  bool flipSequences = false; // the sequence in the input's time order (Bidirectional)
  int mask = -1;               // Keras's mask (batch, timesteps): steps where it is 0 skipped
  bool zeroOutputForMask = false; // masked steps output zeros, else the state's h
  std::vector<int> initialStates;  // h (and an LSTM's c), (batch, units); none: zeros
  bool returnState = false;        // the output's rows, then the final h (and c), on axis 1
  std::vector<float> kernelValues, recurrentKernelValues, biasValues, recurrentBiasValues;
  int64_t gates() const { return cell == Cell::Lstm ? 4 : cell == Cell::Gru ? 3 : 1; }
};

/// Inference BatchNormalization left unfolded: x * scale + shift along `axis`.
struct BatchNormLayer {
  std::string name;
  int input = -1, output = -1;
  int axis = 1; // Keras axis (batch = 0)
  std::vector<float> scale, shift;
};

/// LayerNormalization over `axes`: per position of the other axes, the mean and
/// variance over `axes` in float32, then (x - mean) * rsqrt(variance + epsilon) * gamma
/// + beta (with `rmsScaling`, x * rsqrt(variance + epsilon) * gamma; with `meanSquare`
/// too, RMSNormalization's x * rsqrt(mean(x^2) + epsilon) * gamma). gamma and beta are
/// row-major over `axes`.
struct LayerNormLayer {
  std::string name;
  int input = -1, output = -1;
  std::vector<int64_t> axes; // Keras axes (batch = 0), increasing, never the batch
  double epsilon = 1e-3;
  bool rmsScaling = false, meanSquare = false;
  std::vector<float> gamma, beta;
};

/// GroupNormalization: the channels along `axis` in `groups` consecutive groups; per
/// sample and group, the mean and variance over the group's channels and every other
/// non-batch axis in float32, then (x - mean) * rsqrt(variance + epsilon) * gamma + beta
/// with gamma and beta per channel.
struct GroupNormLayer {
  std::string name;
  int input = -1, output = -1;
  int axis = 1; // Keras axis (batch = 0)
  int64_t groups = 1;
  double epsilon = 1e-3;
  std::vector<float> gamma, beta;
};

/// UnitNormalization: x / sqrt(max(sum of x^2 over `axes`, minSquareSum)) at every
/// position of the other axes.
struct UnitNormLayer {
  std::string name;
  int input = -1, output = -1;
  std::vector<int64_t> axes; // Keras axes (batch = 0), increasing, never the batch
  double minSquareSum = 1e-12;
};

struct Pool2DLayer {
  std::string name;
  int input = -1, output = -1;
  bool max = true;
  std::array<int64_t, 2> window{2, 2}, strides{2, 2};
  std::array<int64_t, 4> padding{0, 0, 0, 0}; // top, bottom, left, right
};

/// Keras 3 adaptive pooling to (height, width) = outputSize; see AdaptivePool2D.cpp.
struct AdaptivePool2DLayer {
  std::string name;
  int input = -1, output = -1;
  bool max = false;
  std::array<int64_t, 2> outputSize{1, 1};
};

/// Keras Resizing: tf.image.resize of each image to (height, width) = size; see
/// codegen/lib/Layers/Resize.cpp.
struct ResizeLayer {
  enum class Method { Nearest, Bilinear, Bicubic };
  std::string name;
  int input = -1, output = -1;
  std::array<int64_t, 2> size{1, 1};
  Method method = Method::Bilinear;
};

struct GlobalPool2DLayer {
  std::string name;
  int input = -1, output = -1;
  bool max = false;
};

/// GlobalAveragePooling1D over the steps where `mask` ((batch, steps): an Embedding's
/// ids) is not zero: sum(x * kept) / sum(kept) per sample and feature.
struct MaskedAveragePool1DLayer {
  std::string name;
  int input = -1, mask = -1, output = -1;
  bool channelsFirst = false; // input (batch, features, steps)
};

/// Keras Masking's mask over (batch, steps, features): (batch, steps), 1 where a
/// feature differs from maskValue, else 0.
struct SequenceMaskLayer {
  std::string name;
  int input = -1, output = -1;
  double maskValue = 0;
};

/// Keras's Rescaling: x * scale + offset.
struct RescalingLayer {
  std::string name;
  int input = -1, output = -1;
  float scale = 1.f, offset = 0.f;
};

/// Element-wise activations with Keras layer arguments, and softmax along an axis.
struct ActivationLayer {
  std::string name;
  int input = -1, output = -1;
  std::string activation = "linear";
  std::optional<double> alpha, maxValue, negativeSlope, threshold;
  int axis = -1; // softmax: Keras axis; -1 = last
};

/// PReLU: x >= 0 ? x : alpha * x, with `alpha` shaped `alphaShape` (the input's shape
/// without the batch, size 1 along the shared axes, which broadcast).
struct PReluLayer {
  std::string name;
  int input = -1, output = -1;
  std::vector<float> alpha;
  std::vector<int64_t> alphaShape;
};

/// Add, Subtract, Multiply, Average, Maximum, Minimum, inputs broadcast to the
/// output as Keras does (axes aligned from the last, the batch never broadcast).
struct MergeLayer {
  std::string name;
  std::vector<int> inputs;
  int output = -1;
  std::string kind = "add";
};

struct ConcatenateLayer {
  std::string name;
  std::vector<int> inputs;
  int output = -1;
  int axis = 1; // Keras axis
};

/// ZeroPadding2D: zero rows and columns added top, bottom, left, right.
struct ZeroPadding2DLayer {
  std::string name;
  int input = -1, output = -1;
  std::array<int64_t, 4> padding{0, 0, 0, 0};
};

/// Cropping2D: rows and columns removed top, bottom, left, right.
struct Cropping2DLayer {
  std::string name;
  int input = -1, output = -1;
  std::array<int64_t, 4> cropping{0, 0, 0, 0};
};

struct UpSample2DLayer {
  std::string name;
  int input = -1, output = -1;
  std::array<int64_t, 2> size{2, 2};
  bool bilinear = false;
};

/// Conv3D's depth taps as channels (kconv.depth_unfold): the 5-D input (channels_first
/// when `channelsFirst`) as the NHWC image whose row od * B + r (B = rowPadding sum +
/// height) and channel (g * kernelDepth + k) * C / groups + c hold input depth
/// od * strideDepth + k * dilationDepth - depthPadding[0], row r - rowPadding[0],
/// channel g * C / groups + c; zero outside the input.
struct DepthUnfoldLayer {
  std::string name;
  int input = -1, output = -1;
  int64_t kernelDepth = 1, strideDepth = 1, dilationDepth = 1, groups = 1;
  std::array<int64_t, 2> depthPadding{0, 0}, rowPadding{0, 0};
  bool channelsFirst = false;
};

/// Reshape, row-major.
struct ReshapeLayer {
  std::string name;
  int input = -1, output = -1;
};

/// Transpose: output dimension i is input dimension permutation[i] (Permute, and the
/// layout pass's conversions between NCHW and NHWC at the model's boundary).
struct TransposeLayer {
  std::string name;
  int input = -1, output = -1;
  std::vector<int64_t> permutation;
};

/// A batched matrix product of two values of one rank (>= 3): per index of the
/// leading (batch) axes, op(lhs) . op(rhs), op transposing an operand's last two axes
/// when its flag is set; with `causalMask`, entry (i, j) with j > i is -1e9.
struct BatchMatMulLayer {
  std::string name;
  int lhs = -1, rhs = -1, output = -1;
  bool transposeLhs = false, transposeRhs = false, causalMask = false;
};

/// Additive attention scores: entry (i, j) of each (Tq, Tv) matrix is
/// outerScale * sum_d weights[d] * tanh(innerScale * (query[i, d] + key[j, d])), weights 1
/// when empty; with `causalMask`, entries with j > i are -1e9.
struct AdditiveScoresLayer {
  std::string name;
  int query = -1, key = -1, output = -1;
  std::vector<float> weights;
  double innerScale = 1, outerScale = 1;
  bool causalMask = false;
};

/// Keras's attention masks on (batch, heads, queries, keys) scores: an entry that a
/// mask given (value index >= 0; queryMask (batch, queries), valueMask and keyMask
/// (batch, keys), attentionMask (batch, queries, keys)) holds 0 at, or with `causal`
/// a key after the query, gets -1e9 added (`zeroMasked`: is 0).
struct AttentionMaskLayer {
  std::string name;
  int scores = -1, queryMask = -1, valueMask = -1, keyMask = -1, attentionMask = -1;
  int output = -1;
  bool causal = false, zeroMasked = false;
};

/// A step of the pipeline: a Conv2D (an index into PipelinePlan::convs, which the
/// tuner schedules) or another layer.
struct ConvStep {
  int conv = -1;
};
using PlanNode =
    std::variant<ConvStep, Conv2DTransposeLayer, DenseLayer, EmbeddingLayer, CategoryEncodingLayer,
                 DiscretizationLayer,
                 MaskedAveragePool1DLayer, SequenceMaskLayer, BatchNormLayer, RescalingLayer,
                 LayerNormLayer, UnitNormLayer, Pool2DLayer, GlobalPool2DLayer, ActivationLayer, PReluLayer,
                 MergeLayer, ConcatenateLayer, ZeroPadding2DLayer, Cropping2DLayer,
                 UpSample2DLayer, ReshapeLayer, TransposeLayer, AdaptivePool2DLayer,
                 ResizeLayer,
                 GroupNormLayer, BatchMatMulLayer,
                 AdditiveScoresLayer, AttentionMaskLayer, RecurrentLayer, DepthUnfoldLayer>;

/// Whether `name` is one of the names codegen gives the Funcs, buffers and reductions
/// of a layer (or boundary tensor) named `layer`: `layer` + "_" + a part (conv2d_kernel,
/// conv2d_padded, conv2d_r; Halide adds "_im" to an input). Plan names must not take
/// another's part names: Halide failed on layers "a" and "a_kernel" in one model.
inline bool isPartName(const std::string &name, const std::string &layer) {
  static const char *const parts[] = {"alpha",  "axis",  "bias",  "conv",   "copy",
                                      "cell", "image",  "im",    "kernel", "mask", "matmul", "max",
                                      "nchw",   "nhwc",  "padded", "plus",   "r",
                                      "recurrent", "reduce", "rhs", "scale", "shift", "state", "sum", "tiles",
                                      "table", "tensor"};
  if (name.size() <= layer.size() + 1 || name.compare(0, layer.size(), layer) != 0 ||
      name[layer.size()] != '_')
    return false;
  std::string rest = name.substr(layer.size() + 1);
  for (const char *part : parts) {
    std::string word = part;
    if (rest == word || rest.compare(0, word.size() + 1, word + "_") == 0)
      return true;
  }
  return false;
}

struct PipelinePlan {
  std::string name; // C identifier used for emitted symbols
  /// "" (kconv's schedules), or a Halide 14 autoscheduler used as a baseline:
  /// "Adams2019", "Mullapudi2016" or "Li2018", run with `autoschedulerParallelism`.
  std::string autoscheduler;
  int autoschedulerParallelism = 1;
  /// Threads the default schedules split their work for (ParallelTasks.h): kconvc's
  /// --tune-threads, else this machine's cores.
  int threads = 1;
  /// The largest Winograd output tile (Conv2DSchedule::winograd) the default schedules
  /// and the tuner may choose: kconvc's --winograd (0: direct only, 2 or 4).
  int winograd = 2;
  /// Weights as run-time parameters instead of embedded constants (the tuner's JIT).
  bool weightsAsParams = false;
  std::vector<TensorInfo> values;
  std::vector<BoundaryTensor> inputs, outputs;
  std::vector<Conv2DLayer> convs; // the convolutions, in execution order
  std::vector<PlanNode> nodes;     // every step, in execution order
  /// Cross-layer fusion, part of the schedule: indices of nodes whose result is not
  /// stored but recomputed inside its consumer (Halide inlining). Only element-wise
  /// layers qualify (see fusableNodes); every other result is computed once, whole.
  std::set<int> inlinedNodes;

  /// A convolution's input and output images.
  ImageInfo imageIn(const Conv2DLayer &conv) const { return values.at(conv.input).image(); }
  ImageInfo imageOut(const Conv2DLayer &conv) const { return values.at(conv.output).image(); }
};

} // namespace kconv::codegen

#endif
