// GroupNormalization: per sample and group, the moments over the group's channels and
// every other non-batch axis as stages, then the per-channel affine map. THE ALGORITHM
// on Funcs in Halide order (see LayerFuncs.h). Schedule: the common one of
// non-convolution steps (scheduleLayer). Not fusable: the moments are reductions,
// computed whole.
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

LayerFuncs defineStep(const GroupNormLayer &layer, const StepInputs &in) {
  const TensorInfo &info = in.value(layer.input);
  const Func &input = in.funcs[0];
  int rank = info.rank();
  int axis = layer.axis;
  int channels = (int)info.shape.at(axis);
  int perGroup = channels / (int)layer.groups;
  TensorVars v(rank);
  // The reduction: the channels of one group, then every other non-batch axis.
  Region extents{Range(0, perGroup)};
  int64_t count = perGroup;
  for (int d = 1; d < rank; ++d)
    if (d != axis) {
      extents.push_back(Range(0, (int)info.shape.at(d)));
      count *= info.shape.at(d);
    }
  RDom r(extents, layer.name + "_r");
  Var group(layer.name + "_g"), n = v.keras[0];
  std::vector<Expr> along(rank);
  along[0] = n;
  along[axis] = group * perGroup + r[0];
  for (int d = 1, i = 1; d < rank; ++d)
    if (d != axis)
      along[d] = r[i++];
  Expr x = callKeras(input, along);
  // Keras's moments in float32: the mean, then the mean of squared deviations.
  Func mean(layer.name + "_mean"), variance(layer.name + "_variance");
  mean(group, n) = sum(x) / float(count);
  Expr deviation = x - mean(group, n);
  variance(group, n) = sum(deviation * deviation) / float(count);
  ConstantTensor gamma = in.constant(layer.gamma, {channels}, layer.name + "_gamma");
  ConstantTensor beta = in.constant(layer.beta, {channels}, layer.name + "_beta");
  Var c = v.keras[axis];
  Expr g = c / perGroup;
  LayerFuncs f;
  f.stages = {mean, variance};
  f.result = Func(layer.name);
  f.result(v.halide()) = (input(v.halide()) - mean(g, n)) /
                             Halide::sqrt(variance(g, n) + float(layer.epsilon)) * gamma(c) +
                         beta(c);
  return f;
}

} // namespace kconv::codegen
