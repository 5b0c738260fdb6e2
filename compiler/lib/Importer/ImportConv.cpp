// Conv2D, DepthwiseConv2D and SeparableConv2D -> kconv.conv2d (depthwise layers are
// grouped convolutions with one input channel per group; a separable layer is a
// depthwise conv2d followed by a 1x1 conv2d).
#include "Importer.h"

#include "kconv/Support/ConvGeometry.h"
#include "llvm/Support/CheckedArithmetic.h"

namespace kconv::dialect {

namespace {
std::optional<int64_t> checkedProduct(std::initializer_list<int64_t> dims, int64_t limit) {
  int64_t p = 1;
  for (int64_t d : dims)
    if (d < 0 || __builtin_mul_overflow(p, d, &p) || p > limit)
      return std::nullopt;
  return p;
}
} // namespace

FailureOr<Value> Importer::buildConv(const keras::Layer &layer, Location loc, Value input,
                                     const keras::Conv2DConfig &conv, int64_t filters,
                                     int64_t groups, Value kernel, Value bias,
                                     StringRef activationName,
                                     std::array<int64_t, 2> kernelSize,
                                     std::array<int64_t, 2> strides,
                                     std::array<int64_t, 2> dilation, bool same,
                                     DenseI64ArrayAttr explicitPadding) {
  FailureOr<Activation> activation = activationOf(layer, activationName);
  if (failed(activation))
    return failure();
  auto optional = [&](const std::optional<keras::Value> &v) -> Attribute {
    return v ? toAttribute(*v) : Attribute();
  };
  auto op = builder.create<Conv2DOp>(
      loc, UnrankedTensorType::get(builder.getF32Type()), input, kernel, bias,
      /*residual=*/Value(), builder.getI64IntegerAttr(filters),
      builder.getDenseI64ArrayAttr(kernelSize), builder.getDenseI64ArrayAttr(strides),
      PaddingAttr::get(&context, same ? Padding::same : Padding::valid),
      formatAttr(&context, conv.dataFormat), builder.getDenseI64ArrayAttr(dilation),
      builder.getI64IntegerAttr(groups),
      ActivationAttr::get(&context, *activation), builder.getBoolAttr(bool(bias)),
      explicitPadding, /*schedule=*/ScheduleAttr(), /*gpu_schedule=*/GpuScheduleAttr(),
      optional(conv.kernelInitializer), optional(conv.biasInitializer),
      optional(conv.kernelRegularizer), optional(conv.biasRegularizer),
      optional(conv.activityRegularizer), optional(conv.kernelConstraint),
      optional(conv.biasConstraint));
  return finishLayerOp(layer, op.getOperation());
}

FailureOr<Value> Importer::importConv2DTranspose(const keras::Layer &layer,
                                                 const keras::Conv2DConfig &conv, Value in) {
  auto inputType = cast<RankedTensorType>(in.getType());
  bool channelsFirst = conv.dataFormat == keras::DataFormat::ChannelsFirst;
  int64_t inC = inputType.getShape()[channelsFirst ? 1 : 3];
  int64_t kh = conv.kernelSize[0], kw = conv.kernelSize[1];
  if (!checkedProduct({kh, kw, inC, conv.filters}, int64_t(1) << 30))
    return error(layer) << "the kernel (" << kh << " x " << kw << " x " << conv.filters << " x "
                        << inC << ") exceeds kconv's limit of 2^30 weights per tensor";
  // Conv1DTranspose's kernel (k, filters, Cin) is the 1 x k kernel in memory.
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      layerWeights(layer, conv.useBias ? 2 : 1);
  if (failed(tensors))
    return failure();
  SmallVector<int64_t, 4> fileShape{kh, kw, conv.filters, inC};
  if (conv.rank == 1)
    fileShape.erase(fileShape.begin());
  FailureOr<Value> kernel =
      weightConstant(layer, (*tensors)[0], "kernel", {kh, kw, conv.filters, inC},
                     conv.kernelInitializer, "glorot_uniform", fileShape);
  if (failed(kernel))
    return failure();
  Value bias;
  if (conv.useBias) {
    FailureOr<Value> b = weightConstant(layer, (*tensors)[1], "bias", {conv.filters},
                                        conv.biasInitializer, "zeros");
    if (failed(b))
      return failure();
    bias = *b;
  }
  FailureOr<Activation> activation =
      activationOf(layer, conv.activation, /*opComputesSoftmax=*/false);
  if (failed(activation))
    return failure();
  DenseI64ArrayAttr outputPadding;
  if (conv.outputPadding)
    outputPadding = builder.getDenseI64ArrayAttr(*conv.outputPadding);
  return createLayerOp<Conv2DTransposeOp>(
      layer, in, *kernel, bias, builder.getI64IntegerAttr(conv.filters),
      builder.getDenseI64ArrayAttr(conv.kernelSize), builder.getDenseI64ArrayAttr(conv.strides),
      PaddingAttr::get(&context, conv.padding == "same" ? Padding::same : Padding::valid),
      outputPadding, formatAttr(&context, conv.dataFormat),
      builder.getDenseI64ArrayAttr(conv.dilationRate), ActivationAttr::get(&context, *activation),
      builder.getBoolAttr(conv.useBias));
}

LogicalResult Importer::importConv2D(const keras::Layer &layer, const keras::Conv2DConfig &conv) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  auto inputType = cast<RankedTensorType>(in.getType());
  if (inputType.getRank() != 4)
    return error(layer) << "expects a 4-D input (batch, 3 dimensions), got rank "
                        << inputType.getRank();
  if (conv.kind == keras::ConvKind::Transpose)
    return importConv2DTranspose(layer, conv, in);
  return importConvOn(layer, conv, in);
}

/// Conv1D is the conv2d of a 1 x k kernel over (N, 1, L, C) (channels_first: (N, C, 1, L)),
/// so the tuner, schedules and fusion of conv2d all apply; reshapes (free views) wrap it.
FailureOr<Value> Importer::expandTo2D(const keras::Layer &layer, Value in, bool channelsFirst) {
  auto inputType = cast<RankedTensorType>(in.getType());
  if (inputType.getRank() != 3)
    return error(layer) << "expects a 3-D input (batch, 2 dimensions), got rank "
                        << inputType.getRank();
  ArrayRef<int64_t> shape = inputType.getShape();
  SmallVector<int64_t, 4> shape4 =
      channelsFirst ? SmallVector<int64_t, 4>{shape[0], shape[1], 1, shape[2]}
                    : SmallVector<int64_t, 4>{shape[0], 1, shape[1], shape[2]};
  return builder
      .create<ReshapeOp>(layerLoc(layer.name + "/expand"),
                         RankedTensorType::get(shape4, builder.getF32Type()), in,
                         builder.getDenseI64ArrayAttr(ArrayRef<int64_t>(shape4).drop_front()))
      .getResult();
}

void Importer::squeezeFrom2D(const keras::Layer &layer, Value out4, bool channelsFirst) {
  ArrayRef<int64_t> shape4 = cast<RankedTensorType>(out4.getType()).getShape();
  if (shape4.size() != 4) {
    values[layer.name] = out4;
    return;
  }
  SmallVector<int64_t, 3> shape =
      channelsFirst ? SmallVector<int64_t, 3>{shape4[0], shape4[1], shape4[3]}
                    : SmallVector<int64_t, 3>{shape4[0], shape4[2], shape4[3]};
  values[layer.name] =
      builder
          .create<ReshapeOp>(layerLoc(layer.name + "/squeeze"),
                             RankedTensorType::get(shape, builder.getF32Type()), out4,
                             builder.getDenseI64ArrayAttr(ArrayRef<int64_t>(shape).drop_front()))
          .getResult();
}

/// Conv1D is the conv2d of a 1 x k kernel over (N, 1, L, C) (channels_first: (N, C, 1, L)),
/// so the tuner, schedules and fusion of conv2d all apply; reshapes (free views) wrap it.
/// DepthwiseConv1D, SeparableConv1D and Conv1DTranspose are likewise DepthwiseConv2D,
/// SeparableConv2D and Conv2DTranspose of a 1 x k kernel on the same view.
LogicalResult Importer::importConv1D(const keras::Layer &layer, const keras::Conv2DConfig &conv) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  bool channelsFirst = conv.dataFormat == keras::DataFormat::ChannelsFirst;
  FailureOr<Value> in4 = expandTo2D(layer, input(layer, 0), channelsFirst);
  if (failed(in4))
    return failure();
  FailureOr<Value> out4 = conv.kind == keras::ConvKind::Transpose
                              ? importConv2DTranspose(layer, conv, *in4)
                              : importConvOn(layer, conv, *in4);
  if (failed(out4))
    return failure();
  squeezeFrom2D(layer, *out4, channelsFirst);
  return success();
}

FailureOr<Value> Importer::importConvOn(const keras::Layer &layer,
                                        const keras::Conv2DConfig &conv, Value in) {
  auto inputType = cast<RankedTensorType>(in.getType());
  bool channelsFirst = conv.dataFormat == keras::DataFormat::ChannelsFirst;
  ArrayRef<int64_t> inShape = inputType.getShape();
  int64_t inC = channelsFirst ? inShape[1] : inShape[3];
  int64_t inH = channelsFirst ? inShape[2] : inShape[1];
  int64_t inW = channelsFirst ? inShape[3] : inShape[2];
  bool depthwiseFirst = conv.kind != keras::ConvKind::Standard;
  int64_t groups = depthwiseFirst ? inC : conv.groups;
  std::optional<int64_t> checkedFilters =
      depthwiseFirst ? llvm::checkedMul(inC, conv.depthMultiplier) : conv.filters;
  if (!checkedFilters)
    return error(layer) << "the output channels (" << inC << " input channels x "
                        << "'depth_multiplier' " << conv.depthMultiplier
                        << ") overflow 64-bit integers";
  int64_t filters = *checkedFilters;
  // Checked here (and by the verifier) so that no weight shape below is nonsense.
  if (inC % groups != 0)
    return error(layer) << "'groups' (" << groups << ") must divide the input channels ("
                        << inC << ")";
  if (filters % groups != 0)
    return error(layer) << "'groups' (" << groups << ") must divide 'filters' (" << filters
                        << ")";
  bool strided = conv.strides[0] > 1 || conv.strides[1] > 1;
  bool dilated = conv.dilationRate[0] > 1 || conv.dilationRate[1] > 1;
  if (strided && dilated)
    return error(layer) << "'strides' > 1 is not supported together with 'dilation_rate' > 1 "
                           "(Keras rejects this combination)";
  bool same = conv.padding == "same";
  // Causal (Conv1D): (kernel_size - 1) * dilation_rate zeros before the sequence, none
  // after, as explicit padding (top, bottom, left, right) of the 1 x k conv2d.
  DenseI64ArrayAttr explicitPadding;
  std::optional<::kconv::AxisPadding> causalPad;
  if (conv.padding == "causal") {
    std::optional<int64_t> dilated =
        ::kconv::dilatedKernel(conv.kernelSize[1], conv.dilationRate[1]);
    if (!dilated)
      return error(layer) << "the dilated kernel ((kernel_size " << conv.kernelSize[1]
                          << " - 1) x dilation_rate " << conv.dilationRate[1]
                          << " + 1) overflows 64-bit integers";
    causalPad = ::kconv::AxisPadding{*dilated - 1, 0};
    explicitPadding = builder.getDenseI64ArrayAttr({0, 0, *dilated - 1, 0});
  }
  int64_t inHW[2] = {inH, inW};
  int64_t outHW[2];
  bool oneD = conv.rank == 1;
  const char *axisName[2] = {"height", oneD ? "length" : "width"};
  for (int axis = 0; axis < 2; ++axis) {
    std::optional<int64_t> dilated =
        ::kconv::dilatedKernel(conv.kernelSize[axis], conv.dilationRate[axis]);
    if (!dilated)
      return error(layer) << "the dilated kernel " << axisName[axis] << " ((kernel_size "
                          << conv.kernelSize[axis] << " - 1) x dilation_rate "
                          << conv.dilationRate[axis] << " + 1) overflows 64-bit integers";
    std::optional<::kconv::AxisPadding> pad =
        axis == 1 && causalPad
            ? causalPad
            : ::kconv::computeAxisPadding(same, inHW[axis], conv.kernelSize[axis],
                                          conv.strides[axis], conv.dilationRate[axis]);
    if (!pad)
      return error(layer) << "the 'same' padding of the input " << axisName[axis] << " ("
                          << inHW[axis] << ") for the dilated kernel (" << *dilated
                          << ") overflows 64-bit integers";
    std::optional<int64_t> size = ::kconv::computeAxisOutput(
        inHW[axis], conv.kernelSize[axis], conv.strides[axis], conv.dilationRate[axis], *pad);
    if (!size)
      return error(layer) << "the dilated kernel " << axisName[axis] << " (" << *dilated
                          << ") is larger than the input " << axisName[axis] << " ("
                          << inHW[axis] << ") with padding '" << conv.padding << "'";
    outHW[axis] = *size;
  }
  // Halide indexes with int32 and weights are held in memory: reject absurd sizes
  // before anything is allocated.
  constexpr int64_t kMaxElements = (int64_t(1) << 31) - 1, kMaxKernel = int64_t(1) << 30;
  if (!checkedProduct({inH, inW, inC}, kMaxElements)) // (Conv1D's inputs were checked already)
    return error(layer) << "the input (" << inH << " x " << inW << " x " << inC
                        << " per sample) exceeds kconv's limit of 2^31 - 1 elements";
  if (!checkedProduct({outHW[0], outHW[1], filters}, kMaxElements))
    return error(layer) << "the output (" << outHW[0] << " x " << outHW[1] << " x " << filters
                        << " per sample) exceeds kconv's limit of 2^31 - 1 elements";
  if (!checkedProduct({conv.kernelSize[0], conv.kernelSize[1], inC / groups, filters},
                      kMaxKernel))
    return error(layer) << "the kernel (" << conv.kernelSize[0] << " x " << conv.kernelSize[1]
                        << " x " << inC / groups << " x " << filters
                        << ") exceeds kconv's limit of 2^30 weights per tensor";

  bool separable = conv.kind == keras::ConvKind::Separable;
  size_t expected = (separable ? 2 : 1) + (conv.useBias ? 1 : 0);
  FailureOr<std::vector<const keras::WeightTensor *>> tensors = layerWeights(layer, expected);
  if (failed(tensors))
    return failure();
  int64_t kh = conv.kernelSize[0], kw = conv.kernelSize[1];
  // A depthwise kernel (KH, KW, Cin, mult) is, in memory, the grouped kernel
  // (KH, KW, 1, Cin * mult): output channel c * mult + m reads input channel c.
  // Conv1D's kernel (k, Cin / groups, filters) is the 1 x k kernel in memory.
  // DepthwiseConv1D's / SeparableConv1D's (k, Cin, mult) likewise.
  SmallVector<int64_t, 4> fileShape =
      depthwiseFirst ? SmallVector<int64_t, 4>{kh, kw, inC, conv.depthMultiplier}
                     : SmallVector<int64_t, 4>{kh, kw, inC / groups, filters};
  if (oneD)
    fileShape.erase(fileShape.begin());
  FailureOr<Value> kernel =
      weightConstant(layer, (*tensors)[0], depthwiseFirst ? "depthwise_kernel" : "kernel",
                     {kh, kw, inC / groups, filters}, conv.kernelInitializer, "glorot_uniform",
                     fileShape);
  if (failed(kernel))
    return failure();
  Value bias;
  int64_t biasSize = separable ? conv.filters : filters;
  if (conv.useBias) {
    FailureOr<Value> b = weightConstant(layer, (*tensors)[expected - 1], "bias", {biasSize},
                                        conv.biasInitializer, "zeros");
    if (failed(b))
      return failure();
    bias = *b;
  }
  if (!separable)
    return buildConv(layer, layerLoc(layer.name), in, conv, filters, groups, *kernel, bias,
                     conv.activation, conv.kernelSize, conv.strides, conv.dilationRate, same,
                     explicitPadding);

  FailureOr<Value> depthwise =
      buildConv(layer, layerLoc(layer.name + "/depthwise"), in, conv, filters, groups, *kernel,
                Value(), "linear", conv.kernelSize, conv.strides, conv.dilationRate, same,
                explicitPadding);
  if (failed(depthwise))
    return failure();
  FailureOr<Value> pointwise =
      weightConstant(layer, (*tensors)[1], "pointwise_kernel", {1, 1, filters, conv.filters},
                     std::nullopt, "glorot_uniform",
                     oneD ? ArrayRef<int64_t>{1, filters, conv.filters}
                          : ArrayRef<int64_t>{1, 1, filters, conv.filters});
  if (failed(pointwise))
    return failure();
  return buildConv(layer, layerLoc(layer.name), *depthwise, conv, conv.filters, 1, *pointwise,
                   bias, conv.activation, {1, 1}, {1, 1}, {1, 1}, /*same=*/false);
}

} // namespace kconv::dialect
