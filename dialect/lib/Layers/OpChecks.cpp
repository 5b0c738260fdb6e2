// The checks shared by the layer ops (declared in OpChecks.h).
#include "OpChecks.h"

#include "llvm/Support/CheckedArithmetic.h"

namespace kconv::dialect::detail {

ArrayRef<int64_t> shapeOf(Value v) { return cast<RankedTensorType>(v.getType()).getShape(); }

LogicalResult checkPositivePair(Operation *op, StringRef name, ArrayRef<int64_t> values) {
  if (values.size() != 2)
    return op->emitError() << "'" << name << "' must have 2 values, got " << values.size();
  for (int64_t v : values)
    if (v < 1)
      return op->emitError() << "'" << name << "' values must be >= 1, got " << v;
  return success();
}

ImageAxes imageAxes(DataFormat format) {
  return format == DataFormat::channels_first ? ImageAxes{2, 3, 1} : ImageAxes{1, 2, 3};
}

LogicalResult checkReducedAxes(Operation *op, Value input, ArrayRef<int64_t> axes) {
  ArrayRef<int64_t> in = shapeOf(input);
  if (axes.empty())
    return op->emitError() << "'axes' must name at least one axis";
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 1 || axes[i] >= (int64_t)in.size())
      return op->emitError() << "'axes' " << axes[i] << " is not a non-batch axis of input "
                             << formatShape(in);
    if (i > 0 && axes[i] <= axes[i - 1])
      return op->emitError() << "'axes' must be strictly increasing";
  }
  return success();
}

LogicalResult requireRank(Operation *op, Value v, int64_t rank, StringRef what) {
  int64_t actual = shapeOf(v).size();
  if (actual != rank)
    return op->emitError() << what << " must be " << rank << "-D (batch included), got rank "
                           << actual << " " << formatShape(shapeOf(v));
  return success();
}

LogicalResult checkVectorSize(Operation *op, Value v, int64_t expected, StringRef what) {
  int64_t actual = shapeOf(v)[0];
  if (known(expected) && known(actual) && actual != expected)
    return op->emitError() << what << " has " << actual << " values, expected " << expected;
  return success();
}

std::optional<int64_t> mergeDim(int64_t a, int64_t b) {
  if (!known(a))
    return b;
  if (!known(b) || a == b)
    return a;
  return std::nullopt;
}

LogicalResult overflowError(Operation *op, const Twine &quantity) {
  return op->emitError() << quantity << " overflows 64-bit integers";
}

LogicalResult inferPadded(Operation *op, Value input, ArrayRef<int64_t> amounts,
                          DataFormat format, int sign, StringRef name,
                          SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(op, input, 4, "the input")))
    return failure();
  if (amounts.size() != 4)
    return op->emitError() << "'" << name << "' must have 4 values (top, bottom, left, right)";
  for (int64_t a : amounts)
    if (a < 0)
      return op->emitError() << "'" << name << "' values must be >= 0";
  ArrayRef<int64_t> in = shapeOf(input);
  ImageAxes axes = imageAxes(format);
  shape.assign(in.begin(), in.end());
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) {
    if (!known(in[spatial[i]]))
      continue;
    std::optional<int64_t> amount = llvm::checkedAdd(amounts[2 * i], amounts[2 * i + 1]);
    std::optional<int64_t> size =
        !amount ? amount
        : sign > 0 ? llvm::checkedAdd(in[spatial[i]], *amount)
                   : std::optional<int64_t>(in[spatial[i]] - *amount);
    if (!size && sign > 0)
      return overflowError(op, Twine("the input ") + (i ? "width" : "height") + " (" +
                                   Twine(in[spatial[i]]) + ") plus '" + name + "' " +
                                   Twine(amounts[2 * i]) + " + " + Twine(amounts[2 * i + 1]));
    if (!size || *size < 1) // (two croppings beyond int64 crop everything)
      return op->emitError() << "cropping " << amounts[2 * i] << " + " << amounts[2 * i + 1]
                             << " leaves nothing of the input " << formatShape(in);
    shape[spatial[i]] = *size;
  }
  return success();
}

} // namespace kconv::dialect::detail
