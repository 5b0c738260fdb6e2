#ifndef KCONV_DIALECT_KCONVOPS_H
#define KCONV_DIALECT_KCONVOPS_H

#include "kconv/Dialect/KconvDialect.h"
#include "kconv/Support/Schedule.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "kconv/Dialect/KconvEnums.h.inc"
#define GET_ATTRDEF_CLASSES
#include "kconv/Dialect/KconvAttrs.h.inc"
#include "kconv/Dialect/KconvInterfaces.h.inc"

namespace kconv::dialect {
/// Checks `op`'s ranked result against its inferred shape (when every operand is
/// ranked): equal wherever both are known.
LogicalResult verifyInferredShape(Operation *op);

/// Infers `op`'s result shape if every operand is ranked; nullopt otherwise (and on
/// failure, after emitting the error, when `failed` is set).
std::optional<SmallVector<int64_t>> tryInferShape(Operation *op, bool &failed);

/// "(?, 8, 8, 3)": a shape as Keras prints it, for messages.
std::string formatShape(ArrayRef<int64_t> shape);
} // namespace kconv::dialect

#define GET_OP_CLASSES
#include "kconv/Dialect/KconvOps.h.inc"

#endif
