// ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: an LSTM whose products are convolutions,
// expanded into kconv's convolution and element-wise ops. The input convolution of
// every step is one Conv3D (buildConv3D, so one conv2d): the steps' depths are one depth
// axis, each step's padded apart; a 1-D or 2-D step is a depth of its own. The steps
// are then unrolled (at most kMaxSteps): the recurrent convolution of h (stride 1,
// 'same') plus the step's part of the input projection, the gates i, f, c, o (a crop of
// the channels each), and the new c and h from kconv.activation and kconv.merge. Every
// convolution is a conv2d, so it is scheduled, tuned and fused as any other. Computed
// channels_last; a channels_first layer's input, output and states are transposed.
#include "Importer.h"

#include "llvm/Support/CheckedArithmetic.h"

#include <algorithm>

namespace kconv::dialect {

namespace {
/// At most this many steps are unrolled (each a recurrent conv2d and its gates).
constexpr int64_t kMaxSteps = 64;

/// The permutation moving the last axis of a rank-`rank` tensor to `to` (channels_last
/// -> channels_first), or with `inverse` back.
SmallVector<int64_t> channelsPermutation(int64_t rank, int64_t to, bool inverse) {
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  if (inverse) { // (.., C, spatial...) -> (.., spatial..., C)
    perm.erase(perm.begin() + to);
    perm.push_back(to);
  } else {
    perm.pop_back();
    perm.insert(perm.begin() + to, rank - 1);
  }
  return perm;
}
} // namespace

LogicalResult Importer::importConvLstm(const keras::Layer &layer,
                                       const keras::ConvLstmConfig &cl, const LayerMask *mask) {
  const keras::Conv2DConfig &conv = cl.conv;
  const keras::RecurrentConfig &rnn = cl.rnn;
  if (layer.inbound.size() != 1 && layer.inbound.size() != 3)
    return error(layer) << "expects a sequence and optionally 2 initial states, got "
                        << layer.inbound.size() << " inputs";
  int64_t rank = conv.rank;
  bool first = conv.dataFormat == keras::DataFormat::ChannelsFirst;
  Value in = input(layer, 0);
  ArrayRef<int64_t> inShape = shapeOf(in);
  if (int64_t(inShape.size()) != rank + 3)
    return error(layer) << "expects an input (batch, timesteps, "
                        << (rank == 1 ? "length" : rank == 2 ? "rows, cols" : "depth, rows, cols")
                        << ", channels" << (first ? " first" : "") << "), got "
                        << formatShape(inShape);
  if (llvm::any_of(inShape.drop_front(), ShapedType::isDynamic))
    return error(layer) << "needs known timesteps and sizes, got " << formatShape(inShape)
                        << " (kconv compiles static sequence lengths)";
  int64_t batch = inShape[0], steps = inShape[1];
  if (steps > kMaxSteps)
    return error(layer) << "has " << steps << " timesteps, at most " << kMaxSteps
                        << " (kconv unrolls a ConvLSTM's steps)";
  auto transpose = [&](Value v, ArrayRef<int64_t> perm) -> FailureOr<Value> {
    FailureOr<Value> moved =
        createLayerOp<TransposeOp>(layer, v, builder.getDenseI64ArrayAttr(perm));
    if (succeeded(moved)) // the layer's own layout on one side (the model's boundaries)
      channelsFirstTransposes.insert(moved->getDefiningOp());
    return moved;
  };
  if (first) { // (N, T, C, spatial...) -> (N, T, spatial..., C)
    FailureOr<Value> last = transpose(in, channelsPermutation(rank + 3, 2, true));
    if (failed(last))
      return failure();
    in = *last;
  }
  ArrayRef<int64_t> shape = shapeOf(in);
  int64_t channels = shape.back(), filters = conv.filters;
  // A step's (depth, height, width): a 2-D step has depth 1, a 1-D one is one row too
  // (its kernel, strides and dilation are 1 there: the config holds them so).
  int64_t in3[3] = {rank == 3 ? shape[2] : 1, rank >= 2 ? shape[rank] : 1, shape[rank + 1]};
  int64_t k3[3] = {conv.kernelDepth, conv.kernelSize[0], conv.kernelSize[1]};
  int64_t s3[3] = {conv.strideDepth, conv.strides[0], conv.strides[1]};
  int64_t d3[3] = {conv.dilationDepth, conv.dilationRate[0], conv.dilationRate[1]};
  int64_t out3[3];
  ::kconv::AxisPadding pad3[3];
  bool same = conv.padding == "same";
  const char *axisName[3] = {"depth", "height", rank == 1 ? "length" : "width"};
  for (int axis = 0; axis < 3; ++axis) {
    std::optional<int64_t> dilated = ::kconv::dilatedKernel(k3[axis], d3[axis]);
    std::optional<::kconv::AxisPadding> pad =
        dilated ? ::kconv::computeAxisPadding(same, in3[axis], k3[axis], s3[axis], d3[axis])
                : std::nullopt;
    std::optional<int64_t> size =
        pad ? ::kconv::computeAxisOutput(in3[axis], k3[axis], s3[axis], d3[axis], *pad)
            : std::nullopt;
    if (!size)
      return error(layer) << "the dilated kernel " << axisName[axis] << " does not fit the input "
                          << axisName[axis] << " (" << in3[axis] << ") with padding '"
                          << conv.padding << "'";
    pad3[axis] = *pad;
    out3[axis] = *size;
  }
  // Weights: each kernel's (taps, in, 4 filters) and every step's projection must stay
  // in kconv's limits (Halide indexes with int32).
  int64_t taps = k3[0] * k3[1] * k3[2]; // each at most kMaxDimension: no overflow
  std::optional<int64_t> columns = llvm::checkedMul(int64_t(4), filters);
  std::optional<int64_t> kernelCount =
      columns ? llvm::checkedMul(taps, std::max(channels, filters)) : std::nullopt;
  if (kernelCount)
    kernelCount = llvm::checkedMul(*kernelCount, *columns);
  if (!kernelCount || *kernelCount > (int64_t(1) << 30))
    return error(layer) << "the kernels (" << taps << " taps x (" << channels << " + " << filters
                        << ") x 4 x " << filters
                        << ") exceed kconv's limit of 2^30 weights per tensor";
  int64_t spatial = out3[0] * out3[1] * out3[2];
  std::optional<int64_t> projected = llvm::checkedMul(steps * spatial, *columns);
  if (!projected || *projected > (int64_t(1) << 31) - 1)
    return error(layer) << "the input projection (" << steps << " x " << spatial << " x "
                        << *columns << " per sample) exceeds kconv's limit of 2^31 - 1 elements";
  FailureOr<Activation> activation = cellActivation(layer, rnn.activation, "activation");
  if (failed(activation))
    return failure();
  FailureOr<Activation> recurrentActivation =
      cellActivation(layer, rnn.recurrentActivation, "recurrent_activation");
  if (failed(recurrentActivation))
    return failure();
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      layerWeights(layer, rnn.useBias ? 3 : 2);
  if (failed(tensors))
    return failure();
  // Keras's (spatial kernel..., in, 4 filters) as the conv2d kernel (KH, KW, KD * in,
  // 4 filters) (input channel k * in + c: depth tap k of channel c); ConvLSTM1D's and
  // ConvLSTM2D's are that kernel in memory.
  auto kernelOf = [&](const keras::WeightTensor *tensor, const char *role, int64_t in,
                      const std::optional<keras::Value> &init,
                      const char *defaultInit) -> FailureOr<Value> {
    SmallVector<int64_t, 5> fileShape{k3[0], k3[1], k3[2], in, *columns};
    fileShape.erase(fileShape.begin(), fileShape.begin() + (3 - rank));
    auto depthTaps = [&](const std::vector<float> &v) {
      return permutedValues(v, fileShape, {1, 2, 0, 3, 4});
    };
    return weightConstant(layer, tensor, role, {k3[1], k3[2], k3[0] * in, *columns}, init,
                          defaultInit, fileShape,
                          rank == 3 ? WeightReorder(depthTaps) : WeightReorder());
  };
  FailureOr<Value> kernel =
      kernelOf((*tensors)[0], "kernel", channels, rnn.kernelInitializer, "glorot_uniform");
  if (failed(kernel))
    return failure();
  FailureOr<Value> recurrentKernel = kernelOf((*tensors)[1], "recurrent_kernel", filters,
                                              rnn.recurrentInitializer, "orthogonal");
  if (failed(recurrentKernel))
    return failure();
  Value bias;
  if (rnn.useBias) {
    FailureOr<Value> b = recurrentBias(layer, (*tensors)[2], rnn, {*columns});
    if (failed(b))
      return failure();
    bias = *b;
  }

  // The input projection of every step, one convolution: the steps' depths as one depth
  // axis (N, T * block, H, W, C), each step's depths padded as its kernel needs and
  // rounded up to the depth stride so that each starts an output depth; for 1-D and 2-D
  // steps the depth is the step itself (kernel 1). Then the first Dout of each step's
  // output depths: (N, T, Dout * Hout * Wout, 4 filters).
  keras::Conv2DConfig plain; // linear, no regularizers: the layer's are its own
  plain.filters = *columns;
  plain.useBias = rnn.useBias;
  std::optional<int64_t> padded = ::kconv::paddedSize(in3[0], pad3[0]);
  std::optional<int64_t> block =
      padded ? llvm::checkedAdd(*padded, (s3[0] - *padded % s3[0]) % s3[0]) : std::nullopt;
  std::optional<int64_t> depths = block ? llvm::checkedMul(steps, *block) : std::nullopt;
  if (!depths || *depths > (int64_t(1) << 31) - 1)
    return error(layer) << "the padded input depth overflows kconv's limits";
  Value frames = in;
  if (*block > in3[0]) {
    FailureOr<Value> zeros = createLayerOp<ZeroPad2DOp>(
        layer, reshapeTo(layer, in, {batch, steps, in3[0], in3[1] * in3[2] * channels}, "/depths"),
        builder.getDenseI64ArrayAttr({0, 0, pad3[0].before, *block - in3[0] - pad3[0].before}),
        formatAttr(&context, keras::DataFormat::ChannelsLast));
    if (failed(zeros))
      return failure();
    frames = *zeros;
  }
  Value image = reshapeTo(layer, frames, {batch, *depths, in3[1], in3[2], channels}, "/image");
  int64_t dilatedDepth = (k3[0] - 1) * d3[0] + 1;
  Conv3DGeometry geometry;
  geometry.axes[0] = {k3[0], s3[0], d3[0], {0, std::max<int64_t>(dilatedDepth - s3[0], 0)},
                      *depths / s3[0]};
  for (int axis = 1; axis < 3; ++axis)
    geometry.axes[axis] = {k3[axis], s3[axis], d3[axis], pad3[axis], out3[axis]};
  if (failed(buildConv3D(layer, image, false, false, geometry, 1, *columns, *kernel, bias,
                         plain)))
    return failure();
  int64_t blockOut = *block / s3[0];
  Value inputs = reshapeTo(layer, values.lookup(layer.name),
                           {batch, steps, blockOut, out3[1] * out3[2] * *columns}, "/steps");
  if (blockOut > out3[0]) {
    FailureOr<Value> kept = createLayerOp<Crop2DOp>(
        layer, inputs, builder.getDenseI64ArrayAttr({0, 0, 0, blockOut - out3[0]}),
        formatAttr(&context, keras::DataFormat::ChannelsLast));
    if (failed(kept))
      return failure();
    inputs = *kept;
  }
  inputs = reshapeTo(layer, inputs, {batch, steps, spatial, *columns}, "/projection");

  auto crop = [&](const keras::Layer &at, Value v,
                  std::array<int64_t, 4> cropping) -> FailureOr<Value> {
    return createLayerOp<Crop2DOp>(at, v, builder.getDenseI64ArrayAttr(cropping),
                                   formatAttr(&context, keras::DataFormat::ChannelsLast));
  };
  auto activate = [&](const keras::Layer &at, FailureOr<Value> v,
                      Activation kind) -> FailureOr<Value> {
    if (failed(v) || kind == Activation::linear)
      return v;
    return createLayerOp<ActivationOp>(at, *v, ActivationAttr::get(&context, kind), FloatAttr(),
                                       FloatAttr(), FloatAttr(), FloatAttr(), IntegerAttr());
  };
  auto merge = [&](const keras::Layer &at, FailureOr<Value> a, FailureOr<Value> b,
                   MergeKind kind) -> FailureOr<Value> {
    if (failed(a) || failed(b))
      return failure();
    return createLayerOp<MergeOp>(at, ValueRange{*a, *b}, MergeKindAttr::get(&context, kind));
  };

  // The states as (N, Dout * Hout * Wout, 1, filters), the gates' shape; null before the
  // first step without initial states (zeros: that step has no recurrent term).
  SmallVector<int64_t, 5> stateShape{batch};
  stateShape.append(out3 + 3 - rank, out3 + 3);
  stateShape.push_back(filters);
  // A mask: per step, kept (N, positions or 1, 1, 1) as 0 or 1 and its complement, the
  // factors selecting the new or the previous states (and outputs) exactly.
  Value kept, dropped;
  if (mask) {
    ArrayRef<int64_t> positions(stateShape.begin() + 1, stateShape.end() - 1);
    ArrayRef<int64_t> given = shapeOf(mask->ids);
    if (first)
      return error(layer) << "reads the mask of " << mask->source
                          << ", which kconv applies only with data_format channels_last";
    bool perStep = given.size() == 2;
    if (given.size() < 2 || given[1] != steps ||
        (!perStep && ArrayRef<int64_t>(given).drop_front(2) != positions))
      return error(layer) << "reads the mask of " << mask->source << ", "
                          << formatShape(given) << ", whose positions are not the output's "
                          << formatShape(ArrayRef<int64_t>(stateShape).drop_back())
                          << " (Keras cannot apply it either; e.g. strides or 'valid' padding)";
    int64_t m = perStep ? 1 : spatial;
    Type f32 = builder.getF32Type();
    Value ids = reshapeTo(layer, mask->ids, {batch, steps * m, 1}, "/mask");
    Value ones = builder.create<SequenceMaskOp>(layerLoc(layer.name + "/kept"),
                                                RankedTensorType::get({batch, steps * m}, f32),
                                                ids, builder.getF64FloatAttr(0.0));
    kept = reshapeTo(layer, ones, {batch, steps, m, 1}, "/kept");
    FailureOr<Value> complement = createLayerOp<RescaleOp>(
        layer, kept, builder.getF64FloatAttr(-1.0), builder.getF64FloatAttr(1.0));
    if (failed(complement))
      return failure();
    dropped = *complement;
  }
  Value h, c;
  for (size_t i = 1; i < layer.inbound.size(); ++i) {
    Value state = input(layer, i);
    SmallVector<int64_t, 5> expected = stateShape;
    if (first)
      expected = llvm::to_vector<5>(llvm::map_range(
          channelsPermutation(rank + 2, 1, false), [&](int64_t d) { return stateShape[d]; }));
    ArrayRef<int64_t> given = shapeOf(state);
    if (given.size() != expected.size() ||
        !std::equal(given.begin() + 1, given.end(), expected.begin() + 1))
      return error(layer) << "initial state " << i - 1 << " is " << formatShape(given)
                          << ", not the shape of a step's output " << formatShape(expected);
    if (first) {
      FailureOr<Value> last = transpose(state, channelsPermutation(rank + 2, 1, true));
      if (failed(last))
        return failure();
      state = *last;
    }
    (i == 1 ? h : c) = reshapeTo(layer, state, {batch, spatial, 1, filters}, "/state");
  }

  keras::Conv2DConfig recurrentConv; // stride 1, 'same', no bias
  recurrentConv.filters = *columns;
  recurrentConv.useBias = false;
  Conv3DGeometry sameGeometry; // a 3-D step's recurrent convolution
  for (int axis = 0; axis < 3; ++axis)
    sameGeometry.axes[axis] = {
        k3[axis], 1, 1, *::kconv::computeAxisPadding(true, out3[axis], k3[axis], 1, 1),
        out3[axis]};
  // The step's gates before their activations, (N, Dout * Hout * Wout, 4, filters): the
  // recurrent convolution of h plus the step's `projection`. For a conv2d the sum is
  // taken in its output's shape, where --kconv-fuse-epilogue makes it its residual.
  auto gatesOf = [&](const keras::Layer &at, Value state, Value projection) -> FailureOr<Value> {
    SmallVector<int64_t, 4> gatesShape{batch, spatial, 4, filters};
    if (rank == 3) {
      Value h5 = reshapeTo(at, state, {batch, out3[0], out3[1], out3[2], filters}, "/h");
      if (failed(buildConv3D(at, h5, false, false, sameGeometry, 1, *columns,
                             *recurrentKernel, Value(), recurrentConv)))
        return failure();
      return merge(at, reshapeTo(at, values.lookup(at.name), gatesShape, "/recurrent"),
                   reshapeTo(at, projection, gatesShape, "/gates"), MergeKind::add);
    }
    FailureOr<Value> conv2d = buildConv(
        at, layerLoc(at.name + "/recurrent"),
        reshapeTo(at, state, {batch, out3[1], out3[2], filters}, "/h"), recurrentConv, *columns, 1,
        *recurrentKernel, Value(), "linear", {k3[1], k3[2]}, {1, 1}, {1, 1}, /*same=*/true);
    if (failed(conv2d))
      return failure();
    FailureOr<Value> sum =
        merge(at, *conv2d, reshapeTo(at, projection, shapeOf(*conv2d), "/x"), MergeKind::add);
    if (failed(sum))
      return failure();
    return reshapeTo(at, *sum, gatesShape, "/gates");
  };
  SmallVector<Value> outputs;
  Value output; // the last step's output (masked: the previous one's, or zeros)
  for (int64_t i = 0; i < steps; ++i) {
    int64_t t = rnn.goBackwards ? steps - 1 - i : i;
    keras::Layer at = layer; // '#' is in no Keras name: the steps' ops are named apart
    at.name = layer.name + "#" + std::to_string(t);
    FailureOr<Value> projection = crop(at, inputs, {t, steps - 1 - t, 0, 0});
    if (failed(projection))
      return failure();
    FailureOr<Value> z = h ? gatesOf(at, h, *projection)
                           : reshapeTo(at, *projection, {batch, spatial, 4, filters}, "/gates");
    if (failed(z))
      return failure();
    FailureOr<Value> gates[4];
    for (int64_t g = 0; g < 4; ++g)
      gates[g] = activate(at, crop(at, *z, {0, 0, g, 3 - g}),
                          g == 2 ? *activation : *recurrentActivation);
    FailureOr<Value> input = merge(at, gates[0], gates[2], MergeKind::multiply);
    FailureOr<Value> carry =
        c ? merge(at, merge(at, gates[1], c, MergeKind::multiply), input, MergeKind::add) : input;
    if (failed(carry))
      return failure();
    FailureOr<Value> out =
        merge(at, gates[3], activate(at, *carry, *activation), MergeKind::multiply);
    if (failed(out))
      return failure();
    if (kept) {
      // As Keras's backend.rnn: where the step is masked the states stay and the output
      // is the previous output (zeros before the first, or with zero_output_for_mask).
      int64_t m = shapeOf(kept)[2];
      FailureOr<Value> keptNow = crop(at, kept, {t, steps - 1 - t, 0, 0}),
                       droppedNow = crop(at, dropped, {t, steps - 1 - t, 0, 0});
      if (failed(keptNow) || failed(droppedNow))
        return failure();
      Value k = reshapeTo(at, *keptNow, {batch, m, 1, 1}, "/keep"),
            drop = reshapeTo(at, *droppedNow, {batch, m, 1, 1}, "/drop");
      auto select = [&](Value now, Value before) -> FailureOr<Value> {
        FailureOr<Value> chosen = merge(at, k, now, MergeKind::multiply);
        if (!before)
          return chosen;
        return merge(at, chosen, merge(at, drop, before, MergeKind::multiply), MergeKind::add);
      };
      FailureOr<Value> newC = select(*carry, c), newH = select(*out, h),
                       newOut = select(*out, rnn.zeroOutputForMask ? Value() : output);
      if (failed(newC) || failed(newH) || failed(newOut))
        return failure();
      carry = newC;
      h = *newH;
      output = *newOut;
    } else {
      h = output = *out;
    }
    c = *carry;
    if (rnn.returnSequences)
      outputs.push_back(reshapeTo(at, output, {batch, 1, spatial * filters}, "/row"));
  }

  // The layer's states, then its output, in its layout (the output last: --summary
  // shows the shape of a layer's last op).
  auto toLayout = [&](Value v, ArrayRef<int64_t> channelsLast) -> FailureOr<Value> {
    Value shaped = reshapeTo(layer, v, channelsLast, "/output");
    if (!first)
      return shaped;
    int64_t r = channelsLast.size();
    return transpose(shaped, channelsPermutation(r, r - rank - 1, false));
  };
  if (rnn.returnState) {
    FailureOr<Value> finalH = toLayout(h, stateShape), finalC = toLayout(c, stateShape);
    if (failed(finalH) || failed(finalC))
      return failure();
    convLstmStates[layer.name] = {*finalH, *finalC};
  }
  FailureOr<Value> result;
  if (rnn.returnSequences) {
    Value joined = outputs.front();
    if (outputs.size() > 1) {
      FailureOr<Value> stacked =
          createLayerOp<ConcatenateOp>(layer, outputs, builder.getI64IntegerAttr(1));
      if (failed(stacked))
        return failure();
      joined = *stacked;
    }
    SmallVector<int64_t, 5> sequenceShape = stateShape;
    sequenceShape.insert(sequenceShape.begin() + 1, steps);
    result = toLayout(joined, sequenceShape);
  } else {
    result = toLayout(output, stateShape);
  }
  if (failed(result))
    return failure();
  values[layer.name] = *result;
  return success();
}

} // namespace kconv::dialect
