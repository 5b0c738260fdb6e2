// Cross-layer fusion decisions (which element-wise layers are inlined into their
// consumer), measured on the whole model like the convolution schedules are.
#include "kconv/Codegen/Autotune.h"

#include "LayerFuncs.h"
#include "Layers/Activation.h"
#include "MeasureInChild.h"
#include "PipelineBuilder.h"

#include <chrono>
#include <map>
#include <random>

namespace kconv::codegen {

using namespace Halide;

namespace {
bool isElementwise(const PlanNode &node) {
  if (const auto *act = std::get_if<ActivationLayer>(&node))
    return !isAxisActivation(act->activation);
  return std::holds_alternative<BatchNormLayer>(node) ||
         std::holds_alternative<RescalingLayer>(node) || std::holds_alternative<PReluLayer>(node) ||
         std::holds_alternative<MergeLayer>(node) ||
         std::holds_alternative<ConcatenateLayer>(node) ||
         std::holds_alternative<UpSample2DLayer>(node);
}

/// The steps codegen always inlines into their readers: they only re-index their input.
bool isView(const PlanNode &node) {
  return std::holds_alternative<ZeroPadding2DLayer>(node) ||
         std::holds_alternative<Cropping2DLayer>(node) ||
         std::holds_alternative<ReshapeLayer>(node) || std::holds_alternative<TransposeLayer>(node);
}

bool readsOnce(const PlanNode &node) { // a consumer that reads each element once
  return isElementwise(node) || isView(node);
}

/// Value index -> the nodes (and pipeline outputs, as -1) that read it.
std::map<int, std::vector<int>> consumers(const PipelinePlan &plan) {
  std::map<int, std::vector<int>> users;
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    std::vector<int> reads = layerInputs(plan.nodes[i]);
    if (const auto *step = std::get_if<ConvStep>(&plan.nodes[i])) {
      const Conv2DLayer &conv = plan.convs.at(step->conv);
      reads = {conv.input};
      if (conv.residual >= 0)
        reads.push_back(conv.residual);
    }
    for (int value : reads)
      users[value].push_back(int(i));
  }
  for (const BoundaryTensor &out : plan.outputs)
    users[out.value].push_back(-1);
  return users;
}

/// Whether node `reader` reads `value` more than once per element because it
/// broadcasts it: a merge whose output is larger than `value` (a squeeze-and-excite
/// scale read at every pixel), a concatenation of several inputs (each input is
/// evaluated at every output element, one selected), or a view (always inlined) whose
/// result is read so. Inlined there, `value`'s layer would be recomputed at every
/// position it stretches to.
bool readsBroadcast(const PipelinePlan &plan, std::map<int, std::vector<int>> &users, int value,
                    int reader) {
  if (reader < 0)
    return false;
  const PlanNode &node = plan.nodes.at(reader);
  if (const auto *merge = std::get_if<MergeLayer>(&node))
    return plan.values.at(value).shape != plan.values.at(merge->output).shape;
  if (const auto *concat = std::get_if<ConcatenateLayer>(&node))
    return concat->inputs.size() > 1;
  if (isView(node)) {
    int viewed = layerOutput(node);
    for (int next : users[viewed])
      if (readsBroadcast(plan, users, viewed, next))
        return true;
  }
  return false;
}
} // namespace

std::vector<int> fusableNodes(const PipelinePlan &plan) {
  std::map<int, std::vector<int>> users = consumers(plan);
  std::vector<int> nodes;
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    const PlanNode &node = plan.nodes[i];
    if (!isElementwise(node))
      continue;
    const std::vector<int> &readers = users[layerOutput(node)];
    if (readers.size() == 1 && readers[0] >= 0)
      nodes.push_back(int(i));
  }
  return nodes;
}

std::set<int> defaultInlining(const PipelinePlan &plan) {
  std::map<int, std::vector<int>> users = consumers(plan);
  std::set<int> inlined;
  for (int node : fusableNodes(plan)) {
    int value = layerOutput(plan.nodes[node]), reader = users[value].at(0);
    if (readsOnce(plan.nodes.at(reader)) && !readsBroadcast(plan, users, value, reader))
      inlined.insert(node);
  }
  return inlined;
}

std::string planSignature(const PipelinePlan &plan) {
  uint64_t h = 1469598103934665603ull; // FNV-1a over layer names, kinds and shapes
  auto mix = [&](const std::string &text) {
    for (char ch : text)
      h = (h ^ uint8_t(ch)) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  for (const PlanNode &node : plan.nodes) {
    mix(std::to_string(node.index()));
    if (const auto *step = std::get_if<ConvStep>(&node)) {
      mix(plan.convs.at(step->conv).name);
      for (int64_t d : plan.values.at(plan.convs.at(step->conv).output).shape)
        mix(std::to_string(d));
      continue;
    }
    mix(layerName(node));
    for (int64_t d : plan.values.at(layerOutput(node)).shape)
      mix(std::to_string(d));
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", (unsigned long long)h);
  return plan.name + "/" + text;
}

Status measurePlan(const PipelinePlan &plan, const TuneOptions &options, double &ms) {
  return measureInChild(options, [&] { return timePlanInProcess(plan, options.target); }, ms);
}

Status tuneFusion(const PipelinePlan &plan, const TuneOptions &options, FusionResult &result) {
  result = FusionResult();
  PipelinePlan candidate = plan;
  candidate.inlinedNodes = defaultInlining(plan);
  warmJitRuntime(options.target);
  TuningClock clock(options.budgetSeconds);
  clock.candidateStarts();
  if (Status status = measurePlan(candidate, options, result.defaultMs); !status)
    return status;
  clock.candidateEnds();
  result.inlined = candidate.inlinedNodes;
  result.bestMs = result.defaultMs;
  result.tried = 1;
  for (int node : fusableNodes(plan)) {
    if (!clock.roomForAnother() ||
        (options.maxCandidates > 0 && result.tried >= options.maxCandidates))
      break;
    candidate.inlinedNodes = result.inlined;
    if (!candidate.inlinedNodes.erase(node))
      candidate.inlinedNodes.insert(node);
    double ms = 0;
    ++result.tried;
    clock.candidateStarts();
    Status measured = measurePlan(candidate, options, ms);
    clock.candidateEnds();
    if (measured && ms < result.bestMs * 0.98) {
      result.bestMs = ms;
      result.inlined = candidate.inlinedNodes;
    }
  }
  return Status::ok();
}

} // namespace kconv::codegen
