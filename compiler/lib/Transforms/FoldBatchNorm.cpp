// --kconv-fold-batch-norm: inference BatchNormalization folded into the layer with
// weights that feeds it: a conv2d (Conv2D, DepthwiseConv2D, ...), a Conv1D (the conv2d
// of a (1, steps) view, then the reshape back to rank 3), or a Dense.
#include "WeightValues.h"
#include "kconv/Transforms/Passes.h"

#include <cmath>

namespace kconv::dialect {
#define GEN_PASS_DEF_KCONVFOLDBATCHNORM
#include "kconv/Transforms/Passes.h.inc"

namespace {
/// The per-channel scale gamma / sqrt(variance + epsilon) of `bn`, and the new bias
/// (bias - mean) * scale + beta written over `bias`; nullopt when a weight is unknown.
std::optional<std::vector<float>> foldedScale(BatchNormOp bn, std::vector<float> &bias) {
  std::optional<std::vector<float>> gamma = constantFloats(bn.getGamma()),
                                    beta = constantFloats(bn.getBeta()),
                                    mean = constantFloats(bn.getMovingMean()),
                                    variance = constantFloats(bn.getMovingVariance());
  if (!gamma || !beta || !mean || !variance || gamma->size() != bias.size())
    return std::nullopt; // weights unknown (imported without them): nothing to fold
  double epsilon = bn.getEpsilon().convertToDouble();
  std::vector<float> scale(bias.size());
  for (size_t f = 0; f < bias.size(); ++f) {
    scale[f] = float((*gamma)[f] / std::sqrt(double((*variance)[f]) + epsilon));
    bias[f] = (bias[f] - (*mean)[f]) * scale[f] + (*beta)[f];
  }
  return scale;
}

/// Gives `op` (a conv2d or dense, whose kernel's innermost dimension is its outputs)
/// the kernel and bias of `bn` folded in, and `bn`'s users `replacement`.
template <typename OpTy>
void foldInto(OpTy op, BatchNormOp bn, int64_t outputs, Value replacement) {
  std::optional<std::vector<float>> kernel = constantFloats(op.getKernel());
  std::optional<std::vector<float>> bias =
      op.getBias() ? constantFloats(op.getBias()) : std::vector<float>(outputs, 0.0f);
  if (!kernel || !bias)
    return;
  std::optional<std::vector<float>> scale = foldedScale(bn, *bias);
  if (!scale)
    return;
  for (size_t i = 0; i < kernel->size(); ++i) // outputs are the innermost dimension
    (*kernel)[i] *= (*scale)[i % outputs];

  replaceKernelAndBias(op, *kernel, *bias, outputs, "bn");
  bn.getOutput().replaceAllUsesWith(replacement);
  bn.erase();
}

/// A conv2d whose result only `user` reads, without an activation or residual (the
/// norm must come right after the affine map).
bool foldableConv(Conv2DOp conv) {
  return conv->hasOneUse() && !conv.getResidual() &&
         conv.getActivation() == Activation::linear;
}

void fold(BatchNormOp bn) {
  int64_t axis = bn.getAxis();
  Value in = bn.getInput();
  if (auto conv = in.getDefiningOp<Conv2DOp>()) {
    int64_t channelAxis = conv.getDataFormat() == DataFormat::channels_first ? 1 : 3;
    if (axis == channelAxis && foldableConv(conv))
      foldInto(conv, bn, conv.getFilters(), conv.getOutput());
    return;
  }
  if (auto dense = in.getDefiningOp<DenseOp>()) {
    // Dense computes the last axis: the norm must normalize that one.
    int64_t rank = cast<RankedTensorType>(in.getType()).getRank();
    if (axis == rank - 1 && dense->hasOneUse() && dense.getActivation() == Activation::linear)
      foldInto(dense, bn, dense.getUnits(), dense.getOutput());
    return;
  }
  // Conv1D: conv2d (N, 1, L, C) -> reshape (N, L, C) (channels_first: (N, C, 1, L) ->
  // (N, C, L), or after --kconv-convert-layout a channels_last conv2d and the transpose
  // back to channels_first); the norm's axis must be the channels on both sides.
  if (auto reshape = in.getDefiningOp<ReshapeOp>()) {
    Value image = reshape.getInput();
    bool transposed = false;
    if (auto transpose = image.getDefiningOp<TransposeOp>()) {
      if (transpose.getPermutation() != ArrayRef<int64_t>{0, 3, 1, 2} ||
          !transpose->hasOneUse())
        return;
      image = transpose.getInput();
      transposed = true;
    }
    auto conv = image.getDefiningOp<Conv2DOp>();
    auto from = dyn_cast<RankedTensorType>(reshape.getInput().getType());
    auto to = dyn_cast<RankedTensorType>(in.getType());
    if (!conv || !from || !to || from.getRank() != 4 || to.getRank() != 3 ||
        !reshape->hasOneUse() || !foldableConv(conv))
      return;
    bool channelsFirst = conv.getDataFormat() == DataFormat::channels_first;
    if (transposed) {
      if (channelsFirst)
        return;
      channelsFirst = true; // the reshape reads the transposed (N, C, 1, L)
    }
    int64_t unitAxis = channelsFirst ? 2 : 1, channelAxis = channelsFirst ? 1 : 2;
    ArrayRef<int64_t> f = from.getShape(), t = to.getShape();
    SmallVector<int64_t> squeezed(f.begin(), f.end());
    squeezed.erase(squeezed.begin() + unitAxis);
    bool isSqueeze =
        f[unitAxis] == 1 && llvm::equal(ArrayRef<int64_t>(squeezed).drop_front(), t.drop_front());
    if (isSqueeze && axis == channelAxis)
      foldInto(conv, bn, conv.getFilters(), reshape.getOutput());
  }
}

struct FoldBatchNormPass : impl::KconvFoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<BatchNormOp> norms;
    getOperation().walk([&](BatchNormOp bn) { norms.push_back(bn); });
    for (BatchNormOp bn : norms)
      fold(bn);
  }
};
} // namespace
} // namespace kconv::dialect
