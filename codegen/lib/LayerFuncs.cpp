// What every step's algorithm shares (tensor indexing, constant buffers), and the
// dispatch of a plan step to its layer's algorithm in Layers/<Layer>.cpp.
#include "LayerFuncs.h"

#include "Layers/Layers.h"

#include <algorithm>
#include <cstring>

namespace kconv::codegen {

using namespace Halide;

TensorVars::TensorVars(int rank) {
  for (int d = 0; d < rank; ++d)
    keras.emplace_back(d == 0 ? "n" : "d" + std::to_string(d));
}

std::vector<Var> TensorVars::halide() const { return {keras.rbegin(), keras.rend()}; }

std::vector<Expr> TensorVars::kerasExprs() const { return {keras.begin(), keras.end()}; }

AxesReduction reduceOver(const TensorVars &v, const std::vector<int64_t> &kerasShape,
                         const std::vector<int64_t> &axes, const std::string &name) {
  AxesReduction red;
  for (int d = (int)v.keras.size() - 1; d >= 0; --d) // Halide order: innermost first
    if (std::find(axes.begin(), axes.end(), d) == axes.end()) {
      red.kept.push_back(v.keras[d]);
      red.keptExprs.push_back(v.keras[d]);
    }
  Region extents;
  for (int64_t axis : axes) {
    extents.push_back(Range(0, (int)kerasShape.at(axis)));
    red.count *= kerasShape.at(axis);
  }
  red.r = RDom(extents, name);
  red.along = v.kerasExprs();
  for (size_t i = 0; i < axes.size(); ++i)
    red.along[axes[i]] = red.r[(int)i];
  return red;
}

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

ConstantTensor::ConstantTensor(Buffer<float> values, WeightSink *sink)
    : values_(std::move(values)) {
  if (sink)
    sink->bytes += values_.size_in_bytes();
  // A few KB cost LLVM nothing: a batch normalization's scale stays in the code.
  constexpr size_t kEmbeddedBytes = 4096;
  if (!sink || !sink->asParams || values_.size_in_bytes() <= kEmbeddedBytes)
    return;
  param_.emplace(Float(32), values_.dimensions(), values_.name());
  int stride = 1;
  for (int d = 0; d < values_.dimensions(); ++d) { // dense, as the Buffer
    param_->dim(d).set_bounds(0, values_.dim(d).extent()).set_stride(stride);
    stride *= values_.dim(d).extent();
  }
  sink->bindings.emplace_back(*param_, values_);
}

Expr ConstantTensor::operator()(const std::vector<Expr> &index) const {
  return param_ ? (*param_)(index) : values_(index);
}

ConstantTensor::operator ExternFuncArgument() const {
  return param_ ? ExternFuncArgument(*param_) : ExternFuncArgument(values_);
}

ConstantTensor constantTensor(const std::vector<float> &values, std::vector<int> halideExtents,
                              const std::string &name, WeightSink *sink) {
  Buffer<float> buffer(halideExtents, name);
  if (values.size() != size_t(buffer.number_of_elements()))
    throw CompileError("internal error: " + name + " has " + std::to_string(values.size()) +
                       " values for " + std::to_string(buffer.number_of_elements()) +
                       " elements");
  std::memcpy(buffer.data(), values.data(), values.size() * sizeof(float));
  return ConstantTensor(std::move(buffer), sink);
}

std::vector<float> padKernelRows(const std::vector<float> &values, int rows, int columns,
                                 int &stride) {
  constexpr int line = 16; // floats per 64-byte cache line
  int lines = (columns + line - 1) / line;
  stride = (lines | 1) * line;
  std::vector<float> padded(size_t(stride) * size_t(rows), 0.f);
  for (int r = 0; r < rows; ++r)
    std::copy_n(values.begin() + size_t(r) * size_t(columns), columns,
                padded.begin() + size_t(r) * size_t(stride));
  return padded;
}

namespace {
template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;
} // namespace

std::vector<int> layerInputs(const PlanNode &node) {
  return std::visit(Overloaded{[](const ConvStep &) { return std::vector<int>{}; },
                               [](const MergeLayer &l) { return l.inputs; },
                               [](const ConcatenateLayer &l) { return l.inputs; },
                               [](const MaskedAveragePool1DLayer &l) {
                                 return std::vector<int>{l.input, l.mask};
                               },
                               [](const RecurrentLayer &l) {
                                 std::vector<int> in{l.input};
                                 if (l.mask >= 0)
                                   in.push_back(l.mask);
                                 in.insert(in.end(), l.initialStates.begin(),
                                           l.initialStates.end());
                                 return in;
                               },
                               [](const BatchMatMulLayer &l) {
                                 return std::vector<int>{l.lhs, l.rhs};
                               },
                               [](const AdditiveScoresLayer &l) {
                                 return std::vector<int>{l.query, l.key};
                               },
                               [](const AttentionMaskLayer &l) {
                                 std::vector<int> in{l.scores};
                                 for (int m : {l.queryMask, l.valueMask, l.keyMask,
                                               l.attentionMask})
                                   if (m >= 0)
                                     in.push_back(m);
                                 return in;
                               },
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
                       const std::vector<Func> &inputs, WeightSink *weights) {
  StepInputs in{plan, inputs, weights};
  return std::visit(
      Overloaded{[&](const ConvStep &) -> LayerFuncs {
                   throw CompileError("defineLayer: convolutions are separate");
                 },
                 [&](const auto &step) { return defineStep(step, in); }},
      node);
}

} // namespace kconv::codegen
