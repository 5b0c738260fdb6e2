// The C source and header that wrap a compiled pipeline in the kconv runtime's
// `kconv_model` descriptor (plus `main` for executables).
#ifndef KCONV_CODEGEN_MODELGLUE_H
#define KCONV_CODEGEN_MODELGLUE_H

#include "kconv/Codegen/PipelinePlan.h"

#include <string>
#include <vector>

namespace kconv::codegen {

/// What the glue records about the build, and the kind of artifact it goes into.
struct GlueBuild {
  std::string kconvVersion;      // "MAJOR.MINOR.PATCH" of the kconvc compiling it
  int versionMajor = 0, versionMinor = 0, versionPatch = 0;
  std::string target;            // the Halide target the pipeline was compiled for
  /// --emit=shared: the header and source add `<prefix>_run_arrays` and the runtime
  /// entry points a user of the shared library needs, under the model's prefix (the
  /// runtime inside the library is hidden).
  bool shared = false;
};

/// The symbols a shared library of the model exports (its whole API), `linkId` as for
/// generateModelHeader.
std::vector<std::string> sharedLibrarySymbols(const std::string &prefix,
                                              const std::string &linkId);

/// Symbols: `<prefix>_model` (descriptor), `<prefix>_run(...)` (typed entry point);
/// the pipeline itself is `<prefix>_pipeline`.
std::string pipelineFunctionName(const std::string &prefix);

/// The public header for `--emit=obj|lib`. With a `linkId` (identifier characters:
/// a digest of this build), the header makes every file including it refer to
/// `<prefix>_build_<linkId>`, which the source defines: two models compiled with the
/// same prefix in one program then both get linked in, and clash.
std::string generateModelHeader(const PipelinePlan &plan, const std::string &prefix,
                                const std::string &linkId = "",
                                const GlueBuild &build = GlueBuild());
/// The C source defining the descriptor and the typed entry point; with `withMain`,
/// also `main` for `--emit=exe`.
std::string generateModelSource(const PipelinePlan &plan, const std::string &prefix,
                                bool withMain, const std::string &linkId = "",
                                const GlueBuild &build = GlueBuild());

} // namespace kconv::codegen

#endif
