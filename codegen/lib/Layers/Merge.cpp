// Add, Subtract, Multiply, Average, Maximum, Minimum, broadcast as Keras does.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
/// Input `in` read at the output's position, broadcast as Keras's merge layers do:
/// the batch as it is, the other axes aligned from the last (a lower-rank input has
/// its missing axes after the batch), a size-1 axis of the input read at 0.
Expr broadcastRead(const Func &input, const TensorInfo &in, const TensorInfo &out,
                   const TensorVars &v) {
  int skipped = out.rank() - in.rank();
  std::vector<Expr> index{v.keras[0]};
  for (int d = 1; d < in.rank(); ++d) {
    int64_t outSize = out.shape.at(d + skipped);
    index.push_back(in.shape[d] == 1 && outSize != 1 ? Expr(0) : Expr(v.keras[d + skipped]));
  }
  return callKeras(input, index);
}

Func defineMerge(const MergeLayer &layer, const PipelinePlan &plan,
                 const std::vector<Func> &inputs) {
  const TensorInfo &out = plan.values.at(layer.output);
  TensorVars v(out.rank());
  std::vector<Expr> values;
  for (size_t i = 0; i < inputs.size(); ++i)
    values.push_back(broadcastRead(inputs[i], plan.values.at(layer.inputs[i]), out, v));
  Expr acc = values[0];
  for (size_t i = 1; i < values.size(); ++i) {
    if (layer.kind == "add" || layer.kind == "average")
      acc = acc + values[i];
    else if (layer.kind == "subtract")
      acc = acc - values[i];
    else if (layer.kind == "multiply")
      acc = acc * values[i];
    else if (layer.kind == "maximum")
      acc = max(acc, values[i]);
    else if (layer.kind == "minimum")
      acc = min(acc, values[i]);
    else
      throw CompileError("unknown merge '" + layer.kind + "'");
  }
  if (layer.kind == "average")
    acc = acc / float(values.size());
  Func result(layer.name);
  result(v.halide()) = acc;
  return result;
}
} // namespace

LayerFuncs defineStep(const MergeLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineMerge(layer, in.plan, in.funcs);
  return f;
}

} // namespace kconv::codegen
