// THE SCHEDULE common to the steps other than Conv2D (and Transpose copies, see
// Layers/Transpose.cpp): their reductions at the root, the output vectorized along its
// innermost dimension and parallel over rows in tasks sized for the threads
// (kconv::parallelSplit).
#include "LayerFuncs.h"
#include "Conv2DSchedule.h"
#include "kconv/Support/ParallelTasks.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

void vectorizeAndParallelize(Func f, Stage stage, const std::vector<int64_t> &kerasShape,
                             int vectorWidth, int threads) {
  std::vector<Var> args = f.args();
  int rank = (int)args.size();
  if (rank == 0)
    return;
  if (kerasShape.back() >= vectorWidth)
    stage.vectorize(args[0], vectorWidth, TailStrategy::GuardWithIf);
  int outer = rank >= 3 ? rank - 2 : rank - 1;
  if (outer == 0)
    return;
  // An image of known extents (Keras dimension 1 the rows, 2 the columns): its tasks.
  bool known = rank >= 3 && (int)kerasShape.size() == rank &&
               std::all_of(kerasShape.begin() + 1, kerasShape.end(),
                           [](int64_t d) { return d > 0; });
  if (!known) {
    stage.parallel(args[outer]);
    return;
  }
  double elements = 1;
  for (int d = 1; d < rank; ++d)
    elements *= double(kerasShape[d]);
  parallelizeBands(stage, args[outer], kerasShape[1], args[outer - 1],
                   rank >= 4 ? kerasShape[2] : 1, elements, args[rank - 1], kerasShape[0],
                   threads);
}

void parallelizeBands(Stage stage, Var y, int64_t rows, Var x, int64_t cols, double elements,
                      Var batch, int64_t batchSize, int threads) {
  ParallelSplit split = parallelSplit(elements, rows, cols, threads, kMinTaskElements);
  if (split.tasks() == 1) {
    // Too little work per image for two tasks: only images run in parallel (a batch of
    // one in place).
    if (batchSize != 1)
      stage.parallel(batch);
    return;
  }
  Var band("band");
  if (split.rowsPerTask == 1 && split.colTasks == 1) {
    stage.parallel(y);
    return;
  }
  stage.split(y, band, y, (int)split.rowsPerTask, TailStrategy::GuardWithIf);
  if (split.colTasks == 1) {
    stage.parallel(band);
    return;
  }
  Var xband("xband"), task("task");
  stage.split(x, xband, x, (int)split.colsPerTask, TailStrategy::GuardWithIf)
      .reorder(x, y, xband, band)
      .fuse(xband, band, task)
      .parallel(task);
}

void vectorizeAlongWidth(Func f, int64_t channels, int64_t width, int vectorWidth) {
  std::vector<Var> args = f.args();
  f.bound(args[0], 0, (int)channels).unroll(args[0]);
  if (width >= vectorWidth)
    f.vectorize(args[1], vectorWidth, TailStrategy::GuardWithIf);
}

void vectorizeChannelPattern(Func f, int64_t channels, int vectorWidth) {
  std::vector<Var> args = f.args();
  Var cx("cx"), group("cx_group"), vector("cx_vector"), lane("cx_lane");
  f.bound(args[0], 0, (int)channels)
      .fuse(args[0], args[1], cx)
      .split(cx, group, cx, (int)channels * vectorWidth, TailStrategy::GuardWithIf)
      .split(cx, vector, lane, vectorWidth)
      .vectorize(lane)
      .unroll(vector);
}

namespace {
std::vector<int64_t> kerasShapeOf(const Func &f, const TensorInfo &out) {
  // Stages drop reduced dimensions: only their innermost extent matters, unknown here.
  if ((int)f.args().size() == out.rank())
    return out.shape;
  return {1};
}
} // namespace

void scheduleMatMulTiles(Func tiles, Func product, const std::vector<int64_t> &kerasShape,
                         int vectorWidth, int64_t reduction) {
  // Output tiles of up to 4 rows x 2 vectors (8 accumulators; 6 rows, 12 accumulators,
  // on targets of 16 vector registers: per row of the kernel, 2 loads and 6 broadcasts
  // for 12 multiply-adds), shifted inwards at the edges so every tile has constant
  // extents (vectorized and unrolled); rows of unknown extent (the batch) one at a time.
  int rank = (int)kerasShape.size();
  int64_t rows = rank >= 2 ? kerasShape[rank - 2] : 1, cols = kerasShape[rank - 1];
  int vw = vectorWidth;
  int tileCols = cols >= 2 * vw ? 2 * vw : cols >= vw ? vw : (int)cols;
  int maxRows = vectorRegisters(vw) == 16 ? 6 : 4;
  int tileRows = rows > 0 ? (int)std::min<int64_t>(rows, maxRows) : 1;
  // A constant kernel larger than kMatMulBlockBytes is read in blocks of columns, every
  // row of the block's columns computed before the next block: otherwise each row tile
  // streams the whole kernel from beyond L2 (an LSTM's 128 x 1024 kernel: 512 KB per
  // 4 rows, the projection memory-bound).
  constexpr int64_t kMatMulBlockBytes = 64 * 1024;
  int64_t blockCols = cols;
  if (reduction > 0 && rows > tileRows && rank <= 3 &&
      reduction * cols * int64_t(sizeof(float)) > kMatMulBlockBytes)
    blockCols = std::max<int64_t>(
        tileCols, kMatMulBlockBytes / (reduction * int64_t(sizeof(float))) / tileCols * tileCols);
  bool blocked = blockCols < cols;
  std::vector<Var> args = tiles.args();
  Var no("mm_no"), ni("mm_ni"), mo("mm_mo"), mi("mm_mi"), fused("mm_tiles");
  Var jo("mm_jo"), ji("mm_ji"), tasks("mm_tasks");
  Var colVar = args[0];
  if (blocked) {
    tiles.split(args[0], jo, ji, (int)blockCols, TailStrategy::ShiftInwards);
    colVar = ji;
  }
  tiles.tile(colVar, args[1], no, mo, ni, mi, tileCols, tileRows, TailStrategy::ShiftInwards);
  if (tileCols >= vw)
    tiles.vectorize(ni, vw);
  tiles.unroll(mi);
  if (blocked) { // the blocks outermost: the rows (and batch) under each, in parallel
    std::vector<VarOrRVar> order = {ni, mi, no, mo};
    if (args.size() >= 3)
      order.push_back(args[2]);
    order.push_back(jo);
    tiles.reorder(order);
    if (args.size() >= 3)
      tiles.fuse(mo, args[2], fused).fuse(fused, jo, tasks).parallel(tasks);
    else
      tiles.fuse(mo, jo, tasks).parallel(tasks);
  } else if (args.size() >= 3) {
    tiles.fuse(mo, args[2], fused).parallel(fused);
  } else {
    tiles.parallel(mo);
  }

  std::vector<Var> accArgs = product.args();
  product.compute_at(tiles, no);
  if (tileCols >= vw)
    product.vectorize(accArgs[0], vw);
  product.unroll(accArgs[1]);
  Stage update = product.update();
  update.reorder(accArgs[0], accArgs[1], product.rvars()[0]);
  if (tileCols >= vw)
    update.vectorize(accArgs[0], vw);
  update.unroll(accArgs[1]);
}

void scheduleLayer(LayerFuncs &funcs, Func store, const TensorInfo &out, int vectorWidth,
                   int threads) {
  const std::optional<LayerFuncs::MatMul> &matmul = funcs.matmul;
  for (size_t i = 0; i < funcs.stages.size(); ++i) {
    Func &stage = funcs.stages[i];
    stage.compute_root();
    if (stage.is_extern())
      continue;
    if (matmul && stage.name() == matmul->tiles.name()) {
      scheduleMatMulTiles(stage, matmul->product, matmul->shape, vectorWidth,
                          matmul->reduction);
      continue;
    }
    std::vector<int64_t> shape =
        i < funcs.stageShapes.size() ? funcs.stageShapes[i] : kerasShapeOf(stage, out);
    vectorizeAndParallelize(stage, stage, shape, vectorWidth, threads);
    for (int u = 0; u < stage.num_update_definitions(); ++u)
      vectorizeAndParallelize(stage, stage.update(u), shape, vectorWidth, threads);
  }
  // The product's tiles: a stage's (above), or the stored result's, which reads the
  // product element-wise (itself, or a copy of it into a model output).
  bool tiledStage =
      matmul && std::any_of(funcs.stages.begin(), funcs.stages.end(), [&](const Func &s) {
        return s.name() == matmul->tiles.name();
      });
  if (matmul && !tiledStage)
    scheduleMatMulTiles(store, matmul->product, out.shape, vectorWidth, matmul->reduction);
  else
    vectorizeAndParallelize(store, store, out.shape, vectorWidth, threads);
}

} // namespace kconv::codegen
