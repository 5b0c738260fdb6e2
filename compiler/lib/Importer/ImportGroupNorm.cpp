// Keras GroupNormalization -> kconv.group_norm: the channel axis and the groups checked
// as Keras checks them (groups -1: one group per channel), gamma and beta per channel.
#include "Importer.h"

namespace kconv::dialect {

LogicalResult Importer::importGroupNorm(const keras::Layer &layer,
                                        const keras::GroupNormConfig &gn) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  auto type = cast<RankedTensorType>(in.getType());
  FailureOr<int64_t> axis = normalizedAxis(layer, gn.axis, type.getRank(), "axis");
  if (failed(axis))
    return failure();
  int64_t channels = type.getShape()[*axis];
  if (ShapedType::isDynamic(channels))
    return error(layer) << "the channel axis " << *axis << " has no known size";
  int64_t groups = gn.groups == -1 ? channels : gn.groups;
  if (groups > channels)
    return error(layer) << "'groups' (" << groups << ") cannot be more than the " << channels
                        << " channels of axis " << *axis;
  if (channels % groups != 0)
    return error(layer) << "'groups' (" << groups << ") must divide the " << channels
                        << " channels of axis " << *axis;
  // Keras's order: gamma (if scale), then beta (if center); none: no weights at all.
  size_t expected = size_t(gn.scale) + size_t(gn.center);
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      expected ? layerWeights(layer, expected) : std::vector<const keras::WeightTensor *>{};
  if (failed(tensors))
    return failure();
  size_t next = 0;
  auto vector = [&](bool present, const char *role, float fill,
                    const std::optional<keras::Value> &init,
                    const char *fallback) -> FailureOr<Value> {
    if (!present) { // the identity: gamma = 1, beta = 0
      auto vectorType = RankedTensorType::get({channels}, builder.getF32Type());
      return builder
          .create<arith::ConstantOp>(layerLoc(layer.name),
                                     DenseElementsAttr::get(vectorType, fill))
          .getResult();
    }
    return weightConstant(layer, (*tensors)[next++], role, {channels}, init, fallback);
  };
  FailureOr<Value> gamma = vector(gn.scale, "gamma", 1.0f, gn.gammaInitializer, "ones");
  if (failed(gamma))
    return failure();
  FailureOr<Value> beta = vector(gn.center, "beta", 0.0f, gn.betaInitializer, "zeros");
  if (failed(beta))
    return failure();
  return createLayerOp<GroupNormOp>(layer, in, *gamma, *beta, builder.getI64IntegerAttr(*axis),
                                    builder.getI64IntegerAttr(groups),
                                    builder.getF64FloatAttr(gn.epsilon),
                                    builder.getBoolAttr(gn.center), builder.getBoolAttr(gn.scale));
}

} // namespace kconv::dialect
