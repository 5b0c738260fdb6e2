// The kconvc pipeline as a library: Keras file -> kconv IR -> passes -> Halide ->
// object / static library / executable, every output written atomically.
#ifndef KCONV_DRIVER_COMPILE_H
#define KCONV_DRIVER_COMPILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kconv::driver {

enum class EmitKind { MlirImport, Mlir, Object, Library, Shared, Executable };

struct CompileOptions {
  std::string modelPath;
  std::string weightsPath;  // empty: weights from the model file, if it has them
  std::string outputPath;   // "-" or empty with --emit=mlir: standard output
  EmitKind emit = EmitKind::Executable;
  std::string target = "host"; // Halide target string
  std::string cc;              // --cc: the C compiler (default: $CC, else from the target)
  std::string ar;              // --ar: the archiver (default: $AR, else from the target)
  std::string symbolPrefix;    // C symbol prefix (a C identifier); default: from -o
  bool printWeights = false;   // --emit=mlir: print weight blobs in full
  bool fusion = true;          // --no-fusion: every layer on its own (for comparison)
  std::string stmtPath;        // also write Halide's lowered statement here
  int splitAbove = 24;         // one pipeline per stored result past this many (-1: never)
  int jobs = 0;                // processes compiling a split model (0: the cores, <= 8)
  std::optional<uint64_t> initSeed; // no weights: draw them from the initializers
  bool summary = false;        // print a Keras-style summary instead of compiling
  std::string scheduleFile;    // "layer = #kconv.schedule<...>" lines forcing schedules
  double tuneBudget = 0;       // seconds per layer; 0: no tuning
  int tuneCandidates = 0;      // at most this many candidates per layer; 0: no limit
  double tuneBudgetTotal = 0;  // seconds for the whole model; 0: no limit
  std::string tuningDb;        // tuning database file ("" : none unless tuning)
  uint64_t seed = 1;           // tuner's candidate order
  int threads = 0;             // threads to split work and tune for (0: all cores)
  int winograd = 2;            // largest Winograd tile of default and tuned schedules
  std::vector<std::string> inputShapes; // --input-shape "[NAME:]D1xD2x...": None sizes
};

/// Runs the whole compilation; diagnostics go to `errs`. Returns the exit code.
int compile(const CompileOptions &options, llvm::raw_ostream &errs);

/// Whether any tuning budget was given (--tune-budget, --tune-candidates,
/// --tune-budget-total): then layers missing from the tuning database are tuned.
inline bool tuningRequested(const CompileOptions &options) {
  return options.tuneBudget > 0 || options.tuneCandidates > 0 || options.tuneBudgetTotal > 0;
}

/// The thread count tuning and autoschedulers assume: --tune-threads, else all cores.
int effectiveThreads(const CompileOptions &options);

/// "kconvc <kconv version> (LLVM <version>, Halide <version>)", for --version.
std::string versionLine();

/// The default C symbol prefix, from the output file's name: "out/my-model.o" ->
/// "my_model", "libdigits.a" or "libdigits.so" -> "digits" (a library's "lib" dropped), "kconv" ->
/// "m_kconv" (see isReservedPrefix).
std::string symbolPrefixFor(const std::string &outputPath);

/// Prefixes whose symbols would be the kconv or Halide runtime's (kconv_model is the
/// runtime's type) or C's reserved identifiers (a leading '_').
bool isReservedPrefix(llvm::StringRef prefix);

} // namespace kconv::driver

#endif
