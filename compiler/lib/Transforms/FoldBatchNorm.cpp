// --kconv-fold-batch-norm: inference BatchNormalization folded into the conv2d
// that feeds it.
#include "WeightValues.h"
#include "kconv/Transforms/Passes.h"

#include <cmath>

namespace kconv::dialect {
#define GEN_PASS_DEF_KCONVFOLDBATCHNORM
#include "kconv/Transforms/Passes.h.inc"

namespace {
void foldInto(Conv2DOp conv, BatchNormOp bn) {
  int64_t channelAxis = conv.getDataFormat() == DataFormat::channels_first ? 1 : 3;
  if ((int64_t)bn.getAxis() != channelAxis || !conv->hasOneUse() || conv.getResidual() ||
      conv.getActivation() != Activation::linear)
    return;
  std::optional<std::vector<float>> kernel = constantFloats(conv.getKernel());
  std::optional<std::vector<float>> gamma = constantFloats(bn.getGamma()),
                                    beta = constantFloats(bn.getBeta()),
                                    mean = constantFloats(bn.getMovingMean()),
                                    variance = constantFloats(bn.getMovingVariance());
  std::optional<std::vector<float>> bias =
      conv.getBias() ? constantFloats(conv.getBias())
                     : std::vector<float>(conv.getFilters(), 0.0f);
  if (!kernel || !gamma || !beta || !mean || !variance || !bias)
    return; // weights unknown (imported without them): nothing to fold
  int64_t filters = conv.getFilters();
  double epsilon = bn.getEpsilon().convertToDouble();
  std::vector<float> scale(filters);
  for (int64_t f = 0; f < filters; ++f) {
    scale[f] = float((*gamma)[f] / std::sqrt(double((*variance)[f]) + epsilon));
    (*bias)[f] = ((*bias)[f] - (*mean)[f]) * scale[f] + (*beta)[f];
  }
  for (size_t i = 0; i < kernel->size(); ++i) // filters are the innermost dimension
    (*kernel)[i] *= scale[i % filters];

  OpBuilder builder(conv);
  std::string name = weightNamePrefix(conv, "folded");
  Value newKernel = createWeightConstant(builder, conv.getLoc(), conv.getKernel().getType(),
                                         name + ".kernel_bn", *kernel);
  Value newBias = createWeightConstant(
      builder, conv.getLoc(), RankedTensorType::get({filters}, builder.getF32Type()),
      name + ".bias_bn", *bias);
  conv.getKernelMutable().assign(newKernel);
  if (conv.getBias())
    conv.getBiasMutable().assign(newBias);
  else
    conv.getBiasMutable().append(newBias);
  conv.setUseBias(true);
  bn.getOutput().replaceAllUsesWith(conv.getOutput());
  bn.erase();
}

struct FoldBatchNormPass : impl::KconvFoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<BatchNormOp> norms;
    getOperation().walk([&](BatchNormOp bn) { norms.push_back(bn); });
    for (BatchNormOp bn : norms)
      if (auto conv = bn.getInput().getDefiningOp<Conv2DOp>())
        foldInto(conv, bn);
  }
};
} // namespace
} // namespace kconv::dialect
