// Internal to the dialect library: the argument and shape checks shared by the
// layer ops' verifiers and shape functions (dialect/lib/Layers/<Layer>.cpp).
#ifndef KCONV_DIALECT_LAYERS_OPCHECKS_H
#define KCONV_DIALECT_LAYERS_OPCHECKS_H

#include "kconv/Dialect/KconvOps.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace kconv::dialect::detail {

/// The shape of a ranked tensor value.
ArrayRef<int64_t> shapeOf(Value v);

/// True for a static dimension.
inline bool known(int64_t d) { return !ShapedType::isDynamic(d); }

/// Positions of height, width and channels in a 4-D tensor of `format`.
struct ImageAxes {
  int h, w, c;
};
ImageAxes imageAxes(DataFormat format);

/// A Keras (height, width) pair argument: exactly 2 values, each >= 1.
LogicalResult checkPositivePair(Operation *op, StringRef name, ArrayRef<int64_t> values);

/// An `axes` attribute of a reduction over some axes of `input`: at least one, each a
/// non-batch axis, strictly increasing.
LogicalResult checkReducedAxes(Operation *op, Value input, ArrayRef<int64_t> axes);

/// `v` has rank `rank` (`what` names it in the error).
LogicalResult requireRank(Operation *op, Value v, int64_t rank, StringRef what);

/// The 1-D `v` has `expected` values, where both are known.
LogicalResult checkVectorSize(Operation *op, Value v, int64_t expected, StringRef what);

/// Two dimensions that must agree: the known one wins; no value when both are
/// known and differ.
std::optional<int64_t> mergeDim(int64_t a, int64_t b);

/// One error for a shape quantity beyond int64, naming the arguments it came from.
LogicalResult overflowError(Operation *op, const Twine &quantity);

/// The result shape of ZeroPadding2D (sign +1) and Cropping2D (sign -1), whose
/// `amounts` (the argument `name`) are (top, bottom, left, right).
LogicalResult inferPadded(Operation *op, Value input, ArrayRef<int64_t> amounts,
                          DataFormat format, int sign, StringRef name,
                          SmallVectorImpl<int64_t> &shape);

} // namespace kconv::dialect::detail

#endif
