// Internal: THE GPU SCHEDULE (issue 23). With a GPU feature in the target (CUDA,
// OpenCL, ...) every stored tensor is one kernel: its two innermost dimensions tiled
// over a block's threads, the rest over blocks; the model's inputs and outputs are
// copied between the caller's host buffers and the device once per call, and every
// intermediate stays on the device.
#ifndef KCONV_CODEGEN_GPUSCHEDULE_H
#define KCONV_CODEGEN_GPUSCHEDULE_H

#include "LayerFuncs.h"
#include "Layers/Conv2D.h"
#include "kconv/Codegen/Schedule.h"

#include <Halide.h>

#include <optional>

namespace kconv::codegen {

/// Whether `target` runs the pipeline on a GPU.
bool isGpuTarget(const Halide::Target &target);

/// Threads of one block along a tensor's two innermost dimensions (Halide order):
/// up to 32 along the innermost, consecutive floats for consecutive threads, and up to
/// 256 in all; powers of two no larger than the extents need (an unknown extent, <= 0,
/// takes the most).
struct GpuThreads {
  int inner = 1, outer = 1;
};
GpuThreads gpuThreads(int64_t innerExtent, int64_t outerExtent);

/// Schedules every definition of the compute_root Func `f` (Keras shape `kerasShape`,
/// its dimensions unknown where <= 0) as a kernel of its own: the pure dimensions each
/// definition writes tiled over threads and blocks (gpuThreads), reduction loops serial
/// inside a thread. Returns the innermost thread loop of the pure definition, where a
/// per-element producer can be computed.
std::optional<Halide::Var> scheduleOnGpu(Halide::Func f, const std::vector<int64_t> &kerasShape);

/// Whether the GPU schedule leaves a layer on the host, with its CPU schedule: it reports
/// errors from inside (LayerFuncs::hostOnly), or it has an extern stage, whose inputs
/// Halide 14 neither copies back from the device nor allocates on the host.
bool layerStaysOnHost(const LayerFuncs &funcs);

/// Schedules a non-convolution layer on the GPU: its stages and `store` at the root,
/// each a kernel.
void scheduleLayerOnGpu(LayerFuncs &funcs, Halide::Func store, const TensorInfo &out);

/// The GPU schedule of a Conv2D of `shape` when none is forced: one warp of threads
/// along the output channels (fewer where the channels are fewer), each accumulating
/// 2 x 2 output pixels of its channel (the warp-per-block, register-tile family that
/// was fastest on an H200: ../shared/GPU-NOTES.md), clamped to the output.
GpuConvSchedule defaultGpuSchedule(const ConvShape &shape);

/// Schedules a Conv2D on the GPU as `schedule` says (legal for the layer:
/// kconv::gpuScheduleError): `store` a kernel whose threads each accumulate a register
/// tile (unrolled) over the whole reduction, the tiles at the output's edges shifted
/// inwards. A softmax activation, which reads all channels, is computed per element.
void scheduleConv2DOnGpu(const Conv2DFuncs &funcs, Halide::Func store, const ImageInfo &out,
                         const GpuConvSchedule &schedule);

} // namespace kconv::codegen

#endif
