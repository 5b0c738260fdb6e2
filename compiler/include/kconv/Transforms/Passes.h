#ifndef KCONV_TRANSFORMS_PASSES_H
#define KCONV_TRANSFORMS_PASSES_H

#include "kconv/Dialect/KconvOps.h"
#include "mlir/Pass/Pass.h"

namespace kconv::dialect {

#define GEN_PASS_DECL
#include "kconv/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kconv/Transforms/Passes.h.inc"

/// Adds kconvc's passes to `pm` (on a module) in kconvc's order; without `fusion`,
/// those of --no-fusion.
void buildKconvPipeline(OpPassManager &pm, bool fusion);

/// Registers --kconv-pipeline and --kconv-pipeline-no-fusion (for kconv-opt).
void registerKconvPipelines();

} // namespace kconv::dialect

#endif
