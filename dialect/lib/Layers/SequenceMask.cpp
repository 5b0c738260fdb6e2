// kconv.sequence_mask (Keras Masking's mask): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult SequenceMaskOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 3, "the input")))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  shape.assign({in[0], in[1]});
  return success();
}
