// Inference BatchNormalization left unfolded: x * scale + shift along its axis.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps, but an image of fewer channels
// than a vector's lanes (Normalization of RGB input) vectorized along its rows'
// channels and columns as one (vectorizeChannelPattern).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineBatchNorm(const BatchNormLayer &layer, const StepInputs &step, const TensorInfo &in,
                     const Func &input) {
  TensorVars v(in.rank());
  int channels = (int)in.shape.at(layer.axis);
  ConstantTensor scale = step.constant(layer.scale, {channels}, layer.name + "_scale");
  ConstantTensor shift = step.constant(layer.shift, {channels}, layer.name + "_shift");
  Var c = v.keras[layer.axis];
  Func result(layer.name);
  result(v.halide()) = input(v.halide()) * scale(c) + shift(c);
  return result;
}
} // namespace

LayerFuncs defineStep(const BatchNormLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineBatchNorm(layer, in, in.value(layer.input), in.funcs[0]);
  std::vector<int64_t> shape = in.value(layer.output).shape;
  f.schedule = [shape](Func store, int vectorWidth, int threads) {
    vectorizeAndParallelize(store, store, shape, vectorWidth, threads);
    if (shape.size() == 4 && shape.back() < vectorWidth &&
        shape.back() * shape[2] >= shape.back() * vectorWidth)
      vectorizeChannelPattern(store, shape.back(), vectorWidth);
  };
  return f;
}

} // namespace kconv::codegen
