// kconv.rnn -> a RecurrentLayer (a GRU reset_after's (2, 3 * units) bias split into
// its input and recurrent halves; the mask and initial states, when given, more inputs).
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(RnnOp rnn, LayerLowering &lowering) {
  using Cell = codegen::RecurrentLayer::Cell;
  codegen::RecurrentLayer layer;
  layer.name = lowering.name;
  layer.input = lowering.valueFor(rnn.getInput());
  layer.output = lowering.valueFor(rnn.getResult());
  layer.cell = rnn.getCell() == RecurrentCell::lstm  ? Cell::Lstm
               : rnn.getCell() == RecurrentCell::gru ? Cell::Gru
                                                     : Cell::SimpleRnn;
  layer.units = (int64_t)rnn.getUnits();
  layer.activation = stringifyActivation(rnn.getActivation()).str();
  if (std::optional<Activation> recurrent = rnn.getRecurrentActivation())
    layer.recurrentActivation = stringifyActivation(*recurrent).str();
  layer.returnSequences = rnn.getReturnSequences();
  layer.goBackwards = rnn.getGoBackwards();
  layer.resetAfter = rnn.getResetAfter();
  layer.flipSequences = rnn.getFlipSequences();
  if (Value mask = rnn.getMask())
    layer.mask = lowering.valueFor(mask);
  layer.zeroOutputForMask = rnn.getZeroOutputForMask();
  for (Value state : rnn.getInitialStates())
    layer.initialStates.push_back(lowering.valueFor(state));
  layer.returnState = rnn.getReturnState();
  FailureOr<std::vector<float>> kernel = lowering.weights(rnn, rnn.getKernel(), "kernel");
  if (failed(kernel))
    return failure();
  FailureOr<std::vector<float>> recurrent =
      lowering.weights(rnn, rnn.getRecurrentKernel(), "recurrent_kernel");
  if (failed(recurrent))
    return failure();
  layer.kernelValues = std::move(*kernel);
  layer.recurrentKernelValues = std::move(*recurrent);
  if (Value bias = rnn.getBias()) {
    FailureOr<std::vector<float>> values = lowering.weights(rnn, bias, "bias");
    if (failed(values))
      return failure();
    size_t columns = size_t(layer.gates() * layer.units);
    layer.biasValues.assign(values->begin(), values->begin() + columns);
    if (layer.resetAfter)
      layer.recurrentBiasValues.assign(values->begin() + columns, values->end());
  }
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
