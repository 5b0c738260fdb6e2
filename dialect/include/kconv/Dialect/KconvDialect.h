#ifndef KCONV_DIALECT_KCONVDIALECT_H
#define KCONV_DIALECT_KCONVDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

/// The dialect and kconv's MLIR-side code (importer, passes, conversion) live in
/// ::kconv::dialect, apart from ::mlir and from kconv's plain C++ (::kconv::keras,
/// ::kconv::codegen, ...); they name MLIR's types unqualified, as code inside ::mlir
/// would.
namespace kconv::dialect {
using namespace ::mlir;
} // namespace kconv::dialect

#include "kconv/Dialect/KconvOpsDialect.h.inc"

namespace kconv::dialect {

/// Attribute names on the model function's arguments and results: the Keras name
/// of each model input and output.
constexpr llvm::StringLiteral kTensorNameAttr = "kconv.name";
/// Set (to "channels_first") on an input read, or an output written, by a
/// channels_first layer: the layout callers supply it in, which the layout pass hides.
constexpr llvm::StringLiteral kTensorLayoutAttr = "kconv.data_format";

} // namespace kconv::dialect

#endif
