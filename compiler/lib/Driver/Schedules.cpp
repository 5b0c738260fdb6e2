#include "Schedules.h"

#include "kconv/Codegen/Autotune.h"
#include "kconv/Codegen/HalideEmitter.h"
#include "kconv/Codegen/Schedule.h"
#include "kconv/Conversion/KconvToPlan.h"
#include "kconv/Dialect/KconvOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

namespace kconv::driver {

using codegen::Conv2DSchedule;

namespace {

/// --schedule=FILE: lines "layer_name = #kconv.schedule<...>" (a convolution),
/// "layer_name = #kconv.gpu_schedule<...>" (a convolution on a GPU target) or
/// "layer_name = inline|root" (fusion of an element-wise layer); "//" starts a comment.
/// A schedule is read straight into the plain C++ form (kconv::parseSchedule).
mlir::LogicalResult readScheduleFile(const std::string &path,
                                     std::map<std::string, Conv2DSchedule> &out,
                                     std::map<std::string, GpuConvSchedule> &gpu,
                                     std::map<std::string, bool> &inlined,
                                     llvm::raw_ostream &errs) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    errs << "kconvc: error: " << path << ": cannot open the schedule file\n";
    return mlir::failure();
  }
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (auto [number, raw] : llvm::enumerate(lines)) {
    llvm::StringRef line = raw.split("//").first.trim();
    if (line.empty())
      continue;
    auto [name, text] = line.split('=');
    if (!name.trim().empty() && (text.trim() == "inline" || text.trim() == "root")) {
      inlined[name.trim().str()] = text.trim() == "inline";
      continue;
    }
    std::string problem;
    if (text.trim().starts_with("#kconv.gpu_schedule")) {
      std::optional<GpuConvSchedule> schedule = parseGpuSchedule(text.trim(), &problem);
      if (name.trim().empty() || !schedule) {
        errs << "kconvc: error: " << path << ":" << number + 1 << ": layer '" << name.trim()
             << "': "
             << (problem.empty() ? "expected '#kconv.gpu_schedule<tile_c = N, tile_x = N, "
                                   "tile_y = N, threads_c = N, threads_x = N>'"
                                 : problem)
             << "\n";
        return mlir::failure();
      }
      gpu[name.trim().str()] = *schedule;
      continue;
    }
    std::optional<Conv2DSchedule> schedule = parseSchedule(text.trim(), &problem);
    if (!name.trim().empty() && !schedule && !problem.empty()) {
      errs << "kconvc: error: " << path << ":" << number + 1 << ": layer '" << name.trim()
           << "': " << problem << "\n";
      return mlir::failure();
    }
    if (name.trim().empty() || !schedule) {
      errs << "kconvc: error: " << path << ":" << number + 1
           << ": expected 'layer = #kconv.schedule<vectorize = \"channels\", vector_width = N, "
              "vectors = N, tile_x = N, tile_y = N, parallel = true|false, stage_input = "
              "true|false, channels_outer = true|false[, trim_columns = true|false][, "
              "unroll_taps = true|false][, winograd = 0|2|4]>' or 'layer = inline|root'\n";
      return mlir::failure();
    }
    out[name.trim().str()] = *schedule;
  }
  return mlir::success();
}

/// The Keras layer name an op was imported from ("" if it has none).
std::string kerasName(mlir::Operation *op) {
  auto loc = mlir::dyn_cast<mlir::NameLoc>(op->getLoc());
  return loc ? loc.getName().str() : std::string();
}

} // namespace

mlir::LogicalResult chooseSchedules(mlir::ModuleOp module, codegen::PipelinePlan &plan,
                                    const CompileOptions &options, llvm::raw_ostream &errs) {
  mlir::MLIRContext *ctx = module.getContext();
  // The plan's convs are the convolutions in plan order. Their names there are
  // made unique for Halide (a channels_first layer's transposes carry its name too,
  // and the convolution becomes "name_"), so schedules go by the ops' Keras names.
  llvm::SmallVector<mlir::Operation *> nodeOps =
      dialect::planNodeOps(*module.getOps<mlir::func::FuncOp>().begin());
  llvm::SmallVector<dialect::Conv2DOp> layerOps;
  codegen::ScheduleRequest request;
  for (mlir::Operation *node : nodeOps) {
    request.nodeNames.push_back(kerasName(node));
    if (auto conv = mlir::dyn_cast<dialect::Conv2DOp>(node))
      layerOps.push_back(conv);
  }
  assert(layerOps.size() == plan.convs.size() && "one plan layer per conv2d op");
  llvm::StringMap<size_t> layerIndex;
  for (auto [i, op] : llvm::enumerate(layerOps)) {
    std::string name = kerasName(op);
    request.layerNames.push_back(name.empty() ? plan.convs[i].name : name);
    if (!name.empty())
      layerIndex[name] = i;
  }
  std::map<std::string, GpuConvSchedule> forcedGpu;
  if (!options.scheduleFile.empty() &&
      mlir::failed(readScheduleFile(options.scheduleFile, request.forced, forcedGpu,
                                    request.forcedInline, errs)))
    return mlir::failure();
  // GPU schedules go straight into the plan: the tuner does not search them.
  for (const auto &[name, schedule] : forcedGpu) {
    auto found = layerIndex.find(name);
    std::optional<std::string> problem =
        found == layerIndex.end()
            ? std::optional<std::string>("no conv2d layer named '" + name + "' in the model")
            : gpuScheduleError(schedule, codegen::convShape(plan, plan.convs[found->second]));
    if (problem) {
      errs << "kconvc: error: " << options.scheduleFile << ": "
           << (found == layerIndex.end() ? "" : "layer '" + name + "': ") << *problem << "\n";
      return mlir::failure();
    }
    plan.convs[found->second].gpuSchedule = schedule;
  }
  for (const auto &[name, schedule] : request.forced) {
    auto found = layerIndex.find(name);
    if (found == layerIndex.end()) {
      errs << "kconvc: error: " << options.scheduleFile << ": no conv2d layer named '" << name
           << "' in the model\n";
      return mlir::failure();
    }
    if (std::optional<std::string> problem =
            codegen::layerScheduleError(plan, plan.convs[found->second], schedule)) {
      errs << "kconvc: error: " << options.scheduleFile << ": layer '" << name
           << "': " << *problem << "\n";
      return mlir::failure();
    }
  }

  request.target = options.target;
  request.threads = effectiveThreads(options);
  request.tune = tuningRequested(options);
  request.budgetSeconds = options.tuneBudget;
  request.budgetTotalSeconds = options.tuneBudgetTotal;
  request.maxCandidates = options.tuneCandidates;
  request.seed = options.seed;
  request.dbPath = options.tuningDb;
  request.scheduleFile = options.scheduleFile;
  Status status = codegen::chooseSchedules(plan, request, [&](const std::string &text) {
    errs << text;
    errs.flush();
  });
  if (!status) {
    errs << "kconvc: error: " << status.message() << "\n";
    return mlir::failure();
  }

  // The choices, written once into the IR: for --emit=mlir and for schedule files. On a
  // GPU target the GPU schedules (forced, else the default), which codegen follows.
  codegen::TargetMachine machine;
  bool gpu = codegen::checkTarget(options.target, machine) && machine.gpu;
  for (auto [layer, op] : llvm::zip_equal(plan.convs, layerOps)) {
    if (!gpu) {
      op.setScheduleAttr(dialect::ScheduleAttr::get(ctx, *layer.schedule));
      continue;
    }
    if (!layer.gpuSchedule)
      layer.gpuSchedule = codegen::defaultGpuSchedule(plan, layer);
    op.setGpuScheduleAttr(dialect::GpuScheduleAttr::get(ctx, *layer.gpuSchedule));
  }
  for (int node : codegen::fusableNodes(plan))
    nodeOps[node]->setAttr("kconv.fusion",
                           mlir::StringAttr::get(ctx, plan.inlinedNodes.count(node) ? "inline"
                                                                                    : "root"));
  return mlir::success();
}

} // namespace kconv::driver
