// Keras Resizing and CenterCrop -> kconv.resize, after a kconv.crop2d of the centered box
// of the target's aspect ratio (crop_to_aspect_ratio; CenterCrop of an input smaller than
// its target in an axis, Keras's smart_resize) or alone (CenterCrop of a larger input).
#include "Importer.h"

#include "llvm/Support/CheckedArithmetic.h"

#include <algorithm>

namespace kconv::dialect {

namespace {
/// Keras's crop box of the target aspect ratio along one axis: the length
/// trunc(other * target / otherTarget), within [1, length], centered (start truncated).
std::optional<std::pair<int64_t, int64_t>> aspectBox(int64_t length, int64_t other,
                                                     int64_t target, int64_t otherTarget) {
  std::optional<int64_t> product = llvm::checkedMul(other, target);
  if (!product)
    return std::nullopt;
  int64_t crop = int64_t(double(*product) / double(otherTarget));
  crop = std::max<int64_t>(std::min(length, crop), 1);
  return std::make_pair((length - crop) / 2, crop);
}
} // namespace

LogicalResult Importer::importResize(const keras::Layer &layer,
                                     const keras::ResizeConfig &resize) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  auto type = cast<RankedTensorType>(in.getType());
  if (type.getRank() != 4)
    return error(layer) << "needs a rank-4 input (batch, 2 spatial axes and channels), got "
                        << formatShape(type.getShape());
  bool channelsFirst = resize.dataFormat == keras::DataFormat::ChannelsFirst;
  int64_t height = type.getShape()[channelsFirst ? 2 : 1];
  int64_t width = type.getShape()[channelsFirst ? 3 : 2];
  if (ShapedType::isDynamic(height) || ShapedType::isDynamic(width))
    return error(layer) << "needs an input of known height and width, got "
                        << formatShape(type.getShape());
  int64_t th = resize.height, tw = resize.width;
  bool resizes = !resize.centerCrop || height < th || width < tw;
  std::array<int64_t, 4> crop{0, 0, 0, 0}; // top, bottom, left, right
  if (!resizes) {                          // CenterCrop of a larger input: a crop only
    crop = {(height - th) / 2, height - th - (height - th) / 2, (width - tw) / 2,
            width - tw - (width - tw) / 2};
  } else if (resize.centerCrop || resize.cropToAspectRatio) {
    auto h = aspectBox(height, width, th, tw), w = aspectBox(width, height, tw, th);
    if (!h || !w)
      return error(layer) << "the aspect-ratio crop of " << formatShape(type.getShape())
                          << " overflows 64-bit integers";
    crop = {h->first, height - h->first - h->second, w->first, width - w->first - w->second};
  }
  if (llvm::any_of(crop, [](int64_t a) { return a != 0; })) {
    auto op = builder.create<Crop2DOp>(
        layerLoc(resizes ? layer.name + "/crop" : layer.name),
        UnrankedTensorType::get(builder.getF32Type()), in, builder.getDenseI64ArrayAttr(crop),
        formatAttr(&context, resize.dataFormat));
    FailureOr<Value> cropped = finishLayerOp(layer, op.getOperation());
    if (failed(cropped))
      return failure();
    in = *cropped;
  }
  if (!resizes) {
    values[layer.name] = in;
    return success();
  }
  ResizeMethod method = resize.interpolation == "nearest"   ? ResizeMethod::nearest
                        : resize.interpolation == "bicubic" ? ResizeMethod::bicubic
                                                            : ResizeMethod::bilinear;
  return createLayerOp<ResizeOp>(layer, in, builder.getDenseI64ArrayAttr({th, tw}),
                                 ResizeMethodAttr::get(&context, method),
                                 formatAttr(&context, resize.dataFormat));
}

} // namespace kconv::dialect
