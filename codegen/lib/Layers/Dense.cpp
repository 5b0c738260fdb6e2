// Dense: matmul over the last axis, bias, then the activation (softmax along
// the last axis as its own stages).
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer), the product in
// register tiles of the result (scheduleMatMulTiles).
#include "Activation.h"
#include "Layers.h"

#include <stdexcept>

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineDense(const DenseLayer &layer, const StepInputs &step, const TensorInfo &in,
                 const Func &input, LayerFuncs &f) {
  std::vector<Func> &stages = f.stages;
  int rank = in.rank();
  int64_t features = in.shape.back();
  TensorVars v(rank);
  Var u = v.keras.back();
  // Keras's (features, units) row-major is Halide's (u, k), its rows padded.
  int stride = (int)layer.units;
  std::vector<float> padded =
      padKernelRows(layer.kernelValues, (int)features, (int)layer.units, stride);
  ConstantTensor kernel = step.constant(padded, {stride, (int)features}, layer.name + "_kernel");
  Func pre(layer.name + "_matmul");
  pre(v.halide()) =
      layer.biasValues.empty()
          ? Expr(0.f)
          : Expr(step.constant(layer.biasValues, {(int)layer.units}, layer.name + "_bias")(u));
  RDom r(0, (int)features, layer.name + "_r");
  std::vector<Expr> index = v.kerasExprs();
  index.back() = r.x;
  pre(v.halide()) += kernel(u, r.x) * callKeras(input, index);
  Func result(layer.name);
  TensorInfo out = in;
  out.shape.back() = layer.units;
  // The product is computed in register tiles of the result, unless an along-axis
  // activation reads it whole.
  if (isAxisActivation(layer.activation))
    stages.push_back(pre);
  else
    f.matmul = LayerFuncs::MatMul{result, pre, out.shape, features};
  if (layer.activation == "sparsemax" || layer.activation == "glu")
    throw std::invalid_argument("kconv codegen: Dense computes no " + layer.activation +
                                " (the importer applies it as a layer of its own)");
  if (isAxisActivation(layer.activation))
    result(v.halide()) =
        axisSoftmax(pre, out, rank - 1, layer.activation == "log_softmax", layer.name, stages);
  else
    result(v.halide()) = applyActivation(layer.activation, pre(v.halide()));
  return result;
}
} // namespace

LayerFuncs defineStep(const DenseLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineDense(layer, in, in.value(layer.input), in.funcs[0], f);
  return f;
}

} // namespace kconv::codegen
