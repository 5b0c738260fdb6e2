// THE GPU SCHEDULE: one kernel per stored tensor, threads over its two innermost
// dimensions, blocks over the rest (GpuSchedule.h).
#include "GpuSchedule.h"

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

void scheduleConv2DOnGpu(const Conv2DFuncs &funcs, Func store, const ImageInfo &out) {
  std::vector<int64_t> shape = {out.batch.value_or(-1), out.height, out.width, out.channels};
  std::optional<Var> thread = scheduleOnGpu(store, shape);
  // The sum of products in the thread's registers (a softmax's row sums read all
  // channels: computed per element where they are read).
  if (thread && !funcs.softmax)
    Halide::Func(funcs.conv).compute_at(store, *thread);
}

} // namespace kconv::codegen
