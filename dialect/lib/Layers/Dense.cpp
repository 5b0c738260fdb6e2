// kconv.dense (Keras Dense): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult DenseOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput()), kernel = shapeOf(getKernel());
  if (in.size() < 2)
    return emitError() << "Dense needs an input of rank >= 2 (batch included), got "
                       << formatShape(in);
  if (known(in.back()) && kernel[0] != in.back())
    return emitError() << "kernel " << formatShape(kernel) << " expects " << kernel[0]
                       << " input features, the input " << formatShape(in) << " has "
                       << in.back();
  if (kernel[1] != (int64_t)getUnits())
    return emitError() << "kernel " << formatShape(kernel) << " does not have 'units' ("
                       << getUnits() << ") columns";
  if (getUseBias() != static_cast<bool>(getBias()))
    return emitError() << "'use_bias' does not match the presence of a bias operand";
  if (getBias() && failed(checkVectorSize(*this, getBias(), getUnits(), "bias")))
    return failure();
  shape.assign(in.begin(), in.end());
  shape.back() = getUnits();
  return success();
}
