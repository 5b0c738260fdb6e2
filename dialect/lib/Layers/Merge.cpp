// kconv.merge (Keras Add, Subtract, Multiply, Average, Maximum, Minimum): broadcast
// shape inference.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

namespace {
/// One axis of Keras's element-wise broadcast: a size 1 takes the other's size;
/// an unknown size takes a known size above 1 (anything else would fail at run
/// time). No value when both are known, differ, and neither is 1.
std::optional<int64_t> broadcastDim(int64_t a, int64_t b) {
  if (a == 1)
    return b;
  if (b == 1)
    return a;
  return mergeDim(a, b);
}
} // namespace

// Keras's Merge.build / compute_output_shape (Keras 2 and 3): the batch sizes must
// agree (the batch is never broadcast), the other axes broadcast right-aligned; a
// lower-rank input is expanded at axis 1 until the ranks match (Merge.call).
LogicalResult MergeOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  OperandRange inputs = getInputs();
  if (inputs.size() < 2)
    return emitError() << "needs at least 2 inputs, got " << inputs.size();
  if (getKind() == MergeKind::subtract && inputs.size() != 2)
    return emitError() << "Subtract needs exactly 2 inputs, got " << inputs.size();
  for (Value input : inputs)
    if (shapeOf(input).empty())
      return emitError() << "inputs must have a batch axis, got a rank-0 input";
  ArrayRef<int64_t> first = shapeOf(inputs[0]);
  shape.assign(first.begin(), first.end());
  for (Value input : inputs.drop_front()) {
    ArrayRef<int64_t> other = shapeOf(input);
    std::optional<int64_t> batch = mergeDim(shape[0], other[0]);
    if (!batch)
      return emitError() << "inputs have different batch sizes: " << formatShape(shape)
                         << " and " << formatShape(other);
    size_t rank = std::max(shape.size(), other.size());
    // Axis `fromEnd` counted from the last (1 = last), 1 where the input has none.
    auto sizeAt = [](ArrayRef<int64_t> s, size_t fromEnd) -> int64_t {
      return fromEnd < s.size() ? s[s.size() - fromEnd] : 1;
    };
    SmallVector<int64_t> result(rank, 1);
    result[0] = *batch;
    for (size_t axis = 1; axis < rank; ++axis) {
      int64_t a = sizeAt(shape, rank - axis), b = sizeAt(other, rank - axis);
      std::optional<int64_t> d = broadcastDim(a, b);
      if (!d)
        return emitError() << "inputs have incompatible shapes: " << formatShape(shape)
                           << " and " << formatShape(other) << " (" << a << " and " << b
                           << " at axis " << axis << "; only a size of 1 broadcasts)";
      result[axis] = *d;
    }
    shape.assign(result.begin(), result.end());
  }
  return success();
}
