// kconv.depth_unfold (Keras Conv3D's depth taps as channels of a conv2d): shape
// inference and checks.
#include "OpChecks.h"
#include "kconv/Support/ConvGeometry.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult DepthUnfoldOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getInput(), 5, "the input")))
    return failure();
  ArrayRef<int64_t> depthPad = getDepthPadding(), rowPad = getRowPadding();
  if (depthPad.size() != 2 || rowPad.size() != 2)
    return emitError() << "'depth_padding' and 'row_padding' must have 2 values each";
  if (llvm::any_of(depthPad, [](int64_t p) { return p < 0; }) ||
      llvm::any_of(rowPad, [](int64_t p) { return p < 0; }))
    return emitError() << "'depth_padding' and 'row_padding' values must be >= 0";
  ArrayRef<int64_t> in = shapeOf(getInput());
  bool first = getDataFormat() == DataFormat::channels_first;
  int64_t c = in[first ? 1 : 4], d = in[first ? 2 : 1], h = in[first ? 3 : 2],
          w = in[first ? 4 : 3];
  int64_t kd = getKernelDepth(), groups = getGroups();
  if (!::kconv::dilatedKernel(kd, getDilationDepth()))
    return emitError() << "the dilated kernel depth ((kernel_depth " << kd
                       << " - 1) x dilation_depth " << getDilationDepth()
                       << " + 1) overflows 64-bit integers";
  int64_t outD = ShapedType::kDynamic, rows = ShapedType::kDynamic, channels = ShapedType::kDynamic;
  if (known(c)) {
    if (c % groups != 0)
      return emitError() << "'groups' (" << groups << ") must divide the input channels (" << c
                         << ")";
    std::optional<int64_t> taps = llvm::checkedMul(kd, c);
    if (!taps)
      return overflowError(*this, "the channels 'kernel_depth' x input channels");
    channels = *taps;
  }
  if (known(d)) {
    ::kconv::AxisPadding pad{depthPad[0], depthPad[1]};
    if (!::kconv::paddedSize(d, pad))
      return overflowError(*this, "the input depth plus 'depth_padding'");
    std::optional<int64_t> out =
        ::kconv::computeAxisOutput(d, kd, getStrideDepth(), getDilationDepth(), pad);
    if (!out)
      return emitError() << "the dilated kernel depth ("
                         << *::kconv::dilatedKernel(kd, getDilationDepth())
                         << ") is larger than the padded input depth ("
                         << *::kconv::paddedSize(d, pad) << ")";
    outD = *out;
  }
  if (known(h) && known(outD)) {
    std::optional<int64_t> block = ::kconv::paddedSize(h, {rowPad[0], rowPad[1]});
    std::optional<int64_t> all = block ? llvm::checkedMul(outD, *block) : std::nullopt;
    if (!all)
      return overflowError(*this, "the rows (output depths x (input height + 'row_padding'))");
    rows = *all;
  }
  shape.assign({in[0], rows, w, channels});
  return success();
}
