// Keras 3 adaptive pooling -> kconv.adaptive_pool2d; the 1-D layers pool the (1, steps)
// view of their input, as MaxPooling1D does, the 3-D layers two views of theirs, as
// MaxPooling3D does (ImportLayers3D.cpp).
#include "Importer.h"

namespace kconv::dialect {

LogicalResult Importer::importAdaptivePool2D(const keras::Layer &layer,
                                             const keras::AdaptivePool2DConfig &pool) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  bool oneD = pool.rank == 1;
  bool channelsFirst = pool.dataFormat == keras::DataFormat::ChannelsFirst;
  PoolKindAttr kind = PoolKindAttr::get(&context, pool.max ? PoolKind::max : PoolKind::average);
  if (pool.rank == 3) {
    // Two passes over free views (applyAs2D): a window is the product of its axes'
    // windows, and pooling an axis to its own length changes nothing.
    int64_t sizes[3] = {pool.outputDepth, pool.outputSize[0], pool.outputSize[1]};
    return applyAs2D(layer, in, channelsFirst, [&](Value v, Axes3D axes) {
      ArrayRef<int64_t> s = shapeOf(v);
      int64_t spatial = channelsFirst ? 2 : 1;
      int64_t out[2];
      for (int i = 0; i < 2; ++i)
        out[i] = axes[i] == Axis3D::none ? s[spatial + i] : sizes[int(axes[i])];
      return createLayerOp<AdaptivePool2DOp>(layer, v, kind, builder.getDenseI64ArrayAttr(out),
                                             formatAttr(&context, pool.dataFormat));
    });
  }
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
      layer, in, kind, builder.getDenseI64ArrayAttr(pool.outputSize),
      formatAttr(&context, pool.dataFormat));
  if (failed(out))
    return failure();
  if (oneD)
    squeezeFrom2D(layer, *out, channelsFirst);
  return success();
}

} // namespace kconv::dialect
