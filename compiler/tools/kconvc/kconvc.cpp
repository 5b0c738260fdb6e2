// kconvc: compiles a Keras model file to MLIR, an object file, a static or shared library
// or an executable.
#include "kconv/Driver/Compile.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/InitLLVM.h"

#include <cstdio>
#include <cstring>
#include <new>
#include <unistd.h>

namespace cl = llvm::cl;
using kconv::driver::EmitKind;

static cl::OptionCategory kconvcCategory("kconvc options");

static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.json | model.h5 | model.keras>"), cl::cat(kconvcCategory));
static cl::opt<std::string> weightsPath("weights", cl::desc("Keras .h5 weights file"),
                                        cl::value_desc("file"), cl::cat(kconvcCategory));
static cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' for stdout with mlir)"),
                                       cl::value_desc("file"), cl::init("-"), cl::cat(kconvcCategory));
static cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to produce"), cl::init(EmitKind::Executable),
    cl::values(clEnumValN(EmitKind::MlirImport, "mlir-import",
                          "kconv dialect IR as imported, before the kconv passes (replay them "
                          "with kconv-opt --kconv-pipeline)"),
               clEnumValN(EmitKind::Mlir, "mlir", "kconv dialect IR after the kconv passes"),
               clEnumValN(EmitKind::Object, "obj", "object file + C header (OUT.h)"),
               clEnumValN(EmitKind::Library, "lib", "static library + C header (OUT.h)"),
               clEnumValN(EmitKind::Shared, "shared",
                          "shared library (dlopen-able, exporting only the model's API, the "
                          "runtimes inside it hidden) + C header (OUT.h)"),
               clEnumValN(EmitKind::Executable, "exe",
                          "executable: OUT --input x.npy --output y.npy [--bench N]")), cl::cat(kconvcCategory));
static cl::opt<std::string> target("target",
                                   cl::desc("Halide target (default: this machine's CPU)"),
                                   cl::init("host"), cl::cat(kconvcCategory));
static cl::opt<std::string> ccCommand(
    "cc",
    cl::desc("C compiler for the target, with leading arguments (default: $CC, else cc, or "
             "aarch64-linux-gnu-gcc for --target=arm-64-linux)"),
    cl::value_desc("command"), cl::cat(kconvcCategory));
static cl::opt<std::string> arCommand(
    "ar",
    cl::desc("Archiver for the target (default: $AR, else ar, or aarch64-linux-gnu-ar for "
             "--target=arm-64-linux)"),
    cl::value_desc("command"), cl::cat(kconvcCategory));
static cl::opt<std::string> symbolPrefix(
    "name",
    cl::desc("C symbol prefix of emitted code, a C identifier (default: from the output "
             "file name)"),
    cl::cat(kconvcCategory));
static cl::opt<bool> noFusion(
    "no-fusion",
    cl::desc("Compute every layer on its own: no BatchNormalization/ZeroPadding2D folding, no "
             "Add/activation fusion (to measure what fusion brings)"),
    cl::cat(kconvcCategory));
static cl::opt<bool> printWeights("mlir-print-weights",
                                  cl::desc("With --emit=mlir, print weights in full"), cl::cat(kconvcCategory));
static cl::opt<int> splitAbove(
    "split-above",
    cl::desc("Lower a model storing more than N results as one Halide pipeline per stored "
             "result, called in order from C (Halide's lowering time grows faster than "
             "the pipeline); -1: always one pipeline"),
    cl::value_desc("N"), cl::init(24), cl::cat(kconvcCategory));
static cl::opt<int> compileJobs(
    "jobs",
    cl::desc("Processes compiling a split model's pipelines in parallel (default: the "
             "cores, at most 8; 1: this process alone)"),
    cl::value_desc("N"), cl::init(0), cl::cat(kconvcCategory));
static cl::alias compileJobsShort("j", cl::desc("Alias for --jobs"), cl::aliasopt(compileJobs),
                                  cl::cat(kconvcCategory));
static cl::opt<std::string> stmtPath("halide-stmt",
                                     cl::desc("Also write Halide's lowered statement here"),
                                     cl::value_desc("file"), cl::cat(kconvcCategory));

static cl::opt<uint64_t> initSeed(
    "init-seed",
    cl::desc("Without weights, draw them from each layer's Keras initializers with this seed"),
    cl::value_desc("N"), cl::cat(kconvcCategory));

static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Sizes for an input's None dimensions after the batch, in the model's layout "
             "(kconv compiles for one size): NAME:224x224x3, or 224x224x3 for a model with "
             "one input; repeat for more inputs"),
    cl::value_desc("[NAME:]D1xD2x..."), cl::cat(kconvcCategory));

static cl::opt<bool> summary(
    "summary", cl::desc("Print a Keras-style model summary with each regularizer's penalty and "
                        "whether each constraint holds, instead of compiling"), cl::cat(kconvcCategory));

static cl::opt<std::string> scheduleFile(
    "schedule",
    cl::desc("Force schedules: a file of 'layer = #kconv.schedule<...>' lines, or one of "
             "Halide's autoschedulers as a baseline: adams2019, mullapudi2016, li2018"),
    cl::value_desc("file"), cl::cat(kconvcCategory));
static cl::opt<double> tuneBudget(
    "tune-budget", cl::desc("Autotune each layer for up to this many seconds (0: no tuning)"),
    cl::value_desc("seconds"), cl::init(0), cl::cat(kconvcCategory));
static cl::opt<int> tuneCandidates(
    "tune-candidates", cl::desc("Autotune each layer measuring at most N candidates (the same "
                                "search on any machine; with --tune-budget: whichever ends first)"),
    cl::value_desc("N"), cl::init(0), cl::cat(kconvcCategory));
static cl::opt<double> tuneBudgetTotal(
    "tune-budget-total", cl::desc("Autotune the whole model for up to this many seconds, shared "
                                  "among the layers not in the tuning database"),
    cl::value_desc("seconds"), cl::init(0), cl::cat(kconvcCategory));
static cl::opt<std::string> tuningDb(
    "tuning-db",
    cl::desc("Tuning database file (default with --tune-budget: ~/.cache/kconv/tuning.db)"),
    cl::value_desc("file"), cl::cat(kconvcCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the tuner's candidate order"),
                              cl::init(1), cl::cat(kconvcCategory));
static cl::opt<int> threads("tune-threads",
                            cl::desc("Threads the default schedules split their work for and "
                                     "the tuner tunes for, and the autoschedulers' parallelism "
                                     "(default: all cores; also --threads)"),
                            cl::init(0), cl::cat(kconvcCategory));
static cl::opt<int> winograd(
    "winograd",
    cl::desc("Largest Winograd output tile the default schedules and the tuner may use for "
             "3x3 stride-1 convolutions: 0 (direct only), 2 (F(2x2, 3x3), the default) or 4 "
             "(F(4x4, 3x3): faster, about ten times the rounding error)"),
    cl::value_desc("0|2|4"), cl::init(2), cl::cat(kconvcCategory));

// Out of memory anywhere (a std::bad_alloc, or LLVM's allocators) ends kconvc with one
// error line naming the model and exit status 1, never "LLVM ERROR" and a stack dump.
// The handlers may not allocate: the message is prepared in a static buffer.
static char outOfMemoryMessage[4096] = "kconvc: error: out of memory\n";

[[noreturn]] static void exitOutOfMemory() {
  ssize_t ignored = write(STDERR_FILENO, outOfMemoryMessage, std::strlen(outOfMemoryMessage));
  (void)ignored;
  _exit(1);
}

/// Installs the handlers; called again once the model path is known, to name it.
static void installOutOfMemoryHandlers(const std::string &model) {
  if (!model.empty())
    std::snprintf(outOfMemoryMessage, sizeof outOfMemoryMessage,
                  "kconvc: error: %.3000s: out of memory (compiling this model needs more "
                  "memory than kconvc may use)\n",
                  model.c_str());
  static bool installed = false;
  if (installed)
    return;
  installed = true;
  std::set_new_handler(exitOutOfMemory);
  llvm::install_bad_alloc_error_handler([](void *, const char *, bool) { exitOutOfMemory(); });
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  installOutOfMemoryHandlers("");
  // `--threads N` is another spelling of --tune-threads. A library linked in registers
  // a hidden `threads` option of its own, which took it silently and did nothing.
  if (cl::Option *foreign = cl::getRegisteredOptions().lookup("threads"))
    foreign->removeArgument();
  static cl::alias threadsAlias("threads", cl::desc("Alias for --tune-threads"),
                                cl::aliasopt(threads), cl::cat(kconvcCategory));
  cl::HideUnrelatedOptions(kconvcCategory);
  cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { os << kconv::driver::versionLine() << "\n"; });
  cl::ParseCommandLineOptions(argc, argv,
                              "kconvc: compile a Keras model to native code via MLIR and Halide\n");
  installOutOfMemoryHandlers(modelPath);
  kconv::driver::CompileOptions options;
  options.modelPath = modelPath;
  options.weightsPath = weightsPath;
  options.outputPath = outputPath;
  options.emit = emitKind;
  options.target = target;
  options.cc = ccCommand;
  options.ar = arCommand;
  options.symbolPrefix = symbolPrefix;
  options.printWeights = printWeights;
  options.fusion = !noFusion;
  options.stmtPath = stmtPath;
  options.splitAbove = splitAbove;
  if (compileJobs < 0) {
    llvm::errs() << "kconvc: error: --jobs must be >= 0, got " << compileJobs << "\n";
    return 1;
  }
  options.jobs = compileJobs;
  options.summary = summary;
  options.scheduleFile = scheduleFile;
  options.tuneBudget = tuneBudget;
  options.tuneCandidates = tuneCandidates;
  options.tuneBudgetTotal = tuneBudgetTotal;
  options.tuningDb = tuningDb;
  options.seed = seed;
  options.threads = threads;
  options.winograd = winograd;
  options.inputShapes.assign(inputShapes.begin(), inputShapes.end());
  if (initSeed.getNumOccurrences())
    options.initSeed = initSeed;
  int code = kconv::driver::compile(options, llvm::errs());
  // A failed write to standard output (a full disk, a closed pipe) is an error too, not
  // LLVM's fatal error when the stream is destroyed.
  llvm::outs().flush();
  if (llvm::outs().has_error()) {
    llvm::errs() << "kconvc: error: standard output: cannot write: "
                 << llvm::outs().error().message() << "\n";
    llvm::outs().clear_error();
    return 1;
  }
  return code;
}
