// Discretization: THE ALGORITHM, element-wise in Halide order (see LayerFuncs.h): the
// number of boundaries at or below each value, counted in float32 (a sum of compares
// against constants; the boundaries are few). Schedule: the common one of
// non-convolution steps (scheduleLayer); the step is not fusable (always computed
// whole).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

LayerFuncs defineStep(const DiscretizationLayer &layer, const StepInputs &in) {
  TensorVars v(in.value(layer.input).rank());
  Expr x = in.funcs[0](v.halide());
  Expr bucket = 0.0f;
  for (float bound : layer.boundaries)
    bucket = bucket + select(x >= bound, 1.0f, 0.0f);
  LayerFuncs f;
  f.result = Func(layer.name);
  f.result(v.halide()) = bucket;
  return f;
}

} // namespace kconv::codegen
