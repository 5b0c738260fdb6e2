// Concatenate along a Keras axis: each input read at a clamped index, one selected.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineConcatenate(const ConcatenateLayer &layer, const PipelinePlan &plan,
                       const std::vector<Func> &inputs) {
  const TensorInfo &out = plan.values.at(layer.output);
  TensorVars v(out.rank());
  Var a = v.keras.at(layer.axis);
  // Each input is read at a clamped index: all are evaluated, one is selected.
  std::vector<Expr> conditions, values;
  int64_t offset = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    int64_t extent = plan.values.at(layer.inputs[i]).shape.at(layer.axis);
    std::vector<Expr> index = v.kerasExprs();
    index[layer.axis] = clamp(a - (int)offset, 0, (int)extent - 1);
    values.push_back(callKeras(inputs[i], index));
    conditions.push_back(a < (int)(offset + extent));
    offset += extent;
  }
  Expr value = values.back();
  for (int i = (int)values.size() - 2; i >= 0; --i)
    value = select(conditions[i], values[i], value);
  Func result(layer.name);
  result(v.halide()) = value;
  return result;
}
} // namespace

LayerFuncs defineStep(const ConcatenateLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineConcatenate(layer, in.plan, in.funcs);
  return f;
}

} // namespace kconv::codegen
