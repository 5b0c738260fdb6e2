// GlobalAveragePooling1D reading a mask: the sum over the kept steps as a stage, the
// kept steps' count as another, then their quotient (Keras's
// sum(where(mask, x, 0)) / sum(mask)). A step is kept where the mask tensor (an
// Embedding's ids) is not zero. THE ALGORITHM on Funcs in Halide order (see
// LayerFuncs.h). Schedule: the common one of non-convolution steps (scheduleLayer);
// not fusable.
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

LayerFuncs defineStep(const MaskedAveragePool1DLayer &layer, const StepInputs &in) {
  const TensorInfo &info = in.value(layer.input), &out = in.value(layer.output);
  const Func &input = in.funcs[0], &mask = in.funcs[1];
  int64_t steps = info.shape[layer.channelsFirst ? 2 : 1];
  Var f("f"), n("n"), one("one");
  RDom t(0, (int)steps, layer.name + "_r");
  Expr kept = select(mask(t, n) != 0.0f, 1.0f, 0.0f);
  // Halide order: (features, steps, batch) channels_last, (steps, features, batch) first.
  Expr x = layer.channelsFirst ? input(t, f, n) : input(f, t, n);
  Func total(layer.name + "_sum"), count(layer.name + "_reduce");
  total(f, n) = sum(x * kept);
  count(n) = sum(kept);
  LayerFuncs result;
  result.stages = {total, count};
  result.result = Func(layer.name);
  Expr mean = total(f, n) / count(n);
  if (out.rank() == 2)
    result.result(f, n) = mean;
  else if (layer.channelsFirst) // keepdims: (batch, features, 1)
    result.result(one, f, n) = mean;
  else // keepdims: (batch, 1, features)
    result.result(f, one, n) = mean;
  return result;
}

} // namespace kconv::codegen
