// kconv.additive_scores (AdditiveAttention, Attention's concat scores): shape inference
// and checks.
#include "OpChecks.h"

#include <cmath>

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult AdditiveScoresOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> query = shapeOf(getQuery()), key = shapeOf(getKey());
  if (query.size() < 3 || query.size() != key.size())
    return emitError() << "query and key must have the same rank, at least 3 (batch "
                          "included), got "
                       << formatShape(query) << " and " << formatShape(key);
  size_t rank = query.size();
  shape.clear();
  for (size_t d = 0; d + 2 < rank; ++d) {
    std::optional<int64_t> merged = mergeDim(query[d], key[d]);
    if (!merged)
      return emitError() << "batch axis " << d << " differs: " << formatShape(query) << " and "
                         << formatShape(key);
    shape.push_back(*merged);
  }
  int64_t dim = query.back();
  if (!known(dim) || !known(key.back()) || !known(query[rank - 2]) || !known(key[rank - 2]))
    return emitError() << "the steps and features must be known, got " << formatShape(query)
                       << " and " << formatShape(key);
  if (key.back() != dim)
    return emitError() << "query " << formatShape(query) << " and key " << formatShape(key)
                       << " have different feature sizes";
  if (getWeights() && failed(checkVectorSize(*this, getWeights(), dim, "weights")))
    return failure();
  if (!std::isfinite(getInnerScale().convertToDouble()) ||
      !std::isfinite(getOuterScale().convertToDouble()))
    return emitError() << "'inner_scale' and 'outer_scale' must be finite";
  shape.push_back(query[rank - 2]);
  shape.push_back(key[rank - 2]);
  return success();
}
