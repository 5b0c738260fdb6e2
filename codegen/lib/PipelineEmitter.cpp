// Plan -> one Halide pipeline for the whole model -> object file and header.
#include "kconv/Codegen/HalideEmitter.h"

#include "Conv2DSchedule.h"
#include "GpuSchedule.h"
#include "LayerFuncs.h"
#include "PipelineBuilder.h"
#include "PipelineSegments.h"
#include "kconv/Codegen/CText.h"

#include <cpuid.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>

namespace kconv::codegen {

using namespace Halide;

namespace {
/// CPUID leaf 7, subleaf 1, EAX bit 4: the VEX-encoded AVX-VNNI instructions.
bool cpuHasAvxVnni() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax & (1u << 4)) != 0;
}

/// `target` (this machine's, with any features added) without the features Halide 14
/// claims for this machine wrongly.
Target withoutFalseHostFeatures(Target target) {
  // Halide 14 calls every CPU with AVX512-VNNI and BF16 a Sapphire Rapids, whose LLVM
  // CPU has AVX-VNNI too; AMD Zen 4 does not, and LLVM's {vex} vpdpwssd in index
  // arithmetic stopped such code with SIGILL. Cannon Lake's features are all there.
  if (target.has_feature(Target::AVX512_SapphireRapids) && !cpuHasAvxVnni())
    target = target.without_feature(Target::AVX512_SapphireRapids)
                 .with_feature(Target::AVX512_Cannonlake);
  return target;
}
} // namespace

Target parseTarget(const std::string &text) {
  if (text.empty() || text == "host")
    return withoutFalseHostFeatures(get_host_target());
  if (!Target::validate_target_string(text))
    throw CompileError("invalid Halide target '" + text + "'");
  Target target(text);
  if (text.rfind("host-", 0) == 0)
    target = withoutFalseHostFeatures(target);
  // Without a capability Halide 14 emits PTX for sm_20, which CUDA 12 and later no
  // longer assemble; 8.6 is the highest it knows (newer GPUs JIT-compile that PTX).
  if (target.has_feature(Target::CUDA) && target.get_cuda_capability_lower_bound() < 30)
    target = target.with_feature(Target::CUDACapability86);
  return target;
}

namespace {
/// Estimates of a boundary tensor (Halide order), for Halide's autoschedulers.
Region estimates(const TensorInfo &v) {
  Region region;
  for (int d = v.rank() - 1; d >= 0; --d)
    region.push_back({0, (int)(d == 0 ? v.batch().value_or(1) : v.shape[d])});
  return region;
}

/// Halide names of the model's inputs, then its outputs. Their Keras names can be
/// anything Keras accepts ("block1.conv", "a/b", spaces, UTF-8), but Halide refuses a
/// '.' in a Func name, and a buffer named like another layer's part (an output
/// "a_kernel" beside layer a's kernel "a_kernel") confused it. A name that is an
/// identifier clashing with nothing else stays (an output named after the layer
/// computing it too: Halide tells those Funcs apart); any other gets a derived one
/// ("io2_a_kernel"). Layer names are identifiers already (KconvToPlan).
std::vector<std::string> boundaryHalideNames(const PipelinePlan &plan) {
  std::set<std::string> layers;
  for (const Conv2DLayer &layer : plan.convs)
    layers.insert(layer.name);
  for (const PlanNode &node : plan.nodes)
    if (!std::holds_alternative<ConvStep>(node))
      layers.insert(layerName(node));
  std::vector<std::string> names;
  std::set<std::string> used;
  std::map<std::string, std::string> assigned; // a tensor listed twice keeps one name
  auto clashes = [&](const std::string &name) {
    if (used.count(name))
      return true;
    for (const std::set<std::string> *others : {&layers, &used})
      for (const std::string &other : *others)
        if (isPartName(name, other) || isPartName(other, name))
          return true;
    return false;
  };
  auto name = [&](const std::string &keras) {
    auto done = assigned.find(keras);
    if (done != assigned.end())
      return names.push_back(done->second);
    std::string halide = keras;
    std::string base = cIdentifierFrom(keras);
    for (int n = 0; !isCIdentifier(halide) || clashes(halide) ||
                    (halide != keras && layers.count(halide));
         ++n)
      halide = "io" + std::to_string(names.size()) + (n ? "_" + std::to_string(n) : "") + "_" +
               base;
    used.insert(halide);
    assigned[keras] = halide;
    names.push_back(halide);
  };
  for (const BoundaryTensor &t : plan.inputs)
    name(t.name);
  for (const BoundaryTensor &t : plan.outputs)
    name(t.name);
  return names;
}

/// Where a convolution's result is stored: a whole tensor computed once (the
/// default), the model output itself, or band by band inside its consumer.
struct ConvPlacement {
  std::string outputName; // the model output it computes straight into
  int bandRows = 0;       // > 0: computed that many rows at a time (the caller places it)
  bool gpu = false;       // a kernel of the GPU schedule (GpuSchedule.h)
};

/// The schedule a convolution is built with: forced or tuned, else the default.
Conv2DSchedule chosenSchedule(const PipelinePlan &plan, const Conv2DLayer &layer,
                              int vectorWidth) {
  return layer.schedule ? *layer.schedule
                        : heuristicSchedule(layer, plan.imageIn(layer), plan.imageOut(layer),
                                            vectorWidth, plan.winograd);
}

/// Builds one Conv2D with `schedule`; returns the Func holding its output in Halide
/// order.
Func buildConv(const PipelinePlan &plan, const Conv2DLayer &layer, Conv2DSchedule schedule,
               const std::map<int, Func> &tensors, const ConvPlacement &placement,
               WeightSink *weights) {
  const std::string &outputName = placement.outputName;
  ImageInfo inInfo = plan.imageIn(layer), outInfo = plan.imageOut(layer);
  Func input = imageView(tensors.at(layer.input));
  Func residual;
  if (layer.residual >= 0)
    residual = imageView(tensors.at(layer.residual));
  // Weights packed for the schedule's channel blocks (dense layers vectorized over
  // channels; depthwise taps are few and stay in registers).
  int64_t cinPerGroup = inInfo.channels / layer.groups;
  bool manual = plan.autoscheduler.empty(), cpu = manual && !placement.gpu;
  int packBlock = schedule.vectorize == Conv2DSchedule::Vectorize::Channels && cinPerGroup > 1 &&
                          cpu
                      ? schedule.vectorWidth * schedule.vectors
                      : 0;
  Conv2DAlgorithmHints hints;
  // (The softmax form computes conv a row at a time, directly.)
  hints.winograd = cpu && !isAxisActivation(layer.activation) ? schedule.winograd : 0;
  LayerWeights layerValues =
      layerWeights(layer, cinPerGroup, weights, packBlock, hints.winograd);
  hints.trimColumns = cpu && schedule.trimColumns;
  // (The softmax form computes conv a row at a time and stages nothing.)
  hints.stagedInput = cpu && schedule.stageInput && !isAxisActivation(layer.activation);
  Conv2DFuncs funcs = defineConv2D(layer, inInfo, outInfo, input, residual, layerValues, hints);
  Func store = funcs.result;
  if (!outputName.empty()) {
    // The output buffer is already (c, x, y, n): compute straight into it.
    store = Func(outputName);
    store(funcs.c, funcs.x, funcs.y, funcs.n) = funcs.result(funcs.c, funcs.x, funcs.y, funcs.n);
  } else if (manual && placement.bandRows > 0) {
    // One band of rows of the whole image, serial: the consumer's band loop is the
    // parallel one.
    store.bound(funcs.c, 0, (int)outInfo.channels).bound(funcs.x, 0, (int)outInfo.width);
    outInfo.height = placement.bandRows;
    schedule.parallel = false;
  } else if (manual) {
    store.compute_root()
        .bound(funcs.c, 0, (int)outInfo.channels)
        .bound(funcs.x, 0, (int)outInfo.width)
        .bound(funcs.y, 0, (int)outInfo.height);
  }
  if (manual && placement.gpu) {
    ConvShape shape = convShape(plan, layer);
    GpuConvSchedule gpuSchedule = layer.gpuSchedule.value_or(defaultGpuSchedule(shape));
    if (std::optional<std::string> error = gpuScheduleError(gpuSchedule, shape))
      throw std::invalid_argument("kconv GPU schedule: " + *error);
    scheduleConv2DOnGpu(funcs, store, outInfo, gpuSchedule);
  } else if (manual) {
    // Every split factor must fit its extent (scheduleError): the last tile is
    // recomputed inside the tensor (ShiftInwards).
    if (std::optional<std::string> error = scheduleError(schedule, convShape(plan, layer)))
      throw std::invalid_argument("kconv schedule: " + *error);
    scheduleConv2D(funcs, store, schedule, outInfo,
                   convTasks(layer, schedule, outInfo, plan.threads));
  }
  return outputName.empty() ? funcs.result : store;
}
} // namespace

BuiltPipeline buildPipeline(const PipelinePlan &plan, const Target &target) {
  return buildPipeline(plan, target, plan.weightsAsParams);
}

BuiltPipeline buildPipeline(const PipelinePlan &plan, const Target &target,
                            bool weightsAsParams) {
  BuiltPipeline built;
  built.weights.asParams = weightsAsParams;
  built.stored.assign(plan.nodes.size(), false);
  int vectorWidth = target.natural_vector_size<float>();
  bool manual = plan.autoscheduler.empty();
  bool gpu = manual && isGpuTarget(target);
  std::map<int, Func> tensors; // value index -> Func in Halide order
  std::vector<std::string> boundaryNames = boundaryHalideNames(plan);
  for (size_t i = 0; i < plan.inputs.size(); ++i) {
    const BoundaryTensor &in = plan.inputs[i];
    const std::string &name = boundaryNames[i];
    const TensorInfo &info = plan.values.at(in.value);
    ImageParam param(Float(32), info.rank(), name);
    pinShape(param, info);
    TensorVars v(info.rank());
    Func f(name + "_tensor");
    f(v.halide()) = param(v.halide());
    tensors[in.value] = f;
    built.inputs.push_back(param);
    built.arguments.push_back(param);
  }

  // A layer whose result is a model output computes straight into the output buffer
  // (the first output naming that value; the others copy it).
  std::map<int, std::string> outputName;
  for (size_t i = 0; i < plan.outputs.size(); ++i)
    outputName.emplace(plan.outputs[i].value, boundaryNames[plan.inputs.size() + i]);
  std::map<int, Func> outputFuncs;

  // Convolutions computed band by band inside the transposing copy that is the model
  // output (node index -> the convolution's result and its band's rows), so its result
  // is still in cache when copied (docs/codegen.md).
  std::map<int, std::pair<Func, int>> bandedSources;
  for (size_t index = 0; index < plan.nodes.size(); ++index) {
    const PlanNode &node = plan.nodes[index];
    if (const auto *step = std::get_if<ConvStep>(&node)) {
      const Conv2DLayer &layer = plan.convs.at(step->conv);
      auto named = outputName.find(layer.output);
      ConvPlacement placement;
      if (named != outputName.end())
        placement.outputName = named->second;
      placement.gpu = gpu;
      int transpose = manual && !gpu ? bandingTransposeOf(plan, layer, outputName) : -1;
      Conv2DSchedule schedule = chosenSchedule(plan, layer, vectorWidth);
      if (transpose >= 0)
        placement.bandRows = bandRows(layer, schedule, plan.imageOut(layer), plan.threads);
      Func result = buildConv(plan, layer, schedule, tensors, placement, &built.weights);
      built.stored[index] = placement.bandRows == 0;
      tensors[layer.output] = result;
      if (!placement.outputName.empty())
        outputFuncs[layer.output] = result;
      if (placement.bandRows > 0)
        bandedSources[transpose] = {result, placement.bandRows};
      continue;
    }
    std::vector<Func> inputs;
    for (int value : layerInputs(node))
      inputs.push_back(tensors.at(value));
    LayerFuncs funcs = defineLayer(node, plan, inputs, &built.weights);
    int output = layerOutput(node);
    const TensorInfo &out = plan.values.at(output);
    Func store = funcs.result;
    auto named = outputName.find(output);
    bool hostOnly = gpu && layerStaysOnHost(funcs);
    built.stored[index] = named != outputName.end() || hostOnly ||
                          (!plan.inlinedNodes.count(int(index)) && !funcs.view);
    if (named != outputName.end()) {
      TensorVars v(out.rank());
      store = Func(named->second);
      store(v.halide()) = funcs.result(v.halide());
      outputFuncs[output] = store;
    } else if (hostOnly) {
      store.compute_root();
    } else if (plan.inlinedNodes.count(int(index))) {
      funcs.view = true; // fused: recomputed inside its consumer
    } else if (manual && !funcs.view) {
      store.compute_root();
    }
    const auto *transpose = std::get_if<TransposeLayer>(&node);
    if (gpu && !hostOnly) {
      if (built.stored[index])
        scheduleLayerOnGpu(funcs, store, out);
    } else if (manual && named != outputName.end() && transpose) {
      auto banded = bandedSources.find(int(index));
      int rows = banded != bandedSources.end() ? banded->second.second : 0;
      std::optional<Var> band =
          scheduleTransposeCopy(store, transpose->permutation, out, vectorWidth, plan.threads,
                                rows);
      if (rows > 0 && band)
        banded->second.first.compute_at(store, *band);
      else if (rows > 0) // (no band loop: computed whole, serially)
        banded->second.first.compute_root();
    } else if (const auto *matmul = std::get_if<BatchMatMulLayer>(&node); manual && matmul) {
      scheduleBatchMatMul(funcs, store, *matmul, plan, vectorWidth);
    } else if (manual && (!funcs.view || named != outputName.end()) && funcs.schedule) {
      funcs.schedule(store, vectorWidth, plan.threads);
    } else if (manual && (!funcs.view || named != outputName.end())) {
      scheduleLayer(funcs, store, out, vectorWidth, plan.threads);
    }
    tensors[output] = store;
  }

  std::set<int> used;
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    const BoundaryTensor &out = plan.outputs[i];
    const TensorInfo &info = plan.values.at(out.value);
    Func f;
    auto found = outputFuncs.find(out.value);
    if (found != outputFuncs.end() && used.insert(out.value).second) {
      f = found->second;
    } else { // a model input, or a value output twice
      TensorVars v(info.rank());
      f = Func(boundaryNames[plan.inputs.size() + i] + (used.count(out.value) ? "_copy" : ""));
      f(v.halide()) = tensors.at(out.value)(v.halide());
      if (gpu)
        scheduleOnGpu(f, info.shape);
      else if (manual && info.shape.back() >= vectorWidth)
        f.vectorize(v.halide()[0], vectorWidth, TailStrategy::GuardWithIf);
      used.insert(out.value);
    }
    pinShape(f.output_buffer(), info);
    if (!manual)
      f.set_estimates(estimates(info));
    built.outputs.push_back(f);
  }
  if (!manual)
    for (size_t i = 0; i < plan.inputs.size(); ++i)
      built.inputs[i].set_estimates(estimates(plan.values.at(plan.inputs[i].value)));
  // The weight parameters follow the inputs (and precede the outputs Halide appends).
  for (const auto &binding : built.weights.bindings)
    built.arguments.push_back(binding.first);
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

bool prebuiltRuntimeFits(const std::string &text) {
  try {
    Target target = parseTarget(text), base(target.os, target.arch, target.bits), common;
    return base.get_runtime_compatible_target(target, common) && common == base;
  } catch (const Halide::Error &) {
    return false;
  }
}

Status resolveTarget(const std::string &target, std::string &resolved) {
  try {
    resolved = parseTarget(target).to_string();
    return Status::ok();
  } catch (const Halide::Error &e) {
    return Status::error(e.what());
  }
}

namespace {
std::string describe(const Target &target) {
  std::string arch = target.arch == Target::X86     ? "x86"
                     : target.arch == Target::ARM   ? "arm"
                     : target.arch == Target::POWERPC ? "powerpc"
                     : target.arch == Target::RISCV ? "riscv"
                     : target.arch == Target::WebAssembly ? "wasm"
                     : target.arch == Target::Hexagon ? "hexagon"
                                                      : "unknown";
  std::string os = target.os == Target::Linux     ? "linux"
                   : target.os == Target::Windows ? "windows"
                   : target.os == Target::OSX     ? "osx"
                   : target.os == Target::Android ? "android"
                   : target.os == Target::IOS     ? "ios"
                   : target.os == Target::NoOS    ? "noos"
                                                  : "another OS";
  return arch + "-" + std::to_string(target.bits) + "-" + os;
}
} // namespace

Status checkTarget(const std::string &text, TargetMachine &out) {
  try {
    Target target = parseTarget(text), host = get_host_target();
    out = TargetMachine();
    out.floatLanes = target.natural_vector_size<float>();
    if (target.has_gpu_feature() &&
        !(target.has_feature(Target::CUDA) || target.has_feature(Target::OpenCL)))
      return Status::error("kconv runs GPU pipelines through CUDA or OpenCL (host-cuda, "
                           "host-opencl), not the target's GPU API");
    if (target.has_gpu_feature() && target.has_feature(Target::CUDA) &&
        target.has_feature(Target::OpenCL))
      return Status::error("name one GPU API, CUDA or OpenCL, not both");
    out.gpu = target.has_gpu_feature();
    if (target.arch == host.arch && target.bits == host.bits && target.os == host.os)
      return Status::ok();
    // 64-bit ARM Linux from any host: Halide 14's LLVM has the AArch64 backend, and
    // Debian's gcc-aarch64-linux-gnu builds the glue and the runtime.
    if (target.arch == Target::ARM && target.bits == 64 && target.os == Target::Linux) {
      // Halide accepts another architecture's features and ignores them: a typo here
      // ("arm-64-linux-avx2") would pass unnoticed.
      for (Target::Feature foreign :
           {Target::SSE41, Target::AVX, Target::AVX2, Target::FMA, Target::FMA4, Target::F16C,
            Target::AVX512, Target::AVX512_KNL, Target::AVX512_Skylake,
            Target::AVX512_Cannonlake, Target::AVX512_SapphireRapids, Target::VSX,
            Target::POWER_ARCH_2_07, Target::ARMv7s, Target::NoNEON})
        if (target.has_feature(foreign))
          return Status::error("'" + Target::feature_to_name(foreign) +
                               "' is not a feature of 64-bit ARM (arm-64-linux takes "
                               "arm_dot_prod, arm_fp16, ...)");
      out.crossTriple = "aarch64-linux-gnu";
      return Status::ok();
    }
    return Status::error("cross-compilation is not supported: the target is " +
                         describe(target) + ", this machine is " + describe(host) +
                         " (kconv cross-compiles to arm-64-linux only)");
  } catch (const Halide::Error &e) {
    return Status::error(e.what());
  }
}

Status defaultSchedule(const PipelinePlan &plan, const Conv2DLayer &layer,
                       const std::string &target, Conv2DSchedule &out) {
  try {
    out = heuristicSchedule(layer, plan.imageIn(layer), plan.imageOut(layer),
                            parseTarget(target).natural_vector_size<float>(), plan.winograd);
    return Status::ok();
  } catch (const Halide::Error &e) {
    return Status::error(std::string("Halide: ") + e.what());
  } catch (const std::exception &e) {
    return Status::error(e.what());
  }
}

namespace {
/// A stored result's share of the split threshold (EmitRequest::splitAbove). A
/// recurrent layer or a resize counts three: in one pipeline with the rest their code
/// made lowering and LLVM grow fastest, while splitting other layers' models gained
/// nothing (docs/codegen.md has the measurements).
int splitWeight(const PlanNode &node) {
  return std::holds_alternative<RecurrentLayer>(node) || std::holds_alternative<ResizeLayer>(node)
             ? 3
             : 1;
}

/// Compiles a split model's segments in `jobs` processes: each forked child lowers and
/// compiles a share of them into an object of its own (without Halide's runtime), while
/// this process compiles the rest with the runtime into `objectPath`. Halide's lowering
/// and LLVM's code generation are single-threaded, and a forked child shares nothing it
/// could race on. A child's failure (a Halide error, a crash) fails the whole compile
/// with its message.
Status compileInProcesses(const PipelinePlan &plan, const std::vector<PipelineSegment> &segments,
                          const EmitRequest &request, const Target &target,
                          const std::map<OutputFileType, std::string> &files,
                          std::vector<std::string> &partObjects) {
  std::vector<std::vector<size_t>> groups = balanceSegments(plan, segments, request.jobs);
  struct Child {
    pid_t pid;
    int fd;
    std::string object;
  };
  std::vector<Child> children;
  Status status = Status::ok();
  for (size_t j = 1; j < groups.size() && status; ++j) {
    std::string object = request.objectPath + ".part" + std::to_string(j) + ".o";
    int fds[2];
    if (pipe(fds) != 0) {
      status = Status::error("cannot create a pipe for a compiling process");
      break;
    }
    pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      status = Status::error("cannot fork a compiling process");
      break;
    }
    if (pid == 0) {
      close(fds[0]);
      std::string message;
      try {
        compileSegments(plan, segments, groups[j], request.functionName,
                        request.functionName + "_part" + std::to_string(j),
                        target.with_feature(Target::NoRuntime))
            .compile({{OutputFileType::object, object}});
      } catch (const Halide::Error &e) {
        message = std::string("Halide error: ") + e.what();
      } catch (const std::exception &e) {
        message = e.what();
      }
      if (!message.empty()) {
        ssize_t written = write(fds[1], message.data(), message.size());
        (void)written;
      }
      close(fds[1]);
      _exit(message.empty() ? 0 : 1);
    }
    close(fds[1]);
    children.push_back({pid, fds[0], object});
  }
  if (status) {
    try {
      compileSegments(plan, segments, groups[0], request.functionName, request.functionName,
                      target)
          .compile(files);
    } catch (const Halide::Error &e) {
      status = Status::error(std::string("Halide error: ") + e.what());
    }
  }
  // Every child is reaped, whatever failed first; the first failure is reported.
  for (const Child &child : children) {
    std::string message;
    char chunk[512];
    ssize_t n;
    while ((n = read(child.fd, chunk, sizeof chunk)) != 0) {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      message.append(chunk, size_t(n));
    }
    close(child.fd);
    int wstatus = 0;
    while (waitpid(child.pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    bool ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
    if (!ok && status)
      status = Status::error(message.empty()
                                 ? "a compiling process failed (" +
                                       std::string(WIFSIGNALED(wstatus) ? "killed by a signal"
                                                                        : "exit status") +
                                       ")"
                                 : message);
    partObjects.push_back(child.object);
  }
  return status;
}
} // namespace

Status emitPipeline(const PipelinePlan &plan, const EmitRequest &request,
                    std::vector<std::string> *partObjects, std::string *topLevelC) {
  try {
    Target target = parseTarget(request.target);
    if (!request.halideRuntime)
      target = target.with_feature(Target::NoRuntime);
    BuiltPipeline built = buildPipeline(plan, target);
    std::map<OutputFileType, std::string> files;
    if (!request.objectPath.empty())
      files[OutputFileType::object] = request.objectPath;
    if (!request.stmtPath.empty())
      files[OutputFileType::stmt] = request.stmtPath;
    int storedWeight = 0;
    for (size_t index = 0; index < built.stored.size(); ++index)
      if (built.stored[index])
        storedWeight += splitWeight(plan.nodes.at(index));
    // A GPU pipeline is one pipeline: its intermediates stay on the device.
    if (plan.autoscheduler.empty() && request.splitAbove >= 0 && !isGpuTarget(target) &&
        (storedWeight > request.splitAbove || built.weights.bytes > request.embeddedWeightBytes)) {
      if (!topLevelC)
        return Status::error("a split model's top level is C, and this caller compiles none");
      std::vector<PipelineSegment> segments = partitionPlan(plan, built.stored);
      built = BuiltPipeline(); // (its weights' copies: VGG16's are 553 MB)
      std::string blockPath = request.objectPath + ".weights";
      SegmentWeights weights = segmentWeights(plan, segments, target, blockPath);
      *topLevelC = topLevelSource(plan, segments, boundaryHalideNames(plan),
                                  request.functionName, weights, blockPath);
      // (Halide's statement file is one module's: a model is compiled whole for it.)
      if (request.jobs > 1 && partObjects && request.stmtPath.empty() && segments.size() > 1)
        return compileInProcesses(plan, segments, request, target, files, *partObjects);
      std::vector<size_t> all(segments.size());
      for (size_t k = 0; k < all.size(); ++k)
        all[k] = k;
      compileSegments(plan, segments, all, request.functionName, request.functionName, target)
          .compile(files);
      return Status::ok();
    }
    Pipeline pipeline(built.outputs);
    if (!plan.autoscheduler.empty())
      applyAutoscheduler(plan, pipeline, target);
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
