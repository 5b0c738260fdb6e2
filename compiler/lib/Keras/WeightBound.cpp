// An upper bound on the parameters a model's layers can hold, from its configuration
// alone: the size a `.keras` weights entry is checked against before it is read.
// Shapes are propagated as upper bounds (a strided output rounded up, a cropping
// ignored), so the bound never falls short of what the importer will ask for.
#include "KerasInternal.h"

#include <algorithm>
#include <map>

namespace kconv::keras {
namespace {

/// A shape without the batch dimension; kUnknown is a dimension the file leaves open.
using Shape = std::vector<int64_t>;
constexpr int64_t kUnknown = -1;
/// Saturation point of the arithmetic: beyond it there is no useful bound.
constexpr int64_t kHuge = int64_t(1) << 62;

// Any negative operand (kUnknown, or a value no valid configuration has) is unknown.
int64_t mul(int64_t a, int64_t b) {
  if (a < 0 || b < 0)
    return kUnknown;
  if (a != 0 && b > kHuge / a)
    return kHuge;
  return a * b;
}

int64_t add(int64_t a, int64_t b) {
  if (a < 0 || b < 0)
    return kUnknown;
  return std::min(kHuge, a + b);
}

int64_t ceilDiv(int64_t d, int64_t s) {
  s = std::max<int64_t>(s, 1);
  return d < 0 ? kUnknown : (d + s - 1) / s;
}

int64_t product(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n = mul(n, d);
  return n;
}

/// The index (without batch) of a 2-D layer's channel axis and its spatial axes.
struct Axes {
  size_t channel, h, w;
};
std::optional<Axes> axes2d(const Shape &x, DataFormat dataFormat) {
  if (x.size() != 3)
    return std::nullopt;
  if (dataFormat == DataFormat::ChannelsFirst)
    return Axes{0, 1, 2};
  return Axes{2, 0, 1};
}

/// The index (without batch) of a 3-D layer's channel axis and its (depth, height,
/// width) axes.
struct Axes3 {
  size_t channel, spatial[3];
};
std::optional<Axes3> axes3d(const Shape &x, DataFormat dataFormat) {
  if (x.size() != 4)
    return std::nullopt;
  if (dataFormat == DataFormat::ChannelsFirst)
    return Axes3{0, {1, 2, 3}};
  return Axes3{3, {0, 1, 2}};
}

/// A Keras axis as written (counting the batch axis, negative from the end) as an index
/// into a shape without batch.
std::optional<size_t> axisIndex(int64_t axis, size_t rank) {
  int64_t full = axis < 0 ? int64_t(rank) + 1 + axis : axis;
  if (full < 1 || full > int64_t(rank))
    return std::nullopt;
  return size_t(full - 1);
}

/// One layer: its output shape bound and the parameters it holds, or nullopt when
/// either needs a dimension the configuration does not give.
struct Visitor {
  const std::vector<Shape> &in;
  int64_t params = 0;

  std::optional<Shape> operator()(const InputConfig &c) {
    if (c.batchShape.empty())
      return std::nullopt;
    Shape out;
    for (size_t i = 1; i < c.batchShape.size(); ++i)
      out.push_back(c.batchShape[i] ? *c.batchShape[i] : kUnknown);
    return out;
  }
  std::optional<Shape> operator()(const Conv2DConfig &c) {
    if (c.rank == 3)
      return conv3d(c);
    std::optional<Axes> a = one() ? axes2d(*one(), c.dataFormat) : std::nullopt;
    if (!a)
      return std::nullopt;
    Shape out = *one();
    int64_t cin = out[a->channel];
    if (cin == kUnknown)
      return std::nullopt;
    int64_t taps = mul(c.kernelSize[0], c.kernelSize[1]);
    int64_t mult = std::max<int64_t>(c.depthMultiplier, 1);
    switch (c.kind) {
    case ConvKind::Standard:
    case ConvKind::Transpose:
      params = add(mul(mul(taps, cin), c.filters), c.filters);
      out[a->channel] = c.filters;
      break;
    case ConvKind::Depthwise:
      params = add(mul(mul(taps, cin), mult), mul(cin, mult));
      out[a->channel] = mul(cin, mult);
      break;
    case ConvKind::Separable:
      params = add(add(mul(mul(taps, cin), mult), mul(mul(cin, mult), c.filters)), c.filters);
      out[a->channel] = c.filters;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      size_t axis = i == 0 ? a->h : a->w;
      int64_t s = c.strides[i], k = mul(c.kernelSize[i], c.dilationRate[i]);
      // A transposed convolution grows by its stride plus at most a kernel; the others
      // produce at most ceil(in / stride) (padding "same"; "valid" is smaller).
      out[axis] = c.kind == ConvKind::Transpose ? add(add(mul(out[axis], s), k), s)
                                                : ceilDiv(out[axis], s);
    }
    return out;
  }
  std::optional<Shape> operator()(const DenseConfig &c) {
    if (!one() || one()->empty() || one()->back() == kUnknown)
      return std::nullopt;
    Shape out = *one();
    params = add(mul(out.back(), c.units), c.units);
    out.back() = c.units;
    return out;
  }
  std::optional<Shape> operator()(const RecurrentConfig &c) {
    // The sequence, then any initial states.
    if (in.empty() || in[0].size() != 2 || in[0].back() == kUnknown)
      return std::nullopt;
    int64_t gates = c.cell == RecurrentCell::Lstm ? 4 : c.cell == RecurrentCell::Gru ? 3 : 1;
    int64_t columns = mul(gates, c.units);
    // kernel, recurrent kernel, and at most two biases
    params = add(mul(add(in[0].back(), c.units), columns), mul(2, columns));
    Shape out = in[0];
    if (!c.returnSequences)
      return Shape{c.units};
    out.back() = c.units;
    return out;
  }
  std::optional<Shape> operator()(const ConvLstmConfig &c) {
    // The input convolution on one step (the steps stripped), its output's channels the
    // filters; the kernels (input channels + filters) x 4 filters per tap, the bias.
    if (!one() || one()->size() < 3)
      return std::nullopt;
    Shape s = *one(); // a copy: one() returns a temporary
    std::vector<Shape> step{Shape(s.begin() + 1, s.end())};
    Visitor inner{step};
    Conv2DConfig conv = c.conv;
    std::optional<Shape> out = conv.rank == 1 ? inner.onStepsView(conv) : inner(conv);
    if (!out)
      return std::nullopt;
    bool first = conv.dataFormat == DataFormat::ChannelsFirst;
    int64_t channels = first ? step[0].front() : step[0].back();
    int64_t taps = mul(mul(conv.kernelDepth, conv.kernelSize[0]), conv.kernelSize[1]);
    int64_t columns = mul(4, conv.filters);
    params = add(mul(mul(taps, add(channels, conv.filters)), columns), columns);
    if (c.rnn.returnSequences)
      out->insert(out->begin(), s[0]);
    return out;
  }
  std::optional<Shape> operator()(const MaskingConfig &) { return one(); }
  std::optional<Shape> operator()(const RecurrentStateConfig &) {
    // A final state of its input's layer: (units), the last axis of that layer's output.
    if (!one() || one()->empty())
      return std::nullopt;
    return Shape{one()->back()};
  }
  std::optional<Shape> operator()(const StackedRecurrentConfig &c) {
    // Each cell's output the next one's input (the sequence, then any initial states);
    // the parameters summed.
    int64_t total = 0;
    std::optional<Shape> out = in.empty() ? std::nullopt : std::optional<Shape>(in[0]);
    for (const RecurrentConfig &cell : c.cells) {
      if (!out)
        return std::nullopt;
      RecurrentConfig each = cell;
      each.returnSequences = true;
      std::vector<Shape> cellIn{*out};
      Visitor inner{cellIn};
      out = inner(each);
      total = add(total, inner.params);
    }
    params = total;
    if (out && !c.cells.back().returnSequences)
      out = Shape{out->back()};
    return out;
  }
  std::optional<Shape> operator()(const DotConfig &c) {
    // x's axes but the contracted one, then y's; (1,) when none is left.
    if (in.size() != 2)
      return std::nullopt;
    Shape out;
    for (size_t i = 0; i < 2; ++i) {
      int64_t rank = int64_t(in[i].size()) + 1, axis = c.axes[i] < 0 ? c.axes[i] + rank : c.axes[i];
      for (int64_t d = 1; d < rank; ++d)
        if (d != axis)
          out.push_back(in[i][size_t(d - 1)]);
    }
    if (out.empty())
      out.push_back(1);
    return out;
  }
  std::optional<Shape> operator()(const TimeDistributedConfig &c) {
    // The inner layer on one step: (steps, rest...) -> (steps, its output...).
    std::optional<Shape> x = one();
    if (!x || x->size() < 2)
      return std::nullopt;
    std::vector<Shape> step{Shape(x->begin() + 1, x->end())};
    Visitor inner{step};
    std::optional<Shape> out = std::visit(inner, c.inner->config);
    params = inner.params;
    if (!out)
      return std::nullopt;
    out->insert(out->begin(), x->front());
    return out;
  }
  std::optional<Shape> operator()(const BidirectionalConfig &c) {
    std::optional<Shape> forward = (*this)(c.forward);
    int64_t forwardParams = params;
    std::optional<Shape> backward = (*this)(c.backward);
    params = add(params, forwardParams);
    if (!forward || !backward)
      return std::nullopt;
    if (c.mergeMode == "concat")
      forward->back() = add(forward->back(), backward->back());
    return forward;
  }
  std::optional<Shape> operator()(const BatchNormConfig &c) {
    if (!one())
      return std::nullopt;
    std::optional<size_t> axis = axisIndex(c.axis, one()->size());
    if (!axis || (*one())[*axis] == kUnknown)
      return std::nullopt;
    params = mul(4, (*one())[*axis]); // gamma, beta, moving mean and variance
    return one();
  }
  std::optional<Shape> operator()(const LayerNormConfig &c) {
    if (!one())
      return std::nullopt;
    int64_t size = 1;
    for (int64_t written : c.axes) {
      std::optional<size_t> axis = axisIndex(written, one()->size());
      if (!axis || (*one())[*axis] == kUnknown)
        return std::nullopt;
      size = mul(size, (*one())[*axis]);
    }
    params = mul(2, size); // gamma and beta at most
    return one();
  }
  std::optional<Shape> operator()(const NormalizationConfig &c) {
    if (!one())
      return std::nullopt;
    int64_t size = 1; // axis=None: scalar mean and variance
    if (c.axis) {
      std::optional<size_t> axis = axisIndex(*c.axis, one()->size());
      if (!axis || (*one())[*axis] == kUnknown)
        return std::nullopt;
      size = (*one())[*axis];
    }
    params = add(mul(2, size), 1); // mean, variance and the count
    return one();
  }
  std::optional<Shape> operator()(const Pool2DConfig &c) {
    if (c.rank == 3)
      return spatial3d(c.dataFormat, [&](int axis, int64_t size) {
        return ceilDiv(size, axis == 0 ? c.strideDepth : c.strides[axis - 1]);
      });
    std::optional<Axes> a = one() ? axes2d(*one(), c.dataFormat) : std::nullopt;
    if (!a)
      return std::nullopt;
    Shape out = *one();
    out[a->h] = ceilDiv(out[a->h], c.strides[0]);
    out[a->w] = ceilDiv(out[a->w], c.strides[1]);
    return out;
  }
  std::optional<Shape> operator()(const AdaptivePool2DConfig &c) {
    if (!one() || one()->size() != size_t(c.rank) + 1)
      return std::nullopt;
    Shape out = *one();
    size_t first = c.dataFormat == DataFormat::ChannelsFirst ? 1 : 0; // first spatial axis
    std::array<int64_t, 3> sizes{c.outputDepth, c.outputSize[0], c.outputSize[1]};
    for (int i = 0; i < c.rank; ++i)
      out[first + i] = sizes[3 - c.rank + i];
    return out;
  }
  std::optional<Shape> operator()(const GlobalPool2DConfig &c) {
    if (c.rank == 3) {
      std::optional<Axes3> a = one() ? axes3d(*one(), c.dataFormat) : std::nullopt;
      if (!a)
        return std::nullopt;
      Shape out(c.keepdims ? 4 : 1, 1);
      out[c.keepdims ? a->channel : 0] = (*one())[a->channel];
      return out;
    }
    std::optional<Axes> a = one() ? axes2d(*one(), c.dataFormat) : std::nullopt;
    if (!a)
      return std::nullopt;
    int64_t channels = (*one())[a->channel];
    if (!c.keepdims)
      return Shape{channels};
    Shape out(3, 1);
    out[a->channel] = channels;
    return out;
  }
  std::optional<Shape> operator()(const PReluConfig &c) {
    if (!one())
      return std::nullopt;
    Shape alpha = *one();
    for (int64_t axis : c.sharedAxes)
      if (axis >= 1 && size_t(axis) <= alpha.size())
        alpha[size_t(axis - 1)] = 1;
    params = product(alpha);
    if (params == kUnknown)
      return std::nullopt;
    return one();
  }
  std::optional<Shape> operator()(const MergeConfig &) {
    // Keras broadcasts: align the shapes on the right; each dimension is at most the
    // largest of the inputs'.
    size_t rank = 0;
    for (const Shape &s : in)
      rank = std::max(rank, s.size());
    Shape out(rank, 1);
    for (const Shape &s : in)
      for (size_t i = 0; i < s.size(); ++i) {
        int64_t &d = out[rank - s.size() + i];
        d = d == kUnknown || s[i] == kUnknown ? kUnknown : std::max(d, s[i]);
      }
    return in.empty() ? std::nullopt : std::optional<Shape>(out);
  }
  std::optional<Shape> operator()(const ConcatenateConfig &c) {
    if (in.empty())
      return std::nullopt;
    std::optional<size_t> axis = axisIndex(c.axis, in.front().size());
    if (!axis)
      return std::nullopt;
    Shape out(in.front().size(), 0);
    for (const Shape &s : in) {
      if (s.size() != out.size())
        return std::nullopt;
      for (size_t i = 0; i < s.size(); ++i)
        out[i] = i == *axis ? add(out[i], s[i])
                 : out[i] == kUnknown || s[i] == kUnknown ? kUnknown
                                                          : std::max(out[i], s[i]);
    }
    return out;
  }
  std::optional<Shape> operator()(const Pad2DConfig &c) {
    if (c.rank == 1)
      return onStepsView(c);
    if (c.rank == 3) // a cropping is ignored: an upper bound
      return spatial3d(c.dataFormat, [&](int axis, int64_t size) {
        const int64_t *pair = axis == 0 ? c.depthAmounts.data() : &c.amounts[2 * (axis - 1)];
        return c.crop ? size : add(size, add(pair[0], pair[1]));
      });
    std::optional<Axes> a = one() ? axes2d(*one(), c.dataFormat) : std::nullopt;
    if (!a)
      return std::nullopt;
    Shape out = *one();
    if (!c.crop) {
      out[a->h] = add(out[a->h], add(c.amounts[0], c.amounts[1]));
      out[a->w] = add(out[a->w], add(c.amounts[2], c.amounts[3]));
    }
    return out;
  }
  std::optional<Shape> operator()(const UpSample2DConfig &c) {
    if (c.rank == 1)
      return onStepsView(c);
    if (c.rank == 3)
      return spatial3d(c.dataFormat, [&](int axis, int64_t size) {
        return mul(size, axis == 0 ? c.depthSize : c.size[axis - 1]);
      });
    std::optional<Axes> a = one() ? axes2d(*one(), c.dataFormat) : std::nullopt;
    if (!a)
      return std::nullopt;
    Shape out = *one();
    out[a->h] = mul(out[a->h], c.size[0]);
    out[a->w] = mul(out[a->w], c.size[1]);
    return out;
  }
  std::optional<Shape> operator()(const ResizeConfig &c) {
    std::optional<Axes> a = one() ? axes2d(*one(), c.dataFormat) : std::nullopt;
    if (!a)
      return std::nullopt;
    Shape out = *one();
    out[a->h] = c.height;
    out[a->w] = c.width;
    return out;
  }
  std::optional<Shape> operator()(const ReshapeConfig &c) {
    if (!one())
      return std::nullopt;
    int64_t total = product(*one());
    if (c.flatten)
      return Shape{total};
    Shape out = c.targetShape;
    for (int64_t &d : out)
      if (d == -1)
        d = total; // at most all of the elements
    return out;
  }
  std::optional<Shape> operator()(const PermuteConfig &c) {
    if (!one())
      return std::nullopt;
    Shape out;
    for (int64_t d : c.dims) {
      if (d < 1 || size_t(d) > one()->size())
        return std::nullopt;
      out.push_back((*one())[size_t(d - 1)]);
    }
    return out;
  }
  std::optional<Shape> operator()(const ActivationConfig &) { return one(); }
  std::optional<Shape> operator()(const RescalingConfig &) { return one(); }
  std::optional<Shape> operator()(const UnitNormConfig &) { return one(); }
  std::optional<Shape> operator()(const IdentityConfig &) { return one(); }
  std::optional<Shape> operator()(const RepeatVectorConfig &c) {
    if (!one() || one()->size() != 1)
      return std::nullopt;
    return Shape{c.n, one()->front()};
  }
  std::optional<Shape> operator()(const EmbeddingConfig &c) {
    params = mul(c.inputDim, c.outputDim);
    if (!one())
      return std::nullopt;
    Shape out = *one();
    out.push_back(c.outputDim);
    return out;
  }
  std::optional<Shape> operator()(const CategoryEncodingConfig &c) {
    if (!one())
      return std::nullopt;
    Shape out = *one();
    bool replaceLast = c.mode != CategoryEncodingConfig::Mode::OneHot || (!out.empty() && out.back() == 1);
    if (replaceLast && !out.empty())
      out.back() = c.numTokens;
    else
      out.push_back(c.numTokens);
    return out;
  }
  std::optional<Shape> operator()(const DiscretizationConfig &c) {
    if (!c.mode)
      return one();
    return (*this)(CategoryEncodingConfig{int64_t(c.binBoundaries.size()) + 1, *c.mode});
  }
  std::optional<Shape> operator()(const GroupNormConfig &c) {
    if (!one())
      return std::nullopt;
    std::optional<size_t> axis = axisIndex(c.axis, one()->size());
    if (!axis || (*one())[*axis] == kUnknown)
      return std::nullopt;
    params = mul(2, (*one())[*axis]); // gamma and beta
    return one();
  }

  std::optional<Shape> operator()(const EinsumDenseConfig &c) {
    // The kernel spans some input axes and some output axes: at most all of both
    // (an output axis left None is the input's, outside the kernel); the bias spans
    // output axes.
    if (!one())
      return std::nullopt;
    Shape out, known;
    for (const Dim &d : c.outputShape) {
      out.push_back(d ? *d : kUnknown);
      known.push_back(d ? *d : 1);
    }
    params = add(mul(product(*one()), product(known)), product(known));
    return out;
  }
  std::optional<Shape> operator()(const MultiHeadAttentionConfig &c) {
    size_t tensors = in.size() - (c.attentionMask && !in.empty() ? 1 : 0); // less the mask
    if (tensors == 0 || tensors > 3)
      return std::nullopt;
    const Shape &query = in[0], &value = tensors > 1 ? in[1] : in[0],
                &key = tensors > 2 ? in[2] : value;
    if (query.empty() || value.empty() || key.empty())
      return std::nullopt;
    auto projection = [&](int64_t features, int64_t dim) {
      return add(mul(features, mul(c.numHeads, dim)), mul(c.numHeads, dim));
    };
    Shape outShape = c.outputShape.empty() ? Shape{query.back()} : c.outputShape;
    int64_t outSize = product(outShape);
    params = add(add(projection(query.back(), c.keyDim), projection(key.back(), c.keyDim)),
                 add(projection(value.back(), c.valueDim),
                     add(mul(mul(c.numHeads, c.valueDim), outSize), outSize)));
    Shape out(query.begin(), query.end() - 1);
    out.insert(out.end(), outShape.begin(), outShape.end());
    return out;
  }

  std::optional<Shape> operator()(const AttentionConfig &c) {
    if (in.size() < 2 || in[0].empty() || in[1].empty())
      return std::nullopt;
    params = c.additive ? (c.useScale ? in[0].back() : 0) : 2; // scale (, concat weight)
    Shape out(in[0].begin(), in[0].end() - 1);
    out.push_back(in[1].back());
    return out;
  }

private:
  /// Conv3D and Conv3DTranspose: Conv2D's bounds with a third spatial axis.
  std::optional<Shape> conv3d(const Conv2DConfig &c) {
    std::optional<Axes3> a = one() ? axes3d(*one(), c.dataFormat) : std::nullopt;
    if (!a || (*one())[a->channel] == kUnknown)
      return std::nullopt;
    int64_t taps = mul(mul(c.kernelDepth, c.kernelSize[0]), c.kernelSize[1]);
    params = add(mul(mul(taps, (*one())[a->channel]), c.filters), c.filters);
    std::optional<Shape> out = spatial3d(c.dataFormat, [&](int axis, int64_t size) {
      int64_t s = axis == 0 ? c.strideDepth : c.strides[axis - 1];
      int64_t k = axis == 0 ? mul(c.kernelDepth, c.dilationDepth)
                            : mul(c.kernelSize[axis - 1], c.dilationRate[axis - 1]);
      // As Conv2D: a transposed convolution grows by its stride plus at most a kernel.
      return c.kind == ConvKind::Transpose ? add(add(mul(size, s), k), s) : ceilDiv(size, s);
    });
    if (out)
      (*out)[a->channel] = c.filters;
    return out;
  }
  /// A 3-D layer's output: its input with each spatial axis's size mapped by `size`.
  template <typename F> std::optional<Shape> spatial3d(DataFormat format, F size) {
    std::optional<Axes3> a = one() ? axes3d(*one(), format) : std::nullopt;
    if (!a)
      return std::nullopt;
    Shape out = *one();
    for (int axis = 0; axis < 3; ++axis)
      out[a->spatial[axis]] = size(axis, out[a->spatial[axis]]);
    return out;
  }
  /// A 1-D layer (rank 1) as its 2-D layer on the (1, steps) view of its input.
  template <typename Config> std::optional<Shape> onStepsView(const Config &c) {
    if (!one() || one()->size() != 2)
      return std::nullopt;
    bool first = c.dataFormat == DataFormat::ChannelsFirst;
    Shape s = *one(); // a copy: one() returns a temporary
    std::vector<Shape> view{first ? Shape{s[0], 1, s[1]} : Shape{1, s[0], s[1]}};
    Config c2 = c;
    c2.rank = 2;
    Visitor v{view};
    std::optional<Shape> out = v(c2);
    params = v.params;
    if (!out || out->size() != 3)
      return out;
    return first ? Shape{(*out)[0], (*out)[2]} : Shape{(*out)[1], (*out)[2]};
  }
  std::optional<Shape> one() const {
    if (in.size() != 1)
      return std::nullopt;
    return in.front();
  }
};

} // namespace

std::optional<uint64_t> parameterBound(const Model &model) {
  std::map<std::string, Shape> shapes;
  int64_t total = 0;
  for (const Layer &layer : model.layers) {
    std::vector<Shape> in;
    for (const std::string &producer : layer.inbound) {
      auto it = shapes.find(producer);
      if (it == shapes.end())
        return std::nullopt;
      in.push_back(it->second);
    }
    Visitor visitor{in};
    std::optional<Shape> out = std::visit(visitor, layer.config);
    // A ConvLSTM's final states have the shape of its output for one step; stacked
    // cells' the units of their cell.
    if (const auto *state = std::get_if<RecurrentStateConfig>(&layer.config);
        state && in.size() == 1)
      for (const Layer &producer : model.layers) {
        if (producer.name != layer.inbound[0])
          continue;
        if (const auto *c = std::get_if<ConvLstmConfig>(&producer.config))
          out = c->rnn.returnSequences ? Shape(in[0].begin() + 1, in[0].end()) : in[0];
        if (const auto *c = std::get_if<StackedRecurrentConfig>(&producer.config))
          out = Shape{c->cells[c->stateAt(size_t(state->index - 1)).first].units};
      }
    if (!out || visitor.params == kUnknown)
      return std::nullopt;
    total = add(total, visitor.params);
    if (total >= kHuge)
      return std::nullopt;
    shapes[layer.name] = *out;
  }
  return uint64_t(total);
}

} // namespace kconv::keras
