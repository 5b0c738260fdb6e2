#include "Schedules.h"

#include "TuningDb.h"
#include "kconv/Codegen/Autotuner.h"
#include "kconv/Codegen/HalideEmitter.h"
#include "kconv/Conversion/KconvToPlan.h"
#include "kconv/Dialect/KconvOps.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <chrono>
#include <cmath>
#include <cstdlib>

namespace kconv::driver {

using codegen::Conv2DSchedule;

namespace {

std::string attrText(mlir::Attribute attr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  return text;
}

/// Parses a schedule attribute; null (with no diagnostic printed) if invalid, with the
/// verifier's complaint, if any, in `problem`.
dialect::ScheduleAttr parseSchedule(mlir::MLIRContext *ctx, llvm::StringRef text,
                                       std::string *problem = nullptr) {
  mlir::ScopedDiagnosticHandler quiet(ctx, [&](mlir::Diagnostic &d) {
    if (problem && problem->empty() && llvm::StringRef(d.str()).starts_with("schedule "))
      *problem = d.str();
    return mlir::success();
  });
  return mlir::dyn_cast_or_null<dialect::ScheduleAttr>(mlir::parseAttribute(text, ctx));
}

/// --schedule=FILE: lines "layer_name = #kconv.schedule<...>" (a convolution) or
/// "layer_name = inline|root" (fusion of an element-wise layer); "//" starts a comment.
mlir::LogicalResult readScheduleFile(mlir::MLIRContext *ctx, const std::string &path,
                                     llvm::StringMap<dialect::ScheduleAttr> &out,
                                     llvm::StringMap<bool> &inlined, llvm::raw_ostream &errs) {
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
      inlined[name.trim()] = text.trim() == "inline";
      continue;
    }
    std::string problem;
    dialect::ScheduleAttr attr = parseSchedule(ctx, text.trim(), &problem);
    if (!name.trim().empty() && !attr && !problem.empty()) {
      errs << "kconvc: error: " << path << ":" << number + 1 << ": layer '" << name.trim()
           << "': " << problem << "\n";
      return mlir::failure();
    }
    if (name.trim().empty() || !attr) {
      errs << "kconvc: error: " << path << ":" << number + 1
           << ": expected 'layer = #kconv.schedule<vectorize = \"channels\", vector_width = N, "
              "vectors = N, tile_x = N, tile_y = N, parallel = true|false, stage_input = "
              "true|false, channels_outer = true|false[, trim_columns = true|false][, "
              "unroll_taps = true|false]>' or 'layer = inline|root'\n";
      return mlir::failure();
    }
    out[name.trim()] = attr;
  }
  return mlir::success();
}

std::string defaultDbPath() {
  const char *cache = std::getenv("XDG_CACHE_HOME");
  const char *home = std::getenv("HOME");
  llvm::SmallString<128> path(cache && *cache ? cache : (home ? std::string(home) + "/.cache" : "."));
  llvm::sys::path::append(path, "kconv", "tuning.db");
  return path.str().str();
}

/// The Keras layer name an op was imported from ("" if it has none).
std::string kerasName(mlir::Operation *op) {
  auto loc = mlir::dyn_cast<mlir::NameLoc>(op->getLoc());
  return loc ? loc.getName().str() : std::string();
}

void printProgress(llvm::raw_ostream &errs, const std::string &layer,
                   const codegen::TuneProgress &p, double budget) {
  errs << "\r" << codegen::progressLine(layer, p, budget);
  errs.flush();
}

/// What the schedules and fusion decisions came from, for the closing report.
struct TuningTally {
  int fromDb = 0, tuned = 0;
  bool fusionFromDb = false, fusionTuned = false;
};

/// A whole-model budget (--tune-budget-total) shared among the layers still to tune:
/// each gets the time left divided by the layers left (and --tune-budget at most).
class ModelBudget {
public:
  ModelBudget(const CompileOptions &options, int pending)
      : total_(options.tuneBudgetTotal > 0 ? options.tuneBudgetTotal : INFINITY),
        perLayer_(options.tuneBudget > 0 ? options.tuneBudget : INFINITY), pending_(pending) {}
  /// Seconds for the next layer (infinity: no time limit; 0: the total is spent).
  double next() {
    double left = total_ - std::chrono::duration<double>(Clock::now() - start_).count();
    double share = std::isfinite(total_) ? std::max(0.0, left) / std::max(pending_, 1) : INFINITY;
    --pending_;
    return std::min(perLayer_, share);
  }

private:
  using Clock = std::chrono::steady_clock;
  double total_, perLayer_;
  int pending_;
  Clock::time_point start_ = Clock::now();
};

std::string fusionKey(const codegen::PipelinePlan &plan, const std::string &target, int threads) {
  return llvm::formatv("fusion {0} target={1} threads={2} tuner={3}", codegen::planSignature(plan),
                       target, threads, codegen::kTunerVersion)
      .str();
}

/// Which element-wise layers are fused into their consumer: forced by the schedule
/// file, else from the tuning database, else measured (--tune-budget), else the
/// default rule. Written into the IR as `kconv.fusion = "inline" | "root"`.
mlir::LogicalResult chooseFusion(mlir::ModuleOp module, codegen::PipelinePlan &plan,
                                 const CompileOptions &options,
                                 const llvm::StringMap<bool> &forced, TuningDb &db, bool useDb,
                                 const std::string &target, int threads, ModelBudget &budget,
                                 TuningTally &tally, llvm::raw_ostream &errs) {
  auto funcs = module.getOps<mlir::func::FuncOp>();
  llvm::SmallVector<mlir::Operation *> nodeOps = dialect::planNodeOps(*funcs.begin());
  std::vector<int> fusable = codegen::fusableNodes(plan);
  auto nodeName = [&](int node) { return kerasName(nodeOps[node]); };
  for (const auto &entry : forced) {
    bool known = false;
    for (int node : fusable)
      known |= nodeName(node) == entry.getKey();
    if (!known) {
      errs << "kconvc: error: " << options.scheduleFile << ": '" << entry.getKey()
           << "' is not an element-wise layer with a single consumer (only those can be "
              "inlined)\n";
      return mlir::failure();
    }
  }
  std::set<int> inlined = codegen::defaultInlining(plan);
  std::string key = fusionKey(plan, target, threads);
  bool decided = false;
  if (useDb && !fusable.empty()) {
    std::string stored = db.lookup(key);
    if (!stored.empty()) { // "inline:name,name" (possibly none)
      inlined.clear();
      llvm::SmallVector<llvm::StringRef> names;
      llvm::StringRef(stored).drop_front(std::string("inline:").size()).split(names, ',', -1, false);
      for (int node : fusable)
        if (llvm::is_contained(names, nodeName(node)))
          inlined.insert(node);
      decided = tally.fusionFromDb = true;
    }
  }
  double seconds = !decided && tuningRequested(options) && !fusable.empty() ? budget.next() : 0;
  if (seconds > 0) {
    codegen::TuneOptions tune;
    tune.target = options.target;
    tune.threads = threads;
    tune.budgetSeconds = seconds;
    tune.maxCandidates = options.tuneCandidates;
    codegen::FusionResult result;
    tally.fusionTuned = true;
    if (Status status = codegen::tuneFusion(plan, tune, result); !status) {
      errs << "kconvc: warning: fusion decisions not tuned: " << status.message() << "\n";
    } else {
      inlined = result.inlined;
      errs << "kconvc: tuned fusion of " << fusable.size() << " element-wise layers: "
           << result.tried << " variants, default " << codegen::formatMs(result.defaultMs)
           << " -> best " << codegen::formatMs(result.bestMs) << "\n";
      std::string names;
      for (int node : inlined)
        names += (names.empty() ? "" : ",") + nodeName(node);
      std::string error;
      if (!db.store(key, "inline:" + names, result.bestMs, error))
        errs << "kconvc: warning: " << error << "\n";
    }
  }
  for (int node : fusable) {
    auto found = forced.find(nodeName(node));
    if (found != forced.end()) {
      if (found->second)
        inlined.insert(node);
      else
        inlined.erase(node);
    }
    nodeOps[node]->setAttr("kconv.fusion",
                           mlir::StringAttr::get(module.getContext(),
                                                 inlined.count(node) ? "inline" : "root"));
  }
  plan.inlinedNodes = inlined;
  return mlir::success();
}

/// Whether `schedule` suits `op`'s layer: the op verifier's checks that need the layer
/// as well as the schedule (e.g. trim_columns on a depthwise convolution). The op keeps
/// the schedule if it does; otherwise its previous one, and `problem` says why.
bool suitsLayer(dialect::Conv2DOp op, dialect::ScheduleAttr schedule,
                std::string &problem) {
  dialect::ScheduleAttr previous = op.getScheduleAttr();
  op.setScheduleAttr(schedule);
  mlir::ScopedDiagnosticHandler capture(op.getContext(), [&](mlir::Diagnostic &diagnostic) {
    if (problem.empty())
      problem = diagnostic.str();
    return mlir::success();
  });
  if (mlir::succeeded(op.verify()))
    return true;
  if (previous)
    op.setScheduleAttr(previous);
  else
    op.removeScheduleAttr();
  return false;
}

} // namespace

std::string layerSignature(const codegen::PipelinePlan &plan, const codegen::Conv2DLayer &layer,
                           const std::string &target, int threads) {
  codegen::ImageInfo in = plan.imageIn(layer), out = plan.imageOut(layer);
  return llvm::formatv("conv2d n={0} in={1}x{2}x{3} f={4} k={5}x{6} s={7}x{8} d={9}x{10} "
                       "pad={11},{12},{13},{14} g={15} fmt={16}{17} act={18} bias={19} "
                       "target={20} threads={21} tuner={22}",
                       out.batch ? std::to_string(*out.batch) : "?", in.height, in.width,
                       in.channels, layer.filters, layer.kernel[0], layer.kernel[1],
                       layer.strides[0], layer.strides[1], layer.dilation[0], layer.dilation[1],
                       layer.padding[0], layer.padding[1], layer.padding[2], layer.padding[3],
                       layer.groups, layer.channelsFirst ? "cf" : "cl",
                       layer.residual >= 0 ? "+res" : "", layer.activation,
                       layer.biasValues.empty() ? 0 : 1, target, threads,
                       codegen::kTunerVersion)
      .str();
}

mlir::LogicalResult chooseSchedules(mlir::ModuleOp module, codegen::PipelinePlan &plan,
                                    const CompileOptions &options, llvm::raw_ostream &errs) {
  mlir::MLIRContext *ctx = module.getContext();
  // The plan's layers are the convolutions in plan order. Their names there are
  // made unique for Halide (a channels_first layer's transposes carry its name too,
  // and the convolution becomes "name_"), so schedules go by the ops' Keras names.
  llvm::SmallVector<dialect::Conv2DOp> layerOps;
  for (mlir::Operation *node : dialect::planNodeOps(*module.getOps<mlir::func::FuncOp>().begin()))
    if (auto conv = mlir::dyn_cast<dialect::Conv2DOp>(node))
      layerOps.push_back(conv);
  assert(layerOps.size() == plan.layers.size() && "one plan layer per conv2d op");
  llvm::StringMap<dialect::Conv2DOp> ops;
  for (dialect::Conv2DOp op : layerOps)
    if (std::string name = kerasName(op); !name.empty())
      ops[name] = op;
  llvm::StringMap<dialect::ScheduleAttr> forced;
  llvm::StringMap<bool> forcedInline;
  if (!options.scheduleFile.empty() &&
      mlir::failed(readScheduleFile(ctx, options.scheduleFile, forced, forcedInline, errs)))
    return mlir::failure();
  for (const auto &entry : forced) {
    dialect::Conv2DOp op = ops.lookup(entry.getKey());
    if (!op) {
      errs << "kconvc: error: " << options.scheduleFile << ": no conv2d layer named '"
           << entry.getKey() << "' in the model\n";
      return mlir::failure();
    }
    std::string problem;
    if (!suitsLayer(op, entry.getValue(), problem)) {
      errs << "kconvc: error: " << options.scheduleFile << ": layer '" << entry.getKey()
           << "': " << problem << "\n";
      return mlir::failure();
    }
  }

  std::string target;
  if (Status status = codegen::resolveTarget(options.target, target); !status) {
    errs << "kconvc: error: --target=" << options.target << ": " << status.message() << "\n";
    return mlir::failure();
  }
  int threads = effectiveThreads(options);
  bool tuning = tuningRequested(options);
  bool useDb = !options.tuningDb.empty() || tuning;
  TuningDb db(options.tuningDb.empty() ? defaultDbPath() : options.tuningDb);
  if (useDb) {
    std::string error;
    if (options.tuningDb.empty())
      llvm::sys::fs::create_directories(llvm::sys::path::parent_path(db.path()));
    if (!db.load(error)) {
      errs << "kconvc: error: " << error << "\n";
      return mlir::failure();
    }
    if (db.corruptedLines())
      errs << "kconvc: warning: " << db.path() << ": " << db.corruptedLines()
           << " corrupted entries ignored; their layers are tuned again\n";
  }

  // The layers (and fusion decisions) still to tune share a whole-model budget.
  int pending = 0;
  for (auto [layer, op] : llvm::zip_equal(plan.layers, layerOps)) {
    std::string name = kerasName(op).empty() ? layer.name : kerasName(op);
    pending += !forced.lookup(name) && !op.getScheduleAttr() &&
               !(useDb && !db.lookup(layerSignature(plan, layer, target, threads)).empty());
  }
  pending += !codegen::fusableNodes(plan).empty() && db.lookup(fusionKey(plan, target, threads)).empty();
  ModelBudget budget(options, pending);
  TuningTally tally;
  int spent = 0; // layers left untuned: the whole-model budget ran out

  for (auto [layer, op] : llvm::zip_equal(plan.layers, layerOps)) {
    std::string name = kerasName(op);
    if (name.empty())
      name = layer.name;
    dialect::ScheduleAttr chosen = forced.lookup(name);
    if (!chosen && op.getScheduleAttr())
      chosen = op.getScheduleAttr();
    std::string key = layerSignature(plan, layer, target, threads);
    if (!chosen && useDb) {
      // An entry that does not parse or does not suit its layer (edited by hand, or
      // written by a kconv with other rules) counts as a miss.
      std::string stored = db.lookup(key), problem;
      chosen = parseSchedule(ctx, stored, &problem);
      if (!stored.empty() && chosen && !suitsLayer(op, chosen, problem))
        chosen = {};
      if (!stored.empty() && !chosen)
        errs << "kconvc: warning: " << db.path() << ": the entry for layer '" << name
             << "' is not a schedule for it"
             << (problem.empty() ? std::string() : " (" + problem + ")") << "; "
             << (tuning ? "it is tuned again" : "the default schedule is used")
             << "\n";
      tally.fromDb += bool(chosen);
    }
    double seconds = !chosen && tuning ? budget.next() : 0;
    spent += !chosen && tuning && seconds <= 0;
    if (seconds > 0) {
      codegen::TuneOptions tune;
      tune.target = options.target;
      tune.threads = threads;
      tune.budgetSeconds = seconds;
      tune.maxCandidates = options.tuneCandidates;
      tune.seed = options.seed;
      codegen::TuneResult result;
      ++tally.tuned;
      Status status = codegen::tuneLayer(plan, layer, tune, [&](const codegen::TuneProgress &p) {
        printProgress(errs, name, p, seconds);
      }, result);
      errs << "\n";
      if (!status) {
        errs << "kconvc: error: layer '" << name << "': tuning failed: " << status.message()
             << "\n";
        return mlir::failure();
      }
      chosen = dialect::scheduleToAttr(ctx, result.best);
      errs << "kconvc: tuned " << name << ": " << result.tried << " candidates ("
           << result.failed << " failed), default " << codegen::formatMs(result.defaultMs)
           << " -> best " << codegen::formatMs(result.bestMs);
      if (result.remeasured)
        errs << "; " << result.remeasured << " timed above the machine's peak, re-measured"
             << (result.noisy ? " (" + std::to_string(result.noisy) + " still noisy)" : "");
      errs << "\n";
      std::string error;
      if (!db.store(key, attrText(chosen), result.bestMs, error))
        errs << "kconvc: warning: " << error << "\n";
    }
    if (!chosen) {
      Conv2DSchedule fallback;
      if (Status status = codegen::defaultSchedule(plan, layer, options.target, fallback);
          !status) {
        errs << "kconvc: error: " << status.message() << "\n";
        return mlir::failure();
      }
      chosen = dialect::scheduleToAttr(ctx, fallback);
    }
    layer.schedule = dialect::scheduleFromAttr(chosen);
    op.setScheduleAttr(chosen);
  }
  if (spent) {
    char total[32];
    std::snprintf(total, sizeof total, "%g", options.tuneBudgetTotal);
    errs << "kconvc: warning: --tune-budget-total=" << total << " spent: " << spent
         << " layer(s) keep the default schedule (not stored: the next compile tunes them)\n";
  }
  if (mlir::failed(chooseFusion(module, plan, options, forcedInline, db, useDb, target, threads,
                                budget, tally, errs)))
    return mlir::failure();
  // Tuning was asked for, and the database already had everything: say so, rather
  // than leave the user to wonder whether the budget was used.
  if (tuning && tally.tuned == 0 && !tally.fusionTuned && (tally.fromDb || tally.fusionFromDb))
    errs << "kconvc: nothing tuned: the schedules of " << tally.fromDb << " layer(s)"
         << (tally.fusionFromDb ? " and the fusion decisions" : "") << " came from the tuning database "
         << db.path() << "\n";
  return mlir::success();
}

} // namespace kconv::driver