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
  int64_t rows = out.shape[rank - 2], cols = out.shape[rank - 1];
  Func packed = funcs.stages.at(0), acc = funcs.stages.at(1);

  // rhs packed once, whole: vectors along its columns, parallel over its batch axes.
  std::vector<int64_t> packedShape = plan.values.at(layer.rhs).shape;
  if (layer.transposeRhs)
    std::swap(packedShape[rank - 2], packedShape[rank - 1]);
  packed.compute_root();
  vectorizeAndParallelize(packed, packed, packedShape, vectorWidth);

  // Output tiles of up to 4 rows x 2 vectors (8 accumulators), shifted inwards at the
  // edges so every tile has constant extents (vectorized and unrolled).
  int vw = vectorWidth;
  int tileCols = cols >= 2 * vw ? 2 * vw : cols >= vw ? vw : (int)cols;
  int tileRows = (int)std::min<int64_t>(rows, 4);
  std::vector<Var> args = store.args();
  Var no("mm_no"), ni("mm_ni"), mo("mm_mo"), mi("mm_mi"), tiles("mm_tiles");
  store.tile(args[0], args[1], no, mo, ni, mi, tileCols, tileRows, TailStrategy::ShiftInwards);
  if (tileCols >= vw)
    store.vectorize(ni, vw);
  store.unroll(mi).fuse(mo, args[2], tiles).parallel(tiles);

  std::vector<Var> accArgs = acc.args();
  acc.compute_at(store, no);
  if (tileCols >= vw)
    acc.vectorize(accArgs[0], vw);
  acc.unroll(accArgs[1]);
  Stage update = acc.update();
  update.reorder(accArgs[0], accArgs[1], acc.rvars()[0]);
  if (tileCols >= vw)
    update.vectorize(accArgs[0], vw);
  update.unroll(accArgs[1]);
}

} // namespace kconv::codegen
