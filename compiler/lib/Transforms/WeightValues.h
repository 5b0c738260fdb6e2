// Internal: reading and creating the float32 weight constants the passes rewrite.
#ifndef KCONV_TRANSFORMS_WEIGHTVALUES_H
#define KCONV_TRANSFORMS_WEIGHTVALUES_H

#include "kconv/Dialect/KconvDialect.h"
#include "mlir/IR/Builders.h"

#include <optional>
#include <string>
#include <vector>

namespace kconv::dialect {

/// The values of a float32 `arith.constant` (dense or dense_resource), or nullopt
/// when `value` is not one or its resource holds no data (imported without weights).
std::optional<std::vector<float>> constantFloats(Value value);

/// The Keras layer name of `op` (its NameLoc), `fallback` without one: the prefix of
/// the weight constants a pass creates for it.
std::string weightNamePrefix(Operation *op, StringRef fallback);

/// A new `arith.constant dense_resource<name>` of `type` holding `values`.
Value createWeightConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                           StringRef name, ArrayRef<float> values);

} // namespace kconv::dialect

#endif
