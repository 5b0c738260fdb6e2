// Keras Discretization -> kconv.discretization (the bucket of each value), then for the
// output modes other than "int" the kconv.category_encoding of those buckets among
// len(bin_boundaries) + 1, as Keras encodes them.
#include "Importer.h"

namespace kconv::dialect {

LogicalResult Importer::importDiscretization(const keras::Layer &layer,
                                             const keras::DiscretizationConfig &discretization) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  ArrayRef<int64_t> shape = shapeOf(in);
  auto bounds = builder.getDenseF64ArrayAttr(discretization.binBoundaries);
  if (!discretization.mode)
    return failure(failed(createLayerOp<DiscretizationOp>(layer, in, bounds)));
  using Mode = keras::CategoryEncodingConfig::Mode;
  // Keras's symbolic shape for multi_hot and count drops the second axis, its result
  // the last: they agree on (batch, values) only.
  if (*discretization.mode != Mode::OneHot && shape.size() != 2)
    return error(layer) << "output_mode multi_hot or count takes inputs (batch, values), got "
                        << formatShape(shape);
  Value buckets = builder.create<DiscretizationOp>(layerLoc(layer.name + "/buckets"),
                                                   in.getType(), in, bounds);
  FailureOr<Value> out = createCategoryEncoding(
      layer, buckets, int64_t(discretization.binBoundaries.size()) + 1, *discretization.mode);
  return failure(failed(out));
}

} // namespace kconv::dialect
