// THE SCHEDULE of a Conv2D in Winograd's form (Layers/Conv2DWinograd.cpp): each band of
// tile rows transforms its input tiles, runs the products over the input channels in
// register tiles (channel vectors x Winograd tiles, as a 1x1 convolution's), and
// transforms them back one tile at a time.
#include "Conv2DSchedule.h"

namespace kconv::codegen {

using namespace Halide;

void scheduleWinogradConv(Conv2DFuncs &f, Func store, const Conv2DSchedule &s,
                          const ParallelSplit &tasks) {
  int m = s.winograd, my = f.winogradRows, vw = s.vectorWidth, block = vw * s.vectors;
  Var c = f.c, x = f.x, y = f.y, n = f.n;
  Var co("co"), ci("ci"), tx("tx"), xi("xi"), ty("ty"), yi("yi"), band("band");
  // One output tile (m x m, or 1 x m for a 1x3 kernel) of a channel vector at a time:
  // unrolled, each output's place in its tile is a constant and the transform's select
  // folds away. The filters are whole channel blocks (scheduleError), so channel
  // vectors divide them.
  store.split(x, tx, xi, m, TailStrategy::GuardWithIf)
      .split(y, ty, yi, my, TailStrategy::GuardWithIf)
      .split(c, co, ci, vw)
      .reorder(ci, xi, yi, co, tx, ty, n)
      .vectorize(ci)
      .unroll(xi)
      .unroll(yi)
      .split(ty, band, ty, (int)tasks.rowsPerTask, TailStrategy::ShiftInwards);
  Var task = band;
  if (tasks.colTasks > 1) {
    // Few rows of tiles (a Conv1D's one): column tasks too, each its register tiles'
    // columns of every row of its band (the last shifted inwards).
    Var xband("xband");
    task = Var("task");
    store.split(tx, xband, tx, (int)tasks.colsPerTask * s.tileX, TailStrategy::ShiftInwards)
        .reorder(tx, ty, xband, band)
        .fuse(xband, band, task);
  }
  if (s.parallel)
    store.parallel(task).parallel(n);

  // The input tiles of a row of tiles, transformed (a few KB per tile, in L1/L2).
  int inLanes = largestPowerOfTwoAtMost(f.inChannels, vw);
  f.transformed.compute_at(store, ty).vectorize(c, inLanes).unroll(f.freqX).unroll(f.freqY);
  f.inputRows.compute_at(f.transformed, f.tileX)
      .vectorize(c, inLanes)
      .unroll(f.freqX)
      .unroll(f.tapRow);

  // The products: for each transformed tap, channel blocks x tiles in registers while
  // the input channels run; a row's tiles past its edge are rounded up (zeros in).
  Var ko("ko"), kv("kv"), ki("ki"), txo("txo"), txi("txi");
  f.products.compute_at(store, ty).vectorize(c, vw);
  f.products.update()
      .split(c, ko, ki, block)
      .split(ki, kv, ki, vw)
      .split(f.tileX, txo, txi, s.tileX, TailStrategy::RoundUp)
      .reorder(ki, kv, txi, f.r.x, txo, ko, f.freqX, f.freqY)
      .vectorize(ki)
      .unroll(kv)
      .unroll(txi);

  // Back to outputs one tile at a time, every filter of it.
  f.outputRows.compute_at(store, tx).vectorize(c, vw).unroll(f.freqX).unroll(f.tapRow);
}

} // namespace kconv::codegen
