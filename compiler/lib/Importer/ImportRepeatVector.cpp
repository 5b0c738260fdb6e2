// Keras RepeatVector -> the nearest kconv.upsample2d of a (1, 1) image: (N, F) is viewed
// as (N, 1, 1, F), upsampled by (1, n) to (N, 1, n, F) and viewed as (N, n, F). The views
// are reshapes, which cost nothing, and the upsampling is inlined into its readers like
// UpSampling1D's.
#include "Importer.h"

namespace kconv::dialect {

LogicalResult Importer::importRepeatVector(const keras::Layer &layer,
                                           const keras::RepeatVectorConfig &repeat) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  if (shape.size() != 2)
    return error(layer) << "expects a 2-D input (batch, features), got "
                        << formatShape(shape);
  if (ShapedType::isDynamic(shape[1]))
    return error(layer) << "needs an input with a known number of features";
  int64_t elements = 0;
  if (__builtin_mul_overflow(repeat.n, shape[1], &elements) || elements > (1ll << 31) - 1)
    return error(layer) << "the output (?, " << repeat.n << ", " << shape[1]
                        << ") exceeds kconv's limit of 2^31 - 1 elements per sample";
  auto f32 = builder.getF32Type();
  SmallVector<int64_t, 4> image{shape[0], 1, 1, shape[1]};
  Value view = builder
                   .create<ReshapeOp>(layerLoc(layer.name + "/expand"),
                                      RankedTensorType::get(image, f32), in,
                                      builder.getDenseI64ArrayAttr(ArrayRef(image).drop_front()))
                   .getResult();
  FailureOr<Value> repeated = createLayerOp<UpSample2DOp>(
      layer, view, builder.getDenseI64ArrayAttr({1, repeat.n}),
      InterpolationAttr::get(&context, Interpolation::nearest),
      formatAttr(&context, keras::DataFormat::ChannelsLast));
  if (failed(repeated))
    return failure();
  SmallVector<int64_t, 3> result{shape[0], repeat.n, shape[1]};
  values[layer.name] =
      builder
          .create<ReshapeOp>(layerLoc(layer.name + "/squeeze"), RankedTensorType::get(result, f32),
                             *repeated, builder.getDenseI64ArrayAttr(ArrayRef(result).drop_front()))
          .getResult();
  return success();
}

} // namespace kconv::dialect
