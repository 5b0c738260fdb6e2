// Keras 3 adaptive pooling -> kconv.adaptive_pool2d; the 1-D layers pool the (1, steps)
// view of their input, as MaxPooling1D does.
#include "Importer.h"

namespace kconv::dialect {

LogicalResult Importer::importAdaptivePool2D(const keras::Layer &layer,
                                             const keras::AdaptivePool2DConfig &pool) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  bool oneD = pool.rank == 1;
  bool channelsFirst = pool.dataFormat == keras::DataFormat::ChannelsFirst;
  if (oneD) {
    FailureOr<Value> in4 = expandTo2D(layer, in, channelsFirst);
    if (failed(in4))
      return failure();
    in = *in4;
  } else if (auto type = cast<RankedTensorType>(in.getType()); type.getRank() != 4) {
    return error(layer) << "needs a rank-4 input (batch, 2 spatial axes and channels), got "
                        << formatShape(type.getShape());
  }
  FailureOr<Value> out = createLayerOp<AdaptivePool2DOp>(
      layer, in, PoolKindAttr::get(&context, pool.max ? PoolKind::max : PoolKind::average),
      builder.getDenseI64ArrayAttr(pool.outputSize), formatAttr(&context, pool.dataFormat));
  if (failed(out))
    return failure();
  if (oneD)
    squeezeFrom2D(layer, *out, channelsFirst);
  return success();
}

} // namespace kconv::dialect
