// kconv.conv2d (Keras Conv2D; the importer maps DepthwiseConv2D, SeparableConv2D and
// Conv1D onto it): padding, shape inference and the verifier with its schedule checks.
#include "OpChecks.h"
#include "kconv/Support/ConvGeometry.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

namespace {
/// Logical (N, H, W, C) positions of a 4-D tensor in the given data format.
struct Nhwc {
  int64_t n, h, w, c;
};
Nhwc toNhwc(ArrayRef<int64_t> shape, DataFormat format) {
  if (format == DataFormat::channels_first)
    return {shape[0], shape[2], shape[3], shape[1]};
  return {shape[0], shape[1], shape[2], shape[3]};
}
} // namespace

FailureOr<SmallVector<int64_t, 4>> Conv2DOp::getResolvedPadding() {
  if (auto explicitPadding = getExplicitPadding())
    return SmallVector<int64_t, 4>(explicitPadding->begin(), explicitPadding->end());
  bool same = getPadding() == Padding::same;
  Nhwc in = toNhwc(getInput().getType().getShape(), getDataFormat());
  if (same && (ShapedType::isDynamic(in.h) || ShapedType::isDynamic(in.w)))
    return failure();
  ArrayRef<int64_t> k = getKernelSize(), s = getStrides(), d = getDilationRate();
  std::optional<::kconv::AxisPadding> py =
      ::kconv::computeAxisPadding(same, in.h, k[0], s[0], d[0]);
  std::optional<::kconv::AxisPadding> px =
      ::kconv::computeAxisPadding(same, in.w, k[1], s[1], d[1]);
  if (!py || !px) // a size beyond int64: the verifier reports it
    return failure();
  return SmallVector<int64_t, 4>{py->before, py->after, px->before, px->after};
}

LogicalResult Conv2DOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> inShape = getInput().getType().getShape();
  Nhwc in = toNhwc(inShape, getDataFormat());
  int64_t outHW[2] = {ShapedType::kDynamic, ShapedType::kDynamic};
  int64_t inHW[2] = {in.h, in.w};
  ArrayRef<int64_t> k = getKernelSize(), s = getStrides(), d = getDilationRate();
  const char *axisName[2] = {"height", "width"};
  // Sizes beyond int64 are errors naming the arguments, checked before any padding or
  // output size is computed from them.
  for (int axis = 0; axis < 2; ++axis)
    if (!::kconv::dilatedKernel(k[axis], d[axis]))
      return emitError() << "the dilated kernel " << axisName[axis] << " ((kernel_size "
                         << k[axis] << " - 1) x dilation_rate " << d[axis]
                         << " + 1) overflows 64-bit integers";
  if (auto explicitPadding = getExplicitPadding(); explicitPadding && explicitPadding->size() == 4)
    for (int axis = 0; axis < 2; ++axis)
      if (!ShapedType::isDynamic(inHW[axis]) &&
          !::kconv::paddedSize(inHW[axis], {(*explicitPadding)[2 * axis],
                                            (*explicitPadding)[2 * axis + 1]}))
        return emitError() << "the input " << axisName[axis] << " (" << inHW[axis]
                           << ") plus 'explicit_padding' " << (*explicitPadding)[2 * axis]
                           << " + " << (*explicitPadding)[2 * axis + 1]
                           << " overflows 64-bit integers";
  FailureOr<SmallVector<int64_t, 4>> pads = getResolvedPadding();
  for (int axis = 0; axis < 2 && succeeded(pads); ++axis) {
    if (ShapedType::isDynamic(inHW[axis]))
      continue;
    ::kconv::AxisPadding pad{(*pads)[2 * axis], (*pads)[2 * axis + 1]};
    std::optional<int64_t> size =
        ::kconv::computeAxisOutput(inHW[axis], k[axis], s[axis], d[axis], pad);
    if (!size)
      return emitError() << "the dilated kernel (" << *::kconv::dilatedKernel(k[axis], d[axis])
                         << ") is larger than the padded input " << axisName[axis] << " ("
                         << *::kconv::paddedSize(inHW[axis], pad) << ")";
    outHW[axis] = *size;
  }
  if (getDataFormat() == DataFormat::channels_first)
    shape.assign({in.n, (int64_t)getFilters(), outHW[0], outHW[1]});
  else
    shape.assign({in.n, outHW[0], outHW[1], (int64_t)getFilters()});
  return success();
}

namespace {
/// What the legality of the layer's schedules depends on (kconv::ConvShape).
::kconv::ConvShape scheduleShape(Conv2DOp op, int64_t inChannels) {
  ::kconv::ConvShape shape;
  shape.inChannels = inChannels;
  shape.groups = op.getGroups();
  ArrayRef<int64_t> k = op.getKernelSize(), s = op.getStrides(), d = op.getDilationRate();
  if (k.size() == 2 && s.size() == 2 && d.size() == 2) {
    shape.kernelHeight = k[0], shape.kernelWidth = k[1];
    shape.strideHeight = s[0], shape.strideWidth = s[1];
    shape.dilationHeight = d[0], shape.dilationWidth = d[1];
  }
  if (auto outType = mlir::dyn_cast<RankedTensorType>(op.getOutput().getType());
      outType && outType.getRank() == 4) {
    Nhwc out = toNhwc(outType.getShape(), op.getDataFormat());
    shape.outHeight = out.h, shape.outWidth = out.w, shape.outChannels = out.c;
  }
  return shape;
}
} // namespace

/// The checks of a schedule that need its layer (kconv::scheduleError): the flags that
/// need one input channel per group or more, every tile within the output.
LogicalResult Conv2DOp::verifyScheduleFits(ScheduleAttr schedule, int64_t inChannels,
                                           int64_t cinPerGroup) {
  (void)cinPerGroup; // derived from inChannels and the groups by scheduleError
  if (std::optional<std::string> error =
          ::kconv::scheduleError(schedule.getSchedule(), scheduleShape(*this, inChannels)))
    return emitOpError() << *error;
  return success();
}

LogicalResult Conv2DOp::verify() {
  Operation *op = getOperation();
  if (failed(checkPositivePair(op, "kernel_size", getKernelSize())) ||
      failed(checkPositivePair(op, "strides", getStrides())) ||
      failed(checkPositivePair(op, "dilation_rate", getDilationRate())))
    return failure();
  ArrayRef<int64_t> k = getKernelSize(), s = getStrides(), d = getDilationRate();
  if ((s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1))
    return emitOpError("'strides' > 1 is not supported together with 'dilation_rate' > 1 "
                       "(Keras rejects this combination)");

  int64_t filters = getFilters(), groups = getGroups();
  if (filters % groups != 0)
    return emitOpError() << "'groups' (" << groups << ") must divide 'filters' (" << filters
                         << ")";
  Nhwc in = toNhwc(getInput().getType().getShape(), getDataFormat());
  if (!ShapedType::isDynamic(in.c) && in.c % groups != 0)
    return emitOpError() << "'groups' (" << groups << ") must divide the input channels ("
                         << in.c << ")";

  ArrayRef<int64_t> kernelShape = getKernel().getType().getShape();
  int64_t cinPerGroup = ShapedType::isDynamic(in.c) ? ShapedType::kDynamic : in.c / groups;
  SmallVector<int64_t, 4> expectedKernel{k[0], k[1], cinPerGroup, filters};
  for (int i = 0; i < 4; ++i)
    if (!ShapedType::isDynamic(expectedKernel[i]) && kernelShape[i] != expectedKernel[i])
      return emitOpError() << "kernel shape (" << kernelShape
                           << ") does not match (kernel_size, input channels / groups, "
                              "filters) = ("
                           << ArrayRef<int64_t>(expectedKernel) << ")";

  if (getUseBias() != static_cast<bool>(getBias()))
    return emitOpError() << "'use_bias' is " << (getUseBias() ? "true" : "false")
                         << " but a bias operand is " << (getBias() ? "present" : "absent");
  if (getBias() && getBias().getType().getDimSize(0) != filters)
    return emitOpError() << "bias has " << getBias().getType().getDimSize(0)
                         << " elements, expected 'filters' (" << filters << ")";

  if (auto explicitPadding = getExplicitPadding()) {
    if (explicitPadding->size() != 4)
      return emitOpError("'explicit_padding' must have 4 values (top, bottom, left, right)");
    for (int64_t p : *explicitPadding)
      if (p < 0)
        return emitOpError("'explicit_padding' values must be >= 0");
  }

  if (ScheduleAttr schedule = getScheduleAttr();
      schedule && failed(verifyScheduleFits(schedule, in.c, cinPerGroup)))
    return failure();
  if (GpuScheduleAttr gpu = getGpuScheduleAttr())
    if (std::optional<std::string> error =
            ::kconv::gpuScheduleError(gpu.getSchedule(), scheduleShape(*this, in.c)))
      return emitOpError() << *error;
  if (getResidual() && getResidual().getType() != getOutput().getType())
    return emitOpError() << "residual type " << getResidual().getType()
                         << " differs from the result type " << getOutput().getType();
  return verifyInferredShape(op);
}
