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

/// Gives `op` (a conv2d or dense) new weight constants `kernel` (of its kernel's type)
/// and `bias` (of `outputs` values, added when it had none), named after the layer with
/// `suffix` ("kernel_bn", "bias_bn" for "bn").
template <typename OpTy>
void replaceKernelAndBias(OpTy op, ArrayRef<float> kernel, ArrayRef<float> bias,
                          int64_t outputs, StringRef suffix) {
  OpBuilder builder(op);
  std::string name = weightNamePrefix(op, "folded");
  Value newKernel = createWeightConstant(builder, op.getLoc(),
                                         cast<RankedTensorType>(op.getKernel().getType()),
                                         name + ".kernel_" + suffix.str(), kernel);
  Value newBias = createWeightConstant(
      builder, op.getLoc(), RankedTensorType::get({outputs}, builder.getF32Type()),
      name + ".bias_" + suffix.str(), bias);
  op.getKernelMutable().assign(newKernel);
  if (op.getBias())
    op.getBiasMutable().assign(newBias);
  else
    op.getBiasMutable().append(newBias);
  op.setUseBias(true);
}

} // namespace kconv::dialect

#endif
