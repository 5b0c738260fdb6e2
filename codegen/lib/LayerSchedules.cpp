// THE SCHEDULE of the layers other than Conv2D: their reductions at the root, the
// output vectorized along its innermost dimension and parallel over rows.
#include "LayerFuncs.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

namespace {
/// Vectorizes the innermost dimension when it fills a vector, and parallelizes the
/// outermost non-batch dimension (the batch for 2-D tensors).
void vectorizeAndParallelize(Func f, Stage stage, const std::vector<int64_t> &kerasShape,
                             int vectorWidth) {
  std::vector<VarOrRVar> args;
  for (const Var &v : f.args())
    args.push_back(v);
  int rank = (int)args.size();
  if (rank == 0)
    return;
  if (kerasShape.back() >= vectorWidth)
    stage.vectorize(args[0], vectorWidth, TailStrategy::GuardWithIf);
  int outer = rank >= 3 ? rank - 2 : rank - 1;
  if (outer > 0)
    stage.parallel(args[outer]);
}

std::vector<int64_t> kerasShapeOf(const Func &f, const TensorInfo &out) {
  // Stages drop reduced dimensions: only their innermost extent matters, unknown here.
  if ((int)f.args().size() == out.rank())
    return out.shape;
  return {1};
}
} // namespace

void scheduleLayer(LayerFuncs &funcs, Func store, const TensorInfo &out, int vectorWidth) {
  for (Func &stage : funcs.stages) {
    stage.compute_root();
    std::vector<int64_t> shape = kerasShapeOf(stage, out);
    vectorizeAndParallelize(stage, stage, shape, vectorWidth);
    for (int u = 0; u < stage.num_update_definitions(); ++u)
      vectorizeAndParallelize(stage, stage.update(u), shape, vectorWidth);
  }
  vectorizeAndParallelize(store, store, out.shape, vectorWidth);
}

std::optional<Var> scheduleTransposeCopy(Func store, const std::vector<int64_t> &permutation,
                                         const TensorInfo &out, int vectorWidth,
                                         int bandRows) {
  int rank = out.rank();
  // The Halide dimension (innermost first) that is the source's innermost one.
  int across = -1;
  for (int k = 0; k < rank; ++k)
    if (permutation[k] == rank - 1)
      across = rank - 1 - k;
  if (across <= 0 || rank < 3) { // the innermost dimension stays innermost: a plain copy
    vectorizeAndParallelize(store, store, out.shape, vectorWidth);
    return std::nullopt;
  }
  // Vectorized along the output's rows, unrolled over 16 of the source's innermost
  // elements: each tile reads 8 source lines of 64 bytes and writes 16 output vectors.
  // Vectorized only, the copy read a cache line per element, column by column over
  // the whole tensor (56x56x64 NHWC -> NCHW: 0.29 ms; tiled 8 x 16: 0.064 ms, 16 x 16
  // 0.11 ms: the 16-lane gathers are slower).
  std::vector<Var> args = store.args();
  Var inner = args[0], acrossVar = args[across];
  Var innerO("inner_o"), innerI("inner_i"), acrossO("across_o"), acrossI("across_i");
  int lanes = std::min(vectorWidth, 8);
  store.split(inner, innerO, innerI, lanes, TailStrategy::GuardWithIf)
      .split(acrossVar, acrossO, acrossI, 16, TailStrategy::GuardWithIf);
  std::vector<VarOrRVar> order = {innerI, acrossI, innerO};
  bool banded = bandRows > 0 && rank == 4 && across == 2 && bandRows <= out.shape[2];
  Var band("band"), rowInBand("row_in_band");
  if (banded) {
    // (w, h, c, n): rows split into bands, all channels of a band before the next.
    store.split(args[1], band, rowInBand, bandRows, TailStrategy::ShiftInwards);
    order.insert(order.end(), {rowInBand, acrossO, band, args[3]});
  } else {
    for (int d = 1; d < rank; ++d)
      order.push_back(d == across ? acrossO : args[d]);
  }
  store.reorder(order).vectorize(innerI).unroll(acrossI);
  if (banded) {
    store.parallel(band);
    return band;
  }
  // Parallel over the outermost non-batch dimension (rows, or blocks of the source's
  // innermost dimension when that is the outermost).
  store.parallel(rank - 2 == across ? VarOrRVar(acrossO) : VarOrRVar(args[rank - 2]));
  return std::nullopt;
}

} // namespace kconv::codegen
