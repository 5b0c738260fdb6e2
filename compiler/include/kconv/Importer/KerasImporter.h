// kconv::keras::Model (+ weights) -> a module in the kconv dialect.
#ifndef KCONV_IMPORTER_KERASIMPORTER_H
#define KCONV_IMPORTER_KERASIMPORTER_H

#include "kconv/Dialect/KconvDialect.h"
#include "kconv/Keras/KerasModel.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace kconv::dialect {

/// Builds `func.func @<model>` with one kconv op per layer, each located at
/// `NameLoc(layer name, file)`. Weights become `arith.constant dense_resource<...>`.
/// Without `weights`, they are drawn from each layer's Keras initializers when
/// `initSeed` is set, else the resources hold no data (enough for --emit=mlir).
/// Returns null after emitting a diagnostic at the offending layer.
OwningOpRef<ModuleOp> importKerasModel(MLIRContext &context, const ::kconv::keras::Model &model,
                                       const ::kconv::keras::Weights *weights,
                                       std::optional<uint64_t> initSeed = std::nullopt);

} // namespace kconv::dialect

#endif
