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
  int rank = info.rank();
  TensorVars v(rank);
  auto reduced = [&](int axis) {
    return std::find(layer.axes.begin(), layer.axes.end(), axis) != layer.axes.end();
  };
  // The kept axes index the per-position stages; the reduced ones are an RDom.
  std::vector<Var> kept;
  std::vector<Expr> keptExprs;
  for (int d = rank - 1; d >= 0; --d) // Halide order: innermost (last Keras axis) first
    if (!reduced(d)) {
      kept.push_back(v.keras[d]);
      keptExprs.push_back(v.keras[d]);
    }
  Region extents;
  for (int64_t axis : layer.axes)
    extents.push_back(Range(0, (int)info.shape.at(axis)));
  RDom r(extents, layer.name + "_r");
  std::vector<Expr> along = v.kerasExprs();
  for (size_t i = 0; i < layer.axes.size(); ++i)
    along[layer.axes[i]] = r[(int)i];
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
