// kconv.rnn (Keras SimpleRNN, GRU, LSTM): shape inference and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

int64_t RnnOp::getGates() {
  switch (getCell()) {
  case RecurrentCell::gru:
    return 3;
  case RecurrentCell::lstm:
    return 4;
  default:
    return 1;
  }
}

LogicalResult RnnOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput()), kernel = shapeOf(getKernel()),
                    recurrent = shapeOf(getRecurrentKernel());
  int64_t units = (int64_t)getUnits(), gates = getGates();
  if (in.size() != 3)
    return emitError() << "needs an input (batch, timesteps, features), got " << formatShape(in);
  if (!known(in[1]))
    return emitError() << "needs a known number of timesteps, got " << formatShape(in);
  if (units > (int64_t(1) << 24))
    return emitError() << "'units' " << units << " exceeds kconv's limit of 2^24";
  if (kernel[1] != gates * units)
    return emitError() << "kernel " << formatShape(kernel) << " does not have gates x 'units' ("
                       << gates << " x " << units << ") columns";
  if (known(in[2]) && kernel[0] != in[2])
    return emitError() << "kernel " << formatShape(kernel) << " expects " << kernel[0]
                       << " input features, the input " << formatShape(in) << " has " << in[2];
  if (recurrent[0] != units || recurrent[1] != gates * units)
    return emitError() << "recurrent_kernel " << formatShape(recurrent) << " is not (" << units
                       << ", " << gates * units << ")";
  if (getUseBias() != static_cast<bool>(getBias()))
    return emitError() << "'use_bias' does not match the presence of a bias operand";
  bool gru = getCell() == RecurrentCell::gru;
  if (getFlipSequences() && !getReturnSequences())
    return emitError() << "'flip_sequences' needs 'return_sequences'";
  if (getResetAfter() && !gru)
    return emitError() << "'reset_after' is a GRU argument";
  if (getBias()) {
    ArrayRef<int64_t> bias = shapeOf(getBias());
    SmallVector<int64_t, 2> expected;
    if (gru && getResetAfter())
      expected = {2, gates * units};
    else
      expected = {gates * units};
    if (bias != ArrayRef<int64_t>(expected))
      return emitError() << "bias " << formatShape(bias) << " is not " << formatShape(expected);
  }
  if (static_cast<bool>(getRecurrentActivation()) == (getCell() == RecurrentCell::simple_rnn))
    return emitError() << "'recurrent_activation' is present exactly for gru and lstm";
  for (std::optional<Activation> kind :
       {std::optional<Activation>(getActivation()), getRecurrentActivation()})
    if (kind && ActivationOp::isAlongAxis(*kind))
      return emitError() << "activation '" << stringifyActivation(*kind) << "' is not element-wise";
  if (Value mask = getMask()) {
    ArrayRef<int64_t> m = shapeOf(mask);
    if (m.size() != 2 || m[1] != in[1] ||
        (known(m[0]) && known(in[0]) && m[0] != in[0]))
      return emitError() << "mask " << formatShape(m) << " is not (batch, timesteps) of the input "
                         << formatShape(in);
  } else if (getZeroOutputForMask()) {
    return emitError() << "'zero_output_for_mask' needs a mask";
  }
  size_t stateCount = getCell() == RecurrentCell::lstm ? 2 : 1;
  if (!getInitialStates().empty() && getInitialStates().size() != stateCount)
    return emitError() << "takes " << stateCount << " initial state" << (stateCount > 1 ? "s" : "")
                       << ", got " << getInitialStates().size();
  for (Value state : getInitialStates()) {
    ArrayRef<int64_t> s = shapeOf(state);
    if (s.size() != 2 || s[1] != units || (known(s[0]) && known(in[0]) && s[0] != in[0]))
      return emitError() << "initial state " << formatShape(s) << " is not (batch, units) = ("
                         << (known(in[0]) ? std::to_string(in[0]) : std::string("?")) << ", "
                         << units << ")";
  }
  shape.assign({in[0]});
  if (getReturnState())
    shape.push_back((getReturnSequences() ? in[1] : 1) + int64_t(stateCount));
  else if (getReturnSequences())
    shape.push_back(in[1]);
  shape.push_back(units);
  return success();
}
