// A whole model as separately lowered Halide pipelines, one per stored result.
//
// Halide's lowering passes grow faster than linearly with the number of stages of one
// pipeline (a 150-layer network spent minutes in loop partitioning and in moving loop
// invariants), so a large model is split where it stores a result anyway: each stored
// result (a convolution's output, a layer computed at the root, a model output) becomes
// its own pipeline, with the views and fused element-wise layers it reads through, and
// a small top-level pipeline calls them in order as extern stages, allocating the
// intermediates. The schedules, the fusion decisions and the values are those of the
// single pipeline: only the boundaries where a tensor is stored become calls.
#include "PipelineSegments.h"

#include "LayerFuncs.h"

#include <algorithm>
#include <map>
#include <set>

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

Module compileSegmented(const PipelinePlan &plan, const std::vector<PipelineSegment> &segments,
                        const std::vector<std::string> &boundaryNames,
                        const std::string &functionName, const Target &target) {
  Module linked(functionName, target);
  std::set<std::string> buffers; // a weight read by fused layers in two segments
  auto take = [&](const Module &module) {
    for (const Buffer<void> &buffer : module.buffers())
      if (buffers.insert(buffer.name()).second)
        linked.append(buffer);
    for (const Internal::LoweredFunc &function : module.functions())
      linked.append(function);
  };

  // The top-level pipeline: the model's inputs, one extern stage per segment.
  std::map<int, ImageParam> inputs;
  std::vector<Argument> arguments;
  for (size_t i = 0; i < plan.inputs.size(); ++i) {
    const TensorInfo &info = plan.values.at(plan.inputs[i].value);
    ImageParam param(Float(32), info.rank(), boundaryNames[i]);
    pinShape(param, info);
    inputs.emplace(plan.inputs[i].value, param);
    arguments.push_back(param);
  }
  std::map<int, Func> results;
  for (size_t k = 0; k < segments.size(); ++k) {
    const PipelineSegment &segment = segments[k];
    std::string name = functionName + "_s" + std::to_string(k);
    PipelinePlan sub = segmentPlan(plan, segment);
    BuiltPipeline built = buildPipeline(sub, target);
    Pipeline pipeline(built.outputs);
    take(pipeline.compile_to_module(built.arguments, name, target,
                                    LinkageType::External));

    std::vector<ExternFuncArgument> args;
    for (int value : segment.inputs) {
      auto input = inputs.find(value);
      if (input != inputs.end())
        args.emplace_back(input->second);
      else
        args.emplace_back(results.at(value));
    }
    const TensorInfo &out = plan.values.at(segment.output);
    Func f(name + "_result");
    f.define_extern(name, args, Float(32), out.rank(), NameMangling::C);
    f.compute_root();
    // Computed whole: the segment's output buffer is pinned to the tensor's extents.
    std::vector<Var> vars = f.args();
    for (int d = 0; d + 1 < out.rank(); ++d)
      f.bound(vars[d], 0, (int)out.shape[out.rank() - 1 - d]);
    results[segment.output] = f;
  }

  std::vector<Func> outputs;
  std::set<int> used;
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    int value = plan.outputs[i].value;
    const TensorInfo &info = plan.values.at(value);
    auto found = results.find(value);
    Func f;
    if (found != results.end() && used.insert(value).second) {
      f = found->second;
    } else { // a model input, or a value output twice
      std::vector<Var> vars(info.rank());
      std::vector<Expr> at(vars.begin(), vars.end());
      f = Func(boundaryNames[plan.inputs.size() + i] + "_copy");
      f(vars) = found != results.end() ? found->second(at) : inputs.at(value)(at);
      used.insert(value);
    }
    pinShape(f.output_buffer(), info);
    outputs.push_back(f);
  }
  Pipeline top(outputs);
  take(top.compile_to_module(arguments, functionName, target));
  return linked;
}

} // namespace kconv::codegen
