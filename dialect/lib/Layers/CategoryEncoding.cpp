// kconv.category_encoding (Keras CategoryEncoding): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult CategoryEncodingOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t tokens = getNumTokens();
  if (in.empty())
    return emitError() << "CategoryEncoding needs an input of rank >= 1 (batch included)";
  // Halide compares ids as 32-bit ints, and float32 holds every id exactly only up to
  // 2^24.
  if (tokens < 1 || tokens > (int64_t(1) << 24))
    return emitError() << "'num_tokens' is " << tokens
                       << "; it must be in [1, 2^24] (float32 ids are exact only up to 2^24)";
  CategoryEncodingMode mode = getMode();
  if (mode == CategoryEncodingMode::one_hot) {
    shape.assign(in.begin(), in.end());
    if (in.size() >= 2 && in.back() == 1)
      shape.back() = tokens;
    else
      shape.push_back(tokens);
    return success();
  }
  // A sample's ids are the last axis, after the batch.
  if (in.size() < 2)
    return emitError() << "output_mode '" << stringifyCategoryEncodingMode(mode)
                       << "' needs an input (batch, ..., ids), got " << formatShape(in);
  if (mode == CategoryEncodingMode::count && in.size() > 2)
    return emitError() << "output_mode 'count' takes inputs of rank 2 (batch, ids), got "
                       << formatShape(in);
  if (in.back() == 0)
    return emitError() << "a sample holds no ids: input " << formatShape(in);
  shape.assign(in.begin(), in.end());
  shape.back() = tokens;
  return success();
}
