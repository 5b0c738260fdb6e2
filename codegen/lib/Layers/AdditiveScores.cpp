// AdditiveScores: the additive attention scores of AdditiveAttention and Attention's
// concat mode, outer * sum_d w[d] * tanh(inner * (query[i, d] + key[j, d])).
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer): the sum at the
// root, vectorized along the key steps. Not fusable: always computed whole.
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

LayerFuncs defineStep(const AdditiveScoresLayer &layer, const StepInputs &in) {
  const TensorInfo &query = in.value(layer.query), &out = in.value(layer.output);
  int rank = out.rank();
  int dim = (int)query.shape.back();
  TensorVars v(rank);
  Var i = v.keras[rank - 2], j = v.keras[rank - 1];
  RDom r(0, dim, layer.name + "_r");
  std::vector<Expr> q = v.kerasExprs(), k = v.kerasExprs();
  q[rank - 1] = r.x;
  k[rank - 2] = j;
  k[rank - 1] = r.x;
  Expr term = tanh(float(layer.innerScale) * (callKeras(in.funcs[0], q) + callKeras(in.funcs[1], k)));
  if (!layer.weights.empty())
    term = in.constant(layer.weights, {dim}, layer.name + "_kernel")(r.x) * term;
  Func sum(layer.name + "_sum");
  sum(v.halide()) = 0.f;
  sum(v.halide()) += term;
  Expr score = float(layer.outerScale) * sum(v.halide());
  LayerFuncs f;
  f.result = Func(layer.name);
  // Keras's additive causal mask for float32: -1e9 where the key step is after the query's.
  f.result(v.halide()) = layer.causalMask ? select(j > i, -1e9f, score) : score;
  f.stages = {sum};
  return f;
}

} // namespace kconv::codegen
