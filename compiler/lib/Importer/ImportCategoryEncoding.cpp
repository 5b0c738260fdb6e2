// Keras CategoryEncoding -> kconv.category_encoding (the output's shape from the op's
// shape inference, which also refuses the inputs Keras refuses).
#include "Importer.h"

namespace kconv::dialect {

FailureOr<Value> Importer::createCategoryEncoding(const keras::Layer &layer, Value ids,
                                                  int64_t tokens,
                                                  keras::CategoryEncodingConfig::Mode mode) {
  using Mode = keras::CategoryEncodingConfig::Mode;
  CategoryEncodingMode kind = mode == Mode::OneHot     ? CategoryEncodingMode::one_hot
                              : mode == Mode::MultiHot ? CategoryEncodingMode::multi_hot
                                                       : CategoryEncodingMode::count;
  return createLayerOp<CategoryEncodingOp>(layer, ids, builder.getI64IntegerAttr(tokens),
                                           CategoryEncodingModeAttr::get(&context, kind));
}

LogicalResult Importer::importCategoryEncoding(const keras::Layer &layer,
                                               const keras::CategoryEncodingConfig &encoding) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  if (llvm::any_of(shape.drop_front(), ShapedType::isDynamic))
    return error(layer) << "needs known sizes after the batch, got " << formatShape(shape);
  return failure(failed(createCategoryEncoding(layer, in, encoding.numTokens, encoding.mode)));
}

} // namespace kconv::dialect
