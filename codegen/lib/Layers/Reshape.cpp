// Reshape (row-major): a view of the input.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: none, a view is read through by its readers (the common one, scheduleLayer,
// when it is a model output).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
/// Whether `in` and `out` have the same axes of size other than 1 in the same order (a
/// reshape that only inserts or removes axes of size 1); their positions, batch excluded.
bool unitAxesOnly(const TensorInfo &in, const TensorInfo &out, std::vector<int> &inAxes,
                  std::vector<int> &outAxes) {
  for (int j = 1; j < in.rank(); ++j)
    if (in.shape[j] != 1)
      inAxes.push_back(j);
  for (int i = 1; i < out.rank(); ++i)
    if (out.shape[i] != 1)
      outAxes.push_back(i);
  if (inAxes.size() != outAxes.size())
    return false;
  for (size_t k = 0; k < inAxes.size(); ++k)
    if (in.shape[inAxes[k]] != out.shape[outAxes[k]])
      return false;
  return true;
}

Func defineReshape(const ReshapeLayer &layer, const TensorInfo &in, const TensorInfo &out,
                   const Func &input) {
  TensorVars v(out.rank());
  std::vector<Expr> index(in.rank());
  index[0] = v.keras[0];
  if (std::vector<int> inAxes, outAxes; unitAxesOnly(in, out, inAxes, outAxes)) {
    // Only axes of size 1 inserted or removed (Conv1D's (1, steps) view): each other
    // axis maps to itself and the size-1 ones to 0, with no div/mod for Halide to undo.
    for (int j = 1; j < in.rank(); ++j)
      index[j] = 0;
    for (size_t k = 0; k < inAxes.size(); ++k)
      index[inAxes[k]] = v.keras[outAxes[k]];
  } else { // row-major: the output's linear position within a sample, re-split
    Expr linear = 0;
    for (int i = 1; i < out.rank(); ++i)
      linear = linear * (int)out.shape[i] + v.keras[i];
    for (int j = in.rank() - 1; j >= 1; --j) {
      index[j] = linear % (int)in.shape[j];
      linear = linear / (int)in.shape[j];
    }
  }
  Func result(layer.name);
  result(v.halide()) = callKeras(input, index);
  return result;
}
} // namespace

LayerFuncs defineStep(const ReshapeLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineReshape(layer, in.value(layer.input), in.value(layer.output), in.funcs[0]);
  f.view = true;
  return f;
}

} // namespace kconv::codegen
