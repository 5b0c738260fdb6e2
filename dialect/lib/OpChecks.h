// Internal: argument checks shared by the kconv ops' verifiers and shape functions.
#ifndef KCONV_DIALECT_OPCHECKS_H
#define KCONV_DIALECT_OPCHECKS_H

#include "mlir/IR/Operation.h"

namespace mlir::kconv {

/// A Keras (height, width) pair argument: exactly 2 values, each >= 1.
inline LogicalResult checkPositivePair(Operation *op, StringRef name, ArrayRef<int64_t> values) {
  if (values.size() != 2)
    return op->emitError() << "'" << name << "' must have 2 values, got " << values.size();
  for (int64_t v : values)
    if (v < 1)
      return op->emitError() << "'" << name << "' values must be >= 1, got " << v;
  return success();
}

} // namespace mlir::kconv

#endif
