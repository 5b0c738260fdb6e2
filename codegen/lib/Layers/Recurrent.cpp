// SimpleRNN, GRU, LSTM: the input projection of every step, x W + bias, is one matrix
// product (a Func, vectorized over the gates' columns and parallel over the steps);
// the recurrence over time is the extern stage kconv_recurrent (runtime/src/
// recurrent.c), which adds h R per step and applies the gates. A pure Halide
// recurrence would need each step to read a whole previous step of its own Func, which
// Halide's update definitions cannot say.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer), which computes the
// extern stage at the root as it is and the projection in register tiles
// (scheduleMatMulTiles). Not fusable: always computed whole (the extern
// stage needs every step of its input). With a mask (Keras's, from an Embedding's
// mask_zero) the extern stage reads it as a second input and skips the masked steps;
// initial states are inputs too, and with return_state the final states follow the
// output in the extern stage's result.
#include "Layers.h"

#include "kconv/kconv_runtime.h"

#include <map>
#include <stdexcept>

namespace kconv::codegen {

using namespace Halide;

namespace {
int activationCode(const std::string &name) {
  static const std::map<std::string, int> codes = {
      {"linear", KCONV_ACT_LINEAR},
      {"relu", KCONV_ACT_RELU},
      {"relu6", KCONV_ACT_RELU6},
      {"leaky_relu", KCONV_ACT_LEAKY_RELU},
      {"elu", KCONV_ACT_ELU},
      {"selu", KCONV_ACT_SELU},
      {"celu", KCONV_ACT_CELU},
      {"sigmoid", KCONV_ACT_SIGMOID},
      {"hard_sigmoid", KCONV_ACT_HARD_SIGMOID},
      {"hard_sigmoid_keras2", KCONV_ACT_HARD_SIGMOID_KERAS2},
      {"log_sigmoid", KCONV_ACT_LOG_SIGMOID},
      {"tanh", KCONV_ACT_TANH},
      {"hard_tanh", KCONV_ACT_HARD_TANH},
      {"tanh_shrink", KCONV_ACT_TANH_SHRINK},
      {"softplus", KCONV_ACT_SOFTPLUS},
      {"softsign", KCONV_ACT_SOFTSIGN},
      {"silu", KCONV_ACT_SILU},
      {"hard_silu", KCONV_ACT_HARD_SILU},
      {"gelu", KCONV_ACT_GELU},
      {"mish", KCONV_ACT_MISH},
      {"exponential", KCONV_ACT_EXPONENTIAL},
      {"sparse_plus", KCONV_ACT_SPARSE_PLUS},
      {"squareplus", KCONV_ACT_SQUAREPLUS},
      {"soft_shrink", KCONV_ACT_SOFT_SHRINK},
      {"hard_shrink", KCONV_ACT_HARD_SHRINK},
      {"sparse_sigmoid", KCONV_ACT_SPARSE_SIGMOID}};
  auto it = codes.find(name);
  if (it == codes.end())
    throw std::invalid_argument("kconv codegen: a recurrent layer computes no " + name +
                                " activation");
  return it->second;
}
} // namespace

LayerFuncs defineStep(const RecurrentLayer &layer, const StepInputs &in) {
  const TensorInfo &x = in.value(layer.input);
  if (x.rank() != 3)
    throw std::invalid_argument("kconv codegen: recurrent layer " + layer.name +
                                " needs a (batch, timesteps, features) input");
  int timesteps = (int)x.shape[1], features = (int)x.shape[2];
  int units = (int)layer.units, columns = (int)(layer.gates() * layer.units);
  LayerFuncs f;
  Var j("j"), t("t"), n("n");
  // Keras's (features, gates * units) row-major is Halide's (j, k), its rows padded.
  int stride = columns;
  std::vector<float> padded = padKernelRows(layer.kernelValues, features, columns, stride);
  ConstantTensor kernel = in.constant(padded, {stride, features}, layer.name + "_kernel");
  Func projected(layer.name + "_matmul");
  projected(j, t, n) =
      layer.biasValues.empty()
          ? Expr(0.f)
          : Expr(in.constant(layer.biasValues, {columns}, layer.name + "_bias")(j));
  RDom r(0, features, layer.name + "_r");
  projected(j, t, n) += kernel(j, r.x) * in.funcs[0](r.x, t, n);
  // The product computed in register tiles of a copy the extern stage reads.
  Func tiles(layer.name + "_tiles");
  tiles(j, t, n) = projected(j, t, n);
  f.stages.push_back(tiles);
  f.stageShapes.push_back({x.shape[0], timesteps, columns});
  f.matmul = LayerFuncs::MatMul{tiles, projected, {x.shape[0], timesteps, columns}, features};

  ConstantTensor recurrent = in.constant(layer.recurrentKernelValues, {columns, units},
                                           layer.name + "_recurrent_kernel");
  std::vector<float> zeros(size_t(columns), 0.f);
  ConstantTensor recurrentBias =
      in.constant(layer.recurrentBiasValues.empty() ? zeros : layer.recurrentBiasValues,
                     {columns}, layer.name + "_recurrent_bias");
  int cell = layer.cell == RecurrentLayer::Cell::Lstm  ? KCONV_RNN_LSTM
             : layer.cell == RecurrentLayer::Cell::Gru ? KCONV_RNN_GRU
                                                       : KCONV_RNN_SIMPLE;
  bool initial = !layer.initialStates.empty(), lstm = layer.cell == RecurrentLayer::Cell::Lstm;
  int flags = (layer.returnSequences ? KCONV_RNN_SEQUENCES : 0) |
              (layer.goBackwards ? KCONV_RNN_BACKWARDS : 0) |
              (layer.resetAfter ? KCONV_RNN_RESET_AFTER : 0) |
              (layer.flipSequences ? KCONV_RNN_FLIP : 0) |
              (layer.mask >= 0 ? KCONV_RNN_MASKED : 0) |
              (layer.zeroOutputForMask ? KCONV_RNN_ZERO_MASKED : 0) |
              (initial ? KCONV_RNN_INITIAL : 0) | (layer.returnState ? KCONV_RNN_STATES : 0);
  // The optional inputs follow the sequence in layerInputs's order: the mask (an
  // Embedding's ids, (timesteps, batch) in Halide order), then the initial h and c
  // ((units, batch)); absent ones are unread placeholders. Present ones are copied in
  // stages of their own: the extern stage reads whole buffers, and a view (a state
  // sliced out of another recurrence's result) cannot be inlined into it.
  size_t next = 1;
  auto optional = [&](bool present, const char *part, std::vector<int64_t> shape) {
    if (!present)
      return ExternFuncArgument(in.constant({0.f}, {1, 1}, layer.name + "_" + part));
    Func copy(layer.name + "_" + part);
    Var a("a"), b("b");
    copy(a, b) = in.funcs[next++](a, b);
    f.stages.push_back(copy);
    f.stageShapes.push_back(std::move(shape));
    return ExternFuncArgument(copy);
  };
  ExternFuncArgument mask = optional(layer.mask >= 0, "mask", {x.shape[0], timesteps});
  ExternFuncArgument initialH = optional(initial, "state", {x.shape[0], units});
  ExternFuncArgument initialC = optional(initial && lstm, "cell", {x.shape[0], units});
  Func steps(layer.name + "_recurrent");
  std::vector<ExternFuncArgument> args = {tiles,
                                          recurrent,
                                          recurrentBias,
                                          mask,
                                          initialH,
                                          initialC,
                                          Expr(cell),
                                          Expr(units),
                                          Expr(timesteps),
                                          Expr(activationCode(layer.activation)),
                                          Expr(activationCode(layer.recurrentActivation)),
                                          Expr(flags)};
  int rank = layer.returnSequences || layer.returnState ? 3 : 2;
  steps.define_extern("kconv_recurrent", args, Float(32), rank, NameMangling::C);
  f.stages.push_back(steps);
  f.stageShapes.push_back({});
  TensorVars v(rank);
  f.result = Func(layer.name);
  f.result(v.halide()) = steps(v.halide());
  return f;
}

} // namespace kconv::codegen
