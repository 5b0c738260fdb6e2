// Internal: a plan's Halide pipeline, shared by AOT emission and the autotuner's
// JIT measurements.
#ifndef KCONV_CODEGEN_PIPELINEBUILDER_H
#define KCONV_CODEGEN_PIPELINEBUILDER_H

#include "kconv/Codegen/PipelinePlan.h"

#include <Halide.h>

namespace kconv::codegen {

struct BuiltPipeline {
  std::vector<Halide::ImageParam> inputs;
  std::vector<Halide::Func> outputs;
  std::vector<Halide::Argument> arguments;
  /// With PipelinePlan::weightsAsParams: each weight parameter and its values.
  std::vector<std::pair<Halide::ImageParam, Halide::Buffer<float>>> weightBindings;
  /// Per plan node: whether its result is computed whole (at the root or into a model
  /// output) rather than read through (a view) or recomputed inside its consumers.
  std::vector<bool> stored;
};

/// "host" or a Halide target string; throws Halide::CompileError if invalid.
Halide::Target parseTarget(const std::string &text);

/// Defines and schedules every layer (each layer's forced schedule, else the
/// heuristic default).
BuiltPipeline buildPipeline(const PipelinePlan &plan, const Halide::Target &target);

/// Schedules `pipeline` with the plan's Halide autoscheduler (loading its plugin).
void applyAutoscheduler(const PipelinePlan &plan, Halide::Pipeline &pipeline,
                        const Halide::Target &target);

} // namespace kconv::codegen

#endif
