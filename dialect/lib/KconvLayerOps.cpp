// Shape rules and checks of the Keras layer ops other than Conv2D.
#include "kconv/Dialect/KconvOps.h"

#include "OpChecks.h"
#include "kconv/Support/ConvGeometry.h"
#include "llvm/Support/CheckedArithmetic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::kconv;

namespace {
constexpr int64_t kDynamic = ShapedType::kDynamic;

ArrayRef<int64_t> shapeOf(Value v) { return cast<RankedTensorType>(v.getType()).getShape(); }

bool known(int64_t d) { return !ShapedType::isDynamic(d); }

/// Positions of height, width and channels in a 4-D tensor of `format`.
struct ImageAxes {
  int h, w, c;
};
ImageAxes imageAxes(DataFormat format) {
  return format == DataFormat::channels_first ? ImageAxes{2, 3, 1} : ImageAxes{1, 2, 3};
}

LogicalResult requireRank(Operation *op, Value v, int64_t rank, StringRef what) {
  int64_t actual = shapeOf(v).size();
  if (actual != rank)
    return op->emitError() << what << " must be " << rank << "-D (batch included), got rank "
                           << actual << " " << formatShape(shapeOf(v));
  return success();
}

LogicalResult checkVectorSize(Operation *op, Value v, int64_t expected, StringRef what) {
  int64_t actual = shapeOf(v)[0];
  if (known(expected) && known(actual) && actual != expected)
    return op->emitError() << what << " has " << actual << " values, expected " << expected;
  return success();
}

/// Two dimensions that must agree: the known one wins.
std::optional<int64_t> mergeDim(int64_t a, int64_t b) {
  if (!known(a))
    return b;
  if (!known(b) || a == b)
    return a;
  return std::nullopt;
}
} // namespace

LogicalResult DenseOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput()), kernel = shapeOf(getKernel());
  if (in.size() < 2)
    return emitError() << "Dense needs an input of rank >= 2 (batch included), got "
                       << formatShape(in);
  if (known(in.back()) && kernel[0] != in.back())
    return emitError() << "kernel " << formatShape(kernel) << " expects " << kernel[0]
                       << " input features, the input " << formatShape(in) << " has "
                       << in.back();
  if (kernel[1] != (int64_t)getUnits())
    return emitError() << "kernel " << formatShape(kernel) << " does not have 'units' ("
                       << getUnits() << ") columns";
  if (getUseBias() != static_cast<bool>(getBias()))
    return emitError() << "'use_bias' does not match the presence of a bias operand";
  if (getBias() && failed(checkVectorSize(*this, getBias(), getUnits(), "bias")))
    return failure();
  shape.assign(in.begin(), in.end());
  shape.back() = getUnits();
  return success();
}

namespace {
/// Keras's deconv_output_length for one axis, or nullopt when it overflows int64
/// (input >= 0, kernel, stride, dilation >= 1, 0 <= outputPadding < max(stride, dilation)).
std::optional<int64_t> transposedLength(int64_t input, int64_t kernel, int64_t stride,
                                        int64_t dilation, bool same,
                                        std::optional<int64_t> outputPadding) {
  using llvm::checkedAdd, llvm::checkedMul;
  std::optional<int64_t> dilated = ::kconv::dilatedKernel(kernel, dilation);
  if (!dilated)
    return std::nullopt;
  if (!outputPadding) {
    std::optional<int64_t> scaled = checkedMul(input, stride);
    if (!scaled || same)
      return scaled;
    return checkedAdd(*scaled, std::max<int64_t>(*dilated - stride, 0));
  }
  int64_t pad = same ? *dilated / 2 : 0;
  std::optional<int64_t> scaled = checkedMul(input - 1, stride);
  // dilated - 2 * pad is dilated or, for 'same', 1 or 0: it cannot overflow.
  std::optional<int64_t> length = scaled ? checkedAdd(*scaled, *dilated - 2 * pad) : scaled;
  return length ? checkedAdd(*length, *outputPadding) : length;
}

/// One error for a shape quantity beyond int64, naming the arguments it came from.
LogicalResult overflowError(Operation *op, const Twine &quantity) {
  return op->emitError() << quantity << " overflows 64-bit integers";
}
} // namespace

std::array<int64_t, 2> Conv2DTransposeOp::getPaddingBefore() {
  std::array<int64_t, 2> before{0, 0};
  if (getPadding() != Padding::same)
    return before;
  ArrayRef<int64_t> out = mlir::cast<RankedTensorType>(getOutput().getType()).getShape();
  ImageAxes axes = imageAxes(getDataFormat());
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) // TF: the forward convolution's 'same' padding
    if (std::optional<::kconv::AxisPadding> pad =
            ::kconv::computeAxisPadding(true, out[spatial[i]], getKernelSize()[i],
                                        getStrides()[i], getDilationRate()[i]))
      before[i] = pad->before; // (the verifier rejects sizes beyond int64)
  return before;
}

LogicalResult Conv2DTransposeOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 4, "the input")) ||
      failed(checkPositivePair(*this, "kernel_size", getKernelSize())) ||
      failed(checkPositivePair(*this, "strides", getStrides())) ||
      failed(checkPositivePair(*this, "dilation_rate", getDilationRate())))
    return failure();
  ArrayRef<int64_t> s = getStrides(), d = getDilationRate(), k = getKernelSize();
  if ((s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1))
    return emitError() << "'strides' > 1 is not supported together with 'dilation_rate' > 1";
  std::optional<ArrayRef<int64_t>> outputPadding = getOutputPadding();
  if (outputPadding) {
    if (outputPadding->size() != 2)
      return emitError() << "'output_padding' must have 2 values";
    for (int i = 0; i < 2; ++i)
      if ((*outputPadding)[i] < 0 || (*outputPadding)[i] >= std::max(s[i], d[i]))
        return emitError() << "'output_padding' (" << (*outputPadding)[i]
                           << ") must be >= 0 and lower than the stride or dilation ("
                           << std::max(s[i], d[i]) << ")";
  }
  ArrayRef<int64_t> in = shapeOf(getInput()), kernel = shapeOf(getKernel());
  ImageAxes axes = imageAxes(getDataFormat());
  SmallVector<int64_t, 4> expected{k[0], k[1], (int64_t)getFilters(), in[axes.c]};
  for (int i = 0; i < 4; ++i)
    if (known(expected[i]) && kernel[i] != expected[i])
      return emitError() << "kernel " << formatShape(kernel)
                         << " does not match (kernel_size, filters, input channels) = "
                         << formatShape(expected);
  if (getUseBias() != static_cast<bool>(getBias()))
    return emitError() << "'use_bias' does not match the presence of a bias operand";
  if (getBias() && failed(checkVectorSize(*this, getBias(), getFilters(), "bias")))
    return failure();
  shape.assign(in.begin(), in.end());
  shape[axes.c] = getFilters();
  bool same = getPadding() == Padding::same;
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) {
    if (!known(in[spatial[i]]))
      continue;
    std::optional<int64_t> op;
    if (outputPadding)
      op = (*outputPadding)[i];
    std::optional<int64_t> length = transposedLength(in[spatial[i]], k[i], s[i], d[i], same, op);
    if (!length)
      return overflowError(*this, Twine("the output ") + (i ? "width" : "height") + " (input " +
                                      Twine(in[spatial[i]]) + ", kernel_size " + Twine(k[i]) +
                                      ", strides " + Twine(s[i]) + ", dilation_rate " +
                                      Twine(d[i]) + ")");
    // TF: the forward convolution's 'same' padding of the output must be representable.
    if (same && !::kconv::computeAxisPadding(true, *length, k[i], s[i], d[i]))
      return overflowError(*this, Twine("the 'same' padding of the output ") +
                                      (i ? "width" : "height") + " (" + Twine(*length) + ")");
    shape[spatial[i]] = *length;
    if (shape[spatial[i]] < 1)
      return emitError() << "the output " << (i ? "width" : "height") << " would be empty";
  }
  return success();
}

LogicalResult BatchNormOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t axis = getAxis();
  if (axis >= (int64_t)in.size())
    return emitError() << "'axis' " << axis << " is out of range for input " << formatShape(in);
  if (getEpsilon().convertToDouble() < 0)
    return emitError() << "'epsilon' must be >= 0";
  int64_t channels = in[axis];
  for (auto [value, name] : {std::pair{getGamma(), "gamma"}, {getBeta(), "beta"},
                             {getMovingMean(), "moving_mean"},
                             {getMovingVariance(), "moving_variance"}})
    if (failed(checkVectorSize(*this, value, channels, name)))
      return failure();
  shape.assign(in.begin(), in.end());
  return success();
}

LogicalResult LayerNormOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t axis = getAxis();
  // kconv normalizes over the last axis only (Keras's default, as ConvNeXt and
  // transformers use it); codegen reduces over the innermost dimension.
  if (axis != (int64_t)in.size() - 1)
    return emitError() << "'axis' " << axis << " must be the last axis of input "
                       << formatShape(in) << " (only the last axis is supported)";
  double epsilon = getEpsilon().convertToDouble();
  if (!(epsilon >= 0) || !std::isfinite(epsilon))
    return emitError() << "'epsilon' must be a finite number >= 0";
  int64_t channels = in[axis];
  for (auto [value, name] : {std::pair{getGamma(), "gamma"}, {getBeta(), "beta"}})
    if (failed(checkVectorSize(*this, value, channels, name)))
      return failure();
  shape.assign(in.begin(), in.end());
  return success();
}

LogicalResult Pool2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 4, "the input")) ||
      failed(checkPositivePair(*this, "pool_size", getPoolSize())) ||
      failed(checkPositivePair(*this, "strides", getStrides())))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ImageAxes axes = imageAxes(getDataFormat());
  shape.assign(in.begin(), in.end());
  bool same = getPadding() == Padding::same;
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) {
    int64_t size = in[spatial[i]];
    if (!known(size))
      continue;
    std::optional<::kconv::AxisPadding> pad =
        ::kconv::computeAxisPadding(same, size, getPoolSize()[i], getStrides()[i], 1);
    if (!pad)
      return overflowError(*this, Twine("the input ") + (i ? "width" : "height") + " (" +
                                      Twine(size) + ") plus the 'same' padding of 'pool_size' " +
                                      Twine(getPoolSize()[i]));
    std::optional<int64_t> out =
        ::kconv::computeAxisOutput(size, getPoolSize()[i], getStrides()[i], 1, *pad);
    if (!out)
      return emitError() << "the pool window (" << getPoolSize()[i] << ") is larger than the "
                         << (i ? "width" : "height") << " of the input " << formatShape(in)
                         << " with padding 'valid'";
    shape[spatial[i]] = *out;
  }
  return success();
}

LogicalResult GlobalPool2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 4, "the input")))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ImageAxes axes = imageAxes(getDataFormat());
  if (!getKeepdims()) {
    shape.assign({in[0], in[axes.c]});
    return success();
  }
  shape.assign(in.begin(), in.end());
  shape[axes.h] = shape[axes.w] = 1;
  return success();
}

bool ActivationOp::isPlainActivation() {
  if (getAlpha() || getMaxValue() || getNegativeSlope() || getThreshold())
    return false;
  if (std::optional<int64_t> axis = getAxis())
    return *axis == (int64_t)shapeOf(getInput()).size() - 1;
  return true;
}

LogicalResult ActivationOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  Activation kind = getActivation();
  bool softmax = kind == Activation::softmax || kind == Activation::log_softmax;
  if (getAxis() && !softmax)
    return emitError() << "'axis' applies to softmax and log_softmax only";
  if (std::optional<int64_t> axis = getAxis())
    if (*axis < 1 || *axis >= (int64_t)in.size())
      return emitError() << "softmax 'axis' " << *axis << " must name a non-batch axis of "
                         << formatShape(in);
  if ((getMaxValue() || getNegativeSlope() || getThreshold()) && kind != Activation::relu)
    return emitError() << "'max_value', 'negative_slope' and 'threshold' apply to relu only";
  if (getAlpha() && kind != Activation::leaky_relu && kind != Activation::elu)
    return emitError() << "'alpha' applies to leaky_relu and elu only";
  if (getMaxValue() && getMaxValue()->convertToDouble() < 0)
    return emitError() << "'max_value' must be >= 0 (Keras ReLU)";
  if (getNegativeSlope() && getNegativeSlope()->convertToDouble() < 0)
    return emitError() << "'negative_slope' must be >= 0 (Keras ReLU)";
  shape.assign(in.begin(), in.end());
  return success();
}

LogicalResult PReluOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput()), alpha = shapeOf(getAlpha());
  if (alpha.size() + 1 != in.size())
    return emitError() << "alpha " << formatShape(alpha) << " must have the rank of the input "
                       << formatShape(in) << " without the batch";
  for (size_t i = 0; i < alpha.size(); ++i)
    if (alpha[i] != 1 && known(in[i + 1]) && alpha[i] != in[i + 1])
      return emitError() << "alpha " << formatShape(alpha) << " does not broadcast to the input "
                         << formatShape(in);
  shape.assign(in.begin(), in.end());
  return success();
}

namespace {
/// One axis of Keras's element-wise broadcast: a size 1 takes the other's size;
/// an unknown size takes a known size above 1 (anything else would fail at run
/// time). No value when both are known, differ, and neither is 1.
std::optional<int64_t> broadcastDim(int64_t a, int64_t b) {
  if (a == 1)
    return b;
  if (b == 1)
    return a;
  return mergeDim(a, b);
}
} // namespace

// Keras's Merge.build / compute_output_shape (Keras 2 and 3): the batch sizes must
// agree (the batch is never broadcast), the other axes broadcast right-aligned; a
// lower-rank input is expanded at axis 1 until the ranks match (Merge.call).
LogicalResult MergeOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  OperandRange inputs = getInputs();
  if (inputs.size() < 2)
    return emitError() << "needs at least 2 inputs, got " << inputs.size();
  if (getKind() == MergeKind::subtract && inputs.size() != 2)
    return emitError() << "Subtract needs exactly 2 inputs, got " << inputs.size();
  for (Value input : inputs)
    if (shapeOf(input).empty())
      return emitError() << "inputs must have a batch axis, got a rank-0 input";
  ArrayRef<int64_t> first = shapeOf(inputs[0]);
  shape.assign(first.begin(), first.end());
  for (Value input : inputs.drop_front()) {
    ArrayRef<int64_t> other = shapeOf(input);
    std::optional<int64_t> batch = mergeDim(shape[0], other[0]);
    if (!batch)
      return emitError() << "inputs have different batch sizes: " << formatShape(shape)
                         << " and " << formatShape(other);
    size_t rank = std::max(shape.size(), other.size());
    // Axis `fromEnd` counted from the last (1 = last), 1 where the input has none.
    auto sizeAt = [](ArrayRef<int64_t> s, size_t fromEnd) -> int64_t {
      return fromEnd < s.size() ? s[s.size() - fromEnd] : 1;
    };
    SmallVector<int64_t> result(rank, 1);
    result[0] = *batch;
    for (size_t axis = 1; axis < rank; ++axis) {
      int64_t a = sizeAt(shape, rank - axis), b = sizeAt(other, rank - axis);
      std::optional<int64_t> d = broadcastDim(a, b);
      if (!d)
        return emitError() << "inputs have incompatible shapes: " << formatShape(shape)
                           << " and " << formatShape(other) << " (" << a << " and " << b
                           << " at axis " << axis << "; only a size of 1 broadcasts)";
      result[axis] = *d;
    }
    shape.assign(result.begin(), result.end());
  }
  return success();
}

LogicalResult ConcatenateOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  OperandRange inputs = getInputs();
  if (inputs.empty())
    return emitError() << "needs at least one input";
  ArrayRef<int64_t> first = shapeOf(inputs[0]);
  int64_t axis = getAxis();
  if (axis >= (int64_t)first.size())
    return emitError() << "'axis' " << axis << " is out of range for input "
                       << formatShape(first);
  shape.assign(first.begin(), first.end());
  for (Value input : inputs.drop_front()) {
    ArrayRef<int64_t> other = shapeOf(input);
    bool ok = other.size() == shape.size();
    for (size_t i = 0; ok && i < other.size(); ++i) {
      if (i == (size_t)axis) {
        if (!known(shape[i]) || !known(other[i])) {
          shape[i] = kDynamic;
          continue;
        }
        std::optional<int64_t> sum = llvm::checkedAdd(shape[i], other[i]);
        if (!sum)
          return overflowError(*this, "the concatenated size along 'axis' " + Twine(axis));
        shape[i] = *sum;
        continue;
      }
      std::optional<int64_t> d = mergeDim(shape[i], other[i]);
      ok = d.has_value();
      if (ok)
        shape[i] = *d;
    }
    if (!ok)
      return emitError() << "inputs " << formatShape(first) << " and " << formatShape(other)
                         << " differ outside the concatenation axis " << axis;
  }
  return success();
}

namespace {
/// ZeroPadding2D (sign +1) and Cropping2D (sign -1): (top, bottom, left, right).
LogicalResult inferPadded(Operation *op, Value input, ArrayRef<int64_t> amounts,
                          DataFormat format, int sign, StringRef name,
                          SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(op, input, 4, "the input")))
    return failure();
  if (amounts.size() != 4)
    return op->emitError() << "'" << name << "' must have 4 values (top, bottom, left, right)";
  for (int64_t a : amounts)
    if (a < 0)
      return op->emitError() << "'" << name << "' values must be >= 0";
  ArrayRef<int64_t> in = shapeOf(input);
  ImageAxes axes = imageAxes(format);
  shape.assign(in.begin(), in.end());
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) {
    if (!known(in[spatial[i]]))
      continue;
    std::optional<int64_t> amount = llvm::checkedAdd(amounts[2 * i], amounts[2 * i + 1]);
    std::optional<int64_t> size =
        !amount ? amount
        : sign > 0 ? llvm::checkedAdd(in[spatial[i]], *amount)
                   : std::optional<int64_t>(in[spatial[i]] - *amount);
    if (!size && sign > 0)
      return overflowError(op, Twine("the input ") + (i ? "width" : "height") + " (" +
                                   Twine(in[spatial[i]]) + ") plus '" + name + "' " +
                                   Twine(amounts[2 * i]) + " + " + Twine(amounts[2 * i + 1]));
    if (!size || *size < 1) // (two croppings beyond int64 crop everything)
      return op->emitError() << "cropping " << amounts[2 * i] << " + " << amounts[2 * i + 1]
                             << " leaves nothing of the input " << formatShape(in);
    shape[spatial[i]] = *size;
  }
  return success();
}
} // namespace

LogicalResult ZeroPad2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  return inferPadded(*this, getInput(), getPadding(), getDataFormat(), +1, "padding", shape);
}

LogicalResult Crop2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  return inferPadded(*this, getInput(), getCropping(), getDataFormat(), -1, "cropping", shape);
}

LogicalResult UpSample2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 4, "the input")) ||
      failed(checkPositivePair(*this, "size", getSize())))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ImageAxes axes = imageAxes(getDataFormat());
  shape.assign(in.begin(), in.end());
  int spatial[2] = {axes.h, axes.w};
  for (int i = 0; i < 2; ++i) {
    if (!known(in[spatial[i]]))
      continue;
    std::optional<int64_t> size = llvm::checkedMul(in[spatial[i]], getSize()[i]);
    if (!size)
      return overflowError(*this, Twine("the input ") + (i ? "width" : "height") + " (" +
                                      Twine(in[spatial[i]]) + ") times 'size' " +
                                      Twine(getSize()[i]));
    shape[spatial[i]] = *size;
  }
  return success();
}

LogicalResult ReshapeOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  std::optional<int64_t> from = 1, to = 1;
  bool fromKnown = true;
  for (int64_t d : in.drop_front()) {
    fromKnown &= known(d);
    if (from && known(d))
      from = llvm::checkedMul(*from, d);
  }
  if (fromKnown && !from)
    return overflowError(*this, "the number of values per sample of the input " +
                                    formatShape(in));
  for (int64_t d : getShape()) {
    if (d < 1)
      return emitError() << "target shape dimensions must be >= 1";
    if (to)
      to = llvm::checkedMul(*to, d);
  }
  if (!to)
    return overflowError(*this, "the number of values of 'shape' " + formatShape(getShape()));
  if (fromKnown && *from != *to)
    return emitError() << "cannot reshape " << formatShape(in) << " (" << *from
                       << " values per sample) to " << formatShape(getShape()) << " (" << *to
                       << " values)";
  shape.assign({in[0]});
  shape.append(getShape().begin(), getShape().end());
  return success();
}

LogicalResult TransposeOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput()), perm = getPermutation();
  if (perm.size() != in.size())
    return emitError() << "'permutation' has " << perm.size() << " entries for an input of rank "
                       << in.size();
  SmallVector<bool> seen(in.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)in.size() || seen[p])
      return emitError() << "'permutation' is not a permutation of the input dimensions";
    seen[p] = true;
  }
  if (perm[0] != 0)
    return emitError() << "'permutation' must keep the batch dimension first";
  shape.clear();
  for (int64_t p : perm)
    shape.push_back(in[p]);
  return success();
}

namespace {
bool isIdentityPermutation(ArrayRef<int64_t> perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != (int64_t)i)
      return false;
  return true;
}
} // namespace

bool TransposeOp::isIdentity() { return isIdentityPermutation(getPermutation()); }

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (isIdentity())
    return getInput();
  // transpose(transpose(x, inner), outer) = transpose(x, inner o outer).
  auto inner = getInput().getDefiningOp<TransposeOp>();
  if (!inner)
    return {};
  SmallVector<int64_t> composed;
  for (int64_t p : perm)
    composed.push_back(inner.getPermutation()[p]);
  if (isIdentityPermutation(composed) && inner.getInput().getType() == getType())
    return inner.getInput();
  getInputMutable().assign(inner.getInput());
  setPermutation(composed);
  return getResult();
}

LogicalResult RescaleOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  shape.assign(in.begin(), in.end());
  return success();
}

LogicalResult IdentityOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  shape.assign(in.begin(), in.end());
  return success();
}
