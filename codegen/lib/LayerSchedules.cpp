// THE SCHEDULE common to the steps other than Conv2D (and Transpose copies, see
// Layers/Transpose.cpp): their reductions at the root, the output vectorized along its
// innermost dimension and parallel over rows.
#include "LayerFuncs.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

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

namespace {
std::vector<int64_t> kerasShapeOf(const Func &f, const TensorInfo &out) {
  // Stages drop reduced dimensions: only their innermost extent matters, unknown here.
  if ((int)f.args().size() == out.rank())
    return out.shape;
  return {1};
}
} // namespace

void scheduleLayer(LayerFuncs &funcs, Func store, const TensorInfo &out, int vectorWidth) {
  for (size_t i = 0; i < funcs.stages.size(); ++i) {
    Func &stage = funcs.stages[i];
    stage.compute_root();
    if (stage.is_extern())
      continue;
    std::vector<int64_t> shape =
        i < funcs.stageShapes.size() ? funcs.stageShapes[i] : kerasShapeOf(stage, out);
    vectorizeAndParallelize(stage, stage, shape, vectorWidth);
    for (int u = 0; u < stage.num_update_definitions(); ++u)
      vectorizeAndParallelize(stage, stage.update(u), shape, vectorWidth);
  }
  vectorizeAndParallelize(store, store, out.shape, vectorWidth);
}

} // namespace kconv::codegen
