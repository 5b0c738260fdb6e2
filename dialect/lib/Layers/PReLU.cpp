// kconv.prelu (Keras PReLU): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult PReluOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput()), alpha = shapeOf(getAlpha());
  if (alpha.size() + 1 != in.size())
    return emitError() << "alpha " << formatShape(alpha) << " must have the rank of the input "
                       << formatShape(in) << " without the batch";
  for (size_t i = 0; i < alpha.size(); ++i)
    if (alpha[i] != 1 && known(in[i + 1]) && alpha[i] != in[i + 1])
      return emitError() << "alpha " << formatShape(alpha) << " does not broadcast to the input "
                         << formatShape(in);
  shape.assign(in.begin(), in.end());
  return success();
}
