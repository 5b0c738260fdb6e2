// kconv.reshape (Keras Reshape, Flatten): shape inference and checks.
#include "OpChecks.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult ReshapeOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  std::optional<int64_t> from = 1, to = 1;
  bool fromKnown = true;
  for (int64_t d : in.drop_front()) {
    fromKnown &= known(d);
    if (from && known(d))
      from = llvm::checkedMul(*from, d);
  }
  if (fromKnown && !from)
    return overflowError(*this, "the number of values per sample of the input " +
                                    formatShape(in));
  for (int64_t d : getShape()) {
    if (d < 1)
      return emitError() << "target shape dimensions must be >= 1";
    if (to)
      to = llvm::checkedMul(*to, d);
  }
  if (!to)
    return overflowError(*this, "the number of values of 'shape' " + formatShape(getShape()));
  if (fromKnown && *from != *to)
    return emitError() << "cannot reshape " << formatShape(in) << " (" << *from
                       << " values per sample) to " << formatShape(getShape()) << " (" << *to
                       << " values)";
  shape.assign({in[0]});
  shape.append(getShape().begin(), getShape().end());
  return success();
}
