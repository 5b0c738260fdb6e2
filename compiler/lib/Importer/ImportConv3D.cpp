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
    return error(layer) << "'groups' (" << groups << ") must divide the input channels (" << inC
                        << ")";
  if (filters % groups != 0)
    return error(layer) << "'groups' (" << groups << ") must divide 'filters' (" << filters << ")";
  int64_t k3[3] = {conv.kernelDepth, conv.kernelSize[0], conv.kernelSize[1]};
  int64_t s3[3] = {conv.strideDepth, conv.strides[0], conv.strides[1]};
  int64_t d3[3] = {conv.dilationDepth, conv.dilationRate[0], conv.dilationRate[1]};
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
                          << ") is larger than the input " << axisName[axis] << " (" << in3[axis]
                          << ") with padding '" << conv.padding << "'";
    pad3[axis] = *pad;
    out3[axis] = *size;
  }
  // Keras's (KD, KH, KW, Cin / groups, filters) as (KH, KW, KD * Cin / groups, filters):
  // input channel k * Cin / groups + c of a group is depth tap k of its channel c.
  int64_t groupChannels = inC / groups;
  SmallVector<int64_t, 5> fileShape{k3[0], k3[1], k3[2], groupChannels, filters};
  FailureOr<std::pair<Value, Value>> weights =
      conv3DWeights(layer, conv, fileShape, groupChannels, [&](const std::vector<float> &v) {
        return permutedValues(v, fileShape, {1, 2, 0, 3, 4});
      });
  if (failed(weights))
    return failure();
  Conv3DGeometry geometry;
  for (int axis = 0; axis < 3; ++axis)
    geometry.axes[axis] = {k3[axis], s3[axis], d3[axis], pad3[axis], out3[axis]};
  return buildConv3D(layer, in, first, first, geometry, groups, filters, weights->first,
                     weights->second, conv);
}

FailureOr<std::pair<Value, Value>>
Importer::conv3DWeights(const keras::Layer &layer, const keras::Conv2DConfig &conv,
                        ArrayRef<int64_t> fileShape, int64_t tapChannels, WeightReorder reorder) {
  int64_t count = 1;
  for (int64_t d : fileShape)
    if (__builtin_mul_overflow(count, d, &count) || count > (int64_t(1) << 30))
      return error(layer) << "the kernel (" << fileShape[0] << " x " << fileShape[1] << " x "
                          << fileShape[2] << " x " << fileShape[3] << " x " << fileShape[4]
                          << ") exceeds kconv's limit of 2^30 weights per tensor";
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      layerWeights(layer, conv.useBias ? 2 : 1);
  if (failed(tensors))
    return failure();
  FailureOr<Value> kernel =
      weightConstant(layer, (*tensors)[0], "kernel",
                     {fileShape[1], fileShape[2], fileShape[0] * tapChannels, conv.filters},
                     conv.kernelInitializer, "glorot_uniform", fileShape, reorder);
  if (failed(kernel))
    return failure();
  if (!conv.useBias)
    return std::make_pair(*kernel, Value());
  FailureOr<Value> bias =
      weightConstant(layer, (*tensors)[1], "bias", {conv.filters}, conv.biasInitializer, "zeros");
  if (failed(bias))
    return failure();
  return std::make_pair(*kernel, *bias);
}

LogicalResult Importer::buildConv3D(const keras::Layer &layer, Value in, bool inputFirst,
                                    bool outputFirst, const Conv3DGeometry &geometry,
                                    int64_t groups, int64_t filters, Value kernel, Value bias,
                                    const keras::Conv2DConfig &conv) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  int64_t inC = shape[inputFirst ? 1 : 4];
  int64_t in3[3] = {shape[inputFirst ? 2 : 1], shape[inputFirst ? 3 : 2],
                    shape[inputFirst ? 4 : 3]};
  int64_t k3[3], s3[3], d3[3], out3[3];
  ::kconv::AxisPadding pad3[3];
  for (int axis = 0; axis < 3; ++axis) {
    const Conv3DGeometry::Axis &g = geometry.axes[axis];
    std::tie(k3[axis], s3[axis], d3[axis], pad3[axis], out3[axis]) =
        std::make_tuple(g.kernel, g.stride, g.dilation, g.pad, g.out);
  }
  // Rows per output depth: the padded height, rounded up to a multiple of the row
  // stride so that each block starts an output row.
  std::optional<int64_t> padded = ::kconv::paddedSize(in3[1], pad3[1]);
  std::optional<int64_t> block =
      padded ? llvm::checkedAdd(*padded, (s3[1] - *padded % s3[1]) % s3[1]) : std::nullopt;
  if (!block)
    return error(layer) << "the padded input height overflows 64-bit integers";
  int64_t batch = shape[0];
  Value image;
  if (k3[0] == 1 && s3[0] == 1 && *block == in3[1] && !inputFirst) {
    // One depth tap at every depth, no row padding: the image is the input itself.
    image = reshapeTo(layer, in, {batch, in3[0] * in3[1], in3[2], inC}, "/unfold");
  } else {
    auto unfold = builder.create<DepthUnfoldOp>(
        layerLoc(layer.name + "/unfold"), UnrankedTensorType::get(builder.getF32Type()), in,
        builder.getI64IntegerAttr(k3[0]), builder.getI64IntegerAttr(s3[0]),
        builder.getI64IntegerAttr(d3[0]),
        builder.getDenseI64ArrayAttr({pad3[0].before, pad3[0].after}),
        builder.getDenseI64ArrayAttr({pad3[1].before, *block - pad3[1].before - in3[1]}),
        builder.getI64IntegerAttr(groups),
        formatAttr(&context, inputFirst ? keras::DataFormat::ChannelsFirst
                                        : keras::DataFormat::ChannelsLast));
    FailureOr<Value> unfolded = finishLayerOp(layer, unfold.getOperation());
    if (failed(unfolded))
      return failure();
    image = *unfolded;
  }

  // channels_first: Keras applies an along-axis activation (softmax, ...) over the
  // width, the last axis of its output, so it follows the final transpose.
  std::string convActivation = conv.activation;
  std::optional<Activation> after;
  if (outputFirst) {
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
  FailureOr<Value> convolved =
      buildConv(layer, layerLoc(layer.name), image, conv2d, filters, groups, kernel, bias,
                convActivation, {k3[1], k3[2]}, {s3[1], s3[2]}, {d3[1], d3[2]}, /*same=*/false,
                builder.getDenseI64ArrayAttr(
                    {0, std::max<int64_t>(dilatedRows - s3[1], 0), pad3[2].before, pad3[2].after}));
  if (failed(convolved))
    return failure();
  // (N, Dout * rows, Wout, F) -> (N, Dout, rows, Wout * F), the first Hout rows of each
  // block kept, -> (N, Dout, Hout, Wout, F). (F: an along-axis activation may halve it.)
  ArrayRef<int64_t> convShape = cast<RankedTensorType>(convolved->getType()).getShape();
  int64_t rows = *block / s3[1], wout = convShape[2], channels = convShape[3];
  Value result = reshapeTo(layer, *convolved, {batch, out3[0], rows, wout * channels}, "/blocks");
  if (rows > out3[1]) {
    auto crop = builder.create<Crop2DOp>(layerLoc(layer.name + "/rows"),
                                         UnrankedTensorType::get(builder.getF32Type()), result,
                                         builder.getDenseI64ArrayAttr({0, 0, 0, rows - out3[1]}),
                                         formatAttr(&context, keras::DataFormat::ChannelsLast));
    FailureOr<Value> cropped = finishLayerOp(layer, crop.getOperation());
    if (failed(cropped))
      return failure();
    result = *cropped;
  }
  result = reshapeTo(layer, result, {batch, out3[0], out3[1], wout, channels}, "/depths");
  if (!outputFirst) {
    values[layer.name] = result;
    return success();
  }
  trailingActivation = after;
  return failed(createLayerOp<TransposeOp>(layer, result,
                                           builder.getDenseI64ArrayAttr({0, 4, 1, 2, 3})))
             ? failure()
             : success();
}

LogicalResult Importer::importConv3DTranspose(const keras::Layer &layer,
                                              const keras::Conv2DConfig &conv) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  if (failed(expect5D(layer, in)))
    return failure();
  bool first = conv.dataFormat == keras::DataFormat::ChannelsFirst;
  if (first) // zeros are inserted channels_last (the transpose is a view)
    in = createLayerOp<TransposeOp>(layer, in, builder.getDenseI64ArrayAttr({0, 2, 3, 4, 1}))
             .value_or(Value());
  if (!in)
    return failure();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  int64_t batch = shape[0], inC = shape[4], filters = conv.filters;
  int64_t in3[3] = {shape[1], shape[2], shape[3]};
  int64_t k3[3] = {conv.kernelDepth, conv.kernelSize[0], conv.kernelSize[1]};
  int64_t s3[3] = {conv.strideDepth, conv.strides[0], conv.strides[1]};
  int64_t d3[3] = {conv.dilationDepth, conv.dilationRate[0], conv.dilationRate[1]};
  int64_t op3[3] = {conv.outputPaddingDepth, 0, 0};
  if (conv.outputPadding)
    std::tie(op3[1], op3[2]) = std::make_tuple((*conv.outputPadding)[0], (*conv.outputPadding)[1]);
  const char *axisName[3] = {"depth", "height", "width"};
  Conv3DGeometry geometry;
  for (int axis = 0; axis < 3; ++axis) {
    if (conv.outputPadding && op3[axis] >= s3[axis])
      return error(layer) << "'output_padding' (" << op3[axis] << ") must be smaller than "
                          << "'strides' (" << s3[axis] << ") along the " << axisName[axis];
    // Keras's output size (deconv_output_length), then TensorFlow's conv_transpose:
    // output o receives input i through tap k where o = i * stride + k * dilation -
    // before, with before = max(total, 0) / 2 of total = (in - 1) * stride + span - out.
    // That is the stride-1 convolution of the flipped kernel over the input with
    // stride - 1 zeros between elements, padded by span - 1 - before in front.
    int64_t span = (k3[axis] - 1) * d3[axis] + 1, stride = s3[axis], n = in3[axis];
    if (span > (int64_t(1) << 31) || n > (int64_t(1) << 31) || stride > (int64_t(1) << 31))
      return error(layer) << "the " << axisName[axis] << " sizes exceed kconv's limits";
    int64_t out;
    if (!conv.outputPadding)
      out = conv.padding == "same" ? n * stride : n * stride + std::max<int64_t>(span - stride, 0);
    else
      out = (n - 1) * stride + span - 2 * (conv.padding == "same" ? span / 2 : 0) + op3[axis];
    if (out < 1)
      return error(layer) << "the output " << axisName[axis] << " (" << out
                          << ") is empty with 'output_padding' " << op3[axis];
    int64_t before = std::max<int64_t>((n - 1) * stride + span - out, 0) / 2;
    int64_t front = span - 1 - before, zeroed = (n - 1) * stride + 1;
    geometry.axes[axis] = {k3[axis], 1, d3[axis], {front, out - zeroed - front + span - 1}, out};
  }
  // Keras's (KD, KH, KW, filters, Cin), flipped along the three spatial axes, as the
  // conv2d kernel (KH, KW, KD * Cin, filters) of buildConv3D.
  SmallVector<int64_t, 5> fileShape{k3[0], k3[1], k3[2], filters, inC};
  FailureOr<std::pair<Value, Value>> weights =
      conv3DWeights(layer, conv, fileShape, inC, [&](const std::vector<float> &v) {
        std::vector<float> p = permutedValues(v, fileShape, {1, 2, 0, 4, 3});
        std::vector<float> flipped(p.size());
        int64_t inner = inC * filters;
        for (int64_t i = 0; i < k3[1]; ++i)
          for (int64_t j = 0; j < k3[2]; ++j)
            for (int64_t k = 0; k < k3[0]; ++k)
              std::copy_n(p.begin() + ((i * k3[2] + j) * k3[0] + k) * inner, inner,
                          flipped.begin() + (((k3[1] - 1 - i) * k3[2] + (k3[2] - 1 - j)) * k3[0] +
                                             (k3[0] - 1 - k)) *
                                                inner);
        return flipped;
      });
  if (failed(weights))
    return failure();
  // stride - 1 zeros after every element along each axis (a zero padding of the
  // (.., n, 1, rest) view), then the trailing ones cropped: (n - 1) * stride + 1.
  Value zeroed = in;
  int64_t dims[4] = {in3[0], in3[1], in3[2], inC};
  for (int axis = 0; axis < 3; ++axis) {
    if (s3[axis] == 1)
      continue;
    int64_t outer = 1, rest = 1;
    for (int i = 0; i <= axis; ++i)
      outer *= dims[i];
    for (int i = axis + 1; i < 4; ++i)
      rest *= dims[i];
    Value v = reshapeTo(layer, zeroed, {batch, outer, 1, rest}, "/zeros");
    FailureOr<Value> padded =
        createLayerOp<ZeroPad2DOp>(layer, v, builder.getDenseI64ArrayAttr({0, 0, 0, s3[axis] - 1}),
                                   formatAttr(&context, keras::DataFormat::ChannelsLast));
    if (failed(padded))
      return failure();
    dims[axis] *= s3[axis];
    FailureOr<Value> cropped = createLayerOp<Crop2DOp>(
        layer, reshapeTo(layer, *padded, {batch, outer / in3[axis], dims[axis], rest}, "/zeros"),
        builder.getDenseI64ArrayAttr({0, 0, 0, s3[axis] - 1}),
        formatAttr(&context, keras::DataFormat::ChannelsLast));
    if (failed(cropped))
      return failure();
    dims[axis] -= s3[axis] - 1;
    zeroed = reshapeTo(layer, *cropped, {batch, dims[0], dims[1], dims[2], dims[3]}, "/zeros");
  }
  keras::Conv2DConfig plain = conv;
  plain.groups = 1;
  return buildConv3D(layer, zeroed, /*inputFirst=*/false, first, geometry, 1, filters,
                     weights->first, weights->second, plain);
}

} // namespace kconv::dialect
