#include "kconv/Driver/Compile.h"

#include "Artifacts.h"
#include "InputShapes.h"
#include "Schedules.h"
#include "Summary.h"
#include "kconv/Codegen/CText.h"
#include "kconv/Codegen/HalideEmitter.h"
#include "kconv/Codegen/ModelGlue.h"
#include "kconv/Driver/Config.h"
#include "kconv/Conversion/KconvToPlan.h"
#include "kconv/Importer/KerasImporter.h"
#include "kconv/Keras/KerasLoader.h"
#include "kconv/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <thread>

namespace kconv::driver {

bool isReservedPrefix(llvm::StringRef prefix) {
  // kconv_model, kconv_run... and halide_* are the runtimes' own names; identifiers
  // starting with '_' are the C implementation's at file scope.
  return prefix.starts_with("_") || prefix == "kconv" || prefix.starts_with("kconv_") ||
         prefix == "halide" || prefix.starts_with("halide_");
}

std::string symbolPrefixFor(const std::string &outputPath) {
  // Two models both named `sequential` (Keras's default) got the same symbols; their
  // output files are named apart.
  llvm::StringRef stem = llvm::sys::path::stem(outputPath);
  llvm::StringRef ext = llvm::sys::path::extension(outputPath);
  if ((ext == ".a" || ext == ".so") && stem.size() > 3 && stem.starts_with("lib"))
    stem = stem.drop_front(3);
  std::string prefix = codegen::cIdentifierFrom(stem.str());
  return isReservedPrefix(prefix) ? "m_" + prefix : prefix; // (-o kconv: m_kconv_model)
}

std::string versionLine() {
  return "kconvc " KCONV_VERSION " (LLVM " LLVM_VERSION_STRING ", Halide " KCONV_HALIDE_VERSION
         ")";
}

/// More threads than this is a typo (each would be an OpenMP thread while tuning).
constexpr int kMaxThreads = 1024;

int effectiveThreads(const CompileOptions &options) {
  return options.threads > 0 ? options.threads
                             : int(std::max(1u, std::thread::hardware_concurrency()));
}

namespace {

/// `text` on one line: names from the model (a layer named "a\nb") could otherwise
/// split a diagnostic; control characters are shown as \xNN.
std::string oneLine(llvm::StringRef text) {
  text = text.rtrim("\r\n"); // (Halide's messages end with a line break)
  std::string out;
  for (char ch : text) {
    unsigned char byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7f)
      out += "\\x" + llvm::utohexstr(byte, /*LowerCase=*/false, /*Width=*/2);
    else
      out += ch;
  }
  return out;
}

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
    std::string line;
    llvm::raw_string_ostream os(line);
    mlir::Location loc = diag.getLocation();
    if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc)) {
      if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(name.getChildLoc()))
        os << file.getFilename().getValue() << ": ";
      os << "layer '" << name.getName().getValue() << "'";
      // Ops a layer expands into are named "layer/part".
      auto cls = classes.find(name.getName().getValue().split('/').first);
      if (cls != classes.end())
        os << " (" << cls->second << ")";
      os << ": ";
    } else if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(loc)) {
      os << file.getFilename().getValue() << ": ";
    }
    os << diag.str();
    errs << "kconvc: " << severity << ": " << oneLine(line) << "\n";
    return mlir::success();
  }

  llvm::raw_ostream &errs;
  llvm::StringMap<std::string> classes;
  mlir::ScopedDiagnosticHandler handler;
};

int fail(llvm::raw_ostream &errs, const std::string &message) {
  errs << "kconvc: error: " << oneLine(message) << "\n";
  return 1;
}

int fail(llvm::raw_ostream &errs, llvm::Error error) {
  return fail(errs, llvm::toString(std::move(error)));
}

/// Whether some weight of the module was imported without values (no --weights): a
/// model of pooling, activations and reshapes compiles without a weights file.
bool lacksWeightValues(mlir::ModuleOp module) {
  bool lacking = false;
  module.walk([&](mlir::arith::ConstantOp constant) {
    if (auto resource = llvm::dyn_cast<mlir::DenseF32ResourceElementsAttr>(constant.getValue()))
      if (!resource.tryGetAsArrayRef())
        lacking = true;
  });
  return lacking;
}

mlir::LogicalResult optimize(mlir::ModuleOp module, bool fusion) {
  mlir::PassManager pm(module->getContext());
  kconv::dialect::buildKconvPipeline(pm, fusion);
  return pm.run(module);
}

int emitMlir(mlir::ModuleOp module, const CompileOptions &options, OutputSet &outputs,
             llvm::raw_ostream &errs) {
  mlir::OpPrintingFlags flags;
  if (!options.printWeights)
    flags.elideLargeResourceString(64);
  // The imported IR keeps its locations (the Keras layer names), which the passes use
  // to name what they make: kconv-opt --kconv-pipeline replays it exactly.
  if (options.emit == EmitKind::MlirImport)
    flags.enableDebugInfo();
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, flags);
  os << "\n";
  if (options.outputPath.empty() || options.outputPath == "-") {
    llvm::outs() << text; // errors writing standard output are reported by kconvc's main
    return 0;
  }
  if (llvm::Error e = outputs.stage(options.outputPath, text))
    return fail(errs, std::move(e));
  if (llvm::Error e = outputs.commit())
    return fail(errs, std::move(e));
  return 0;
}

/// The tools and runtime that build and link code for the target.
struct Toolchain {
  RuntimeLocation runtime;
  Tool cc;
  std::optional<Tool> ar;
};

/// Finds the runtime and tools for `machine`, before any work: this machine's ($CC or
/// cc, $AR or ar), or a cross target's (--cc, else $CC, else <triple>-gcc; likewise
/// the archiver), whose C compiler must make code for the target, never silently this
/// machine's.
llvm::Expected<Toolchain> findToolchain(const CompileOptions &options,
                                        const codegen::TargetMachine &machine,
                                        const ScratchDir &scratch) {
  const std::string &triple = machine.crossTriple;
  std::string forTarget = machine.native() ? "" : "--target=" + options.target + ": ";
  auto withTarget = [&](llvm::Error e) {
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                   forTarget + llvm::toString(std::move(e)));
  };
  llvm::Expected<RuntimeLocation> runtime = findRuntime(triple);
  if (!runtime)
    return withTarget(runtime.takeError());
  llvm::Expected<Tool> cc =
      findTool("CC", machine.native() ? "cc" : triple + "-gcc", "cc", options.cc, "--cc");
  if (!cc) {
    if (machine.native())
      return cc.takeError();
    llvm::consumeError(cc.takeError());
    std::string program = options.cc.empty() && !llvm::sys::Process::GetEnv("CC")
                              ? "'" + triple + "-gcc' on PATH (Debian: gcc-" + triple + ")"
                              : "the C compiler that --cc or $CC names";
    return llvm::createStringError(std::make_error_code(std::errc::no_such_file_or_directory),
                                   forTarget + "needs a C compiler for " + triple +
                                       ": cannot find " + program);
  }
  if (!machine.native()) {
    llvm::Expected<std::string> made = compilerMachine(*cc, scratch);
    if (!made)
      return withTarget(made.takeError());
    llvm::StringRef arch = llvm::StringRef(triple).split('-').first;
    if (llvm::StringRef(*made).split('-').first != arch)
      return llvm::createStringError(
          std::make_error_code(std::errc::invalid_argument),
          forTarget + "the C compiler '" + cc->program + "'" + cc->origin + " makes code for " +
              *made + ", not " + triple + ": name one for " + triple + " with --cc or $CC (" +
              triple + "-gcc)");
  }
  Toolchain toolchain{std::move(*runtime), std::move(*cc), std::nullopt};
  if (options.emit == EmitKind::Library) {
    llvm::Expected<Tool> ar = findTool("AR", machine.native() ? "ar" : triple + "-ar", "ar",
                                       options.ar, "--ar");
    if (!ar)
      return machine.native() ? ar.takeError() : withTarget(ar.takeError());
    toolchain.ar = std::move(*ar);
  }
  return toolchain;
}

/// Halide pipeline + C glue, compiled and combined into the requested artifact.
int emitNative(const codegen::PipelinePlan &plan, const CompileOptions &options,
               const codegen::TargetMachine &machine, const Toolchain &toolchain,
               const ScratchDir &scratch, OutputSet &outputs, llvm::raw_ostream &errs) {
  const RuntimeLocation &runtime = toolchain.runtime;
  const Tool &cc = toolchain.cc;
  std::string prefix = options.symbolPrefix.empty() ? symbolPrefixFor(options.outputPath)
                                                   : options.symbolPrefix;
  codegen::EmitRequest request;
  request.target = options.target;
  request.functionName = codegen::pipelineFunctionName(prefix);
  request.objectPath = scratch.file("pipeline.o");
  request.splitAbove = options.splitAbove;
  // Halide's runtime built with kconv, where it serves the target, saves compiling it.
  bool prebuiltRuntime =
      !runtime.halideRuntime.empty() && codegen::prebuiltRuntimeFits(options.target);
  request.halideRuntime = !prebuiltRuntime;
  request.jobs = options.jobs > 0 ? options.jobs
                                  : int(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  // Halide writes the statement into the scratch directory; it is placed with the rest.
  if (!options.stmtPath.empty())
    request.stmtPath = scratch.file("pipeline.stmt");
  std::vector<std::string> partObjects;
  std::string topLevelC;
  if (Status status = codegen::emitPipeline(plan, request, &partObjects, &topLevelC); !status)
    return fail(errs, options.modelPath + ": code generation failed: " + status.message());
  // Generated code is compiled from standard input: the scratch directory's random name
  // must not reach an object (sanitizers record the source path), so builds are
  // byte-for-byte reproducible. Sanitizer builds' flags are for this machine only: the
  // sanitizers' runtimes are this machine's, and the cross runtime has none.
  std::vector<std::string> extraFlags;
  llvm::SmallVector<llvm::StringRef> split;
  if (machine.native())
    llvm::StringRef(KCONV_GENERATED_CODE_FLAGS).split(split, ' ', -1, false);
  for (llvm::StringRef flag : split)
    extraFlags.push_back(flag.str());
  auto compileC = [&](const std::string &source, const std::string &object,
                      llvm::StringRef what) {
    std::vector<std::string> args = {"-O2", "-fPIC", "-x", "c", "-c", "-",
                                     "-I" + runtime.includeDir, "-o", object};
    args.insert(args.end(), extraFlags.begin(), extraFlags.end());
    return runTool(cc, what, args, scratch, llvm::StringRef(source));
  };
  if (!topLevelC.empty()) {
    // A split model's top level, calling its pipelines in order (docs/codegen.md).
    std::string topSource = scratch.file("toplevel.c"), topObject = scratch.file("toplevel.o");
    if (llvm::Error e = writeFileAtomically(topSource, topLevelC))
      return fail(errs, std::move(e));
    if (llvm::Error e = compileC(topSource, topObject, "compiling the split pipeline's top level"))
      return fail(errs, std::move(e));
    partObjects.push_back(topObject);
  }
  if (prebuiltRuntime)
    partObjects.push_back(runtime.halideRuntime);
  if (!partObjects.empty()) {
    // Pipelines compiled by other processes, and Halide's runtime if built apart: one
    // object again, as if compiled whole.
    std::string whole = scratch.file("pipeline-whole.o");
    std::vector<std::string> combine = {"-r", "-nostdlib", request.objectPath};
    combine.insert(combine.end(), partObjects.begin(), partObjects.end());
    combine.insert(combine.end(), {"-o", whole});
    if (llvm::Error e = runTool(cc, "combining the pipeline's object files", combine, scratch))
      return fail(errs, std::move(e));
    request.objectPath = whole;
  }

  bool exe = options.emit == EmitKind::Executable;
  bool shared = options.emit == EmitKind::Shared;
  codegen::GlueBuild build;
  build.kconvVersion = KCONV_VERSION;
  build.versionMajor = KCONV_VERSION_MAJOR;
  build.versionMinor = KCONV_VERSION_MINOR;
  build.versionPatch = KCONV_VERSION_PATCH;
  build.shared = shared;
  if (Status status = codegen::resolveTarget(options.target, build.target); !status)
    return fail(errs, "--target=" + options.target + ": " + status.message());
  // A digest of the compiled pipeline (weights included) names this build's own
  // symbol, which the header makes its includers need (see generateModelHeader).
  std::string linkId;
  if (!exe) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> pipeline =
        llvm::MemoryBuffer::getFile(request.objectPath);
    if (!pipeline)
      return fail(errs, request.objectPath + ": " + pipeline.getError().message());
    linkId = llvm::utohexstr(llvm::xxh3_64bits((*pipeline)->getBuffer()), /*LowerCase=*/true,
                             /*Width=*/16);
  }
  std::string glueSource = scratch.file("glue.c"), glueObject = scratch.file("glue.o");
  if (llvm::Error e = writeFileAtomically(
          glueSource, codegen::generateModelSource(plan, prefix, exe, linkId, build)))
    return fail(errs, std::move(e));
  if (llvm::Error e = compileC(glueSource, glueObject, "compiling the model's C glue code"))
    return fail(errs, std::move(e));

  std::string artifact = scratch.file("artifact");
  llvm::Error linked = llvm::Error::success();
  switch (options.emit) {
  case EmitKind::Executable: {
    std::vector<std::string> link = {glueObject, request.objectPath, runtime.library,
                                     "-fopenmp", "-lpthread", "-ldl", "-lm", "-o", artifact};
    link.insert(link.end(), extraFlags.begin(), extraFlags.end());
    linked = runTool(cc, "linking the executable", link, scratch);
    break;
  }
  case EmitKind::Shared: {
    // Only the model's API is exported (a version script lists it); the kconv and
    // Halide runtimes linked in are bound inside the library, so two models' libraries
    // in one process each use their own and never collide.
    std::string exports = "{\n  global:\n";
    for (const std::string &symbol : codegen::sharedLibrarySymbols(prefix, linkId))
      exports += "    " + symbol + ";\n";
    exports += "  local: *;\n};\n";
    std::string script = scratch.file("exports.map");
    if (llvm::Error e = writeFileAtomically(script, exports))
      return fail(errs, std::move(e));
    std::vector<std::string> link = {"-shared", glueObject, request.objectPath,
                                     runtime.library, "-fopenmp", "-lpthread", "-ldl", "-lm",
                                     "-Wl,--version-script=" + script, "-Wl,--exclude-libs,ALL",
                                     "-o", artifact};
    // Every symbol resolved now, not when loaded; sanitizer builds leave their
    // runtimes' to the executable that loads the library.
    if (extraFlags.empty())
      link.push_back("-Wl,--no-undefined");
    link.insert(link.end(), extraFlags.begin(), extraFlags.end());
    linked = runTool(cc, "linking the shared library", link, scratch);
    break;
  }
  case EmitKind::Object: // a partial link by the C compiler's driver: no `ld` of our own
    linked = runTool(cc, "combining the object files",
                     {"-r", "-nostdlib", glueObject, request.objectPath, "-o", artifact},
                     scratch);
    break;
  case EmitKind::Library:
    linked = runTool(*toolchain.ar, "making the static library",
                     {"rcsD", artifact, glueObject, request.objectPath}, scratch);
    break;
  case EmitKind::MlirImport:
  case EmitKind::Mlir:
    break;
  }
  if (linked)
    return fail(errs, std::move(linked));

  // Every output is staged before any is placed: a failure leaves all of them untouched.
  if (llvm::Error e = outputs.stageFile(options.outputPath, artifact, exe))
    return fail(errs, std::move(e));
  if (!exe && !outputs.isSpecial(options.outputPath))
    if (llvm::Error e = outputs.stage(headerPathFor(options.outputPath),
                                      codegen::generateModelHeader(plan, prefix, linkId, build)))
      return fail(errs, std::move(e));
  if (!options.stmtPath.empty())
    if (llvm::Error e = outputs.stageFile(options.stmtPath, request.stmtPath, false))
      return fail(errs, std::move(e));
  if (llvm::Error e = outputs.commit())
    return fail(errs, std::move(e));
  return 0;
}

/// Declares the command's outputs, refusing any that would overwrite one of its inputs,
/// a directory, or land in a missing directory, before any work is done.
llvm::Error declareOutputs(const CompileOptions &options, OutputSet &outputs) {
  bool toStdout = options.outputPath.empty() || options.outputPath == "-";
  if (options.emit == EmitKind::Mlir || options.emit == EmitKind::MlirImport) {
    // No Halide code is made, so there would be no statement: an error, not silence.
    if (!options.stmtPath.empty())
      return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                     "--halide-stmt needs --emit=obj, lib, shared or exe");
    return toStdout ? llvm::Error::success() : outputs.add(options.outputPath);
  }
  if (toStdout)
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                   "-o OUTPUT is required with --emit=obj|lib|shared|exe");
  if (llvm::Error e = outputs.add(options.outputPath))
    return e;
  // A device or FIFO as -o has no file name to put a header beside: none is written.
  if (options.emit != EmitKind::Executable && !outputs.isSpecial(options.outputPath))
    if (llvm::Error e = outputs.add(headerPathFor(options.outputPath),
                                    "the header of -o " + options.outputPath))
      return e;
  if (!options.stmtPath.empty())
    return outputs.add(options.stmtPath);
  return llvm::Error::success();
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
  if (options.winograd != 0 && options.winograd != 2 && options.winograd != 4)
    return fail(errs, "--winograd=" + std::to_string(options.winograd) +
                          ": expected 0 (direct only), 2 or 4 (the largest Winograd output "
                          "tile)");
  if (!options.symbolPrefix.empty() && !codegen::isCIdentifier(options.symbolPrefix)) {
    std::string shown;
    llvm::raw_string_ostream os(shown);
    llvm::printEscapedString(options.symbolPrefix, os); // one line, whatever it holds
    return fail(errs, "--name='" + shown +
                          "': not a C identifier (letters, digits and '_', not starting with "
                          "a digit)");
  }
  if (isReservedPrefix(options.symbolPrefix))
    return fail(errs, "--name='" + options.symbolPrefix +
                          "': reserved (names starting with '_', 'kconv' or 'halide' are the "
                          "runtimes' and C's own)");
  // A target kconv cannot build for is refused here, not found out by the linker.
  codegen::TargetMachine machine;
  if (Status status = codegen::checkTarget(options.target, machine); !status)
    return fail(errs, "--target=" + options.target + ": " + status.message());
  // The tuner times candidates on this machine, which cannot run another's code.
  if (!machine.native() && tuningRequested(options))
    return fail(errs, "--target=" + options.target +
                          ": cannot tune for another machine (the tuner times each candidate "
                          "here): drop --tune-budget, --tune-candidates and "
                          "--tune-budget-total (the default schedules use the target's " +
                          std::to_string(machine.floatLanes) +
                          "-lane vectors), or pass --tuning-db with schedules tuned there");
  // The tuner's space and timings are the CPU's; a GPU pipeline has one schedule.
  if (machine.gpu && tuningRequested(options))
    return fail(errs, "--target=" + options.target +
                          ": the tuner does not time GPU schedules yet: drop --tune-budget, "
                          "--tune-candidates and --tune-budget-total (GPU pipelines use the "
                          "default GPU schedule)");
  std::string lowerSchedule = llvm::StringRef(options.scheduleFile).lower();
  bool scheduleIsFile = lowerSchedule != "adams2019" && lowerSchedule != "mullapudi2016" &&
                        lowerSchedule != "li2018";
  OutputSet outputs({options.modelPath, options.weightsPath,
                     scheduleIsFile ? options.scheduleFile : std::string(), options.tuningDb});
  if (!options.summary)
    if (llvm::Error e = declareOutputs(options, outputs))
      return fail(errs, std::move(e));
  // The tools and runtime for native code are found before any work, so a missing one
  // costs no compile and leaves no output.
  bool emitsCode = !options.summary && options.emit != EmitKind::Mlir &&
                   options.emit != EmitKind::MlirImport;
  std::optional<ScratchDir> scratch;
  std::optional<Toolchain> toolchain;
  if (emitsCode) {
    llvm::Expected<ScratchDir> created = ScratchDir::create();
    if (!created)
      return fail(errs, created.takeError());
    scratch.emplace(std::move(*created));
    llvm::Expected<Toolchain> found = findToolchain(options, machine, *scratch);
    if (!found)
      return fail(errs, found.takeError());
    toolchain = std::move(*found);
  }

  keras::LoadedModel loaded;
  if (Status status = keras::loadKerasModel(options.modelPath, options.weightsPath, loaded);
      !status)
    return fail(errs, status.message());

  for (const std::string &warning : loaded.model.warnings)
    errs << "kconvc: warning: " << oneLine(warning) << "\n";
  if (std::string bad = applyInputShapes(loaded.model, options.inputShapes); !bad.empty())
    return fail(errs, options.modelPath + ": " + bad);
  // The context, and the weights its resources copy, are let go before code generation.
  auto context = std::make_unique<mlir::MLIRContext>();
  auto printer = std::make_unique<LayerDiagnosticPrinter>(*context, loaded.model, errs);
  if (loaded.weights && options.initSeed)
    return fail(errs, "--init-seed draws weights for a model without them, but '" +
                          loaded.weights->sourcePath + "' provides weights");
  mlir::OwningOpRef<mlir::ModuleOp> module = kconv::dialect::importKerasModel(
      *context, loaded.model, loaded.weights ? &*loaded.weights : nullptr, options.initSeed);
  bool hasWeights = loaded.weights.has_value();
  loaded.weights.reset();
  if (!module)
    return 1;
  if (options.summary) { // the layers as Keras has them, before any folding
    printSummary(*module, loaded.model, hasWeights || options.initSeed, llvm::outs());
    return 0;
  }
  if (options.emit == EmitKind::MlirImport) // as imported, for kconv-opt to replay the passes
    return emitMlir(*module, options, outputs, errs);
  if (mlir::failed(optimize(*module, options.fusion)))
    return 1;
  if (emitsCode && !hasWeights && !options.initSeed && lacksWeightValues(*module))
    return fail(errs, options.modelPath +
                          ": the model has no weights: pass --weights FILE (a Keras .h5), or "
                          "--init-seed N to draw them from the layers' initializers");
  auto funcs = module->getOps<mlir::func::FuncOp>();
  mlir::FailureOr<codegen::PipelinePlan> plan =
      kconv::dialect::convertToPlan(*funcs.begin(), /*requireWeights=*/emitsCode);
  if (mlir::failed(plan))
    return 1;
  plan->threads = effectiveThreads(options);
  plan->winograd = options.winograd;
  // --schedule=adams2019|mullapudi2016|li2018: Halide's autoschedulers as baselines.
  if (!scheduleIsFile) {
    plan->autoscheduler = lowerSchedule == "adams2019" ? "Adams2019"
                          : lowerSchedule == "li2018"  ? "Li2018"
                                                       : "Mullapudi2016";
    plan->autoschedulerParallelism = effectiveThreads(options);
  } else if (mlir::failed(chooseSchedules(*module, *plan, options, errs))) {
    return 1;
  }
  if (!emitsCode)
    return emitMlir(*module, options, outputs, errs);
  module = nullptr;
  printer.reset();
  context.reset();
  return emitNative(*plan, options, machine, *toolchain, *scratch, outputs, errs);
}

} // namespace kconv::driver
