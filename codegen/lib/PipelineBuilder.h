// Internal: a plan's Halide pipeline, shared by AOT emission and the autotuner's
// JIT measurements.
#ifndef KCONV_CODEGEN_PIPELINEBUILDER_H
#define KCONV_CODEGEN_PIPELINEBUILDER_H

#include "LayerFuncs.h"
#include "kconv/Codegen/PipelinePlan.h"

#include <Halide.h>

namespace kconv::codegen {

struct BuiltPipeline {
  std::vector<Halide::ImageParam> inputs;
  std::vector<Halide::Func> outputs;
  std::vector<Halide::Argument> arguments;
  /// Its weights; those that are parameters are in `arguments` too, after the inputs.
  WeightSink weights;
  /// Per plan node: whether its result is computed whole (at the root or into a model
  /// output) rather than read through (a view) or recomputed inside its consumers.
  std::vector<bool> stored;
};

/// Pins a boundary buffer's extents (all but a dynamic batch) and dense strides (the
/// runtime's tensors are dense), so the pipeline rejects mis-shaped buffers and loops
/// get constant bounds and addresses (with dynamic strides LLVM vectorized the input
/// addresses of a tile: docs/codegen.md).
template <typename T>
void pinShape(T param, const TensorInfo &v) {
  int rank = v.rank();
  int64_t stride = 1;
  for (int d = 0; d < rank; ++d) {
    int64_t extent = v.shape[rank - 1 - d];
    if (stride > 0 && stride <= INT32_MAX)
      param.dim(d).set_stride((int)stride);
    if (extent >= 0)
      param.dim(d).set_bounds(0, (int)extent);
    stride = extent >= 0 ? stride * extent : -1; // unknown past a dynamic extent
  }
}

/// "host" or a Halide target string; throws Halide::CompileError if invalid.
Halide::Target parseTarget(const std::string &text);

/// Defines and schedules every layer (each layer's forced schedule, else the
/// heuristic default), its weights parameters if PipelinePlan::weightsAsParams.
BuiltPipeline buildPipeline(const PipelinePlan &plan, const Halide::Target &target);
/// The same, weights as parameters or embedded as `weightsAsParams` says.
BuiltPipeline buildPipeline(const PipelinePlan &plan, const Halide::Target &target,
                            bool weightsAsParams);

/// Schedules `pipeline` with the plan's Halide autoscheduler (loading its plugin).
void applyAutoscheduler(const PipelinePlan &plan, Halide::Pipeline &pipeline,
                        const Halide::Target &target);

} // namespace kconv::codegen

#endif
