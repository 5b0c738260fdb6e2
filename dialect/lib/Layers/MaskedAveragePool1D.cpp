// kconv.masked_average_pool1d (Keras GlobalAveragePooling1D with a mask): shape
// inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult MaskedAveragePool1DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 3, "the input")) ||
      failed(requireRank(*this, getMask(), 2, "the mask")))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput()), mask = shapeOf(getMask());
  bool channelsFirst = getDataFormat() == DataFormat::channels_first;
  int64_t stepsAxis = channelsFirst ? 2 : 1, featuresAxis = channelsFirst ? 1 : 2;
  for (int axis : {0, 1}) {
    int64_t a = axis == 0 ? in[0] : in[stepsAxis], b = mask[axis];
    if (known(a) && known(b) && a != b)
      return emitError() << "the mask " << formatShape(mask) << " does not match the "
                         << (axis == 0 ? "batch" : "steps") << " of the input "
                         << formatShape(in);
  }
  if (!getKeepdims()) {
    shape.assign({in[0], in[featuresAxis]});
    return success();
  }
  shape.assign(in.begin(), in.end());
  shape[stepsAxis] = 1;
  return success();
}
