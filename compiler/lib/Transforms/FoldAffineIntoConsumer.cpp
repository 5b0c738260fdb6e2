// --kconv-fold-affine-into-consumer: a per-channel affine map y = s * x + o (an inference
// batch norm, which Keras's Normalization imports as, or a Rescaling) folded into the
// Dense or unpadded conv2d that reads it, typically a model's input preprocessing.
#include "WeightValues.h"
#include "kconv/Transforms/Passes.h"

#include <cmath>

namespace kconv::dialect {
#define GEN_PASS_DEF_KCONVFOLDAFFINEINTOCONSUMER
#include "kconv/Transforms/Passes.h.inc"

namespace {
/// y = scale[c] * x + offset[c], c = (flat index / stride) % scale.size() along the
/// affine's axis (one channel for a Rescaling), in double.
struct Affine {
  Operation *op;
  std::vector<double> scale, offset;
  int64_t axis = 0, stride = 1;
};

std::optional<Affine> affineOf(Operation *op) {
  if (auto rescale = dyn_cast<RescaleOp>(op))
    return Affine{op, {rescale.getScale().convertToDouble()},
                  {rescale.getOffset().convertToDouble()}};
  auto bn = dyn_cast<BatchNormOp>(op);
  if (!bn)
    return std::nullopt;
  std::optional<std::vector<float>> gamma = constantFloats(bn.getGamma()),
                                    beta = constantFloats(bn.getBeta()),
                                    mean = constantFloats(bn.getMovingMean()),
                                    variance = constantFloats(bn.getMovingVariance());
  if (!gamma || !beta || !mean || !variance)
    return std::nullopt; // weights unknown (imported without them)
  Affine affine{op, {}, {}, int64_t(bn.getAxis())};
  double epsilon = bn.getEpsilon().convertToDouble();
  for (size_t c = 0; c < gamma->size(); ++c) {
    double s = (*gamma)[c] / std::sqrt(double((*variance)[c]) + epsilon);
    if (!std::isfinite(s)) // a zero variance without epsilon: inf * 0 would be NaN
      return std::nullopt;
    affine.scale.push_back(s);
    affine.offset.push_back((*beta)[c] - (*mean)[c] * s);
  }
  // The elements after the axis, in row-major order (static, or the channel of a
  // flat index is unknown).
  ArrayRef<int64_t> shape = cast<RankedTensorType>(bn.getOutput().getType()).getShape();
  for (int64_t d : shape.drop_front(affine.axis + 1)) {
    if (ShapedType::isDynamic(d))
      return std::nullopt;
    affine.stride *= d;
  }
  return affine;
}

/// For each index along the consumer's input axis `axis` (of size `features`), the
/// affine's channel, when every element at that index has the same one: the axis is
/// the affine's own (directly or through a transpose), or the last of a row-major
/// reshape whose size is a whole number of the affine's (stride * channels) periods
/// (its last axis, or a Flatten of it).
std::optional<std::vector<int64_t>> channelsOf(const Affine &affine, Operation *view,
                                               Value consumerInput, int64_t axis,
                                               int64_t features) {
  int64_t channels = affine.scale.size();
  std::vector<int64_t> channel(features, 0);
  if (channels == 1)
    return channel;
  int64_t rank = cast<RankedTensorType>(consumerInput.getType()).getRank();
  bool sameAxis = axis == affine.axis;
  if (auto transpose = dyn_cast_or_null<TransposeOp>(view))
    sameAxis = transpose.getPermutation()[axis] == affine.axis;
  else if (view)
    sameAxis = false;
  if (sameAxis && features != channels)
    return std::nullopt;
  int64_t period = affine.stride * channels;
  if (!sameAxis && (!isa_and_nonnull<ReshapeOp>(view) || axis != rank - 1 ||
                    features % period != 0))
    return std::nullopt;
  for (int64_t i = 0; i < features; ++i)
    channel[i] = sameAxis ? i : (i / affine.stride) % channels;
  return channel;
}

/// Folds `affine` into the kernel (innermost dimension: outputs) and bias of `op`,
/// where kernel element `i` reads input channel `inputChannel(i)`.
template <typename OpTy, typename ChannelFn>
void foldInto(OpTy op, const Affine &affine, const std::vector<int64_t> &channel,
              int64_t outputs, ChannelFn inputChannel) {
  std::optional<std::vector<float>> kernel = constantFloats(op.getKernel());
  std::optional<std::vector<float>> bias =
      op.getBias() ? constantFloats(op.getBias()) : std::vector<float>(outputs, 0.0f);
  if (!kernel || !bias)
    return;
  std::vector<double> sums(bias->begin(), bias->end());
  for (size_t i = 0; i < kernel->size(); ++i) {
    int64_t c = channel[inputChannel(i)];
    sums[i % outputs] += affine.offset[c] * (*kernel)[i];
    (*kernel)[i] = float(affine.scale[c] * (*kernel)[i]);
  }
  for (int64_t o = 0; o < outputs; ++o)
    (*bias)[o] = float(sums[o]);

  replaceKernelAndBias(op, *kernel, *bias, outputs, "affine");
  // The consumer now reads the affine's input (through the view, if any).
  Value input = affine.op->getOperand(0);
  Operation *reader = op;
  if (op.getInput() != affine.op->getResult(0))
    reader = op.getInput().getDefiningOp();
  reader->setOperand(0, input);
  affine.op->erase();
}

void fold(const Affine &affine) {
  // The affine's only reader is the consumer's input, possibly through a reshape or
  // transpose used only there: then nothing else (no model output) sees its values.
  Value out = affine.op->getResult(0);
  if (!out.hasOneUse())
    return;
  OpOperand *use = &*out.getUses().begin();
  Operation *user = use->getOwner();
  Operation *view = nullptr;
  if (isa<ReshapeOp, TransposeOp>(user)) {
    view = user;
    if (!view->hasOneUse())
      return;
    use = &*view->getUses().begin();
    user = use->getOwner();
  }
  if (use->getOperandNumber() != 0) // e.g. a conv2d's residual
    return;
  if (auto dense = dyn_cast<DenseOp>(user)) {
    Value in = dense.getInput();
    int64_t rows = cast<RankedTensorType>(dense.getKernel().getType()).getDimSize(0);
    int64_t units = dense.getUnits();
    std::optional<std::vector<int64_t>> channel =
        channelsOf(affine, view, in, cast<RankedTensorType>(in.getType()).getRank() - 1, rows);
    if (channel)
      foldInto(dense, affine, *channel, units, [&](size_t i) { return i / units; });
    return;
  }
  auto conv = dyn_cast<Conv2DOp>(user);
  if (!conv)
    return;
  // Padded zeros would be read unmapped: only convolutions without padding fold.
  FailureOr<SmallVector<int64_t, 4>> pads = conv.getResolvedPadding();
  if (failed(pads) || llvm::any_of(*pads, [](int64_t p) { return p != 0; }))
    return;
  ArrayRef<int64_t> k = cast<RankedTensorType>(conv.getKernel().getType()).getShape();
  int64_t perGroup = k[2], filters = conv.getFilters();
  int64_t filtersPerGroup = filters / conv.getGroups();
  int64_t channelAxis = conv.getDataFormat() == DataFormat::channels_first ? 1 : 3;
  std::optional<std::vector<int64_t>> channel =
      channelsOf(affine, view, conv.getInput(), channelAxis, perGroup * conv.getGroups());
  if (!channel)
    return;
  // Kernel element (kh, kw, ci, co) reads input channel group(co) * perGroup + ci.
  foldInto(conv, affine, *channel, filters, [&](size_t i) {
    int64_t co = i % filters, ci = (i / filters) % perGroup;
    return (co / filtersPerGroup) * perGroup + ci;
  });
}

struct FoldAffineIntoConsumerPass
    : impl::KconvFoldAffineIntoConsumerBase<FoldAffineIntoConsumerPass> {
  void runOnOperation() override {
    SmallVector<Affine> affines;
    getOperation().walk([&](Operation *op) {
      if (std::optional<Affine> affine = affineOf(op))
        affines.push_back(std::move(*affine));
    });
    // Last first: in Rescaling -> Normalization -> Conv2D, the norm folds, then the
    // rescaling reads the convolution and folds too.
    for (const Affine &affine : llvm::reverse(affines))
      fold(affine);
  }
};
} // namespace
} // namespace kconv::dialect
