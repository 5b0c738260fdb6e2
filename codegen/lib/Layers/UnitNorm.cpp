// UnitNormalization: the sum of squares over the normalized axes as a stage, its
// clamped inverse square root as another, then one multiply per element (Keras's
// x * rsqrt(max(square_sum, floor))). THE ALGORITHM on Funcs in Halide order (see
// LayerFuncs.h). Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Layers.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

LayerFuncs defineStep(const UnitNormLayer &layer, const StepInputs &in) {
  const TensorInfo &info = in.value(layer.input);
  const Func &input = in.funcs[0];
  TensorVars v(info.rank());
  // The kept axes index the per-position stages.
  AxesReduction red = reduceOver(v, info.shape, layer.axes, layer.name + "_r");
  const std::vector<Var> &kept = red.kept;
  const std::vector<Expr> &keptExprs = red.keptExprs;
  const std::vector<Expr> &along = red.along;
  // A Func with no arguments is a scalar; Halide needs at least one for a stage here,
  // so a whole-sample reduction still keeps the batch (axis 0 is never reduced).
  Func squares(layer.name + "_sum"), scale(layer.name + "_scale");
  Expr x = callKeras(input, along);
  squares(kept) = sum(x * x);
  scale(kept) = 1.0f / Halide::sqrt(Halide::max(squares(keptExprs), float(layer.minSquareSum)));
  LayerFuncs f;
  f.stages = {squares, scale};
  f.result = Func(layer.name);
  f.result(v.halide()) = input(v.halide()) * scale(keptExprs);
  return f;
}

} // namespace kconv::codegen
