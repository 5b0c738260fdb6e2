#include "kconv/Driver/Compile.h"

#include "Artifacts.h"
#include "Schedules.h"
#include "Summary.h"
#include "kconv/Codegen/HalideEmitter.h"
#include "kconv/Codegen/ModelGlue.h"
#include "kconv/Driver/Config.h"
#include "kconv/Conversion/KconvToPlan.h"
#include "kconv/Importer/KerasImporter.h"
#include "kconv/Keras/KerasLoader.h"
#include "kconv/Transforms/Passes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/FormatVariadic.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <thread>

namespace kconv::driver {

std::string symbolPrefixFor(const std::string &modelName) {
  std::string prefix;
  for (char ch : modelName)
    prefix += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  if (prefix.empty() || std::isdigit(static_cast<unsigned char>(prefix[0])))
    prefix = "m_" + prefix;
  return prefix;
}

/// More threads than this is a typo (each would be an OpenMP thread while tuning).
constexpr int kMaxThreads = 1024;

int effectiveThreads(const CompileOptions &options) {
  return options.threads > 0 ? options.threads
                             : int(std::max(1u, std::thread::hardware_concurrency()));
}

namespace {

/// Prints "kconvc: error: FILE: layer 'NAME' (CLASS): MESSAGE" for MLIR diagnostics
/// located at a layer, "kconvc: error: FILE: MESSAGE" otherwise.
class LayerDiagnosticPrinter {
public:
  LayerDiagnosticPrinter(mlir::MLIRContext &context, const keras::Model &model,
                         llvm::raw_ostream &errs)
      : errs(errs), handler(&context, [this](mlir::Diagnostic &d) { return print(d); }) {
    for (const keras::Layer &layer : model.layers)
      classes[layer.name] = layer.className;
  }

private:
  mlir::LogicalResult print(mlir::Diagnostic &diag) {
    const char *severity = diag.getSeverity() == mlir::DiagnosticSeverity::Error     ? "error"
                           : diag.getSeverity() == mlir::DiagnosticSeverity::Warning ? "warning"
                                                                                      : "note";
    errs << "kconvc: " << severity << ": ";
    mlir::Location loc = diag.getLocation();
    if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc)) {
      if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(name.getChildLoc()))
        errs << file.getFilename().getValue() << ": ";
      errs << "layer '" << name.getName().getValue() << "'";
      // Ops a layer expands into are named "layer/part".
      auto cls = classes.find(name.getName().getValue().split('/').first);
      if (cls != classes.end())
        errs << " (" << cls->second << ")";
      errs << ": ";
    } else if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(loc)) {
      errs << file.getFilename().getValue() << ": ";
    }
    errs << diag.str() << "\n";
    return mlir::success();
  }

  llvm::raw_ostream &errs;
  llvm::StringMap<std::string> classes;
  mlir::ScopedDiagnosticHandler handler;
};

int fail(llvm::raw_ostream &errs, const std::string &message) {
  errs << "kconvc: error: " << message << "\n";
  return 1;
}

int fail(llvm::raw_ostream &errs, llvm::Error error) {
  return fail(errs, llvm::toString(std::move(error)));
}

mlir::LogicalResult optimize(mlir::ModuleOp module, bool fusion) {
  namespace kc = mlir::kconv;
  mlir::PassManager pm(module->getContext());
  mlir::OpPassManager &func = pm.nest<mlir::func::FuncOp>();
  func.addPass(kc::createKconvInferShapes());
  func.addPass(kc::createKconvEliminateIdentity());
  func.addPass(kc::createKconvConvertLayout());
  func.addPass(kc::createKconvResolvePadding());
  if (fusion) {
    func.addPass(kc::createKconvFoldPadding());
    func.addPass(kc::createKconvFoldBatchNorm());
    func.addPass(kc::createKconvFuseEpilogue());
  }
  func.addPass(kc::createKconvEliminateIdentity());
  return pm.run(module);
}

int emitMlir(mlir::ModuleOp module, const CompileOptions &options, llvm::raw_ostream &errs) {
  mlir::OpPrintingFlags flags;
  if (!options.printWeights)
    flags.elideLargeResourceString(64);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, flags);
  os << "\n";
  if (options.outputPath.empty() || options.outputPath == "-") {
    llvm::outs() << text;
    return 0;
  }
  if (llvm::Error e = writeFileAtomically(options.outputPath, text))
    return fail(errs, std::move(e));
  return 0;
}

/// Halide pipeline + C glue, compiled and combined into the requested artifact.
int emitNative(const codegen::PipelinePlan &plan, const CompileOptions &options,
               llvm::raw_ostream &errs) {
  if (options.outputPath.empty() || options.outputPath == "-")
    return fail(errs, "-o OUTPUT is required with --emit=obj|lib|exe");
  llvm::Expected<ScratchDir> scratch = ScratchDir::create();
  if (!scratch)
    return fail(errs, scratch.takeError());
  llvm::Expected<RuntimeLocation> runtime = findRuntime();
  if (!runtime)
    return fail(errs, runtime.takeError());

  std::string prefix =
      options.symbolPrefix.empty() ? symbolPrefixFor(plan.name) : options.symbolPrefix;
  codegen::EmitRequest request;
  request.target = options.target;
  request.functionName = codegen::pipelineFunctionName(prefix);
  request.objectPath = scratch->file("pipeline.o");
  request.stmtPath = options.stmtPath;
  if (Status status = codegen::emitPipeline(plan, request); !status)
    return fail(errs, options.modelPath + ": code generation failed: " + status.message());

  bool exe = options.emit == EmitKind::Executable;
  std::string glueSource = scratch->file("glue.c"), glueObject = scratch->file("glue.o");
  if (llvm::Error e = writeFileAtomically(glueSource,
                                          codegen::generateModelSource(plan, prefix, exe)))
    return fail(errs, std::move(e));
  // The glue is compiled from standard input: the scratch directory's random name
  // must not reach the object (sanitizers record the source path), so builds are
  // byte-for-byte reproducible.
  std::vector<std::string> extraFlags;
  llvm::SmallVector<llvm::StringRef> split;
  llvm::StringRef(KCONV_GENERATED_CODE_FLAGS).split(split, ' ', -1, false);
  for (llvm::StringRef flag : split)
    extraFlags.push_back(flag.str());
  std::vector<std::string> compileGlue = {"-O2", "-fPIC", "-x", "c", "-c", "-",
                                          "-I" + runtime->includeDir, "-o", glueObject};
  compileGlue.insert(compileGlue.end(), extraFlags.begin(), extraFlags.end());
  if (llvm::Error e = runTool("cc", compileGlue, llvm::StringRef(glueSource)))
    return fail(errs, std::move(e));

  std::string artifact = scratch->file("artifact");
  llvm::Error linked = llvm::Error::success();
  switch (options.emit) {
  case EmitKind::Executable: {
    std::vector<std::string> link = {glueObject, request.objectPath, runtime->library,
                                     "-fopenmp", "-lpthread", "-ldl", "-lm", "-o", artifact};
    link.insert(link.end(), extraFlags.begin(), extraFlags.end());
    linked = runTool("cc", link);
    break;
  }
  case EmitKind::Object:
    linked = runTool("ld", {"-r", glueObject, request.objectPath, "-o", artifact});
    break;
  case EmitKind::Library:
    linked = runTool("ar", {"rcsD", artifact, glueObject, request.objectPath});
    break;
  case EmitKind::Mlir:
    break;
  }
  if (linked)
    return fail(errs, std::move(linked));

  if (!exe) {
    std::string header = headerPathFor(options.outputPath);
    if (llvm::Error e = writeFileAtomically(header, codegen::generateModelHeader(plan, prefix)))
      return fail(errs, std::move(e));
  }
  if (llvm::Error e = placeFileAtomically(artifact, options.outputPath, exe))
    return fail(errs, std::move(e));
  return 0;
}

} // namespace

int compile(const CompileOptions &options, llvm::raw_ostream &errs) {
  // A negative or NaN budget is a typo, not "no tuning"; an infinite one never ends.
  struct Budget { const char *flag; double seconds; const char *zero; };
  for (Budget b : {Budget{"--tune-budget=", options.tuneBudget, "no tuning"},
                   Budget{"--tune-budget-total=", options.tuneBudgetTotal, "no limit"}})
    if (!std::isfinite(b.seconds) || b.seconds < 0) {
      char given[32];
      std::snprintf(given, sizeof given, "%g", b.seconds);
      return fail(errs, std::string(b.flag) + given +
                            ": expected a finite number of seconds >= 0 (0: " + b.zero + ")");
    }
  if (options.tuneCandidates < 0)
    return fail(errs, "--tune-candidates=" + std::to_string(options.tuneCandidates) +
                          ": expected a number of candidates >= 0 (0: no limit)");
  if (options.threads < 0 || options.threads > kMaxThreads)
    return fail(errs, llvm::formatv("--tune-threads={0}: expected 1 to {1} threads (0: every "
                                    "core)",
                                    options.threads, kMaxThreads)
                          .str());
  keras::LoadedModel loaded;
  if (Status status = keras::loadKerasModel(options.modelPath, options.weightsPath, loaded);
      !status)
    return fail(errs, status.message());

  for (const std::string &warning : loaded.model.warnings)
    errs << "kconvc: warning: " << warning << "\n";
  mlir::MLIRContext context;
  LayerDiagnosticPrinter printer(context, loaded.model, errs);
  if (loaded.weights && options.initSeed)
    return fail(errs, "--init-seed draws weights for a model without them, but '" +
                          loaded.weights->sourcePath + "' provides weights");
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::kconv::importKerasModel(
      context, loaded.model, loaded.weights ? &*loaded.weights : nullptr, options.initSeed);
  if (!module)
    return 1;
  if (options.summary) { // the layers as Keras has them, before any folding
    printSummary(*module, loaded.model, loaded.weights || options.initSeed, llvm::outs());
    return 0;
  }
  if (mlir::failed(optimize(*module, options.fusion)))
    return 1;
  bool native = options.emit != EmitKind::Mlir;
  if (native && !loaded.weights && !options.initSeed)
    return fail(errs, options.modelPath +
                          ": the model has no weights: pass --weights FILE (a Keras .h5), or "
                          "--init-seed N to draw them from the layers' initializers");
  auto funcs = module->getOps<mlir::func::FuncOp>();
  mlir::FailureOr<codegen::PipelinePlan> plan =
      mlir::kconv::convertToPlan(*funcs.begin(), /*requireWeights=*/native);
  if (mlir::failed(plan))
    return 1;
  // --schedule=adams2019|mullapudi2016|li2018: Halide's autoschedulers as baselines.
  std::string lower = llvm::StringRef(options.scheduleFile).lower();
  if (lower == "adams2019" || lower == "mullapudi2016" || lower == "li2018") {
    plan->autoscheduler = lower == "adams2019" ? "Adams2019"
                          : lower == "li2018"  ? "Li2018"
                                               : "Mullapudi2016";
    plan->autoschedulerParallelism = effectiveThreads(options);
  } else if (mlir::failed(chooseSchedules(*module, *plan, options, errs))) {
    return 1;
  }
  if (!native)
    return emitMlir(*module, options, errs);
  return emitNative(*plan, options, errs);
}

} // namespace kconv::driver
