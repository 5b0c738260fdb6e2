// Keras Masking's mask: per sample and step, whether any feature differs from the mask
// value (a reduction over the features; NaN differs from everything, as in Keras).
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h). Schedule: the common one
// of non-convolution steps (scheduleLayer).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

LayerFuncs defineStep(const SequenceMaskLayer &layer, const StepInputs &in) {
  const TensorInfo &info = in.value(layer.input);
  Var t("t"), n("n");
  RDom f(0, (int)info.shape[2], layer.name + "_r");
  Func differs(layer.name + "_reduce");
  // x == v is false for a NaN x, so a NaN feature keeps its step.
  differs(t, n) = maximum(select(in.funcs[0](f, t, n) == Expr(float(layer.maskValue)), 0.0f, 1.0f));
  LayerFuncs result;
  result.stages = {differs};
  result.result = Func(layer.name);
  result.result(t, n) = differs(t, n);
  return result;
}

} // namespace kconv::codegen
