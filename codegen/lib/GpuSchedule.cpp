// THE GPU SCHEDULE: one kernel per stored tensor, threads over its two innermost
// dimensions, blocks over the rest (GpuSchedule.h).
#include "GpuSchedule.h"
#include "kconv/Codegen/HalideEmitter.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

bool isGpuTarget(const Target &target) { return target.has_gpu_feature(); }

GpuThreads gpuThreads(int64_t innerExtent, int64_t outerExtent) {
  GpuThreads t;
  while (t.inner < 32 && (innerExtent <= 0 || t.inner < innerExtent))
    t.inner *= 2;
  while (t.inner * t.outer < 256 && (outerExtent <= 0 || t.outer < outerExtent))
    t.outer *= 2;
  return t;
}

namespace {
/// Tiles `stage` over the pure dimensions `dims` (Halide order) of extents `extents`:
/// the first two over threads and blocks, the others fused into the third block
/// dimension. Returns the innermost thread loop.
std::optional<Var> tileStage(Stage stage, const std::vector<Var> &dims,
                             const std::vector<int64_t> &extents) {
  if (dims.empty()) {
    stage.gpu_single_thread();
    return std::nullopt;
  }
  Var inner(dims[0].name() + "_t"), innerBlock(dims[0].name() + "_b");
  if (dims.size() == 1) {
    int threads = gpuThreads(extents[0], 1).inner * 8;
    if (extents[0] > 0)
      threads = int(std::min<int64_t>(threads, extents[0]));
    stage.gpu_tile(dims[0], innerBlock, inner, std::max(threads, 1), TailStrategy::GuardWithIf);
    return inner;
  }
  GpuThreads t = gpuThreads(extents[0], extents[1]);
  Var outer(dims[1].name() + "_t"), outerBlock(dims[1].name() + "_b");
  stage.gpu_tile(dims[0], dims[1], innerBlock, outerBlock, inner, outer, t.inner, t.outer,
                 TailStrategy::GuardWithIf);
  if (dims.size() > 2) {
    Var rest = dims[2];
    for (size_t d = 3; d < dims.size(); ++d) {
      Var fused(rest.name() + "_" + dims[d].name());
      stage.fuse(rest, dims[d], fused);
      rest = fused;
    }
    stage.gpu_blocks(rest);
  }
  return inner;
}
} // namespace

std::optional<Var> scheduleOnGpu(Func f, const std::vector<int64_t> &kerasShape) {
  std::vector<Var> args = f.args();
  int rank = int(args.size());
  auto extent = [&](int d) { // Halide dimension d
    return int(kerasShape.size()) == rank ? kerasShape[rank - 1 - d] : int64_t(-1);
  };
  std::vector<int64_t> extents;
  for (int d = 0; d < rank; ++d)
    extents.push_back(extent(d));
  std::optional<Var> thread = tileStage(f, args, extents);
  // An update writes some pure dimensions at their own coordinates (the others at
  // reduction coordinates): only those run in parallel.
  for (int u = 0; u < f.num_update_definitions(); ++u) {
    std::vector<Expr> at = f.update_args(u);
    std::vector<Var> dims;
    std::vector<int64_t> dimExtents;
    for (int d = 0; d < rank; ++d)
      if (const Internal::Variable *v = at[d].as<Internal::Variable>();
          v && v->name == args[d].name()) {
        dims.push_back(args[d]);
        dimExtents.push_back(extents[d]);
      }
    tileStage(f.update(u), dims, dimExtents);
  }
  return thread;
}

bool layerStaysOnHost(const LayerFuncs &funcs) {
  return funcs.hostOnly || funcs.result.is_extern() ||
         std::any_of(funcs.stages.begin(), funcs.stages.end(),
                     [](const Func &stage) { return stage.is_extern(); });
}

void scheduleLayerOnGpu(LayerFuncs &funcs, Func store, const TensorInfo &out) {
  for (size_t i = 0; i < funcs.stages.size(); ++i) {
    Func &stage = funcs.stages[i];
    stage.compute_root();
    std::vector<int64_t> shape = i < funcs.stageShapes.size() ? funcs.stageShapes[i]
                                 : int(stage.args().size()) == out.rank()
                                     ? out.shape
                                     : std::vector<int64_t>();
    scheduleOnGpu(stage, shape);
  }
  scheduleOnGpu(store, out.shape);
}

GpuConvSchedule defaultGpuSchedule(const ConvShape &shape) {
  GpuConvSchedule s;
  auto clampTo = [](int tile, int64_t extent) {
    return extent > 0 ? int(std::min<int64_t>(tile, extent)) : tile;
  };
  s.tileC = 1;
  s.tileX = clampTo(2, shape.outWidth);
  s.tileY = clampTo(2, shape.outHeight);
  s.threadsC = gpuThreads(shape.outChannels, 1).inner;
  // A block of at least a warp: the columns fill what the channels leave.
  s.threadsX = 32 / s.threadsC;
  return s;
}

GpuConvSchedule defaultGpuSchedule(const PipelinePlan &plan, const Conv2DLayer &layer) {
  return defaultGpuSchedule(convShape(plan, layer));
}

void scheduleConv2DOnGpu(const Conv2DFuncs &funcs, Func store, const ImageInfo &out,
                         const GpuConvSchedule &schedule) {
  std::vector<int64_t> shape = {out.batch.value_or(-1), out.height, out.width, out.channels};
  if (funcs.softmax) {
    // The row sums read every channel: computed per element where they are read.
    scheduleOnGpu(store, shape);
    return;
  }
  Var c = funcs.c, x = funcs.x, y = funcs.y, n = funcs.n;
  Var co("co"), ci("ci"), xo("xo"), xi("xi"), yo("yo"), yi("yi"), cb("c_b"), xb("x_b"),
      ct("c_t"), xt("x_t"), rows("rows");
  int tileC = int(std::min<int64_t>(schedule.tileC, out.channels));
  int tileX = int(std::min<int64_t>(schedule.tileX, out.width));
  int tileY = int(std::min<int64_t>(schedule.tileY, out.height));
  // Each thread's tile: constant extents (the last shifted inwards), unrolled.
  store.split(c, co, ci, tileC, TailStrategy::ShiftInwards)
      .split(x, xo, xi, tileX, TailStrategy::ShiftInwards)
      .split(y, yo, yi, tileY, TailStrategy::ShiftInwards)
      .reorder(ci, xi, yi, co, xo, yo, n)
      .unroll(ci)
      .unroll(xi)
      .unroll(yi)
      .gpu_tile(co, xo, cb, xb, ct, xt, schedule.threadsC, schedule.threadsX,
                TailStrategy::GuardWithIf)
      .fuse(yo, n, rows)
      .gpu_blocks(rows);
  // The tile's sums in registers: the reduction outside, the tile inside, unrolled.
  Func conv = funcs.conv;
  conv.compute_at(store, ct).store_in(MemoryType::Register).unroll(c).unroll(x).unroll(y);
  std::vector<VarOrRVar> order = {c, x, y, n};
  for (int d = 0; d < funcs.r.dimensions(); ++d)
    order.push_back(funcs.r[d]);
  conv.update().reorder(order).unroll(c).unroll(x).unroll(y);
}

} // namespace kconv::codegen
