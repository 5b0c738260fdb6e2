// Keras UnitNormalization -> kconv.unit_norm: the axes checked and sorted, the clamp of
// the Keras version that wrote the file.
#include "Importer.h"

#include <algorithm>
#include <cstdio>

namespace kconv::dialect {

namespace {
/// The floor of the squared norm: rsqrt(max(square_sum, 1e-12)) up to Keras 3.5;
/// Keras 3.6 computes ops.normalize with epsilon 1e-12, which clamps at epsilon^2.
double minSquareSum(const std::string &kerasVersion) {
  int major = 0, minor = 0;
  if (std::sscanf(kerasVersion.c_str(), "%d.%d", &major, &minor) != 2)
    return 1e-12;
  return major > 3 || (major == 3 && minor >= 6) ? 1e-24 : 1e-12;
}
} // namespace

LogicalResult Importer::importUnitNorm(const keras::Layer &layer,
                                       const keras::UnitNormConfig &un) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  int64_t rank = cast<RankedTensorType>(in.getType()).getRank();
  llvm::SmallVector<int64_t> axes;
  for (int64_t written : un.axes) {
    FailureOr<int64_t> axis = normalizedAxis(layer, written, rank, "axis");
    if (failed(axis))
      return failure();
    if (llvm::is_contained(axes, *axis))
      return error(layer) << "'axis' lists axis " << *axis << " twice";
    axes.push_back(*axis);
  }
  std::sort(axes.begin(), axes.end());
  return createLayerOp<UnitNormOp>(layer, in, builder.getDenseI64ArrayAttr(axes),
                                   builder.getF64FloatAttr(minSquareSum(model.kerasVersion)));
}

} // namespace kconv::dialect
