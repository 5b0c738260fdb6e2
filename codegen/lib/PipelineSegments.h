// Internal: a plan split into separately lowered pipelines (PipelineSegments.cpp).
#ifndef KCONV_CODEGEN_PIPELINESEGMENTS_H
#define KCONV_CODEGEN_PIPELINESEGMENTS_H

#include "PipelineBuilder.h"

namespace kconv::codegen {

/// One stored result and what computing it reads through.
struct PipelineSegment {
  int output = -1;         // the value it stores
  std::vector<int> nodes;  // plan node indices, in execution order
  std::vector<int> inputs; // values it reads: model inputs or earlier segments' outputs
};

/// One segment per stored node (BuiltPipeline::stored), in execution order.
std::vector<PipelineSegment> partitionPlan(const PipelinePlan &plan,
                                           const std::vector<bool> &stored);

/// The plan of one segment: its inputs, its one output, its nodes and their weights.
PipelinePlan segmentPlan(const PipelinePlan &plan, const PipelineSegment &segment);

/// The segments listed in `which` (indices into `segments`), lowered as their own
/// pipelines `<functionName>_s<index>`, in one module `moduleName`.
Halide::Module compileSegments(const PipelinePlan &plan,
                               const std::vector<PipelineSegment> &segments,
                               const std::vector<size_t> &which,
                               const std::string &functionName, const std::string &moduleName,
                               const Halide::Target &target);

/// The C source of the top level `functionName` (TopLevelSource.cpp): the model's
/// inputs and outputs as the single pipeline has them (and its `_argv` form), calling
/// the segments' pipelines in order. `boundaryNames`: the Halide names of the model's
/// inputs, then its outputs, for its error messages.
std::string topLevelSource(const PipelinePlan &plan, const std::vector<PipelineSegment> &segments,
                           const std::vector<std::string> &boundaryNames,
                           const std::string &functionName);

/// The segments split into at most `groups` sets of about equal compile work (each
/// sorted), for separate processes to compile.
std::vector<std::vector<size_t>> balanceSegments(const PipelinePlan &plan,
                                                 const std::vector<PipelineSegment> &segments,
                                                 int groups);

} // namespace kconv::codegen

#endif
