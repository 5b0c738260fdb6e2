// kconvc: compiles a Keras model file to MLIR, an object file, a static library or an
// executable.
#include "kconv/Driver/Compile.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

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
    cl::values(clEnumValN(EmitKind::Mlir, "mlir", "kconv dialect IR after the kconv passes"),
               clEnumValN(EmitKind::Object, "obj", "object file + C header (OUT.h)"),
               clEnumValN(EmitKind::Library, "lib", "static library + C header (OUT.h)"),
               clEnumValN(EmitKind::Executable, "exe",
                          "executable: OUT --input x.npy --output y.npy [--bench N]")), cl::cat(kconvcCategory));
static cl::opt<std::string> target("target",
                                   cl::desc("Halide target (default: this machine's CPU)"),
                                   cl::init("host"), cl::cat(kconvcCategory));
static cl::opt<std::string> symbolPrefix(
    "name", cl::desc("C symbol prefix of emitted code (default: the model's name)"), cl::cat(kconvcCategory));
static cl::opt<bool> noFusion(
    "no-fusion",
    cl::desc("Compute every layer on its own: no BatchNormalization/ZeroPadding2D folding, no "
             "Add/activation fusion (to measure what fusion brings)"),
    cl::cat(kconvcCategory));
static cl::opt<bool> printWeights("mlir-print-weights",
                                  cl::desc("With --emit=mlir, print weights in full"), cl::cat(kconvcCategory));
static cl::opt<std::string> stmtPath("halide-stmt",
                                     cl::desc("Also write Halide's lowered statement here"),
                                     cl::value_desc("file"), cl::cat(kconvcCategory));

static cl::opt<uint64_t> initSeed(
    "init-seed",
    cl::desc("Without weights, draw them from each layer's Keras initializers with this seed"),
    cl::value_desc("N"), cl::cat(kconvcCategory));

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
                            cl::desc("Threads to tune for, and the autoschedulers' parallelism "
                                     "(default: all cores; also --threads)"),
                            cl::init(0), cl::cat(kconvcCategory));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // `--threads N` is another spelling of --tune-threads. A library linked in registers
  // a hidden `threads` option of its own, which took it silently and did nothing.
  if (cl::Option *foreign = cl::getRegisteredOptions().lookup("threads"))
    foreign->removeArgument();
  static cl::alias threadsAlias("threads", cl::desc("Alias for --tune-threads"),
                                cl::aliasopt(threads), cl::cat(kconvcCategory));
  cl::HideUnrelatedOptions(kconvcCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "kconvc: compile a Keras model to native code via MLIR and Halide\n");
  kconv::driver::CompileOptions options;
  options.modelPath = modelPath;
  options.weightsPath = weightsPath;
  options.outputPath = outputPath;
  options.emit = emitKind;
  options.target = target;
  options.symbolPrefix = symbolPrefix;
  options.printWeights = printWeights;
  options.fusion = !noFusion;
  options.stmtPath = stmtPath;
  options.summary = summary;
  options.scheduleFile = scheduleFile;
  options.tuneBudget = tuneBudget;
  options.tuneCandidates = tuneCandidates;
  options.tuneBudgetTotal = tuneBudgetTotal;
  options.tuningDb = tuningDb;
  options.seed = seed;
  options.threads = threads;
  if (initSeed.getNumOccurrences())
    options.initSeed = initSeed;
  return kconv::driver::compile(options, llvm::errs());
}
