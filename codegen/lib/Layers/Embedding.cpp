// Embedding: a gather of table rows by the input's indices. THE ALGORITHM on Funcs in
// Halide order (see LayerFuncs.h): the output's innermost dimension is the table's
// column, the others the input's. An index that is not in [0, rows) after Keras's
// truncation (NaN included) fails the pipeline through Halide's `require`, as
// TensorFlow's CPU gather fails; the clamp after it only bounds the table read for
// Halide's bounds inference. Schedule: the common one of non-convolution steps
// (scheduleLayer); the step is not fusable (always computed whole).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

LayerFuncs defineStep(const EmbeddingLayer &layer, const StepInputs &in) {
  const TensorInfo &info = in.value(layer.input);
  TensorVars v(info.rank() + 1);
  std::vector<Var> outer = v.halide();
  Var column = outer.front();
  outer.erase(outer.begin()); // the input's dimensions, Halide order
  ConstantTensor table =
      in.constant(layer.table, {(int)layer.columns, (int)layer.rows}, layer.name + "_table");
  Expr x = in.funcs[0](outer);
  Expr inRange = x > -1.0f && x < float(layer.rows);
  std::string message = "Embedding layer '" + layer.name + "': an index is outside [0, " +
                        std::to_string(layer.rows) + "):";
  Expr row = require(inRange, cast<int>(x), message, x);
  LayerFuncs f;
  f.result = Func(layer.name);
  f.result(v.halide()) = table(column, clamp(row, 0, (int)layer.rows - 1));
  f.hostOnly = true; // (the index check reports its error)
  return f;
}

} // namespace kconv::codegen
