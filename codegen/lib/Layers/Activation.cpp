// Keras activations as Halide expressions (float32), with Keras's default arguments, and
// THE ALGORITHM of the Activation step (softmax along an axis as its own stages).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Activation.h"
#include "Layers.h"

#include <stdexcept>

namespace kconv::codegen {

using namespace Halide;

namespace {
Expr relu6(Expr x) { return clamp(x, 0.f, 6.f); }
// log(1 + exp(x)) without overflow for large x.
Expr softplus(Expr x) { return max(x, 0.f) + log(1.f + exp(-abs(x))); }
/// e^x as the runtime's vexp (runtime/src/recurrent.c: Cephes's expf, about 1 ulp): a
/// polynomial that vectorizes, where Halide's exp calls libm lane by lane. x = n ln 2 +
/// r, |r| <= ln 2 / 2; 2^n from exponent bits in two factors (n down to -150 stays
/// representable); x clamped to [-104, 88.72].
Expr vectorExp(Expr x) {
  x = clamp(x, -104.f, 88.72283935f);
  Expr n = round(x * 1.44269504088896341f);
  Expr r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  Expr p = 1.9875691500e-4f * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  Expr y = p * (r * r) + r + 1.f;
  Expr k = cast<int32_t>(n), half = k >> 1;
  y = y * reinterpret<float>((half + 127) << 23);
  return y * reinterpret<float>((k - half + 127) << 23);
}
Expr sigmoid(Expr x) { return 1.f / (1.f + vectorExp(-x)); }
/// tanh as the runtime's vtanh: Cephes's tanhf polynomial below |x| = 0.625, else
/// 1 - 2 / (e^2|x| + 1) with x's sign (no cancellation there); a few ulp.
Expr vectorTanh(Expr x) {
  Expr a = abs(x), z = x * x;
  Expr small = -5.70498872745e-3f * z + 2.06390887954e-2f;
  small = small * z - 5.37397155531e-2f;
  small = small * z + 1.33314422036e-1f;
  small = small * z - 3.33332819422e-1f;
  small = small * z * x + x;
  Expr big = 1.f - 2.f / (vectorExp(2.f * a) + 1.f);
  return select(a < 0.625f, small, select(x < 0.f, -big, big));
}
} // namespace

bool isAxisActivation(const std::string &name) {
  return name == "softmax" || name == "log_softmax" || name == "sparsemax" || name == "glu";
}

Expr applyActivation(const std::string &name, Expr x) {
  if (name == "linear")
    return x;
  if (name == "relu")
    return max(x, 0.f);
  if (name == "relu6")
    return relu6(x);
  if (name == "leaky_relu")
    return select(x >= 0.f, x, 0.2f * x);
  if (name == "elu")
    return select(x > 0.f, x, exp(x) - 1.f);
  if (name == "selu")
    return 1.0507009873554805f * select(x > 0.f, x, 1.6732632423543772f * (exp(x) - 1.f));
  if (name == "celu")
    return max(x, 0.f) + min(0.f, exp(x) - 1.f);
  if (name == "sigmoid")
    return sigmoid(x);
  if (name == "hard_sigmoid")
    return relu6(x + 3.f) / 6.f;
  if (name == "hard_sigmoid_keras2")
    return clamp(0.2f * x + 0.5f, 0.f, 1.f);
  if (name == "log_sigmoid")
    return -softplus(-x);
  if (name == "tanh")
    return vectorTanh(x);
  if (name == "hard_tanh")
    return clamp(x, -1.f, 1.f);
  if (name == "tanh_shrink")
    return x - vectorTanh(x);
  if (name == "softplus")
    return softplus(x);
  if (name == "softsign")
    return x / (1.f + abs(x));
  if (name == "silu")
    return x * sigmoid(x);
  if (name == "hard_silu")
    return x * relu6(x + 3.f) / 6.f;
  if (name == "gelu")
    return 0.5f * x * (1.f + erf(x * 0.70710678118654752f));
  if (name == "gelu_tanh") // sqrt(2 / pi) (x + 0.044715 x^3)
    return 0.5f * x * (1.f + vectorTanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
  if (name == "mish")
    return x * tanh(softplus(x));
  if (name == "exponential")
    return exp(x);
  if (name == "sparse_plus")
    return select(x <= -1.f, 0.f, select(x >= 1.f, x, (x + 1.f) * (x + 1.f) * 0.25f));
  if (name == "squareplus")
    return (x + sqrt(x * x + 4.f)) * 0.5f;
  if (name == "soft_shrink")
    return select(x > 0.5f, x - 0.5f, select(x < -0.5f, x + 0.5f, 0.f));
  if (name == "hard_shrink")
    return select(abs(x) > 0.5f, x, 0.f);
  if (name == "abs")
    return abs(x);
  if (name == "square")
    return x * x;
  if (name == "sqrt")
    return sqrt(x);
  if (name == "negative")
    return -x;
  if (name == "log")
    return log(x);
  if (name == "sparse_sigmoid")
    return select(x <= -1.f, 0.f, select(x >= 1.f, 1.f, 0.5f * (x + 1.f)));
  throw std::invalid_argument("kconv codegen: unknown activation '" + name + "'");
}

Expr applyLayerActivation(const ActivationLayer &layer, Expr x) {
  if (layer.activation == "leaky_relu" && layer.alpha)
    return select(x >= 0.f, x, float(*layer.alpha) * x);
  if (layer.activation == "elu" && layer.alpha)
    return select(x > 0.f, x, float(*layer.alpha) * (exp(x) - 1.f));
  if (layer.alpha) { // keras.ops's arguments (the verifier allows alpha where it means one)
    float a = float(*layer.alpha);
    if (layer.activation == "celu")
      return max(x, 0.f) + a * min(0.f, exp(x / a) - 1.f);
    if (layer.activation == "squareplus")
      return (x + sqrt(x * x + a)) * 0.5f;
    if (layer.activation == "soft_shrink")
      return select(x > a, x - a, select(x < -a, x + a, 0.f));
    if (layer.activation == "hard_shrink")
      return select(abs(x) > a, x, 0.f);
    if (layer.activation == "threshold")
      return select(x > float(layer.threshold.value_or(0.0)), x, a);
  }
  if (layer.activation != "relu" || (!layer.maxValue && !layer.negativeSlope && !layer.threshold))
    return applyActivation(layer.activation, x);
  // Keras's relu(x, negative_slope, max_value, threshold), step by step as Keras
  // computes it (a negative threshold keeps x in (threshold, 0) without a max_value).
  float slope = float(layer.negativeSlope.value_or(0.0));
  float threshold = float(layer.threshold.value_or(0.0));
  if (slope != 0.f && !layer.maxValue && threshold == 0.f)
    return select(x >= 0.f, x, slope * x);
  Expr positive;
  bool clip = layer.maxValue.has_value();
  if (threshold != 0.f) {
    positive = select(x > threshold, x, 0.f);
  } else if (layer.maxValue && *layer.maxValue == 6.0) {
    positive = relu6(x);
    clip = false;
  } else {
    positive = max(x, 0.f);
  }
  if (clip)
    positive = clamp(positive, 0.f, float(*layer.maxValue));
  if (slope != 0.f)
    positive = positive - slope * max(threshold - x, 0.f);
  return positive;
}

Expr axisSoftmax(const Func &pre, const TensorInfo &shape, int axis, bool log,
                 const std::string &name, std::vector<Func> &stages) {
  TensorVars v(shape.rank());
  AxesReduction red = reduceOver(v, shape.shape, {axis}, name + "_axis");
  const std::vector<Var> &kept = red.kept;
  const std::vector<Expr> &keptExprs = red.keptExprs;
  const std::vector<Expr> &along = red.along;
  Func maxima(name + "_max"), sums(name + "_sum");
  maxima(kept) = maximum(callKeras(pre, along));
  sums(kept) = sum(exp(callKeras(pre, along) - maxima(keptExprs)));
  stages.push_back(maxima);
  stages.push_back(sums);
  Expr shifted = pre(v.halide()) - maxima(keptExprs);
  return log ? shifted - Halide::log(sums(keptExprs)) : exp(shifted) / sums(keptExprs);
}

namespace {
/// Sparsemax over Keras axis `axis` as Keras computes it, without sorting: the element
/// at position i has as many predecessors in the descending sort as elements greater
/// than it, or equal with a lower index, so its cumulative sum there is theirs plus its
/// own. Element i is in the support when z_i > (cumsum_i - 1) / rank_i; with k such
/// elements, tau = (the sum of their cumulative sums - 1) / k.
Expr axisSparsemax(const Func &input, const TensorInfo &shape, int axis,
                   const std::string &name, std::vector<Func> &stages) {
  TensorVars v(shape.rank());
  int n = (int)shape.shape.at(axis);
  RDom j(0, n, name + "_j");
  std::vector<Expr> at = v.kerasExprs(), other = at;
  other[axis] = j.x;
  Expr z = input(v.halide()), zj = callKeras(input, other);
  Expr before = zj > z || (zj == z && j.x <= v.keras[axis]);
  Func rank(name + "_rank"), cumsum(name + "_cumsum"), support(name + "_support");
  rank(v.halide()) = sum(select(before, 1.f, 0.f));
  cumsum(v.halide()) = sum(select(before, zj, 0.f));
  // 1 in the support, else 0 (a float: a stage of bools is stored as uint1).
  support(v.halide()) =
      select(z - (cumsum(v.halide()) - 1.f) / rank(v.halide()) > 0.f, 1.f, 0.f);
  AxesReduction red = reduceOver(v, shape.shape, {axis}, name + "_i");
  Func count(name + "_k"), total(name + "_total");
  count(red.kept) = sum(callKeras(support, red.along));
  total(red.kept) = sum(callKeras(support, red.along) * callKeras(cumsum, red.along));
  for (const Func &stage : {rank, cumsum, support, count, total})
    stages.push_back(stage);
  Expr tau = (total(red.keptExprs) - 1.f) / count(red.keptExprs);
  return max(z - tau, 0.f);
}

/// glu over Keras axis `axis`: the first half times the sigmoid of the second.
Expr axisGlu(const Func &input, const TensorInfo &shape, int axis) {
  TensorVars v(shape.rank());
  std::vector<Expr> gate = v.kerasExprs();
  gate[axis] = gate[axis] + (int)(shape.shape.at(axis) / 2);
  return input(v.halide()) * sigmoid(callKeras(input, gate));
}

Func defineActivation(const ActivationLayer &layer, const TensorInfo &in, const Func &input,
                      std::vector<Func> &stages) {
  TensorVars v(in.rank());
  Func result(layer.name);
  if (isAxisActivation(layer.activation)) {
    int axis = layer.axis < 0 ? in.rank() - 1 : layer.axis;
    if (layer.activation == "sparsemax")
      result(v.halide()) = axisSparsemax(input, in, axis, layer.name, stages);
    else if (layer.activation == "glu")
      result(v.halide()) = axisGlu(input, in, axis);
    else
      result(v.halide()) =
          axisSoftmax(input, in, axis, layer.activation == "log_softmax", layer.name, stages);
    return result;
  }
  result(v.halide()) = applyLayerActivation(layer, input(v.halide()));
  return result;
}
} // namespace

LayerFuncs defineStep(const ActivationLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineActivation(layer, in.value(layer.input), in.funcs[0], f.stages);
  return f;
}

} // namespace kconv::codegen
