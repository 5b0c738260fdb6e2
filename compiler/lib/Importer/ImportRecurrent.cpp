// Keras SimpleRNN, GRU and LSTM -> kconv.rnn, with the cell's weights in Keras's order:
// kernel, recurrent_kernel, then with use_bias the bias. Bidirectional -> a forward and
// a backward kconv.rnn (weights: the forward layer's, then the backward one's; the
// backward sequence flipped back to the input's order) and the merge of its merge_mode.
// A mask (Keras's, from an Embedding's mask_zero) reaching either is an operand of each
// kconv.rnn, which skips the masked steps; so are initial states. return_state's
// states are rows of the kconv.rnn's result, sliced out as layers of their own.
#include "Importer.h"

#include "llvm/Support/CheckedArithmetic.h"

#include <algorithm>

namespace kconv::dialect {

namespace {
int64_t gatesOf(keras::RecurrentCell cell) {
  return cell == keras::RecurrentCell::Lstm ? 4 : cell == keras::RecurrentCell::Gru ? 3 : 1;
}
} // namespace

LogicalResult Importer::checkSequenceInput(const keras::Layer &layer, Value in) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(in.getType()).getShape();
  if (shape.size() != 3)
    return error(layer) << "expects an input (batch, timesteps, features), got "
                        << formatShape(shape);
  if (ShapedType::isDynamic(shape[1]))
    return error(layer) << "needs a known number of timesteps, got " << formatShape(shape)
                        << " (kconv compiles static sequence lengths)";
  if (ShapedType::isDynamic(shape[2]))
    return error(layer) << "needs a known number of features, got " << formatShape(shape);
  return success();
}

FailureOr<Value> Importer::sequenceInput(const keras::Layer &layer) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  Value in = input(layer, 0);
  if (failed(checkSequenceInput(layer, in)))
    return failure();
  return in;
}

FailureOr<Value> Importer::recurrentBias(const keras::Layer &layer,
                                         const keras::WeightTensor *tensor,
                                         const keras::RecurrentConfig &rnn,
                                         ArrayRef<int64_t> shape) {
  // Without a weights file (--init-seed), an LSTM's unit_forget_bias starts the forget
  // gate's bias at ones, as Keras initializes it.
  int64_t units = rnn.units;
  auto forgetOnes = [units](const std::vector<float> &values) {
    std::vector<float> out = values;
    std::fill(out.begin() + units, out.begin() + 2 * units, 1.f);
    return out;
  };
  bool forget = !tensor && rnn.cell == keras::RecurrentCell::Lstm && rnn.unitForgetBias;
  return weightConstant(layer, tensor, "bias", shape, rnn.biasInitializer, "zeros", {},
                        forget ? WeightReorder(forgetOnes) : WeightReorder());
}

FailureOr<Activation> Importer::cellActivation(const keras::Layer &layer,
                                               const std::string &name, const char *arg) {
  std::optional<Activation> kind = symbolizeActivation(name);
  if (!kind || ActivationOp::isAlongAxis(*kind)) {
    error(layer) << "'" << arg << "' " << name
                 << " is not supported in a recurrent layer (element-wise only)";
    return failure();
  }
  return *kind;
}

FailureOr<Value> Importer::buildRecurrent(const keras::Layer &layer, Location loc, Value in,
                                          const keras::RecurrentConfig &rnn,
                                          ArrayRef<const keras::WeightTensor *> tensors,
                                          bool flipSequences, Value mask,
                                          ValueRange initialStates) {
  int64_t features = cast<RankedTensorType>(in.getType()).getShape()[2];
  int64_t gates = gatesOf(rnn.cell);
  std::optional<int64_t> columns = llvm::checkedMul(gates, rnn.units);
  std::optional<int64_t> kernelCount =
      columns ? llvm::checkedMul(std::max(features, rnn.units), *columns) : std::nullopt;
  if (!kernelCount || *kernelCount > (int64_t(1) << 30) || rnn.units > (int64_t(1) << 24)) {
    error(layer) << "the kernels (" << features << " + " << rnn.units << ") x " << gates << " x "
                 << rnn.units << " exceed kconv's limit of 2^30 weights per tensor";
    return failure();
  }
  bool splitBias = rnn.cell == keras::RecurrentCell::Gru && rnn.resetAfter;
  FailureOr<Value> kernel = weightConstant(layer, tensors[0], "kernel", {features, *columns},
                                           rnn.kernelInitializer, "glorot_uniform");
  if (failed(kernel))
    return failure();
  FailureOr<Value> recurrent =
      weightConstant(layer, tensors[1], "recurrent_kernel", {rnn.units, *columns},
                     rnn.recurrentInitializer, "orthogonal");
  if (failed(recurrent))
    return failure();
  Value bias;
  if (rnn.useBias) {
    SmallVector<int64_t, 2> biasShape;
    if (splitBias)
      biasShape = {2, *columns};
    else
      biasShape = {*columns};
    FailureOr<Value> b = recurrentBias(layer, tensors[2], rnn, biasShape);
    if (failed(b))
      return failure();
    bias = *b;
  }
  FailureOr<Activation> activation = cellActivation(layer, rnn.activation, "activation");
  if (failed(activation))
    return failure();
  ActivationAttr recurrentActivation;
  if (rnn.cell != keras::RecurrentCell::SimpleRnn) {
    FailureOr<Activation> kind =
        cellActivation(layer, rnn.recurrentActivation, "recurrent_activation");
    if (failed(kind))
      return failure();
    recurrentActivation = ActivationAttr::get(&context, *kind);
  }
  RecurrentCell cell = rnn.cell == keras::RecurrentCell::Lstm  ? RecurrentCell::lstm
                       : rnn.cell == keras::RecurrentCell::Gru ? RecurrentCell::gru
                                                               : RecurrentCell::simple_rnn;
  auto op = builder.create<RnnOp>(
      loc, UnrankedTensorType::get(builder.getF32Type()), in, *kernel, *recurrent, bias, mask,
      initialStates, RecurrentCellAttr::get(&context, cell), builder.getI64IntegerAttr(rnn.units),
      ActivationAttr::get(&context, *activation), recurrentActivation,
      builder.getBoolAttr(rnn.useBias), builder.getBoolAttr(rnn.returnSequences),
      builder.getBoolAttr(rnn.goBackwards), builder.getBoolAttr(splitBias),
      builder.getBoolAttr(flipSequences), builder.getBoolAttr(mask && rnn.zeroOutputForMask),
      builder.getBoolAttr(rnn.returnState));
  return finishLayerOp(layer, op.getOperation());
}

LogicalResult Importer::importRecurrent(const keras::Layer &layer,
                                        const keras::RecurrentConfig &rnn, Value mask) {
  // The sequence, then Keras's initial_state: h, and an LSTM's c.
  size_t states = rnn.cell == keras::RecurrentCell::Lstm ? 2 : 1;
  if (layer.inbound.size() != 1 && layer.inbound.size() != 1 + states)
    return error(layer) << "expects a sequence and optionally " << states << " initial state"
                        << (states > 1 ? "s" : "") << ", got " << layer.inbound.size()
                        << " inputs";
  Value in = input(layer, 0);
  if (failed(checkSequenceInput(layer, in)))
    return failure();
  SmallVector<Value, 2> initial;
  for (size_t i = 1; i < layer.inbound.size(); ++i) {
    initial.push_back(input(layer, i));
    ArrayRef<int64_t> shape = cast<RankedTensorType>(initial.back().getType()).getShape();
    if (shape.size() != 2 || shape[1] != rnn.units)
      return error(layer) << "initial state " << i - 1 << " is " << formatShape(shape)
                          << ", not (batch, units) with units = " << rnn.units;
  }
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      layerWeights(layer, rnn.useBias ? 3 : 2);
  if (failed(tensors))
    return failure();
  // With return_state the recurrence packs the output and the final states; the
  // layer's value is the output's rows, its "#state_h"/"#state_c" layers the others.
  FailureOr<Value> result =
      buildRecurrent(layer, layerLoc(rnn.returnState ? layer.name + "/recurrence" : layer.name),
                     in, rnn, *tensors, false, mask, initial);
  if (failed(result) || !rnn.returnState)
    return failure(failed(result));
  int64_t rows = rnn.returnSequences ? cast<RankedTensorType>(in.getType()).getShape()[1] : 1;
  for (size_t i = 0; i < states; ++i)
    recurrentStates[layer.name].push_back({*result, rows + int64_t(i)});
  sliceRows(layer.name, *result, 0, rows, rnn.returnSequences);
  return success();
}

Value Importer::sliceRows(const std::string &name, Value packed, int64_t begin, int64_t count,
                          bool keepRows) {
  // (N, R, U) viewed as the image (N, 1, R, U), cropped to its columns [begin, begin +
  // count), viewed back: views and a crop, which consumers read through.
  ArrayRef<int64_t> shape = cast<RankedTensorType>(packed.getType()).getShape();
  Type f32 = builder.getF32Type();
  SmallVector<int64_t, 4> image{shape[0], 1, shape[1], shape[2]};
  Value view = builder.create<ReshapeOp>(
      layerLoc(name + "/rows"), RankedTensorType::get(image, f32), packed,
      builder.getDenseI64ArrayAttr(ArrayRef<int64_t>(image).drop_front()));
  SmallVector<int64_t, 4> crop{0, 0, begin, shape[1] - begin - count};
  image[2] = count;
  Value cropped = builder.create<Crop2DOp>(
      layerLoc(name + "/crop"), RankedTensorType::get(image, f32), view,
      builder.getDenseI64ArrayAttr(crop), formatAttr(&context, keras::DataFormat::ChannelsLast));
  SmallVector<int64_t, 3> result{shape[0]};
  if (keepRows)
    result.push_back(count);
  result.push_back(shape[2]);
  Value out = builder.create<ReshapeOp>(
      layerLoc(name), RankedTensorType::get(result, f32), cropped,
      builder.getDenseI64ArrayAttr(ArrayRef<int64_t>(result).drop_front()));
  values[name] = out;
  return out;
}

LogicalResult Importer::importRecurrentState(const keras::Layer &layer,
                                             const keras::RecurrentStateConfig &state) {
  if (layer.inbound.size() == 1) { // a ConvLSTM's: h or c as the layer computed it
    auto conv = convLstmStates.find(layer.inbound[0]);
    if (conv != convLstmStates.end()) {
      values[layer.name] = state.index == 1 ? conv->second.first : conv->second.second;
      return success();
    }
  }
  auto found = layer.inbound.size() == 1 ? recurrentStates.find(layer.inbound[0])
                                         : recurrentStates.end();
  if (found == recurrentStates.end() || state.index < 1 ||
      size_t(state.index) > found->second.size())
    return error(layer) << "is not a state of a recurrent layer with return_state";
  auto [packed, row] = found->second[state.index - 1];
  sliceRows(layer.name, packed, row, 1, false);
  return success();
}

LogicalResult Importer::importStackedRecurrent(const keras::Layer &layer,
                                               const keras::StackedRecurrentConfig &stacked,
                                               Value mask) {
  // The sequence, then Keras's initial_state: every cell's states, in cell order.
  size_t stateCount = stacked.stateCount();
  if (layer.inbound.size() != 1 && layer.inbound.size() != 1 + stateCount)
    return error(layer) << "expects a sequence and optionally " << stateCount
                        << " initial states (every cell's, in order), got "
                        << layer.inbound.size() << " inputs";
  Value in = input(layer, 0);
  if (failed(checkSequenceInput(layer, in)))
    return failure();
  SmallVector<Value, 4> initial;
  for (size_t i = 1; i < layer.inbound.size(); ++i) {
    initial.push_back(input(layer, i));
    ArrayRef<int64_t> shape = cast<RankedTensorType>(initial.back().getType()).getShape();
    auto [cell, which] = stacked.stateAt(i - 1);
    int64_t units = stacked.cells[cell].units;
    if (shape.size() != 2 || shape[1] != units)
      return error(layer) << "initial state " << i - 1 << " (cell " << cell << "'s "
                          << (which ? "c" : "h") << ") is " << formatShape(shape)
                          << ", not (batch, units) with units = " << units;
  }
  size_t count = 0;
  for (const keras::RecurrentConfig &cell : stacked.cells)
    count += cell.useBias ? 3 : 2;
  FailureOr<std::vector<const keras::WeightTensor *>> tensors = layerWeights(layer, count);
  if (failed(tensors))
    return failure();
  // The cells as layers, each over the previous one's sequence. Going backwards, each
  // but the last flips its sequence back to the input's order, which the next then
  // reads backwards too: every cell meets the steps (and the mask) in the order the
  // stacked cell does, and the last returns them in that order, as Keras does. With
  // return_state each cell's result packs its final states after its output's rows.
  bool returnState = stacked.cells[0].returnState;
  int64_t steps = cast<RankedTensorType>(in.getType()).getShape()[1];
  SmallVector<std::pair<Value, int64_t>, 2> states;
  ArrayRef<const keras::WeightTensor *> all(*tensors);
  ArrayRef<Value> initialLeft(initial);
  Value x = in;
  for (size_t i = 0; i < stacked.cells.size(); ++i) {
    keras::RecurrentConfig cell = stacked.cells[i];
    bool last = i + 1 == stacked.cells.size();
    cell.returnSequences |= !last;
    size_t n = cell.useBias ? 3 : 2;
    size_t cellStates = initial.empty() ? 0 : size_t(cell.stateCount());
    std::string name = last ? layer.name : layer.name + "/cell" + std::to_string(i);
    FailureOr<Value> out =
        buildRecurrent(layer, layerLoc(returnState ? name + "/recurrence" : name), x, cell,
                       all.take_front(n), !last && cell.goBackwards, mask,
                       initialLeft.take_front(cellStates));
    if (failed(out))
      return failure();
    all = all.drop_front(n);
    initialLeft = initialLeft.drop_front(cellStates);
    x = *out;
    if (returnState) {
      int64_t rows = cell.returnSequences ? steps : 1;
      for (int s = 0; s < cell.stateCount(); ++s)
        states.push_back({*out, rows + s});
      x = sliceRows(name, *out, 0, rows, cell.returnSequences);
    }
  }
  if (returnState)
    recurrentStates[layer.name] = std::move(states);
  return success();
}

LogicalResult Importer::importBidirectional(const keras::Layer &layer,
                                            const keras::BidirectionalConfig &bi,
                                            Value mask) {
  FailureOr<Value> sequence = sequenceInput(layer);
  if (failed(sequence))
    return failure();
  Value in = *sequence;
  size_t forwardCount = bi.forward.useBias ? 3 : 2;
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      layerWeights(layer, forwardCount + (bi.backward.useBias ? 3 : 2));
  if (failed(tensors))
    return failure();
  ArrayRef<const keras::WeightTensor *> all(*tensors);
  FailureOr<Value> forward = buildRecurrent(layer, layerLoc(layer.name + "/forward"), in,
                                            bi.forward, all.take_front(forwardCount), false, mask);
  if (failed(forward))
    return failure();
  FailureOr<Value> backward =
      buildRecurrent(layer, layerLoc(layer.name + "/backward"), in, bi.backward,
                     all.drop_front(forwardCount), bi.backward.returnSequences, mask);
  if (failed(backward))
    return failure();
  SmallVector<Value, 2> both{*forward, *backward};
  int64_t last = bi.forward.returnSequences ? 2 : 1;
  if (bi.mergeMode == "concat")
    return createLayerOp<ConcatenateOp>(layer, both, builder.getI64IntegerAttr(last));
  MergeKind kind = bi.mergeMode == "sum"   ? MergeKind::add
                   : bi.mergeMode == "mul" ? MergeKind::multiply
                                           : MergeKind::average;
  return createLayerOp<MergeOp>(layer, both, MergeKindAttr::get(&context, kind));
}

} // namespace kconv::dialect
