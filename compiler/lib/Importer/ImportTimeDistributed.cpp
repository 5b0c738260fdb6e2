// TimeDistributed: the inner layer applied to every step of its input, with one set
// of weights. A layer acting on the last axis alone (Dense, an activation, an
// identity) is the same layer over all steps at once; any other is imported once per
// step, on that step's slice, and the results stacked back along the steps.
#include "Importer.h"

namespace kconv::dialect {

namespace {
/// At most this many steps are imported one by one (each a copy of the layer's ops).
constexpr int64_t kMaxUnrolledSteps = 64;
} // namespace

LogicalResult Importer::importTimeDistributed(const keras::Layer &layer,
                                              const keras::TimeDistributedConfig &td) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  ArrayRef<int64_t> shape = shapeOf(in);
  if (shape.size() < 3 || llvm::any_of(shape.drop_front(), ShapedType::isDynamic))
    return error(layer) << "expects an input (batch, steps, ...) of known sizes, got "
                        << formatShape(shape);
  keras::Layer inner = layer;
  inner.className = td.innerClass;
  inner.config = td.inner->config;
  if (std::holds_alternative<keras::DenseConfig>(inner.config) ||
      std::holds_alternative<keras::ActivationConfig>(inner.config) ||
      std::holds_alternative<keras::IdentityConfig>(inner.config))
    return importLayer(inner);
  int64_t steps = shape[1];
  if (steps > kMaxUnrolledSteps)
    return error(layer) << "applies " << td.innerClass << " to each of " << steps
                        << " steps in turn, at most " << kMaxUnrolledSteps
                        << " (Dense, activations and identities: any number)";
  int64_t batch = shape[0], perStep = 1;
  for (int64_t d : shape.drop_front(2))
    perStep *= d;
  // The steps as the columns of an image (batch, 1, steps, rest): a view each step's
  // crop reads through.
  Value columns = reshapeTo(layer, in, {batch, 1, steps, perStep}, "/steps");
  SmallVector<int64_t> stepShape{batch};
  stepShape.append(shape.begin() + 2, shape.end());
  const std::string &owner = layer.weightOwner.empty() ? layer.name : layer.weightOwner;
  SmallVector<Value> outputs;
  SmallVector<int64_t> target{steps}; // the result: (steps, a step's output...)
  for (int64_t t = 0; t < steps; ++t) {
    std::string suffix = "#" + std::to_string(t);
    FailureOr<Value> cropped = createLayerOp<Crop2DOp>(
        layer, columns, builder.getDenseI64ArrayAttr({0, 0, t, steps - t - 1}),
        formatAttr(&context, keras::DataFormat::ChannelsLast));
    if (failed(cropped))
      return failure();
    // '#' is in no Keras name: the step's slice and layer cannot meet the model's.
    std::string slice = layer.name + "#in" + std::to_string(t);
    values[slice] = reshapeTo(layer, *cropped, stepShape, suffix);
    keras::Layer step = inner;
    step.inbound = {slice};
    if (t > 0) { // the first step reads the weights as the layer, the others share them
      step.name = layer.name + suffix;
      step.weightOwner = owner;
    }
    if (failed(importLayer(step)))
      return failure();
    Value out = values.lookup(step.name);
    ArrayRef<int64_t> outShape = shapeOf(out);
    if (t == 0)
      target.append(outShape.begin() + 1, outShape.end());
    int64_t size = 1;
    for (int64_t d : outShape.drop_front())
      size *= d;
    outputs.push_back(reshapeTo(layer, out, {batch, 1, size}, suffix + "/row"));
  }
  Value stacked = outputs.front();
  if (outputs.size() > 1) {
    FailureOr<Value> joined =
        createLayerOp<ConcatenateOp>(layer, outputs, builder.getI64IntegerAttr(1));
    if (failed(joined))
      return failure();
    stacked = *joined;
  }
  return failure(failed(
      createLayerOp<ReshapeOp>(layer, stacked, builder.getDenseI64ArrayAttr(target))));
}

} // namespace kconv::dialect
