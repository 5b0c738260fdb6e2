// LayerNormalization (and RMSNormalization) over a list of axes: the moments over those
// axes as stages, then the affine map. THE ALGORITHM on Funcs in Halide order (see
// LayerFuncs.h). Schedule: the common one of non-convolution steps (scheduleLayer).
// Not fusable: the moments are reductions, computed whole.
#include "Layers.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineLayerNorm(const LayerNormLayer &layer, const StepInputs &step, const TensorInfo &in,
                     const Func &input, std::vector<Func> &stages) {
  TensorVars v(in.rank());
  // The kept axes index the moments (the batch is never reduced, so the moments keep at
  // least one dimension).
  AxesReduction red = reduceOver(v, in.shape, layer.axes, layer.name + "_r");
  const std::vector<Var> &kept = red.kept;
  const std::vector<Expr> &keptExprs = red.keptExprs;
  int64_t count = red.count;
  Expr x = callKeras(input, red.along);
  // Keras's moments in float32: the mean, then the mean of squared deviations (or,
  // for RMSNormalization, the mean of squares).
  Func mean(layer.name + "_mean"), variance(layer.name + "_variance");
  if (layer.meanSquare) {
    variance(kept) = sum(x * x) / float(count);
    stages.push_back(variance);
  } else {
    mean(kept) = sum(x) / float(count);
    Expr deviation = x - mean(keptExprs);
    variance(kept) = sum(deviation * deviation) / float(count);
    stages.push_back(mean);
    stages.push_back(variance);
  }
  // gamma and beta are row-major over the axes: Halide extents innermost first.
  std::vector<int> weightExtents;
  std::vector<Expr> weightIndex;
  for (auto it = layer.axes.rbegin(); it != layer.axes.rend(); ++it) {
    weightExtents.push_back((int)in.shape.at(*it));
    weightIndex.push_back(v.keras[*it]);
  }
  ConstantTensor gamma = step.constant(layer.gamma, weightExtents, layer.name + "_gamma");
  ConstantTensor beta = step.constant(layer.beta, weightExtents, layer.name + "_beta");
  Expr root = Halide::sqrt(variance(keptExprs) + float(layer.epsilon));
  Func result(layer.name);
  if (layer.rmsScaling)
    result(v.halide()) = input(v.halide()) / root * gamma(weightIndex);
  else
    result(v.halide()) =
        (input(v.halide()) - mean(keptExprs)) / root * gamma(weightIndex) + beta(weightIndex);
  return result;
}
} // namespace

LayerFuncs defineStep(const LayerNormLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineLayerNorm(layer, in, in.value(layer.input), in.funcs[0], f.stages);
  return f;
}

} // namespace kconv::codegen
