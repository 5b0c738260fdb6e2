// BatchMatMul: per index of the leading axes, op(lhs) . op(rhs) (attention's scores and
// context), with Keras's causal mask on request.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h), then THE SCHEDULE, its own
// (a compute-heavy step): register tiles of rows x vectors of columns, the reduction
// innermost-but-tile, tiles parallel; rhs packed (k, n)-major first so each vector of
// columns is one dense load whatever the operand's layout or the views it reads through.
// Not fusable: always computed whole.
#include "Layers.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

namespace {
/// Keras's additive mask value for float32 (scores + (1 - mask) * -1e9).
constexpr float kMaskedScore = -1e9f;
} // namespace

LayerFuncs defineStep(const BatchMatMulLayer &layer, const StepInputs &in) {
  const TensorInfo &lhs = in.value(layer.lhs), &out = in.value(layer.output);
  int rank = out.rank();
  int64_t depth = layer.transposeLhs ? lhs.shape[rank - 2] : lhs.shape[rank - 1];
  TensorVars v(rank);
  Var m = v.keras[rank - 2], n = v.keras[rank - 1];

  // rhs as (batch..., k, n): Keras index [b..., k, n] (Halide (n, k, b...)).
  Func packed(layer.name + "_rhs");
  {
    std::vector<Expr> index = v.kerasExprs();
    if (layer.transposeRhs)
      std::swap(index[rank - 2], index[rank - 1]);
    packed(v.halide()) = callKeras(in.funcs[1], index);
  }

  Func acc(layer.name + "_matmul");
  RDom r(0, (int)depth, layer.name + "_r");
  std::vector<Expr> a = v.kerasExprs(), b = v.kerasExprs();
  a[layer.transposeLhs ? rank - 2 : rank - 1] = r.x;
  if (layer.transposeLhs)
    a[rank - 1] = m;
  b[rank - 2] = r.x;
  acc(v.halide()) = 0.f;
  acc(v.halide()) += callKeras(in.funcs[0], a) * callKeras(packed, b);

  LayerFuncs f;
  f.result = Func(layer.name);
  f.result(v.halide()) =
      layer.causalMask ? select(n > m, kMaskedScore, acc(v.halide())) : acc(v.halide());
  f.stages = {packed, acc};
  return f;
}

void scheduleBatchMatMul(LayerFuncs &funcs, Func store, const BatchMatMulLayer &layer,
                         const PipelinePlan &plan, int vectorWidth) {
  const TensorInfo &out = plan.values.at(layer.output);
  int rank = out.rank();
  Func packed = funcs.stages.at(0), acc = funcs.stages.at(1);

  // rhs packed once, whole: vectors along its columns, parallel over its batch axes.
  std::vector<int64_t> packedShape = plan.values.at(layer.rhs).shape;
  if (layer.transposeRhs)
    std::swap(packedShape[rank - 2], packedShape[rank - 1]);
  packed.compute_root();
  vectorizeAndParallelize(packed, packed, packedShape, vectorWidth, plan.threads);

  scheduleMatMulTiles(store, acc, out.shape, vectorWidth);
}

} // namespace kconv::codegen
