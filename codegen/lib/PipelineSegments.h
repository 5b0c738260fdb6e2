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

/// A split model's weights, kept out of the segments' code: one block of data, each
/// weight at a 64-byte aligned offset, that the top level passes to the segments as
/// buffers (a segment's weights are its pipeline's parameters after its inputs).
struct SegmentWeights {
  struct Tensor {
    std::string name;          // the parameter's name
    std::vector<int> extents;  // Halide order, dense
    size_t offset = 0;         // in the block
  };
  std::vector<Tensor> tensors;            // each once, a weight read by two segments too
  std::vector<std::vector<size_t>> reads; // per segment: its weights, in argument order
  size_t bytes = 0;                       // the block's size
};

/// The weights of every segment, as compileSegments's pipelines take them, written as
/// one block to `blockPath` segment by segment (never all in memory at once); throws
/// std::runtime_error if the file cannot be written.
SegmentWeights segmentWeights(const PipelinePlan &plan,
                              const std::vector<PipelineSegment> &segments,
                              const Halide::Target &target, const std::string &blockPath);

/// The segments listed in `which` (indices into `segments`), lowered as their own
/// pipelines `<functionName>_s<index>` (weights as parameters), in one module
/// `moduleName`.
Halide::Module compileSegments(const PipelinePlan &plan,
                               const std::vector<PipelineSegment> &segments,
                               const std::vector<size_t> &which,
                               const std::string &functionName, const std::string &moduleName,
                               const Halide::Target &target);

/// The C source of the top level `functionName` (TopLevelSource.cpp): the model's
/// inputs and outputs as the single pipeline has them (and its `_argv` form), calling
/// the segments' pipelines in order with their weights, which the assembler includes
/// from `weightBlockPath` (writeWeightBlock). `boundaryNames`: the Halide names of the
/// model's inputs, then its outputs, for its error messages.
std::string topLevelSource(const PipelinePlan &plan, const std::vector<PipelineSegment> &segments,
                           const std::vector<std::string> &boundaryNames,
                           const std::string &functionName, const SegmentWeights &weights,
                           const std::string &weightBlockPath);

/// The segments split into at most `groups` sets of about equal compile work (each
/// sorted), for separate processes to compile.
std::vector<std::vector<size_t>> balanceSegments(const PipelinePlan &plan,
                                                 const std::vector<PipelineSegment> &segments,
                                                 int groups);

} // namespace kconv::codegen

#endif
