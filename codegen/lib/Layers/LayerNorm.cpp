// LayerNormalization over the last axis: the moments as stages, then the affine map.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineLayerNorm(const LayerNormLayer &layer, const TensorInfo &in, const Func &input,
                     std::vector<Func> &stages) {
  int rank = in.rank();
  int channels = (int)in.shape.back();
  TensorVars v(rank);
  std::vector<Var> kept; // Halide order without the channels (Halide's innermost)
  std::vector<Var> all = v.halide();
  kept.assign(all.begin() + 1, all.end());
  std::vector<Expr> keptExprs(kept.begin(), kept.end());
  RDom r(0, channels, layer.name + "_r");
  std::vector<Expr> along = v.kerasExprs();
  along.back() = r.x;
  // Keras's moments in float32: the mean, then the mean of squared deviations.
  Func mean(layer.name + "_mean"), variance(layer.name + "_variance");
  mean(kept) = sum(callKeras(input, along)) / float(channels);
  Expr deviation = callKeras(input, along) - mean(keptExprs);
  variance(kept) = sum(deviation * deviation) / float(channels);
  stages.push_back(mean);
  stages.push_back(variance);
  Buffer<float> gamma = constantBuffer(layer.gamma, {channels}, layer.name + "_gamma");
  Buffer<float> beta = constantBuffer(layer.beta, {channels}, layer.name + "_beta");
  Var c = v.keras.back();
  Expr inv = Halide::sqrt(variance(keptExprs) + float(layer.epsilon));
  Func result(layer.name);
  if (layer.rmsScaling)
    result(v.halide()) = input(v.halide()) / inv * gamma(c);
  else
    result(v.halide()) = (input(v.halide()) - mean(keptExprs)) / inv * gamma(c) + beta(c);
  return result;
}
} // namespace

LayerFuncs defineStep(const LayerNormLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineLayerNorm(layer, in.value(layer.input), in.funcs[0], f.stages);
  return f;
}

} // namespace kconv::codegen
