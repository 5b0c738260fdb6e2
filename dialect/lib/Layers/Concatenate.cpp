// kconv.concatenate (Keras Concatenate): shape inference and checks.
#include "OpChecks.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult ConcatenateOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  OperandRange inputs = getInputs();
  if (inputs.empty())
    return emitError() << "needs at least one input";
  ArrayRef<int64_t> first = shapeOf(inputs[0]);
  int64_t axis = getAxis();
  if (axis >= (int64_t)first.size())
    return emitError() << "'axis' " << axis << " is out of range for input "
                       << formatShape(first);
  shape.assign(first.begin(), first.end());
  for (Value input : inputs.drop_front()) {
    ArrayRef<int64_t> other = shapeOf(input);
    bool ok = other.size() == shape.size();
    for (size_t i = 0; ok && i < other.size(); ++i) {
      if (i == (size_t)axis) {
        if (!known(shape[i]) || !known(other[i])) {
          shape[i] = ShapedType::kDynamic;
          continue;
        }
        std::optional<int64_t> sum = llvm::checkedAdd(shape[i], other[i]);
        if (!sum)
          return overflowError(*this, "the concatenated size along 'axis' " + Twine(axis));
        shape[i] = *sum;
        continue;
      }
      std::optional<int64_t> d = mergeDim(shape[i], other[i]);
      ok = d.has_value();
      if (ok)
        shape[i] = *d;
    }
    if (!ok)
      return emitError() << "inputs " << formatShape(first) << " and " << formatShape(other)
                         << " differ outside the concatenation axis " << axis;
  }
  return success();
}
