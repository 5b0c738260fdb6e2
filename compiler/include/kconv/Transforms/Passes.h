#ifndef KCONV_TRANSFORMS_PASSES_H
#define KCONV_TRANSFORMS_PASSES_H

#include "kconv/Dialect/KconvOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kconv {

#define GEN_PASS_DECL
#include "kconv/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kconv/Transforms/Passes.h.inc"

} // namespace mlir::kconv

#endif
