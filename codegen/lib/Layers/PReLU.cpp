// PReLU: x >= 0 ? x : alpha * x, alpha broadcast along the shared axes.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Layers.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

namespace {
Func definePRelu(const PReluLayer &layer, const StepInputs &step, const TensorInfo &in,
                 const Func &input) {
  TensorVars v(in.rank());
  Func result(layer.name);
  std::vector<int> extents(layer.alphaShape.rbegin(), layer.alphaShape.rend());
  ConstantTensor alpha = step.constant(layer.alpha, extents, layer.name + "_alpha");
  std::vector<Expr> index; // Keras dims 1.., broadcast where alpha has size 1
  for (size_t d = 0; d < layer.alphaShape.size(); ++d)
    index.push_back(layer.alphaShape[d] == 1 ? Expr(0) : Expr(v.keras[d + 1]));
  Expr xv = input(v.halide());
  std::reverse(index.begin(), index.end());
  result(v.halide()) = select(xv >= 0.f, xv, alpha(index) * xv);
  return result;
}
} // namespace

LayerFuncs defineStep(const PReluLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = definePRelu(layer, in, in.value(layer.input), in.funcs[0]);
  return f;
}

} // namespace kconv::codegen
