// The C source and header that wrap a compiled pipeline in the kconv runtime's
// `kconv_model` descriptor (plus `main` for executables).
#ifndef KCONV_CODEGEN_MODELGLUE_H
#define KCONV_CODEGEN_MODELGLUE_H

#include "kconv/Codegen/PipelinePlan.h"

#include <string>

namespace kconv::codegen {

/// Symbols: `<prefix>_model` (descriptor), `<prefix>_run(...)` (typed entry point);
/// the pipeline itself is `<prefix>_pipeline`.
std::string pipelineFunctionName(const std::string &prefix);

/// The public header for `--emit=obj|lib`. With a `linkId` (identifier characters:
/// a digest of this build), the header makes every file including it refer to
/// `<prefix>_build_<linkId>`, which the source defines: two models compiled with the
/// same prefix in one program then both get linked in, and clash.
std::string generateModelHeader(const PipelinePlan &plan, const std::string &prefix,
                                const std::string &linkId = "");
/// The C source defining the descriptor and the typed entry point; with `withMain`,
/// also `main` for `--emit=exe`.
std::string generateModelSource(const PipelinePlan &plan, const std::string &prefix,
                                bool withMain, const std::string &linkId = "");

} // namespace kconv::codegen

#endif
