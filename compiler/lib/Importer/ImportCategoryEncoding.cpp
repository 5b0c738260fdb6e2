// Keras CategoryEncoding -> kconv.category_encoding (the output's shape from the op's
// shape inference, which also refuses the inputs Keras refuses).
#include "Importer.h"

namespace kconv::dialect {

LogicalResult Importer::importCategoryEncoding(const keras::Layer &layer,
                                               const keras::CategoryEncodingConfig &encoding) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  if (llvm::any_of(shape.drop_front(), ShapedType::isDynamic))
    return error(layer) << "needs known sizes after the batch, got " << formatShape(shape);
  using Mode = keras::CategoryEncodingConfig::Mode;
  CategoryEncodingMode mode = encoding.mode == Mode::OneHot     ? CategoryEncodingMode::one_hot
                              : encoding.mode == Mode::MultiHot ? CategoryEncodingMode::multi_hot
                                                                : CategoryEncodingMode::count;
  FailureOr<Value> out = createLayerOp<CategoryEncodingOp>(
      layer, in, builder.getI64IntegerAttr(encoding.numTokens),
      CategoryEncodingModeAttr::get(&context, mode));
  return failure(failed(out));
}

} // namespace kconv::dialect
