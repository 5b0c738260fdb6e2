// kconv::keras::Model (+ weights) -> a module in the kconv dialect.
#ifndef KCONV_IMPORTER_KERASIMPORTER_H
#define KCONV_IMPORTER_KERASIMPORTER_H

#include "kconv/Keras/KerasModel.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::kconv {

/// Attribute names on the model function's arguments and results.
constexpr llvm::StringLiteral kTensorNameAttr = "kconv.name";
/// Set (to "channels_first") on an input read, or an output written, by a
/// channels_first layer: the layout callers supply it in, which the layout pass hides.
constexpr llvm::StringLiteral kTensorLayoutAttr = "kconv.data_format";

/// Builds `func.func @<model>` with one kconv op per layer, each located at
/// `NameLoc(layer name, file)`. Weights become `arith.constant dense_resource<...>`.
/// Without `weights`, they are drawn from each layer's Keras initializers when
/// `initSeed` is set, else the resources hold no data (enough for --emit=mlir).
/// Returns null after emitting a diagnostic at the offending layer.
OwningOpRef<ModuleOp> importKerasModel(MLIRContext &context, const ::kconv::keras::Model &model,
                                       const ::kconv::keras::Weights *weights,
                                       std::optional<uint64_t> initSeed = std::nullopt);

} // namespace mlir::kconv

#endif
