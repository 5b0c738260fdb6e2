// Conv3D -> kconv.depth_unfold, then kconv.conv2d: the convolution over depth, height
// and width is the Conv2D over (height, width) of an image whose channels hold the
// kernel's depth taps (kernel (KH, KW, KD * Cin / groups, filters)), so a Conv3D is
// scheduled, tuned and fused (bias, activation) by the one convolution kconv has.
// Each output depth is a block of rows of that image, padded so that the row stride
// divides it; the rows past each block's last output row are cropped (free views).
#include "Importer.h"

#include "kconv/Support/ConvGeometry.h"
#include "llvm/Support/CheckedArithmetic.h"

namespace kconv::dialect {

LogicalResult Importer::importConv3D(const keras::Layer &layer, const keras::Conv2DConfig &conv) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  if (failed(expect5D(layer, in)))
    return failure();
  bool first = conv.dataFormat == keras::DataFormat::ChannelsFirst;
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  int64_t inC = shape[first ? 1 : 4];
  int64_t in3[3] = {shape[first ? 2 : 1], shape[first ? 3 : 2], shape[first ? 4 : 3]};
  int64_t groups = conv.groups, filters = conv.filters;
  if (inC % groups != 0)
    return error(layer) << "'groups' (" << groups << ") must divide the input channels ("
                        << inC << ")";
  if (filters % groups != 0)
    return error(layer) << "'groups' (" << groups << ") must divide 'filters' (" << filters
                        << ")";
  int64_t k3[3] = {conv.kernelDepth, conv.kernelSize[0], conv.kernelSize[1]};
  int64_t s3[3] = {conv.strideDepth, conv.strides[0], conv.strides[1]};
  int64_t d3[3] = {conv.dilationDepth, conv.dilationRate[0], conv.dilationRate[1]};
  if (llvm::any_of(s3, [](int64_t s) { return s > 1; }) &&
      llvm::any_of(d3, [](int64_t d) { return d > 1; }))
    return error(layer) << "'strides' > 1 is not supported together with 'dilation_rate' > 1 "
                           "(Keras rejects this combination)";
  bool same = conv.padding == "same";
  const char *axisName[3] = {"depth", "height", "width"};
  ::kconv::AxisPadding pad3[3];
  int64_t out3[3];
  for (int axis = 0; axis < 3; ++axis) {
    std::optional<int64_t> dilated = ::kconv::dilatedKernel(k3[axis], d3[axis]);
    if (!dilated)
      return error(layer) << "the dilated kernel " << axisName[axis] << " ((kernel_size "
                          << k3[axis] << " - 1) x dilation_rate " << d3[axis]
                          << " + 1) overflows 64-bit integers";
    std::optional<::kconv::AxisPadding> pad =
        ::kconv::computeAxisPadding(same, in3[axis], k3[axis], s3[axis], d3[axis]);
    if (!pad)
      return error(layer) << "the 'same' padding of the input " << axisName[axis] << " ("
                          << in3[axis] << ") for the dilated kernel (" << *dilated
                          << ") overflows 64-bit integers";
    std::optional<int64_t> size =
        ::kconv::computeAxisOutput(in3[axis], k3[axis], s3[axis], d3[axis], *pad);
    if (!size)
      return error(layer) << "the dilated kernel " << axisName[axis] << " (" << *dilated
                          << ") is larger than the input " << axisName[axis] << " ("
                          << in3[axis] << ") with padding '" << conv.padding << "'";
    pad3[axis] = *pad;
    out3[axis] = *size;
  }
  // Rows per output depth: the padded height, rounded up to a multiple of the row
  // stride so that each block starts an output row.
  std::optional<int64_t> padded = ::kconv::paddedSize(in3[1], pad3[1]);
  std::optional<int64_t> block =
      padded ? llvm::checkedAdd(*padded, (s3[1] - *padded % s3[1]) % s3[1]) : std::nullopt;
  if (!block)
    return error(layer) << "the padded input height overflows 64-bit integers";
  int64_t groupChannels = inC / groups;
  std::optional<int64_t> tapChannels = llvm::checkedMul(k3[0], groupChannels);
  std::optional<int64_t> weightCount =
      tapChannels ? llvm::checkedMul(*tapChannels, k3[1] * k3[2]) : std::nullopt;
  if (!weightCount || !llvm::checkedMul(*weightCount, filters) ||
      *weightCount * filters > (int64_t(1) << 30))
    return error(layer) << "the kernel (" << k3[0] << " x " << k3[1] << " x " << k3[2] << " x "
                        << groupChannels << " x " << filters
                        << ") exceeds kconv's limit of 2^30 weights per tensor";

  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      layerWeights(layer, conv.useBias ? 2 : 1);
  if (failed(tensors))
    return failure();
  // Keras's (KD, KH, KW, Cin / groups, filters) as (KH, KW, KD * Cin / groups, filters):
  // input channel k * Cin / groups + c of a group is depth tap k of its channel c.
  FailureOr<Value> kernel = weightConstant(
      layer, (*tensors)[0], "kernel", {k3[1], k3[2], *tapChannels, filters},
      conv.kernelInitializer, "glorot_uniform", {k3[0], k3[1], k3[2], groupChannels, filters},
      /*filePermutation=*/{1, 2, 0, 3, 4});
  if (failed(kernel))
    return failure();
  Value bias;
  if (conv.useBias) {
    FailureOr<Value> b = weightConstant(layer, (*tensors)[1], "bias", {filters},
                                        conv.biasInitializer, "zeros");
    if (failed(b))
      return failure();
    bias = *b;
  }

  int64_t batch = shape[0];
  Value image;
  if (k3[0] == 1 && s3[0] == 1 && *block == in3[1] && !first) {
    // One depth tap at every depth, no row padding: the image is the input itself.
    image = reshapeTo(layer, in, {batch, in3[0] * in3[1], in3[2], inC}, "/unfold");
  } else {
    auto unfold = builder.create<DepthUnfoldOp>(
        layerLoc(layer.name + "/unfold"), UnrankedTensorType::get(builder.getF32Type()), in,
        builder.getI64IntegerAttr(k3[0]), builder.getI64IntegerAttr(s3[0]),
        builder.getI64IntegerAttr(d3[0]),
        builder.getDenseI64ArrayAttr({pad3[0].before, pad3[0].after}),
        builder.getDenseI64ArrayAttr({pad3[1].before, *block - pad3[1].before - in3[1]}),
        builder.getI64IntegerAttr(groups), formatAttr(&context, conv.dataFormat));
    FailureOr<Value> unfolded = finishLayerOp(layer, unfold.getOperation());
    if (failed(unfolded))
      return failure();
    image = *unfolded;
  }

  // channels_first: Keras applies an along-axis activation (softmax, ...) over the
  // width, the last axis of its output, so it follows the final transpose.
  std::string convActivation = conv.activation;
  std::optional<Activation> after;
  if (first) {
    if (failed(activationOf(layer, conv.activation, /*opComputesSoftmax=*/false)))
      return failure();
    after = std::exchange(trailingActivation, std::nullopt);
    if (after)
      convActivation = "linear";
  }
  // The rows of all blocks are one image: valid rows, plus the zeros after the last
  // block that its last output row reads (the kernel's extent beyond the stride).
  int64_t dilatedRows = *::kconv::dilatedKernel(k3[1], d3[1]);
  keras::Conv2DConfig conv2d = conv;
  conv2d.dataFormat = keras::DataFormat::ChannelsLast;
  FailureOr<Value> convolved = buildConv(
      layer, layerLoc(layer.name), image, conv2d, filters, groups, *kernel, bias, convActivation,
      {k3[1], k3[2]}, {s3[1], s3[2]}, {d3[1], d3[2]}, /*same=*/false,
      builder.getDenseI64ArrayAttr({0, std::max<int64_t>(dilatedRows - s3[1], 0),
                                    pad3[2].before, pad3[2].after}));
  if (failed(convolved))
    return failure();
  // (N, Dout * rows, Wout, F) -> (N, Dout, rows, Wout * F), the first Hout rows of each
  // block kept, -> (N, Dout, Hout, Wout, F). (F: an along-axis activation may halve it.)
  ArrayRef<int64_t> convShape = cast<RankedTensorType>(convolved->getType()).getShape();
  int64_t rows = *block / s3[1], wout = convShape[2], channels = convShape[3];
  Value result = reshapeTo(layer, *convolved, {batch, out3[0], rows, wout * channels}, "/blocks");
  if (rows > out3[1]) {
    auto crop = builder.create<Crop2DOp>(
        layerLoc(layer.name + "/rows"), UnrankedTensorType::get(builder.getF32Type()), result,
        builder.getDenseI64ArrayAttr({0, 0, 0, rows - out3[1]}),
        formatAttr(&context, keras::DataFormat::ChannelsLast));
    FailureOr<Value> cropped = finishLayerOp(layer, crop.getOperation());
    if (failed(cropped))
      return failure();
    result = *cropped;
  }
  result = reshapeTo(layer, result, {batch, out3[0], out3[1], wout, channels}, "/depths");
  if (!first) {
    values[layer.name] = result;
    return success();
  }
  trailingActivation = after;
  return failed(createLayerOp<TransposeOp>(layer, result,
                                           builder.getDenseI64ArrayAttr({0, 4, 1, 2, 3})))
             ? failure()
             : success();
}

} // namespace kconv::dialect
