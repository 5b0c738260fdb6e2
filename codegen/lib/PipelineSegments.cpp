// A whole model as separately lowered Halide pipelines, one per stored result.
//
// Halide's lowering passes grow faster than linearly with the number of stages of one
// pipeline (a 150-layer network spent minutes in loop partitioning and in moving loop
// invariants), so a large model is split where it stores a result anyway: each stored
// result (a convolution's output, a layer computed at the root, a model output) becomes
// its own pipeline, with the views and fused element-wise layers it reads through, and
// a top level in C (TopLevelSource.cpp) calls them in order, allocating the
// intermediates. The schedules, the fusion decisions and the values are those of the
// single pipeline: only the boundaries where a tensor is stored become calls.
#include "PipelineSegments.h"

#include "LayerFuncs.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

namespace kconv::codegen {

using namespace Halide;

namespace {
std::vector<int> nodeInputs(const PipelinePlan &plan, const PlanNode &node) {
  if (const auto *step = std::get_if<ConvStep>(&node)) {
    const Conv2DLayer &conv = plan.convs.at(step->conv);
    std::vector<int> inputs = {conv.input};
    if (conv.residual >= 0)
      inputs.push_back(conv.residual);
    return inputs;
  }
  return layerInputs(node);
}

int nodeOutput(const PipelinePlan &plan, const PlanNode &node) {
  if (const auto *step = std::get_if<ConvStep>(&node))
    return plan.convs.at(step->conv).output;
  return layerOutput(node);
}
} // namespace

std::vector<PipelineSegment> partitionPlan(const PipelinePlan &plan,
                                           const std::vector<bool> &stored) {
  std::map<int, int> producer; // value -> node index
  for (size_t i = 0; i < plan.nodes.size(); ++i)
    producer[nodeOutput(plan, plan.nodes[i])] = int(i);
  std::vector<PipelineSegment> segments;
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    if (!stored.at(i))
      continue;
    PipelineSegment segment;
    segment.output = nodeOutput(plan, plan.nodes[i]);
    std::set<int> nodes = {int(i)}, inputs;
    std::vector<int> work = {int(i)};
    while (!work.empty()) {
      int node = work.back();
      work.pop_back();
      for (int value : nodeInputs(plan, plan.nodes[node])) {
        auto found = producer.find(value);
        if (found == producer.end() || stored.at(found->second))
          inputs.insert(value); // a model input or another segment's result
        else if (nodes.insert(found->second).second)
          work.push_back(found->second);
      }
    }
    segment.nodes.assign(nodes.begin(), nodes.end());
    segment.inputs.assign(inputs.begin(), inputs.end());
    segments.push_back(std::move(segment));
  }
  return segments;
}

PipelinePlan segmentPlan(const PipelinePlan &plan, const PipelineSegment &segment) {
  PipelinePlan sub;
  sub.name = plan.name;
  sub.threads = plan.threads;
  sub.winograd = plan.winograd;
  sub.values = plan.values;
  for (int value : segment.inputs)
    sub.inputs.push_back({"t" + std::to_string(value), value, DataFormat::ChannelsLast});
  sub.outputs.push_back({"out", segment.output, DataFormat::ChannelsLast});
  for (int index : segment.nodes) {
    PlanNode node = plan.nodes[index];
    if (auto *step = std::get_if<ConvStep>(&node)) {
      sub.convs.push_back(plan.convs.at(step->conv));
      step->conv = int(sub.convs.size()) - 1;
    }
    if (plan.inlinedNodes.count(index))
      sub.inlinedNodes.insert(int(sub.nodes.size()));
    sub.nodes.push_back(std::move(node));
  }
  return sub;
}

namespace {
/// The Halide function name of segment `k`'s pipeline.
std::string segmentName(const std::string &functionName, size_t k) {
  return functionName + "_s" + std::to_string(k);
}

/// Appends a module's functions and buffers to `linked`; a weight read by fused layers
/// in two segments is one buffer, appended once.
struct ModuleLinker {
  Module &linked;
  std::set<std::string> buffers;
  void take(const Module &module) {
    for (const Buffer<void> &buffer : module.buffers())
      if (buffers.insert(buffer.name()).second)
        linked.append(buffer);
    for (const Internal::LoweredFunc &function : module.functions())
      linked.append(function);
  }
};
} // namespace

namespace {
/// A file written front to back, failing with the file's name.
class BlockWriter {
public:
  explicit BlockWriter(const std::string &path)
      : path_(path), file_(std::fopen(path.c_str(), "wb")) {
    if (!file_)
      fail();
  }
  ~BlockWriter() {
    if (file_)
      std::fclose(file_);
  }
  /// Zeros up to `offset`, then `size` bytes of `data`.
  void write(size_t offset, const void *data, size_t size) {
    static const char zeros[64] = {};
    if (std::fwrite(zeros, 1, offset - at_, file_) != offset - at_ ||
        std::fwrite(data, 1, size, file_) != size)
      fail();
    at_ = offset + size;
  }
  void close() {
    int status = std::fclose(file_);
    file_ = nullptr;
    if (status != 0)
      fail();
  }

private:
  [[noreturn]] void fail() { throw std::runtime_error("cannot write the weights to " + path_); }
  std::string path_;
  std::FILE *file_;
  size_t at_ = 0;
};
} // namespace

SegmentWeights segmentWeights(const PipelinePlan &plan,
                              const std::vector<PipelineSegment> &segments, const Target &target,
                              const std::string &blockPath) {
  SegmentWeights weights;
  BlockWriter block(blockPath);
  std::map<std::string, size_t> index; // name -> tensors' index
  for (const PipelineSegment &segment : segments) {
    BuiltPipeline built = buildPipeline(segmentPlan(plan, segment), target, true);
    std::vector<size_t> &reads = weights.reads.emplace_back();
    for (const auto &[param, values] : built.weights.bindings) {
      auto [at, added] = index.emplace(param.name(), weights.tensors.size());
      if (added) {
        weights.bytes = (weights.bytes + 63) / 64 * 64;
        std::vector<int> extents;
        for (int d = 0; d < values.dimensions(); ++d)
          extents.push_back(values.dim(d).extent());
        weights.tensors.push_back({param.name(), extents, weights.bytes});
        block.write(weights.bytes, values.data(), values.size_in_bytes());
        weights.bytes += values.size_in_bytes();
      }
      reads.push_back(at->second);
    }
  }
  block.close();
  return weights;
}

Module compileSegments(const PipelinePlan &plan, const std::vector<PipelineSegment> &segments,
                       const std::vector<size_t> &which, const std::string &functionName,
                       const std::string &moduleName, const Target &target) {
  Module linked(moduleName, target);
  ModuleLinker linker{linked, {}};
  for (size_t k : which) {
    PipelinePlan sub = segmentPlan(plan, segments.at(k));
    BuiltPipeline built = buildPipeline(sub, target, /*weightsAsParams=*/true);
    Pipeline pipeline(built.outputs);
    linker.take(pipeline.compile_to_module(built.arguments, segmentName(functionName, k),
                                           target, LinkageType::External));
  }
  return linked;
}

std::vector<std::vector<size_t>> balanceSegments(const PipelinePlan &plan,
                                                 const std::vector<PipelineSegment> &segments,
                                                 int groups) {
  // Lowering and LLVM's time grow with a segment's loop nests: a convolution's are
  // several times a simple layer's. Longest first onto the least loaded group (LPT).
  std::vector<std::pair<double, size_t>> costs;
  for (size_t k = 0; k < segments.size(); ++k) {
    double cost = 0;
    for (int index : segments[k].nodes)
      cost += std::holds_alternative<ConvStep>(plan.nodes.at(index)) ? 4.0 : 1.0;
    costs.push_back({cost, k});
  }
  std::stable_sort(costs.begin(), costs.end(),
                   [](const auto &a, const auto &b) { return a.first > b.first; });
  groups = std::max(1, std::min<int>(groups, (int)segments.size()));
  std::vector<std::vector<size_t>> out(groups);
  std::vector<double> load(groups, 0.0);
  for (const auto &[cost, k] : costs) {
    size_t least = std::min_element(load.begin(), load.end()) - load.begin();
    out[least].push_back(k);
    load[least] += cost;
  }
  for (std::vector<size_t> &group : out)
    std::sort(group.begin(), group.end());
  return out;
}

} // namespace kconv::codegen
