// Keras's Rescaling: x * scale + offset.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
/// As a per-channel scale and shift of the last axis, the form of an inference batch
/// norm, with which it shares its code and its fusion.
Func defineRescaling(const RescalingLayer &layer, const StepInputs &step, const TensorInfo &in,
                     const Func &input) {
  TensorVars v(in.rank());
  int channels = (int)in.shape.back();
  ConstantTensor scale =
      step.constant(std::vector<float>(channels, layer.scale), {channels}, layer.name + "_scale");
  ConstantTensor shift =
      step.constant(std::vector<float>(channels, layer.offset), {channels}, layer.name + "_shift");
  Var c = v.keras.back();
  Func result(layer.name);
  result(v.halide()) = input(v.halide()) * scale(c) + shift(c);
  return result;
}
} // namespace

LayerFuncs defineStep(const RescalingLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineRescaling(layer, in, in.value(layer.input), in.funcs[0]);
  return f;
}

} // namespace kconv::codegen
