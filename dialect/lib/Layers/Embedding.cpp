// kconv.embedding (Keras Embedding): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult EmbeddingOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput()), table = shapeOf(getTable());
  if (in.empty())
    return emitError() << "Embedding needs an input of rank >= 1 (batch included)";
  if (table[0] < 1 || table[1] < 1)
    return emitError() << "the table " << formatShape(table) << " is empty";
  // Halide indexes rows with 32-bit ints, and float32 holds every index exactly only
  // below 2^24.
  if (table[0] > (int64_t(1) << 24))
    return emitError() << "the table has " << table[0]
                       << " rows; float32 indices are exact only up to 2^24 = 16777216";
  shape.assign(in.begin(), in.end());
  shape.push_back(table[1]);
  return success();
}
