// THE ALGORITHMS of the layers other than Conv2D (no scheduling here), with Keras
// semantics, on Funcs in Halide order (see LayerFuncs.h).
#include "Conv2DFuncs.h"
#include "LayerFuncs.h"

#include <cstring>
#include <limits>

namespace kconv::codegen {

using namespace Halide;

TensorVars::TensorVars(int rank) {
  for (int d = 0; d < rank; ++d)
    keras.emplace_back(d == 0 ? "n" : "d" + std::to_string(d));
}

std::vector<Var> TensorVars::halide() const { return {keras.rbegin(), keras.rend()}; }

std::vector<Expr> TensorVars::kerasExprs() const { return {keras.begin(), keras.end()}; }

Expr callKeras(const Func &f, std::vector<Expr> kerasIndex) {
  std::reverse(kerasIndex.begin(), kerasIndex.end());
  return f(kerasIndex);
}

Func imageView(const Func &tensor) {
  Var c("c"), x("x"), y("y"), n("n");
  std::vector<Var> args = tensor.args();
  if (args.size() == 4 && args[0].name() == "c" && args[1].name() == "x" &&
      args[2].name() == "y" && args[3].name() == "n")
    return tensor;
  Func view(tensor.name() + "_image");
  view(c, x, y, n) = tensor(c, x, y, n);
  return view;
}

namespace {
Buffer<float> constantBuffer(const std::vector<float> &values, std::vector<int> halideExtents,
                             const std::string &name) {
  Buffer<float> buffer(halideExtents, name);
  std::memcpy(buffer.data(), values.data(), values.size() * sizeof(float));
  return buffer;
}

Func defineDense(const DenseLayer &layer, const TensorInfo &in, const Func &input,
                 std::vector<Func> &stages) {
  int rank = in.rank();
  int64_t features = in.shape.back();
  TensorVars v(rank);
  Var u = v.keras.back();
  // Keras's (features, units) row-major is Halide's (u, k).
  Buffer<float> kernel =
      constantBuffer(layer.kernelValues, {(int)layer.units, (int)features}, layer.name + "_kernel");
  Func pre(layer.name + "_matmul");
  pre(v.halide()) = layer.biasValues.empty()
                        ? Expr(0.f)
                        : Expr(constantBuffer(layer.biasValues, {(int)layer.units},
                                              layer.name + "_bias")(u));
  RDom r(0, (int)features, layer.name + "_r");
  std::vector<Expr> index = v.kerasExprs();
  index.back() = r.x;
  pre(v.halide()) += kernel(u, r.x) * callKeras(input, index);
  stages.push_back(pre);
  Func result(layer.name);
  TensorInfo out = in;
  out.shape.back() = layer.units;
  if (isAxisActivation(layer.activation))
    result(v.halide()) = axisSoftmax(pre, out, rank - 1, layer.activation == "log_softmax",
                                     layer.name, stages);
  else
    result(v.halide()) = applyActivation(layer.activation, pre(v.halide()));
  return result;
}

Func defineConv2DTranspose(const Conv2DTransposeLayer &layer, const TensorInfo &in,
                           const Func &input, std::vector<Func> &stages) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  int cin = (int)image.channels;
  // Keras's (KH, KW, filters, Cin) row-major is Halide's (ci, f, kx, ky).
  Buffer<float> kernel = constantBuffer(
      layer.kernelValues, {cin, (int)layer.filters, (int)layer.kernel[1], (int)layer.kernel[0]},
      layer.name + "_kernel");
  // Gather: output o receives input i = (o + pad - k * dilation) / stride, when exact.
  RDom r(0, cin, 0, (int)layer.kernel[1], 0, (int)layer.kernel[0], layer.name + "_r");
  Expr nx = x + (int)layer.padBefore[1] - r.y * (int)layer.dilation[1];
  Expr ny = y + (int)layer.padBefore[0] - r.z * (int)layer.dilation[0];
  int sx = (int)layer.strides[1], sy = (int)layer.strides[0];
  Expr ix = nx / sx, iy = ny / sy; // Halide's division rounds down
  Expr hit = nx % sx == 0 && ny % sy == 0 && ix >= 0 && ix < (int)image.width && iy >= 0 &&
             iy < (int)image.height;
  Expr value = src(r.x, clamp(ix, 0, (int)image.width - 1), clamp(iy, 0, (int)image.height - 1), n);
  Func sum(layer.name + "_sum");
  sum(c, x, y, n) = layer.biasValues.empty()
                        ? Expr(0.f)
                        : Expr(constantBuffer(layer.biasValues, {(int)layer.filters},
                                              layer.name + "_bias")(c));
  sum(c, x, y, n) += select(hit, kernel(r.x, c, r.y, r.z) * value, 0.f);
  stages.push_back(sum);
  Func result(layer.name);
  result(c, x, y, n) = applyActivation(layer.activation, sum(c, x, y, n));
  return result;
}

Func defineBatchNorm(const BatchNormLayer &layer, const TensorInfo &in, const Func &input) {
  TensorVars v(in.rank());
  int channels = (int)in.shape.at(layer.axis);
  Buffer<float> scale = constantBuffer(layer.scale, {channels}, layer.name + "_scale");
  Buffer<float> shift = constantBuffer(layer.shift, {channels}, layer.name + "_shift");
  Var c = v.keras[layer.axis];
  Func result(layer.name);
  result(v.halide()) = input(v.halide()) * scale(c) + shift(c);
  return result;
}

Func defineLayerNorm(const LayerNormLayer &layer, const TensorInfo &in, const Func &input,
                     std::vector<Func> &stages) {
  int rank = in.rank();
  int channels = (int)in.shape.back();
  TensorVars v(rank);
  std::vector<Var> kept; // Halide order without the channels (Halide's innermost)
  std::vector<Var> all = v.halide();
  kept.assign(all.begin() + 1, all.end());
  std::vector<Expr> keptExprs(kept.begin(), kept.end());
  RDom r(0, channels, layer.name + "_r");
  std::vector<Expr> along = v.kerasExprs();
  along.back() = r.x;
  // Keras's moments in float32: the mean, then the mean of squared deviations.
  Func mean(layer.name + "_mean"), variance(layer.name + "_variance");
  mean(kept) = sum(callKeras(input, along)) / float(channels);
  Expr deviation = callKeras(input, along) - mean(keptExprs);
  variance(kept) = sum(deviation * deviation) / float(channels);
  stages.push_back(mean);
  stages.push_back(variance);
  Buffer<float> gamma = constantBuffer(layer.gamma, {channels}, layer.name + "_gamma");
  Buffer<float> beta = constantBuffer(layer.beta, {channels}, layer.name + "_beta");
  Var c = v.keras.back();
  Expr inv = Halide::sqrt(variance(keptExprs) + float(layer.epsilon));
  Func result(layer.name);
  if (layer.rmsScaling)
    result(v.halide()) = input(v.halide()) / inv * gamma(c);
  else
    result(v.halide()) = (input(v.halide()) - mean(keptExprs)) / inv * gamma(c) + beta(c);
  return result;
}

Func definePool2D(const Pool2DLayer &layer, const TensorInfo &in, const Func &input) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  bool padded = hasPadding(layer.padding);
  float outside = layer.max ? -std::numeric_limits<float>::infinity() : 0.f;
  if (padded) // TF 'same': padding never wins a max, and is not counted in a mean
    src = BoundaryConditions::constant_exterior(
        src, outside, {Range(), Range(0, (int)image.width), Range(0, (int)image.height)});
  RDom r(0, (int)layer.window[1], 0, (int)layer.window[0], layer.name + "_r");
  Expr x0 = x * (int)layer.strides[1] - (int)layer.padding[2];
  Expr y0 = y * (int)layer.strides[0] - (int)layer.padding[0];
  Expr value = src(c, x0 + r.x, y0 + r.y, n);
  Func pooled(layer.name);
  if (layer.max) {
    pooled(c, x, y, n) = maximum(value);
  } else {
    Expr rows = min(y0 + (int)layer.window[0], (int)image.height) - max(y0, 0);
    Expr cols = min(x0 + (int)layer.window[1], (int)image.width) - max(x0, 0);
    pooled(c, x, y, n) = sum(value) / cast<float>(rows * cols);
  }
  return pooled;
}

Func defineGlobalPool2D(const GlobalPool2DLayer &layer, const TensorInfo &in,
                        const TensorInfo &out, const Func &input) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  RDom r(0, (int)image.width, 0, (int)image.height, layer.name + "_r");
  Func reduced(layer.name + "_reduce");
  if (layer.max)
    reduced(c, n) = maximum(src(c, r.x, r.y, n));
  else
    reduced(c, n) = sum(src(c, r.x, r.y, n)) / float(image.width * image.height);
  Func result(layer.name);
  if (out.rank() == 2)
    result(c, n) = reduced(c, n);
  else // keepdims: (n, 1, 1, c)
    result(c, x, y, n) = reduced(c, n);
  return result;
}

Func defineActivation(const ActivationLayer &layer, const TensorInfo &in, const Func &input,
                      std::vector<Func> &stages) {
  TensorVars v(in.rank());
  Func result(layer.name);
  if (!layer.preluAlpha.empty()) {
    std::vector<int> extents(layer.preluShape.rbegin(), layer.preluShape.rend());
    Buffer<float> alpha = constantBuffer(layer.preluAlpha, extents, layer.name + "_alpha");
    std::vector<Expr> index; // Keras dims 1.., broadcast where alpha has size 1
    for (size_t d = 0; d < layer.preluShape.size(); ++d)
      index.push_back(layer.preluShape[d] == 1 ? Expr(0) : Expr(v.keras[d + 1]));
    Expr xv = input(v.halide());
    std::reverse(index.begin(), index.end());
    result(v.halide()) = select(xv >= 0.f, xv, alpha(index) * xv);
    return result;
  }
  if (isAxisActivation(layer.activation)) {
    int axis = layer.axis < 0 ? in.rank() - 1 : layer.axis;
    result(v.halide()) =
        axisSoftmax(input, in, axis, layer.activation == "log_softmax", layer.name, stages);
    return result;
  }
  result(v.halide()) = applyLayerActivation(layer, input(v.halide()));
  return result;
}

/// Input `in` read at the output's position, broadcast as Keras's merge layers do:
/// the batch as it is, the other axes aligned from the last (a lower-rank input has
/// its missing axes after the batch), a size-1 axis of the input read at 0.
Expr broadcastRead(const Func &input, const TensorInfo &in, const TensorInfo &out,
                   const TensorVars &v) {
  int skipped = out.rank() - in.rank();
  std::vector<Expr> index{v.keras[0]};
  for (int d = 1; d < in.rank(); ++d) {
    int64_t outSize = out.shape.at(d + skipped);
    index.push_back(in.shape[d] == 1 && outSize != 1 ? Expr(0) : Expr(v.keras[d + skipped]));
  }
  return callKeras(input, index);
}

Func defineMerge(const MergeLayer &layer, const PipelinePlan &plan,
                 const std::vector<Func> &inputs) {
  const TensorInfo &out = plan.values.at(layer.output);
  TensorVars v(out.rank());
  std::vector<Expr> values;
  for (size_t i = 0; i < inputs.size(); ++i)
    values.push_back(broadcastRead(inputs[i], plan.values.at(layer.inputs[i]), out, v));
  Expr acc = values[0];
  for (size_t i = 1; i < values.size(); ++i) {
    if (layer.kind == "add" || layer.kind == "average")
      acc = acc + values[i];
    else if (layer.kind == "subtract")
      acc = acc - values[i];
    else if (layer.kind == "multiply")
      acc = acc * values[i];
    else if (layer.kind == "maximum")
      acc = max(acc, values[i]);
    else if (layer.kind == "minimum")
      acc = min(acc, values[i]);
    else
      throw CompileError("unknown merge '" + layer.kind + "'");
  }
  if (layer.kind == "average")
    acc = acc / float(values.size());
  Func result(layer.name);
  result(v.halide()) = acc;
  return result;
}

Func defineConcatenate(const ConcatenateLayer &layer, const PipelinePlan &plan,
                       const std::vector<Func> &inputs) {
  const TensorInfo &out = plan.values.at(layer.output);
  TensorVars v(out.rank());
  Var a = v.keras.at(layer.axis);
  // Each input is read at a clamped index: all are evaluated, one is selected.
  std::vector<Expr> conditions, values;
  int64_t offset = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    int64_t extent = plan.values.at(layer.inputs[i]).shape.at(layer.axis);
    std::vector<Expr> index = v.kerasExprs();
    index[layer.axis] = clamp(a - (int)offset, 0, (int)extent - 1);
    values.push_back(callKeras(inputs[i], index));
    conditions.push_back(a < (int)(offset + extent));
    offset += extent;
  }
  Expr value = values.back();
  for (int i = (int)values.size() - 2; i >= 0; --i)
    value = select(conditions[i], values[i], value);
  Func result(layer.name);
  result(v.halide()) = value;
  return result;
}

Func definePad2D(const Pad2DLayer &layer, const TensorInfo &in, const Func &input) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  if (layer.amounts[0] > 0 || layer.amounts[1] > 0 || layer.amounts[2] > 0 ||
      layer.amounts[3] > 0)
    src = BoundaryConditions::constant_exterior(
        src, 0.f, {Range(), Range(0, (int)image.width), Range(0, (int)image.height)});
  Func shifted(layer.name);
  shifted(c, x, y, n) = src(c, x - (int)layer.amounts[2], y - (int)layer.amounts[0], n);
  return shifted;
}

Func defineUpSample2D(const UpSample2DLayer &layer, const TensorInfo &in, const Func &input) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  Func up(layer.name);
  int sh = (int)layer.size[0], sw = (int)layer.size[1];
  if (!layer.bilinear) {
    up(c, x, y, n) = src(c, x / sw, y / sh, n);
    return up;
  }
  // TF resize, half-pixel centers: source = (dst + 0.5) / scale - 0.5.
  auto axis = [](Expr dst, int scale, int size, Expr &lower, Expr &upper, Expr &frac) {
    Expr source = (cast<float>(dst) + 0.5f) / float(scale) - 0.5f;
    Expr floorSource = floor(source);
    lower = max(cast<int>(floorSource), 0);
    upper = min(cast<int>(ceil(source)), size - 1);
    frac = source - floorSource;
  };
  Expr y0, y1, fy, x0, x1, fx;
  axis(y, sh, (int)image.height, y0, y1, fy);
  axis(x, sw, (int)image.width, x0, x1, fx);
  Expr top = src(c, x0, y0, n) + (src(c, x1, y0, n) - src(c, x0, y0, n)) * fx;
  Expr bottom = src(c, x0, y1, n) + (src(c, x1, y1, n) - src(c, x0, y1, n)) * fx;
  up(c, x, y, n) = top + (bottom - top) * fy;
  return up;
}

/// Whether `in` and `out` have the same axes of size other than 1 in the same order (a
/// reshape that only inserts or removes axes of size 1); their positions, batch excluded.
bool unitAxesOnly(const TensorInfo &in, const TensorInfo &out, std::vector<int> &inAxes,
                  std::vector<int> &outAxes) {
  for (int j = 1; j < in.rank(); ++j)
    if (in.shape[j] != 1)
      inAxes.push_back(j);
  for (int i = 1; i < out.rank(); ++i)
    if (out.shape[i] != 1)
      outAxes.push_back(i);
  if (inAxes.size() != outAxes.size())
    return false;
  for (size_t k = 0; k < inAxes.size(); ++k)
    if (in.shape[inAxes[k]] != out.shape[outAxes[k]])
      return false;
  return true;
}

Func defineReshape(const ReshapeLayer &layer, const TensorInfo &in, const TensorInfo &out,
                   const Func &input) {
  TensorVars v(out.rank());
  std::vector<Expr> index(in.rank());
  index[0] = v.keras[0];
  if (std::vector<int> inAxes, outAxes; unitAxesOnly(in, out, inAxes, outAxes)) {
    // Only axes of size 1 inserted or removed (Conv1D's (1, steps) view): each other
    // axis maps to itself and the size-1 ones to 0, with no div/mod for Halide to undo.
    for (int j = 1; j < in.rank(); ++j)
      index[j] = 0;
    for (size_t k = 0; k < inAxes.size(); ++k)
      index[inAxes[k]] = v.keras[outAxes[k]];
  } else { // row-major: the output's linear position within a sample, re-split
    Expr linear = 0;
    for (int i = 1; i < out.rank(); ++i)
      linear = linear * (int)out.shape[i] + v.keras[i];
    for (int j = in.rank() - 1; j >= 1; --j) {
      index[j] = linear % (int)in.shape[j];
      linear = linear / (int)in.shape[j];
    }
  }
  Func result(layer.name);
  result(v.halide()) = callKeras(input, index);
  return result;
}

Func defineTranspose(const TransposeLayer &layer, const TensorInfo &out, const Func &input) {
  TensorVars v(out.rank());
  std::vector<Expr> index(out.rank());
  for (int i = 0; i < out.rank(); ++i)
    index[layer.permutation[i]] = v.keras[i];
  Func result(layer.name);
  result(v.halide()) = callKeras(input, index);
  return result;
}

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;
} // namespace

Expr axisSoftmax(const Func &pre, const TensorInfo &shape, int axis, bool log,
                 const std::string &name, std::vector<Func> &stages) {
  TensorVars v(shape.rank());
  RDom r(0, (int)shape.shape.at(axis), name + "_axis");
  std::vector<Var> kept; // Halide order, without the reduced dimension
  for (int d = shape.rank() - 1; d >= 0; --d)
    if (d != axis)
      kept.push_back(v.keras[d]);
  std::vector<Expr> keptExprs(kept.begin(), kept.end());
  std::vector<Expr> along = v.kerasExprs();
  along[axis] = r.x;
  Func maxima(name + "_max"), sums(name + "_sum");
  maxima(kept) = maximum(callKeras(pre, along));
  sums(kept) = sum(exp(callKeras(pre, along) - maxima(keptExprs)));
  stages.push_back(maxima);
  stages.push_back(sums);
  Expr shifted = pre(v.halide()) - maxima(keptExprs);
  return log ? shifted - Halide::log(sums(keptExprs)) : exp(shifted) / sums(keptExprs);
}

std::vector<int> layerInputs(const PlanNode &node) {
  return std::visit(Overloaded{[](const ConvStep &) { return std::vector<int>{}; },
                               [](const MergeLayer &l) { return l.inputs; },
                               [](const ConcatenateLayer &l) { return l.inputs; },
                               [](const auto &l) { return std::vector<int>{l.input}; }},
                    node);
}

int layerOutput(const PlanNode &node) {
  return std::visit(Overloaded{[](const ConvStep &) { return -1; },
                               [](const auto &l) { return l.output; }},
                    node);
}

const std::string &layerName(const PlanNode &node) {
  static const std::string conv = "conv";
  return std::visit(Overloaded{[](const ConvStep &) -> const std::string & { return conv; },
                               [](const auto &l) -> const std::string & { return l.name; }},
                    node);
}

LayerFuncs defineLayer(const PlanNode &node, const PipelinePlan &plan,
                       const std::vector<Func> &inputs) {
  LayerFuncs f;
  const TensorInfo &out = plan.values.at(layerOutput(node));
  auto in = [&](int value) -> const TensorInfo & { return plan.values.at(value); };
  std::visit(
      Overloaded{
          [&](const ConvStep &) { throw CompileError("defineLayer: convolutions are separate"); },
          [&](const Conv2DTransposeLayer &l) {
            f.result = defineConv2DTranspose(l, in(l.input), inputs[0], f.stages);
          },
          [&](const DenseLayer &l) { f.result = defineDense(l, in(l.input), inputs[0], f.stages); },
          [&](const BatchNormLayer &l) { f.result = defineBatchNorm(l, in(l.input), inputs[0]); },
          [&](const LayerNormLayer &l) {
            f.result = defineLayerNorm(l, in(l.input), inputs[0], f.stages);
          },
          [&](const Pool2DLayer &l) { f.result = definePool2D(l, in(l.input), inputs[0]); },
          [&](const GlobalPool2DLayer &l) {
            f.result = defineGlobalPool2D(l, in(l.input), out, inputs[0]);
          },
          [&](const ActivationLayer &l) {
            f.result = defineActivation(l, in(l.input), inputs[0], f.stages);
          },
          [&](const MergeLayer &l) { f.result = defineMerge(l, plan, inputs); },
          [&](const ConcatenateLayer &l) { f.result = defineConcatenate(l, plan, inputs); },
          [&](const Pad2DLayer &l) {
            f.result = definePad2D(l, in(l.input), inputs[0]);
            f.view = true;
          },
          [&](const UpSample2DLayer &l) { f.result = defineUpSample2D(l, in(l.input), inputs[0]); },
          [&](const ReshapeLayer &l) {
            f.result = defineReshape(l, in(l.input), out, inputs[0]);
            f.view = true;
          },
          [&](const TransposeLayer &l) {
            f.result = defineTranspose(l, out, inputs[0]);
            f.view = true;
          }},
      node);
  return f;
}

} // namespace kconv::codegen
