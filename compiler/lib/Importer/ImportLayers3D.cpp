// MaxPooling3D, AveragePooling3D, GlobalMax/AveragePooling3D, ZeroPadding3D,
// Cropping3D and UpSampling3D -> the 2-D ops on two free views of the 5-D input, each
// over the axes it treats alike: channels_last (N, D, H, W, C) as (N, D, H, W * C)
// for depth and height, then (N, D' * H', W, C) for width; channels_first
// (N, C, D, H, W) as (N, C * D, H, W) for height and width, then (N, C, D, H' * W')
// for depth. Exact: every one of these layers acts on each axis independently (a 3-D
// pooling window is the product of its axes' windows; Keras's average over the cells
// inside a 'same' window is then the average over one axis of averages over the
// others, since the counts multiply).
#include "Importer.h"

namespace kconv::dialect {


LogicalResult Importer::applyAs2D(const keras::Layer &layer, Value in, bool channelsFirst,
                                  function_ref<FailureOr<Value>(Value, Axes3D)> build2D) {
  if (failed(expect5D(layer, in)))
    return failure();
  ArrayRef<int64_t> s = shapeOf(in);
  int64_t n = s[0];
  if (!channelsFirst) {
    FailureOr<Value> dh = build2D(reshapeTo(layer, in, {n, s[1], s[2], s[3] * s[4]}, "/dh"),
                                  {Axis3D::depth, Axis3D::height});
    if (failed(dh))
      return failure();
    ArrayRef<int64_t> a = shapeOf(*dh); // (N, D', H', W * C)
    FailureOr<Value> w = build2D(reshapeTo(layer, *dh, {n, a[1] * a[2], s[3], s[4]}, "/w"),
                                 {Axis3D::none, Axis3D::width});
    if (failed(w))
      return failure();
    ArrayRef<int64_t> b = shapeOf(*w); // (N, D' * H', W', C)
    values[layer.name] = reshapeTo(layer, *w, {n, a[1], a[2], b[2], b[3]}, "/out");
    return success();
  }
  FailureOr<Value> hw = build2D(reshapeTo(layer, in, {n, s[1] * s[2], s[3], s[4]}, "/hw"),
                                {Axis3D::height, Axis3D::width});
  if (failed(hw))
    return failure();
  ArrayRef<int64_t> a = shapeOf(*hw); // (N, C * D, H', W')
  FailureOr<Value> d = build2D(reshapeTo(layer, *hw, {n, s[1], s[2], a[2] * a[3]}, "/d"),
                               {Axis3D::depth, Axis3D::none});
  if (failed(d))
    return failure();
  ArrayRef<int64_t> b = shapeOf(*d); // (N, C, D', H' * W')
  values[layer.name] = reshapeTo(layer, *d, {n, s[1], b[2], a[2], a[3]}, "/out");
  return success();
}

LogicalResult Importer::import3D(const keras::Layer &layer, const keras::Pool2DConfig &pool,
                                 Value in) {
  bool first = pool.dataFormat == keras::DataFormat::ChannelsFirst;
  int64_t size[3] = {pool.poolDepth, pool.poolSize[0], pool.poolSize[1]};
  int64_t stride[3] = {pool.strideDepth, pool.strides[0], pool.strides[1]};
  ArrayRef<int64_t> s = shapeOf(in);
  const char *axisName[3] = {"depth", "height", "width"};
  for (int axis = 0; axis < 3 && s.size() == 5 && pool.padding != "same"; ++axis) {
    int64_t length = s[(first ? 2 : 1) + axis];
    if (!ShapedType::isDynamic(length) && size[axis] > length)
      return error(layer) << "the pool window " << axisName[axis] << " (" << size[axis]
                          << ") is larger than the input " << axisName[axis] << " (" << length
                          << ") with padding 'valid'";
  }
  auto pick = [](const int64_t *v, Axis3D axis) { return axis == Axis3D::none ? 1 : v[int(axis)]; };
  return applyAs2D(layer, in, first, [&](Value v, Axes3D axes) {
    return createLayerOp<Pool2DOp>(
        layer, v, PoolKindAttr::get(&context, pool.max ? PoolKind::max : PoolKind::average),
        builder.getDenseI64ArrayAttr({pick(size, axes[0]), pick(size, axes[1])}),
        builder.getDenseI64ArrayAttr({pick(stride, axes[0]), pick(stride, axes[1])}),
        PaddingAttr::get(&context, pool.padding == "same" ? Padding::same : Padding::valid),
        formatAttr(&context, pool.dataFormat));
  });
}

LogicalResult Importer::import3D(const keras::Layer &layer, const keras::GlobalPool2DConfig &pool,
                                 Value in) {
  // One global pool over the (N, D * H, W, C) view ((N, C, D * H, W)), kept dims
  // restored to Keras's (N, 1, 1, 1, C) ((N, C, 1, 1, 1)).
  if (failed(expect5D(layer, in)))
    return failure();
  ArrayRef<int64_t> s = shapeOf(in);
  bool first = pool.dataFormat == keras::DataFormat::ChannelsFirst;
  SmallVector<int64_t> image = first ? SmallVector<int64_t>{s[0], s[1], s[2] * s[3], s[4]}
                                     : SmallVector<int64_t>{s[0], s[1] * s[2], s[3], s[4]};
  FailureOr<Value> out = createLayerOp<GlobalPool2DOp>(
      layer, reshapeTo(layer, in, image, "/image"),
      PoolKindAttr::get(&context, pool.max ? PoolKind::max : PoolKind::average),
      formatAttr(&context, pool.dataFormat), builder.getBoolAttr(pool.keepdims));
  if (failed(out))
    return failure();
  if (!pool.keepdims)
    return success();
  int64_t channels = first ? s[1] : s[4];
  SmallVector<int64_t> kept = first ? SmallVector<int64_t>{s[0], channels, 1, 1, 1}
                                    : SmallVector<int64_t>{s[0], 1, 1, 1, channels};
  values[layer.name] = reshapeTo(layer, *out, kept, "/keepdims");
  return success();
}

LogicalResult Importer::import3D(const keras::Layer &layer, const keras::Pad2DConfig &pad,
                                 Value in) {
  bool first = pad.dataFormat == keras::DataFormat::ChannelsFirst;
  int64_t amounts[3][2] = {{pad.depthAmounts[0], pad.depthAmounts[1]},
                           {pad.amounts[0], pad.amounts[1]},
                           {pad.amounts[2], pad.amounts[3]}};
  if (pad.crop) { // Keras: the crop must leave at least one element along each axis
    ArrayRef<int64_t> s = shapeOf(in);
    const char *axisName[3] = {"depth", "height", "width"};
    for (int axis = 0; axis < 3 && s.size() == 5; ++axis) {
      int64_t length = s[(first ? 2 : 1) + axis];
      if (!ShapedType::isDynamic(length) && amounts[axis][0] + amounts[axis][1] >= length)
        return error(layer) << "'cropping' (" << amounts[axis][0] << ", " << amounts[axis][1]
                            << ") must be smaller than the input " << axisName[axis] << " ("
                            << length << ")";
    }
  }
  return applyAs2D(layer, in, first, [&](Value v, Axes3D axes) {
    SmallVector<int64_t, 4> a;
    for (Axis3D axis : axes)
      a.append(axis == Axis3D::none
                   ? SmallVector<int64_t, 2>{0, 0}
                   : SmallVector<int64_t, 2>{amounts[int(axis)][0], amounts[int(axis)][1]});
    if (pad.crop)
      return createLayerOp<Crop2DOp>(layer, v, builder.getDenseI64ArrayAttr(a),
                                     formatAttr(&context, pad.dataFormat));
    return createLayerOp<ZeroPad2DOp>(layer, v, builder.getDenseI64ArrayAttr(a),
                                      formatAttr(&context, pad.dataFormat));
  });
}

LogicalResult Importer::import3D(const keras::Layer &layer, const keras::UpSample2DConfig &up,
                                 Value in) {
  int64_t size[3] = {up.depthSize, up.size[0], up.size[1]};
  return applyAs2D(
      layer, in, up.dataFormat == keras::DataFormat::ChannelsFirst, [&](Value v, Axes3D axes) {
        auto pick = [&](Axis3D axis) { return axis == Axis3D::none ? 1 : size[int(axis)]; };
        return createLayerOp<UpSample2DOp>(
            layer, v, builder.getDenseI64ArrayAttr({pick(axes[0]), pick(axes[1])}),
            InterpolationAttr::get(&context, Interpolation::nearest),
            formatAttr(&context, up.dataFormat));
      });
}

} // namespace kconv::dialect
