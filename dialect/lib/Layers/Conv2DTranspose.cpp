// kconv.conv2d_transpose (Keras Conv2DTranspose): padding, shape inference and checks.
#include "OpChecks.h"
#include "kconv/Support/ConvGeometry.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

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
