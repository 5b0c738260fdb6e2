// kconv.batch_matmul (attention's batched products): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult BatchMatMulOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> lhs = shapeOf(getLhs()), rhs = shapeOf(getRhs());
  if (lhs.size() < 3 || lhs.size() != rhs.size())
    return emitError() << "operands must have the same rank, at least 3 (batch included), got "
                       << formatShape(lhs) << " and " << formatShape(rhs);
  size_t rank = lhs.size();
  shape.clear();
  for (size_t d = 0; d + 2 < rank; ++d) {
    std::optional<int64_t> merged = mergeDim(lhs[d], rhs[d]);
    if (!merged)
      return emitError() << "batch axis " << d << " differs: " << formatShape(lhs) << " and "
                         << formatShape(rhs);
    shape.push_back(*merged);
  }
  int64_t rows = getTransposeLhs() ? lhs[rank - 1] : lhs[rank - 2];
  int64_t lhsDepth = getTransposeLhs() ? lhs[rank - 2] : lhs[rank - 1];
  int64_t rhsDepth = getTransposeRhs() ? rhs[rank - 1] : rhs[rank - 2];
  int64_t cols = getTransposeRhs() ? rhs[rank - 2] : rhs[rank - 1];
  if (!known(rows) || !known(cols) || !known(lhsDepth) || !known(rhsDepth))
    return emitError() << "the matrix axes must be known, got " << formatShape(lhs) << " and "
                       << formatShape(rhs);
  if (lhsDepth != rhsDepth)
    return emitError() << "contracted sizes differ: " << lhsDepth << " (lhs "
                       << formatShape(lhs) << ") and " << rhsDepth << " (rhs "
                       << formatShape(rhs) << ")";
  shape.push_back(rows);
  shape.push_back(cols);
  return success();
}
