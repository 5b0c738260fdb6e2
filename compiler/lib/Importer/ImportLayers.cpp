// Keras layers other than convolutions -> kconv ops.
#include "Importer.h"

#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdio>
#include <tuple>
#include <utility>

namespace kconv::dialect {

DataFormatAttr formatAttr(MLIRContext *context, keras::DataFormat format) {
  return DataFormatAttr::get(context, format == keras::DataFormat::ChannelsFirst
                                          ? DataFormat::channels_first
                                          : DataFormat::channels_last);
}

namespace {

int64_t rankOf(Value v) { return cast<RankedTensorType>(v.getType()).getRank(); }
} // namespace

LogicalResult Importer::importDense(const keras::Layer &layer, const keras::DenseConfig &dense) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  int64_t features = shapeOf(in).back();
  if (rankOf(in) < 2 || ShapedType::isDynamic(features))
    return error(layer) << "needs an input with a known last dimension, got "
                        << formatShape(shapeOf(in));
  std::optional<int64_t> weightCount = llvm::checkedMul(features, dense.units);
  if (!weightCount || *weightCount > (int64_t(1) << 30))
    return error(layer) << "the kernel (" << features << " x " << dense.units
                        << ") exceeds kconv's limit of 2^30 weights per tensor";
  FailureOr<std::pair<Value, Value>> weights =
      kernelAndBias(layer, {features, dense.units}, dense.kernelInitializer, dense.useBias,
                    dense.units, dense.biasInitializer);
  if (failed(weights))
    return failure();
  FailureOr<Activation> activation = activationOf(layer, dense.activation);
  if (failed(activation))
    return failure();
  return createLayerOp<DenseOp>(layer, in, weights->first, weights->second,
                                builder.getI64IntegerAttr(dense.units),
                                ActivationAttr::get(&context, *activation),
                                builder.getBoolAttr(dense.useBias));
}

LogicalResult Importer::importBatchNorm(const keras::Layer &layer,
                                        const keras::BatchNormConfig &bn) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  FailureOr<int64_t> axis = normalizedAxis(layer, bn.axis, rankOf(in), "axis");
  if (failed(axis))
    return failure();
  int64_t channels = shapeOf(in)[*axis];
  if (ShapedType::isDynamic(channels))
    return error(layer) << "the normalized axis has no known size";
  size_t expected = (bn.scale ? 1 : 0) + (bn.center ? 1 : 0) + 2;
  FailureOr<std::vector<const keras::WeightTensor *>> tensors = layerWeights(layer, expected);
  if (failed(tensors))
    return failure();
  // Keras's order: gamma (if scale), beta (if center), moving_mean, moving_variance.
  size_t next = 0;
  auto vector = [&](bool present, const char *role, const char *init) -> FailureOr<Value> {
    if (!present) { // Keras without scale/center: gamma = 1, beta = 0
      auto type = RankedTensorType::get({channels}, builder.getF32Type());
      float fill = std::string(init) == "ones" ? 1.0f : 0.0f;
      return builder
          .create<arith::ConstantOp>(layerLoc(layer.name), DenseElementsAttr::get(type, fill))
          .getResult();
    }
    return weightConstant(layer, (*tensors)[next++], role, {channels}, std::nullopt, init);
  };
  FailureOr<Value> gamma = vector(bn.scale, "gamma", "ones");
  if (failed(gamma))
    return failure();
  FailureOr<Value> beta = vector(bn.center, "beta", "zeros");
  if (failed(beta))
    return failure();
  FailureOr<Value> mean = vector(true, "moving_mean", "zeros");
  if (failed(mean))
    return failure();
  FailureOr<Value> variance = vector(true, "moving_variance", "ones");
  if (failed(variance))
    return failure();
  return createLayerOp<BatchNormOp>(layer, in, *gamma, *beta, *mean, *variance,
                                    builder.getI64IntegerAttr(*axis),
                                    builder.getF64FloatAttr(bn.epsilon),
                                    builder.getBoolAttr(bn.center), builder.getBoolAttr(bn.scale));
}

namespace {
/// True when the file was written by Keras 3 before `minor` (3.x), so a rule of an
/// older Keras 3 applies.
bool keras3Before(const std::string &version, int minor) {
  int major = 0, fileMinor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &fileMinor) != 2)
    return false;
  return major == 3 && fileMinor < minor;
}
} // namespace

LogicalResult Importer::importLayerNorm(const keras::Layer &layer,
                                        const keras::LayerNormConfig &ln) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  int64_t rank = rankOf(in);
  // The axes as written give gamma's and beta's shape in the file; Keras reshapes
  // them (keeping the values' order) to the input's rank with the sizes of the
  // sorted axes, so the same values index the sorted axes here.
  SmallVector<int64_t> written, sorted, fileShape, shape;
  for (int64_t axis : ln.axes) {
    FailureOr<int64_t> normalized = normalizedAxis(layer, axis, rank, "axis");
    if (failed(normalized))
      return failure();
    if (llvm::is_contained(written, *normalized))
      return error(layer) << "'axis' lists axis " << *normalized << " twice";
    written.push_back(*normalized);
    int64_t size = shapeOf(in)[*normalized];
    if (ShapedType::isDynamic(size))
      return error(layer) << "the normalized axis " << *normalized << " has no known size";
    fileShape.push_back(size);
  }
  sorted = written;
  llvm::sort(sorted);
  int64_t weightCount = 1;
  for (int64_t axis : sorted) {
    shape.push_back(shapeOf(in)[axis]);
    std::optional<int64_t> count = llvm::checkedMul(weightCount, shape.back());
    if (!count || *count > (int64_t(1) << 30))
      return error(layer) << "gamma and beta over axes exceed kconv's limit of 2^30 weights "
                             "per tensor";
    weightCount = *count;
  }
  // Where Keras multiplies by gamma without that reshape (RMSNormalization's scale;
  // rms_scaling's gamma before Keras 3.4) it broadcasts along the last axes: only the
  // last axes, written in order, mean what they say there.
  bool trailing = written.back() == rank - 1 && llvm::is_sorted(written) &&
                  written.back() - written.front() == int64_t(written.size()) - 1;
  const char *weightName = ln.meanSquare ? "scale" : "gamma";
  if (!trailing && ln.meanSquare)
    return error(layer) << "normalizing over axes other than the last ones, in order, is not "
                           "supported (Keras multiplies by 'scale' along the last axes)";
  if (!trailing && ln.rmsScaling && keras3Before(model.kerasVersion, 4))
    return error(layer) << "rms_scaling over axes other than the last ones, in order, is not "
                           "supported for Keras " << model.kerasVersion
                        << " (which multiplies by gamma along the last axes)";
  // Keras builds gamma when scale (or rms_scaling), beta when center and not
  // rms_scaling, in that order.
  bool hasGamma = ln.scale || ln.rmsScaling, hasBeta = ln.center && !ln.rmsScaling;
  // Without gamma and beta the layer has no weights: Keras leaves it out of the
  // order of weighted layers, so it takes no place in that order here either.
  size_t expected = size_t(hasGamma) + size_t(hasBeta);
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      expected ? layerWeights(layer, expected) : std::vector<const keras::WeightTensor *>{};
  if (failed(tensors))
    return failure();
  size_t next = 0;
  auto vector = [&](bool present, const char *role, float fill,
                    const char *init) -> FailureOr<Value> {
    if (!present) { // the identity: gamma = 1, beta = 0
      auto type = RankedTensorType::get(shape, builder.getF32Type());
      return builder
          .create<arith::ConstantOp>(layerLoc(layer.name), DenseElementsAttr::get(type, fill))
          .getResult();
    }
    return weightConstant(layer, (*tensors)[next++], role, shape, std::nullopt, init,
                          fileShape);
  };
  FailureOr<Value> gamma = vector(hasGamma, weightName, 1.0f, "ones");
  if (failed(gamma))
    return failure();
  FailureOr<Value> beta = vector(hasBeta, "beta", 0.0f, "zeros");
  if (failed(beta))
    return failure();
  return createLayerOp<LayerNormOp>(
      layer, in, *gamma, *beta, builder.getDenseI64ArrayAttr(sorted),
      builder.getF64FloatAttr(ln.epsilon), builder.getBoolAttr(ln.center),
      builder.getBoolAttr(ln.scale), builder.getBoolAttr(ln.rmsScaling),
      builder.getBoolAttr(ln.meanSquare));
}

LogicalResult Importer::importNormalization(const keras::Layer &layer,
                                            const keras::NormalizationConfig &norm) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  int64_t rank = rankOf(in);
  if (rank < 2)
    return error(layer) << "needs an input with a non-batch axis, got "
                        << formatShape(shapeOf(in));
  // axis=None: one mean and variance for every element, applied along the last axis.
  int64_t axis = rank - 1;
  if (norm.axis) {
    FailureOr<int64_t> normalized = normalizedAxis(layer, *norm.axis, rank, "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  int64_t channels = shapeOf(in)[axis];
  if (ShapedType::isDynamic(channels))
    return error(layer) << "the normalized axis has no known size";
  if (channels > (int64_t(1) << 30))
    return error(layer) << "the normalized axis (" << channels
                        << ") exceeds kconv's limit of 2^30 weights per tensor";
  // Per-index mean and variance: from the config when given at construction, else the
  // weights (Keras's order: mean, variance, count), else Keras's initial 0 and 1.
  std::vector<double> mean, variance;
  if (norm.mean) {
    size_t given = norm.mean->size();
    if (given != 1 && (!norm.axis || given != size_t(channels)))
      return error(layer) << "'mean' and 'variance' hold " << given
                          << " values; the layer needs 1" << (norm.axis ? " or " : "")
                          << (norm.axis ? std::to_string(channels) : std::string());
    mean = *norm.mean;
    variance = *norm.variance;
  } else {
    FailureOr<std::vector<const keras::WeightTensor *>> tensors = layerWeights(layer, 3);
    if (failed(tensors))
      return failure();
    std::vector<int64_t> expected;
    if (norm.axis)
      expected.push_back(channels);
    for (auto [index, role, fill, out] :
         {std::tuple{0, "mean", 0.0, &mean}, {1, "variance", 1.0, &variance}}) {
      const keras::WeightTensor *tensor = (*tensors)[index];
      if (!tensor) {
        out->assign(1, fill);
        continue;
      }
      if (tensor->shape != expected)
        return weightShapeError(layer, role, tensor->shape, expected);
      out->assign(tensor->values.begin(), tensor->values.end());
    }
  }
  for (size_t i = 0; i < variance.size(); ++i) {
    if (!std::isfinite(mean[i]) || !std::isfinite(variance[i]))
      return error(layer) << "mean or variance at index " << i << " is not finite";
    if (variance[i] < 0)
      return error(layer) << "variance at index " << i << " is negative ("
                          << llvm::formatv("{0}", variance[i]).str() << ")";
  }
  // The per-channel affine map x * scale + offset, computed in float64: Keras divides
  // by max(sqrt(variance), epsilon()) with epsilon() = 1e-7; `invert` multiplies.
  std::vector<float> scale(channels), offset(channels);
  for (int64_t c = 0; c < channels; ++c) {
    size_t i = mean.size() == 1 ? 0 : size_t(c);
    double deviation = std::max(std::sqrt(variance[i]), 1e-7);
    scale[c] = float(norm.invert ? deviation : 1.0 / deviation);
    offset[c] = float(norm.invert ? mean[i] : 0.0 - mean[i] / deviation); // (not -0)
  }
  // Imported as an inference BatchNormalization with mean 0, variance 1, epsilon 0
  // (gamma = scale, beta = offset), so that it folds and fuses like one.
  auto type = RankedTensorType::get({channels}, builder.getF32Type());
  Location loc = layerLoc(layer.name);
  auto constant = [&](ArrayRef<float> values) {
    return builder.create<arith::ConstantOp>(loc, DenseElementsAttr::get(type, values))
        .getResult();
  };
  Value gamma = constant(scale), beta = constant(offset);
  Value zeros = constant(std::vector<float>(channels, 0.0f));
  Value ones = constant(std::vector<float>(channels, 1.0f));
  return createLayerOp<BatchNormOp>(layer, in, gamma, beta, zeros, ones,
                                    builder.getI64IntegerAttr(axis), builder.getF64FloatAttr(0.0),
                                    builder.getBoolAttr(true), builder.getBoolAttr(true));
}

LogicalResult Importer::importActivation(const keras::Layer &layer,
                                         const keras::ActivationConfig &act) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  FailureOr<Activation> activation = activationOf(layer, act.activation);
  if (failed(activation))
    return failure();
  // This op computes every activation (sparsemax and glu included) itself.
  if (std::optional<Activation> along = std::exchange(trailingActivation, std::nullopt))
    activation = *along;
  // Along-axis activations name their axis even when Keras's is the default last one:
  // the layout pass renumbers it when it moves the op across a transpose.
  IntegerAttr axis;
  if (act.axis || ActivationOp::isAlongAxis(*activation)) {
    FailureOr<int64_t> normalized =
        normalizedAxis(layer, act.axis.value_or(-1), rankOf(in), "axis");
    if (failed(normalized))
      return failure();
    axis = builder.getI64IntegerAttr(*normalized);
  }
  auto number = [&](std::optional<double> v) {
    return v ? builder.getF64FloatAttr(*v) : FloatAttr();
  };
  return createLayerOp<ActivationOp>(layer, in, ActivationAttr::get(&context, *activation),
                                     number(act.alpha), number(act.maxValue),
                                     number(act.negativeSlope), number(act.threshold), axis);
}

LogicalResult Importer::importPRelu(const keras::Layer &layer, const keras::PReluConfig &prelu) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  SmallVector<int64_t> alphaShape(shapeOf(in).drop_front());
  for (int64_t axis : prelu.sharedAxes) {
    if (axis < 1 || axis > (int64_t)alphaShape.size())
      return error(layer) << "'shared_axes' entry " << axis << " is not an axis of the input "
                          << formatShape(shapeOf(in));
    alphaShape[axis - 1] = 1;
  }
  for (int64_t d : alphaShape)
    if (ShapedType::isDynamic(d))
      return error(layer) << "needs an input of known shape, got " << formatShape(shapeOf(in));
  FailureOr<std::vector<const keras::WeightTensor *>> tensors = layerWeights(layer, 1);
  if (failed(tensors))
    return failure();
  FailureOr<Value> alpha =
      weightConstant(layer, (*tensors)[0], "alpha", alphaShape, std::nullopt, "zeros");
  if (failed(alpha))
    return failure();
  return createLayerOp<PReluOp>(layer, in, *alpha);
}

LogicalResult Importer::importReshape(const keras::Layer &layer,
                                      const keras::ReshapeConfig &reshape) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  ArrayRef<int64_t> inShape = shapeOf(in);
  int64_t count = 1;
  for (int64_t d : inShape.drop_front()) {
    if (ShapedType::isDynamic(d))
      return error(layer) << "needs an input of known shape, got " << formatShape(inShape);
    std::optional<int64_t> product = llvm::checkedMul(count, d);
    if (!product)
      return error(layer) << "the input " << formatShape(inShape)
                          << " has more values than 64-bit integers can count";
    count = *product;
  }
  SmallVector<int64_t> target;
  if (reshape.flatten) {
    // Flatten(data_format='channels_first') moves the channels last first, as Keras does.
    if (reshape.dataFormat == keras::DataFormat::ChannelsFirst && inShape.size() >= 3) {
      SmallVector<int64_t> perm{0};
      for (int64_t i = 2; i < (int64_t)inShape.size(); ++i)
        perm.push_back(i);
      perm.push_back(1);
      auto transpose = builder.create<TransposeOp>(
          layerLoc(layer.name), UnrankedTensorType::get(builder.getF32Type()), in,
          builder.getDenseI64ArrayAttr(perm));
      FailureOr<Value> moved = finishLayerOp(layer, transpose);
      if (failed(moved))
        return failure();
      in = *moved;
    }
    target.push_back(count);
  } else {
    int64_t known = 1, unknownAt = -1;
    for (int64_t d : reshape.targetShape) {
      if (d == -1) {
        unknownAt = target.size();
      } else if (std::optional<int64_t> product = llvm::checkedMul(known, d)) {
        known = *product;
      } else {
        return error(layer) << "'target_shape' " << formatShape(reshape.targetShape)
                            << " has more values than 64-bit integers can count";
      }
      target.push_back(d);
    }
    if (unknownAt >= 0) {
      if (count % known != 0)
        return error(layer) << "cannot reshape " << formatShape(inShape) << " to "
                            << formatShape(reshape.targetShape);
      target[unknownAt] = count / known;
    }
  }
  return createLayerOp<ReshapeOp>(layer, in, builder.getDenseI64ArrayAttr(target));
}

LogicalResult Importer::importSimple(const keras::Layer &layer) {
  auto *ctx = &context;
  return std::visit(
      [&](const auto &config) -> LogicalResult {
        using T = std::decay_t<decltype(config)>;
        SmallVector<Value> inputs;
        for (size_t i = 0; i < layer.inbound.size(); ++i)
          inputs.push_back(input(layer, i));
        if constexpr (std::is_same_v<T, keras::MergeConfig>) {
          if (config.operation && inputs.size() == 2 && rankOf(inputs[0]) != rankOf(inputs[1]))
            return error(layer) << "keras.ops." << config.kind << " of tensors of ranks "
                                << rankOf(inputs[0]) << " and " << rankOf(inputs[1])
                                << " (" << formatShape(shapeOf(inputs[0])) << " and "
                                << formatShape(shapeOf(inputs[1]))
                                << "): kconv broadcasts keras.ops operands of equal rank only";
          std::optional<MergeKind> kind = symbolizeMergeKind(config.kind);
          return createLayerOp<MergeOp>(layer, inputs, MergeKindAttr::get(ctx, *kind));
        } else if constexpr (std::is_same_v<T, keras::ConcatenateConfig>) {
          if (inputs.empty())
            return error(layer) << "has no inputs";
          FailureOr<int64_t> axis = normalizedAxis(layer, config.axis, rankOf(inputs[0]), "axis");
          if (failed(axis))
            return failure();
          return createLayerOp<ConcatenateOp>(layer, inputs, builder.getI64IntegerAttr(*axis));
        } else {
          if (failed(expectInputs(layer, 1)))
            return failure();
          Value in = inputs[0];
          // 1-D pooling, padding, cropping and upsampling are the 2-D ops on the
          // (1, steps) view of their input.
          constexpr bool hasRank = std::is_same_v<T, keras::Pool2DConfig> ||
                                   std::is_same_v<T, keras::GlobalPool2DConfig> ||
                                   std::is_same_v<T, keras::Pad2DConfig> ||
                                   std::is_same_v<T, keras::UpSample2DConfig>;
          bool oneD = false;
          bool channelsFirst = false;
          if constexpr (hasRank) {
            if (config.rank == 3) // the 3-D layers: ImportLayers3D.cpp
              return import3D(layer, config, in);
            oneD = config.rank == 1;
            channelsFirst = config.dataFormat == keras::DataFormat::ChannelsFirst;
          }
          if (oneD) {
            FailureOr<Value> in4 = expandTo2D(layer, in, channelsFirst);
            if (failed(in4))
              return failure();
            in = *in4;
          }
          auto finish = [&](FailureOr<Value> out) -> LogicalResult {
            if (failed(out))
              return failure();
            if (oneD)
              squeezeFrom2D(layer, *out, channelsFirst);
            return success();
          };
          if constexpr (std::is_same_v<T, keras::Pool2DConfig>) {
            return finish(createLayerOp<Pool2DOp>(
                layer, in,
                PoolKindAttr::get(ctx, config.max ? PoolKind::max : PoolKind::average),
                builder.getDenseI64ArrayAttr(config.poolSize),
                builder.getDenseI64ArrayAttr(config.strides),
                PaddingAttr::get(ctx, config.padding == "same" ? Padding::same : Padding::valid),
                formatAttr(ctx, config.dataFormat)));
          } else if constexpr (std::is_same_v<T, keras::GlobalPool2DConfig>) {
            return finish(createLayerOp<GlobalPool2DOp>(
                layer, in,
                PoolKindAttr::get(ctx, config.max ? PoolKind::max : PoolKind::average),
                formatAttr(ctx, config.dataFormat), builder.getBoolAttr(config.keepdims)));
          } else if constexpr (std::is_same_v<T, keras::Pad2DConfig>) {
            if (config.crop && oneD) { // Keras: the crop must leave at least one step
              int64_t length = shapeOf(in)[channelsFirst ? 3 : 2];
              if (!ShapedType::isDynamic(length) &&
                  config.amounts[2] + config.amounts[3] >= length)
                return error(layer) << "'cropping' (" << config.amounts[2] << ", "
                                    << config.amounts[3]
                                    << ") must be smaller than the input length (" << length
                                    << ")";
            }
            if (config.crop)
              return finish(createLayerOp<Crop2DOp>(layer, in,
                                                    builder.getDenseI64ArrayAttr(config.amounts),
                                                    formatAttr(ctx, config.dataFormat)));
            return finish(createLayerOp<ZeroPad2DOp>(layer, in,
                                                     builder.getDenseI64ArrayAttr(config.amounts),
                                                     formatAttr(ctx, config.dataFormat)));
          } else if constexpr (std::is_same_v<T, keras::UpSample2DConfig>) {
            return finish(createLayerOp<UpSample2DOp>(
                layer, in, builder.getDenseI64ArrayAttr(config.size),
                InterpolationAttr::get(ctx, config.interpolation == "bilinear"
                                                ? Interpolation::bilinear
                                                : Interpolation::nearest),
                formatAttr(ctx, config.dataFormat)));
          } else if constexpr (std::is_same_v<T, keras::PermuteConfig>) {
            SmallVector<int64_t> perm{0};
            perm.append(config.dims.begin(), config.dims.end());
            return createLayerOp<TransposeOp>(layer, in, builder.getDenseI64ArrayAttr(perm));
          } else if constexpr (std::is_same_v<T, keras::RescalingConfig>) {
            return createLayerOp<RescaleOp>(layer, in, builder.getF64FloatAttr(config.scale),
                                            builder.getF64FloatAttr(config.offset));
          } else if constexpr (std::is_same_v<T, keras::IdentityConfig>) {
            return createLayerOp<IdentityOp>(layer, in, builder.getStringAttr(layer.className));
          } else {
            return error(layer) << "is not supported by kconv";
          }
        }
      },
      layer.config);
}

} // namespace kconv::dialect
