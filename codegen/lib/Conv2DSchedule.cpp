// THE SCHEDULE of Conv2D: the heuristic default and how a Conv2DSchedule is applied.
#include "Conv2DSchedule.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

int vectorRegisters(int floatLanes) { return floatLanes == 8 ? 16 : 32; }

int accumulatorBudget(int floatLanes) { return vectorRegisters(floatLanes) - 4; }

namespace {
/// Kernels with more taps keep their tap loops by default (unrolled, the code grows
/// with the taps times the tile).
constexpr int64_t kMaxUnrolledTaps = 49;

int largestDivisorAtMost(int64_t extent, int limit) {
  for (int d = std::min<int64_t>(limit, extent); d > 1; --d)
    if (extent % d == 0)
      return d;
  return 1;
}

/// Copies the zero-padded input, so the reduction's loads need no boundary checks (a
/// 14-wide layer has every tile on a border). Stored per band of rows and computed per
/// row tile, Halide's sliding window copies each input row once per band instead of
/// once per output row its window covers (3 times for a 3x3 kernel, 5 with dilation 2).
/// Returns whether there is a staged copy.
/// Its vectors divide the channels: a guarded tail (16 lanes over 8 or 12 channels)
/// made Halide split the band loop, and trimmed tiles in its first and last bands kept
/// a branch per border column. Inputs with an odd number of channels, up to 4 (RGB
/// images), have no such vector: the copy runs along the columns, channels unrolled and
/// interleaved, so a row's interior is a dense copy (copying a channel at a time, LLVM
/// vectorizes with gathers).
bool stageInput(Conv2DFuncs &f, Func store, Var storeAt, Var computeAt, const Conv2DSchedule &s) {
  if (!f.staged) // decided with the algorithm (the schedule's stage_input, where it applies)
    return false;
  f.input.store_at(store, storeAt).compute_at(store, computeAt);
  int lanes = 1;
  while (lanes < s.vectorWidth && f.inChannels % (lanes * 2) == 0)
    lanes *= 2;
  if (lanes > 1) {
    f.input.vectorize(f.c, lanes);
  } else if (f.inChannels <= 4) {
    f.input.bound(f.c, 0, f.inChannels).unroll(f.c).vectorize(f.x, s.vectorWidth);
  }
  return true;
}
} // namespace

ConvShape convShape(const PipelinePlan &plan, const Conv2DLayer &layer) {
  const ImageInfo in = plan.imageIn(layer), out = plan.imageOut(layer);
  ConvShape shape;
  shape.inChannels = in.channels;
  shape.groups = layer.groups;
  shape.outHeight = out.height, shape.outWidth = out.width, shape.outChannels = out.channels;
  shape.kernelHeight = layer.kernel[0], shape.kernelWidth = layer.kernel[1];
  shape.strideHeight = layer.strides[0], shape.strideWidth = layer.strides[1];
  shape.dilationHeight = layer.dilation[0], shape.dilationWidth = layer.dilation[1];
  return shape;
}

int largestPowerOfTwoAtMost(int64_t limit, int cap) {
  int p = 1;
  while (p * 2 <= cap && p * 2 <= limit)
    p *= 2;
  return p;
}

namespace {
/// Multiply-adds of one image of the layer's output.
double macsPerImage(const Conv2DLayer &layer, const ImageInfo &out) {
  return double(out.height) * double(out.width) * double(layer.kernelValues.size());
}
} // namespace

ParallelSplit convTasks(const Conv2DLayer &layer, const Conv2DSchedule &s, const ImageInfo &out,
                        int threads) {
  bool channels = s.vectorize == Conv2DSchedule::Vectorize::Channels;
  int64_t rowTiles = (out.height + s.tileY - 1) / s.tileY;
  int64_t colWidth = channels ? s.tileX : s.vectorWidth * s.vectors;
  int64_t colTiles = (out.width + colWidth - 1) / colWidth;
  ParallelSplit serial{rowTiles, colTiles, 1, 1};
  if (s.winograd && !isAxisActivation(layer.activation)) {
    // Bands of rows of Winograd tiles and, where those are few (a Conv1D), of their
    // register tiles' columns.
    int64_t tileHeight = winogradTileRows(layer, s.winograd);
    int64_t tileRows = (out.height + tileHeight - 1) / tileHeight;
    int64_t tiles = (out.width + s.winograd - 1) / s.winograd;
    int64_t tileCols = (tiles + s.tileX - 1) / s.tileX;
    if (!s.parallel)
      return {tileRows, tileCols, 1, 1};
    return parallelSplit(macsPerImage(layer, out), tileRows, tileCols, threads, kMinTaskMacs);
  }
  if (!s.parallel || (channels && s.channelsOuter) || isAxisActivation(layer.activation))
    return serial;
  // Lanes along the width (few filters) keep a task per row tile where there are enough
  // (the split measured, tasks of little work each), and split as the others otherwise.
  if (!channels && rowTiles >= wantedTasks(threads))
    return {1, colTiles, rowTiles, 1};
  return parallelSplit(macsPerImage(layer, out), rowTiles, colTiles, threads, kMinTaskMacs);
}

int bandRows(const Conv2DLayer &layer, const Conv2DSchedule &s, const ImageInfo &out,
             int threads) {
  if (s.vectorize != Conv2DSchedule::Vectorize::Channels || s.channelsOuter || !s.parallel ||
      s.winograd)
    return 0;
  ParallelSplit tasks = convTasks(layer, s, out, threads);
  return std::min<int64_t>(s.tileY * tasks.rowsPerTask, out.height);
}

bool worthTrimmingColumns(const Conv2DLayer &layer, const ImageInfo &in, const ImageInfo &out,
                          Conv2DSchedule::Vectorize vectorize) {
  // Trimmed, each border tile drops its padded columns' multiply-adds: worth it for a
  // dense reduction with more than 1% of the pairs padded. Few input channels make it
  // slower: LLVM unrolls the untrimmed short channel loop but not the trimmed code's
  // copies per kernel column (docs/schedules.md).
  return vectorize == Conv2DSchedule::Vectorize::Channels && hasDenseReduction(layer) &&
         !isAxisActivation(layer.activation) && inputChannelsPerGroup(layer) >= 16 &&
         paddedColumnShare(layer, in.width, out.width) > 0.01;
}

bool worthWinograd(const Conv2DLayer &layer, const ImageInfo &out, int vectorWidth, int m) {
  // A 3x3 or 1x3 (Conv1D) stride-1 undilated dense convolution with an element-wise
  // activation and
  // whole channel vectors of filters. At least 32 input channels and filters: the
  // transforms' few operations per value are paid for by the products' savings. At
  // least 32 tiles of 2x2 (16 of 4x4) per image: with fewer, the transformed weights
  // are streamed from memory for little work (7x7x512 ran slower; docs/schedules.md).
  // At least two tiles' rows (of a 3x3 kernel) and columns: a 2-D tile on one row
  // saves next to nothing. Transformed weights below 256 MB (a Halide buffer holds less
  // than 2 GB).
  int64_t tileHeight = winogradTileRows(layer, m);
  bool oneRow = tileHeight == 1;
  int64_t alphaY = oneRow ? 1 : m + 2;
  int64_t tiles = ((out.height + tileHeight - 1) / tileHeight) * ((out.width + m - 1) / m);
  double transformedBytes = double(layer.kernelValues.size()) * double(alphaY * (m + 2)) /
                            double(layer.kernel[0] * 3) * 4;
  return (layer.kernel[0] == 3 || oneRow) && layer.kernel[1] == 3 && layer.strides[0] == 1 &&
         layer.strides[1] == 1 && layer.dilation[0] == 1 && layer.dilation[1] == 1 &&
         layer.groups == 1 && inputChannelsPerGroup(layer) >= 32 && layer.filters >= 32 &&
         layer.filters % vectorWidth == 0 && !isAxisActivation(layer.activation) &&
         (oneRow || out.height >= 2 * m) && out.width >= 2 * m && tiles >= (m == 2 ? 32 : 16) &&
         transformedBytes < 256.0 * (1 << 20);
}

bool worthUnrollingTaps(const Conv2DLayer &layer) {
  // A reduction over the taps alone (one input channel per group), unrolled: each
  // input vector is loaded once per tile instead of once per tap.
  int64_t taps = layer.kernel[0] * layer.kernel[1];
  return inputChannelsPerGroup(layer) == 1 && taps <= kMaxUnrolledTaps;
}

namespace {
/// The columns of a tile of at most `budget`: a divisor of the width that fills at
/// least half the budget, else the tile whose columns the fewest tiles cover (shifted
/// inwards at the right edge, the last recomputes columns), the narrowest of those.
int tileWidth(int64_t width, int budget) {
  int divisor = largestDivisorAtMost(width, budget);
  if (divisor * 2 >= budget || width <= budget)
    return divisor;
  int best = budget;
  for (int tx = budget; tx >= 1; --tx)
    if ((width + tx - 1) / tx == (width + best - 1) / best)
      best = tx;
  return best;
}
} // namespace

Conv2DSchedule heuristicSchedule(const Conv2DLayer &layer, const ImageInfo &in,
                                 const ImageInfo &out, int vectorWidth, int maxWinograd) {
  const int budgetAll = accumulatorBudget(vectorWidth);
  Conv2DSchedule s;
  s.vectorWidth = vectorWidth;
  // Fewer filters than lanes: narrower channel vectors while at least 4 filters fill
  // them, for lanes along the width read the input with a gather per vector.
  int channelLanes = largestPowerOfTwoAtMost(layer.filters, vectorWidth);
  if (channelLanes >= 4) {
    s.vectorWidth = channelLanes;
    s.vectorize = Conv2DSchedule::Vectorize::Channels;
    s.vectors = layer.filters % (2 * channelLanes) == 0 ? 2 : 1;
    s.unrollTaps = worthUnrollingTaps(layer);
    // One channel vector loads an input per multiply-add; with 16 registers (a tile of
    // at most 12 accumulators) three vectors share each input load.
    if (s.vectors == 1 && budgetAll < 16 && hasDenseReduction(layer) &&
        layer.filters % (3 * channelLanes) == 0)
      s.vectors = 3;
    int budget = budgetAll / s.vectors;
    if (!hasDenseReduction(layer) || s.unrollTaps) {
      // The taps' weights stay in registers too: a tile of up to 4 columns x 2 rows. Two
      // rows share the middle input rows of a 3x3 window.
      s.tileY = out.height % 2 == 0 ? 2 : 1;
      // Unrolled taps keep one weight vector each: one channel vector per tile.
      if (s.unrollTaps)
        s.vectors = 1;
      budget = std::min(budgetAll / (s.vectors * s.tileY), 4);
    }
    s.tileX = tileWidth(out.width, budget);
  } else {
    // Fewer than 4 filters: lanes along the width, narrower vectors for narrow outputs.
    s.vectorize = Conv2DSchedule::Vectorize::Width;
    s.vectorWidth = largestPowerOfTwoAtMost(out.width, vectorWidth);
    bool twoFit = out.width >= 2 * s.vectorWidth && layer.filters * 2 <= budgetAll;
    s.vectors = twoFit ? 2 : 1;
    s.tileX = 1;
    // Rows fill the accumulator budget: 2 vectors x 3 filters on one row are too few to
    // cover the FMA latency.
    int rows = std::max<int64_t>(1, budgetAll / (s.vectors * layer.filters));
    s.tileY = largestDivisorAtMost(out.height, std::min(rows, 4));
    // Taps stay loops here: unrolled, every filter's weights for every tap compete for
    // registers.
  }
  // Starting threads costs about a microsecond: layers below about 0.5 M multiply-adds
  // run faster on one thread. A single row (Conv1D) is split along its columns
  // (convTasks).
  s.parallel = macsPerImage(layer, out) * double(out.batch.value_or(1)) >= 5e5;
  // Large weights: loop over channel blocks outermost so that one block's weights
  // stay cached.
  s.channelsOuter = s.vectorize == Conv2DSchedule::Vectorize::Channels && hasLargeWeights(layer);
  // Two tiles that overlap (the second shifted inwards), each on both borders, measured
  // slower trimmed: 7x7x512 3x3 in 4-column tiles 3.7 ms trimmed, 2.7 staged; 14x14x256
  // in 5-column tiles 2.3 trimmed, 2.5 staged.
  bool overlappingPair = s.vectorize == Conv2DSchedule::Vectorize::Channels &&
                         out.width % s.tileX != 0 && 2 * s.tileX > out.width;
  s.trimColumns = worthTrimmingColumns(layer, in, out, s.vectorize) && !overlappingPair;
  // Staging pays off for dense reductions (a band's few rows stay in L1); it makes
  // memory-bound depthwise slower, 7x7 included. With channel blocks outermost and the
  // padded columns trimmed, no load leaves the image (Halide drops the boundary checks)
  // and a copy of the whole image only costs.
  s.stageInput = hasPadding(layer.padding) && hasDenseReduction(layer) && !s.unrollTaps &&
                 !(s.channelsOuter && s.trimColumns);
  int m = maxWinograd >= 4 && worthWinograd(layer, out, s.vectorWidth, 4)   ? 4
          : maxWinograd >= 2 && worthWinograd(layer, out, s.vectorWidth, 2) ? 2
                                                                             : 0;
  if (m) {
    // F(m x m, 3x3): (m+2)^2 multiplies per tile and channel pair instead of 9 m^2, in
    // register tiles of 2 channel vectors x up to 7 Winograd tiles (a divisor of a
    // row's tiles where one fills half of that): wider tiles that fill the accumulator
    // budget ran slower (docs/schedules.md).
    s.winograd = m;
    s.vectors = layer.filters % (2 * s.vectorWidth) == 0 ? 2 : 1;
    s.tileX = tileWidth((out.width + m - 1) / m, std::min(7, budgetAll / s.vectors));
    s.tileY = 1;
    s.stageInput = s.channelsOuter = s.trimColumns = s.unrollTaps = false;
  }
  return s;
}

namespace {
/// Splits the row tiles `yo` into bands of the split's rows and, when it has several
/// column tasks, the column tiles `xo` too, fused with the bands into one loop; returns
/// the loop over the tasks.
Var taskLoop(Func store, Var xo, Var yo, const ParallelSplit &split) {
  Var band("band");
  store.split(yo, band, yo, (int)split.rowsPerTask, TailStrategy::ShiftInwards);
  if (split.colTasks == 1)
    return band;
  Var xband("xband"), task("task");
  store.split(xo, xband, xo, (int)split.colsPerTask, TailStrategy::ShiftInwards)
      .reorder(xo, yo, xband, band)
      .fuse(xband, band, task);
  return task;
}
} // namespace

void scheduleConv2D(Conv2DFuncs &f, Func store, const Conv2DSchedule &s, const ImageInfo &out,
                    const ParallelSplit &tasks) {
  Var c = f.c, x = f.x, y = f.y, n = f.n;
  int vw = s.vectorWidth;
  Var yn("yn");

  if (f.softmax) {
    // The activation needs a whole axis of conv: compute conv for one row at a time.
    int lanes = largestPowerOfTwoAtMost(out.channels, vw);
    f.conv.compute_at(store, yn).vectorize(c, lanes, TailStrategy::ShiftInwards);
    // Update definitions may not recompute (ShiftInwards): guard the tail instead.
    f.conv.update().reorder(c, x).vectorize(c, lanes, TailStrategy::GuardWithIf);
    store.fuse(y, n, yn).vectorize(c, lanes, TailStrategy::ShiftInwards);
    if (s.parallel)
      store.parallel(yn);
    return;
  }
  if (f.winograd) {
    scheduleWinogradConv(f, store, s, tasks);
    return;
  }

  if (s.vectorize == Conv2DSchedule::Vectorize::Channels) {
    int block = vw * s.vectors;
    Var co("co"), ci("ci"), xo("xo"), xi("xi"), yo("yo"), yi("yi");
    store.split(c, co, ci, block, TailStrategy::ShiftInwards)
        .split(x, xo, xi, s.tileX, TailStrategy::ShiftInwards)
        .split(y, yo, yi, s.tileY, TailStrategy::ShiftInwards);
    if (s.channelsOuter)
      store.reorder(ci, xi, yi, xo, yo, co, n);
    else
      store.reorder(ci, xi, yi, co, xo, yo, n);
    store.vectorize(ci, vw).unroll(xi).unroll(yi);
    if (s.channelsOuter) {
      if (s.parallel)
        store.parallel(co).parallel(n);
      // With channel blocks outermost, the padded input is staged once per image, its
      // rows split over the threads too.
      if (stageInput(f, store, n, n, s) && s.parallel)
        f.input.parallel(y);
    } else {
      // Bands of rows (of column tiles too, where rows are few): each a parallel task
      // that slides the staged input down its rows.
      Var task = taskLoop(store, xo, yo, tasks);
      // Rows and batch stay separate loops: fusing them over a dynamic batch made
      // Halide's code twice as slow.
      if (s.parallel)
        store.parallel(task).parallel(n);
      stageInput(f, store, task, yo, s);
    }
    // Accumulators for one tile live in registers: the reduction runs outside the tile,
    // inside the innermost tile loop (co, or xo when channel blocks are outermost).
    f.conv.compute_at(store, s.channelsOuter ? xo : co)
        .vectorize(c, vw)
        .unroll(c)
        .unroll(x)
        .unroll(y);
    Stage update = f.conv.update();
    if (f.depthwise)
      update.reorder(c, x, y, f.r.x, f.r.y);
    else
      update.reorder(c, x, y, f.r.x, f.r.y, f.r.z);
    update.vectorize(c, vw).unroll(c).unroll(x).unroll(y);
    if (s.unrollTaps)
      update.unroll(f.r.x).unroll(f.r.y);
    if (s.trimColumns && !f.depthwise)
      update.unroll(f.r.y); // kernel columns: each border column's condition a constant
    return;
  }

  // Few filters: SIMD lanes along the output width, all filters of a tile together.
  int block = vw * s.vectors;
  Var xo("xo"), xi("xi"), yo("yo"), yi("yi");
  store.split(x, xo, xi, block, TailStrategy::ShiftInwards)
      .split(y, yo, yi, s.tileY, TailStrategy::ShiftInwards)
      .reorder(xi, c, yi, xo, yo, n)
      .vectorize(xi, vw)
      .unroll(yi);
  // A task per row tile, or bands of them and of column tiles (convTasks).
  bool banded = s.parallel && (tasks.rowsPerTask > 1 || tasks.colTasks > 1);
  Var task = banded ? taskLoop(store, xo, yo, tasks) : yo;
  if (s.parallel)
    store.parallel(task).parallel(n);
  // The staged copy is stored a channel plane at a time, so that a vector along the
  // width is one dense load instead of a gather per use; the copy itself still reads
  // channel vectors.
  if (stageInput(f, store, yo, yo, s))
    f.input.reorder_storage(f.x, f.c, f.y, f.n);
  // Accumulators stored x-innermost: whole vectors, not lanes strided by the channel
  // count (Halide 14 emitted aligned 32-byte loads of a 16-byte aligned stack buffer for
  // 3 channels x 8 lanes, a segfault).
  f.conv.reorder_storage(x, c, y, n);
  f.conv.compute_at(store, xo).vectorize(x, vw).unroll(x).unroll(y);
  Stage update = f.conv.update();
  if (f.depthwise)
    update.reorder(x, c, y, f.r.x, f.r.y);
  else
    update.reorder(x, c, y, f.r.x, f.r.y, f.r.z);
  update.vectorize(x, vw).unroll(x).unroll(y);
  if (s.unrollTaps)
    update.unroll(f.r.x).unroll(f.r.y);
  if (out.channels <= 8) {
    f.conv.unroll(c);
    update.unroll(c);
  }
}

} // namespace kconv::codegen
