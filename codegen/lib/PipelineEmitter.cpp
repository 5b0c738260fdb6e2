// Plan -> one Halide pipeline for the whole model -> object file and header.
#include "kconv/Codegen/HalideEmitter.h"

#include "Conv2DFuncs.h"
#include "PipelineBuilder.h"

#include <map>
#include <set>

namespace kconv::codegen {

using namespace Halide;

Target parseTarget(const std::string &text) {
  if (text.empty() || text == "host")
    return get_host_target();
  if (!Target::validate_target_string(text))
    throw CompileError("invalid Halide target '" + text + "'");
  return Target(text);
}

namespace {
/// Estimates of a boundary tensor in memory order, for Halide's autoschedulers.
Region estimates(const ValueInfo &v, bool channelsFirst) {
  int batch = (int)v.batch.value_or(1);
  if (channelsFirst)
    return {{0, (int)v.width}, {0, (int)v.height}, {0, (int)v.channels}, {0, batch}};
  return {{0, (int)v.channels}, {0, (int)v.width}, {0, (int)v.height}, {0, batch}};
}

/// Pins a boundary buffer's logical (c, x, y, n) extents in memory order, so the
/// pipeline rejects mis-shaped buffers and loops get constant bounds.
template <typename T>
void pinShape(T param, const ValueInfo &v, bool channelsFirst) {
  int64_t extents[3] = {v.channels, v.width, v.height};
  int order[3] = {0, 1, 2}; // memory dimension -> logical index (c, x, y)
  if (channelsFirst)
    order[0] = 1, order[1] = 2, order[2] = 0;
  for (int d = 0; d < 3; ++d)
    param.dim(d).set_bounds(0, (int)extents[order[d]]);
  if (v.batch)
    param.dim(3).set_bounds(0, (int)*v.batch);
  param.dim(0).set_stride(1);
}
} // namespace

BuiltPipeline buildPipeline(const PipelinePlan &plan, const Target &target) {
  BuiltPipeline built;
  Var c("c"), x("x"), y("y"), n("n");
  std::map<int, Func> logical; // value index -> Func in (c, x, y, n)
  for (const BoundaryTensor &in : plan.inputs) {
    ImageParam param(Float(32), 4, in.name);
    pinShape(param, plan.values.at(in.value), in.channelsFirst);
    Func f(in.name + "_logical");
    f(c, x, y, n) = in.channelsFirst ? param(x, y, c, n) : param(c, x, y, n);
    logical[in.value] = f;
    built.inputs.push_back(param);
    built.arguments.push_back(param);
  }

  std::map<int, const BoundaryTensor *> outputOf;
  for (const BoundaryTensor &out : plan.outputs)
    outputOf[out.value] = &out;
  int vectorWidth = target.natural_vector_size<float>();

  std::map<int, Func> outputFuncs;
  for (const Conv2DLayer &layer : plan.layers) {
    ValueInfo inInfo = plan.values.at(layer.input);
    const ValueInfo &outInfo = plan.values.at(layer.output);
    Func input = logical.at(layer.input);
    if (inInfo.channelsFirst != layer.channelsFirst) {
      // The layer reads the memory in its own data_format: permute the logical view.
      Func view(layer.name + "_input_view");
      if (inInfo.channelsFirst) // NCHW read as NHWC: (c', x', y') = (w, h, c)
        view(c, x, y, n) = input(y, c, x, n);
      else // NHWC read as NCHW: (c', x', y') = (h, c, w)
        view(c, x, y, n) = input(x, y, c, n);
      input = view;
      inInfo = inInfo.reinterpreted();
    }
    LayerWeights weights =
        layerWeights(layer, inInfo.channels / layer.groups, plan.weightsAsParams);
    built.weightBindings.insert(built.weightBindings.end(), weights.bindings.begin(),
                                weights.bindings.end());
    Conv2DFuncs funcs = defineConv2D(layer, inInfo, outInfo, input, weights);
    logical[layer.output] = funcs.result;
    Conv2DSchedule schedule =
        layer.schedule ? *layer.schedule : heuristicSchedule(layer, outInfo, vectorWidth);

    auto output = outputOf.find(layer.output);
    bool channelsLastOutput = output != outputOf.end() && !output->second->channelsFirst;
    Func store;
    bool manual = plan.autoscheduler.empty();
    if (channelsLastOutput) {
      // The output buffer is already (c, x, y, n): compute straight into it.
      store = Func(output->second->name);
      store(c, x, y, n) = funcs.result(funcs.c, funcs.x, funcs.y, funcs.n);
      outputFuncs[layer.output] = store; // same Var names as funcs: Vars match by name
    } else if (!manual) {
      store = funcs.result;
    } else {
      store = funcs.result;
      store.compute_root()
          .bound(funcs.c, 0, (int)outInfo.channels)
          .bound(funcs.x, 0, (int)outInfo.width)
          .bound(funcs.y, 0, (int)outInfo.height);
    }
    if (manual)
      scheduleConv2D(funcs, store, schedule, outInfo);
  }

  for (const BoundaryTensor &out : plan.outputs) {
    if (!outputFuncs.count(out.value)) {
      // channels_first (or pass-through) output: transpose the logical result.
      Func f(out.name);
      Func src = logical.at(out.value);
      if (out.channelsFirst)
        f(x, y, c, n) = src(c, x, y, n);
      else
        f(c, x, y, n) = src(c, x, y, n);
      if (plan.autoscheduler.empty())
        f.vectorize(out.channelsFirst ? x : c, vectorWidth, TailStrategy::GuardWithIf);
      outputFuncs[out.value] = f;
    }
    Func f = outputFuncs[out.value];
    pinShape(f.output_buffer(), plan.values.at(out.value), out.channelsFirst);
    if (!plan.autoscheduler.empty())
      f.set_estimates(estimates(plan.values.at(out.value), out.channelsFirst));
    built.outputs.push_back(f);
  }
  if (!plan.autoscheduler.empty())
    for (size_t i = 0; i < plan.inputs.size(); ++i)
      built.inputs[i].set_estimates(
          estimates(plan.values.at(plan.inputs[i].value), plan.inputs[i].channelsFirst));
  return built;
}

void applyAutoscheduler(const PipelinePlan &plan, Pipeline &pipeline, const Target &target) {
  static const std::map<std::string, std::string> plugins = {
      {"Adams2019", "libautoschedule_adams2019.so"},
      {"Mullapudi2016", "libautoschedule_mullapudi2016.so"},
      {"Li2018", "libautoschedule_li2018.so"}};
  auto plugin = plugins.find(plan.autoscheduler);
  if (plugin == plugins.end())
    throw CompileError("unknown Halide autoscheduler '" + plan.autoscheduler + "'");
  static std::set<std::string> loaded;
  if (loaded.insert(plugin->second).second)
    load_plugin("/usr/lib/x86_64-linux-gnu/halide14/" + plugin->second);
  // Halide's generic machine: 16 MB last-level cache, balance 40; our thread count.
  pipeline.auto_schedule(plan.autoscheduler, target,
                         MachineParams(plan.autoschedulerParallelism, 16 * 1024 * 1024, 40));
}

Status resolveTarget(const std::string &target, std::string &resolved) {
  try {
    resolved = parseTarget(target).to_string();
    return Status::ok();
  } catch (const Halide::Error &e) {
    return Status::error(e.what());
  }
}

Status defaultSchedule(const PipelinePlan &plan, const Conv2DLayer &layer,
                       const std::string &target, Conv2DSchedule &out) {
  try {
    out = heuristicSchedule(layer, plan.values.at(layer.output),
                            parseTarget(target).natural_vector_size<float>());
    return Status::ok();
  } catch (const Halide::Error &e) {
    return Status::error(std::string("Halide: ") + e.what());
  } catch (const std::exception &e) {
    return Status::error(e.what());
  }
}

Status emitPipeline(const PipelinePlan &plan, const EmitRequest &request) {
  try {
    Target target = parseTarget(request.target);
    BuiltPipeline built = buildPipeline(plan, target);
    Pipeline pipeline(built.outputs);
    if (!plan.autoscheduler.empty())
      applyAutoscheduler(plan, pipeline, target);
    std::map<OutputFileType, std::string> files;
    if (!request.objectPath.empty())
      files[Output::object] = request.objectPath;
    if (!request.headerPath.empty())
      files[Output::c_header] = request.headerPath;
    if (!request.stmtPath.empty())
      files[Output::stmt] = request.stmtPath;
    pipeline.compile_to(files, built.arguments, request.functionName, target);
    return Status::ok();
  } catch (const Halide::CompileError &e) {
    return Status::error(std::string("Halide compile error: ") + e.what());
  } catch (const Halide::Error &e) {
    return Status::error(std::string("Halide error: ") + e.what());
  } catch (const std::exception &e) {
    return Status::error(e.what());
  }
}

} // namespace kconv::codegen
